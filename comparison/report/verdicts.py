"""Every claim of the two seed texts, with a verdict computed from the stored results.

The claims are paraphrased (seed A: "Comparison of Neural Network Implementations", seed B:
"MIA-phase2"). A verdict is a rule over the data, so a new run can change it:
supported, qualified (true only in part, or under a condition), refuted, or not measured.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from comparison.report.flexibility import flexibility_quotes
from comparison.report.gpu import gpu_quotes, gpu_speedups
from comparison.report.markdown import find_row, markdown_table, pct
from comparison.report.speed import keras_crossover

Records = dict[str, dict]


@dataclass(frozen=True)
class Claim:
    area: str
    seeds: str
    text: str
    page: str  # where the evidence is
    judge: Callable[[Records], tuple[str, str]]  # -> (verdict, the number behind it)


def _code(records: Records) -> dict:
    return records["code"]


def _combined(verdicts: list[str]) -> str:
    """One verdict for a claim about "PyTorch/TensorFlow" from one verdict per framework."""
    return verdicts[0] if len(set(verdicts)) == 1 else "qualified"


def hand_written_gradients(records: Records) -> tuple[str, str]:
    lines = _code(records)["hand_written_derivative_lines"]
    frameworks = all(lines[impl] == 0 for impl in ("torch", "keras"))
    verdict = "supported" if lines["scratch"] > 0 and frameworks else "refuted"
    return verdict, (f"{lines['scratch']} lines of hand-derived gradient code from scratch, "
                     f"{lines['torch']} in PyTorch, {lines['keras']} in Keras")


def less_code(records: Records) -> tuple[str, str]:
    totals = _code(records)["totals"]
    ratios = {impl: totals["scratch"] / totals[impl] for impl in ("torch", "keras")}
    verdicts = ["supported" if r >= 1.5 else "qualified" if r > 1 else "refuted"
                for r in ratios.values()]
    return _combined(verdicts), (
        f"{totals['scratch']} lines from scratch vs {totals['torch']} in PyTorch "
        f"({ratios['torch']:.1f}x) and {totals['keras']} in Keras ({ratios['keras']:.1f}x) "
        "for the same network")


def development_time(records: Records) -> tuple[str, str]:
    totals = _code(records)["totals"]
    return "qualified", (
        f"time was not measured; code size was: {totals['scratch'] / totals['torch']:.1f}x "
        f"PyTorch's and {totals['scratch'] / totals['keras']:.1f}x Keras's, most of it the "
        "gradient code the frameworks derive themselves")


def _faster_points(records: Records, path: str) -> tuple[list, list]:
    """The mini-batch sizes (float32, CPU) at which ``path`` trains faster than scratch."""
    speed = {(r["path"], r["batch_size"]): r["examples_per_s"] for r in records["speed"]["rows"]
             if r["sweep"] == "batch" and r["status"] == "ok"}
    points = sorted({b for p, b in speed if p == path})
    return [b for b in points if speed[path, b] > speed["scratch float32", b]], points


def _measured_frameworks(records: Records) -> list[str]:
    paths = records["speed"]["config"]["paths"]
    return [p for p in ("torch float32", "keras float32") if p in paths]


def scratch_slower(records: Records) -> tuple[str, str]:
    verdicts = []
    for path in _measured_frameworks(records):
        faster, points = _faster_points(records, path)
        verdicts.append("refuted" if not faster else "supported" if faster == points
                        else "qualified")
    return _combined(verdicts), _speed_number(records)


def _speed_number(records: Records) -> str:
    small = records["speed"]["config"]["batch_sizes"][0]

    def epoch(path: str) -> float:
        row = find_row(records["speed"], sweep="batch", path=path, batch_size=small)
        return row["seconds_per_epoch"]

    keras = ("Keras not measured" if "keras float32" not in _measured_frameworks(records)
             else f"{epoch('keras float32'):.2f} s in Keras")
    return (f"CPU, mini-batch {small}, float32: {epoch('scratch float32'):.2f} s/epoch from "
            f"scratch vs {epoch('torch float32'):.2f} s in PyTorch and {keras}")


def larger_models(records: Records) -> tuple[str, str]:
    """Does a framework pull ahead of the NumPy code as the layers widen?"""
    found = {"PyTorch": records["speed"]["crossovers"]["width_float32"]}
    if "keras float32" in _measured_frameworks(records):
        found["Keras"] = keras_crossover(records["speed"], "width", "width")
    verdicts, numbers = [], []
    for who, cross in found.items():
        ahead, points = cross["torch_ahead_from"], cross["points"]
        verdicts.append("refuted" if ahead is None else "supported" if ahead == points[0]
                        else "qualified")
        numbers.append(f"{who} not ahead at any width up to {points[-1]}" if ahead is None
                       else f"{who} ahead from width {ahead} (of up to {points[-1]})")
    return _combined(verdicts), "; ".join(numbers) + " on this CPU"


def gpu(records: Records) -> tuple[str, str]:
    """This run's GPU rows if it had a GPU, else a run recorded on a GPU machine (docs/records)."""
    record = records["speed"] if records["speed"]["config"]["gpu"] else records.get("speed-gpu")
    if record is None:
        return "not measured", ("no GPU was available to this run and none is recorded; the "
                                "scratch code has no GPU path, and the Keras extra is "
                                "TensorFlow's CPU build")
    speedups = [f["speedup"] for f in gpu_speedups(record)]
    verdict = ("refuted" if max(speedups) <= 1 else "supported" if min(speedups) > 1
               else "qualified")
    q = gpu_quotes(record)
    where = "this run" if record is records["speed"] else f"recorded {q['date']}"
    if not record.get("current", True):
        where += ", with older code"
    return verdict, (f"{q['gpu']} ({where}) against the fastest CPU path of the same machine: "
                     f"faster at {q['faster_at']} points, {q['ahead_from_batch']} and "
                     f"{q['ahead_from_width']}; up to {q['best']}, {q['worst']} (PyTorch only)")


