"""What the debugging experiment returns and the diagnosability page reads: ``Result``, as
stored, with each row read back as a ``Cell`` (one bug in one implementation) and the counts
per implementation (``Tally``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from functools import cached_property

from comparison.experiments.bugs import Bug, tools
from comparison.results import typed

# JAX is not in this experiment: its bugs would be planted in a fourth copy of each network,
# and its tools (jax.debug, checkify) are a study of their own; the page says so
DEBUGGED = ("scratch", "torch", "keras")
EQUIVALENCE = "equivalence test"  # applied in every implementation, against another one
TOOL_COLUMN = "tool "  # a row's column for each standard tool: what it said of the run
OUTCOMES = LOUD, CAUGHT, SILENT, ABSENT = ("crashes loudly", "caught by a standard tool", "silent",
                                         "cannot occur here")
NOT_MEASURED = "not measured"


@dataclass(frozen=True)
class Setting:
    """The correct program's ``TrainConfig`` fields."""

    hidden: tuple[int, ...]
    cost: str
    eta: float
    lmbda: float
    init: str
    batch_size: int
    dtype: str


@dataclass(frozen=True)
class Config:
    profile: str
    train_size: int | None  # None: every training image (the tiny data of the smoke profile)
    tool_steps: int
    setting: Setting
    bugs: dict[str, Bug]  # the catalogue
    implementations: tuple[str, ...]  # those measured (Keras only with its extra)
    tools: dict[str, dict[str, list[str]]]
    traceback_tools: dict[str, str]
    tolerance: float = tools.TOLERANCE
    relative_error: float = tools.RELATIVE_ERROR
    seed: int = 0
    datasets: tuple[str, ...] = ("mnist",)


@dataclass(frozen=True)
class Crash:
    """An exception as a reader meets it (``symptoms.describe``), and, where the
    implementation has a crash-report tool, what the run with it switched on raised."""

    exception: str  # its type's name
    message: str  # its first 400 characters
    phase: str  # "setup", "training" or "evaluation"
    steps: int  # the mini-batches trained before it
    names_problem: bool  # the message contains one of the bug's keywords
    last_frame: str  # where the traceback ends: comparison/file.py::function, or a library file
    in_project_code: bool  # that frame is in this project's code
    project_frame: str | None  # the traceback's last frame in this project's code, if any
    points_to_mistake: bool | None  # the report shows a line of the edited code (None: no code)
    # None, and absent from the row, where the implementation has no crash-report tool
    raised_with_tool: bool | None = None
    points_with_tool: bool | None = None  # None also when it raised nothing with the tool


CRASH_COLUMNS = frozenset(f.name for f in fields(Crash))  # a crashed run's row has these too


@dataclass(frozen=True)
class Cell:
    """One bug in one implementation: its outcome and what was measured of it. Its row in the
    result (``row``) has one column per standard tool, so the rows are stored as mappings
    and read back as cells (``read``)."""

    bug: str
    impl: str
    outcome: str  # one of OUTCOMES, or NOT_MEASURED
    seconds: float | None = None  # the run and its tools (None: nothing ran)
    reason: str | None = None  # why the mistake cannot be made here (ABSENT only)
    caught_by: str = ""  # the standard tools that reported the run, joined by "; "
    equivalence: bool | None = None  # the equivalence test reports it (None: cannot judge)
    # each standard tool of the implementation: reports the run (None: it reports the correct
    # program too, or the run crashed, so it cannot tell)
    tools: dict[str, bool | None] = field(default_factory=dict)
    correct_accuracy: float | None = None  # the correct program's test accuracy
    accuracy: float | None = None  # the program's with the mistake (None: it crashed)
    accuracy_loss: float | None = None  # correct_accuracy - accuracy
    crash: Crash | None = None  # the exception, if it raised one

    def says(self, tool: str) -> bool | None:
        """What ``tool`` (a standard tool's name, or EQUIVALENCE) said of the run."""
        return self.equivalence if tool == EQUIVALENCE else self.tools[tool]

    def row(self) -> dict[str, str | int | float | bool | None]:
        """The cell as its row of the result (and of the CSV)."""
        row = {"bug": self.bug, "impl": self.impl, "seconds": self.seconds,
               "outcome": self.outcome}
        if self.outcome == ABSENT:
            return row | {"reason": self.reason}
        if self.outcome == NOT_MEASURED:
            return row
        crash = typed.to_json(self.crash) if self.crash else {}
        if self.crash and self.crash.raised_with_tool is None:
            del crash["raised_with_tool"], crash["points_with_tool"]
        return row | {"caught_by": self.caught_by, EQUIVALENCE: self.equivalence,
                      **{TOOL_COLUMN + tool: reports for tool, reports in self.tools.items()},
                      "correct_accuracy": self.correct_accuracy, "accuracy": self.accuracy,
                      "accuracy_loss": self.accuracy_loss, **crash}

    @classmethod
    def read(cls, row: dict, where: str) -> Cell:
        """A row as the cell that wrote it, or ``typed.ShapeError`` naming the row (``where``)
        when its columns are not those a cell writes."""
        def says(key: str) -> bool | None:
            return typed.from_json(bool | None, row.get(key), f"{where}.{key}")

        crash = {key: value for key, value in row.items() if key in CRASH_COLUMNS}
        tools = [key for key in row if key.startswith(TOOL_COLUMN)]
        cell = replace(
            typed.from_json(cls, {key: value for key, value in row.items() if key not in crash
                                  and key not in tools and key != EQUIVALENCE}, where),
            equivalence=says(EQUIVALENCE), tools={key.removeprefix(TOOL_COLUMN): says(key)
                                                  for key in tools},
            crash=typed.from_json(Crash, crash, where) if crash else None)
        if cell.row() != row:
            raise typed.ShapeError(f"{where} does not have the columns of a cell whose "
                                   f"outcome is {cell.outcome!r}")
        return cell


