"""MkDocs hook: puts stored results into the pages. It never runs an experiment.

Placeholders in ``docs/*.md``:

    <!-- result:table book.summary -->            a table from comparison.tables.TABLES
    <!-- result:table verdicts -->                the claims and their verdicts
    <!-- result:figure speed-batch Caption... --> light and dark SVG, alt text, caption
    <!-- result:provenance speed -->              "How these numbers were produced"
    <!-- result:source scratch/network.py::Network.backprop -->   code from the package
    <!-- result:value speed.scratch32_b10_epoch_s -->             one number, inline

A missing, stale or unknown result fails the build, so a stale number is never published.
The exception is a run *recorded* on another machine (a GPU) and committed under
``docs/records/``: CI cannot repeat it, so one made with older code is shown with a warning.
"""

from __future__ import annotations

import posixpath
import re
import sys
import tempfile
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

# `mkdocs build` (unlike `python -m mkdocs`) does not put the project root on the path.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from comparison import store  # noqa: E402
from comparison.experiments import EXPERIMENTS  # noqa: E402
from comparison.experiments.code import source_of  # noqa: E402
from comparison.figures import render  # noqa: E402
from comparison.tables import QUOTES, TABLES  # noqa: E402
from comparison.verdicts import verdict_table  # noqa: E402

BLOCK = re.compile(r"^(?P<indent>[ \t]*)<!-- result:(?P<kind>table|figures?|provenance|source)"
                   r" (?P<args>[^\n]*?) -->[ \t]*$", re.MULTILINE)
VALUE = re.compile(r"<!-- result:value (?P<name>[\w-]+)\.(?P<key>\w+) -->")
ANY = re.compile(r"<!-- result:[^\n]*?-->")
STATISTICS = {
    "book": "accuracy at the best epoch of each run; the book's statistic is the best of the "
            "first three seeds; mean, min and max are over all seeds",
    "speed": "median of {repeats} timed repeats (after one warm-up batch), with min and max",
    "code": "lines counted from the source with Python's ast and tokenize modules",
    "equivalence": "largest absolute difference over every weight and bias, one run each",
    "scalability": "median seconds per epoch over {epochs} epoch(s), one run per setting",
    "flexibility": "lines counted from the source; test accuracy at each run's best validation "
                   "epoch, mean (min–max) over {seeds} seed(s); median seconds per epoch",
    "tooling": "lines counted from the source; one run, {epochs} epoch(s)",
}

RECORDS = Path(__file__).resolve().parents[1] / "docs" / "records"
# Figures of recorded runs are drawn at build time, outside the (watched) results folder.
_RECORD_FIGURES = tempfile.TemporaryDirectory(prefix="nn-compare-records-")

_results: dict = {}


def on_config(config):
    """Load every result and check it is current; fail the build on any problem."""
    folder = store.results_dir()
    if not folder.is_absolute():
        folder = Path(config.config_file_path).parent / folder
    records, problems = {}, []
    for name in EXPERIMENTS:
        try:
            record = store.load(name, folder)
            if not _is_current(record):
                raise store.StaleResult(f"{folder / name}.json is stale: the code changed since "
                                        f"it ran; re-run `python -m comparison run --only {name}`")
            records[name] = record
        except store.StaleResult as error:
            problems.append(str(error))
    if problems:
        raise PluginError("results are missing or stale:\n  " + "\n  ".join(problems))
    recorded = _recorded()
    figures = Path(_RECORD_FIGURES.name)
    for name, record in recorded.items():
        render(record["name"], record, figures, prefix=f"{name}-")
    _results.update(folder=folder, records=records | recorded, recorded=set(recorded),
                    figure_folders=[folder / "figures", figures])
    return config


def _recorded() -> dict:
    """Runs recorded on other machines, each marked ``current`` if this code would repeat it."""
    recorded = {}
    for path in sorted(RECORDS.glob("*.json")):
        try:
            record = store.load(path.stem, RECORDS)
        except store.StaleResult as error:
            raise PluginError(str(error)) from None
        recorded[path.stem] = record | {"current": _is_current(record)}
    return recorded


def _is_current(record: dict) -> bool:
    """Whether this code, with the record's config, would compute the record again."""
    module = EXPERIMENTS[record["name"]]
    return store.inputs_hash(module.__file__, record["config"]) == record["inputs_hash"]


def on_serve(server, config, builder):
    server.watch(str(_results["folder"]))  # a new run rebuilds the site, no restart needed
    return server


def on_files(files: Files, config) -> Files:
    """Publish the JSON, CSV and figures under results/ without copying them into docs/."""
    folder = _results["folder"]
    for path in sorted(folder.glob("*.json")) + sorted(folder.glob("*.csv")):
        files.append(File.generated(config, f"results/{path.name}", abs_src_path=str(path)))
    for figures in _results["figure_folders"]:
        for path in sorted(figures.glob("*.svg")):
            uri = f"results/figures/{path.name}"
            files.append(File.generated(config, uri, abs_src_path=str(path)))
    return files


