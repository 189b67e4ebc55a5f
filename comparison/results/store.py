"""The results store: one JSON per experiment (plus a CSV for readers), with provenance.

A result is *current* when its schema version is this code's and its ``inputs_hash`` equals
the hash of what would run now: the source files it depends on (every implementation, the data
and training layers, and the files its experiment declares in ``SOURCES``), its config, and
the checksums of the datasets it reads. Anything else is stale: re-run, never shown as current.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from pathlib import Path

from collections.abc import Sequence

from comparison import data
from comparison.atomic import write_atomically

SCHEMA_VERSION = 2  # 2: typed configs, declared sources, data checksums in the hash
RESULTS_ENV_VAR = "NN_COMPARE_RESULTS"
PACKAGE = Path(__file__).resolve().parents[1]
# The code every experiment's numbers depend on, besides the files it declares itself.
CORE_SOURCES = ("data", "scratch", "torch", "keras", "training")


class StaleResult(Exception):
    """A result file is missing, of another schema, or computed from other inputs."""


def results_dir(path: str | Path | None = None) -> Path:
    return Path(path or os.environ.get(RESULTS_ENV_VAR) or "results")


def source_files(sources: Sequence[str]) -> list[Path]:
    """The core sources and ``sources`` (files or folders under ``comparison/``) as files."""
    files = []
    for name in (*CORE_SOURCES, *sources):
        path = PACKAGE / name
        if not path.exists():
            raise FileNotFoundError(f"declared source comparison/{name} does not exist")
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return files


def inputs_hash(sources: Sequence[str], config: dict, datasets: Sequence[str]) -> str:
    """SHA-256 over the source files (names and bytes), the config (as JSON) and the known
    checksums of ``datasets``: every file is verified against those before use, so they
    identify the data a result was computed from."""
    digest = hashlib.sha256()
    for path in source_files(sources):
        digest.update(path.relative_to(PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    digest.update(json.dumps(config, sort_keys=True).encode())
    for name in datasets:
        digest.update(json.dumps({name: data.SPECS[name].sha256}, sort_keys=True).encode())
    return digest.hexdigest()


def save(name: str, result: dict, directory: Path) -> Path:
    """Write ``<name>.json`` and, from its ``rows``, ``<name>.csv``; both atomically."""
    record = {"schema_version": SCHEMA_VERSION, "name": name} | result
    path = directory / f"{name}.json"
    write_atomically(directory / f"{name}.csv", to_csv(result.get("rows", [])))
    write_atomically(path, json.dumps(record, indent=1, allow_nan=False))
    return path


def load(name: str, directory: Path, expected_hash: str | None = None) -> dict:
    """A current result, or ``StaleResult`` saying why it cannot be used."""
    path = directory / f"{name}.json"
    if not path.is_file():
        raise StaleResult(f"{path} is missing: run `python -m comparison run --only {name}`")
    try:
        record = json.loads(path.read_text())
    except json.JSONDecodeError as error:
        raise StaleResult(f"{path} is not valid JSON ({error}); re-run it") from None
    if record.get("schema_version") != SCHEMA_VERSION:
        raise StaleResult(f"{path} has schema version {record.get('schema_version')}, "
                          f"this code reads {SCHEMA_VERSION}: re-run it")
    if expected_hash is not None and record.get("inputs_hash") != expected_hash:
        raise StaleResult(f"{path} was computed from other code, config or data: "
                          f"re-run `python -m comparison run --only {name}`")
    return record


def to_csv(rows: list[dict]) -> str:
    if not rows:
        return ""
    columns = list(dict.fromkeys(key for row in rows for key in row))
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
