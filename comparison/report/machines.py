"""Each performance verdict on every machine recorded: the same rules, one machine at a time,
nothing averaged across machines. Also what ``python -m comparison compare`` prints: the
claims whose outcome differs between two sets of results, and how far their speed comparisons
agree.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from matplotlib.figure import Figure

from comparison.experiments.speed.paths import PATHS as TIMED_PATHS
from comparison.experiments.speed.paths import TimedPath
from comparison.experiments.speed.result import Comparison, Result, each_point
from comparison.report.figures import COLOURS, LABELS, new_figure
from comparison.report.markdown import markdown_table, plural, text
from comparison.report.verdicts import Claim, Judgement, Records, performance
from comparison.report.verdicts.claims import CLAIMS, badge, judge
from comparison.results import machines, typed
from comparison.results.read import typed_result
from comparison.stats import FASTER, SLOWER, side_of

THIS_BUILD = "this build"
# The comparisons the figure shows on every machine: PyTorch and Keras against the NumPy code
# at the book's mini-batch and at the widest layer timed.
KEY_PATHS = tuple(TIMED_PATHS[label] for label in ("torch float32", "keras float32"))
SCRATCH = TIMED_PATHS["scratch float32"]


@dataclass(frozen=True)
class MachineRecord:
    """A checked machine record as the pages read it: the machine it ran on, the protocol it
    was timed with, and its results, each its experiment's typed ``Result``."""

    machine: machines.Machine
    protocol_version: int
    results: Records

    @property
    def comparable(self) -> bool:
        """Made with this code's timing protocol: only such records count on the pages."""
        return self.protocol_version == machines.PROTOCOL_VERSION


def read(records: dict[str, dict]) -> dict[str, MachineRecord]:
    """Checked machine records (``machines.load_all``), by name, typed; a result whose shape
    is not its class's is a ``machines.RecordError`` naming the record."""
    found = {}
    for name, record in records.items():
        try:
            found[name] = MachineRecord(
                typed.from_json(machines.Machine, record["machine"], "machine"),
                record["protocol_version"],
                {key: typed_result(key, result) for key, result in record["results"].items()})
        except typed.ShapeError as error:
            raise machines.RecordError(f"the machine record {name} does not have the shape "
                                       f"this code reads ({error}): re-record it with "
                                       "`python -m comparison record`") from None
    return found


def build_machine(records: dict[str, dict]) -> machines.Machine | None:
    """The machine this build's results ran on (its speed result's), None without one."""
    return machines.machine_of(records["speed"]) if "speed" in records else None


def machine_claims() -> list[Claim]:
    """The claims a machine record can decide: those that read only speed and convergence
    (the GPU claim reads the GPU record, which a CPU machine's record does not hold)."""
    return [c for c in CLAIMS if c.results and set(c.results) <= set(machines.RECORDED)
            and c.judge is not performance.gpu]


def judged(records: Records, claims: list[Claim]) -> dict[str, Judgement]:
    return {claim.text: judge(claim, records) for claim in claims}


def differences(a: Records, b: Records) -> list[tuple[Claim, Judgement, Judgement]]:
    """Every claim both sets of results can judge whose outcome differs between them."""
    found = []
    for claim in CLAIMS:
        if claim.results and all(n in a and n in b for n in claim.results):
            ja, jb = judge(claim, a), judge(claim, b)
            if ja.verdict != jb.verdict:
                found.append((claim, ja, jb))
    return found


@dataclass(frozen=True)
class Agreement:
    """The speed comparisons two runs both made: how many reach the same outcome by each rule,
    and which runs contradict each other. A run contradicts another at a comparison only when
    their intervals do not overlap (no single ratio lies in both): *tied* against *faster*, or
    *unclear* against *the same*, is a comparison near a rule's edge decided in one run and
    not in the other, which intervals of 95 % allow."""

    both: int
    same_outcome: int  # the tables' rule (``stats.outcome``): faster, tied or slower
    same_side: int  # the verdicts' rule (``stats.side``): faster, slower, the same or unclear
    disjoint: tuple[tuple[Comparison, Comparison], ...]  # intervals that do not overlap

    @property
    def opposite(self) -> int:
        """Contradictions in direction: faster in one run, slower in the other."""
        return sum({x.outcome, y.outcome} == {FASTER, SLOWER} for x, y in self.disjoint)


def agreement_of(a: Result, b: Result) -> Agreement:
    """How far the speed comparisons of ``a`` and ``b`` agree (``Agreement``), each point
    once."""
    theirs = {c.point: c for c in each_point(b.comparisons or ())}
    pairs = [(c, theirs[c.point]) for c in each_point(a.comparisons or ())
             if c.point in theirs]
    return Agreement(both=len(pairs),
                     same_outcome=sum(x.outcome == y.outcome for x, y in pairs),
                     same_side=sum(side_of(x) == side_of(y) for x, y in pairs),
                     disjoint=tuple((x, y) for x, y in pairs
                                    if x.high < y.low or y.high < x.low))


