"""Every verdict rule, on small synthetic results, reaching more than one verdict."""

from __future__ import annotations

import sys
import types

import pytest

from comparison.report import markdown
from comparison.report.verdicts import (
    BY_DEFINITION,
    NOT_MEASURED,
    QUALIFIED,
    REFUTED,
    SUPPORTED,
    UNDECIDED,
    claims,
    diagnosis,
    ease,
    flexibility,
    performance,
)

ROLES = ("model and forward pass", "cost functions", "gradients (backpropagation)",
         "parameter update (SGD with L2)", "training loop over mini-batches")


def code(scratch=(3, 2, 10, 2, 4), torch=(4, 2, 0, 3, 5), keras=(4, 2, 0, 3, 3)) -> dict:
    rows = [{"role": role, "scratch_lines": s, "torch_lines": t, "keras_lines": k}
            for role, s, t, k in zip(ROLES, scratch, torch, keras)]
    return {"rows": rows, "totals": {"scratch": sum(scratch), "torch": sum(torch),
                                     "keras": sum(keras)}, "profile": "full"}


def comparison(sweep: str, point: int, a: str, b: str, ratio: float, spread: float = 0.05):
    key = "batch_size" if sweep == "batch" else "width"
    other = {"batch_size": 100, "width": 30}
    return {"sweep": sweep, **other, key: point, "a": a, "b": b, "ratio": ratio,
            "low": ratio - spread, "high": ratio + spread, "coverage": 0.98}


def throughput_row(path: str, batch_size: int, seconds: float) -> dict:
    return {"sweep": "batch", "path": path, "status": "ok", "batch_size": batch_size,
            "threads": 2, "examples": 1000, "median_s": seconds, "low_s": 0.98 * seconds,
            "high_s": 1.02 * seconds, "examples_per_s": 1000 / seconds}


def speed(batch=(2.0, 0.5), width=(2.0, 0.5), book=5.0, compiled=(0.9, 1.2),
          memory=(10, 30), imports=(0.1, 0.8), best=(1.0, 2.0), busy=False,
          noise_agrees=True) -> dict:
    rows = [comparison("batch", b, path, "scratch float32", r) for b, r in zip((10, 1000), batch)
            for path in ("torch float32", "keras float32")]
    rows += [comparison("width", w, path, "scratch float32", r) for w, r in zip((30, 3000), width)
             for path in ("torch float32", "keras float32")]
    rows += [comparison("batch", 10, "book per-example (float64)", "scratch float64", book)]
    rows += [comparison("batch", b, "torch.compile float32", "torch float32", r)
             for b, r in zip((10, 1000), compiled)]
    timed = [throughput_row(path, 100, s) for path, s in
             (("scratch float32", best[0]), ("torch float32", best[1]),
              ("keras float32", best[1]))]
    return {"comparisons": rows, "rows": timed, "config": {"gpu": None, "threads": 2},
            "profile": "full",
            "machine": {"load": {"busy": busy, "busy_reasons": ["other work used 80%"] * busy}},
            "noise_floor": [{"agree": noise_agrees}, {"agree": True}],
            "memory": {impl: {"training_mb": m} for impl, m in
                       zip(("scratch", "torch", "keras"), (memory[0], memory[1], memory[1]))},
            "imports": dict(zip(("scratch", "torch", "keras"), (imports[0], imports[1],
                                                               imports[1])))}


def convergence(torch_seconds=(2.0,) * 6, keras_seconds=(2.0,) * 6) -> dict:
    rows = [{"impl": impl, "batch_size": 10, "seed": seed, "target": 0.97, "reached": True,
             "seconds": s} for impl, times in (("scratch", (1.0,) * 6), ("torch", torch_seconds),
                                               ("keras", keras_seconds))
            for seed, s in enumerate(times)]
    return {"rows": rows, "profile": "full", "load": {"busy": False}}


def gpu_record(gpu_s: list[float], current: bool = True, intervals: bool = True) -> dict:
    def row(path: str, b: int, s: float, k: int) -> dict:
        times = {"times_s": [s * (1 + 0.01 * i) for i in range(6)]} if intervals else {}
        return {"sweep": "batch", "path": path, "batch_size": b, "width": 30, "status": "ok",
                "seconds_per_epoch": s, "median_s": s, "min_s": s, "max_s": s,
                "examples": 50_000, **times}
    rows = [row(path, b, s, k) for path, times in (("scratch float32", [1, 1, 1]),
                                                   ("torch CUDA float32", gpu_s))
            for k, (b, s) in enumerate(zip((10, 100, 1000), times))]
    return {"rows": rows, "config": {"gpu": "Some GPU"}, "provenance": {"date_utc": "2026-01-01"},
            "current": current}


