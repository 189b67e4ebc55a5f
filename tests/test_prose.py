"""No typed conclusion: the pages' own prose states no result.

Every result on a page comes from a placeholder, whose words are chosen by the recorded
numbers. A comparative or absolute word typed in the prose ("faster", "never", "easy") states
a result that no run checked, so it fails this test, unless the sentence explains the method
(the claims under test, the rule that decides them) and is listed, with its reason, in
``prose_allowlist.txt``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from comparison import stats
from comparison.experiments.book import SETTINGS
from comparison.experiments.speed.result import Comparison, ThreadSpeedup
from comparison.report.book import statistics_text
from comparison.report.flexibility import variant_lines
from comparison.report.speed.words import per_call_text, thread_slower
from comparison.results.read import typed_result
from tests.conftest import fixture_record

ROOT = Path(__file__).resolve().parents[1]
ALLOWLIST = Path(__file__).with_name("prose_allowlist.txt")

# Words that judge or compare: each one in typed prose is a conclusion someone wrote down.
# Not "fastest": the GPU section names its baseline "the fastest CPU path", a path the record
# picks by its times, not a judgement.
JUDGING = re.compile(
    r"\b(faster|slower|slowest|quicker|quickest|always|never|prove[ns]?|proved|easy|easier"
    r"|easiest|easily|hard|harder|hardest|pays?|paid|much|better|worse|simpler|simplest"
    r"|simple|simply|trivial|trivially|obviously|clearly|superior|inferior|cheap|cheaper"
    r"|costly|expensive)\b",
    re.IGNORECASE)
# What is not typed prose: HTML comments (placeholders among them: their words come from the
# numbers), fenced code blocks and inline code (quoted code, not our words).
NOT_PROSE = re.compile(r"<!--.*?-->|^[ \t]*```.*?^[ \t]*```|`[^`\n]*`",
                       re.DOTALL | re.MULTILINE)


def allowlist() -> list[str]:
    """The reviewed sentences: ``text  # why`` per line; blank lines and comments skipped."""
    entries = []
    for line in ALLOWLIST.read_text(encoding="utf-8").splitlines():
        entry, separator, reason = line.partition("  # ")
        if not line.strip() or line.startswith("#"):
            continue
        assert separator and reason.strip(), f"allow-list entry without a reason: {line!r}"
        entries.append(entry.strip())
    return entries


def prose(markdown: str) -> str:
    """The page's own words on one line: no comments, placeholders or code."""
    return " ".join(NOT_PROSE.sub(" ", markdown).split())


def typed_conclusions(markdown: str, allowed: list[str]) -> list[tuple[str, str]]:
    """Each judging word of the typed prose outside the allowed sentences, with its
    surroundings (to find it on the page)."""
    text = prose(markdown)
    for sentence in allowed:
        text = text.replace(sentence, " ")
    return [(m[0], text[max(0, m.start() - 50):m.end() + 30]) for m in JUDGING.finditer(text)]


PAGES = sorted((ROOT / "docs").glob("*.md"))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_no_typed_conclusion(page):
    found = typed_conclusions(page.read_text(encoding="utf-8"), allowlist())
    assert not found, (f"{page.name} states a result in typed prose; generate it from the "
                       "numbers (a placeholder) or, if it explains the method, add it to "
                       f"{ALLOWLIST.name} with the reason: "
                       + " | ".join(context for _, context in found))


def test_every_allowed_sentence_is_on_a_page():
    """A sentence rewritten or removed leaves its entry behind: the list stays short."""
    pages = " ".join(prose(page.read_text(encoding="utf-8")) for page in PAGES)
    stale = [sentence for sentence in allowlist() if sentence not in pages]
    assert not stale, f"allow-list entries on no page: {stale}"


def test_a_new_typed_conclusion_fails():
    page = "PyTorch is faster here.\n\nWriting the backward pass was easy."
    assert [word for word, _ in typed_conclusions(page, [])] == ["faster", "easy"]


def test_placeholders_comments_and_code_are_not_prose():
    page = ("Two processes ran <!-- result:value scalability.conclusion --> here.\n"
            "<!-- an HTML comment: never read -->\n"
            "```python\nfaster = True\n```\n"
            "The option `always_on` is set.")
    assert typed_conclusions(page, []) == []


def test_an_allowed_sentence_is_skipped_across_lines():
    page = "The texts claim that PyTorch is\nfaster. We measure it."
    assert typed_conclusions(page, ["The texts claim that PyTorch is faster."]) == []
    assert typed_conclusions(page, [])


# The sentences that replaced typed ones: each says what its numbers say, and no more.

def _ratio(ratio: float, low: float, high: float, outcome: str) -> Comparison:
    return Comparison("batch", 10, 30, "keras steps_per_execution float32", "keras float32",
                      ratio, low, high, 0.98, outcome)


@pytest.mark.parametrize("outcome, says", [
    (stats.FASTER, "part of its time there goes into `fit`'s call from Python"),
    (stats.TIED, "this run does not show that `fit`'s call"),
    (stats.SLOWER, "this run does not show that `fit`'s call")])
def test_keras_per_step_call_is_blamed_only_when_steps_per_execution_is_faster(outcome, says):
    sentence = per_call_text(_ratio(0.41, 0.27, 0.52, outcome), 10)
    assert says in sentence and "0.41x [0.27–0.52] the time without it" in sentence


def test_keras_per_step_call_untimed_is_said_to_be_unknown():
    assert "was not timed at mini-batch 10" in per_call_text(None, 10)


def test_threads_explained_only_where_more_threads_were_slower():
    def point(outcome: str) -> ThreadSpeedup:
        return ThreadSpeedup("torch float32", 10, 30, 2, 1.5, 1.2, 1.8, 0.98, outcome)
    assert thread_slower((point(stats.TIED),)) == ""
    said = thread_slower((point(stats.SLOWER),))
    assert said.startswith("More threads were slower here: torch float32 on 2 threads at "
                           "mini-batch 10, width 30.")


def test_each_book_setting_is_scored_at_the_epoch_its_config_names():
    settings = {name: SETTINGS[name] for name in ("ch1-30", "ch3-100", "ch1-100")}
    assert [s.statistic for s in settings.values()] == ["best", "final", "best"]
    assert statistics_text(settings) == ("the best epoch for ch1-30 and ch1-100, the final "
                                          "epoch for ch3-100")


def test_a_variant_costs_the_lines_counted_in_each_implementation():
    stored = typed_result("flexibility", fixture_record("flexibility"))
    counts = {"scratch": 1, "torch": 0, "keras": 3}
    rows = tuple(replace(r, lines_touched=counts[r.impl]) for r in stored.rows
                 if r.variant == "two-hidden" and r.impl in counts)
    result = replace(stored, rows=rows,
                     config=replace(stored.config, implementations=tuple(counts)))
    assert variant_lines(result, "two-hidden") == ("1 line added or changed from scratch, "
                                                   "0 in PyTorch and 3 in Keras")
