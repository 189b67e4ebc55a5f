"""How a failure looks to the programmer: the exception, when it came, and where it points.

``describe`` turns an exception raised by a program with a planted bug into plain facts: its
type and message, the phase and step, whether the message names the problem (contains one of
the bug's keywords), whether the traceback's last frame is in this project's code
(``comparison/``) or in a library, and whether the report shows a line of the edited code.
"""

from __future__ import annotations

import re
import traceback
from pathlib import Path

from comparison.experiments.harness.source import PACKAGE, find

ANSI = re.compile(r"\x1b\[[0-9;]*m")  # colours in Keras's messages
LINE = re.compile(r'File "([^"]+)", line (\d+)')  # a traceback's frame, quoted in a message


def describe(error: Exception, phase: str, steps: int, keywords: tuple[str, ...],
             edited: list[str], caught: list) -> dict:
    """An exception as a reader meets it: type, message, when, where it points, and whether
    its report (the traceback, and any traceback in its message or warnings) shows a line of
    the code the mistake was made in."""
    frames = traceback.extract_tb(error.__traceback__)
    message = ANSI.sub("", str(error)).strip()
    ours = [frame for frame in frames if _in_package(frame.filename)]
    lines = [(frame.filename, frame.lineno) for frame in frames] + [
        (file, int(line)) for text in [message, *(str(w.message) for w in caught)]
        for file, line in LINE.findall(text)]
    return {"exception": type(error).__name__, "message": message[:400], "phase": phase,
            "steps": steps, "names_problem": any(k in message.lower() for k in keywords),
            "last_frame": _where(frames[-1]), "in_project_code": _in_package(frames[-1].filename),
            "project_frame": _where(ours[-1]) if ours else None,
            "points_to_mistake": points_to(lines, edited)}


def points_to(lines: list[tuple[str, int]], edited: list[str]) -> bool | None:
    """Whether one of the ``(file, line)`` is inside one of the ``edited`` definitions
    ("file::Qualified.name"; None: the mistake is in a setting, not in code)."""
    if not edited:
        return None
    spans = []
    for ref in edited:
        file, _, name = ref.partition("::")
        node = find(file, name)
        spans.append((PACKAGE / file, node.lineno, node.end_lineno))
    return any(Path(f).resolve() == path and start <= line <= end
               for f, line in lines for path, start, end in spans)


def _in_package(filename: str) -> bool:
    return Path(filename).resolve().is_relative_to(PACKAGE)


def _where(frame: traceback.FrameSummary) -> str:
    """``comparison/file.py::function`` for this project's code, else the library's file."""
    path = Path(frame.filename).resolve()
    if path.is_relative_to(PACKAGE):
        return f"comparison/{path.relative_to(PACKAGE).as_posix()}::{frame.name}"
    parts = path.parts
    start = max((i + 1 for i, p in enumerate(parts) if p in ("site-packages", "dist-packages")),
                default=len(parts) - 1)
    return "/".join(parts[start:])
