"""A last check on a page once its placeholders are filled: no value glued to a missing one.

A quoted number that was not measured reads "not measured"; a sentence built around a number
("takes <value>x the time") then reads "takes not measuredx the time", and a value that was
never computed reads "None" or "nan". Either is a broken sentence a reader should never see,
so the build fails on it and names the page and the words around it.
"""

from __future__ import annotations

import re

GLUED = re.compile(r"not measured[\w%]|\w(?<!\d)not measured|\b(?:nan|NaN|inf)\b")
MISSING = re.compile(r"\b(?:None|nan|NaN|inf)\b")
CODE = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)  # code may say None: it is code


def missing(value: str) -> bool:
    """Whether a quoted value holds a number that was never computed ("None", "nan")."""
    return bool(MISSING.search(value))


def glued_values(markdown: str) -> list[str]:
    """Each broken value with a few words of context (empty when the page reads well)."""
    prose = CODE.sub("", markdown)
    return [prose[max(0, m.start() - 30):m.end() + 10].replace("\n", " ")
            for m in GLUED.finditer(prose)]
