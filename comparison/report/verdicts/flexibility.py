"""Rules for the flexibility, tooling and scalability claims."""

from __future__ import annotations

from comparison.experiments import flexibility, scalability, tooling
from comparison.report.markdown import ratio_text
from comparison.report.verdicts import (
    BEYOND_SEEDS,
    FASTER,
    FRAMEWORK_NAMES,
    QUALIFIED,
    REFUTED,
    SAME,
    SEED_FRAMEWORKS,
    SLOWER,
    SUPPORTED,
    UNDECIDED,
    Judgement,
    Records,
    beyond,
    combine,
    judged,
    sentences,
    undecided,
)
from comparison.stats import side

FRAMEWORKS = SEED_FRAMEWORKS  # decide; JAX (fewer variants) is shown beside them
TRAINED = 0.5  # a variant "trained" when every seed's test accuracy is above this (chance: 0.1)
EASY_FRACTION = 0.5  # "easy": a framework changes at most this share of the scratch lines
TECHNIQUE_COST = 2.0  # techniques "at a price": scratch needs this many times the lines
NOWHERE = ("undecided if a variant trained in no implementation (the profile was too short "
           "to tell whether it can be trained)")
RULE_CONTROL = (f"each variant written and trained (every seed above {TRAINED:.0%} test "
                f"accuracy) in each implementation: refuted if a framework trained a variant "
                f"the scratch code did not; supported if the scratch code trained every "
                f"variant and a framework could not; qualified if every implementation trained "
                f"every variant (the control is not the scratch code's alone); {NOWHERE}")
RULE_TECHNIQUES = (f"each variant in each implementation: supported if a framework trained a "
                   f"variant the scratch code did not; qualified if the scratch code trained "
                   f"them all but needed {TECHNIQUE_COST}x a framework's lines or more; refuted "
                   f"if it trained them all at less; {NOWHERE}")
RULE_EASY = (f"per framework: supported if its variants changed at most {EASY_FRACTION:.0%} of "
             "the lines the scratch variants did and no gradient by hand, qualified if fewer "
             "lines than scratch, refuted otherwise")
RULE_BOTH = ("from the two claims above, the scratch code counting as flexible when full "
             "control is supported or qualified: supported if both parts hold, refuted if "
             "neither, qualified if one, undecided if either is")
RULE_TOOLS = ("per framework: supported if its TensorBoard logging read back exactly (curves "
              "and histograms) and its export kept every test prediction, qualified if one of "
              "the two, refuted if neither")
RULE_SCALING = (f"DistributedDataParallel, 2 processes against 1 with the machine's CPUs "
                f"shared out: refuted if the 2-process result differs from the 1-process one "
                f"(test accuracy within {scalability.SAME_ACCURACY * 100:g} points at every "
                f"mini-batch, replicas within {scalability.SAME_RESULT:g}); otherwise the "
                f"epoch-time ratio, read by the ratio rule at each mini-batch: supported if "
                f"faster at one or more, qualified if slower or the same at all, undecided if "
                "unclear")


def _trained(n: flexibility.Result, variant: str, impl: str) -> bool:
    outcome = n.outcome(variant, impl)
    return outcome is not None and outcome.min_test_accuracy > TRAINED


def _frameworks(n: flexibility.Result) -> list[str]:
    return [impl for impl in FRAMEWORKS if impl in n.config.implementations]


def _variants(n: flexibility.Result) -> dict[str, list[str]]:
    """The variants a framework trained and the scratch code did not ("missed"), and those
    no implementation trained ("nowhere")."""
    frameworks = _frameworks(n)
    return {"missed": [v for v in n.variants if not _trained(n, v, "scratch")
                       and any(_trained(n, v, f) for f in frameworks)],
            "nowhere": [v for v in n.variants
                        if not any(_trained(n, v, i) for i in n.config.implementations)]}


def _trained_text(n: flexibility.Result) -> str:
    counts = [f"{FRAMEWORK_NAMES.get(i, 'from scratch')} "
              f"{sum(_trained(n, v, i) for v in n.variants)} of "
              f"{len(n.variants)}" + ("" if len(n.written(i)) == len(n.variants)
                                      else f" ({len(n.written(i))} written)")
              for i in ("scratch", *FRAMEWORK_NAMES) if i in n.config.implementations]
    return "variants trained: " + ", ".join(counts)


def _nowhere(found: dict[str, list[str]]) -> str:
    return (f"{', '.join(found['nowhere'])} trained in no implementation: the profile was "
            "too short to tell")


