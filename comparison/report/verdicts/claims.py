"""The claims of both seed texts, each with its quantity, rule and evidence, and the tables.

Counting: every sentence of both texts that asserts something was listed, and sentences that
assert the same thing were merged (seed A's "development time is longer" and B's "time-
consuming" are one claim); "A §2" names seed A's section 2, "concl." its conclusion.
"""

from __future__ import annotations

from collections.abc import Callable

from comparison.report.markdown import capitalised, full_stop, markdown_table, text
from comparison.report.verdicts import (
    BY_DEFINITION,
    NOT_MEASURED,
    QUALIFIED,
    REFUTED,
    RERUN,
    SIDE_RULE,
    SUPPORTED,
    UNDECIDED,
    VERDICTS,
    Claim,
    Judgement,
    Records,
    diagnosis,
    ease,
    flexibility,
    not_measured,
    performance,
    time_to_accuracy,
)
from comparison.results.typed import Recorded

NOT_A_QUANTITY = "not a quantity this project can measure"
E, P, T, F, D = ease, performance, time_to_accuracy, flexibility, diagnosis
CLAIMS = [
    Claim("ease of use", "A §1, B §1", "From scratch you write the forward pass, "
          "backpropagation and the optimiser yourself.", "lines of hand-written gradient and "
          "update code", E.RULE_HAND_WRITTEN, "ease-of-use.md", E.hand_written, ("code",)),
    Claim("ease of use", "A §1, B §1", "A framework handles the forward pass, backpropagation "
          "and optimisation for you.", "lines of gradient and of forward pass written by hand "
          "in each framework", E.RULE_HANDLES, "ease-of-use.md", E.frameworks_handle_it,
          ("code",)),
    Claim("ease of use", "A §1, B §1", "Writing it from scratch demands a deep grasp of the "
          "maths (a steep learning curve).", NOT_A_QUANTITY, "not judged: we did not test "
          "people", "ease-of-use.md", E.learning_curve, ("code",)),
    Claim("ease of use", "A §1, A concl., B §1", "Development takes longer from scratch; a "
          "framework cuts development time.", NOT_A_QUANTITY, "not judged: nobody was timed "
          "writing the code", "ease-of-use.md", E.development_time, ("code",)),
    Claim("ease of use", "A §1, B §1", "A framework gets a model running with less code.",
          "logical lines for the same network", E.RULE_LESS_CODE, "ease-of-use.md",
          E.less_code, ("code",)),
    Claim("performance", "A §2, B §2, A concl.", "Hand-written code is slower; the frameworks "
          "are faster.", "paired time ratio per training step, framework / scratch, CPU, "
          "float32, at every mini-batch and width timed", P.RULE_FASTER, "performance.md",
          P.frameworks_faster, ("speed",)),
    Claim("performance", "A §2, B §2", "Frameworks train a network to a given accuracy in "
          "less time.", "training seconds to a test accuracy, framework / scratch, paired by "
          "seed", T.RULE, "performance.md#time-to-accuracy", T.faster_to_train,
          ("convergence",)),
    Claim("performance", "A §2", "How fast hand-written code runs depends on how efficiently "
          "it is written.", "paired time ratio, the book's per-example loop / matrix code",
          P.RULE_EFFICIENCY, "performance.md", P.code_efficiency, ("speed",)),
    Claim("performance", "B §2", "The gap grows with larger models.", "time ratio framework / "
          "scratch at the narrowest and widest layer", P.RULE_LARGER, "performance.md",
          P.larger_models, ("speed",)),
    Claim("performance", "B §2", "The gap grows with larger datasets.", NOT_A_QUANTITY,
          "not judged", "methodology.md#threats-to-validity", not_measured(
              "not measured: every implementation here trains in memory, one pass per epoch, "
              "so time grows in proportion to the data for all three"), ()),
    Claim("performance", "A §2, B §2", "PyTorch can use a GPU to speed training up.",
          "speed-up of the GPU over the fastest CPU path of the same machine", P.RULE_GPU,
          "performance.md#on-a-gpu", P.gpu, ("speed",)),
    Claim("performance", "B §2", "TensorFlow can use a GPU to speed training up.",
          NOT_A_QUANTITY, "not judged", "methodology.md#threats-to-validity", not_measured(
              "not measured: the Keras extra is TensorFlow's CPU build, and no GPU here"), ()),
    Claim("performance", "B §2", "Frameworks bring built-in optimisations that speed training "
          "up.", "paired time ratio, with / without the built-in option", P.RULE_BUILT_IN,
          "performance.md", P.built_in_optimisations, ("speed",)),
    Claim("performance", "A §2, B §2", "Frameworks are more efficient.", "examples per second "
          "per core at each implementation's best mini-batch; memory training adds above the "
          "import baseline", P.RULE_EFFICIENT, "performance.md#memory-and-start-up",
          P.efficient, ("speed",)),
    Claim("performance", "B §2", "From scratch you miss advanced techniques that speed "
          "training up and improve results.", "variants written and trained from scratch, and "
          "their cost in lines", F.RULE_TECHNIQUES, "flexibility.md",
          F.advanced_techniques, ("flexibility",)),
    Claim("diagnosis", "A §2", "Problems are harder to diagnose in hand-written code.",
          "share of planted bugs that pass silently", D.RULE_HARDER, "diagnosability.md",
          D.harder_from_scratch, ("debugging",)),
    Claim("diagnosis", "A §2, B §3", "The frameworks' error handling and tools make problems "
          "easier to find.", "share of planted bugs reported by an error or a standard tool",
          D.RULE_TOOLS, "diagnosability.md", D.framework_reports_them, ("debugging",)),
    Claim("flexibility", "A §3, B §3", "From scratch you control every detail: custom layers, "
          "costs and optimisers.", "variants written and trained from scratch",
          F.RULE_CONTROL, "flexibility.md", F.full_control, ("flexibility",)),
    Claim("flexibility", "A §3, B §3", "Building it yourself teaches how networks work.",
          NOT_A_QUANTITY, "not judged", "ease-of-use.md", not_measured(
              "a claim about learning, not measured: the code is shown side by side for "
              "readers to judge"), ()),
    Claim("flexibility", "A §3, B §3", "A framework makes trying other architectures, layers "
          "and settings easy, in a few lines.", "lines added or changed per variant",
          F.RULE_EASY, "flexibility.md", F.easy_to_vary, ("flexibility",)),
    Claim("flexibility", "A concl.", "Both approaches are flexible; the framework adds "
          "convenience.", "the two claims above", F.RULE_BOTH, "flexibility.md",
          F.both_flexible, ("flexibility",)),
    Claim("flexibility", "A §3, B §3", "Frameworks integrate with tools for visualisation "
          "(TensorBoard), debugging and deployment.", "logging read back, export round trip",
          F.RULE_TOOLS, "flexibility.md#tooling", F.integrates_with_tools, ("tooling",)),
    Claim("scalability", "B §3", "Frameworks offer distributed (data-parallel) training.",
          "DDP on one machine, 2 processes against 1 with the CPUs shared out: the same "
          "result, and the speed-up with its interval", F.RULE_SCALING,
          "flexibility.md#scalability", F.distributed, ("scalability",)),
    Claim("scalability", "B §3", "Frameworks scale to large data, model parallelism and "
          "training across machines.", NOT_A_QUANTITY, "not judged",
          "flexibility.md#scalability", not_measured(
              "not measured: every run here is on one machine, in memory, and no model was "
              "split across devices"), ()),
    Claim("practice", "A concl.", "PyTorch is the preferred choice for practical work.",
          NOT_A_QUANTITY, "not judged", "index.md", not_measured(
              "a claim about adoption, which a comparison of code cannot measure"), ()),
]
AREAS = tuple(dict.fromkeys(claim.area for claim in CLAIMS))


