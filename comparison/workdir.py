"""Temporary folders that cannot outlive their owner by more than one run.

A killed process cannot clean up after itself (``kill -9`` runs no handler), so every
temporary folder this project makes is named after the process that owns it, and the next
command removes the folders of owners that are no longer running. Each command also gets a
private temporary folder that its children inherit (``TMPDIR``): whatever an experiment, a
worker or MkDocs puts in the temporary folder (a 60 MB arrays file, a records folder) goes
there, and goes with it.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PRIVATE = "nn-compare"  # the prefix of each command's private temporary folder


def owned_folder(parent: Path, prefix: str, suffix: str = "") -> Path:
    """A new folder in ``parent`` named ``PREFIX-PID-RANDOM``, after this process."""
    return Path(tempfile.mkdtemp(dir=parent, prefix=f"{prefix}-{os.getpid()}-", suffix=suffix))


def sweep(parent: Path, prefix: str, suffix: str = "") -> None:
    """Remove this user's folders in ``parent`` made by ``owned_folder`` for processes that
    are no longer running (a process that is, even another user's, is left alone)."""
    pattern = re.compile(rf"{re.escape(prefix)}-(\d+)-\w+{re.escape(suffix)}")
    try:
        entries = list(parent.iterdir())
    except OSError:
        return
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match and not _running(int(match[1])) and _mine(entry):
            shutil.rmtree(entry, ignore_errors=True)


@contextmanager
def private_tempdir() -> Iterator[Path]:
    """Run the body with a private temporary folder for this process and its children,
    removed afterwards (or by the next command, if this one is killed)."""
    system = Path(tempfile.gettempdir())
    sweep(system, PRIVATE)
    folder = owned_folder(system, PRIVATE)
    saved_env, saved_module = os.environ.get("TMPDIR"), tempfile.tempdir
    os.environ["TMPDIR"], tempfile.tempdir = str(folder), str(folder)
    try:
        yield folder
    finally:
        tempfile.tempdir = saved_module
        if saved_env is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = saved_env
        shutil.rmtree(folder, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # running, as another user
        return True
    return True


def _mine(path: Path) -> bool:
    try:
        return path.is_dir() and not path.is_symlink() and path.stat().st_uid == os.getuid()
    except OSError:
        return False
