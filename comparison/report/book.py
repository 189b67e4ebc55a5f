"""The book page: settings, the book's statistic per implementation, paired seeds, curves."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from matplotlib.figure import Figure

from comparison.experiments.book import Result, Row, Run, Setting
from comparison.report.chances import STATISTIC_NAMES, book_chances, luck, with_book
from comparison.report.figures import COLOURS, LABELS, integer_ticks, legend_below, new_figure
from comparison.report.markdown import (
    IMPL_NAMES,
    jax_note,
    keras_note,
    markdown_table,
    pct,
    plural,
)

BOOK_EPOCHS = 30  # every run the book reports trained for 30 epochs
PAIR_TOLERANCE = 0.005  # "the same outcome": the paired runs' statistics within half a point


def book_settings(result: Result) -> str:
    """The book's runs as configured (the book's figures are inputs of the experiment)."""
    config = result.config
    rows = [[name, "-".join(map(str, [784, *s.hidden, 10])), s.cost,
             "N(0, 1)" if s.init == "large" else "N(0, 1/n_in)", s.eta, s.lmbda,
             config.batch_size, _book_figure(s), STATISTIC_NAMES[s.statistic]]
            for name, s in config.settings.items()]
    return markdown_table(["run", "network", "cost", "initial weights", "eta", "L2 lmbda",
                           "mini-batch", "book (data)", "book's statistic"], rows,
                          "llllrrrrl")


def _book_figure(setting: Setting) -> str:
    about = "about " if setting.approximate else ""
    return f"{about}{pct(setting.book)} ({setting.book_split})"


def _spread(row: Row) -> str:
    """"82.69% (69.67%–82.69%)": the mean over the seeds and its range."""
    return f"{pct(row.mean)} ({pct(row.min)}–{pct(row.max)})"


def book_summary(result: Result) -> str:
    """The book's statistic (best of the first three seeds), the gap, and the spread over
    all seeds."""
    rows = [[r.setting, IMPL_NAMES[r.impl], pct(r.book), pct(r.best_of_3),
             "—" if r.gap_to_book_pp is None else f"{r.gap_to_book_pp:+.2f}",
             _spread(r), r.seeds, f"{r.stalled}/{r.seeds}", f"{r.seconds_per_epoch:.2f}"]
            for r in result.mnist()]
    return markdown_table(["run", "implementation", "book", "best of 3 seeds", "gap (pp)",
                           "mean (min–max)", "seeds", "stalled", "s/epoch"], rows,
                          "llrrrrrrr")


def chapter_3(result: Result) -> str:
    """The book's chapter-3 figure is one run's final epoch: how many of ours reached it."""
    rows = [r for r in with_book(result) if r.statistic == "final" and r.impl != "torch-paired"]
    if not rows:
        return "This run has no chapter-3 rows."
    parts = [f"{r.setting} in {IMPL_NAMES[r.impl]}: "
             f"{sum(v >= r.book for v in r.per_seed)} of {plural(r.seeds, 'run')} reached "
             f"{pct(r.book)} (runs ended at {pct(r.min)}–{pct(r.max)})" for r in rows]
    return ("The book's chapter-3 figures are single runs, each scored at its final epoch; "
            "ours, run by run: " + "; ".join(parts) + ".")


def book_fashion(result: Result) -> str:
    """Fashion-MNIST has no book figures: the implementations side by side."""
    rows = [[r.setting, IMPL_NAMES[r.impl], STATISTIC_NAMES[r.statistic], pct(r.best_of_3),
             _spread(r)] for r in result.rows if r.dataset == "fashion-mnist"]
    if not rows:
        return "*Fashion-MNIST was not present when this ran, so it has no rows here.*"
    return markdown_table(["run", "implementation", "statistic", "best of 3 seeds",
                           "mean (min–max)"], rows, "lllrr")


def book_per_seed(result: Result) -> str:
    """Each seed's statistic where the paired control ran, implementation by implementation."""
    paired = result.config.paired
    if not paired:
        return "*The paired control runs in the full profile only.*"
    tables = []
    for setting in paired:
        rows = {r.impl: r for r in result.mnist() if r.setting == setting}
        table = [[seed, *(pct(rows[impl].per_seed[i]) for impl in rows)]
                 for i, seed in enumerate(result.config.seed_numbers())]
        tables.append(markdown_table(["seed", *(IMPL_NAMES[impl] for impl in rows)], table))
    return "\n\n".join(tables)


def paired_matches(result: Result) -> tuple[int, int]:
    """(seeds whose paired PyTorch run ended within PAIR_TOLERANCE of scratch's, seeds)."""
    rows = {(r.setting, r.impl): r for r in result.mnist()}
    matches = total = 0
    for setting in result.config.paired:
        for a, b in zip(rows[setting, "scratch"].per_seed,
                        rows[setting, "torch-paired"].per_seed):
            matches += abs(a - b) <= PAIR_TOLERANCE
            total += 1
    return matches, total


