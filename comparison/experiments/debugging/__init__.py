"""Are mistakes harder to find in hand-written code? Twelve bugs planted in every implementation.

Each bug of ``bugs.BUGS`` is made in each implementation where it can be, and the program is
trained for one epoch on real MNIST, from the same start and on the same mini-batches as the
correct program. What happens is recorded: the exception (its type, after how many steps,
whether its message names the problem, where its last frame is, whether the traceback reaches
the edited code), or, if it runs, the test accuracy against the correct program's. Then each of
the ecosystem's own checks is applied (``bugs/tools.py``) and the project's equivalence test
compares the run with another implementation's. ``classify`` turns that into one outcome.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace

import numpy as np

from comparison.data import Dataset, load_dataset
from comparison.experiments.bugs import BUGS, Absent, Bug, Plant, tools
from comparison.experiments.bugs.programs import make_program
from comparison.experiments.bugs.symptoms import describe
from comparison.experiments.debugging.result import (
    ABSENT,
    CAUGHT,
    DEBUGGED,
    EQUIVALENCE,
    LOUD,
    NOT_MEASURED,
    SILENT,
    Cell,
    Config,
    Crash,
    Result,
    Setting,
)
from comparison.experiments.harness.context import Context
from comparison.experiments.harness.machine import Threads
from comparison.experiments.harness.source import logical_lines
from comparison.training import TrainConfig, installed, minibatches
from comparison.training.runners import scratch_network
from comparison.training.variants import VARIANTS, resolved

# Each bug's code is imported by a name built at run time (``programs.resolve``).
READS = ("experiments/bugs",)
# tool_steps: the mini-batches the numerical checks watch (they slow every operation down)
PROFILES = {"smoke": dict(train_size=None, tool_steps=5),
            "quick": dict(train_size=1_000, tool_steps=20),
            "full": dict(train_size=10_000, tool_steps=100)}
TOOL = "experiments/bugs/tools.py::"
# implementation -> the ecosystem's own checks -> the functions applying them
TOOLS = {"scratch": {"finite-difference gradient check": [f"{TOOL}finite_difference_check"],
                     "NumPy floating-point errors": [f"{TOOL}numpy_floating_point_errors"]},
         "torch": {"gradcheck": [f"{TOOL}gradcheck"], "detect_anomaly": [f"{TOOL}detect_anomaly"]},
         "keras": {"enable_check_numerics": [f"{TOOL}check_numerics"]}}
# implementation -> the tool that makes a crash's report fuller, re-run on every crash
TRACEBACK_TOOLS = {"torch": "detect_anomaly", "keras": "run_eagerly"}
EQUIVALENCE_TOOL = [f"{TOOL}equivalence"]
REFERENCE = {"scratch": "torch", "torch": "scratch", "keras": "scratch"}  # compared with


# The book's chapter-3 network, in float64 so that correct programs agree to round-off.
SETTING = Setting(hidden=(30,), cost="cross-entropy", eta=0.5, lmbda=0.0, init="scaled",
                  batch_size=10, dtype="float64")


def make_config(profile: str, context: Context) -> Config:
    return Config(profile=profile, **PROFILES[profile], setting=SETTING, bugs=dict(BUGS),
                  implementations=tuple(installed(DEBUGGED)), tools=TOOLS,
                  traceback_tools=TRACEBACK_TOOLS, seed=context.seed)


@dataclass
class Run:
    """What one program did in one epoch, and what each standard tool said of it."""

    seconds: float
    accuracy: float | None = None
    parameters: list | None = None
    crash: Crash | None = None
    tools: dict[str, bool] = field(default_factory=dict)  # tool -> reported a problem


class Bench:
    """Programs trained on one dataset and one batch order; the correct ones kept."""

    def __init__(self, config: Config, data: Dataset) -> None:
        self.config, self.data = config, data
        rng = np.random.default_rng(config.seed)
        self.batches = minibatches(len(data.train), config.setting.batch_size, rng)
        self._correct: dict[tuple, Run] = {}

    def train_config(self, impl: str, variant: str, settings: dict) -> TrainConfig:
        """The correct program's settings, the variant's own over them, a mistake's over both."""
        return TrainConfig(impl=impl, variant=variant, seed=self.config.seed, device="cpu",
                           **resolved(asdict(self.config.setting), VARIANTS[variant], settings))

    def correct(self, impl: str, variant: str, settings: dict | None = None) -> Run:
        """The correct program's run (with ``settings``, for a mistake in a setting)."""
        key = (impl, variant, tuple(sorted((settings or {}).items())))
        if key not in self._correct:
            run = self.play(impl, variant, Plant(settings=settings or {}))
            if run.crash:
                raise RuntimeError(f"the correct {impl} program ({variant}) failed: "
                                   f"{run.crash.exception}: {run.crash.message}")
            self._correct[key] = run
        return self._correct[key]

    def play(self, impl: str, variant: str, plant: Plant, bug: Bug | None = None) -> Run:
        """Build the program with the plant, train it one epoch and evaluate it; then, if it
        ran, apply each standard tool to a fresh copy of it."""
        config = self.train_config(impl, variant, plant.settings)
        began = time.perf_counter()
        crash, program, accuracy = self._attempt(config, plant, bug)
        if crash:
            if impl in self.config.traceback_tools:
                with_tool = self._attempt(config, plant, bug, self.config.traceback_tools[impl])[0]
                crash = replace(crash, raised_with_tool=with_tool is not None,
                                points_with_tool=with_tool and with_tool.points_to_mistake)
            return Run(time.perf_counter() - began, crash=crash)
        fresh = make_program(config, self.data, plant.slots, self._start(config))
        checks = apply_tools(impl, fresh, self.batches[: self.config.tool_steps])
        return Run(time.perf_counter() - began, accuracy, program.parameters(), tools=checks)

    def _attempt(self, config: TrainConfig, plant: Plant, bug: Bug | None,
                 tool: str | None = None) -> tuple[Crash | None, object, float | None]:
        """(the crash, or None; the program; its test accuracy), trained with a crash-report
        ``tool`` switched on if one is named."""
        steps, phase = Steps(), "setup"
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                program = make_program(config, self.data, plant.slots, self._start(config))
                if tool == "run_eagerly":
                    program.model.run_eagerly = True
                phase = "training"
                if tool == "detect_anomaly":
                    import torch

                    with torch.autograd.detect_anomaly():
                        program.train(self.batches, steps)
                else:
                    program.train(self.batches, steps)
                phase = "evaluation"
                return None, program, program.accuracy()
            except Exception as error:  # the mistake's symptom is what is measured
                edited = [ref for ref, _ in plant.edits]
                return (Crash(**describe(error, phase, steps.done, bug.keywords if bug else (),
                                         edited, caught)), None, None)

    def correct_seconds(self, impl: str) -> float:
        """The time the correct programs of ``impl`` took."""
        return sum(run.seconds for (i, *_), run in self._correct.items() if i == impl)

    @staticmethod
    def _start(config: TrainConfig) -> list:
        """Every program starts from the scratch network's draw for the seed."""
        return scratch_network(replace(config, impl="scratch")).parameters()


