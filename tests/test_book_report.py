"""The book page's chances: exact intervals that a handful of seeds cannot narrow."""

from dataclasses import replace

import pytest

from comparison.report.chances import chances
from comparison.results.read import typed_result
from comparison.stats import exact_interval
from tests.conftest import fixture_record


@pytest.mark.parametrize(("k", "n", "low", "high"), [
    (1, 10, 0.0025, 0.4450),  # published values of Clopper-Pearson's 95% interval
    (5, 10, 0.1871, 0.8129),
    (0, 3, 0.0, 0.7076),
    (3, 3, 0.2924, 1.0),
])
def test_the_exact_interval_matches_published_values(k, n, low, high):
    found = exact_interval(k, n)
    assert found == pytest.approx((low, high), abs=1e-4)


def test_three_seeds_that_all_missed_exclude_almost_nothing():
    row = replace(typed_result("book", fixture_record("book")).rows[0], book=0.9542,
                  per_seed=(0.95, 0.951, 0.949))
    value, low, high = chances(row).best_of_3
    assert (value, low) == (0.0, 0.0) and high > 0.97
