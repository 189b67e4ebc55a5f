"""How far to trust this run's timings: the noise floor, the machine (CPUs, thread pools,
load, steal), the flags for the provenance box, and the protocol's constants for the
methodology page."""

from __future__ import annotations

from comparison.experiments.harness import machine, timing
from comparison.report.markdown import markdown_table, plural, ratio_text, text
from comparison.report.speed.rows import (
    OLD_PROTOCOL,
    new_protocol,
)


def speed_noise(record: dict) -> str:
    if not new_protocol(record):
        return OLD_PROTOCOL
    rows = [[text(n["path"]), f"{n['batch_size']} x {n['width']}", _epoch(n["first"]),
             _epoch(n["second"]), ratio_text(n), "yes" if n["agree"] else "**no**"]
            for n in record["noise_floor"]]
    return markdown_table(["path", "mini-batch x width", "first: s per epoch",
                           "second: s per epoch", "second ÷ first", "agree"], rows, "llrrrl")


def _epoch(found: dict) -> str:
    return (f"{found['seconds_per_epoch']:.3f} [{found['epoch_low_s']:.3f}–"
            f"{found['epoch_high_s']:.3f}]")


def speed_machine(record: dict) -> str:
    """The CPUs this run could use, its thread pools and how busy the machine was."""
    if "machine" not in record:
        return OLD_PROTOCOL
    m = record["machine"]
    cpus, load, threads = m["cpus"], m["load"], m["threads"]
    quota = "none" if cpus["quota_cpus"] is None else f"{cpus['quota_cpus']:g} CPUs"
    pools = ", ".join(f"{text(p['api'])} ({text(p['library'])}): {p['threads']}"
                      for p in threads["pools"])
    tensorflow = threads.get("tensorflow")
    rows = [
        ["CPUs this process may run on", f"{len(cpus['affinity'])} of {cpus['logical_cpus']}"],
        ["cgroup CPU quota", quota],
        ["pools set to", str(threads["set_to"])],
        ["BLAS and OpenMP pools", pools or "none found"],
        ["PyTorch intra-op / inter-op", f"{threads['torch_intra_op']} / "
                                        f"{threads['torch_inter_op']}"],
        ["TensorFlow intra-op / inter-op", "not loaded" if tensorflow is None else
         f"{tensorflow['intra_op']} / {tensorflow['inter_op']} ({text(tensorflow['note'])})"],
        ["others' share of those CPUs, before / after", f"{load['others_share_before']:.0%} / "
                                                        f"{load['others_share_after']:.0%}"],
        ["load average (1, 5, 15 min) before", _loads(load["load_average_before"])],
        ["load average after", _loads(load["load_average_after"])],
        ["CPU time stolen by the hypervisor", f"{load['steal_share']:.1%}"],
        ["busy", "**yes**: " + "; ".join(map(text, load["busy_reasons"])) if load["busy"]
         else "no"],
    ]
    return markdown_table(["", "this run"], rows, "ll")


def _loads(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


def noise_flags(record: dict) -> list[str]:
    """Sentences for the provenance box: why this run's speed figures deserve less trust
    (busy machine, noise floor disagreeing, a recompile while timing), empty when clean."""
    if "machine" not in record:
        return [OLD_PROTOCOL + "."]
    reasons = record["machine"]["load"]["busy_reasons"]
    flags = [f"The machine was busy: {'; '.join(map(text, reasons))}."] if reasons else []
    flags += [f"The noise floor disagreed: {text(n['path'])} at mini-batch {n['batch_size']}, "
              f"width {n['width']}, timed twice, came out {ratio_text(n)} of itself."
              for n in record["noise_floor"] if not n["agree"]]
    if record["machine"]["recompiled_during_timing"]:
        flags.append("torch.compile built new graphs during the timed rounds, so some "
                     "compiled samples include compile time.")
    # results from before the settle rule (the test fixtures) have no count: none was taken
    unsettled = record["machine"].get("unsettled_samples", 0)
    if unsettled:
        flags.append(f"{plural(unsettled, 'sample')} began before this process's own worker "
                     f"threads had gone quiet (after {timing.SETTLE_LIMIT_S:g} s of waiting).")
    if record["config"]["repeats"] < timing.MIN_SAMPLES:
        flags.append(f"Only {plural(record['config']['repeats'], 'round')}: too few for "
                     f"{timing.CONFIDENCE:.0%} intervals, so every comparison is tied by rule.")
    return flags


def protocol_quotes(record: dict) -> dict[str, str]:
    """The protocol's constants, from the code, and this run's sizes: for the methodology
    page and the noise-floor section."""
    config = record["config"]
    agreed = sum(n["agree"] for n in record["noise_floor"])
    return {"confidence": f"{timing.CONFIDENCE:.0%}", "min_samples": str(timing.MIN_SAMPLES),
            "rounds": str(config["repeats"]), "block_ms": f"{timing.BLOCK_SECONDS * 1e3:g}",
            "settle_window_ms": f"{timing.SETTLE_WINDOW_S * 1e3:g}",
            "settle_busy": f"{timing.SETTLE_BUSY:.0%}",
            "settle_limit_s": f"{timing.SETTLE_LIMIT_S:g}",
            "busy_share": f"{machine.BUSY_SHARE:.0%}", "busy_steal": f"{machine.BUSY_STEAL:.0%}",
            "idle_window_s": f"{machine.IDLE_WINDOW_S:g}",
            "coverage": f"{timing.median_interval(range(config['repeats'])).coverage:.1%}",
            "threads": str(config["threads"]), "examples": f"{config['examples']:,}",
            "wide_examples": f"{config['wide_examples']:,}", "min_steps": str(config["min_steps"]),
            "images": f"{config['images']:,}",
            "noise_agreed": f"{agreed} of {len(record['noise_floor'])}",
            "flags": " ".join(noise_flags(record)) or "Nothing to flag: the run was quiet and "
                                                       "its noise floor agreed."}
