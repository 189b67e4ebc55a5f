"""DistributedDataParallel with one and two processes."""

from __future__ import annotations

from comparison.experiments.scalability import Result
from comparison.report.markdown import markdown_table, pct, plural, ratio_text
from comparison.stats import Ratio


def scalability_runs(result: Result) -> str:
    rows = [[r.batch_size, r.processes, r.threads_per_process, f"{r.median_epoch_s:.3f}",
             pct(r.test_accuracy), f"{r.replica_max_difference:.1e}"] for r in result.rows]
    return markdown_table(["global mini-batch", "processes", "threads each",
                           "s per epoch (median)", "test accuracy",
                           "largest difference between replicas"], rows)


def threads_text(result: Result) -> str:
    """How the CPUs were shared out: threads per process in each run."""
    each = {r.processes: r.threads_per_process for r in result.rows}
    return "; ".join(f"{n} {'process' if n == 1 else 'processes'} with "
                     f"{plural(t, 'thread')} each" for n, t in sorted(each.items()))


def scalability_quotes(result: Result) -> dict[str, str]:
    config = result.config
    return {"cores": str(result.cores), "epochs": plural(config.epochs, "epoch"),
            "examples": f"{config.train_size:,}",
            "threads": threads_text(result),
            "speedups": speedups_text(result.speedup),
            "one_vs_two": f"{result.one_vs_two_max_difference:.1e}",
            "replicas": f"{result.replica_max_difference:.1e}",
            "accuracy_gap": f"{result.accuracy_gap * 100:.2f}",
            "conclusion": conclusion(result)}


def speedups_text(speedup: dict[int, Ratio]) -> str:
    """Two processes against one at each mini-batch, a sentence each (one interval apiece)."""
    (first, s), *rest = speedup.items()
    return ". ".join([f"Two processes ran at {ratio_text(s)} the speed of one at mini-batch "
                      f"{first}"] + [f"At mini-batch {b} they ran at {ratio_text(s)}"
                                     for b, s in rest])


def conclusion(result: Result) -> str:
    """What the speed-ups' intervals say, and nothing beyond them."""
    if not result.works:
        return ("The 2-process run did **not** give the 1-process result here, so its speed "
                "is beside the point until that is explained.")
    below = [b for b, s in result.speedup.items() if s.high < 1]
    above = [b for b, s in result.speedup.items() if s.low > 1]
    if above:
        return (f"The interval of the speed-up lay above 1 at mini-batch "
                f"{', '.join(map(str, above))}.")
    if len(below) == len(result.speedup):
        return "The interval of the speed-up lay below 1 at every mini-batch measured."
    return ("At no mini-batch did the interval of the speed-up lie above 1, so this run cannot "
            "say that two processes were faster.")


STATISTIC = ("median seconds per epoch over the epochs of one run per setting; speed-ups: "
             "median of per-epoch ratios with a 95% order-statistic interval")
TABLES = {"runs": scalability_runs}
quotes = scalability_quotes
