"""The planted bugs: what each did in each implementation, and what caught it."""

from __future__ import annotations

import difflib
import re

from comparison.experiments.bugs import Absent, Plant
from comparison.experiments.debugging.result import (
    ABSENT,
    CAUGHT,
    DEBUGGED,
    EQUIVALENCE,
    LOUD,
    NOT_MEASURED,
    SILENT,
    Cell,
    Crash,
    Result,
    Setting,
    Tally,
)
from comparison.experiments.harness.source import PACKAGE, find
from comparison.report.markdown import (
    IMPL_NAMES,
    SHORT_NAMES,
    capitalised,
    keras_note,
    markdown_table,
    pct,
    plural,
    text,
)


def _impls(result: Result) -> list[str]:
    return [impl for impl in DEBUGGED if any(c.impl == impl for c in result.cells)]


def _points(loss: float) -> str:
    """An accuracy change in percentage points, negative when the bug lost accuracy."""
    return f"{-100 * loss:+.1f} points".replace("-", "−")


def _when(crash: Crash) -> str:
    if crash.phase == "evaluation":
        return f"at evaluation, after {plural(crash.steps, 'step')}"
    if crash.phase == "setup":
        return "building the model"
    return f"at step {crash.steps + 1}"


def _cell(cell: Cell) -> str:
    outcome = cell.outcome
    if outcome == LOUD:
        return f"**crashes** {_when(cell.crash)} ({_code(cell.crash.exception)})"
    if outcome == CAUGHT:
        return f"**caught** by {text(cell.caught_by)}; accuracy {_points(cell.accuracy_loss)}"
    if outcome == SILENT:
        return f"**silent**: accuracy {_points(cell.accuracy_loss)}"
    return "cannot occur" if outcome == ABSENT else NOT_MEASURED


def _code(value: object) -> str:
    """A string from a result as inline code, on one line: Markdown escapes what a code span
    holds and reads nothing in it as syntax, so only a backtick could end it early."""
    return "`" + " ".join(str(value).split()).replace("`", "'") + "`"


def _anchor(name: str) -> str:
    """A bug's name as the id of its section: letters, digits and hyphens only."""
    return re.sub(r"[^A-Za-z0-9-]", "", name)


def debugging_catalogue(result: Result) -> str:
    rows = [[k, f"[{text(bug.title)}](#{_anchor(name)})", text(bug.variant),
             ", ".join(_code(word) for word in bug.keywords)]
            for k, (name, bug) in enumerate(result.config.bugs.items(), start=1)]
    return markdown_table(["#", "mistake", "network", "an error message names it if it "
                           "contains"], rows, "rlll")


def debugging_outcomes(result: Result) -> str:
    impls = _impls(result)
    rows = [[f"[{text(bug.title)}](#{_anchor(name)})",
             *(_cell(result.cell(name, impl)) for impl in impls)]
            for name, bug in result.config.bugs.items()]
    return markdown_table(["mistake", *(IMPL_NAMES[i] for i in impls)], rows,
                          "l" * (1 + len(impls)))


def debugging_summary(result: Result) -> str:
    rows = []
    for impl in _impls(result):
        n = result.tallies[impl]
        if not n.measured and "keras" not in result.config.implementations:
            rows.append([IMPL_NAMES[impl], n.bugs - n.cannot_occur, *["not measured"] * 3,
                         n.cannot_occur, "—", "—"])
            continue
        rows.append([IMPL_NAMES[impl], n.measured, n.loud, n.caught_by_tool, n.silent,
                     n.cannot_occur, f"{n.silent_caught_by_equivalence} of {n.silent}",
                     f"{n.crashes_pointing} of {n.loud}"])
    return markdown_table(["implementation", "can occur", "crashes loudly",
                           "caught by a standard tool", "silent", "cannot occur",
                           "silent ones the equivalence test reports",
                           "crashes whose report shows the mistaken code"], rows, "lrrrrrrr")


def _yes(value: bool | None) -> str:
    return "—" if value is None else "yes" if value else "no"


def debugging_crashes(result: Result) -> str:
    tool_names = result.config.traceback_tools
    rows = []
    for c in result.cells:
        if c.outcome != LOUD:
            continue
        crash, with_tool = c.crash, "—"
        if c.impl in tool_names:
            with_tool = (f"{text(tool_names[c.impl])}: "
                         + (_yes(crash.points_with_tool) if crash.raised_with_tool
                            else "no error at all"))
        rows.append([text(result.config.bugs[c.bug].title),
                     SHORT_NAMES[c.impl], f"{_code(crash.exception)} {_when(crash)}",
                     _yes(crash.names_problem),
                     ("this project's code" if crash.in_project_code else "the library's")
                     + f" ({_code(crash.last_frame)})",
                     _yes(crash.points_to_mistake), with_tool, _code(crash.message[:160])])
    return markdown_table(["mistake", "in", "error", "message names the problem",
                           "last frame", "report shows the mistaken code",
                           "with the crash-report tool", "message (start)"], rows, "l" * 8)


def debugging_runs(result: Result) -> str:
    rows = []
    for c in result.cells:
        if c.outcome not in (CAUGHT, SILENT):
            continue
        tools = "; ".join(f"{text(name)}: {_says(c.tools[name])}"
                          for name in result.config.tools[c.impl])
        rows.append([text(result.config.bugs[c.bug].title), SHORT_NAMES[c.impl],
                     f"{pct(c.correct_accuracy)} → {pct(c.accuracy)}", tools,
                     _says(c.equivalence)])
    return markdown_table(["mistake", "in", "test accuracy, correct → with the mistake",
                           "standard tools", "equivalence test"], rows, "llrll")