@dataclass(frozen=True)
class Tally:
    """Counts over the planted bugs in one implementation; ``loud + caught_by_tool + silent
    == measured`` always."""

    bugs: int  # every bug in the catalogue
    cannot_occur: int  # those that cannot be made in this implementation
    measured: int  # those that can be made and were run (0 when Keras is not installed)
    loud: int  # of ``measured``: raised an exception (in setup, training or evaluation)
    caught_by_tool: int  # of ``measured``: ran, and a standard tool of the ecosystem reported it
    silent: int  # of ``measured``: ran, and no standard tool reported it
    silent_caught_by_equivalence: int  # of ``silent``: the project's equivalence test reports it
    crashes_pointing: int  # of ``loud``: the traceback shows a line of the edited code

    @classmethod
    def of(cls, cells: Sequence[Cell]) -> Tally:
        """The counts over one implementation's cells."""
        run = [c for c in cells if c.outcome in (LOUD, CAUGHT, SILENT)]
        silent = [c for c in run if c.outcome == SILENT]
        loud = [c for c in run if c.outcome == LOUD]
        return cls(bugs=len(cells), cannot_occur=sum(c.outcome == ABSENT for c in cells),
                   measured=len(run), loud=len(loud),
                   caught_by_tool=sum(c.outcome == CAUGHT for c in run), silent=len(silent),
                   silent_caught_by_equivalence=sum(bool(c.equivalence) for c in silent),
                   crashes_pointing=sum(bool(c.crash and c.crash.points_to_mistake)
                                        for c in loud))

    @property
    def reported(self) -> int:
        """Of ``measured``: those the implementation reports (an error, or a standard tool)."""
        return self.loud + self.caught_by_tool


@dataclass(frozen=True)
class Result:
    """What happened to every bug in every implementation, and the correct programs beside."""

    config: Config
    rows: tuple[dict[str, str | int | float | bool | None], ...]  # each cell's ``Cell.row``
    examples: int  # the training images each program saw
    correct_accuracy: dict[str, dict[str, float]]  # implementation -> variant -> accuracy
    tool_lines: dict[str, dict[str, int]]  # implementation -> tool -> lines to apply it
    seconds: dict[str, float]  # implementation -> time its runs and correct programs took

    def __post_init__(self) -> None:
        """Read the rows as cells now: a row of another shape is refused as the result loads,
        not as a page reads it."""
        _ = self.cells

    @cached_property
    def cells(self) -> tuple[Cell, ...]:
        """The rows as cells: every bug in every implementation, in the catalogue's order."""
        return tuple(Cell.read(row, f"result.rows[{i}]") for i, row in enumerate(self.rows))

    @cached_property
    def tallies(self) -> dict[str, Tally]:
        """Each debugged implementation's counts (all zero for one without rows)."""
        return {impl: Tally.of([c for c in self.cells if c.impl == impl]) for impl in DEBUGGED}

    def cell(self, bug: str, impl: str) -> Cell:
        """The cell of ``bug`` in ``impl``."""
        return next(c for c in self.cells if c.bug == bug and c.impl == impl)
