"""The performance page's sentences: every number it quotes inline, worded from the record
(crossovers, ratios, threads, options, the conv variant, Keras), each ratio with its interval
and outcome, so a run that decides differently reads differently."""

from __future__ import annotations

from comparison import stats
from comparison.experiments.speed.paths import BOOK, PATHS, SCRATCH, TUNED
from comparison.experiments.speed.result import Comparison, Result, ThreadSpeedup
from comparison.report.markdown import (
    EPOCH_EXAMPLES,
    jax_note,
    keras_note,
    plural,
    ratio_text,
    text,
)
from comparison.report.speed.noise import protocol_quotes
from comparison.report.speed.products import gap_quotes
from comparison.report.speed.rows import (
    KEYS,
    LABELS,
    NUMPY_TIME,
    OUTCOME_WORDS,
    PYTORCH_TIME,
    Paired,
    epoch_text,
    points_text,
    takes,
)

TORCH, KERAS, JAX = "torch float32", "keras float32", "jax float32"
COMPILED = "torch.compile float32"
STEPS_PER_CALL = "keras steps_per_execution float32"


def crossover_text(result: Result, sweep: str, a: str, b: str, who: str,
                   versus: str = "the NumPy code") -> str:
    """The crossover of ``a`` against ``b`` along a sweep, in words, with the interval of the
    ratio that decides it."""
    found = result.crossover(sweep, a, b)
    if found is None:
        return f"not measured ({who} was not timed on this sweep)"
    label, key = LABELS[sweep], KEYS[sweep]
    points, ahead = found.points, found.ahead_from
    at = lambda p: result.find(sweep, PATHS[a], PATHS[b], **{key: p})  # noqa: E731

    if ahead is not None and ahead == points[0]:
        return f"none: {who} is faster at every {label} measured ({_span(at, points, label)})"
    if ahead is not None:
        return (f"{who} is faster from {label} {ahead} upward (there it takes "
                f"{ratio_text(at(ahead))} {versus}'s time)")
    largest = at(points[-1])
    if found.slower_at == points:
        return f"none: {who} is slower at every {label} measured ({_span(at, points, label)})"
    faster = (f"{who} is faster only at {label} {points_text(found.faster_at)}; "
              if found.faster_at else "")
    return (f"none: {faster}at the largest {label}, {points[-1]}, {who} takes "
            f"{ratio_text(largest)} {versus}'s time, {OUTCOME_WORDS[largest.outcome]}")


def _span(at, points: tuple[int, ...], label: str) -> str:
    return (f"time ratio {ratio_text(at(points[0]))} at {label} {points[0]}, "
            f"{ratio_text(at(points[-1]))} at {points[-1]}")


