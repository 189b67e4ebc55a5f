"""The stored results as the pages see them, and the placeholders that put them there.

Placeholders in ``docs/*.md``:

    <!-- result:table book.summary -->            a table (``report/<name>.py``'s ``TABLES``)
    <!-- result:table verdicts -->                the claims and their verdicts
    <!-- result:figure speed-batch Caption... --> light and dark SVG, alt text, caption
    <!-- result:figures book-fashion-mnist- Caption... -->   every figure with that prefix
    <!-- result:provenance speed -->              "How these numbers were produced"
    <!-- result:source scratch/network.py::Network.backprop -->   code from the package
    <!-- result:value speed.scratch32_b10_epoch_s -->             one number, inline

A missing, stale or unknown result is an error, so a stale number is never published. The
exception is a run *recorded* on another machine (a GPU) and committed under ``docs/records/``:
CI cannot repeat it, so one made with older code is shown with a warning.
"""

from __future__ import annotations

import atexit
import json
import posixpath
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from comparison.experiments.harness.source import source_of
from comparison.report import machines as across
from comparison.report.banner import profile_banner
from comparison.report.lint import glued_values, missing
from comparison.report.loading import (
    FIGURE_ID,
    SiteError,
    committed_record,
    current_results,
    machine_records,
    presenting,
    typed_results,
)
from comparison.report.markdown import text
from comparison.report.pages import presenter
from comparison.report.provenance import provenance_box
from comparison.report.verdicts import SIDE_RULE
from comparison.report.verdicts.claims import (
    answers,
    legend_table,
    rules_table,
    summary,
    verdict_table,
)
from comparison.results import store

PACKAGE = store.PACKAGE  # placeholders show code from these files only

BLOCK = re.compile(r"^(?P<indent>[ \t]*)<!-- result:(?P<kind>table|figures?|provenance|source)"
                   r" (?P<args>[^\n]*?) -->[ \t]*$", re.MULTILINE)
VALUE = re.compile(r"<!-- result:value (?P<name>[\w-]+)\.(?P<key>\w+) -->")
ANY = re.compile(r"<!-- result:[^\n]*?-->")



