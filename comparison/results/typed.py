"""Typed results: each experiment's result is a frozen dataclass (its ``Result``), written to
JSON by ``to_json`` and read back, checked field by field, by ``from_json``.

The experiment that computes a result and the page that shows it share that one class, so a
field renamed in one is renamed in the other, and a file whose shape is not the class's is
refused on load with one line naming the field (``ShapeError``), instead of failing deep in
a page. The JSON is what ``dataclasses.asdict`` would give (tuples as lists, mapping keys as
strings), so results written before the classes existed read back unchanged.

The types a field may have: ``int``, ``float`` (a whole number is read as one), ``str``,
``bool``, ``None``, a union (``float | None``, ``Plant | Absent``), ``list[T]``, ``tuple[T, ...]``,
``tuple[A, B]``, ``dict[str, T]`` and ``dict[int, T]`` (JSON keys are strings: an ``int`` key
is read back from its digits), another dataclass, and ``Any`` for a part no page reads by
field (a CSV row). A field with a default may be absent: results recorded by older code lack
what was added since. A field declared with ``optional_key()`` is ``None`` when its key is
absent and written as no key when ``None``: for what some files lack (older code's) or a run
writes only sometimes, so that such a file still writes out as it was read.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")
# What the runner and the store wrap around every result: read from the record as it is,
# never from the experiment's class.
ENVELOPE = frozenset({"schema_version", "name", "inputs_hash", "outputs_hash", "profile",
                      "provenance", "figure_files", "current"})
_NAMES = {int: "a whole number", float: "a number", str: "a string", bool: "true or false",
          type(None): "null", list: "a list", dict: "an object"}
_OPTIONAL = "typed.optional_key"  # the field's metadata: absent from the JSON when None


@dataclass(frozen=True)
class Recorded:
    """A result recorded on another machine and committed (``docs/records/``): the typed
    result, and what its envelope says that a page shows of it: where and when it ran, and
    whether this code would compute it again."""

    result: object  # its experiment's ``Result``
    provenance: dict  # as stored
    current: bool


class ShapeError(ValueError):
    """A result's JSON does not have the shape of its class: the message names the field."""


def optional_key() -> Any:
    """A dataclass field whose key a file may lack: ``None`` then, and no key when written
    (a field that a file holds as ``null`` needs a plain ``= None`` instead)."""
    return dataclasses.field(default=None, metadata={_OPTIONAL: True})


def to_json(value: object) -> object:
    """``value`` as JSON-ready data: a dataclass as an object of its fields (but no key for
    an ``optional_key`` that is ``None``), a tuple as a list, a mapping's keys as strings."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)
                if not (f.metadata.get(_OPTIONAL) and getattr(value, f.name) is None)}
    if isinstance(value, (list, tuple)):
        return [to_json(item) for item in value]
    if isinstance(value, dict):
        return {str(key): to_json(item) for key, item in value.items()}
    return value


def from_json(kind: type[T], value: object, where: str = "result") -> T:
    """``value`` (parsed JSON) as an instance of ``kind``, or ``ShapeError`` naming the first
    field (``where``, a path such as ``comparisons[3].ratio``) whose value has another type."""
    return _read(kind, value, where)


def from_record(kind: type[T], record: dict) -> T:
    """The typed result in a stored record: its fields, without the envelope around them."""
    return from_json(kind, {key: item for key, item in record.items() if key not in ENVELOPE})


def _read(kind: Any, value: object, where: str) -> Any:
    if kind is Any:
        return value
    if dataclasses.is_dataclass(kind):
        return _dataclass(kind, value, where)
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (types.UnionType, typing.Union):
        return _union(args, value, where)
    if origin is list or origin is tuple:
        return _sequence(origin, args, value, where)
    if origin is dict:
        return _mapping(args, value, where)
    return _scalar(kind, value, where)


def _dataclass(kind: type, value: object, where: str) -> object:
    _expect(isinstance(value, dict), value, "an object", where)
    fields, hints = {f.name: f for f in dataclasses.fields(kind)}, _hints(kind)
    unknown = sorted(set(value) - set(fields))
    if unknown:
        raise ShapeError(f"{where} has a field this code does not know: {_short(unknown[0])}")
    found = {}
    for name, field in fields.items():
        if name in value:
            found[name] = _read(hints[name], value[name], f"{where}.{name}")
        elif (field.default is dataclasses.MISSING
              and field.default_factory is dataclasses.MISSING):
            raise ShapeError(f"{where}.{name} is missing")
    return kind(**found)


def _union(args: tuple, value: object, where: str) -> object:
    for option in args:  # the first option that reads it wins (``float | None``, or two
        # dataclasses told apart by their fields: an unknown field rules one out)
        try:
            return _read(option, value, where)
        except ShapeError:
            continue
    names = " or ".join(_NAMES.get(option, getattr(option, "__name__", "?")) for option in args)
    raise ShapeError(f"{where} is {_type(value)}, not {names}")


def _sequence(origin: type, args: tuple, value: object, where: str) -> object:
    _expect(isinstance(value, list), value, "a list", where)
    if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
        if len(value) != len(args):
            raise ShapeError(f"{where} has {len(value)} items, not {len(args)}")
        return tuple(_read(a, v, f"{where}[{i}]") for i, (a, v) in enumerate(zip(args, value)))
    items = [_read(args[0], item, f"{where}[{i}]") for i, item in enumerate(value)]
    return tuple(items) if origin is tuple else items


def _mapping(args: tuple, value: object, where: str) -> dict:
    _expect(isinstance(value, dict), value, "an object", where)
    key_kind, item_kind = args
    found = {}
    for key, item in value.items():
        if key_kind is int:
            _expect(key.isdigit(), key, "a whole number", f"{where} key {_short(key)}")
        found[int(key) if key_kind is int else key] = _read(item_kind, item,
                                                            f"{where}.{_short(key)}")
    return found


def _scalar(kind: type, value: object, where: str) -> object:
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    exact = type(value) is kind or (kind is type(None) and value is None)
    _expect(exact, value, _NAMES.get(kind, kind.__name__), where)
    return value


def _expect(ok: bool, value: object, wanted: str, where: str) -> None:
    if not ok:
        raise ShapeError(f"{where} is {_type(value)}, not {wanted}")


@cache
def _hints(kind: type) -> dict[str, Any]:
    """A dataclass's field types, resolved (``from __future__ import annotations`` leaves
    them as strings), once per class."""
    return typing.get_type_hints(kind)


def _type(value: object) -> str:
    return _NAMES.get(type(value), type(value).__name__)


def _short(key: object) -> str:
    """A key from a file, short and printable, for a message."""
    return ascii(key)[:40]
