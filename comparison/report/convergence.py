"""Time to accuracy on the performance page: a table, a figure and the quoted numbers."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from matplotlib.figure import Figure

from comparison import implementations
from comparison.experiments.convergence import PROFILES, Result, Row
from comparison.report.figures import COLOURS, LABELS, legend_below
from comparison.report.markdown import IMPL_NAMES, markdown_table, plural, ratio_text


def time_text(runs: list[Row], max_epochs: int) -> str:
    """Median and range of the seconds over the seeds that reached the target, and how many
    did: "12.3 s (10.1–14.0), 3 of 3 seeds"."""
    reached = [r.seconds for r in runs if r.reached]
    if not reached:
        return f"not reached within {plural(max_epochs, 'epoch')}"
    spread = f" ({min(reached):.1f}–{max(reached):.1f})" if len(reached) > 1 else ""
    return f"{np.median(reached):.1f} s{spread} ({len(reached)} of {plural(len(runs), 'seed')})"


def _epochs(runs: list[Row]) -> str:
    epochs = [r.epochs for r in runs if r.reached]
    return f"{np.median(epochs):.2f}" if epochs else "—"


def summary_table(result: Result) -> str:
    config = result.config
    rows = []
    for setting in config.settings:
        for target in config.targets:
            for impl in config.implementations:
                runs = result.runs(impl, setting, target)
                rows.append([IMPL_NAMES[impl], setting[0], f"{setting[1]:g}", f"{target:.0%}",
                             time_text(runs, config.max_epochs), _epochs(runs)])
    return markdown_table(["implementation", "mini-batch", "eta", "test accuracy",
                           "training seconds to reach it: median (range), seeds",
                           "epochs (median)"], rows, "lrrrll")


def ratios_table(result: Result) -> str:
    """The paired ratios the time-to-accuracy verdict reads."""
    target = max(result.config.targets)
    rows = []
    for impl in result.config.implementations:
        for batch_size, _ in result.config.settings:
            found = None if impl == "scratch" else result.paired_ratio(impl, batch_size, target)
            if found:
                rows.append([IMPL_NAMES[impl], batch_size, ratio_text(found),
                             f"{found.coverage:.0%}", found.seeds])
    return markdown_table(["implementation", "mini-batch",
                           f"seconds to {target:.0%} / the NumPy code's (interval)",
                           "the interval's confidence", "paired seeds"], rows, "lrrrr")


def convergence_quotes(result: Result) -> dict[str, str]:
    config = result.config
    full = PROFILES["full"]
    settings = config.settings
    high = max(config.targets)
    found = {f"{impl}_{size}": (time_text(result.runs(impl, setting, high), config.max_epochs)
                                if impl in config.implementations else "not measured")
             for impl in implementations.names()
             for size, setting in zip(("small", "large"), settings)}
    images = result.images
    used = (f"the first {images:,} training images, {plural(config.seeds, 'seed')} and "
            "targets "
            + " and ".join(f"{t:.0%}" for t in config.targets))
    note = ("" if config.profile == "full" else
            f" This {config.profile}-profile run used {used}; the full profile uses all "
            f"50,000 images, {plural(full['seeds'], 'seed')} and targets "
            + " and ".join(f"{t:.0%}" for t in full["targets"]) + ".")
    return {**found, "targets": " and ".join(f"{t:.0%}" for t in config.targets),
            "high_target": f"{high:.0%}",
            "small_setting": f"mini-batch {settings[0][0]}, eta {settings[0][1]:g}",
            "large_setting": f"mini-batch {settings[-1][0]}, eta {settings[-1][1]:g}",
            "eval_every": f"{config.eval_every:,}", "max_epochs": str(config.max_epochs),
            "used": used, "profile_note": note}


def curves_figure(result: Result) -> Figure:
    """Test accuracy against training seconds, one panel per setting, one line per run."""
    config = result.config
    settings = config.settings
    impls = len({c.impl for c in result.curves})
    # taller with each legend entry, so that the plot keeps most of the height on a phone
    figure = Figure(figsize=(4.8, 2.8 + 0.55 * impls))
    axes = np.atleast_1d(figure.subplots(1, len(settings), sharey=True))
    for ax, (batch_size, eta) in zip(axes, settings):
        for curve in (c for c in result.curves if (c.batch_size, c.eta) == (batch_size, eta)):
            first = curve.seed == config.base_seed
            ax.plot(curve.seconds, curve.accuracy, color=COLOURS[curve.impl],
                    alpha=1.0 if first else 0.4, label=LABELS[curve.impl] if first else None)
        for target in config.targets:
            ax.axhline(target, color="#999999", linestyle=":")
        ax.set(xscale="log", title=f"mini-batch {batch_size}, eta {eta:g}",
               xlabel="training seconds")
        low = min(config.targets) - 0.05
        ax.set_ylim(low, 1.0)
    axes[0].set_ylabel("test accuracy")
    legend_below(axes[0], columns=1)
    return figure


def figures(result: Result) -> Iterator[tuple[str, Figure]]:
    yield "convergence", curves_figure(result)


STATISTIC = ("training seconds (evaluation excluded) until the test accuracy, measured every "
             "{eval_every} examples, first reaches each target; median and range over the "
             "seeds")
TABLES = {"summary": summary_table, "ratios": ratios_table}
quotes = convergence_quotes
