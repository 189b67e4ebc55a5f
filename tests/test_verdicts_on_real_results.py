"""Every judged claim, on real stored results perturbed the way the world could change them,
reaches at least two outcomes; and JAX, beside the texts, never moves a verdict.

The results in ``tests/fixtures/quick-run/`` are a quick-profile run of every experiment on real
MNIST, stored as the experiments wrote them (``python -m comparison run --profile quick``, then
copied). A perturbation changes raw measurements (times, accuracies, counts, flags) and, where
the experiment derives numbers from them, derives them again with the experiment's own code,
so the rule under test sees a record the experiment could have written.
"""

from __future__ import annotations

import copy
import html
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from comparison.experiments import speed as speed_experiment
from comparison.experiments.speed.paths import PATHS
from comparison.report.debugging import CAUGHT, LOUD, SILENT
from comparison.report.verdicts import (
    BY_DEFINITION,
    NOT_MEASURED,
    QUALIFIED,
    SUPPORTED,
    UNDECIDED,
    claims,
    diagnosis,
    ease,
    flexibility,
    performance,
    time_to_accuracy,
)
from tests.conftest import typed_records

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "quick-run"
Records = dict[str, dict]


@pytest.fixture(scope="module")
def real() -> Records:
    records = {p.stem: json.loads(p.read_text()) for p in sorted(FIXTURES.glob("*.json"))}
    gpu = json.loads((ROOT / "docs" / "records" / "speed-gpu.json").read_text())
    return records | {"speed-gpu": gpu | {"current": False}}


def quiet(speed: dict) -> dict:
    """The run as a quiet machine would have recorded it: no busy flag, an agreeing floor."""
    speed["machine"]["load"] |= {"busy": False, "busy_reasons": []}
    speed["noise_floor"] = [n | {"agree": True} for n in speed["noise_floor"]]
    return speed


def scale_times(factor: float, path: str, where: Callable[[dict], bool] = lambda r: True):
    """Multiply one path's samples (at the rows ``where`` picks) and re-derive every paired
    comparison with the experiment's code."""
    def perturb(records: Records) -> None:
        speed = quiet(records["speed"])
        for row in speed["rows"]:
            if row["path"] == path and row.get("times_s") and where(row):
                row["times_s"] = [t * factor for t in row["times_s"]]
                row["median_s"], row["low_s"], row["high_s"] = (
                    row["median_s"] * factor, row["low_s"] * factor, row["high_s"] * factor)
                row["examples_per_s"] /= factor
        speed["comparisons"] = speed_experiment.comparisons(speed["rows"])
    return perturb


def frameworks(factor: float):
    def perturb(records: Records) -> None:
        for path in ("torch float32", "keras float32"):
            scale_times(factor, path)(records)
    return perturb


def widest(factor: float):
    def perturb(records: Records) -> None:
        wide = max(r["width"] for r in records["speed"]["rows"])
        for path in ("torch float32", "keras float32"):
            scale_times(factor, path, lambda r: r["width"] == wide)(records)
    return perturb


def busy(records: Records) -> None:
    load = records["speed"]["machine"]["load"]
    load |= {"busy": True, "busy_reasons": ["other work used 60% of the usable CPUs"]}


def noisy(records: Records) -> None:
    records["speed"]["noise_floor"][0]["agree"] = False


def memory(factor: float):
    def perturb(records: Records) -> None:
        for impl in ("torch", "keras"):
            records["speed"]["memory"][impl]["training_mb"] = (
                records["speed"]["memory"]["scratch"]["training_mb"] * factor)
    return perturb


def gpu_run(factor: float, current: bool = True):
    """This run's PyTorch rows as a GPU record's CUDA path, its samples scaled."""
    def perturb(records: Records) -> None:
        speed = quiet(copy.deepcopy(records["speed"]))
        speed["rows"] = [r for r in speed["rows"] if r["path"] != "torch float32"] + [
            r | {"path": "torch CUDA float32",
                 "times_s": [t * factor for t in r["times_s"]],
                 "seconds_per_epoch": r["seconds_per_epoch"] * factor}
            for r in speed["rows"] if r["path"] == "torch float32" and r.get("times_s")]
        speed["config"] |= {"gpu": "Test GPU"}
        speed["provenance"]["date_utc"] = "2026-12-05T00:00:00Z"
        records["speed-gpu"] = speed | {"current": current}
    return perturb