def built_in_optimisations(records: Records) -> tuple[str, str]:
    rows = records["speed"]["rows"]
    compiled = [r for r in rows if r["path"] == "torch.compile float32" and r["status"] == "ok"]
    if not compiled:
        return "not measured", "torch.compile did not run here"
    wins = 0
    for c in compiled:
        eager = next(r for r in rows if r["path"] == "torch float32" and r["sweep"] == c["sweep"]
                     and (r["batch_size"], r["width"]) == (c["batch_size"], c["width"]))
        wins += c["examples_per_s"] > eager["examples_per_s"]
    verdict = "refuted" if wins == 0 else "supported" if wins == len(compiled) else "qualified"
    first = max(c["first_batch_seconds"] for c in compiled)
    return verdict, (f"torch.compile faster than eager PyTorch at {wins} of {len(compiled)} "
                     f"points; up to {first:.0f} s to compile (Keras's XLA not measured)")


def distributed(records: Records) -> tuple[str, str]:
    record = records["scalability"]
    best = max(record["speedup"].values())
    works = record["replica_max_difference"] == 0.0
    verdict = "refuted" if not works else "supported" if best > 1.2 else "qualified"
    return verdict, (f"DDP ran with identical replicas; 2 processes on {record['cores']} cores: "
                     f"{best:.2f}x the 1-process speed at best (PyTorch only)")


TRAINED = 0.5  # test accuracy well above chance (0.1): the variant learns


def _variant_lines(records: Records) -> tuple[dict, dict, int]:
    quotes = flexibility_quotes(records["flexibility"])
    lines = {impl: quotes[f"{impl}_lines"] for impl in ("scratch", "torch", "keras")}
    derivative = {impl: int(quotes[f"{impl}_derivative"]) for impl in ("scratch", "torch")}
    derivative["keras"] = sum(r["derivative_lines"] for r in records["flexibility"]["rows"]
                              if r["impl"] == "keras")
    return lines, derivative, int(quotes["variants"])


def full_control(records: Records) -> tuple[str, str]:
    """Every variant was written from scratch; the question is whether that control is to be
    had only there, so the verdict turns on whether PyTorch trained every variant too."""
    lines, derivative, variants = _variant_lines(records)
    rows = records["flexibility"]["rows"]
    trained = {impl: all(r["test_accuracy"] > TRAINED for r in rows if r["impl"] == impl)
               for impl in {r["impl"] for r in rows}}
    frameworks = any(trained.get(impl) for impl in ("torch", "keras"))
    verdict = "qualified" if frameworks or not trained["scratch"] else "supported"
    return verdict, (f"all {variants} variants written from scratch ({lines['scratch']} lines, "
                     f"{derivative['scratch']} of them hand-derived gradients); PyTorch "
                     f"expressed the same {variants} in {lines['torch']} lines, "
                     f"{_keras_lines(lines)}")


