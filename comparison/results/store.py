"""The results store: one JSON per experiment (plus a CSV for readers), with provenance.

A result is *current* when its schema version is this code's and its ``inputs_hash`` equals
the hash of what would run now: the source files it depends on (its experiment's module and
every module that imports, derived in ``inputs.py``), its config, and the checksums of the
datasets it reads. Anything else is stale: re-run, never shown as current.

A result is *valid* when it has the fields every page reads, with their types, only finite
numbers, and an ``outputs_hash`` that matches its contents: a number edited by hand, or a
NaN, is refused rather than published. The JSON, the CSV and the figures are one unit, and the
JSON is written last, over the previous one: a run that fails or is interrupted before it
leaves the previous result in place, never a new JSON beside old figures.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from comparison import data
from comparison.atomic import write_atomically

SCHEMA_VERSION = 2  # 2: typed configs, sources and data checksums in the inputs hash
RESULTS_ENV_VAR = "NN_COMPARE_RESULTS"
PACKAGE = Path(__file__).resolve().parents[1]
# What every page reads of a result, with its JSON type.
FIELDS = {"schema_version": int, "name": str, "inputs_hash": str, "outputs_hash": str,
          "config": dict, "provenance": dict, "rows": list}
NAME = re.compile(r"[\w-]+")  # a result's name, also in file names and messages
FIGURE_FILE = re.compile(r"[\w-]+(\.[\w-]+)*\.svg")  # a file in results/figures/, no path
MAX_DEPTH = 64  # nesting deeper than any result's: a sign of a damaged or hostile file
# The largest result is under 1 MB; a bigger file is damaged or hostile, and is judged by its
# size before a byte of it is read (a sparse file can claim any size).
MAX_BYTES = 64 * 2**20
JSON_TYPES = {dict: "an object", list: "a list", str: "a string", int: "a whole number",
              float: "a number", bool: "true or false", type(None): "null"}


class StaleResult(Exception):
    """A result file is missing, invalid, of another schema, or computed from other inputs."""


class InvalidResult(ValueError):
    """An experiment produced a result that cannot be stored (a NaN, a missing field)."""


class SaveFailed(Exception):
    """A result could not be written (a full disk, a file where a folder belongs): the
    previous result is kept, and the message says so and what to fix."""


def results_dir(path: str | Path | None = None) -> Path:
    return Path(path or os.environ.get(RESULTS_ENV_VAR) or "results")


def inputs_hash(files: Sequence[Path], config: dict, datasets: Sequence[str]) -> str:
    """SHA-256 over the source ``files`` (names and bytes: ``inputs.experiment_files``), the
    config (as JSON) and the known checksums of ``datasets``: every file is verified against
    those before use, so they identify the data a result was computed from."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    digest.update(json.dumps(config, sort_keys=True).encode())
    for name in datasets:
        digest.update(json.dumps({name: data.SPECS[name].sha256}, sort_keys=True).encode())
    return digest.hexdigest()


def outputs_hash(record: dict) -> str:
    """SHA-256 over the canonical JSON of everything in ``record`` but this hash itself (the
    inputs hash included, so that no field can be edited without the file being refused)."""
    content = {key: value for key, value in record.items() if key != "outputs_hash"}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def save(name: str, result: dict, directory: Path,
         draw: Callable[[Path], object] | None = None) -> Path:
    """Write ``<name>.json``, ``<name>.csv`` (from ``rows``) and the figures ``draw`` renders
    into the folder it is given, as one unit.

    Everything is prepared in a staging folder first. Then the new figures and the CSV are
    moved into place and the JSON is written over the previous one: it is the commit point.
    Only then are the previous run's figures that the new result does not list removed. So a
    failure or an interruption anywhere leaves the previous JSON, still valid (the site
    publishes the CSV made from the JSON, never the file beside it), and ``SaveFailed`` says
    why in one line.
    """
    record = _as_json({"schema_version": SCHEMA_VERSION, "name": name} | result, name)
    problem = problems(record | {"outputs_hash": ""})
    if problem:
        raise InvalidResult(f"experiment {name} produced an invalid result: {problem}; "
                            "nothing was written")
    try:
        return _save(name, record, directory, draw)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        where = error.filename or directory
        raise SaveFailed(f"could not save the {name} result in {directory} ({reason}: "
                         f"{where}); the previous result, if any, is kept: fix that and re-run"
                         ) from None