def full_control(records: Records) -> Judgement:
    n: flexibility.Result = records["flexibility"]
    found, number = _variants(n), _trained_text(n)
    if found["missed"]:
        return judged(REFUTED, number + f"; not from scratch: {', '.join(found['missed'])}")
    if found["nowhere"]:
        return undecided(_nowhere(found), number)
    lacking = any(not _trained(n, v, f) for f in _frameworks(n) for v in n.variants)
    return judged(SUPPORTED if lacking else QUALIFIED, number)


def advanced_techniques(records: Records) -> Judgement:
    n: flexibility.Result = records["flexibility"]
    found = _variants(n)
    cheapest = min((n.lines(i) for i in _frameworks(n)), default=0)
    factor = n.lines("scratch") / max(cheapest, 1)
    number = (f"{_trained_text(n)}; from scratch at {factor:.1f}x the fewest framework lines "
              f"({n.lines('scratch')} against {cheapest})")
    if found["missed"]:
        return judged(SUPPORTED, number + f"; missed: {', '.join(found['missed'])}")
    if found["nowhere"]:
        return undecided(_nowhere(found), number)
    return judged(QUALIFIED if factor >= TECHNIQUE_COST else REFUTED, number)


def easy_to_vary(records: Records) -> Judgement:
    n: flexibility.Result = records["flexibility"]
    scratch = n.lines("scratch")
    verdicts, parts = [], []
    for impl in _frameworks(n):
        lines, gradient = n.lines(impl), n.derivative_lines(impl)
        easy = lines <= EASY_FRACTION * scratch and gradient == 0
        verdicts.append(SUPPORTED if easy else QUALIFIED if lines < scratch else REFUTED)
        parts.append(f"{lines} lines in {FRAMEWORKS[impl]}")
    extra = [f"{n.lines(i)} lines in {BEYOND_SEEDS[i]} for {len(n.written(i))} of them"
             for i in BEYOND_SEEDS if i in n.config.implementations]
    return judged(combine(verdicts), f"{len(n.variants)} variants: " + ", ".join(parts)
                  + f", {scratch} from scratch" + beyond(extra))


def both_flexible(records: Records) -> Judgement:
    control, easy = full_control(records), easy_to_vary(records)
    scratch = SUPPORTED if control.verdict in (SUPPORTED, QUALIFIED) else control.verdict
    number = f"full control: {control.verdict}; easy variation: {easy.verdict}"
    parts = {scratch, easy.verdict}
    if UNDECIDED in parts:
        return undecided("a part is undecided", number)
    verdict = parts.pop() if len(parts) == 1 else QUALIFIED
    return judged(verdict, number)


def integrates_with_tools(records: Records) -> Judgement:
    result: tooling.Result = records["tooling"]
    verdicts, parts, extra = [], [], []
    for impl, who in FRAMEWORK_NAMES.items():
        if impl not in result.tensorboard:
            continue
        board, export = result.tensorboard[impl], result.exports[impl]
        works = board.logging_works + export.works
        part = (f"{who}: TensorBoard in {result.lines('curves and histograms', impl)} lines, "
                f"{_recorded(board)}, export kept {export.predictions_agree:.2%} of predictions")
        if impl in FRAMEWORKS:
            verdicts.append(SUPPORTED if works == 2 else QUALIFIED if works else REFUTED)
            parts.append(part)
        else:
            extra.append(part)
    return judged(combine(verdicts), "; ".join(parts) + beyond(extra)
                  + "; data loading not measured")


def _recorded(board: tooling.Board) -> str:
    """What the event files held, as read back."""
    graph = f"a graph of {board.graph_nodes} nodes" if board.graph_nodes else "no graph"
    return (f"the files held {len(board.scalar_tags)} scalar curves, "
            f"{board.histograms} histograms and {graph}")


def distributed(records: Records) -> Judgement:
    n: scalability.Result = records["scalability"]
    sides = {b: side(1 / s.ratio, 1 / s.high, 1 / s.low, s.coverage)
             for b, s in n.speedup.items()}
    same = "gave" if n.works else "did not give"
    speedups = sentences(f"Speed of 2 processes over 1 on {n.cores} CPUs",
                         [(ratio_text(s), f"mini-batch {b}") for b, s in n.speedup.items()])
    number = (f"DDP with 2 processes {same} the 1-process result (test accuracy within "
              f"{n.accuracy_gap * 100:.2f} points; parameters within "
              f"{n.one_vs_two_max_difference:.1e}, "
              f"float32 round-off). {speedups}")
    if not n.works:
        return judged(REFUTED, number)
    if FASTER in sides.values():
        return judged(SUPPORTED, number)
    if set(sides.values()) <= {SLOWER, SAME}:
        return judged(QUALIFIED, number)
    return undecided("the speed-up's interval is unclear", number)