def on_page_markdown(markdown: str, page, config, files) -> str:
    where = page.file.src_uri
    markdown = BLOCK.sub(lambda m: _indent(_block(m["kind"], m["args"].strip(), where),
                                           m["indent"]), markdown)
    markdown = VALUE.sub(lambda m: _value(m["name"], m["key"], where), markdown)
    leftover = ANY.search(markdown)
    if leftover:
        raise PluginError(f"{where}: unknown placeholder {leftover.group(0)}")
    return markdown


def _block(kind: str, args: str, where: str) -> str:
    records = _results["records"]
    if kind == "table":
        if args == "verdicts":
            return verdict_table(records)
        if args not in TABLES:
            raise PluginError(f"{where}: unknown table {args!r}; known: {', '.join(TABLES)}")
        experiment, render = TABLES[args]
        return render(records[experiment])
    if kind == "figure":
        figure_id, _, caption = args.partition(" ")
        return _figure(figure_id, caption, where)
    if kind == "figures":  # every figure whose id starts with a prefix: optional sets
        prefix, _, caption = args.partition(" ")
        ids = sorted(p.name.removesuffix("-light.svg") for folder in _results["figure_folders"]
                     for p in folder.glob(f"{prefix}*-light.svg"))
        if not ids:
            return f"*No figures for `{prefix}` in these results (the data was not present).*"
        return "\n\n".join(_figure(i, f"{caption} ({i.removeprefix(prefix)})", where)
                           for i in ids)
    if kind == "provenance":
        return _provenance(args, where)
    file, _, name = args.partition("::")
    try:
        code = source_of(file, name)
    except (KeyError, OSError) as error:
        raise PluginError(f"{where}: cannot show source {args}: {error}") from None
    return f'```python title="comparison/{file}"\n{code}\n```'


def _figure(figure_id: str, caption: str, where: str) -> str:
    if not caption:
        raise PluginError(f"{where}: figure {figure_id} needs a caption (it is also the alt text)")
    for theme in ("light", "dark"):
        if not any((folder / f"{figure_id}-{theme}.svg").is_file()
                   for folder in _results["figure_folders"]):
            raise PluginError(f"{where}: figure {figure_id} ({theme}) was not rendered; run "
                              "`python -m comparison figures`")
    base = _relative(f"results/figures/{figure_id}", where)
    return (f'<figure markdown="span">\n'
            f"![{caption}]({base}-light.svg#only-light){{ loading=lazy }}\n"
            f"![{caption}]({base}-dark.svg#only-dark){{ loading=lazy }}\n"
            f"<figcaption>{caption}</figcaption>\n</figure>")


def _provenance(name: str, where: str) -> str:
    record = _results["records"].get(name)
    if record is None:
        raise PluginError(f"{where}: no result named {name!r}")
    p, experiment = record["provenance"], record["name"]
    statistic = STATISTICS[experiment].format(**record["config"])
    dirty = " (with uncommitted changes)" if p.get("dirty") else ""
    recorded = name in _results["recorded"]
    base = _relative(f"{'records' if recorded else 'results'}/{name}", where)
    run = f"python -m comparison run --profile {p['profile']} --only {experiment}"
    if recorded:
        reproduce = (f"on a machine with a GPU, `{run} --device cuda --results DIR`, then copy "
                     f"`DIR/{experiment}.json` and `.csv` to `docs/records/{name}.json` and `.csv`")
    else:
        reproduce = f"`{run} --force`"
    lines = [
        f"- **Profile** `{p['profile']}`, run {p['date_utc']} in {p['wall_seconds']} s; "
        f"commit `{p['commit'][:10]}`{dirty}",
        f"- **Machine** {p['cpu']}, {p['logical_cpus']} logical CPUs, PyTorch threads "
        f"{p['torch_threads']}, BLAS {p['blas']}, GPU: {p['gpu'] or 'none'}",
        f"- **Software** Python {p['python']}, NumPy {p['numpy']}, PyTorch {p['torch']}"
        + (f", Keras {p['keras']} on TensorFlow {p['tensorflow']}" if p.get("keras") else
           ", Keras not installed"),
        f"- **Seeds** {', '.join(map(str, p['seeds']))}; **statistic**: {statistic}",
        f"- **Raw data** [{name}.json]({base}.json) · [{name}.csv]({base}.csv)",
        f"- **Reproduce** {reproduce}",
    ]
    box = f'??? info "How these numbers were produced: {name}"\n\n' + "\n".join(
        "    " + line for line in lines)
    if recorded and not record["current"]:
        box = (f'!!! warning "Recorded with older code"\n\n    The code behind `{experiment}` '
               f"has changed since this run was recorded, so these figures may differ from what "
               f"it measures now. Re-record it as the box below says.\n\n{box}")
    return box


def _value(name: str, key: str, where: str) -> str:
    if name not in QUOTES or name not in _results["records"]:
        raise PluginError(f"{where}: no quotable result named {name!r}")
    quotes = QUOTES[name](_results["records"][name])
    if key not in quotes:
        raise PluginError(f"{where}: {name} has no value {key!r}; known: {', '.join(quotes)}")
    return quotes[key]


def _relative(target: str, page_uri: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(page_uri) or ".")


def _indent(text: str, indent: str) -> str:
    return "\n".join(indent + line if line else line for line in text.splitlines())
