"""One module per question the site answers. Each has ``make_config(profile, context)`` and
``run(config, context) -> dict`` (with ``rows`` for the CSV); ``runner.py`` stores the result."""

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
