"""How likely a run reaches the book's figure: the share of seeds that did, with Clopper and
Pearson's exact interval, and what that makes the chance of a best of three."""

from __future__ import annotations

from dataclasses import dataclass

from comparison.experiments.book import Result, Row
from comparison.report.markdown import IMPL_NAMES, markdown_table, pct, plural
from comparison.stats import exact_interval

STATISTIC_NAMES = {"best": "best epoch", "final": "final epoch"}
WIDE_CHANCE = 0.5  # a chance's interval wider than this pins nothing down: the page says so


@dataclass(frozen=True)
class Chances:
    """How likely the book's figure is, each as (value, low, high)."""

    single: tuple[float, float, float]  # that a single run reaches it
    best_of_3: tuple[float, float, float]  # that the best of three runs does


def chances(row: Row) -> Chances:
    """The share of single runs that reached the book's figure and the chance a best of three
    does (1 - (1 - p)^3, which rises with p, so the interval carries over), each as (value,
    low, high)."""
    k, n = sum(v >= row.book for v in row.per_seed), len(row.per_seed)
    low, high = exact_interval(k, n)

    def best_of_3(p: float) -> float:
        return 1 - (1 - p) ** 3
    return Chances(single=(k / n, low, high),
                   best_of_3=(best_of_3(k / n), best_of_3(low), best_of_3(high)))


def _chance(found: tuple[float, float, float]) -> str:
    value, low, high = found
    return f"{value:.0%} [{low:.0%}–{high:.0%}]"


def book_chances(result: Result) -> str:
    """How often a single run, and a best of three, reached the book's figure, with exact
    95% intervals."""
    rows = [[r.setting, IMPL_NAMES[r.impl], pct(r.book), STATISTIC_NAMES[r.statistic],
             r.seeds, _chance(chances(r).single), _chance(chances(r).best_of_3)]
            for r in with_book(result)]
    return markdown_table(["run", "implementation", "book", "statistic", "seeds",
                           "a single run reaches the book", "a best of 3 reaches the book"],
                          rows, "llrlrrr")


def luck(result: Result) -> str:
    """What the seeds say of the book's chapter-1 figure, in words chosen by the numbers."""
    setting = result.config.luck_setting
    rows = [r for r in with_book(result) if r.setting == setting and r.impl != "torch-paired"]
    if not rows:
        return "This run has no seeds to estimate the chances from."
    parts = [f"{IMPL_NAMES[r.impl]}{': ' if i else ' '}{_chance(chances(r).best_of_3)} "
             f"over {plural(r.seeds, 'seed')}" for i, r in enumerate(rows)]
    widest = max(chances(r).best_of_3[2] - chances(r).best_of_3[1] for r in rows)
    wide = (f" An interval {widest:.0%} wide says the seeds run were too few to pin the chance "
            "down." if widest > WIDE_CHANCE else "")
    return (f"On {setting}, the chance that a best of three reaches the book's "
            f"{pct(rows[0].book)}: " + ". ".join(parts) + "." + wide)  # an interval each


def with_book(result: Result) -> list[Row]:
    """The MNIST rows of the runs the book gives a figure for."""
    return [r for r in result.mnist() if r.book is not None]