def flexibility_record(scratch_accuracy=0.95, scratch_lines=40, torch_lines=5,
                       torch_derivative=0, everyone=0.95, keras_conv=True) -> dict:
    variants = ("baseline", "relu", "conv")
    rows = []
    for variant in variants:
        for impl, lines, derivative, accuracy in (
                ("scratch", scratch_lines, 5, scratch_accuracy),
                ("torch", torch_lines, torch_derivative, everyone),
                ("keras", torch_lines, torch_derivative, everyone)):
            if impl == "keras" and variant == "conv" and not keras_conv:
                continue
            rows.append({"variant": variant, "impl": impl, "lines_touched": lines,
                         "derivative_lines": derivative, "test_accuracy": accuracy,
                         "min_test_accuracy": accuracy, "max_test_accuracy": accuracy,
                         "seconds_per_epoch": 1.0})
    return {"rows": rows, "profile": "full",
            "config": {"variants": {v: {} for v in variants},
                       "implementations": ["scratch", "torch", "keras"]}}


def tooling_record(histograms=20, difference=0.0, agree=1.0) -> dict:
    board = {"histograms": histograms, "scalar_max_difference": difference,
             "scalar_tags": ["a", "b"], "graph_nodes": 0}
    export = {"predictions_agree": agree}
    rows = [{"task": task, "impl": impl, "lines": 5} for task in ("curves and histograms",)
            for impl in ("scratch", "torch", "keras")]
    return {"rows": rows, "profile": "full", "tensorboard": {"torch": board, "keras": board},
            "exports": {"scratch": {"predictions_agree": 1.0}, "torch": export, "keras": export},
            "config": {"implementations": ["scratch", "torch", "keras"]}}


def scalability_record(accuracy_gap=0.0, speedup=1.5, replicas=0.0, spread=0.05) -> dict:
    rows = [{"batch_size": b, "processes": n, "test_accuracy": 0.95 + (n - 1) * accuracy_gap}
            for b in (10, 100) for n in (1, 2)]

    def ratio(r: float, spread: float) -> dict:
        return {"ratio": r, "low": r - spread, "high": r + spread, "coverage": 0.98}
    return {"cores": 2, "speedup": {"10": ratio(0.5, 0.05), "100": ratio(speedup, spread)},
            "profile": "full",
            "rows": rows, "one_vs_two_max_difference": 6e-4, "replica_max_difference": replicas}


@pytest.fixture
def debugging(monkeypatch):
    """A stand-in presenter for the debugging result: shares per implementation."""
    module = types.ModuleType("comparison.report.debugging")
    module.diagnosis_numbers = lambda record: record["numbers"]
    monkeypatch.setitem(sys.modules, "comparison.report.debugging", module)

    def record(scratch_silent: int, torch_silent: int, torch_loud: int) -> dict:
        def numbers(silent, loud):
            return {"measured": 10, "silent": silent, "loud": loud,
                    "caught_by_tool": 10 - silent - loud}
        return {"numbers": {"scratch": numbers(scratch_silent, 0),
                            "torch": numbers(torch_silent, torch_loud)}}
    return record


