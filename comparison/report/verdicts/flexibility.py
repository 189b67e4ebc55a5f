"""Rules for the flexibility, tooling and scalability claims."""

from __future__ import annotations

from comparison.experiments import flexibility, scalability, tooling
from comparison.report.verdicts import (
    QUALIFIED,
    REFUTED,
    SUPPORTED,
    Judgement,
    Records,
    by_share,
    combine,
    judged,
)

FRAMEWORKS = {"torch": "PyTorch", "keras": "Keras"}
# JAX is judged on tools; its flexibility rows lack two variants, so the variation rules,
# which sum over every variant, would compare unlike totals
TOOL_FRAMEWORKS = FRAMEWORKS | {"jax": "JAX"}
TRAINED = 0.5  # a variant "trained" when every seed's test accuracy is above this (chance: 0.1)
EASY_FRACTION = 0.5  # "easy": a framework changes at most this share of the scratch lines
TECHNIQUE_COST = 2.0  # techniques "at a price": scratch needs this many times the lines
SCALING_GAIN = 1.2  # two processes must beat one by this factor to count as a gain
RULE_CONTROL = (f"supported if every variant was written and trained from scratch (every seed "
                f"above {TRAINED:.0%} test accuracy), refuted if none was, qualified otherwise")
RULE_TECHNIQUES = (f"refuted if every variant trained from scratch at less than "
                   f"{TECHNIQUE_COST}x a framework's lines; qualified if it trained but cost "
                   f"{TECHNIQUE_COST}x or more; supported if some variant could not be made to "
                   "train from scratch")
RULE_EASY = (f"per framework: supported if its variants changed at most {EASY_FRACTION:.0%} of "
             "the lines the scratch variants did and no gradient by hand, qualified if fewer "
             "lines than scratch, refuted otherwise")
RULE_BOTH = ("supported if both the full-control and the easy-variation claims are supported, "
             "qualified if one is, refuted if neither")
RULE_TOOLS = ("per framework: supported if its TensorBoard logging read back exactly and its "
              "export kept every test prediction, qualified if one of the two, refuted if "
              "neither")
RULE_SCALING = (f"supported if 2 processes gave the 1-process result (the same test accuracy "
                f"within {scalability.SAME_ACCURACY * 100:g} points at every mini-batch, "
                f"replicas within {scalability.SAME_RESULT:g}) and ran at least "
                f"{SCALING_GAIN}x faster at some mini-batch, qualified if the result was the "
                "same without that gain, refuted if the result differed")


def _frameworks(numbers: flexibility.FlexibilityNumbers) -> list[str]:
    return [impl for impl in FRAMEWORKS if impl in numbers.implementations]


def full_control(records: Records) -> Judgement:
    n = flexibility.derive(records["flexibility"])
    trained = n.trained("scratch", TRAINED)
    return judged(by_share(trained, len(n.variants)),
                  f"{trained} of {len(n.variants)} variants written and trained from scratch "
                  f"({n.lines('scratch')} lines, {n.derivative_lines('scratch')} of them "
                  "gradients by hand)")


def advanced_techniques(records: Records) -> Judgement:
    n = flexibility.derive(records["flexibility"])
    cheapest = min((n.lines(i) for i in _frameworks(n)), default=0)
    factor = n.lines("scratch") / max(cheapest, 1)
    if n.trained("scratch", TRAINED) < len(n.variants):
        verdict = SUPPORTED
    else:
        verdict = QUALIFIED if factor >= TECHNIQUE_COST else REFUTED
    return judged(verdict, f"all {len(n.variants)} techniques (ReLU, softmax, momentum, "
                           f"dropout, depth, convolution) ran from scratch at {factor:.1f}x "
                           "the fewest framework lines")


def easy_to_vary(records: Records) -> Judgement:
    n = flexibility.derive(records["flexibility"])
    scratch = n.lines("scratch")
    verdicts, parts = [], []
    for impl in _frameworks(n):
        lines, gradient = n.lines(impl), n.derivative_lines(impl)
        easy = lines <= EASY_FRACTION * scratch and gradient == 0
        verdicts.append(SUPPORTED if easy else QUALIFIED if lines < scratch else REFUTED)
        parts.append(f"{lines} lines in {FRAMEWORKS[impl]}")
    return judged(combine(verdicts), f"{len(n.variants)} variants: " + ", ".join(parts)
                  + f", {scratch} from scratch")


def both_flexible(records: Records) -> Judgement:
    control, easy = full_control(records), easy_to_vary(records)
    supported = (control.verdict == SUPPORTED) + (easy.verdict == SUPPORTED)
    return judged(by_share(supported, 2),
                  f"full control: {control.verdict}; easy variation: {easy.verdict}")


def integrates_with_tools(records: Records) -> Judgement:
    n = tooling.derive(records["tooling"])
    verdicts, parts = [], []
    for impl in TOOL_FRAMEWORKS:
        if impl not in n.logging_works:
            continue
        works = n.logging_works[impl] + n.export_works[impl]
        verdicts.append(by_share(works, 2))
        parts.append(f"{TOOL_FRAMEWORKS[impl]}: TensorBoard in "
                     f"{n.lines['curves and histograms', impl]} lines "
                     f"({_logged(n, impl)}), export kept {n.predictions_kept[impl]:.2%} of "
                     "predictions")
    return judged(combine(verdicts), "; ".join(parts) + "; data loading not measured")


def _logged(n: tooling.ToolingNumbers, impl: str) -> str:
    if n.logging_works[impl]:
        return "read back exactly"
    return "curves read back exactly, no histograms" if n.curves_read_back[impl] else (
        "did not read back")


def distributed(records: Records) -> Judgement:
    n = scalability.derive(records["scalability"])
    best = max(n.speedup.values())
    verdict = (REFUTED if not n.works else SUPPORTED if best >= SCALING_GAIN else QUALIFIED)
    same = "gave" if n.works else "did not give"
    return judged(verdict, f"DDP with 2 processes {same} the 1-process result (test "
                           f"accuracy within {n.accuracy_gap * 100:.2f} points; parameters "
                           f"within {n.one_vs_two:.1e}, float32 round-off); {best:.2f}x the "
                           f"speed at best on {n.cores} cores; model parallelism not measured "
                           "(PyTorch only)")
