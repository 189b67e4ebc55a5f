"""Where a step's time goes: its products timed alone, what each habit of the tuned NumPy code
saves, the rest, and the subnormal floats the step meets."""

from __future__ import annotations

import numpy as np

from comparison import stats
from comparison.experiments.harness import machine, products
from comparison.experiments.speed.paths import TUNED
from comparison.experiments.speed.plan import Config
from comparison.experiments.speed.rounds import Timed
from comparison.scratch.activations import sigmoid


def step_split(config: Config, timed: list[Timed], micro: list[dict],
         threads: machine.Threads) -> list[dict]:
    """At each gap point: each library's step, its products timed alone, and for PyTorch the
    products inside the step as the profiler sees them."""
    found = []
    for batch_size, width in config.gap_points:
        steps = {t.spec.path: t for t in timed if t.job is not None and not t.spec.twin
                 and (t.spec.batch_size, t.spec.width, t.spec.threads, t.spec.variant)
                 == (batch_size, width, config.threads, "baseline")}
        if not all(p in steps for p in ("scratch float32", "torch float32")):
            continue
        alone = {library: [sum(sample) for sample in zip(*(
                     r["times_s"] for r in micro if r["kind"] == "step"
                     and (r["batch_size"], r["width"], r["library"])
                     == (batch_size, width, library)))] for library in products.LIBRARIES}
        threads.use(config.threads)
        torch_run = steps["torch float32"]
        profiled = products.profile_products(torch_run.runner, torch_run.batches)
        plain = steps["scratch float32"]
        numpy_saved = (steps.get("scratch float32 FTZ"), steps.get("scratch in-place float32"))
        found.append({"batch_size": batch_size, "width": width,
                      "numpy": _split(plain, alone["numpy"], numpy_saved) | habits(steps) | {
                          "subnormals": subnormals(plain.runner, plain.batches[0])},
                      "torch": _split(torch_run, alone["torch"],
                                      (steps.get("torch float32 FTZ"),)) | _costs(
                          torch_run, steps.get("torch float32 FTZ"), "denormals") | {
                          "profiler_products_s": profiled["products_s"],
                          "profiler_step_s": profiled["profiled_step_s"]}})
    return found


def _split(timed: Timed, products_s: list[float], savings: tuple[Timed | None, ...]) -> dict:
    """A step (per round), its products timed alone (the five products' sum, per round) and
    the rest: the step less the products and what each habit in ``savings`` saved, paired
    round by round, so that every part has its interval."""
    step = stats.median_interval(timed.job.times)
    per_step = 1 / timed.steps
    rest = [t * per_step - p for t, p in zip(timed.job.times, products_s)]
    for other in (o for o in savings if o is not None and o.job is not None):
        rest = [r - (t - u) * per_step
                for r, t, u in zip(rest, timed.job.times, other.job.times)]
    return {"step_s": step.median * per_step, "step_low_s": step.low * per_step,
            "step_high_s": step.high * per_step,
            "products_alone_s": stats.median_interval(products_s).median,
            "products_alone": _per_step(products_s, 1), "rest": _per_step(rest, 1)}


def habits(steps: dict[str, Timed]) -> dict:
    """What each habit of the tuned code saves in the NumPy step: flushing subnormals
    ("denormals"), updating in place ("allocation"), and whether the two add up to the tuned
    step ("interaction": tuned minus the sum of the parts, per round; 0 inside its interval
    means the split adds up)."""
    plain, ftz, in_place, tuned = (steps.get(p) for p in ("scratch float32",
                                                          "scratch float32 FTZ",
                                                          "scratch in-place float32", TUNED))
    found = _costs(plain, ftz, "denormals") | _costs(plain, in_place, "allocation")
    if ftz and in_place and tuned:
        rounds = zip(plain.job.times, ftz.job.times, in_place.job.times, tuned.job.times)
        found["interaction"] = _per_step([t - (f + i - p) for p, f, i, t in rounds],
                                         plain.steps)
        found["tuned"] = _per_step(tuned.job.times, tuned.steps)
    return found


def _costs(timed: Timed, without: Timed | None, name: str) -> dict:
    """``{name: the time per step that ``without`` saves}``, paired by round, with its
    interval; nothing when ``without`` was not timed."""
    if without is None or without.job is None:
        return {}
    return {name: _per_step([a - b for a, b in zip(timed.job.times, without.job.times)],
                            timed.steps)}


def _per_step(samples: list[float], steps: int) -> dict:
    found = stats.median_interval(samples)
    return {"s": found.median / steps, "low_s": found.low / steps, "high_s": found.high / steps}


def subnormals(runner, batch: np.ndarray) -> dict[str, float]:
    """The share of subnormal values in one step's arrays, for a mini-batch, at the weights
    the timed rounds left: the activations, the sigmoid's derivatives a (1 - a) and the
    weight gradients. Above zero, every one of them is a slow operation on many CPUs."""
    net, train = runner.model, runner.split("training")
    x, y = train.x[batch].T, train.target[batch].T
    activations = [x]
    for w, b in zip(net.weights, net.biases):
        activations.append(sigmoid(w @ activations[-1] + b))
    _, gradients = net.backprop(x, y)
    tiny = np.finfo(net.dtype).tiny
    return {name: float(sum(np.count_nonzero((a != 0) & (np.abs(a) < tiny)) for a in arrays)
                        / sum(a.size for a in arrays))
            for name, arrays in (("activations", activations[1:]),
                                 ("derivatives", [a * (1 - a) for a in activations[1:]]),
                                 ("gradients", gradients))}