def speed_quotes(result: Result) -> dict[str, str]:
    config = result.config
    small, large = config.batch_sizes[0], config.batch_sizes[-1]
    widest = config.widths[-1]
    scratch32, scratch64 = SCRATCH["float32"], SCRATCH["float64"]

    def row(path: str, sweep: str = "batch", **point: int):
        return result.row(PATHS[path], sweep, **(point or {"batch_size": small}))

    def ratio(a: str, b: str, sweep: str = "batch", **point: int) -> str:
        return takes(result.find(sweep, PATHS[a], PATHS[b], **(point or {"batch_size": small})),
                     NUMPY_TIME)

    s32, t32 = row(scratch32), row(TORCH)
    steps = EPOCH_EXAMPLES / small
    gemm = result.gemm_by_library.all_threads
    wide = {p: row(p, "width", width=widest) for p in (scratch32, TORCH)}
    compiled = [r for r in result.ok_rows("batch") + result.ok_rows("width")
                if r.timed == PATHS[COMPILED]]
    return {
        "small_batch": str(small), "large_batch": str(large), "widest": str(widest),
        "scratch_step_us": f"{s32.seconds_per_epoch / steps * 1e6:,.0f}",
        "torch_step_us": f"{t32.seconds_per_epoch / steps * 1e6:,.0f}",
        "scratch32_b10_epoch_s": epoch_text(s32), "torch32_b10_epoch_s": epoch_text(t32),
        "book_b10_epoch_s": epoch_text(row(BOOK)),
        "book_vs_matrix_f64": ratio_text(result.find("batch", PATHS[BOOK], PATHS[scratch64],
                                                     batch_size=small)),
        "torch_vs_scratch_b10": ratio(TORCH, scratch32),
        "batch_crossover_f32": crossover_text(result, "batch", TORCH, scratch32, "PyTorch"),
        "batch_crossover_f64": crossover_text(result, "batch", "torch float64", scratch64,
                                              "PyTorch"),
        "width_crossover_f32": crossover_text(result, "width", TORCH, scratch32, "PyTorch"),
        "width_crossover_f64": crossover_text(result, "width", "torch float64", scratch64,
                                              "PyTorch"),
        "compile_first_batch_s": (f"{max(r.first_batch_seconds for r in compiled):.1f}"
                                  if compiled else "n/a"),
        "gpu": text(config.gpu) if config.gpu else "none: no GPU was available to this run",
        "peak_f32": f"{gemm['float32']['peak']:.0f}", "peak_f64": f"{gemm['float64']['peak']:.0f}",
        "gemm_numpy_f32": f"{gemm['float32']['numpy']:.0f}",
        "gemm_torch_f32": f"{gemm['float32']['torch']:.0f}",
        "torch_vs_scratch_widest": ratio(TORCH, scratch32, "width", width=widest),
        "scratch32_widest_peak_pct": f"{100 * wide[scratch32].fraction_of_peak:.0f}",
        "torch32_widest_peak_pct": f"{100 * wide[TORCH].fraction_of_peak:.0f}",
        "malloc": text(result.malloc), "keras_note": keras_note(result),
        "jax_note": jax_note(result),
        "float32_sentence": float32_text(result, widest),
        "width_crossover_tuned": crossover_text(result, "width", TORCH, TUNED, "PyTorch",
                                                "the tuned NumPy code"),
        **protocol_quotes(result), **gap_quotes(result), **_keras_quotes(result, small, large),
        **thread_quotes(result), **option_quotes(result), **conv_quotes(result),
        **jax_quotes(result, small, widest),
    }


def thread_quotes(result: Result) -> dict[str, str]:
    """Each point of the thread sweep in words: n threads against one, paired."""
    found = [f"{text(t.path)} at mini-batch {t.batch_size}, width {t.width}: "
             f"{t.threads} threads take {takes(t, 'the time of one')}"
             for t in result.threads]
    return {"thread_summary": "Measured here: " + "; ".join(found) + "." if found
            else "One thread is all this process may use, so there is no thread sweep.",
            "thread_slower": thread_slower(result.threads)}


def thread_slower(threads: tuple[ThreadSpeedup, ...]) -> str:
    """Where more threads were slower, a cause to check against the machine's load; nothing
    where none was, since then there is nothing to explain."""
    slower = [f"{text(t.path)} on {t.threads} threads at mini-batch {t.batch_size}, "
              f"width {t.width}" for t in threads if t.outcome == stats.SLOWER]
    if not slower:
        return ""
    return (f"More threads were slower here: {'; '.join(slower)}. One cause to check is a "
            "core shared with other work: an OpenMP thread that must wait for its sibling at "
            "the end of every small operation turns each step into a wait for the scheduler "
            "(compare the machine's load in "
            "[the noise floor and the machine](#the-noise-floor-and-the-machine)).")