CASES = {
    ease.less_code: [({"code": code()}, SUPPORTED),
                     ({"code": code(torch=(3, 2, 9, 2, 4), keras=(3, 2, 9, 2, 4))}, QUALIFIED),
                     ({"code": code(torch=(9, 9, 9, 9, 9), keras=(9, 9, 9, 9, 9))}, REFUTED)],
    performance.frameworks_faster: [
        ({"speed": speed(batch=(0.5, 0.5), width=(0.5, 0.5))}, SUPPORTED),
        ({"speed": speed(batch=(2.0, 0.5))}, QUALIFIED),
        ({"speed": speed(batch=(2.0, 1.0), width=(2.0, 1.0))}, REFUTED),
        ({"speed": speed(batch=(1.0, 1.0), width=(1.0, 1.0))}, REFUTED),  # the same: measured
        ({"speed": speed(batch=(1.0, 1.0), width=(1.0, 1.0)) | {"comparisons": [
            c | {"low": 0.5, "high": 1.5} for c in speed()["comparisons"]]}}, UNDECIDED),
        ({"speed": speed(batch=(0.5, 0.5), width=(0.5, 0.5), busy=True)}, UNDECIDED),
        ({"speed": speed(batch=(0.5, 0.5), width=(0.5, 0.5), noise_agrees=False)}, UNDECIDED)],
    performance.faster_to_train: [
        ({"convergence": convergence((0.5,) * 6, (0.5,) * 6)}, SUPPORTED),
        ({"convergence": convergence((0.5,) * 6, (2.0,) * 6)}, QUALIFIED),
        ({"convergence": convergence()}, REFUTED),
        ({"convergence": convergence((0.5, 2.0) * 3, (0.5, 2.0) * 3)}, UNDECIDED)],
    performance.code_efficiency: [({"speed": speed(book=5.0)}, SUPPORTED),
                                  ({"speed": speed(book=1.5)}, QUALIFIED),
                                  ({"speed": speed(book=1.0)}, REFUTED),
                                  ({"speed": speed(book=5.0, busy=True)}, UNDECIDED)],
    performance.larger_models: [({"speed": speed(width=(2.0, 0.5))}, SUPPORTED),
                                ({"speed": speed(width=(3.0, 2.0))}, QUALIFIED),
                                ({"speed": speed(width=(1.5, 1.5))}, REFUTED),
                                ({"speed": speed(width=(0.6, 2.0))}, REFUTED),
                                ({"speed": speed(width=(0.9, 0.5))}, SUPPORTED),
                                ({"speed": speed(width=(1.0, 0.95))}, UNDECIDED)],
    performance.gpu: [({"speed": speed(), "speed-gpu": gpu_record([0.5, 2, 2])}, QUALIFIED),
                      ({"speed": speed(), "speed-gpu": gpu_record([4, 2, 0.5])}, SUPPORTED),
                      ({"speed": speed(), "speed-gpu": gpu_record([2, 2, 2])}, REFUTED),
                      ({"speed": speed(), "speed-gpu": gpu_record([4, 2, 0.5], current=False)},
                       UNDECIDED),
                      ({"speed": speed(), "speed-gpu": gpu_record([4, 2, 0.5], intervals=False)},
                       UNDECIDED),
                      ({"speed": speed()}, NOT_MEASURED)],
    performance.built_in_optimisations: [({"speed": speed(compiled=(0.8, 1.2))}, QUALIFIED),
                                         ({"speed": speed(compiled=(0.5, 0.5))}, SUPPORTED),
                                         ({"speed": speed(compiled=(1.5, 1.5))}, REFUTED),
                                         ({"speed": speed(compiled=(0.5, 0.5), busy=True)},
                                          UNDECIDED)],
    performance.efficient: [({"speed": speed()}, REFUTED),
                            ({"speed": speed(memory=(30, 10), best=(2.0, 1.0))}, SUPPORTED),
                            ({"speed": speed(memory=(30, 10))}, QUALIFIED),
                            ({"speed": speed(best=(1.0, 1.02))}, REFUTED),
                            ({"speed": speed(busy=True)}, UNDECIDED)],
    flexibility.full_control: [({"flexibility": flexibility_record()}, QUALIFIED),
                               ({"flexibility": flexibility_record(keras_conv=False)}, SUPPORTED),
                               ({"flexibility": flexibility_record(0.1)}, REFUTED),
                               ({"flexibility": flexibility_record(0.1, everyone=0.1)},
                                UNDECIDED)],
    flexibility.advanced_techniques: [({"flexibility": flexibility_record()}, QUALIFIED),
                                      ({"flexibility": flexibility_record(0.1)}, SUPPORTED),
                                      ({"flexibility": flexibility_record(scratch_lines=6)},
                                       REFUTED),
                                      ({"flexibility": flexibility_record(0.1, everyone=0.1)},
                                       UNDECIDED)],
    flexibility.easy_to_vary: [({"flexibility": flexibility_record()}, SUPPORTED),
                               ({"flexibility": flexibility_record(torch_lines=30)}, QUALIFIED),
                               ({"flexibility": flexibility_record(torch_lines=50)}, REFUTED)],
    flexibility.both_flexible: [({"flexibility": flexibility_record()}, SUPPORTED),
                                ({"flexibility": flexibility_record(torch_lines=30)}, QUALIFIED),
                                ({"flexibility": flexibility_record(0.1, torch_lines=50)},
                                 REFUTED),
                                ({"flexibility": flexibility_record(0.1, everyone=0.1)},
                                 UNDECIDED)],
    flexibility.integrates_with_tools: [({"tooling": tooling_record()}, SUPPORTED),
                                        ({"tooling": tooling_record(agree=0.9)}, QUALIFIED),
                                        ({"tooling": tooling_record(0, 1.0, 0.9)}, REFUTED)],
    flexibility.distributed: [({"scalability": scalability_record()}, SUPPORTED),
                              ({"scalability": scalability_record(speedup=1.0)}, QUALIFIED),
                              ({"scalability": scalability_record(speedup=1.0, spread=0.5)},
                               UNDECIDED),
                              ({"scalability": scalability_record(accuracy_gap=0.01)},
                               REFUTED),
                              ({"scalability": scalability_record(replicas=0.1)}, REFUTED)],
}
DEBUGGING = {
    diagnosis.harder_from_scratch: [((5, 1, 5), SUPPORTED), ((1, 5, 0), REFUTED),
                                    ((3, 3, 3), UNDECIDED)],
    diagnosis.framework_reports_them: [((5, 1, 5), SUPPORTED), ((1, 5, 0), REFUTED),
                                       ((3, 3, 3), UNDECIDED)],
}
BY_DEFINITION_RULES = (ease.hand_written, ease.frameworks_handle_it)