def _save(name: str, record: dict, directory: Path,
          draw: Callable[[Path], object] | None) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=directory, prefix=f".{name}-", suffix=".part"))
    try:
        figures = staging / "figures"
        figures.mkdir()
        if draw is not None:
            draw(figures)
        record["figure_files"] = sorted(path.name for path in figures.iterdir())
        record["outputs_hash"] = outputs_hash(record)
        (staging / f"{name}.csv").write_text(to_csv(record["rows"]))
        path = directory / f"{name}.json"
        old_figures = set(_figure_files(path)) - set(record["figure_files"])
        _move_figures(figures, directory / "figures")
        os.replace(staging / f"{name}.csv", directory / f"{name}.csv")
        write_atomically(path, json.dumps(record, indent=1, allow_nan=False))
        for old in sorted(old_figures):  # listed by no result now
            (directory / "figures" / old).unlink(missing_ok=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return path


def _as_json(record: dict, name: str) -> dict:
    """``record`` as it will read back from JSON (tuples as lists, keys as strings), so that
    its outputs hash is the one ``load`` computes."""
    try:
        return json.loads(json.dumps(record))
    except (TypeError, ValueError) as error:
        raise InvalidResult(f"experiment {name} produced a result JSON cannot hold: {error}; "
                            "nothing was written") from None


def _figure_files(path: Path) -> list[str]:
    """The figures the result in ``path`` listed, if it can be read (only plain names)."""
    try:
        files = _read(path, path.stem).get("figure_files", [])
    except StaleResult:
        return []
    if not isinstance(files, list):
        return []
    return [f for f in files if isinstance(f, str) and FIGURE_FILE.fullmatch(f)]


def _move_figures(staged: Path, folder: Path) -> None:
    """Move the new figures in, each rename atomic (a figure of the same name is replaced)."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in sorted(staged.iterdir()):
        os.replace(path, folder / path.name)


def load(name: str, directory: Path, expected_hash: str | None = None) -> dict:
    """A valid, current result, or ``StaleResult`` naming the file and saying what to do."""
    path = directory / f"{name}.json"
    record = _read(path, name)
    rerun = _rerun(record, name)
    if record.get("schema_version") != SCHEMA_VERSION:
        raise StaleResult(f"{path} has schema version {_shown(record.get('schema_version'))}, "
                          f"this code reads {SCHEMA_VERSION}: {rerun}")
    problem = problems(record)
    if problem:
        raise StaleResult(f"{path} is not a valid result ({problem}): {rerun}")
    if record["outputs_hash"] != outputs_hash(record):
        raise StaleResult(f"{path} was edited by hand (its contents no longer match its "
                          f"outputs hash); its numbers cannot be trusted: {rerun}")
    if expected_hash is not None and record["inputs_hash"] != expected_hash:
        raise StaleResult(f"{path} was computed from other code, config or data: {rerun}")
    return record


def _read(path: Path, name: str) -> dict:
    """The JSON object in ``path``, or ``StaleResult`` saying why there is none."""
    rerun = f"re-run it (`python -m comparison run --only {name}`)"
    try:
        size = path.stat().st_size if path.is_file() else None
    except OSError as error:  # a link loop, an over-long name, a folder we may not enter
        raise StaleResult(f"{path} cannot be read ({error.strerror}): {rerun}") from None
    if size is None:
        raise StaleResult(f"{path} is missing: run `python -m comparison run --only {name}`")
    if size > MAX_BYTES:
        raise StaleResult(f"{path} is {size / 2**20:,.0f} MB, larger than any result "
                          f"({MAX_BYTES // 2**20} MB at most), so it was not read: {rerun}")
    try:
        with path.open("rb") as handle:  # at most the limit, should it grow meanwhile
            text = handle.read(MAX_BYTES + 1).decode("utf-8")
        record = json.loads(text)
    except OSError as error:
        raise StaleResult(f"{path} cannot be read ({error.strerror}); fix its permissions or "
                          f"{rerun}") from None
    except UnicodeDecodeError:
        raise StaleResult(f"{path} is not UTF-8 text, so not a result: {rerun}") from None
    except (ValueError, RecursionError) as error:  # JSONDecodeError is a ValueError
        raise StaleResult(f"{path} is not valid JSON ({str(error)[:80]}): {rerun}") from None
    if not isinstance(record, dict):
        raise StaleResult(f"{path} holds {_type(record)}, not a result object: {rerun}")
    return record


def _rerun(record: dict, name: str) -> str:
    """The command that re-creates a result (a committed record names its experiment)."""
    experiment = record.get("name")
    if not (isinstance(experiment, str) and NAME.fullmatch(experiment)):
        experiment = name
    return f"re-run it (`python -m comparison run --only {experiment}`)"


def problems(record: object) -> str | None:
    """What makes ``record`` unfit to publish, in words, or None: a missing field or one of
    the wrong type, rows that are not objects, a number that is not finite."""
    if not isinstance(record, dict):
        return f"it holds {_type(record)} instead of an object"
    for field, kind in FIELDS.items():
        value = record.get(field)
        if field not in record:
            return f"{field!r} is missing"
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            return f"{field!r} is {_type(value)}, not {JSON_TYPES[kind]}"
    if not NAME.fullmatch(record["name"]):
        return "'name' is not a plain name (letters, digits, '-' and '_')"
    if not all(isinstance(row, dict) for row in record["rows"]):
        return "'rows' holds something other than objects"
    files = record.get("figure_files", [])
    if not (isinstance(files, list) and all(isinstance(f, str) and FIGURE_FILE.fullmatch(f)
                                            for f in files)):
        return "'figure_files' is not a list of figure file names"
    return _non_finite(record)


def _non_finite(record: dict) -> str | None:
    """Where ``record`` holds NaN or an infinity, or nests too deeply (walked without
    recursion, so that a hostile file cannot exhaust the stack)."""
    stack: list[tuple[str, object, int]] = [("", record, 0)]
    while stack:
        where, value, depth = stack.pop()
        if depth > MAX_DEPTH:
            return f"{where} is nested more than {MAX_DEPTH} levels deep"
        if isinstance(value, float) and not math.isfinite(value):
            return f"{where} is {value}, not a finite number"
        if isinstance(value, dict):
            stack += [(f"{where}.{_key(key)}" if where else _key(key), item, depth + 1)
                      for key, item in value.items()]
        elif isinstance(value, list):
            stack += [(f"{where}[{i}]", item, depth + 1) for i, item in enumerate(value)]
    return None


def _key(key: str) -> str:
    """A key from a file as it may appear in a message: no control or markup characters."""
    return re.sub(r"[^\w-]", "?", key)[:40]


def _type(value: object) -> str:
    return JSON_TYPES.get(type(value), type(value).__name__)


def _shown(value: object) -> str:
    """A value from a file, short and printable, for an error message."""
    return ascii(value)[:40]


def to_csv(rows: list[dict]) -> str:
    if not rows:
        return ""
    columns = list(dict.fromkeys(key for row in rows for key in row))
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
