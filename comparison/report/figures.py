"""Drawing figures from stored results, each as a light and a dark SVG.

Each page's module (``book.py``, ``speed.py``) says *what* to draw; this module says how every
figure looks: one colour and one marker per implementation or path, the same on every figure,
from the Okabe-Ito palette (distinct for colour-blind readers and on a dark background), text
large enough to read on a phone once the figure is scaled to the column. ``python -m
comparison figures`` redraws them all without re-running anything.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, NullFormatter

from comparison import implementations
from comparison.atomic import write_atomically

Plots = Callable[[Any], Iterator[tuple[str, Figure]]]  # a typed result -> (id, figure)s
THEMES = {
    "light": {"text": "#1f2328", "grid": "#d0d7de"},
    "dark": {"text": "#e6edf3", "grid": "#3d444d"},
}
# Okabe-Ito: blue, vermillion, bluish green, orange, reddish purple, sky blue, yellow, grey.
BLUE, VERMILLION, GREEN, ORANGE = "#0072B2", "#D55E00", "#009E73", "#E69F00"
PURPLE, SKY, YELLOW, GREY = "#CC79A7", "#56B4E9", "#F0E442", "#999999"
# Each implementation's colour is the registry's; its paths' are here.
COLOURS = implementations.View("colour", extra={
    "torch-paired": PURPLE, "book per-example (float64)": GREY, "scratch float64": BLUE,
    "scratch float32": SKY, "scratch tuned float32": PURPLE,
    "torch float64": VERMILLION, "torch float32": ORANGE, "torch.compile float32": PURPLE,
    "torch CUDA float32": YELLOW, "keras float32": GREEN, "jax float32": GREY,
    "jax CUDA float32": PURPLE,
})
# A marker per path too, so that lines stay apart in print and for any colour vision.
MARKERS = {
    "book per-example (float64)": "x", "scratch float64": "o", "scratch float32": "s",
    "scratch tuned float32": "h",
    "torch float64": "^", "torch float32": "v", "torch.compile float32": "D",
    "torch CUDA float32": "P", "keras float32": "*", "jax float32": "d",
    "jax CUDA float32": "p",
}
LABELS = implementations.View("label", extra={"torch-paired": "PyTorch, scratch's initial weights"})


def theme_style(theme: str) -> dict:
    """Matplotlib's settings for one theme ("light" or "dark")."""
    colours = THEMES[theme]
    return {"text.color": colours["text"], "axes.labelcolor": colours["text"],
            "xtick.color": colours["text"], "ytick.color": colours["text"],
            "axes.edgecolor": colours["grid"], "grid.color": colours["grid"],
            "axes.grid": True, "grid.linewidth": 0.6, "legend.frameon": False,
            # A phone shows a figure about 358 px wide: 16-point text in a figure about
            # 5 inches wide (with its labels) still reads at 10 px or more there
            # (tests/test_browser.py measures it).
            "font.size": 16, "legend.fontsize": 15, "svg.fonttype": "none",
            "savefig.transparent": True}


def render(plots: Plots, result: object, folder: Path, prefix: str = "") -> list[str]:
    """Write every figure ``plots`` draws from ``result``, ids starting with ``prefix``."""
    ids = []
    for theme in THEMES:
        with mpl.rc_context(theme_style(theme)):
            for figure_id, figure in plots(result):
                for ax in figure.axes:
                    plain_log_labels(ax)
                buffer = io.BytesIO()
                figure.savefig(buffer, format="svg", bbox_inches="tight")
                write_atomically(folder / f"{prefix}{figure_id}-{theme}.svg", buffer.getvalue())
                if theme == "light":
                    ids.append(prefix + figure_id)
    return ids


def new_figure(width: float = 4.8, height: float = 3.6) -> tuple[Figure, Axes]:
    """A bare Figure (no pyplot: no GUI backend, no global state) with one set of axes."""
    figure = Figure(figsize=(width, height))
    return figure, figure.subplots()


def integer_ticks(axis) -> None:
    """Ticks at whole numbers only, for epochs and counts."""
    axis.set_major_locator(MaxNLocator(integer=True))


def no_minor_labels(ax: Axes) -> None:
    """Log axes label 3x10^1, 4x10^1, ...: keep the minor ticks, drop their labels."""
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.yaxis.set_minor_formatter(NullFormatter())


def plain_log_labels(ax: Axes) -> None:
    """Log axes as plain numbers (1000, not 10^3, whose exponent is drawn at 70% size and too
    small to read on a phone), without minor labels."""
    for axis in (ax.xaxis, ax.yaxis):
        if axis.get_scale() == "log":
            axis.set_major_formatter("{x:g}")
            axis.set_minor_formatter(NullFormatter())


def legend_below(ax: Axes, columns: int = 1) -> None:
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=columns)


def ratio_panel(ax: Axes, x: list[float], rows: list, colour: str, decided: list[bool],
                band: float, marker: str = "o") -> None:
    """Time ratios A/B with their intervals (each row has ``ratio``, ``low`` and ``high``)
    against x, a reference line at 1 and the band of differences under the minimum effect
    shaded: below the band A is faster, above it slower. A decided point is filled, an unclear
    one hollow (its interval is too wide to say)."""
    ax.axhspan(1 - band, 1 + band, color=GREY, alpha=0.25, linewidth=0)
    ax.axhline(1, color=GREY, linestyle="--", linewidth=1)
    for xi, r, filled in zip(x, rows, decided):
        ax.errorbar([xi], [r.ratio], yerr=[[r.ratio - r.low], [r.high - r.ratio]],
                    fmt=marker, color=colour, markerfacecolor=colour if filled else "none",
                    markersize=7, capsize=3)