def option_quotes(result: Result) -> dict[str, str]:
    """Each built-in option: at how many points it made its library faster, slower, tied."""
    found = []
    for option, without in ((COMPILED, TORCH), ("keras XLA float32", KERAS),
                            (STEPS_PER_CALL, KERAS)):
        these = {(c.batch_size, c.width): c.outcome for c in result.comparisons
                 if (c.first, c.second) == (PATHS[option], PATHS[without])
                 and c.sweep in ("batch", "width")}
        if these:
            counts = [f"{sum(o == outcome for o in these.values())} {OUTCOME_WORDS[outcome]}"
                      for outcome in (stats.FASTER, stats.SLOWER, stats.TIED)]
            found.append(f"{text(option)} against {text(without)}: at "
                         f"{plural(len(these), 'point')}, " + ", ".join(counts))
    return {"options_summary": "Measured here: " + "; ".join(found) + "." if found
            else "No built-in option was timed in this run."}


def conv_quotes(result: Result) -> dict[str, str]:
    found = [f"{text(c.a)} takes {takes(c, NUMPY_TIME)} at mini-batch "
             f"{c.batch_size}" for c in result.comparisons if c.sweep == "conv"]
    return {"conv_summary": "Measured here: " + "; ".join(found) + "." if found
            else "The convolutional variant was not timed in this run."}


def _keras_quotes(result: Result, small: int, large: int) -> dict[str, str]:
    """Keras against the other two at both ends of the sweeps: whole sentences, so that a
    run without the Keras extra reads as well as one with it."""
    absent = "Keras was not measured in this run: its optional extra was not installed."
    if PATHS[KERAS] not in result.timed_paths:
        return {"keras_paragraph": absent, "keras_summary": absent.removesuffix("."),
                "keras_vs_scratch_b10": "not measured",
                **dict.fromkeys(("keras_batch_crossover_f32", "keras_width_crossover_f32",
                                 "keras_vs_scratch_widest"), "not measured")}
    widest = result.config.widths[-1]
    keras, scratch = PATHS[KERAS], PATHS[SCRATCH["float32"]]
    versus = result.find("batch", keras, scratch, batch_size=small)
    pairs = Paired.of(result.row(keras, "batch", batch_size=small),
                      result.row(PATHS[TORCH], "batch", batch_size=small))
    large_versus = result.find("batch", keras, scratch, batch_size=large)
    per_call = result.find("batch", PATHS[STEPS_PER_CALL], keras, batch_size=small)
    return {"keras_vs_scratch_b10": f"{versus.ratio:.1f}",
            "keras_summary": f"Keras takes {takes(versus, NUMPY_TIME)} at mini-batch {small}",
            "keras_paragraph": (
                f"Keras takes {epoch_text(result.row(keras, 'batch', batch_size=small))} s per "
                f"epoch at mini-batch {small}, {takes(versus, NUMPY_TIME)} and "
                f"{takes(pairs, PYTORCH_TIME)}. {per_call_text(per_call, small)} At mini-batch "
                f"{large} it takes {takes(large_versus, NUMPY_TIME)}."),
            "keras_batch_crossover_f32": crossover_text(result, "batch", KERAS,
                                                        SCRATCH["float32"], "Keras"),
            "keras_width_crossover_f32": crossover_text(result, "width", KERAS,
                                                        SCRATCH["float32"], "Keras"),
            "keras_vs_scratch_widest": takes(result.find("width", keras, scratch, width=widest),
                                             NUMPY_TIME)}


def per_call_text(per_call: Comparison | None, small: int) -> str:
    """Whether `fit`'s call into its compiled step for every mini-batch costs Keras time, as
    the run measured it: ``steps_per_execution`` makes that call once per several steps, so
    only its paired ratio against plain `fit` may say so."""
    if per_call is None:
        return (f"`steps_per_execution` was not timed at mini-batch {small}, so this run cannot "
                "say what `fit`'s call from Python for every mini-batch costs.")
    said = (f"With `steps_per_execution`, which calls the compiled step once for several "
            f"mini-batches, Keras takes {takes(per_call, 'the time without it')} at mini-batch "
            f"{small}")
    if per_call.outcome == stats.FASTER:
        return (f"{said}: part of its time there goes into `fit`'s call from Python for every "
                "mini-batch.")
    return (f"{said}: this run does not show that `fit`'s call from Python for every "
            "mini-batch costs it time.")


