"""The results as a build reads them: every experiment's result, valid and current, the runs
recorded on other machines and committed, and the one error a build raises (``SiteError``),
which names the result at fault and what to do."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from comparison.experiments import EXPERIMENTS
from comparison.experiments.harness.runner import inputs_hash
from comparison.report import machines as across
from comparison.report.figures import render
from comparison.report.pages import presenter
from comparison.results import machines, store, typed
from comparison.results.read import typed_result

FIGURE_ID = re.compile(r"[\w.-]+")  # a figure's id is part of its file name: no path
# What a presenter raises on a result it does not expect (a field missing, or of another type,
# in a file that passed the store's checks): turned into a SiteError naming the result.
PRESENTER_ERRORS = (KeyError, TypeError, ValueError, IndexError, AttributeError,
                    ZeroDivisionError)


class SiteError(Exception):
    """A page cannot be built from the results: the message says which and what to do."""


def is_current(record: dict) -> bool:
    """Whether this code, with the record's config, would compute the record again (not if
    the config is not one this code describes, e.g. without its datasets)."""
    try:
        return inputs_hash(EXPERIMENTS[record["name"]], record["config"]) == record["inputs_hash"]
    except (KeyError, TypeError):
        return False


def current_results(results: Path, names: Sequence[str] = tuple(EXPERIMENTS)
                    ) -> dict[str, dict]:
    """Each named experiment's result (every one by default), valid and current, or a
    ``SiteError`` listing each one that is missing, invalid or stale."""
    records, problems = {}, []
    for name in names:
        rerun = f"re-run `python -m comparison run --only {name}`"
        try:
            record = store.load(name, results)
            if record["name"] != name:
                raise store.StaleResult(f"{results / name}.json holds the result of another "
                                        f"experiment ({record['name']}): {rerun}")
            if not is_current(record):
                raise store.StaleResult(f"{results / name}.json is stale: the code changed "
                                        f"since it ran; {rerun}")
            records[name] = record
        except store.StaleResult as error:
            problems.append(str(error))
    if problems:
        raise SiteError("results are missing, invalid or stale:\n  " + "\n  ".join(problems))
    return records


def typed_results(records: dict[str, dict]) -> dict[str, object]:
    """Each record as its experiment's typed ``Result``, or a ``SiteError`` naming the
    field of the first one whose shape is not its class's."""
    found = {}
    for key, record in records.items():
        try:
            found[key] = typed_result(record["name"], record)
        except typed.ShapeError as error:
            raise SiteError(f"result {key} does not have the shape this code reads "
                            f"({error}): re-run `python -m comparison run --only "
                            f"{record['name']}`") from None
    return found


def machine_records(folder: Path, build: dict[str, dict], typed_build: dict[str, object],
                    scratch: Path) -> dict[str, across.MachineRecord]:
    """The machine records committed under ``folder``, checked and typed, and the figure that
    sets their key ratios beside this build's (``build``: its stored results, and the same
    typed), drawn into ``scratch``."""
    try:
        found = across.read(machines.load_all(folder))
    except machines.RecordError as error:
        raise SiteError(f"committed machine record: {error}") from None
    mine = {name: typed_build[name] for name in machines.RECORDED if name in typed_build}
    with presenting(str(folder), "machine records"):
        render(lambda _: across.figures(mine, found, across.build_machine(build)), {}, scratch)
    return found


def committed_record(path: Path, scratch: Path) -> dict:
    """A run recorded on another machine and committed (``docs/records/``), checked like a
    result (one made with older code is kept, marked not current), its figures drawn into
    ``scratch``. A record that fails a check fails the build: it is never shown unchecked."""
    try:
        record = store.load(path.stem, path.parent)
    except store.StaleResult as error:
        raise SiteError(f"committed record: {error}") from None
    if record["name"] not in EXPERIMENTS:
        raise SiteError(f"{path} is the record of an unknown experiment "
                        f"({record['name']}); known: {', '.join(EXPERIMENTS)}")
    plots = getattr(presenter(record["name"]), "figures", None)
    if plots:
        with presenting(str(path), record["name"]):
            render(_checked_ids(plots, path), typed_result(record["name"], record), scratch,
                   prefix=f"{path.stem}-")
    return record | {"current": is_current(record)}


def _checked_ids(plots, path: Path):
    """``plots``, refusing a figure id that is not a plain name before its file is written
    (an id may be made from a record's contents)."""
    def checked(record: dict) -> Iterator:
        for figure_id, figure in plots(record):
            if not FIGURE_ID.fullmatch(figure_id):
                raise SiteError(f"{path}: its figure id {ascii(figure_id)[:60]} is not a "
                                "plain name; the record is damaged: re-record it")
            yield figure_id, figure
    return checked


@contextmanager
def presenting(where: str, name: str) -> Iterator[None]:
    """Turn a presenter's failure on a result it does not expect into a ``SiteError`` that
    names the result and what to do."""
    try:
        yield
    except PRESENTER_ERRORS as error:
        raise SiteError(f"{where}: result {name} cannot be shown ({type(error).__name__}: "
                        f"{ascii(str(error))[:80]}); its file holds something this code does "
                        f"not read: re-run it") from None
