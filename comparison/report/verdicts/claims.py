"""The claims of both seed texts, each with its quantity, rule and evidence, and the tables.

Counting: every sentence of both texts that asserts something was listed, and sentences that
assert the same thing were merged (seed A's "development time is longer" and B's "time-
consuming" are one claim); "A §2" names seed A's section 2, "concl." its conclusion.
"""

from __future__ import annotations

from comparison.report.markdown import markdown_table, text
from comparison.report.verdicts import (
    NOT_MEASURED,
    VERDICTS,
    Claim,
    Judgement,
    Records,
    diagnosis,
    ease,
    flexibility,
    not_measured,
    performance,
)

NOT_A_QUANTITY = "not a quantity this project can measure"
E, P, F, D = ease, performance, flexibility, diagnosis
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
          "are faster.", "paired time ratio, framework / scratch, CPU, float32",
          P.RULE_FASTER, "performance.md", P.frameworks_faster, ("speed",)),
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
    Claim("performance", "A §2, B §2", "Frameworks are more efficient (memory, start-up).",
          "peak memory and import time", P.RULE_EFFICIENT, "performance.md", P.efficient,
          ("speed",)),
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
    Claim("scalability", "B §3", "Frameworks scale to large data and distributed or "
          "model-parallel training.", "DDP with 1 and 2 processes: same result, speed-up",
          F.RULE_SCALING, "flexibility.md#scalability", F.distributed, ("scalability",)),
    Claim("practice", "A concl.", "PyTorch is the preferred choice for practical work.",
          NOT_A_QUANTITY, "not judged", "index.md", not_measured(
              "a claim about adoption, which a comparison of code cannot measure"), ()),
]
AREAS = tuple(dict.fromkeys(claim.area for claim in CLAIMS))


def badge(verdict: str, provisional: bool = False) -> str:
    """A verdict as a badge: coloured and marked with a symbol (see docs/stylesheets)."""
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
    return any(records[name].get("profile") != "full" for name in claim.results
               if name in records)


def verdict_table(records: Records) -> str:
    """One table per area: the claim, its verdict badge, the number, the evidence."""
    sections = []
    for area in AREAS:
        rows = []
        for claim in (c for c in CLAIMS if c.area == area):
            j = judge(claim, records)
            rows.append([f"{claim.text} <small>({claim.seeds})</small>",
                         badge(j.verdict, provisional(claim, records)), text(j.number),
                         f"[evidence]({claim.page})"])
        sections.append(f"**{area.capitalize()}**\n\n"
                        + markdown_table(["claim", "verdict", "measured", ""], rows, "llll"))
    return "\n\n".join(sections)


def rules_table() -> str:
    """How each verdict is decided: the quantity and the rule, thresholds included."""
    rows = [[claim.text, claim.quantity, claim.rule] for claim in CLAIMS]
    return markdown_table(["claim", "quantity measured", "rule"], rows, "lll")


def counts(records: Records) -> dict[str, int]:
    """How many claims got each verdict."""
    found = [judge(claim, records).verdict for claim in CLAIMS]
    return {verdict: found.count(verdict) for verdict in VERDICTS}
