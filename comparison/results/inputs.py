"""What a result depends on, derived from the code: an experiment's module and every module of
this package it imports, directly or through others.

The import statements are read (``ast``), not run, so an import inside a function counts as
much as one at the top of a file. ``from package import name`` follows the module
``package.name`` when there is one; otherwise ``name`` is defined or re-exported by the
package's ``__init__``, whose imports are then followed too. A package's ``__init__`` always
counts as a file, since it runs first, but its imports are followed only when a name comes from
it: the experiments package's registry imports every experiment, and one experiment does not
depend on the others.

The registry imports each implementation's runner, declarations and logging tooling by a name
it holds as a string (``implementations.named_modules``); those modules are followed wherever
the registry is.

What an experiment runs or reads without importing it (a script started in a fresh process,
sources counted as text, modules imported by a name built at run time) it declares in
``READS``; those files' imports are followed as well. Nothing else is typed by hand: a module an
experiment imports cannot be left out of its inputs.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from comparison import implementations

PACKAGE = Path(__file__).resolve().parents[1]
ROOT = PACKAGE.name  # "comparison"
# Modules that import others by a name held in a string: what they import that way.
BY_NAME: dict[str, Callable[[], Iterable[str]]] = {
    "comparison.implementations": implementations.named_modules}


def module_file(name: str) -> Path | None:
    """The file of module ``name`` of this package (a package's ``__init__.py``), or None
    for a module from outside it."""
    parts = name.split(".")
    if parts[0] != ROOT:
        return None
    base = PACKAGE.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def module_name(path: Path) -> str:
    """``comparison/report/site.py`` -> ``comparison.report.site`` (a package: its name)."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Every import statement in ``path``, anywhere in it: (module, names taken from it);
    ``import a.b`` gives ("a.b", ()). Parsed once per version of the file: a build hashes
    every result's inputs, and the experiments share most of their files."""
    stat = path.stat()
    return _imports(path, stat.st_mtime_ns, stat.st_size)


@functools.cache
def _imports(path: Path, mtime_ns: int, size: int) -> tuple[tuple[str, tuple[str, ...]], ...]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, ()) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.module, tuple(alias.name for alias in node.names)))
    return tuple(found)


def _parents(name: str) -> Iterator[str]:
    """The packages that run before module ``name``: "a.b.c" -> "a", "a.b"."""
    parts = name.split(".")
    yield from (".".join(parts[:i]) for i in range(1, len(parts)))


def _needed(path: Path) -> Iterator[tuple[str, bool]]:
    """The package's modules that running ``path`` needs: (module, whether to follow its
    imports). Parent packages run but only count as files."""
    for module, names in imports(path):
        yield from ((parent, False) for parent in _parents(module))
        submodules = [f"{module}.{n}" for n in names if module_file(f"{module}.{n}")]
        yield from ((sub, True) for sub in submodules)
        # "import a.b", or names that the package itself defines or re-exports
        yield module, not names or len(submodules) < len(names)
    yield from ((name, True) for name in BY_NAME.get(module_name(path), list)())


def files(modules: Iterable[str]) -> list[Path]:
    """The files of ``modules`` and of everything they need, sorted, each once."""
    followed: set[str] = set()
    counted: set[str] = set()
    todo = [(name, True) for name in modules]
    while todo:
        name, follow = todo.pop()
        path = module_file(name)
        if path is None:
            continue
        counted.add(name)
        if follow and name not in followed:
            followed.add(name)
            todo += _needed(path)
    return sorted(module_file(name) for name in counted)


def experiment_files(module: str, reads: Iterable[str] = ()) -> list[Path]:
    """What an experiment's result depends on: its module, the files it ``reads`` (paths
    under the package, files or folders), and what all of them import."""
    paths = [PACKAGE / read for read in reads]
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise FileNotFoundError(f"declared input {missing[0].relative_to(PACKAGE.parent)} "
                                "does not exist")
    python = [f for p in paths for f in (sorted(p.rglob("*.py")) if p.is_dir() else [p])]
    found = files([module, *(module_name(f) for f in python if f.suffix == ".py")])
    others = [f for f in python if f.suffix != ".py"]
    return sorted(set(found) | set(others))
