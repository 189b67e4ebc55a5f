"""How far to trust this run's timings: the noise floor, the machine (CPUs, thread pools,
load, steal), the flags for the provenance box, and the protocol's constants for the
methodology page."""

from __future__ import annotations

from comparison import stats
from comparison.experiments.harness import machine, timing
from comparison.experiments.speed.result import Result, Spread
from comparison.report.markdown import markdown_table, plural, ratio_text, text
from comparison.report.speed.rows import OLD_PROTOCOL
from comparison.results import typed


def speed_noise(result: Result) -> str:
    if not result.new_protocol:
        return OLD_PROTOCOL
    rows = [[text(n.path), f"{n.batch_size} x {n.width}", _epoch(n.first), _epoch(n.second),
             ratio_text(n), "yes" if n.agree else "**no**"] for n in result.noise_floor]
    return markdown_table(["path", "mini-batch x width", "first: s per epoch",
                           "second: s per epoch", "second ÷ first", "agree"], rows, "llrrrl")


def _epoch(found: Spread) -> str:
    return f"{found.seconds_per_epoch:.3f} [{found.epoch_low_s:.3f}–{found.epoch_high_s:.3f}]"


def speed_machine(result: Result) -> str:
    """The CPUs this run could use, its thread pools and how busy the machine was."""
    if result.machine is None:
        return OLD_PROTOCOL
    cpus, load, threads = result.machine.cpus, result.machine.load, result.machine.threads
    quota = "none" if cpus.quota_cpus is None else f"{cpus.quota_cpus:g} CPUs"
    pools = ", ".join(f"{text(p.api)} ({text(p.library)}): {p.threads}" for p in threads.pools)
    tensorflow = threads.tensorflow
    rows = [
        ["CPUs this process may run on", f"{len(cpus.affinity)} of {cpus.logical_cpus}"],
        ["cgroup CPU quota", quota],
        ["pools set to", str(threads.set_to)],
        ["BLAS and OpenMP pools", pools or "none found"],
        ["PyTorch intra-op / inter-op", f"{threads.torch_intra_op} / {threads.torch_inter_op}"],
        ["TensorFlow intra-op / inter-op", "not loaded" if tensorflow is None else
         f"{tensorflow.intra_op} / {tensorflow.inter_op} ({text(tensorflow.note)})"],
        ["others' share of those CPUs, before / after", f"{load.others_share_before:.0%} / "
                                                        f"{load.others_share_after:.0%}"],
        ["load average (1, 5, 15 min) before", _loads(load.load_average_before)],
        ["load average after", _loads(load.load_average_after)],
        ["CPU time stolen by the hypervisor", f"{load.steal_share:.1%}"],
        ["busy", "**yes**: " + "; ".join(map(text, load.busy_reasons)) if load.busy else "no"],
    ]
    return markdown_table(["", "this run"], rows, "ll")


def _loads(values: tuple[float, ...]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


def noise_flags(record: dict) -> list[str]:
    """``trust_flags`` of a stored record, for the provenance box (which reads records as
    stored)."""
    return trust_flags(typed.from_record(Result, record))


def trust_flags(result: Result) -> list[str]:
    """Why this run's speed figures deserve less trust (busy machine, a recompile while
    timing, unsettled samples, too few rounds, noise floor disagreeing), a sentence each;
    empty when clean."""
    if result.machine is None:
        return [OLD_PROTOCOL + "."]
    return _machine_flags(result) + [
        f"The noise floor disagreed: {text(n.path)} at mini-batch {n.batch_size}, "
        f"width {n.width}, timed twice, came out {ratio_text(n)} of itself."
        for n in result.noise_floor if not n.agree]


def _machine_flags(result: Result) -> list[str]:
    reasons = result.machine.load.busy_reasons
    flags = [f"The machine was busy: {'; '.join(map(text, reasons))}."] if reasons else []
    if result.machine.recompiled_during_timing:
        flags.append("torch.compile built new graphs during the timed rounds, so some "
                     "compiled samples include compile time.")
    # results from before the settle rule (the test fixtures) have no count: none was taken
    unsettled = result.machine.unsettled_samples or 0
    if unsettled:
        flags.append(f"{plural(unsettled, 'sample')} began before this process's own worker "
                     f"threads had gone quiet (after {timing.SETTLE_LIMIT_S:g} s of waiting).")
    if result.config.repeats < stats.MIN_SAMPLES:
        flags.append(f"Only {plural(result.config.repeats, 'round')}: too few for "
                     f"{stats.CONFIDENCE:.0%} intervals, so every comparison is tied by rule.")
    return flags


def quietness(result: Result) -> str:
    """How quiet the run was, for the answer boxes: the machine's flags (or that it was
    quiet), then the noise floor, said once."""
    if result.machine is None:
        return OLD_PROTOCOL + "."
    floor = result.noise_floor or ()
    twins = "Its noise floor (one job built and timed twice, half a round apart)"
    disagreed = [f"{text(n.path)} at mini-batch {n.batch_size}, width {n.width} came out "
                 f"{ratio_text(n)} of itself" for n in floor if not n.agree]
    noise = (f"{twins} disagreed at {len(disagreed)} of {len(floor)} points: "
             f"{'; '.join(disagreed)}." if disagreed else
             f"{twins} agreed at {_every(len(floor))}." if floor else "")
    flags = _machine_flags(result) or ["The machine was quiet."]
    return " ".join([*flags, noise]).strip()


def _every(count: int) -> str:
    return "its one point" if count == 1 else "both points" if count == 2 else \
        f"all {count} points"


def protocol_quotes(result: Result) -> dict[str, str]:
    """The protocol's constants, from the code, and this run's sizes: for the methodology
    page and the noise-floor section."""
    config = result.config
    return {"confidence": f"{stats.CONFIDENCE:.0%}", "min_samples": str(stats.MIN_SAMPLES),
            "rounds": str(config.repeats), "block_ms": f"{timing.BLOCK_SECONDS * 1e3:g}",
            "settle_window_ms": f"{timing.SETTLE_WINDOW_S * 1e3:g}",
            "settle_busy": f"{timing.SETTLE_BUSY:.0%}",
            "settle_limit_s": f"{timing.SETTLE_LIMIT_S:g}",
            "busy_share": f"{machine.BUSY_SHARE:.0%}", "busy_steal": f"{machine.BUSY_STEAL:.0%}",
            "idle_window_s": f"{machine.IDLE_WINDOW_S:g}",
            "coverage": f"{stats.median_interval(range(config.repeats)).coverage:.1%}",
            "threads": str(config.threads), "examples": f"{config.examples:,}",
            "wide_examples": f"{config.wide_examples:,}", "min_steps": str(config.min_steps),
            "images": f"{config.images:,}",
            "flags": quietness(result)}
