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

import posixpath
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from comparison.experiments import EXPERIMENTS
from comparison.experiments.code import source_of
from comparison.experiments.runner import inputs_hash
from comparison.report.figures import render
from comparison.report.pages import presenter
from comparison.report.provenance import provenance_box
from comparison.report.verdicts import verdict_table
from comparison.results import store

BLOCK = re.compile(r"^(?P<indent>[ \t]*)<!-- result:(?P<kind>table|figures?|provenance|source)"
                   r" (?P<args>[^\n]*?) -->[ \t]*$", re.MULTILINE)
VALUE = re.compile(r"<!-- result:value (?P<name>[\w-]+)\.(?P<key>\w+) -->")
ANY = re.compile(r"<!-- result:[^\n]*?-->")


class SiteError(Exception):
    """A page cannot be built from the results: the message says which and what to do."""


def is_current(record: dict) -> bool:
    """Whether this code, with the record's config, would compute the record again."""
    return inputs_hash(EXPERIMENTS[record["name"]], record["config"]) == record["inputs_hash"]


@dataclass
class Site:
    """Every current result, every committed record, and where their figures are."""

    results: Path
    records: dict[str, dict]
    recorded: set[str]
    figure_folders: list[Path]
    scratch: Path  # record figures are drawn here, outside the watched results folder

    @classmethod
    def load(cls, results: Path, records_folder: Path) -> Site:
        """Load and check every result; draw the committed records' figures."""
        records, problems = {}, []
        for name in EXPERIMENTS:
            try:
                record = store.load(name, results)
                if not is_current(record):
                    raise store.StaleResult(
                        f"{results / name}.json is stale: the code changed since it ran; "
                        f"re-run `python -m comparison run --only {name}`")
                records[name] = record
            except store.StaleResult as error:
                problems.append(str(error))
        if problems:
            raise SiteError("results are missing or stale:\n  " + "\n  ".join(problems))
        scratch = Path(tempfile.mkdtemp(prefix="nn-compare-records-"))
        recorded = {}
        for path in sorted(records_folder.glob("*.json")):
            try:
                record = store.load(path.stem, records_folder)
            except store.StaleResult as error:
                raise SiteError(str(error)) from None
            recorded[path.stem] = record | {"current": is_current(record)}
            plots = getattr(presenter(record["name"]), "figures", None)
            if plots:
                render(plots, record, scratch, prefix=f"{path.stem}-")
        return cls(results, records | recorded, set(recorded),
                   [results / "figures", scratch], scratch)

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
        return markdown

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
            return verdict_table(self.records)
        name, _, table = args.partition(".")
        tables = getattr(self._presenter(name, where), "TABLES", {})
        if table not in tables:
            raise SiteError(f"{where}: unknown table {args!r}; {name} has "
                            f"{', '.join(tables) or 'none'}")
        return tables[table](self._record(name, where))

    def value(self, name: str, key: str, where: str) -> str:
        quotes = self._presenter(name, where).quotes(self._record(name, where))
        if key not in quotes:
            raise SiteError(f"{where}: {name} has no value {key!r}; known: {', '.join(quotes)}")
        return quotes[key]

    def figure(self, figure_id: str, caption: str, where: str) -> str:
        if not caption:
            raise SiteError(f"{where}: figure {figure_id} needs a caption (it is also the alt "
                            "text)")
        for theme in ("light", "dark"):
            if not any((folder / f"{figure_id}-{theme}.svg").is_file()
                       for folder in self.figure_folders):
                raise SiteError(f"{where}: figure {figure_id} ({theme}) was not rendered; run "
                                "`python -m comparison figures`")
        base = _relative(f"results/figures/{figure_id}", where)
        return (f'<figure markdown="span">\n'
                f"![{caption}]({base}-light.svg#only-light){{ loading=lazy }}\n"
                f"![{caption}]({base}-dark.svg#only-dark){{ loading=lazy }}\n"
                f"<figcaption>{caption}</figcaption>\n</figure>")

    def figures(self, prefix: str, caption: str, where: str) -> str:
        """Every figure whose id starts with ``prefix``: for optional sets (a dataset)."""
        ids = sorted(p.name.removesuffix("-light.svg") for folder in self.figure_folders
                     for p in folder.glob(f"{prefix}*-light.svg"))
        if not ids:
            return "*These results have no such figures: the data was not present.*"
        return "\n\n".join(self.figure(i, f"{caption} ({i.removeprefix(prefix)})", where)
                           for i in ids)

    def provenance(self, name: str, where: str) -> str:
        record = self._record(name, where)
        recorded = name in self.recorded
        base = _relative(f"{'records' if recorded else 'results'}/{name}", where)
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
    try:
        code = source_of(file, name)
    except (KeyError, OSError) as error:
        raise SiteError(f"{where}: cannot show source {args}: {error}") from None
    return f'```python title="comparison/{file}"\n{code}\n```'


def _relative(target: str, page_uri: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(page_uri) or ".")


def _indent(text: str, indent: str) -> str:
    return "\n".join(indent + line if line else line for line in text.splitlines())