def columns(build: Records, recorded: dict[str, MachineRecord],
            machine: machines.Machine | None) -> dict[str, Records]:
    """This build's results (run on ``machine``), then each recorded machine's, by column
    title."""
    found = {f"{THIS_BUILD} ({_machine(machine)})": build} if "speed" in build else {}
    for name, record in recorded.items():
        flag = "" if record.comparable else ", other protocol: counts nowhere"
        found[f"{name} ({_machine(record.machine)}{flag})"] = record.results
    return found


def _machine(machine: machines.Machine) -> str:
    return f"{text(machine.cpu)}, {plural(machine.usable_cpus, 'CPU')}, {text(machine.blas)}"


def outcomes_table(build: Records, recorded: dict[str, MachineRecord],
                   machine: machines.Machine | None) -> str:
    """One row per performance claim, one column per machine (this build's ran on
    ``machine``): the outcome's badge; then how far each record's speed comparisons agree with
    this build's."""
    if not recorded:
        return ("*No machine is recorded yet: `python -m comparison record` packages a full "
                "run as one (see the README).*")
    found = columns(build, recorded, machine)
    rows = [[claim.text, *(badge(judge(claim, records).verdict) for records in found.values())]
            for claim in machine_claims()]
    if "speed" in build:
        rows.append(["Speed comparisons: how many reach this build's outcome; how many "
                     "contradict it", *(_agreement_cell(build["speed"], records["speed"])
                                   for records in found.values())])
    return markdown_table(["claim", *found], rows, "l" + "c" * len(found))


def _agreement_cell(build: Result, other: Result) -> str:
    if other is build:
        return "—"
    found = agreement_of(build, other)
    contradict = len(found.disjoint) or "none"
    return f"the same in {found.same_outcome} of {found.both}; {contradict} contradict"


def agreement(claim: Claim, build: Records, recorded: dict[str, MachineRecord]) -> str:
    """ "the same outcome on 2 of 3 machines" for the home page, or '' without records."""
    comparable = [r.results for r in recorded.values() if r.comparable]
    if not comparable or claim not in machine_claims() or "speed" not in build:
        return ""
    mine = judge(claim, build).verdict
    same = 1 + sum(judge(claim, records).verdict == mine for records in comparable)
    return (f"the same outcome in {same} of {len(comparable) + 1} runs: this build and "
            f"{len(comparable)} machine {'record' if len(comparable) == 1 else 'records'}")


def ratio_at(speed: Result, path: TimedPath, sweep: str, point: int) -> Comparison | None:
    return next((c for c in speed.compared(sweep, path, SCRATCH) if c.along(sweep) == point),
                None)


def figures(build: Records, recorded: dict[str, MachineRecord],
            machine: machines.Machine | None) -> Iterator[tuple[str, Figure]]:
    """The key ratios with their intervals: a header row per machine, then one row per
    comparison (short labels, so that the plot keeps its width on a phone)."""
    found = columns(build, recorded, machine)
    if len(found) < 2:
        return
    rows = 1 + len(found) * (1 + 2 * len(KEY_PATHS))
    figure, ax = new_figure(4.8, 0.8 + 0.4 * rows)
    labels, headers = [], []
    for title, records in found.items():
        headers.append(len(labels))
        labels.append(title.split(" (")[0])
        speed = records["speed"]
        widest = max(c.width for c in speed.comparisons if c.sweep == "width")
        for path in KEY_PATHS:
            for sweep, point, where in (("batch", 10, "batch 10"),
                                        ("width", widest, f"width {widest}")):
                if (c := ratio_at(speed, path, sweep, point)) is not None:
                    ax.errorbar([c.ratio], [len(labels)], fmt="o", color=COLOURS[path.impl],
                                xerr=[[c.ratio - c.low], [c.high - c.ratio]], capsize=3)
                    labels.append(f"{LABELS[path.impl].split(' (')[0]}, {where}")
    ax.axvline(1, color="#999999", linestyle="--")
    # machine names head their groups inside the plot, not as tick labels: a long name there
    # would widen the figure and shrink its text on a phone
    ax.set_yticks(range(len(labels)), ["" if i in headers else label
                                       for i, label in enumerate(labels)])
    for index in headers:
        ax.text(0.01, index, labels[index], transform=ax.get_yaxis_transform(),
                fontweight="bold", va="center")
    ax.invert_yaxis()
    ax.set(xscale="log", xlabel="time / NumPy's (below 1: faster)")
    yield "machines-ratios", figure
