"""Typed results: every stored result reads back as its experiment's class and writes out as
the same JSON, and a file of another shape is refused with the field named."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from comparison.experiments import EXPERIMENTS
from comparison.results import typed
from comparison.results.typed import ShapeError, from_json, to_json
from tests.conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Point:
    x: float
    label: str | None = None


@dataclass(frozen=True)
class Shape:
    name: str
    points: tuple[Point, ...]
    by_size: dict[int, list[float]]
    pair: tuple[int, str]
    tags: list[str] = field(default_factory=list)


GOOD = {"name": "s", "points": [{"x": 1, "label": None}, {"x": 2.5, "label": "b"}],
        "by_size": {"10": [1.0, 2.0]}, "pair": [3, "c"], "tags": ["t"]}


def test_json_reads_back_as_the_class_and_writes_out_unchanged():
    shape = from_json(Shape, GOOD)
    assert shape.points[0] == Point(1.0) and isinstance(shape.points[0].x, float)
    assert shape.by_size == {10: [1.0, 2.0]} and shape.pair == (3, "c")
    assert to_json(shape) == GOOD | {"points": [{"x": 1.0, "label": None},
                                                {"x": 2.5, "label": "b"}]}


def test_a_field_with_a_default_may_be_absent():
    assert from_json(Shape, {k: v for k, v in GOOD.items() if k != "tags"}).tags == []


@dataclass(frozen=True)
class Sometimes:
    x: float
    note: str | None = typed.optional_key()


def test_an_optional_key_is_none_when_absent_and_written_as_no_key():
    assert from_json(Sometimes, {"x": 1.0}) == Sometimes(1.0)
    assert to_json(Sometimes(1.0)) == {"x": 1.0}
    assert to_json(from_json(Sometimes, {"x": 1.0, "note": "n"})) == {"x": 1.0, "note": "n"}


@pytest.mark.parametrize("change, message", [
    ({"name": 3}, "result.name is a whole number, not a string"),
    ({"points": [{"x": "1"}]}, "result.points[0].x is a string, not a number"),
    ({"points": [{"x": True}]}, "result.points[0].x is true or false, not a number"),
    ({"points": [{"x": 1, "label": 2}]}, "result.points[0].label is a whole number, not a "
                                         "string or null"),
    ({"by_size": {"ten": [1.0]}}, "result.by_size key 'ten' is a string, not a whole number"),
    ({"pair": [3]}, "result.pair has 1 items, not 2"),
    ({"points": {"x": 1}}, "result.points is an object, not a list"),
    ({"extra": 1}, "result has a field this code does not know: 'extra'"),
])
def test_another_shape_is_refused_naming_the_field(change, message):
    with pytest.raises(ShapeError) as error:
        from_json(Shape, GOOD | change)
    assert str(error.value) == message


def test_a_missing_field_without_a_default_is_refused():
    with pytest.raises(ShapeError, match=r"^result\.pair is missing$"):
        from_json(Shape, {k: v for k, v in GOOD.items() if k != "pair"})


def stored() -> list[tuple[str, dict]]:
    """Every stored result the project reads: the quick-run fixtures and the committed
    records (the GPU record, and each machine record's results)."""
    found = [(path.name, json.loads(path.read_text())) for path in sorted(FIXTURES.glob("*.json"))]
    records = ROOT / "docs" / "records"
    found += [(path.name, json.loads(path.read_text())) for path in sorted(records.glob("*.json"))]
    for path in sorted((records / "machines").glob("*.json")):
        found += [(f"{path.name}:{name}", record)
                  for name, record in json.loads(path.read_text())["results"].items()]
    return found


@pytest.mark.parametrize("where, record", stored(), ids=[w for w, _ in stored()])
def test_every_stored_result_reads_back_and_writes_out_unchanged(where, record):
    result = typed.from_record(EXPERIMENTS[record["name"]].Result, record)
    assert to_json(result) == {k: v for k, v in record.items() if k not in typed.ENVELOPE}
