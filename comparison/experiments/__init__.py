"""One module per question the site answers. Each has ``make_config(profile, context)``,
``run(config, context) -> Result`` (its typed result, with ``rows`` for the CSV) and ``READS``
(what it reads without importing); ``harness/runner.py`` stores the result, and
``report/loading.py`` reads it back as the pages and verdicts see it."""

from comparison.experiments import (
    book,
    code,
    convergence,
    debugging,
    equivalence,
    flexibility,
    scalability,
    speed,
    tooling,
)

EXPERIMENTS = {"book": book, "speed": speed, "convergence": convergence, "code": code,
               "equivalence": equivalence, "scalability": scalability,
               "flexibility": flexibility, "tooling": tooling, "debugging": debugging}

