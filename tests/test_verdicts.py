"""Every verdict rule, on small synthetic results, reaching more than one verdict."""

from __future__ import annotations

from dataclasses import replace

import pytest

from comparison import stats
from comparison.experiments.debugging.result import CAUGHT, LOUD, SILENT, Cell
from comparison.experiments.speed import result as speed_result
from comparison.experiments.tooling.result import CodeRow
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
    time_to_accuracy,
)
from comparison.results.machines import PROTOCOL_VERSION
from comparison.results.typed import Recorded
from comparison.stats import Ratio
from tests.conftest import fixture_record, typed_records

ROLES = ("model and forward pass", "cost functions", "gradients (backpropagation)",
         "parameter update (SGD with L2)", "training loop over mini-batches")


def code(scratch=(3, 2, 10, 2, 4), torch=(4, 2, 0, 3, 5), keras=(4, 2, 0, 3, 3),
         profile="full"):
    """The stored code result, with these lines per role in three implementations."""
    stored = typed_records({"code": fixture_record("code")})["code"]
    rows = tuple({"role": role, "scratch_lines": s, "torch_lines": t, "keras_lines": k}
                 for role, s, t, k in zip(ROLES, scratch, torch, keras))
    return replace(stored, config=replace(stored.config, profile=profile), rows=rows,
                   totals={"scratch": sum(scratch), "torch": sum(torch), "keras": sum(keras)})


def stored_speed(busy: bool = False, noise_agrees: bool = True, **changes) -> speed_result.Result:
    """The stored quick speed run as a full one on a machine that was quiet (or ``busy``),
    its noise floor agreeing (or not), with ``changes``."""
    stored = typed_records({"speed": fixture_record("speed")})["speed"]
    load = replace(stored.machine.load, busy=busy,
                   busy_reasons=("other work used 80%",) * busy)
    first, *rest = stored.noise_floor
    return replace(stored, config=replace(stored.config, profile="full", gpu=None, threads=2),
                   machine=replace(stored.machine, load=load),
                   noise_floor=(replace(first, agree=noise_agrees), *rest), **changes)


def comparison(sweep: str, point: int, a: str, b: str, ratio: float,
               spread: float = 0.05) -> speed_result.Comparison:
    at = {"batch_size": 100, "width": 30} | {"batch_size" if sweep == "batch" else "width": point}
    low, high = ratio - spread, ratio + spread
    return speed_result.Comparison(sweep, at["batch_size"], at["width"], a, b, ratio, low, high,
                                   0.98, stats.outcome(low, high))


def throughput_row(path: str, batch_size: int, seconds: float) -> speed_result.Row:
    return speed_result.Row(sweep="batch", path=path, status="ok", batch_size=batch_size,
                            width=30, threads=2, examples=1000, median_s=seconds,
                            low_s=0.98 * seconds, high_s=1.02 * seconds,
                            examples_per_s=1000 / seconds)


def speed(batch=(2.0, 0.5), width=(2.0, 0.5), book=5.0, compiled=(0.9, 1.2),
          memory=(10, 30), imports=(0.1, 0.8), best=(1.0, 2.0), busy=False,
          noise_agrees=True) -> speed_result.Result:
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
    impls = ("scratch", "torch", "keras")
    return stored_speed(busy, noise_agrees, comparisons=tuple(rows), rows=tuple(timed),
                        memory={impl: speed_result.Memory(100.0, 100.0 + m, m) for impl, m in
                                zip(impls, (memory[0], memory[1], memory[1]))},
                        imports=dict(zip(impls, (imports[0], imports[1], imports[1]))))


def convergence(torch_seconds=(2.0,) * 6, keras_seconds=(2.0,) * 6):
    """The stored quick run as a full one, its rows replaced by six seeds of these times."""
    rows = [{"impl": impl, "batch_size": 10, "eta": 0.5, "seed": seed, "target": 0.97,
             "reached": True, "seconds": s, "epochs": 1.0}
            for impl, times in (("scratch", (1.0,) * 6), ("torch", torch_seconds),
                                ("keras", keras_seconds))
            for seed, s in enumerate(times)]
    record = fixture_record("convergence")
    record["config"]["profile"] = "full"
    return typed_records({"convergence": record | {"rows": rows}})["convergence"]