def easy_to_vary(records: Records) -> tuple[str, str]:
    lines, derivative, variants = _variant_lines(records)
    scratch = int(lines["scratch"])
    verdicts = [("supported" if derivative[impl] == 0 and 2 * int(lines[impl]) <= scratch
                 else "qualified" if int(lines[impl]) < scratch else "refuted")
                for impl in ("torch", "keras") if lines[impl] != "not measured"]
    return _combined(verdicts), (
        f"{variants} variants: {lines['torch']} lines added or changed in PyTorch, "
        f"{_keras_lines(lines)}, {scratch} from scratch ({derivative['scratch']} of them "
        "hand-derived gradients)")


def _keras_lines(lines: dict) -> str:
    measured = lines["keras"] != "not measured"
    return f"{lines['keras']} in Keras" if measured else "Keras not measured"


def tooling(records: Records) -> tuple[str, str]:
    record = records["tooling"]
    boards, exports = record["tensorboard"], record["exports"]
    verdicts = []
    for impl, board in boards.items():
        works = (board["histograms"] > 0 and board["scalar_max_difference"] < 1e-6
                 and exports[impl]["predictions_agree"] == 1.0)
        verdicts.append("supported" if works else "refuted")
    task = "curves and histograms"

    def lines(impl: str) -> str:
        return str(find_row(record, task=task, impl=impl)["lines"])

    keras = (f"Keras's TensorBoard callback in {lines('keras')}" if "keras" in boards
             else "Keras not measured")
    return _combined(verdicts), (
        f"TensorBoard from PyTorch in {lines('torch')} lines, {keras} (matplotlib by hand: "
        f"{lines('scratch')}); exports kept at least "
        f"{pct(min(e['predictions_agree'] for e in exports.values()))} of predictions; data "
        "loading and debugging tools not measured")


def not_measured(reason: str) -> Callable[[Records], tuple[str, str]]:
    return lambda records: ("not measured", reason)


CLAIMS = [
    Claim("ease of use", "A, B", "From scratch, the forward pass, backpropagation and the "
          "optimiser must all be written by hand.", "ease-of-use.md", hand_written_gradients),
    Claim("ease of use", "A, B", "Writing it from scratch demands a real grasp of the maths "
          "(a steep learning curve).", "ease-of-use.md", hand_written_gradients),
    Claim("ease of use", "A, B", "Development takes longer from scratch.", "ease-of-use.md",
          development_time),
    Claim("ease of use", "A", "In PyTorch you subclass nn.Module; autograd and torch.optim "
          "take care of backpropagation and updates.", "ease-of-use.md", hand_written_gradients),
    Claim("ease of use", "A, B", "PyTorch gets a model running with less code and less time.",
          "ease-of-use.md", less_code),
    Claim("performance", "A, B", "A hand-written implementation is less optimised, so slower.",
          "performance.md", scratch_slower),
    Claim("performance", "A, B", "PyTorch is faster thanks to its optimised routines.",
          "performance.md", scratch_slower),
    Claim("performance", "B", "The gap grows with larger models.", "performance.md",
          larger_models),
    Claim("performance", "A, B", "PyTorch can use a GPU to speed training up.",
          "performance.md", gpu),
    Claim("performance", "B", "Libraries bring built-in optimisations that speed training up.",
          "performance.md", built_in_optimisations),
    Claim("performance", "A", "Performance problems are harder to diagnose in hand-written "
          "code; PyTorch's tooling makes them easier.", "methodology.md",
          not_measured("a judgement about debugging, not a quantity; see threats to validity")),
    Claim("flexibility", "A, B", "From scratch you control every detail: custom layers, costs "
          "and optimisers.", "flexibility.md", full_control),
    Claim("flexibility", "A, B", "Building it yourself teaches how networks work.",
          "ease-of-use.md", not_measured("a claim about learning; the code is shown for "
                                         "readers to judge")),
    Claim("flexibility", "A, B", "PyTorch makes trying other architectures, layers and "
          "hyperparameters easy.", "flexibility.md", easy_to_vary),
    Claim("flexibility", "A, B", "PyTorch integrates with tools for data loading, "
          "visualisation (TensorBoard), debugging and deployment.", "flexibility.md#tooling",
          tooling),
    Claim("scalability", "B", "PyTorch scales to large data and distributed or model-parallel "
          "training.", "flexibility.md#scalability", distributed),
]


def verdict_table(records: Records) -> str:
    rows = []
    for claim in CLAIMS:
        verdict, number = claim.judge(records)
        rows.append([claim.area, claim.seeds, claim.text, f"**{verdict}**", number,
                     f"[evidence]({claim.page})"])
    return markdown_table(["area", "seed", "claim (paraphrased)", "verdict", "the number behind it",
                           ""], rows, "llllll")
