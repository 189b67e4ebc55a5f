"""DistributedDataParallel with one and two processes."""

from __future__ import annotations

from comparison.experiments import scalability
from comparison.report.markdown import markdown_table, pct, plural, ratio_text


def scalability_runs(record: dict) -> str:
    rows = [[r["batch_size"], r["processes"], r.get("threads_per_process", 1),
             f"{r['median_epoch_s']:.3f}", pct(r["test_accuracy"]),
             f"{r['replica_max_difference']:.1e}"] for r in record["rows"]]
    return markdown_table(["global mini-batch", "processes", "threads each",
                           "s per epoch (median)", "test accuracy",
                           "largest difference between replicas"], rows)


def threads_text(record: dict) -> str:
    """How the CPUs were shared out: threads per process in each run."""
    each = {r["processes"]: r.get("threads_per_process", 1) for r in record["rows"]}
    return "; ".join(f"{n} {'process' if n == 1 else 'processes'} with "
                     f"{plural(t, 'thread')} each" for n, t in sorted(each.items()))


def scalability_quotes(record: dict) -> dict[str, str]:
    config, numbers = record["config"], scalability.derive(record)
    return {"cores": str(record["cores"]), "epochs": plural(config["epochs"], "epoch"),
            "examples": f"{config['train_size']:,}",
            "threads": threads_text(record),
            "speedups": speedups_text(numbers.speedup),
            "one_vs_two": f"{record['one_vs_two_max_difference']:.1e}",
            "replicas": f"{record['replica_max_difference']:.1e}",
            "accuracy_gap": f"{numbers.accuracy_gap * 100:.2f}",
            "conclusion": conclusion(numbers)}


def speedups_text(speedup: dict[int, dict]) -> str:
    """Two processes against one at each mini-batch, a sentence each (one interval apiece)."""
    (first, s), *rest = speedup.items()
    return ". ".join([f"Two processes ran at {ratio_text(s)} the speed of one at mini-batch "
                      f"{first}"] + [f"At mini-batch {b} they ran at {ratio_text(s)}"
                                     for b, s in rest])


def conclusion(n: scalability.ScalingNumbers) -> str:
    """What the speed-ups' intervals say, and nothing beyond them."""
    if not n.works:
        return ("The 2-process run did **not** give the 1-process result here, so its speed "
                "is beside the point until that is explained.")
    below = [b for b, s in n.speedup.items() if s["high"] < 1]
    above = [b for b, s in n.speedup.items() if s["low"] > 1]
    if above:
        return (f"The interval of the speed-up lay above 1 at mini-batch "
                f"{', '.join(map(str, above))}.")
    if len(below) == len(n.speedup):
        return "The interval of the speed-up lay below 1 at every mini-batch measured."
    return ("At no mini-batch did the interval of the speed-up lie above 1, so this run cannot "
            "say that two processes were faster.")


STATISTIC = ("median seconds per epoch over the epochs of one run per setting; speed-ups: "
             "median of per-epoch ratios with a 95% order-statistic interval")
TABLES = {"runs": scalability_runs}
quotes = scalability_quotes