def seeds(records: Records, n: int = 6) -> list[dict]:
    """Time-to-accuracy rows with ``n`` seeds (the quick profile runs one): the recorded seed
    repeated, each copy 1% slower than the last, as further seeds would scatter."""
    rows = records["convergence"]["rows"]
    return [r | {"seed": k, "seconds": None if r["seconds"] is None
                 else r["seconds"] * (1 + 0.01 * k)} for r in rows for k in range(n)]


def to_accuracy(factor: float | None):
    """Frameworks' time to every target multiplied (None: they never reach it)."""
    def perturb(records: Records) -> None:
        rows = seeds(records)
        for r in rows:
            if r["impl"] in ("torch", "keras"):
                r |= ({"reached": False, "seconds": None} if factor is None else
                      {"reached": True, "seconds": _scratch(rows, r) * factor})
        records["convergence"]["rows"] = rows
    return perturb


def _scratch(rows: list[dict], r: dict) -> float:
    found = next(s for s in rows if (s["impl"], s["batch_size"], s["target"], s["seed"])
                 == ("scratch", r["batch_size"], r["target"], r["seed"]))
    return found["seconds"] or 1.0


def convergence_busy(records: Records) -> None:
    records["convergence"]["rows"] = seeds(records)
    records["convergence"]["load"] |= {"busy": True, "busy_reasons": ["other work"]}


def scratch_lines(total: int):
    def perturb(records: Records) -> None:
        records["code"]["totals"]["scratch"] = total
    return perturb


def accuracy(impls: tuple[str, ...], value: float, variant: str | None = None):
    """Every seed of ``impls``' variants (or one variant) ending at ``value``."""
    def perturb(records: Records) -> None:
        for r in records["flexibility"]["rows"]:
            if r["impl"] in impls and r["variant"] != "baseline" and variant in (None,
                                                                                 r["variant"]):
                r |= {"test_accuracy": value, "min_test_accuracy": value,
                      "max_test_accuracy": value}
    return perturb


def then(*perturbs):
    """Several perturbations, in order."""
    def perturb(records: Records) -> None:
        for one in perturbs:
            one(records)
    return perturb


ALL = ("scratch", "torch", "keras", "jax")
TRAINED = accuracy(ALL, 0.95)  # a profile long enough to train every variant


def framework_lines(factor: float):
    def perturb(records: Records) -> None:
        for r in records["flexibility"]["rows"]:
            if r["impl"] in ("torch", "keras"):
                r["lines_touched"] = round(r["lines_touched"] * factor)
    return perturb


def drop_keras_conv(records: Records) -> None:
    records["flexibility"]["rows"] = [r for r in records["flexibility"]["rows"]
                                      if (r["impl"], r["variant"]) != ("keras", "conv")]


def tools(histograms: int | None = None, agree: float | None = None):
    def perturb(records: Records) -> None:
        for impl in ("torch", "keras"):
            if histograms is not None:
                records["tooling"]["tensorboard"][impl]["histograms"] = histograms
            if agree is not None:
                records["tooling"]["exports"][impl]["predictions_agree"] = agree
    return perturb


def ddp(ratio: float | None = None, spread: float = 0.05, accuracy_gap: float = 0.0):
    def perturb(records: Records) -> None:
        record = records["scalability"]
        if ratio is not None:
            record["speedup"] = {b: {"ratio": ratio, "low": ratio - spread,
                                     "high": ratio + spread, "coverage": 0.98}
                                 for b in record["speedup"]}
        for r in record["rows"]:
            if r["processes"] == 2:
                r["test_accuracy"] += accuracy_gap
    return perturb


def bugs(impl: str, outcome: str):
    """Every planted bug that ran in ``impl`` ending with ``outcome``."""
    def perturb(records: Records) -> None:
        for r in records["debugging"]["rows"]:
            if r["impl"] == impl and r["outcome"] in (LOUD, CAUGHT, SILENT):
                r["outcome"] = outcome
                if outcome == SILENT and r.get("accuracy_loss") is None:
                    r["accuracy_loss"] = 0.5  # a silent bug still costs accuracy
    return perturb


