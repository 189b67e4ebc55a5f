"""How likely a run reaches the book's figure: the share of seeds that did, with Clopper and
Pearson's exact interval, and what that makes the chance of a best of three."""

from __future__ import annotations

import math

from comparison.report.markdown import IMPL_NAMES, markdown_table, pct, plural

STATISTIC_NAMES = {"best": "best epoch", "final": "final epoch"}
WIDE_CHANCE = 0.5  # a chance's interval wider than this pins nothing down: the page says so


def exact_interval(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Clopper and Pearson's interval for a share k/n: every p under which seeing k or more
    (for the low end) or k or fewer (the high end) of n has a chance above (1 - confidence)/2.
    Exact for any n; a bootstrap of the seeds cannot reach beyond the shares it drew (three
    misses give [0, 0]), this one says what three seeds cannot exclude."""
    tail = (1 - confidence) / 2

    def at_most(j: int, p: float) -> float:  # P(X <= j) for X ~ Binomial(n, p): falls with p
        return sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(j + 1))

    def solve(j: int, target: float) -> float:  # the p where at_most(j, p) = target
        low, high = 0.0, 1.0
        for _ in range(60):
            middle = (low + high) / 2
            low, high = (middle, high) if at_most(j, middle) > target else (low, middle)
        return (low + high) / 2

    lower = 0.0 if k == 0 else solve(k - 1, 1 - tail)  # P(X >= k) = tail
    upper = 1.0 if k == n else solve(k, tail)  # P(X <= k) = tail
    return lower, upper


def chances(row: dict) -> dict[str, tuple[float, float, float]]:
    """The share of single runs that reached the book's figure and the chance a best of three
    does (1 - (1 - p)^3, which rises with p, so the interval carries over), each as (value,
    low, high)."""
    k, n = sum(v >= row["book"] for v in row["per_seed"]), len(row["per_seed"])
    low, high = exact_interval(k, n)

    def best_of_3(p: float) -> float:
        return 1 - (1 - p) ** 3
    return {"single": (k / n, low, high),
            "best_of_3": (best_of_3(k / n), best_of_3(low), best_of_3(high))}


def _chance(found: tuple[float, float, float]) -> str:
    value, low, high = found
    return f"{value:.0%} [{low:.0%}–{high:.0%}]"


def book_chances(record: dict) -> str:
    """How often a single run, and a best of three, reached the book's figure, with exact
    95% intervals."""
    rows = [[r["setting"], IMPL_NAMES[r["impl"]], pct(r["book"]), STATISTIC_NAMES[r["statistic"]],
             r["seeds"], _chance(chances(r)["single"]), _chance(chances(r)["best_of_3"])]
            for r in with_book(record)]
    return markdown_table(["run", "implementation", "book", "statistic", "seeds",
                           "a single run reaches the book", "a best of 3 reaches the book"],
                          rows, "llrlrrr")


def luck(record: dict) -> str:
    """What the seeds say of the book's chapter-1 figure, in words chosen by the numbers."""
    setting = record["config"].get("luck_setting", "ch1-30")
    rows = [r for r in with_book(record) if r["setting"] == setting
            and r["impl"] != "torch-paired"]
    if not rows:
        return "This run has no seeds to estimate the chances from."
    parts = [f"{IMPL_NAMES[r['impl']]}{': ' if i else ' '}{_chance(chances(r)['best_of_3'])} "
             f"over {plural(r['seeds'], 'seed')}" for i, r in enumerate(rows)]
    widest = max(chances(r)["best_of_3"][2] - chances(r)["best_of_3"][1] for r in rows)
    wide = (f" An interval {widest:.0%} wide says the seeds run were too few to pin the chance "
            "down." if widest > WIDE_CHANCE else "")
    return (f"On {setting}, the chance that a best of three reaches the book's "
            f"{pct(rows[0]['book'])}: " + ". ".join(parts) + "." + wide)  # an interval each


def with_book(record: dict) -> list[dict]:
    """The MNIST rows of the runs the book gives a figure for."""
    return [r for r in record["rows"] if r["dataset"] == "mnist" and r["book"] is not None]
