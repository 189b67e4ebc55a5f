"""Every figure answers its question on a phone: the plot takes most of the figure's height,
and no legend grows taller than the plot it explains.

Drawn from the real quick run in ``tests/fixtures/quick-run`` by each page's own presenter, in
the site's light theme. Proportions do not change when the SVG is scaled to a phone's column;
the text's size there is measured in the browser (``tests/test_browser.py``).
"""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib as mpl
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.transforms import Bbox

from comparison.report.figures import plain_log_labels, theme_style
from comparison.report.pages import presenter
from comparison.results.read import typed_result

FIXTURES = Path(__file__).parent / "fixtures" / "quick-run"
MIN_PLOT_SHARE = 0.6  # of the figure's height, as saved (labels, titles and legends included)


def drawn() -> list[tuple[str, object]]:
    figures = []
    with mpl.rc_context(theme_style("light")):
        for path in sorted(FIXTURES.glob("*.json")):
            record = json.loads(path.read_text())
            plots = getattr(presenter(record["name"]), "figures", None)
            for figure_id, figure in plots(typed_result(record["name"], record)) if plots else ():
                for ax in figure.axes:
                    plain_log_labels(ax)
                FigureCanvasAgg(figure).draw()
                figures.append((figure_id, figure))
    return figures


FIGURES = drawn()


def plot_box(figure) -> Bbox:
    return Bbox.union([ax.get_window_extent() for ax in figure.axes if ax.get_visible()])


def test_the_fixture_draws_every_page_figure():
    ids = {figure_id for figure_id, _ in FIGURES}
    assert {"speed-ratios", "speed-batch", "speed-width", "convergence"} <= ids, ids


@pytest.mark.parametrize("figure_id, figure", FIGURES, ids=[i for i, _ in FIGURES])
def test_the_plot_takes_most_of_the_figure(figure_id, figure):
    renderer = figure.canvas.get_renderer()
    whole = figure.get_tightbbox(renderer).height * figure.dpi  # inches -> display units
    share = plot_box(figure).height / whole
    assert share >= MIN_PLOT_SHARE, f"{figure_id}: the plot is {share:.0%} of the height"


@pytest.mark.parametrize("figure_id, figure", FIGURES, ids=[i for i, _ in FIGURES])
def test_no_legend_is_taller_than_the_plot(figure_id, figure):
    legends = [*figure.legends, *(ax.get_legend() for ax in figure.axes)]
    plot = plot_box(figure).height
    for legend in filter(None, legends):
        height = legend.get_window_extent().height
        assert height <= plot, f"{figure_id}: a legend {height:.0f} tall, the plot {plot:.0f}"
