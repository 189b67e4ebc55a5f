"""Which module presents which result: the registry the MkDocs hook dispatches through.

Each module offers ``TABLES`` (name -> record -> Markdown), ``quotes`` (record -> the numbers a
page quotes inline, already formatted), optionally ``figures`` (record -> figures) and, for an
experiment's own result, ``STATISTIC`` (what its numbers are, for the provenance box).
"""

from __future__ import annotations

from types import ModuleType

from comparison.report import (
    book,
    code,
    convergence,
    debugging,
    equivalence,
    flexibility,
    gpu,
    scalability,
    speed,
    tooling,
)

# Keyed by result name: an experiment's own, or a record committed under docs/records/.
PAGES: dict[str, ModuleType] = {
    "book": book, "speed": speed, "speed-gpu": gpu, "convergence": convergence,
    "code": code, "equivalence": equivalence,
    "scalability": scalability, "flexibility": flexibility, "tooling": tooling,
    "debugging": debugging,
}


def presenter(name: str) -> ModuleType:
    """The module presenting result ``name`` (``KeyError`` names the known ones)."""
    if name not in PAGES:
        raise KeyError(f"no result named {name!r}; known: {', '.join(PAGES)}")
    return PAGES[name]