PERTURBATIONS = {
    performance.frameworks_faster: [frameworks(0.01), frameworks(100), frameworks(1.0), busy,
                                    noisy],
    time_to_accuracy.faster_to_train: [to_accuracy(0.5), to_accuracy(2.0), to_accuracy(None),
                                  convergence_busy],
    performance.code_efficiency: [scale_times(0.01, "book per-example (float64)"),
                                  scale_times(100, "book per-example (float64)"), busy],
    performance.larger_models: [widest(0.01), widest(100), busy],
    performance.gpu: [gpu_run(0.01), gpu_run(100), gpu_run(0.01, current=False)],
    performance.built_in_optimisations: [scale_times(0.01, "torch.compile float32"),
                                         scale_times(100, "torch.compile float32"), busy],
    performance.efficient: [frameworks(0.01), frameworks(100), memory(0.1), busy],
    ease.less_code: [scratch_lines(1000), scratch_lines(1)],
    flexibility.full_control: [TRAINED, then(TRAINED, accuracy(("scratch",), 0.1, "relu")),
                               then(TRAINED, drop_keras_conv), accuracy(ALL, 0.1, "relu")],
    flexibility.advanced_techniques: [then(TRAINED, accuracy(("scratch",), 0.1, "relu")),
                                      then(TRAINED, framework_lines(100)),
                                      then(TRAINED, framework_lines(0.01)),
                                      accuracy(ALL, 0.1, "relu")],
    flexibility.easy_to_vary: [framework_lines(0.01), framework_lines(100)],
    flexibility.both_flexible: [then(TRAINED, framework_lines(0.01)),
                                then(TRAINED, framework_lines(100)),
                                accuracy(ALL, 0.1, "relu")],
    flexibility.integrates_with_tools: [tools(histograms=20, agree=1.0), tools(agree=0.5),
                                        tools(histograms=0, agree=0.5)],
    flexibility.distributed: [ddp(3.0), ddp(0.5), ddp(1.0, spread=0.5), ddp(accuracy_gap=0.05)],
    diagnosis.harder_from_scratch: [bugs("scratch", SILENT), bugs("scratch", LOUD)],
    diagnosis.framework_reports_them: [bugs("scratch", SILENT), bugs("scratch", LOUD)],
}
BY_CONSTRUCTION = {ease.hand_written, ease.frameworks_handle_it}


def outcomes(rule, real: Records) -> set[str]:
    found = {rule(typed_records(real)).verdict}
    for perturb in PERTURBATIONS[rule]:
        records = copy.deepcopy(real)
        perturb(records)
        found.add(rule(typed_records(records)).verdict)
    return found


@pytest.mark.parametrize("rule", list(PERTURBATIONS), ids=lambda rule: rule.__name__)
def test_a_perturbed_real_result_moves_the_verdict(rule, real):
    assert len(outcomes(rule, real) - {NOT_MEASURED}) >= 2, rule.__name__


def test_every_judged_claim_is_shown_to_move(real):
    """The meta-test: a claim is judged (then perturbed above), labelled by definition, or not
    measured whatever the data; nothing else."""
    for claim in claims.CLAIMS:
        verdict = claims.judge(claim, typed_records(real)).verdict
        if claim.judge in BY_CONSTRUCTION:
            assert verdict == BY_DEFINITION, claim.text
        elif claim.judge not in PERTURBATIONS:  # a proxy may be shown: it decides nothing
            assert verdict == NOT_MEASURED, claim.text


@pytest.mark.parametrize("perturb", [busy, noisy], ids=["busy", "noise floor"])
def test_a_run_that_failed_its_checks_decides_no_speed_claim(perturb, real):
    records = copy.deepcopy(real)
    perturb(records)
    for rule in (performance.frameworks_faster, performance.code_efficiency,
                 performance.larger_models, performance.built_in_optimisations,
                 performance.efficient):
        judgement = rule(typed_records(records))
        assert judgement.verdict == UNDECIDED and judgement.reason, rule.__name__


def test_the_old_gpu_record_decides_nothing(real):
    judgement = performance.gpu(typed_records(real))
    assert judgement.verdict == UNDECIDED and "older code" in judgement.reason


