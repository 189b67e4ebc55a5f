"""Writing files so that an interrupted program never leaves a half-written one behind, and
checking, before any long work, that the file can be written at all."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


class UnwritablePath(ValueError):
    """An output file or folder that cannot be written: the message names it and the fix."""


def write_atomically(path: str | Path, content: str | bytes) -> None:
    """Write to a temporary file beside ``path``, then rename it over ``path`` in one step.

    A rename within one folder is atomic, so readers see the old file or the new one, never a
    mix, and a Ctrl-C or kill mid-write leaves only a stray ``.part`` file that is removed.
    The file gets the permissions the umask allows (``mkstemp`` alone would make it 0600).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode() if isinstance(content, str) else content
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
    try:
        os.fchmod(descriptor, 0o666 & ~current_umask())
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def current_umask() -> int:
    """The process's umask: it can only be read by setting it, so set it back at once."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def check_writable_file(path: Path, option: str) -> None:
    """Raise ``UnwritablePath`` unless ``path`` can be (re)written as a regular file.

    Checked before the work whose result it will hold, so that the work is not lost. Anything
    that exists and is not a regular file (a folder, ``/dev/null``, a pipe) is refused: the
    rename that writes the file would replace it.
    """
    try:
        _check_writable_file(path, option)
    except OSError as error:  # a folder on the way that this user may not look into
        raise UnwritablePath(f"{option} {path} cannot be reached ({error.strerror}); choose "
                             f"another {option}") from None


def _check_writable_file(path: Path, option: str) -> None:
    if (path.exists() or path.is_symlink()) and not path.is_file():
        example = path / "run.json" if path.is_dir() else Path("run.json")
        raise UnwritablePath(f"{option} {path} is a {_kind(path)}, not a regular file, and "
                             f"would be replaced; name a file instead, e.g. {option} {example}")
    _check_writable_folder(path.parent, option, f"{option} {path}")


def check_writable_folder(folder: Path, option: str) -> None:
    """Raise ``UnwritablePath`` unless files can be created in ``folder`` (made if missing)."""
    try:
        _check_writable_folder(folder, option)
    except OSError as error:
        raise UnwritablePath(f"{option} {folder} cannot be reached ({error.strerror}); choose "
                             f"another {option}") from None


def _check_writable_folder(folder: Path, option: str, what: str | None = None) -> None:
    """``what``: the file to be written in ``folder``, if the message is about one."""
    where = "is" if what is None else f"lies under {folder}, which is"
    what = what or f"{option} {folder}"
    existing = folder
    while not existing.exists() and existing != existing.parent:
        if existing.is_symlink():  # exists() is False for a link to nothing or a link loop
            raise UnwritablePath(f"{what}: {existing} is a broken link or a link loop; fix or "
                                 f"remove it, or choose another {option}")
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        if existing != folder:
            where = f"lies under {existing}, which is"
        raise UnwritablePath(f"{what} {where} a {_kind(existing)}, not a folder; choose "
                             f"another {option}")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise UnwritablePath(f"{what}: {existing} is not writable by this user; choose "
                             f"another {option} or fix its permissions")


def _kind(path: Path) -> str:
    """What a path is, in words, for an error message."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return "broken link"
    kinds = [(stat.S_ISDIR, "folder"), (stat.S_ISREG, "regular file"),
             (stat.S_ISCHR, "character device"), (stat.S_ISBLK, "block device"),
             (stat.S_ISFIFO, "named pipe"), (stat.S_ISSOCK, "socket")]
    return next((name for test, name in kinds if test(mode)), "special file")
