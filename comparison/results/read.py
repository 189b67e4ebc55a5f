"""A stored record read back as its experiment's typed ``Result``: what the site, the machine
records and ``compare`` hand to pages and verdicts (``typed.py`` does the checking; this module
knows which class each experiment's record holds)."""

from __future__ import annotations

from comparison.experiments import EXPERIMENTS
from comparison.results import typed


def typed_result(name: str, record: dict):
    """The result of experiment ``name`` in a stored record, as that experiment's ``Result``
    (``typed.ShapeError`` names the field that does not fit); a record committed from another
    machine (marked ``current`` by ``loading.committed_record``) as ``typed.Recorded``."""
    result = typed.from_record(EXPERIMENTS[name].Result, record)
    if "current" in record:
        return typed.Recorded(result, record["provenance"], record["current"])
    return result