def gpu_record(gpu_s: list[float], current: bool = True, intervals: bool = True,
               protocol: int | None = None, rounds: int = 6,
               jax_s: list[float] | None = None) -> Recorded:
    """A GPU record, made on a quiet machine, with ``rounds`` samples (or medians only), under
    the timing protocol ``protocol`` (None: a record made before the protocol was stamped);
    with JAX on the GPU too if ``jax_s``."""
    def row(path: str, b: int, s: float) -> speed_result.Row:
        times = tuple(s * (1 + 0.01 * i) for i in range(rounds)) if intervals else None
        return speed_result.Row(sweep="batch", path=path, batch_size=b, width=30, threads=2,
                                status="ok", seconds_per_epoch=s, median_s=s, min_s=s, max_s=s,
                                examples=50_000, times_s=times)
    paths = (("scratch float32", [1, 1, 1]), ("torch CUDA float32", gpu_s),
             *((("jax CUDA float32", jax_s),) if jax_s else ()))
    rows = [row(path, b, s) for path, times in paths for b, s in zip((10, 100, 1000), times)]
    result = stored_speed(rows=tuple(rows))
    return Recorded(replace(result, config=replace(result.config, gpu="Some GPU")),
                    {"date_utc": "2026-01-01", "timing_protocol": protocol}, current)


def flexibility_record(scratch_accuracy=0.95, scratch_lines=40, torch_lines=5,
                       torch_derivative=0, everyone=0.95, keras_conv=True):
    """The stored flexibility result cut to two variants in three implementations, with these
    lines and accuracies."""
    stored = typed_records({"flexibility": fixture_record("flexibility")})["flexibility"]
    variants = ("baseline", "relu", "conv")
    rows = []
    for variant in variants:
        for impl, lines, derivative, accuracy in (
                ("scratch", scratch_lines, 5, scratch_accuracy),
                ("torch", torch_lines, torch_derivative, everyone),
                ("keras", torch_lines, torch_derivative, everyone)):
            if impl == "keras" and variant == "conv" and not keras_conv:
                continue
            rows.append(replace(stored.rows[0], variant=variant, impl=impl, lines_touched=lines,
                                derivative_lines=derivative, test_accuracy=accuracy,
                                min_test_accuracy=accuracy, max_test_accuracy=accuracy,
                                seconds_per_epoch=1.0))
    config = replace(stored.config, profile="full", implementations=("scratch", "torch", "keras"),
                     variants={v: stored.config.variants[v] for v in variants})
    return replace(stored, config=config, rows=tuple(rows))


def tooling_record(histograms=20, difference=0.0, agree=1.0):
    """The stored tooling result in three implementations, PyTorch's and Keras's logging and
    export as given."""
    stored = typed_records({"tooling": fixture_record("tooling")})["tooling"]
    board = replace(stored.tensorboard["keras"], histograms=histograms,
                    scalar_max_difference=difference, scalar_tags=("a", "b"))
    export = replace(stored.exports["torch"], predictions_agree=agree)
    rows = tuple(CodeRow(task, impl, 5) for task in ("curves and histograms",)
                 for impl in ("scratch", "torch", "keras"))
    config = replace(stored.config, profile="full", implementations=("scratch", "torch", "keras"))
    return replace(stored, config=config, rows=rows, tensorboard={"torch": board, "keras": board},
                   exports={"scratch": replace(export, predictions_agree=1.0), "torch": export,
                            "keras": export})


def scalability_record(accuracy_gap=0.0, speedup=1.5, replicas=0.0, spread=0.05):
    """The stored scalability result with these speed-ups and accuracies."""
    stored = typed_records({"scalability": fixture_record("scalability")})["scalability"]
    rows = tuple(replace(stored.rows[0], batch_size=b, processes=n,
                         test_accuracy=0.95 + (n - 1) * accuracy_gap)
                 for b in (10, 100) for n in (1, 2))

    def ratio(r: float, spread: float) -> Ratio:
        return Ratio(r, r - spread, r + spread, 0.98)
    return replace(stored, config=replace(stored.config, profile="full"), cores=2, rows=rows,
                   speedup={10: ratio(0.5, 0.05), 100: ratio(speedup, spread)},
                   one_vs_two_max_difference=6e-4, replica_max_difference=replicas)