def float32_text(result: Result, widest: int) -> str:
    """Float32 against float64 in the NumPy code at the widest layer, plain and tuned, each a
    paired ratio in a sentence of its own, and what the pair says of the cause."""
    f64, f32, tuned = (result.row(PATHS[p], "width", width=widest)
                       for p in (SCRATCH["float64"], SCRATCH["float32"], TUNED))
    if f64 is None or f32 is None:
        return "This run did not time the NumPy code in both precisions at its widest layer."
    plain = Paired.of(f32, f64)
    said = [f"At width {widest} the NumPy code in float32 takes {ratio_text(plain)} its time in "
            f"float64 ({OUTCOME_WORDS[plain.outcome]})"]
    if tuned is not None:
        fixed = Paired.of(tuned, f64)
        said.append(f"The tuned code in float32 takes {ratio_text(fixed)} of it "
                    f"({OUTCOME_WORDS[fixed.outcome]})")
        if plain.outcome == stats.SLOWER:
            said.append("So float32's penalty goes with the tuned code's habits (subnormals "
                        "flushed, no fresh arrays)" if fixed.outcome != stats.SLOWER
                        else "So the tuned code's habits do not remove float32's penalty")
    if plain.outcome != stats.SLOWER:
        said.append("So this run has no float32 penalty to explain")
    return ". ".join(said) + "."


def jax_quotes(result: Result, small: int, widest: int) -> dict[str, str]:
    """Compiled JAX against NumPy and PyTorch at the book's mini-batch and at the widest layer,
    each a paired ratio with its interval, and what the compile cost."""
    if PATHS[JAX] not in result.timed_paths:
        absent = "JAX was not measured in this run: its optional extra was not installed."
        return {"jax_paragraph": absent, "jax_summary": absent.removesuffix("."),
                **dict.fromkeys(("jax_batch_crossover_f32", "jax_width_crossover_f32"),
                                "not measured")}
    ends = {"batch": {"batch_size": small}, "width": {"width": widest}}
    said, summary = [], []
    for sweep, point in ends.items():
        jax, torch = (result.row(PATHS[path], sweep, **point) for path in (JAX, TORCH))
        where = f"mini-batch {small}" if sweep == "batch" else f"width {widest}"
        if jax is None or torch is None:  # a path failed there: its row says why
            said.append(f"at {where} it was not measured")
            summary.append(("was not measured", where))
            continue
        versus = result.find(sweep, PATHS[JAX], PATHS[SCRATCH["float32"]], **point)
        pairs = Paired.of(jax, torch)
        said.append(f"at {where} it takes {epoch_text(jax)} s per epoch: "
                    f"{takes(versus, NUMPY_TIME)} and {takes(pairs, PYTORCH_TIME)}")
        summary.append((f"takes {takes(versus, NUMPY_TIME)}", where))
    compiles = [r.first_batch_seconds for sweep in ends for r in result.ok_rows(sweep)
                if r.timed == PATHS[JAX]]
    (first, where), *rest = summary
    return {"jax_paragraph": (
                "JAX, with `jax.grad` for the gradients and the whole step compiled by `jax.jit`: "
                + "; ".join(said) + _compile_text(compiles)),
            "jax_summary": ". ".join([f"JAX {first} at {where}"]  # one interval a sentence
                                     + [f"At {where} it {what}" for what, where in rest]),
            "jax_batch_crossover_f32": crossover_text(result, "batch", JAX, SCRATCH["float32"],
                                                      "JAX"),
            "jax_width_crossover_f32": crossover_text(result, "width", JAX, SCRATCH["float32"],
                                                      "JAX")}


def _compile_text(compiles: list[float]) -> str:
    if not compiles:
        return "."
    return (f". Compiling a step took {min(compiles):.2f}–{max(compiles):.2f} s per shape (its "
            "first mini-batch, timed apart and not in the samples), paid again for every new "
            "mini-batch size or width.")