def badge(verdict: str, provisional: bool = False) -> str:
    """A verdict as a badge: coloured and marked with a symbol (see docs/stylesheets); the
    classes come from the fixed VERDICTS, never from a result."""
    assert verdict in VERDICTS, verdict
    classes = f"verdict verdict--{verdict.replace(' ', '-')}"
    title = " (provisional: quick profile)" if provisional else ""
    return (f'<span class="{classes}{" verdict--provisional" if provisional else ""}" '
            f'title="{verdict}{title}">{verdict}</span>')


def judge(claim: Claim, records: Records) -> Judgement:
    """The claim's judgement, or not measured where a result it reads is absent."""
    missing = [name for name in claim.results if name not in records]
    if missing:
        return Judgement(NOT_MEASURED, f"no {', '.join(missing)} result in this build")
    return claim.judge(records)


def provisional(claim: Claim, records: Records) -> bool:
    """Whether a result the claim reads was run with a profile other than the full one."""
    found = [records[name] for name in claim.results if name in records]
    return any((r.result if isinstance(r, Recorded) else r).config.profile != "full"
               for r in found)


def verdict_table(records: Records, note: Callable[[Claim], str] = lambda claim: "") -> str:
    """One table per area: the claim, its verdict badge, the number, the evidence; ``note``
    adds a line under a verdict (how many recorded machines agree)."""
    sections = []
    for area in AREAS:
        rows = []
        for claim in (c for c in CLAIMS if c.area == area):
            j = judge(claim, records)
            also = note(claim)
            rows.append([f"{claim.text} <small>({claim.seeds})</small>",
                         badge(j.verdict, provisional(claim, records))
                         + (f"<br><small>{also}</small>" if also else ""), measured(j),
                         f"[evidence]({claim.page})"])
        sections.append(f"**{area.capitalize()}**\n\n"
                        + markdown_table(["claim", "verdict", "measured", ""], rows, "llll"))
    return "\n\n".join(sections)


