"""Machine records: a full-profile speed and time-to-accuracy run, packaged to be committed
(``docs/records/machines/<machine>.json``) so that the site can show each verdict on every
machine recorded, not only on the one that built it.

A record holds the two results as the store wrote them (each still checked by its own outputs
hash), the machine they ran on, and the *protocol version* of the timing code: records made
with the same protocol are comparable even when other code changed between them, and a record
made with another protocol is shown, flagged, and counted nowhere. The version is tied to the
timing code by a fingerprint (``PROTOCOL_FINGERPRINT``), which a test recomputes: changing the
timing code without deciding whether the protocol changed fails the suite.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from comparison.results import store, typed

PROTOCOL_VERSION = 2
# SHA-256 of the files that define how a time is taken and judged (see ``protocol_files``).
# Version 2: every sample waits until the process's threads are quiet (``timing.settle``).
# Under version 1 a sample could pay for the job before's spinning BLAS threads: PyTorch at
# mini-batch 100, width 30 took 40 to 150 ms per sample by what ran before it.
# (The files moved into experiments/harness/, a docstring changed, and the statistics moved
# from timing.py into stats.py, all under version 2: the same protocol, a new fingerprint.)
PROTOCOL_FINGERPRINT = "91a588482bf7ceb6624292bf13307cddc082d8781fe911b10ede29848a9ebd08"
PROTOCOL_FILES = ("experiments/harness/timing.py", "experiments/harness/machine.py", "stats.py")
RECORDED = ("speed", "convergence")  # the results a machine record carries
FORMAT = 1
FOLDER = store.PACKAGE.parent / "docs" / "records" / "machines"
NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,100}")


class RecordError(ValueError):
    """A machine record that cannot be made, read or merged: the message says why."""


def same_protocol(provenance: dict) -> bool:
    """Whether a result (by its provenance) was timed under this code's timing protocol: a
    record from another machine then counts though other code changed since."""
    return provenance.get("timing_protocol") == PROTOCOL_VERSION


def protocol_fingerprint() -> str:
    """The SHA-256 of the timing protocol's files, as they are now."""
    digest = hashlib.sha256()
    for name in PROTOCOL_FILES:
        digest.update(name.encode())
        digest.update((store.PACKAGE / name).read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class Machine:
    """The machine a record ran on, as its ``machine`` field holds it."""

    cpu: str  # the CPU model
    usable_cpus: int  # the CPUs the run could use
    logical_cpus: int | None
    blas: str
    gpu: str | None


def machine_of(speed: dict) -> Machine:
    """The machine a stored speed result ran on (its provenance and config say)."""
    provenance = speed["provenance"]
    return Machine(str(provenance.get("cpu", "unknown")), int(speed["config"]["threads"]),
                   provenance.get("logical_cpus"), str(provenance.get("blas", "unknown")),
                   speed["config"].get("gpu"))


def record_name(machine: Machine) -> str:
    """A file name from the CPU model, the usable CPUs and the BLAS: "amd-epyc-2cpu-openblas"."""
    def slug(words: str) -> str:
        return re.sub(r"[^a-z0-9]+", "-", words.lower()).strip("-")
    cpu = slug(re.sub(r"\((r|tm)\)|\b(cpu|processor)\b|@.*", " ", machine.cpu, flags=re.I))
    blas = slug(machine.blas.split()[0]) if machine.blas else "blas"
    return f"{cpu or 'cpu'}-{machine.usable_cpus}cpu-{blas}"[:100]


def make(results: dict[str, dict], commit: str) -> dict:
    """A record from the current ``speed`` and ``convergence`` results of a full run."""
    missing = [name for name in RECORDED if name not in results]
    if missing:
        raise RecordError(f"no current {' or '.join(missing)} result to record: run "
                          "`python -m comparison run --profile full --only speed convergence`")
    quick = [name for name in RECORDED if results[name].get("profile") != "full"]
    if quick:
        raise RecordError(f"the {', '.join(quick)} result is from the "
                          f"{results[quick[0]].get('profile')} profile; a machine record "
                          "needs the full one: run `python -m comparison run --profile full "
                          "--only speed convergence`")
    machine = machine_of(results["speed"])
    record = {"format": FORMAT, "name": record_name(machine), "machine": typed.to_json(machine),
              "protocol_version": PROTOCOL_VERSION, "commit": commit,
              "date_utc": results["speed"]["provenance"].get("date_utc"),
              "results": {name: results[name] for name in RECORDED}}
    return record | {"outputs_hash": store.outputs_hash(record)}


def check(record: object, where: str) -> dict:
    """``record`` if it is a well-formed machine record, else ``RecordError`` naming ``where``."""
    def fail(problem: str) -> RecordError:
        return RecordError(f"{where} is not a machine record ({problem}): re-record it with "
                           "`python -m comparison record`")
    if not isinstance(record, dict):
        raise fail("not a JSON object")
    for field, kind in (("format", int), ("name", str), ("machine", dict),
                        ("protocol_version", int), ("results", dict), ("outputs_hash", str)):
        if not isinstance(record.get(field), kind):
            raise fail(f"{field!r} is missing or not {store.JSON_TYPES[kind]}")
    if record["format"] != FORMAT:
        raise fail(f"format {record['format']}, this code reads {FORMAT}")
    if not NAME.fullmatch(record["name"]):
        raise fail("its name is not a plain lower-case name")
    if record["outputs_hash"] != store.outputs_hash(record):
        raise fail("its contents no longer match its outputs hash: edited by hand")
    for name in RECORDED:
        result = record["results"].get(name)
        problem = store.problems(result)
        if problem or result["name"] != name:
            raise fail(f"its {name} result is not valid ({problem or 'another experiment'})")
        if result["outputs_hash"] != store.outputs_hash(result):
            raise fail(f"its {name} result was edited by hand")
    return record


def load(path: Path) -> dict:
    """A checked machine record from ``path`` (bounded in size like a result)."""
    try:
        size = path.stat().st_size
        if size > store.MAX_BYTES:
            raise RecordError(f"{path} is {size / 2**20:,.0f} MB, larger than any record")
        record = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as error:
        if isinstance(error, RecordError):
            raise
        raise RecordError(f"{path} cannot be read as JSON ({str(error)[:80]})") from None
    return check(record, str(path))


def load_all(folder: Path) -> dict[str, dict]:
    """Every machine record in ``folder``, by name (none if the folder is absent)."""
    found = {}
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else ():
        record = load(path)
        if record["name"] != path.stem:
            raise RecordError(f"{path} holds the record of {record['name']}: name the file "
                              f"{record['name']}.json")
        found[record["name"]] = record
    return found
