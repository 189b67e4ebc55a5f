"""DistributedDataParallel with one and two processes."""

from __future__ import annotations

from comparison.experiments import scalability
from comparison.report.markdown import markdown_table, pct, plural


def scalability_runs(record: dict) -> str:
    rows = [[r["batch_size"], r["processes"], f"{r['median_epoch_s']:.3f}", f"{r['speedup']:.2f}x",
             pct(r["test_accuracy"]), f"{r['replica_max_difference']:.1e}"]
            for r in record["rows"]]
    return markdown_table(["global mini-batch", "processes", "s per epoch (median)",
                           "speed-up over 1 process", "test accuracy",
                           "largest difference between replicas"], rows)


def scalability_quotes(record: dict) -> dict[str, str]:
    config = record["config"]
    return {"cores": str(record["cores"]), "epochs": plural(config["epochs"], "epoch"),
            "examples": f"{config['train_size']:,}",
            "speedup_small": f"{record['speedup'][str(config['batch_sizes'][0])]:.2f}",
            "speedup_large": f"{record['speedup'][str(config['batch_sizes'][-1])]:.2f}",
            "small_batch": str(config["batch_sizes"][0]),
            "large_batch": str(config["batch_sizes"][-1]),
            "one_vs_two": f"{record['one_vs_two_max_difference']:.1e}",
            "replicas": f"{record['replica_max_difference']:.1e}",
            "accuracy_gap": f"{scalability.derive(record).accuracy_gap * 100:.2f}",
            "conclusion": conclusion(scalability.derive(record))}


def conclusion(n: scalability.ScalingNumbers) -> str:
    """Whether two processes paid here, in words chosen by the numbers."""
    if not n.works:
        return ("The 2-process run did **not** give the 1-process result here, so its speed "
                "is beside the point until that is explained.")
    best = max(n.speedup.values())
    if best < 1:
        return ("Two processes were slower than one at every mini-batch measured: each step "
                "ends with an all-reduce of the gradients, and for a network this small that "
                "exchange and the wait for the slower process cost more than the arithmetic "
                "shared out.")
    return (f"Two processes paid at best {best:.2f}x here: where each step has enough "
            "arithmetic per process, sharing it out outweighs the all-reduce at its end.")


STATISTIC = "median seconds per epoch over the epochs of one run per setting"
TABLES = {"runs": scalability_runs}
quotes = scalability_quotes
