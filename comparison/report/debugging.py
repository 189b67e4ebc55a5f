"""The planted bugs: what each did in each implementation, and what caught it."""

from __future__ import annotations

import difflib
import re
import statistics

from comparison.experiments.debugging import (
    ABSENT,
    CAUGHT,
    EQUIVALENCE,
    LOUD,
    NOT_MEASURED,
    SILENT,
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

ORDER = ("scratch", "torch", "keras")


def diagnosis_numbers(record: dict) -> dict[str, dict]:
    """Per implementation ("scratch", "torch", "keras"), counts over the planted bugs:

    ``bugs``            every bug in the catalogue
    ``cannot_occur``    those that cannot be made in this implementation
    ``measured``        those that can be made and were run (0 when Keras is not installed)
    ``loud``            of ``measured``: raised an exception (in setup, training or evaluation)
    ``caught_by_tool``  of ``measured``: ran, and a standard tool of the ecosystem reported it
    ``silent``          of ``measured``: ran, and no standard tool reported it
    ``silent_caught_by_equivalence``  of ``silent``: the project's equivalence test reports it
    ``crashes_pointing``  of ``loud``: the traceback shows a line of the edited code
    ``median_silent_loss``  the median test-accuracy loss of the silent runs, as a fraction
                        (None when there are none)

    ``loud + caught_by_tool + silent == measured`` always.
    """
    numbers = {}
    for impl in ORDER:
        rows = [r for r in record["rows"] if r["impl"] == impl]
        run = [r for r in rows if r["outcome"] in (LOUD, CAUGHT, SILENT)]
        silent = [r for r in run if r["outcome"] == SILENT]
        loud = [r for r in run if r["outcome"] == LOUD]
        numbers[impl] = {
            "bugs": len(rows), "cannot_occur": sum(r["outcome"] == ABSENT for r in rows),
            "measured": len(run), "loud": len(loud),
            "caught_by_tool": sum(r["outcome"] == CAUGHT for r in run), "silent": len(silent),
            "silent_caught_by_equivalence": sum(bool(r.get(EQUIVALENCE)) for r in silent),
            "crashes_pointing": sum(bool(r.get("points_to_mistake")) for r in loud),
            "median_silent_loss": (statistics.median(r["accuracy_loss"] for r in silent)
                                   if silent else None)}
    return numbers


def _row(record: dict, bug: str, impl: str) -> dict:
    return next(r for r in record["rows"] if r["bug"] == bug and r["impl"] == impl)


def _impls(record: dict) -> list[str]:
    return [impl for impl in ORDER if any(r["impl"] == impl for r in record["rows"])]


def _points(loss: float) -> str:
    """An accuracy change in percentage points, negative when the bug lost accuracy."""
    return f"{-100 * loss:+.1f} points".replace("-", "−")


def _when(row: dict) -> str:
    if row["phase"] == "evaluation":
        return f"at evaluation, after {plural(row['steps'], 'step')}"
    if row["phase"] == "setup":
        return "building the model"
    return f"at step {row['steps'] + 1}"


def _cell(row: dict) -> str:
    outcome = row["outcome"]
    if outcome == LOUD:
        return f"**crashes** {_when(row)} ({_code(row['exception'])})"
    if outcome == CAUGHT:
        return f"**caught** by {text(row['caught_by'])}; accuracy {_points(row['accuracy_loss'])}"
    if outcome == SILENT:
        return f"**silent**: accuracy {_points(row['accuracy_loss'])}"
    return "cannot occur" if outcome == ABSENT else NOT_MEASURED


def _code(value: object) -> str:
    """A string from a result as inline code, on one line: Markdown escapes what a code span
    holds and reads nothing in it as syntax, so only a backtick could end it early."""
    return "`" + " ".join(str(value).split()).replace("`", "'") + "`"


def _anchor(name: str) -> str:
    """A bug's name as the id of its section: letters, digits and hyphens only."""
    return re.sub(r"[^A-Za-z0-9-]", "", name)


def debugging_catalogue(record: dict) -> str:
    rows = [[k, f"[{text(bug['title'])}](#{_anchor(name)})", text(bug["variant"]),
             ", ".join(_code(word) for word in bug["keywords"])]
            for k, (name, bug) in enumerate(record["config"]["bugs"].items(), start=1)]
    return markdown_table(["#", "mistake", "network", "an error message names it if it "
                           "contains"], rows, "rlll")


def debugging_outcomes(record: dict) -> str:
    impls = _impls(record)
    rows = [[f"[{text(bug['title'])}](#{_anchor(name)})",
             *(_cell(_row(record, name, impl)) for impl in impls)]
            for name, bug in record["config"]["bugs"].items()]
    return markdown_table(["mistake", *(IMPL_NAMES[i] for i in impls)], rows,
                          "l" * (1 + len(impls)))


def debugging_summary(record: dict) -> str:
    numbers = diagnosis_numbers(record)
    rows = []
    for impl in _impls(record):
        n = numbers[impl]
        if not n["measured"] and "keras" not in record["config"]["implementations"]:
            rows.append([IMPL_NAMES[impl], n["bugs"] - n["cannot_occur"], *["not measured"] * 3,
                         n["cannot_occur"], "—", "—"])
            continue
        rows.append([IMPL_NAMES[impl], n["measured"], n["loud"], n["caught_by_tool"],
                     n["silent"], n["cannot_occur"],
                     f"{n['silent_caught_by_equivalence']} of {n['silent']}",
                     f"{n['crashes_pointing']} of {n['loud']}"])
    return markdown_table(["implementation", "can occur", "crashes loudly",
                           "caught by a standard tool", "silent", "cannot occur",
                           "silent ones the equivalence test reports",
                           "crashes whose report shows the mistaken code"], rows, "lrrrrrrr")


def _yes(value: bool | None) -> str:
    return "—" if value is None else "yes" if value else "no"


def debugging_crashes(record: dict) -> str:
    tool_names = record["config"]["traceback_tools"]
    rows = []
    for r in record["rows"]:
        if r["outcome"] != LOUD:
            continue
        with_tool = "—"
        if r["impl"] in tool_names:
            with_tool = (f"{text(tool_names[r['impl']])}: "
                         + (_yes(r["points_with_tool"]) if r["raised_with_tool"]
                            else "no error at all"))
        rows.append([text(record["config"]["bugs"][r["bug"]]["title"]),
                     SHORT_NAMES[r["impl"]], f"{_code(r['exception'])} {_when(r)}",
                     _yes(r["names_problem"]),
                     ("this project's code" if r["in_project_code"] else "the library's")
                     + f" ({_code(r['last_frame'])})",
                     _yes(r["points_to_mistake"]), with_tool, _code(r["message"][:160])])
    return markdown_table(["mistake", "in", "error", "message names the problem",
                           "last frame", "report shows the mistaken code",
                           "with the crash-report tool", "message (start)"], rows, "l" * 8)


def debugging_runs(record: dict) -> str:
    rows = []
    for r in record["rows"]:
        if r["outcome"] not in (CAUGHT, SILENT):
            continue
        tools = "; ".join(f"{text(name)}: {_says(r[f'tool {name}'])}"
                          for name in record["config"]["tools"][r["impl"]])
        rows.append([text(record["config"]["bugs"][r["bug"]]["title"]), SHORT_NAMES[r["impl"]],
                     f"{pct(r['correct_accuracy'])} → {pct(r['accuracy'])}", tools,
                     _says(r[EQUIVALENCE])])
    return markdown_table(["mistake", "in", "test accuracy, correct → with the mistake",
                           "standard tools", "equivalence test"], rows, "llrll")


def _says(reports: bool | None) -> str:
    return "not applicable" if reports is None else "**reports it**" if reports else "passes"


def debugging_tools(record: dict) -> str:
    rows = []
    for impl in record["config"]["implementations"]:
        runs = [r for r in record["rows"] if r["impl"] == impl
                and r["outcome"] in (CAUGHT, SILENT)]
        for tool, lines in record["tool_lines"][impl].items():
            key = tool if tool == EQUIVALENCE else f"tool {tool}"
            applied = [r for r in runs if r[key] is not None]
            rows.append([IMPL_NAMES[impl], text(tool),
                         f"{lines} + a second implementation" if tool == EQUIVALENCE else lines,
                         f"{sum(bool(r[key]) for r in applied)} of {len(applied)}",
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


def _plant(plant: dict, setting: dict) -> str:
    if "reason" in plant:
        return f"*Cannot occur here:* {text(plant['reason'])}."
    parts = [_edit(ref, original) for ref, original in plant["edits"]]
    parts += [f"`{key}` = {value} instead of {setting[key]}"
              for key, value in plant["settings"].items()]
    return "\n\n".join(parts)


def debugging_edits(record: dict) -> str:
    """Every bug as a section: its title, and its edit in each implementation as a tab."""
    config, sections = record["config"], []
    for k, (name, bug) in enumerate(config["bugs"].items(), start=1):
        tabs = [f"### {k}. {text(bug['title'])} {{#{_anchor(name)}}}"]
        for impl in ORDER:
            body = _plant(bug[impl], config["setting"])
            tabs.append(f'=== "{capitalised(IMPL_NAMES[impl])}"\n\n'
                        + "\n".join("    " + line if line else "" for line in body.splitlines()))
        sections.append("\n\n".join(tabs))
    return "\n\n".join(sections)


def _sentence(impl: str, n: dict) -> str:
    who = {"scratch": "From scratch", "torch": "In PyTorch", "keras": "In Keras"}[impl]
    if not n["measured"]:
        return f"{who}, nothing was measured."
    was = "was" if n["caught_by_tool"] == 1 else "were"
    return (f"{who}, {n['measured']} of the {n['bugs']} mistakes can be made: "
            f"{n['loud']} crashed, {n['caught_by_tool']} {was} caught by a standard tool and "
            f"{n['silent']} ran silently.")


def debugging_quotes(record: dict) -> dict[str, str]:
    config, numbers = record["config"], diagnosis_numbers(record)
    measured = [i for i in ORDER if numbers[i]["measured"]]
    silent = sum(numbers[i]["silent"] for i in measured)
    loud = sum(numbers[i]["loud"] for i in measured)
    return {
        "bugs": str(len(config["bugs"])), "keras_note": keras_note(record),
        "examples": f"{record['examples']:,}",
        "tool_steps": str(config["tool_steps"]), "tolerance": f"{config['tolerance']:g}",
        "relative_error": f"{config['relative_error']:g}", "seed": str(config["seed"]),
        "network": "-".join(map(str, [784, *config["setting"]["hidden"], 10])),
        "eta": str(config["setting"]["eta"]), "batch_size": str(config["setting"]["batch_size"]),
        "dtype": config["setting"]["dtype"],
        "summary": " ".join(_sentence(i, numbers[i]) for i in ORDER
                            if i in config["implementations"]),
        "equivalence": (f"The equivalence test reported "
                        f"{sum(numbers[i]['silent_caught_by_equivalence'] for i in measured)} "
                        f"of the {plural(silent, 'silent run')}."),
        "pointing": (f"Of the {plural(loud, 'crash', 'crashes')}, "
                     f"{sum(numbers[i]['crashes_pointing'] for i in measured)} had a report "
                     "that shows a line of the mistaken code."),
    }


STATISTIC = ("one run per mistake and implementation (seed {seed}): its outcome, and its test "
             "accuracy after one epoch; numerical checks over the first {tool_steps} "
             "mini-batches")
TABLES = {"catalogue": debugging_catalogue, "outcomes": debugging_outcomes,
          "summary": debugging_summary, "crashes": debugging_crashes, "runs": debugging_runs,
          "tools": debugging_tools, "edits": debugging_edits}
quotes = debugging_quotes
