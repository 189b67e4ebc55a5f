"""The performance page: both sweeps with intervals, the paired comparisons and crossovers, the
noise floor and the machine's load, threads, Keras's options, the conv variant, where the CPU
gap comes from (the products at the step's shapes), the yardstick, start-up.

Every finding is decided by ``experiments/harness/timing.py``'s rule (a paired ratio's interval
below 1, above 1, or neither: tied within noise); this package only words and formats it. A record
from the old protocol (the committed GPU record) has medians with min and max and no
comparisons: it still renders, and says so.

    rows.py      how a ratio or an epoch reads (the result: experiments/speed/result.py)
    tables.py    the timing tables: sweeps, crossovers, threads, conv, options
    noise.py     how far to trust the run: noise floor, machine, load, flags, protocol
    products.py  where the gap comes from: products, the step split, yardstick, start-up
    words.py     every inline quote of the page
    figures.py   the figures
"""

from __future__ import annotations

from comparison.report.speed.figures import figures
from comparison.report.speed.noise import noise_flags, speed_machine, speed_noise, trust_flags
from comparison.report.speed.products import (
    speed_efficiency,
    speed_gap,
    speed_habits,
    speed_peak,
    speed_products,
    speed_resources,
)
from comparison.report.speed.rows import OLD_PROTOCOL, OUTCOME_WORDS
from comparison.report.speed.tables import (
    speed_comparisons,
    speed_conv,
    speed_options,
    speed_sweep,
    speed_threads,
)
from comparison.report.speed.words import speed_quotes

__all__ = ["OLD_PROTOCOL", "OUTCOME_WORDS", "STATISTIC", "TABLES", "figures", "noise_flags",
           "quotes", "speed_noise", "speed_sweep", "trust_flags"]

# True of both generations of record: an older one (the GPU record) has min and max instead.
STATISTIC = ("median of {repeats} timed repeats per job after a warm-up, with its interval (a "
             "distribution-free 95% interval for the median; min and max in a record made "
             "before the timing protocol); comparisons: the median of paired ratios")


TABLES = {"batch": lambda r: speed_sweep(r, "batch"), "width": lambda r: speed_sweep(r, "width"),
          "crossovers": speed_comparisons, "threads": speed_threads, "conv": speed_conv,
          "options": speed_options, "noise": speed_noise, "machine": speed_machine,
          "gap": speed_gap, "habits": speed_habits, "products": speed_products, "peak": speed_peak,
          "resources": speed_resources, "efficiency": speed_efficiency}


quotes = speed_quotes