def _spread_pp(result: Result, setting: str, impls: set[str]) -> float | None:
    """How far apart (in points) the runs of a setting ended, in the implementations given."""
    values = [v for r in result.mnist() if r.setting == setting and r.impl in impls
              for v in r.per_seed]
    return 100 * (max(values) - min(values)) if len(values) > 1 else None


def paired_conclusion(result: Result) -> str:
    """What the paired control shows, in words chosen by the data."""
    matches, total = paired_matches(result)
    if total == 0:
        return "The paired control runs in the full profile only, so this run cannot say."
    if matches == total:
        return (f"Every paired run ended within {100 * PAIR_TOLERANCE:.1f} points of the NumPy "
                "run: given the same start, the implementations reach the same outcome, and "
                "the spread between them comes from their different initial weights.")
    return (f"{total - matches} of {total} paired runs ended more than "
            f"{100 * PAIR_TOLERANCE:.1f} points from the NumPy run even though they started "
            "from the same weights and saw the same batches: differences of round-off size "
            "(the equivalence check above) grow, thousands of steps later, into different "
            "outcomes in this setting.")


def spread_conclusion(result: Result) -> str:
    """Whether chapter 3's settings removed chapter 1's fragility, in this run's numbers."""
    def trained(setting: str) -> set[str]:
        return {r.impl for r in result.mnist(paired=False) if r.setting == setting}

    both = trained("ch1-100") & trained("ch3-100")  # like with like: the same implementations
    fragile, fixed = _spread_pp(result, "ch1-100", both), _spread_pp(result, "ch3-100", both)
    if fragile is None or fixed is None:
        return "With one run per setting, this run cannot compare the spreads."
    verb = "narrower than" if fixed < fragile else "no narrower than"
    names = " and ".join(IMPL_NAMES[impl] for impl in sorted(both))
    return (f"Here the ch3-100 runs ({names}) ended {fixed:.2f} points apart, {verb} the "
            f"{fragile:.2f} points of ch1-100.")


def reproduced(result: Result) -> str:
    """The book page's first answer: how close the best of three came, in this run's numbers."""
    rows = result.mnist(paired=False)
    worst = max(rows, key=lambda r: abs(r.gap_to_book_pp))
    within = sum(r.best_of_3 >= r.book for r in rows)
    return (f"In {within} of {plural(len(rows), 'pairing')} of an implementation and a book "
            f"run, the best of three reached the book's figure; the largest gap was "
            f"{abs(worst.gap_to_book_pp):.2f} points "
            f"{'below' if worst.gap_to_book_pp < 0 else 'above'} the book's "
            f"({IMPL_NAMES[worst.impl]}, {worst.setting}).")


def profile_note(result: Result) -> str:
    """A short run is compared with the book's 30 epochs: say that the profile explains it."""
    epochs, images = result.config.epochs, result.config.train_size
    if epochs >= BOOK_EPOCHS and images is None:
        return ""
    on = "" if images is None else f" on the first {images:,} training images"
    return (f"This run trained {plural(epochs, 'epoch')}{on}, not the book's {BOOK_EPOCHS} "
            f"epochs on 50,000 (the {result.config.profile} profile): its gaps to the book measure "
            "the profile, not the implementations.")


def built_from(result: Result) -> str:
    """Which profile built the site (the book experiment's stands for all), and what follows.
    Another profile's size and the command for the final verdicts are in the banner above
    (``banner.profile_banner``); this says only how its verdicts look."""
    config = result.config
    if config.profile == "full":
        return ("This site was built from the **full** profile: every verdict below is "
                "final for this machine.")
    return (f"Every verdict from the {config.profile} profile is **provisional** and drawn "
            "with a dashed border.")


def scopes(result: Result) -> str:
    """Which settings each implementation trained, from the runs themselves: "PyTorch:
    ch1-30 and ch1-100 (and ch1-30 on fashion-mnist); Keras: ch1-30"."""
    parts = []
    for impl in dict.fromkeys(r.impl for r in result.runs if r.impl != "torch-paired"):
        trained: dict[str, list[str]] = {}
        for r in result.runs:
            if r.impl == impl and r.setting not in trained.setdefault(r.dataset, []):
                trained[r.dataset].append(r.setting)
        mnist = " and ".join(trained.pop("mnist", [])) or "none"
        others = "".join(f" (and {' and '.join(v)} on {k})" for k, v in trained.items())
        parts.append(f"{IMPL_NAMES[impl]}: {mnist}{others}")
    return "; ".join(parts)


