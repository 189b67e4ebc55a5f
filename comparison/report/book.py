"""The book page: settings, the book's statistic per implementation, paired seeds, curves."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from matplotlib.figure import Figure

from comparison.report.figures import COLOURS, LABELS, integer_ticks, legend_below, new_figure
from comparison.report.markdown import IMPL_NAMES, keras_note, markdown_table, pct


def book_settings(record: dict) -> str:
    """The book's runs as configured (the book's figures are inputs of the experiment)."""
    config = record["config"]
    rows = [[name, "-".join(map(str, [784, *s["hidden"], 10])), s["cost"],
             "N(0, 1)" if s["init"] == "large" else "N(0, 1/n_in)", s["eta"], s["lmbda"],
             config["batch_size"], f"{pct(s['book'])} ({s['book_split']})"]
            for name, s in config["settings"].items()]
    return markdown_table(["run", "network", "cost", "initial weights", "eta", "L2 lmbda",
                           "mini-batch", "book"], rows, "llllrrrr")


PAIR_TOLERANCE = 0.005  # "the same outcome": best accuracies within half a point


def book_per_seed(record: dict) -> str:
    """Each seed's best accuracy where the paired control ran, implementation by implementation."""
    paired = record["config"]["paired"]
    if not paired:
        return "*The paired control runs in the full profile only.*"
    lines = []
    for setting in paired:
        rows = {r["impl"]: r for r in record["rows"]
                if (r["dataset"], r["setting"]) == ("mnist", setting)}
        seeds = record["provenance"]["seeds"]
        table = [[seed, *(pct(rows[impl]["per_seed_best"][i]) for impl in rows)]
                 for i, seed in enumerate(seeds)]
        lines.append(markdown_table(["seed", *(IMPL_NAMES[impl] for impl in rows)], table))
    return "\n\n".join(lines)


def _paired_matches(record: dict) -> tuple[int, int]:
    rows = {(r["setting"], r["impl"]): r for r in record["rows"] if r["dataset"] == "mnist"}
    matches = total = 0
    for setting in record["config"]["paired"]:
        for a, b in zip(rows[setting, "scratch"]["per_seed_best"],
                        rows[setting, "torch-paired"]["per_seed_best"]):
            matches += abs(a - b) <= PAIR_TOLERANCE
            total += 1
    return matches, total


def book_summary(record: dict) -> str:
    seeds = record["config"]["seeds"]
    rows = [[r["dataset"], r["setting"], IMPL_NAMES[r["impl"]], r["split"], pct(r["book"]),
             pct(r["best_of_3"]),
             "—" if r["gap_to_book_pp"] is None else f"{r['gap_to_book_pp']:+.2f}",
             f"{pct(r['mean_best'])} ({pct(r['min_best'])}–{pct(r['max_best'])})",
             f"{r['stalled']} of {r['seeds']}", f"{r['seconds_per_epoch']:.2f}"]
            for r in record["rows"]]
    return markdown_table(["dataset", "run", "implementation", "split", "book",
                           "best of first 3 seeds (book's statistic)", "gap to book (pp)",
                           f"mean best of {seeds} (min–max)", "stalled runs", "s/epoch"],
                          rows, "lllllrrrrr")


def book_quotes(record: dict) -> dict[str, str]:
    mnist = [r for r in record["rows"] if r["dataset"] == "mnist"]
    stalled = sum(r["stalled"] for r in record["rows"] if r["impl"] != "torch-paired")
    runs = sum(r["seeds"] for r in record["rows"] if r["impl"] != "torch-paired")
    return {
        "seeds": str(record["config"]["seeds"]), "epochs": str(record["config"]["epochs"]),
        "largest_gap_pp": f"{record['summary']['largest_gap_pp']:.2f}",
        "datasets": ", ".join(record["config"]["datasets"]),
        "stalled": f"{stalled} of {runs}",
        "paired_matches": "{} of {}".format(*_paired_matches(record)),
        "keras_note": keras_note(record),
        "keras_largest_gap_pp": _keras_gap(mnist),
    } | {f"{r['setting']}_{r['impl']}_best": pct(r["best_of_3"]) for r in mnist}


def _keras_gap(mnist_rows: list[dict]) -> str:
    gaps = [abs(r["gap_to_book_pp"]) for r in mnist_rows if r["impl"] == "keras"]
    return f"{max(gaps):.2f}" if gaps else "not measured"


def figures(record: dict) -> Iterator[tuple[str, Figure]]:
    """Accuracy per epoch per implementation: each seed, their mean and a min-max band."""
    config = record["config"]
    for dataset in config["datasets"]:
        for setting, spec in config["settings"].items():
            split = spec["book_split"]
            figure, ax = new_figure()
            runs = [r for r in record["runs"] if (r["dataset"], r["setting"]) == (dataset, setting)]
            for impl in dict.fromkeys(r["impl"] for r in runs):
                curves = np.array([r["history"][f"{split}_accuracy"] for r in runs
                                   if r["impl"] == impl]) * 100
                epochs = np.arange(1, curves.shape[1] + 1)
                ax.plot(epochs, curves.mean(axis=0), color=COLOURS[impl], linewidth=2,
                        label=f"{LABELS[impl]} ({_mean_of(len(curves))})")
                ax.fill_between(epochs, curves.min(axis=0), curves.max(axis=0),
                                color=COLOURS[impl], alpha=0.12, linewidth=0)
                # each seed too: where runs stall, the mean describes no actual run
                ax.plot(epochs, curves.T, color=COLOURS[impl], linewidth=0.5, alpha=0.5)
            if dataset == "mnist":
                ax.axhline(spec["book"] * 100, color="#999999", linestyle="--",
                           label=f"book: {spec['book']:.2%}")
            ax.set(xlabel="epoch", ylabel=f"{split} accuracy (%)")
            integer_ticks(ax.xaxis)
            legend_below(ax, columns=1)
            yield f"book-{dataset}-{setting}", figure


def _mean_of(n: int) -> str:
    return "one seed" if n == 1 else f"mean of {n} seeds"


STATISTIC = ("accuracy at the best epoch of each run; the book's statistic is the best of the "
             "first three seeds; mean, min and max are over all seeds")
TABLES = {"summary": book_summary, "settings": book_settings, "per_seed": book_per_seed}
quotes = book_quotes