class Steps:
    """Counts the mini-batches trained (a program's ``on_step``)."""

    def __init__(self) -> None:
        self.done = 0

    def __call__(self) -> None:
        self.done += 1


def apply_tools(impl: str, program, batches: list[np.ndarray]) -> dict[str, bool]:
    """Each standard tool of ``impl`` on a fresh program: a gradient check on the first
    mini-batch at the start, then the numerical checks while it trains on ``batches``."""
    def train() -> None:
        program.train(batches, lambda: None)

    checks: dict[str, dict[str, Callable[[], bool]]] = {
        "scratch": {"finite-difference gradient check":
                    lambda: tools.finite_difference_check(program, batches[0]),
                    "NumPy floating-point errors":
                    lambda: tools.numpy_floating_point_errors(train)},
        "torch": {"gradcheck": lambda: tools.gradcheck(program, batches[0]),
                  "detect_anomaly": lambda: tools.detect_anomaly(train)},
        "keras": {"enable_check_numerics": lambda: tools.check_numerics(train)}}
    return {name: _reports(check) for name, check in checks[impl].items()}


def _reports(check: Callable[[], bool]) -> bool:
    """A tool that fails with an error of its own has reported a problem too."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # detect_anomaly warns that it is on
        try:
            return check()
        except Exception:  # any error a check raises is a problem it found
            return True


def run(config: Config, context: Context) -> Result:
    data = load_dataset("mnist", context.data_dir)
    data = replace(data, train=data.train.head(config.train_size or len(data.train)))
    bench = Bench(config, data)
    with Threads(1):  # mini-batches of ten: a second thread only adds waiting
        cells = [cell(bench, name, impl) for name in BUGS for impl in DEBUGGED]
    measured = config.implementations
    variants = dict.fromkeys(bug.variant for bug in BUGS.values())
    return Result(
        config, tuple(c.row() for c in cells), examples=len(data.train),
        correct_accuracy={impl: {v: bench.correct(impl, v).accuracy for v in variants}
                          for impl in measured},
        tool_lines={impl: {tool: sum(logical_lines(*ref.split("::")) for ref in refs)
                           for tool, refs in (config.tools[impl]
                                              | {EQUIVALENCE: EQUIVALENCE_TOOL}).items()}
                    for impl in measured},
        seconds={impl: round(sum(c.seconds for c in cells if c.impl == impl
                                 and c.seconds is not None)
                             + bench.correct_seconds(impl), 2) for impl in measured})


def cell(bench: Bench, name: str, impl: str) -> Cell:
    """One bug in one implementation: run it (if it can be made and is measured), apply the
    tools that pass the correct program, and classify."""
    bug = BUGS[name]
    plant = getattr(bug, impl)
    if isinstance(plant, Absent):
        return Cell(name, impl, ABSENT, reason=plant.reason)
    if impl not in bench.config.implementations:
        return Cell(name, impl, NOT_MEASURED)
    run = bench.play(impl, bug.variant, plant, bug)
    correct = bench.correct(impl, bug.variant)
    says = {tool: run.tools.get(tool) if correct.tools.get(tool) is False else None
            for tool in bench.config.tools[impl]}
    caught = [tool for tool, reports in says.items() if reports]
    return Cell(name, impl, classify(run.crash is not None, bool(caught)),
                seconds=round(run.seconds, 3), caught_by="; ".join(caught),
                equivalence=equivalence(bench, impl, bug.variant, plant, run), tools=says,
                correct_accuracy=correct.accuracy, accuracy=run.accuracy,
                accuracy_loss=None if run.crash else correct.accuracy - run.accuracy,
                crash=run.crash)


def equivalence(bench: Bench, impl: str, variant: str, plant: Plant, run: Run) -> bool | None:
    """Whether the equivalence test reports the run: compared with the reference
    implementation's correct program given the same settings (they share one config), where
    the two correct programs with those settings agree (None: they do not, so the test cannot
    tell a mistake from round-off)."""
    other = REFERENCE[impl]
    if run.crash or other not in bench.config.implementations:
        return None
    theirs = bench.correct(other, variant, plant.settings).parameters
    if tools.equivalence(bench.correct(impl, variant, plant.settings).parameters, theirs):
        return None
    return tools.equivalence(run.parameters, theirs)


def classify(raised: bool, caught_by_tool: bool) -> str:
    """The rule: an exception is loud; else a standard tool that reports the run (and passes
    the correct program) catches it; else it is silent."""
    if raised:
        return LOUD
    return CAUGHT if caught_by_tool else SILENT