@pytest.mark.parametrize("rule", list(CASES), ids=lambda rule: rule.__name__)
def test_each_rule_reaches_the_verdict_its_data_call_for(rule):
    for records, expected in CASES[rule]:
        assert rule(records).verdict == expected, (rule.__name__, expected)


@pytest.mark.parametrize("rule", list(DEBUGGING), ids=lambda rule: rule.__name__)
def test_the_diagnosis_rules_follow_the_planted_bugs(rule, debugging):
    for args, expected in DEBUGGING[rule]:
        assert rule({"debugging": debugging(*args)}).verdict == expected
    assert rule({}).verdict == NOT_MEASURED


def test_every_rule_can_reach_at_least_two_verdicts():
    """A rule that returns one verdict whatever the data is no rule: each claim's judge is
    either 'not measured' by construction or has cases here reaching two verdicts or more."""
    tested = {rule: {v for _, v in cases} for rule, cases in CASES.items()}
    tested |= {rule: {v for _, v in cases} for rule, cases in DEBUGGING.items()}
    for claim in claims.CLAIMS:
        if claim.judge in tested:
            assert len(tested[claim.judge]) >= 2, claim.text
        elif claim.judge in BY_DEFINITION_RULES:
            assert claim.judge({"code": code()}).verdict == BY_DEFINITION
        elif claim.judge in (ease.learning_curve, ease.development_time):
            assert claim.judge({"code": code()}).verdict == NOT_MEASURED
        else:
            assert claim.judge({}).verdict == NOT_MEASURED, claim.text


def test_a_claim_without_its_result_is_not_measured_and_quick_is_provisional():
    claim = next(c for c in claims.CLAIMS if c.judge is ease.less_code)
    assert claims.judge(claim, {}).verdict == NOT_MEASURED
    assert claims.provisional(claim, {"code": code() | {"profile": "quick"}})
    assert not claims.provisional(claim, {"code": code()})
    table = claims.verdict_table({"code": code() | {"profile": "quick"}})
    assert "verdict--provisional" in table and "verdict--not-measured" in table


def test_rules_show_their_thresholds_from_the_constants():
    rules = claims.rules_table()
    assert f"r >= {ease.LESS_CODE_CLEAR}" in rules
    assert f"{performance.EFFICIENCY_GAP}x" in rules
    assert f"{flexibility.TECHNIQUE_COST}x" in rules
    assert f"{diagnosis.DIAGNOSIS_MARGIN:.0%}" in rules


@pytest.mark.parametrize(("prose", "broken"), [
    ("Keras takes not measuredx the NumPy code's time", True),
    ("the share was nan% here", True),
    ("None of it is hard", False),
    ("the share was inf here", True),
    ("Keras was **not measured** in this run.", False),
    ("`None` in code is code", False),
])
def test_the_build_refuses_a_value_glued_to_a_missing_one(prose, broken):
    from comparison.report.lint import glued_values

    assert bool(glued_values(prose)) is broken


def test_a_quoted_value_that_was_never_computed_is_refused():
    from comparison.report.lint import missing

    assert missing("None") and missing("nan%") and not missing("0.25") and not missing("Nonet")


@pytest.mark.parametrize(("words", "sentence"), [
    ("*why: unclear.*", "*Why: unclear.*"), ("a claim about people", "A claim about people"),
    ("torch.compile float32 ...", "torch.compile float32 ..."), ("21 lines", "21 lines")])
def test_an_answer_line_starts_its_sentence_with_a_capital(words, sentence):
    assert markdown.capitalised(words) == sentence