@dataclass
class Site:
    """Every current result, every committed record, and where their figures are."""

    results: Path
    records: dict[str, dict]  # as stored: provenance, downloads, the banner
    recorded: set[str]
    figure_folders: list[Path]
    scratch: Path  # record figures are drawn here, outside the watched results folder
    # The figure files of these results: older files in the folders (from a run whose data
    # is no longer there) are never shown.
    figure_files: set[str] = field(default_factory=set)
    # Each result's quotes, computed once per build: a page quotes dozens of values from one.
    quoted: dict[str, dict[str, str]] = field(default_factory=dict)
    # Full runs recorded on other machines (docs/records/machines/), by name
    machines: dict[str, across.MachineRecord] = field(default_factory=dict)
    # ``records`` as each experiment's typed ``Result``: what presenters and verdicts read
    typed: dict[str, object] = field(default_factory=dict)

    @classmethod
    def load(cls, results: Path, records_folder: Path) -> Site:
        """Load and check every result; draw the committed records' figures."""
        records = current_results(results)
        typed = typed_results(records)
        scratch = Path(tempfile.mkdtemp(prefix="nn-compare-records-"))
        # removed by ``close`` after a build, and at exit after a failed one (MkDocs calls no
        # hook then); ``report`` also gives MkDocs a temporary folder that goes with it
        atexit.register(shutil.rmtree, scratch, ignore_errors=True)
        try:
            recorded = {path.stem: committed_record(path, scratch)
                        for path in sorted(records_folder.glob("*.json"))}
            computers = machine_records(records_folder / "machines", records, typed, scratch)
        except BaseException:
            shutil.rmtree(scratch, ignore_errors=True)
            raise
        files = {name for record in records.values() for name in record["figure_files"]}
        files |= {path.name for path in scratch.glob("*.svg")}
        return cls(results, records | recorded, set(recorded), [results / "figures", scratch],
                   scratch, files, machines=computers, typed=typed | typed_results(recorded))

    def figure_paths(self) -> list[Path]:
        """The files of every figure these results list, for publishing: regular files only,
        never reached through a symbolic link (which could point at any file)."""
        return sorted(path for folder in self.figure_folders if not folder.is_symlink()
                      for path in folder.glob("*.svg")
                      if path.name in self.figure_files and _regular(path))

    def downloads(self) -> dict[str, str]:
        """The raw downloads, ``results/NAME.json`` and ``.csv``, made from this build's
        results themselves: nothing else in the results folder is published, and no file
        there is read again (a symlink put there could point at any file)."""
        files = {}
        for name, record in self.own_records().items():
            files[f"results/{name}.json"] = json.dumps(record, indent=1, allow_nan=False)
            files[f"results/{name}.csv"] = store.to_csv(record["rows"])
        return files

    def close(self) -> None:
        shutil.rmtree(self.scratch, ignore_errors=True)

    def page(self, markdown: str, where: str) -> str:
        """``markdown`` with every placeholder replaced; ``where`` is the page's path."""
        markdown = BLOCK.sub(lambda m: _indent(self.block(m["kind"], m["args"].strip(), where),
                                               m["indent"]), markdown)
        markdown = VALUE.sub(lambda m: self.value(m["name"], m["key"], where), markdown)
        leftover = ANY.search(markdown)
        if leftover:
            raise SiteError(f"{where}: unknown placeholder {leftover.group(0)}")
        broken = glued_values(markdown)
        if broken:
            raise SiteError(f"{where}: a value reads as missing in the prose: {broken[0]!r}")
        return _after_title(markdown, profile_banner(self.own_records()))

    def own_records(self) -> dict[str, dict]:
        """This build's results, not the records committed from other machines."""
        return {name: r for name, r in self.records.items() if name not in self.recorded}

    def own_typed(self) -> dict[str, object]:
        """``own_records`` as typed results."""
        return {name: r for name, r in self.typed.items() if name not in self.recorded}

    def block(self, kind: str, args: str, where: str) -> str:
        if kind == "table":
            return self.table(args, where)
        if kind == "figure":
            figure_id, _, caption = args.partition(" ")
            return self.figure(figure_id, caption, where)
        if kind == "figures":
            return self.figures(*args.partition(" ")[::2], where)
        if kind == "provenance":
            return self.provenance(args, where)
        return _source(args, where)

    def table(self, args: str, where: str) -> str:
        if args == "verdicts":
            with presenting(where, "verdicts"):
                return verdict_table(self.typed, lambda claim: across.agreement(
                    claim, self.own_typed(), self.machines))
        if args == "verdicts.rules":
            return rules_table()
        if args == "verdicts.answers":
            with presenting(where, "verdicts"):
                box = answers(self.typed, where)
            if not box:
                raise SiteError(f"{where}: no claim has its evidence on this page, so it has "
                                "no answers to show; remove the placeholder")
            return box
        if args == "verdicts.legend":
            return legend_table(self.typed)
        if args == "verdicts.side_rule":
            return f"*{SIDE_RULE[0].upper()}{SIDE_RULE[1:]}.*"
        if args == "verdicts.summary":
            with presenting(where, "verdicts"):
                return summary(self.typed)
        if args == "verdicts.machines":
            with presenting(where, "machine records"):
                return across.outcomes_table(self.own_typed(), self.machines,
                                             across.build_machine(self.own_records()))
        name, _, table = args.partition(".")
        tables = getattr(self._presenter(name, where), "TABLES", {})
        if table not in tables:
            raise SiteError(f"{where}: unknown table {args!r}; {name} has "
                            f"{', '.join(tables) or 'none'}")
        self._record(name, where)
        with presenting(where, name):
            return tables[table](self.typed[name])

    def value(self, name: str, key: str, where: str) -> str:
        if name not in self.quoted:
            module = self._presenter(name, where)
            self._record(name, where)
            with presenting(where, name):
                self.quoted[name] = module.quotes(self.typed[name])
        quotes = self.quoted[name]
        if key not in quotes:
            raise SiteError(f"{where}: {name} has no value {key!r}; known: {', '.join(quotes)}")
        if missing(quotes[key]):
            raise SiteError(f"{where}: {name}.{key} reads {quotes[key]!r}: a number that was "
                            f"never computed; re-run `python -m comparison run --only {name}`")
        return quotes[key]

    def figure(self, figure_id: str, caption: str, where: str) -> str:
        if not caption:
            raise SiteError(f"{where}: figure {figure_id} needs a caption (it is also the alt "
                            "text)")
        if not FIGURE_ID.fullmatch(figure_id):
            raise SiteError(f"{where}: {figure_id!r} is not a figure id (letters, digits, '-', "
                            "'_' and '.')")
        published = {path.name for path in self.figure_paths()}
        for theme in ("light", "dark"):
            if f"{figure_id}-{theme}.svg" not in published:
                raise SiteError(f"{where}: figure {figure_id} ({theme}) was not rendered; run "
                                "`python -m comparison figures`")
        base = _relative(f"results/figures/{figure_id}", where)
        return (f'<figure markdown="span">\n'
                f"![{caption}]({base}-light.svg#only-light){{ loading=lazy }}\n"
                f"![{caption}]({base}-dark.svg#only-dark){{ loading=lazy }}\n"
                f"<figcaption>{caption}</figcaption>\n</figure>")

    def figures(self, prefix: str, caption: str, where: str) -> str:
        """Every figure whose id starts with ``prefix``: for optional sets (a dataset)."""
        ids = sorted(p.name.removesuffix("-light.svg") for p in self.figure_paths()
                     if p.name.startswith(prefix) and p.name.endswith("-light.svg"))
        if not ids:
            return "*These results have no such figures: the data was not present.*"
        return "\n\n".join(self.figure(i, f"{caption} ({text(i.removeprefix(prefix))})", where)
                           for i in ids)

    def provenance(self, name: str, where: str) -> str:
        record = self._record(name, where)
        recorded = name in self.recorded
        base = _relative(f"{'records' if recorded else 'results'}/{name}", where)
        with presenting(where, name):
            return provenance_box(name, record, base, recorded)

    def _record(self, name: str, where: str) -> dict:
        if name not in self.records:
            raise SiteError(f"{where}: no result named {name!r}; known: "
                            f"{', '.join(self.records)}")
        return self.records[name]

    def _presenter(self, name: str, where: str):
        try:
            return presenter(name)
        except KeyError as error:
            raise SiteError(f"{where}: {error.args[0]}") from None