def _says(reports: bool | None) -> str:
    return "not applicable" if reports is None else "**reports it**" if reports else "passes"


def debugging_tools(result: Result) -> str:
    rows = []
    for impl in result.config.implementations:
        runs = [c for c in result.cells if c.impl == impl and c.outcome in (CAUGHT, SILENT)]
        for tool, lines in result.tool_lines[impl].items():
            applied = [c for c in runs if c.says(tool) is not None]
            rows.append([IMPL_NAMES[impl], text(tool),
                         f"{lines} + a second implementation" if tool == EQUIVALENCE else lines,
                         f"{sum(bool(c.says(tool)) for c in applied)} of {len(applied)}",
                         len(runs) - len(applied)])
    return markdown_table(["implementation", "tool", "lines to apply it",
                           "reports (of the runs it applies to)", "runs it cannot judge"],
                          rows, "llrrr")


def _definition(ref: str) -> list[str]:
    """A definition's lines as written, without its docstring (the code a diff compares)."""
    file, _, name = ref.partition("::")
    node = find(file, name)
    lines = (PACKAGE / file).read_text().splitlines()[node.lineno - 1: node.end_lineno]
    first = node.body[0]
    if hasattr(first, "value") and isinstance(getattr(first.value, "value", None), str):
        del lines[first.lineno - node.lineno: first.end_lineno - node.lineno + 1]
    indent = len(lines[0]) - len(lines[0].lstrip())
    return [line[indent:] for line in lines]


def _edit(ref: str, original: str | None) -> str:
    """One edit as Markdown: a diff against the code it copies, or the whole of new code."""
    new = _definition(ref)
    if original is None:
        return f'```python title="comparison/{ref.partition("::")[0]} (new)"\n' + "\n".join(
            new) + "\n```"
    diff = difflib.unified_diff(_definition(original), new, f"comparison/{original}",
                                f"comparison/{ref}", lineterm="")
    return "```diff\n" + "\n".join(diff) + "\n```"


def _plant(plant: Plant | Absent, setting: Setting) -> str:
    if isinstance(plant, Absent):
        return f"*Cannot occur here:* {text(plant.reason)}."
    parts = [_edit(ref, original) for ref, original in plant.edits]
    parts += [f"`{key}` = {value} instead of {getattr(setting, key)}"
              for key, value in plant.settings.items()]
    return "\n\n".join(parts)


def debugging_edits(result: Result) -> str:
    """Every bug as a section: its title, and its edit in each implementation as a tab. The
    title is a bold paragraph with the anchor the tables link to, not a heading: the sections
    sit in a collapsed block, and twelve long headings made the page's table of contents a
    list of hidden places."""
    config, sections = result.config, []
    for k, (name, bug) in enumerate(config.bugs.items(), start=1):
        tabs = [f"**{k}. {text(bug.title)}**\n{{: #{_anchor(name)} }}"]
        for impl in DEBUGGED:
            body = _plant(getattr(bug, impl), config.setting)
            tabs.append(f'=== "{capitalised(IMPL_NAMES[impl])}"\n\n'
                        + "\n".join("    " + line if line else "" for line in body.splitlines()))
        sections.append("\n\n".join(tabs))
    return "\n\n".join(sections)


def _sentence(impl: str, n: Tally) -> str:
    who = {"scratch": "From scratch", "torch": "In PyTorch", "keras": "In Keras"}[impl]
    if not n.measured:
        return f"{who}, nothing was measured."
    was = "was" if n.caught_by_tool == 1 else "were"
    return (f"{who}, {n.measured} of the {n.bugs} mistakes can be made: "
            f"{n.loud} crashed, {n.caught_by_tool} {was} caught by a standard tool and "
            f"{n.silent} ran silently.")


def debugging_quotes(result: Result) -> dict[str, str]:
    config, setting = result.config, result.config.setting
    measured = [n for n in result.tallies.values() if n.measured]
    silent, loud = sum(n.silent for n in measured), sum(n.loud for n in measured)
    return {
        "bugs": str(len(config.bugs)), "keras_note": keras_note(result),
        "examples": f"{result.examples:,}",
        "tool_steps": str(config.tool_steps), "tolerance": f"{config.tolerance:g}",
        "relative_error": f"{config.relative_error:g}", "seed": str(config.seed),
        "network": "-".join(map(str, [784, *setting.hidden, 10])),
        "eta": str(setting.eta), "batch_size": str(setting.batch_size), "dtype": setting.dtype,
        "summary": " ".join(_sentence(i, result.tallies[i]) for i in DEBUGGED
                            if i in config.implementations),
        "equivalence": (f"The equivalence test reported "
                        f"{sum(n.silent_caught_by_equivalence for n in measured)} "
                        f"of the {plural(silent, 'silent run')}."),
        "pointing": (f"Of the {plural(loud, 'crash', 'crashes')}, "
                     f"{sum(n.crashes_pointing for n in measured)} had a report "
                     "that shows a line of the mistaken code."),
    }


STATISTIC = ("one run per mistake and implementation (seed {seed}): its outcome, and its test "
             "accuracy after one epoch; numerical checks over the first {tool_steps} "
             "mini-batches")
TABLES = {"catalogue": debugging_catalogue, "outcomes": debugging_outcomes,
          "summary": debugging_summary, "crashes": debugging_crashes, "runs": debugging_runs,
          "tools": debugging_tools, "edits": debugging_edits}
quotes = debugging_quotes