def _gap(mnist: list[Row], impl: str, setting: str) -> str:
    row = next((r for r in mnist if (r.impl, r.setting) == (impl, setting)), None)
    return "not measured" if row is None else f"{row.gap_to_book_pp:+.2f}"


def statistics_text(settings: dict[str, Setting]) -> str:
    """Which epoch each setting is scored at, from the settings the run used: "the best epoch
    for ch1-30 and ch1-100, the final epoch for ch3-100"."""
    by_statistic: dict[str, list[str]] = {}
    for name, setting in settings.items():
        by_statistic.setdefault(setting.statistic, []).append(name)
    return ", ".join(f"the {STATISTIC_NAMES[statistic]} for {' and '.join(names)}"
                     for statistic, names in by_statistic.items())


def book_quotes(result: Result) -> dict[str, str]:
    config = result.config
    mnist = result.mnist()
    own = [r for r in result.rows if r.impl != "torch-paired"]
    keras_gaps = [abs(r.gap_to_book_pp) for r in mnist if r.impl == "keras"]
    runs = sum(r.seeds for r in own)
    return {
        "seeds": plural(config.seeds, "seed"), "epochs": plural(config.epochs, "epoch"),
        "largest_gap_pp": f"{result.summary.largest_gap_pp:.2f}",
        "datasets": ", ".join(config.datasets),
        "stalled": f"{sum(r.stalled for r in own)} of {plural(runs, 'run')}",
        "paired_conclusion": paired_conclusion(result),
        "luck": luck(result),
        "reproduced": reproduced(result),
        "chapter_3": chapter_3(result),
        "spread_conclusion": spread_conclusion(result),
        "profile_note": profile_note(result),
        "built_from": built_from(result),
        "statistics": statistics_text(config.settings),
        "keras_note": keras_note(result),
        "scopes": scopes(result),
        "jax_note": jax_note(result),
        "jax_ch1_gap_pp": _gap(mnist, "jax", "ch1-30"),
        "fashion_settings": " and ".join(config.fashion_settings),
        "keras_largest_gap_pp": f"{max(keras_gaps):.2f}" if keras_gaps else "not measured",
    } | {f"{r.setting.replace('-', '_')}_{r.impl}_best": pct(r.best_of_3) for r in mnist}


def figures(result: Result) -> Iterator[tuple[str, Figure]]:
    """Accuracy per epoch per implementation: each seed, their mean and a min-max band."""
    config = result.config
    for dataset in config.datasets:
        for setting, spec in config.settings.items():
            runs = [r for r in result.runs if (r.dataset, r.setting) == (dataset, setting)]
            if runs:
                yield f"book-{dataset}-{setting}", _curves(runs, spec, dataset == "mnist")


def _curves(runs: list[Run], spec: Setting, with_book: bool) -> Figure:
    split = spec.book_split
    entries = len({r.impl for r in runs}) + with_book
    # taller with each legend entry, so that the plot keeps most of the height on a phone
    figure, ax = new_figure(4.8, max(3.6, 2.6 + 0.6 * entries))
    for impl in dict.fromkeys(r.impl for r in runs):
        curves = np.array([r.history.accuracy(split) for r in runs if r.impl == impl]) * 100
        epochs = np.arange(1, curves.shape[1] + 1)
        ax.plot(epochs, curves.mean(axis=0), color=COLOURS[impl], linewidth=2,
                label=f"{LABELS[impl]} ({_mean_of(len(curves))})")
        ax.fill_between(epochs, curves.min(axis=0), curves.max(axis=0),
                        color=COLOURS[impl], alpha=0.12, linewidth=0)
        # each seed too: where runs stall, the mean describes no actual run
        ax.plot(epochs, curves.T, color=COLOURS[impl], linewidth=0.5, alpha=0.5)
    if with_book:
        ax.axhline(spec.book * 100, color="#999999", linestyle="--",
                   label=f"book: {_book_figure(spec)}")
    ax.set(xlabel="epoch", ylabel=f"{split} accuracy (%)")
    integer_ticks(ax.xaxis)
    legend_below(ax, columns=1)
    return figure


def _mean_of(n: int) -> str:
    return "one seed" if n == 1 else f"mean of {n} seeds"


STATISTIC = ("each setting's own statistic (the best epoch for chapter 1, the final epoch for "
             "chapter 3) on the book's data split; the book's figure is compared with the best "
             "of the first three seeds; mean, min and max are over all seeds; chances with "
             "Clopper and Pearson's exact 95% interval")
TABLES = {"summary": book_summary, "settings": book_settings, "per_seed": book_per_seed,
          "fashion": book_fashion, "chances": book_chances}
quotes = book_quotes