def without_jax(records: Records) -> Records:
    """The records a run without the JAX extra would hold, as far as the rules read them."""
    records = copy.deepcopy(records)
    speed = records["speed"]
    speed["rows"] = [r for r in speed["rows"] if PATHS[r["path"]].impl != "jax"]
    speed["comparisons"] = [c for c in speed["comparisons"] if PATHS[c["a"]].impl != "jax"]
    for key in ("memory", "imports"):
        speed[key].pop("jax", None)
    records["convergence"]["rows"] = [r for r in records["convergence"]["rows"]
                                      if r["impl"] != "jax"]
    for name in ("code", "tooling"):
        for key in ("totals", "tensorboard", "exports"):
            records[name].get(key, {}).pop("jax", None)
    records["code"]["rows"] = [{k: v for k, v in r.items() if not k.startswith("jax")}
                               for r in records["code"]["rows"]]
    for name in ("flexibility", "tooling"):
        records[name]["rows"] = [r for r in records[name]["rows"] if r.get("impl") != "jax"]
        records[name]["config"]["implementations"] = [
            i for i in records[name]["config"]["implementations"] if i != "jax"]
    return records


def test_jax_never_moves_a_verdict(real):
    """Claims about PyTorch and TensorFlow are the same with and without JAX, also where the
    data are pushed to make JAX disagree with the others."""
    assert "jax float32" in {c["a"] for c in real["speed"]["comparisons"]}
    jax_faster = copy.deepcopy(real)
    scale_times(0.01, "jax float32")(jax_faster)
    for records in (real, jax_faster):
        plain = without_jax(records)
        for claim in claims.CLAIMS:
            assert (claims.judge(claim, typed_records(records)).verdict
                    == claims.judge(claim, typed_records(plain)).verdict), claim.text


INTERVAL = re.compile(r"\[[^\[\]]*\d[–-][^\[\]]*\d[^\[\]]*\]")  # "[0.76–0.98]"


def test_each_sentence_of_a_verdict_holds_one_interval_at_most(real):
    """The answer boxes quote these numbers in running text, where a reader meets one interval
    at a time (the quick run's sweeps have two points a side, so a list would hold two)."""
    for claim in claims.CLAIMS:
        number = html.unescape(claims.measured(claims.judge(claim, typed_records(real))))
        for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z(])", number):
            assert len(INTERVAL.findall(sentence)) <= 1, (claim.text, sentence)


def tuned(factor: float):
    """A tuned NumPy code whose samples are the plain one's times ``factor``, compared again
    (the quick run predates the tuned path)."""
    def perturb(records: Records) -> None:
        speed = quiet(records["speed"])
        speed["rows"] += [r | {"path": "scratch tuned float32",
                               "times_s": [t * factor for t in r["times_s"]]}
                          for r in speed["rows"] if r["path"] == "scratch float32"
                          and r.get("times_s") and r["sweep"] in ("batch", "width")]
        speed["comparisons"] = speed_experiment.comparisons(speed["rows"])
    return perturb


@pytest.mark.parametrize("rule", [performance.frameworks_faster, performance.larger_models],
                         ids=lambda rule: rule.__name__)
def test_beating_numpys_defaults_but_not_tuned_numpy_is_qualified(rule, real):
    """Frameworks far faster than the book-faithful NumPy code but far slower than a tuned one:
    the speed verdicts name both, and neither side alone."""
    records, widest = copy.deepcopy(real), max(real["speed"]["config"]["widths"])
    for path in ("torch float32", "keras float32"):  # far faster everywhere, more so when wide
        scale_times(0.01, path, lambda r: r["width"] == widest)(records)
        scale_times(0.1, path)(records)
    plain = rule(typed_records(records))
    assert plain.verdict in (SUPPORTED, QUALIFIED), plain
    same = copy.deepcopy(records)
    tuned(1.0)(same)  # a tuned code no faster than the plain one changes nothing
    assert rule(typed_records(same)).verdict == plain.verdict
    tuned(0.001)(records)
    judgement = rule(typed_records(records))
    assert judgement.verdict == QUALIFIED, (plain, judgement)
    assert "against the tuned NumPy code" in judgement.number
