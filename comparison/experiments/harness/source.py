"""Reading the package's own source: a definition found by ``"file::Qualified.name"`` under
``comparison/``, its lines of code (no blanks, comments or docstring) and its text.

The code experiment counts lines with it, the flexibility experiment diffs variants with it, the
debugging experiment places planted mistakes with it, and the pages show code with it.
"""

from __future__ import annotations

import ast
import io
import tokenize
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]  # comparison/


def body_lines(file: str, qualified_name: str) -> list[str]:
    return code_lines(file, qualified_name, body_only=True)


def logical_lines(file: str, qualified_name: str) -> int:
    """Lines of code in one function: no blanks, comments or docstring."""
    return len(code_lines(file, qualified_name))


def code_lines(file: str, qualified_name: str, body_only: bool = False) -> list[str]:
    """The lines of code of one definition, stripped: no blanks, comments or docstring (nor
    its signature, with ``body_only``)."""
    node = find(file, qualified_name)
    source = (PACKAGE / file).read_text()
    lines = set(range(node.body[0].lineno if body_only else node.lineno, node.end_lineno + 1))
    docstring = node.body[0]
    if isinstance(docstring, ast.Expr) and isinstance(docstring.value, ast.Constant):
        lines -= set(range(docstring.lineno, docstring.end_lineno + 1))
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    code = {t.start[0] for t in tokens if t.type not in (
        tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT)}
    comment_at = {t.start[0]: t.start[1] for t in tokens if t.type == tokenize.COMMENT}
    text = source.splitlines()
    return [text[n - 1][: comment_at.get(n)].strip() for n in sorted(lines & code)]


def find(file: str, qualified_name: str) -> ast.FunctionDef | ast.ClassDef:
    """The definition of ``Class.method`` or ``function`` in a package file."""
    scope = ast.parse((PACKAGE / file).read_text())
    for part in qualified_name.split("."):
        scope = next((n for n in scope.body if isinstance(n, ast.FunctionDef | ast.ClassDef)
                      and n.name == part), None)
        if scope is None:
            raise KeyError(f"{qualified_name} not found in comparison/{file}")
    return scope


def source_of(file: str, qualified_name: str) -> str:
    """The source text of a definition, for showing code on the site."""
    node = find(file, qualified_name)
    lines = (PACKAGE / file).read_text().splitlines()
    start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
    text = lines[start - 1 : node.end_lineno]
    indent = len(text[0]) - len(text[0].lstrip())
    return "\n".join(line[indent:] for line in text)