def answers(records: Records, page: str) -> str:
    """The answer box at the top of ``page``: each claim judged there, one line each, with
    its badge, its number and a link down to its evidence."""
    lines = []
    for claim in CLAIMS:
        file, _, anchor = claim.page.partition("#")
        if file != page:
            continue
        j = judge(claim, records)
        link = f" [Evidence ↓](#{anchor})" if anchor else ""
        lines.append(f"- {badge(j.verdict, provisional(claim, records))} **{claim.text}** "
                     f"<small>{full_stop(measured(j))}</small>{link}")
    return answer_box(lines) if lines else ""


def answer_box(lines: list[str]) -> str:
    """Lines in the box that opens a page (class ``answer``: the browser test finds it)."""
    return '!!! answer "The answer, in short"\n\n' + "\n".join(f"    {line}" for line in lines)


def measured(j: Judgement) -> str:
    """The number behind a verdict, an undecided one led by its reason (escaped: both can
    hold strings from a result)."""
    why = RERUN.sub(lambda command: f"`{command.group()}`", text(j.reason))
    return capitalised(f"*why: {why}.* {capitalised(text(j.number))}" if j.reason
                       else text(j.number))


def rules_table() -> str:
    """How each verdict is decided: the quantity and the rule, thresholds included."""
    rows = [[claim.text, claim.quantity, claim.rule] for claim in CLAIMS]
    return markdown_table(["claim", "quantity measured", "rule"], rows, "lll")


def counts(records: Records) -> dict[str, int]:
    """How many claims got each verdict."""
    found = [judge(claim, records).verdict for claim in CLAIMS]
    return {verdict: found.count(verdict) for verdict in VERDICTS}


MEANINGS = {
    SUPPORTED: "the data agree",
    QUALIFIED: "true only in part or under a condition, each part measured",
    REFUTED: "the data disagree: the opposite was measured, not merely the claim left unshown",
    UNDECIDED: "the data cannot decide; the measured column gives the reason (intervals "
               "that overlap the threshold, a run flagged busy, a noise floor that disagreed, "
               "a record without intervals or timed under another protocol, a profile too short)",
    NOT_MEASURED: "not a quantity, or nothing here could measure it; a proxy, where shown, is "
                  "named as one and decides nothing",
    BY_DEFINITION: "no measurement could contradict it; its measured size is shown",
}


def legend_table(records: Records) -> str:
    """Each outcome with its badge, its meaning and how many claims it has in this build."""
    found = counts(records)
    rows = [[badge(v), MEANINGS[v], found[v]] for v in VERDICTS]
    return (markdown_table(["verdict", "meaning", "claims"], rows, "llr")
            + f"\n\nEvery timed comparison is read by one rule: {SIDE_RULE}. Only PyTorch and "
            "Keras (TensorFlow) decide a claim, since the two texts are about them; JAX's "
            "numbers are shown beside, marked *beyond the texts*.")


def summary(records: Records) -> str:
    """The verdict table in one sentence, from its counts."""
    n = counts(records)
    return (f"Of the {len(CLAIMS)} distinct claims of the two texts, the measurements here "
            f"support {n[SUPPORTED]}, qualify {n[QUALIFIED]} and refute {n[REFUTED]}; "
            f"{n[UNDECIDED]} cannot be decided from this run (the table says why for each), "
            f"{n[BY_DEFINITION]} are true by definition, and {n[NOT_MEASURED]} are not "
            "something a comparison of code can measure.")