@pytest.fixture
def debugging():
    """The stored debugging result with ten bugs run in scratch and in PyTorch: so many silent,
    so many loud, the rest caught by a standard tool."""
    stored = typed_records({"debugging": fixture_record("debugging")})["debugging"]

    def cells(impl: str, silent: int, loud: int) -> list[dict]:
        outcomes = [SILENT] * silent + [LOUD] * loud + [CAUGHT] * (10 - silent - loud)
        return [Cell(f"bug {k}", impl, outcome, seconds=0.1, correct_accuracy=0.9,
                     accuracy=0.5, accuracy_loss=0.4).row() for k, outcome in enumerate(outcomes)]

    def result(scratch_silent: int, torch_silent: int, torch_loud: int):
        return replace(stored, rows=(*cells("scratch", scratch_silent, 0),
                                     *cells("torch", torch_silent, torch_loud)))
    return result


CASES = {
    ease.less_code: [({"code": code()}, SUPPORTED),
                     ({"code": code(torch=(3, 2, 9, 2, 4), keras=(3, 2, 9, 2, 4))}, QUALIFIED),
                     ({"code": code(torch=(9, 9, 9, 9, 9), keras=(9, 9, 9, 9, 9))}, REFUTED)],
    performance.frameworks_faster: [
        ({"speed": speed(batch=(0.5, 0.5), width=(0.5, 0.5))}, SUPPORTED),
        ({"speed": speed(batch=(2.0, 0.5))}, QUALIFIED),
        ({"speed": speed(batch=(2.0, 1.0), width=(2.0, 1.0))}, REFUTED),
        ({"speed": speed(batch=(1.0, 1.0), width=(1.0, 1.0))}, REFUTED),  # the same: measured
        ({"speed": replace(speed(batch=(1.0, 1.0), width=(1.0, 1.0)), comparisons=tuple(
            replace(c, low=0.5, high=1.5) for c in speed().comparisons))}, UNDECIDED),
        ({"speed": speed(batch=(0.5, 0.5), width=(0.5, 0.5), busy=True)}, UNDECIDED),
        ({"speed": speed(batch=(0.5, 0.5), width=(0.5, 0.5), noise_agrees=False)}, UNDECIDED)],
    time_to_accuracy.faster_to_train: [
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
                      ({"speed": speed(), "speed-gpu": gpu_record(
                          [4, 2, 0.5], current=False, protocol=PROTOCOL_VERSION)}, SUPPORTED),
                      ({"speed": speed(), "speed-gpu": gpu_record(
                          [4, 2, 0.5], current=False, protocol=PROTOCOL_VERSION - 1)}, UNDECIDED),
                      ({"speed": speed(), "speed-gpu": gpu_record([4, 2, 0.5], rounds=2)},
                       UNDECIDED),
                      ({"speed": speed(), "speed-gpu": gpu_record([2, 2, 2], jax_s=[0.5] * 3)},
                       REFUTED),
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
    assert claims.provisional(claim, {"code": code(profile="quick")})
    assert not claims.provisional(claim, {"code": code()})
    table = claims.verdict_table({"code": code(profile="quick")})
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


def test_a_busy_run_says_why_and_shows_the_command_that_reruns_it_as_code():
    found = performance.frameworks_faster({"speed": speed(busy=True)})
    shown = claims.measured(found)
    assert found.verdict == UNDECIDED and "flagged busy" in found.reason
    assert "`python -m comparison run --only speed --force`" in shown
    assert claims.measured(performance.frameworks_faster({"speed": speed()})).count("`") == 0


def test_an_option_at_the_point_both_sweeps_share_counts_once():
    """Mini-batch 100 × width 30 lies on both sweeps and is timed once: the built-in
    optimisations verdict counts it once (on the stored run, 9 points, not 12)."""
    stored = typed_records({"speed": fixture_record("speed")})["speed"]
    both = [c for c in stored.comparisons if c.first.compiled and c.second.impl == c.first.impl]
    points = {(c.a, c.batch_size, c.width) for c in both}
    assert len(both) > len(points) == len(stored.options())
    number = performance.built_in_optimisations({"speed": stored}).number
    assert f"of {len(points)} points" in number
