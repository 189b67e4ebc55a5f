"""DistributedDataParallel with one and two processes."""

from __future__ import annotations

from comparison.report.markdown import markdown_table, pct


def scalability_runs(record: dict) -> str:
    rows = [[r["batch_size"], r["processes"], f"{r['median_epoch_s']:.3f}", f"{r['speedup']:.2f}x",
             pct(r["test_accuracy"]), f"{r['replica_max_difference']:.1e}"]
            for r in record["rows"]]
    return markdown_table(["global mini-batch", "processes", "s per epoch (median)",
                           "speed-up over 1 process", "test accuracy",
                           "largest difference between replicas"], rows)


def scalability_quotes(record: dict) -> dict[str, str]:
    config = record["config"]
    return {"cores": str(record["cores"]), "epochs": str(config["epochs"]),
            "examples": f"{config['train_size']:,}",
            "speedup_small": f"{record['speedup'][str(config['batch_sizes'][0])]:.2f}",
            "speedup_large": f"{record['speedup'][str(config['batch_sizes'][-1])]:.2f}",
            "small_batch": str(config["batch_sizes"][0]),
            "large_batch": str(config["batch_sizes"][-1]),
            "one_vs_two": f"{record['one_vs_two_max_difference']:.1e}",
            "replicas": f"{record['replica_max_difference']:.1e}"}


STATISTIC = "median seconds per epoch over {epochs} epoch(s), one run per setting"
TABLES = {"runs": scalability_runs}
quotes = scalability_quotes