def _source(args: str, where: str) -> str:
    file, _, name = args.partition("::")
    if not _own_source(file):
        raise SiteError(f"{where}: cannot show source {args}: only the package's own Python "
                        "files can be shown (a path under comparison/ ending in .py)")
    try:
        code = source_of(file, name)
    except (KeyError, OSError, SyntaxError, ValueError) as error:
        raise SiteError(f"{where}: cannot show source {args}: {error}") from None
    return f'```python title="comparison/{file}"\n{code}\n```'


def _own_source(file: str) -> bool:
    """Whether ``file`` names a Python file of the package itself: no way out of
    ``comparison/`` (``..``, an absolute path, a symlink), nothing but ``.py``."""
    relative = Path(file)
    path = PACKAGE / relative
    try:
        return (not relative.is_absolute() and ".." not in relative.parts
                and relative.suffix == ".py" and path.is_file() and not path.is_symlink()
                and path.resolve().is_relative_to(PACKAGE))
    except OSError:  # a name too long, a link loop on the way
        return False


def _regular(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()


def _after_title(markdown: str, banner: str) -> str:
    """``banner`` after the page's first heading (before everything if it has none)."""
    if not banner:
        return markdown
    title, newline, rest = markdown.partition("\n")
    if title.startswith("# "):
        return f"{title}\n\n{banner}{rest}"
    return banner + markdown


def _relative(target: str, page_uri: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(page_uri) or ".")


def _indent(text: str, indent: str) -> str:
    return "\n".join(indent + line if line else line for line in text.splitlines())
