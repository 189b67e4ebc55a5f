"""Time to accuracy on the performance page: a table, a figure and the quoted numbers."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from matplotlib.figure import Figure

from comparison import implementations
from comparison.experiments.convergence import PROFILES
from comparison.experiments.harness import timing
from comparison.report.figures import COLOURS, LABELS, legend_below
from comparison.report.markdown import IMPL_NAMES, markdown_table, plural, ratio_text


def _settings(record: dict) -> list[tuple[int, float]]:
    return [tuple(s) for s in record["config"]["settings"]]


def _runs(record: dict, impl: str, setting: tuple[int, float], target: float) -> list[dict]:
    batch_size, eta = setting
    return [r for r in record["rows"] if (r["impl"], r["batch_size"], r["eta"], r["target"])
            == (impl, batch_size, eta, target)]


def time_text(runs: list[dict], max_epochs: int) -> str:
    """Median and range of the seconds over the seeds that reached the target, and how many
    did: "12.3 s (10.1–14.0), 3 of 3 seeds"."""
    reached = [r["seconds"] for r in runs if r["reached"]]
    if not reached:
        return f"not reached within {plural(max_epochs, 'epoch')}"
    spread = f" ({min(reached):.1f}–{max(reached):.1f})" if len(reached) > 1 else ""
    return f"{np.median(reached):.1f} s{spread} ({len(reached)} of {plural(len(runs), 'seed')})"


def _epochs(runs: list[dict]) -> str:
    epochs = [r["epochs"] for r in runs if r["reached"]]
    return f"{np.median(epochs):.2f}" if epochs else "—"


def summary_table(record: dict) -> str:
    config = record["config"]
    rows = []
    for setting in _settings(record):
        for target in config["targets"]:
            for impl in config["implementations"]:
                runs = _runs(record, impl, setting, target)
                rows.append([IMPL_NAMES[impl], setting[0], f"{setting[1]:g}", f"{target:.0%}",
                             time_text(runs, config["max_epochs"]), _epochs(runs)])
    return markdown_table(["implementation", "mini-batch", "eta", "test accuracy",
                           "training seconds to reach it: median (range), seeds",
                           "epochs (median)"], rows, "lrrrll")


def paired_ratio(record: dict, impl: str, batch_size: int, target: float) -> dict | None:
    """Training seconds to ``target``, ``impl`` over the NumPy code, paired seed by seed (the
    same batch order), with the median's interval; a run that never reached the target counts
    as infinitely slow, and seeds where neither did are left out."""
    def seconds(name: str) -> dict[int, float]:
        return {r["seed"]: r["seconds"] if r["reached"] else float("inf")
                for r in record["rows"] if (r["impl"], r["batch_size"], r["target"])
                == (name, batch_size, target)}
    mine, scratch = seconds(impl), seconds("scratch")
    seeds = [s for s in mine if s in scratch and min(mine[s], scratch[s]) < float("inf")]
    if not seeds:
        return None
    found = timing.median_interval([mine[s] / scratch[s] for s in seeds])
    return {"batch_size": batch_size, "ratio": found.median, "low": found.low,
            "high": found.high, "coverage": found.coverage, "seeds": len(seeds)}


def ratios_table(record: dict) -> str:
    """The paired ratios the time-to-accuracy verdict reads."""
    target = max(record["config"]["targets"])
    rows = []
    for impl in record["config"]["implementations"]:
        for batch_size, _ in _settings(record):
            found = None if impl == "scratch" else paired_ratio(record, impl, batch_size, target)
            if found:
                rows.append([IMPL_NAMES[impl], batch_size, ratio_text(found),
                             f"{found['coverage']:.0%}", found["seeds"]])
    return markdown_table(["implementation", "mini-batch",
                           f"seconds to {target:.0%} / the NumPy code's (interval)",
                           "the interval's confidence", "paired seeds"], rows, "lrrrr")


def convergence_quotes(record: dict) -> dict[str, str]:
    config = record["config"]
    full = PROFILES["full"]
    settings = _settings(record)
    high = max(config["targets"])
    found = {f"{impl}_{size}": (time_text(_runs(record, impl, setting, high),
                                          config["max_epochs"])
                                if impl in config["implementations"] else "not measured")
             for impl in implementations.names()
             for size, setting in zip(("small", "large"), settings)}
    images = record["images"]
    used = (f"the first {images:,} training images, {plural(config['seeds'], 'seed')} and "
            "targets "
            + " and ".join(f"{t:.0%}" for t in config["targets"]))
    note = ("" if config["profile"] == "full" else
            f" This {config['profile']}-profile run used {used}; the full profile uses all "
            f"50,000 images, {plural(full['seeds'], 'seed')} and targets "
            + " and ".join(f"{t:.0%}" for t in full["targets"]) + ".")
    return {**found, "targets": " and ".join(f"{t:.0%}" for t in config["targets"]),
            "high_target": f"{high:.0%}",
            "small_setting": f"mini-batch {settings[0][0]}, eta {settings[0][1]:g}",
            "large_setting": f"mini-batch {settings[-1][0]}, eta {settings[-1][1]:g}",
            "eval_every": f"{config['eval_every']:,}", "max_epochs": str(config["max_epochs"]),
            "used": used, "profile_note": note}


def curves_figure(record: dict) -> Figure:
    """Test accuracy against training seconds, one panel per setting, one line per run."""
    settings = _settings(record)
    impls = len({c["impl"] for c in record["curves"]})
    # taller with each legend entry, so that the plot keeps most of the height on a phone
    figure = Figure(figsize=(4.8, 2.8 + 0.55 * impls))
    axes = np.atleast_1d(figure.subplots(1, len(settings), sharey=True))
    for ax, (batch_size, eta) in zip(axes, settings):
        for curve in (c for c in record["curves"]
                      if (c["batch_size"], c["eta"]) == (batch_size, eta)):
            first = curve["seed"] == record["config"]["base_seed"]
            ax.plot(curve["seconds"], curve["accuracy"], color=COLOURS[curve["impl"]],
                    alpha=1.0 if first else 0.4, label=LABELS[curve["impl"]] if first else None)
        for target in record["config"]["targets"]:
            ax.axhline(target, color="#999999", linestyle=":")
        ax.set(xscale="log", title=f"mini-batch {batch_size}, eta {eta:g}",
               xlabel="training seconds")
        low = min(record["config"]["targets"]) - 0.05
        ax.set_ylim(low, 1.0)
    axes[0].set_ylabel("test accuracy")
    legend_below(axes[0], columns=1)
    return figure


def figures(record: dict) -> Iterator[tuple[str, Figure]]:
    yield "convergence", curves_figure(record)


STATISTIC = ("training seconds (evaluation excluded) until the test accuracy, measured every "
             "{eval_every} examples, first reaches each target; median and range over the "
             "seeds")
TABLES = {"summary": summary_table, "ratios": ratios_table}
quotes = convergence_quotes
