"""The variants: lines changed, gradient lines by hand, accuracy and time."""

from __future__ import annotations

from comparison.experiments.flexibility import Result, VariantOutcome
from comparison.report.markdown import (
    EPOCH_EXAMPLES,
    IMPL_NAMES,
    SHORT_NAMES,
    jax_note,
    keras_note,
    markdown_table,
    pct,
    plural,
)
from comparison.report.verdicts.flexibility import TRAINED


def _accuracy(row: VariantOutcome) -> str:
    if row.seeds == 1:
        return pct(row.test_accuracy)
    return (f"{pct(row.test_accuracy)} ({100 * row.min_test_accuracy:.2f}–"
            f"{100 * row.max_test_accuracy:.2f})")


def flexibility_variants(result: Result) -> str:
    rows = []
    for name, variant in result.config.variants.items():
        for impl in result.config.implementations:
            r = result.outcome(name, impl)
            if r is None:
                rows.append([variant["title"], IMPL_NAMES[impl],
                             f"not written in {SHORT_NAMES[impl]} here", "", "", ""])
                continue
            rows.append([variant["title"], IMPL_NAMES[impl], r.lines_touched,
                         r.derivative_lines, _accuracy(r), f"{r.seconds_per_epoch:.2f}"])
    return markdown_table(["variant", "implementation", "lines added or changed",
                           "of them, gradient lines by hand", "test accuracy", "s/epoch"],
                          rows, "llrrrr")


def flexibility_settings(result: Result) -> str:
    base = result.config.base
    rows = []
    for variant in result.config.variants.values():
        setting = base | variant["settings"]
        tested = "yes" if variant["deterministic"] else "no (each draws its own dropout masks)"
        rows.append([variant["title"], ", ".join(map(str, setting["hidden"])), setting["eta"],
                     tested])
    return markdown_table(["variant", "hidden neurons", "eta", "same parameters in both "
                           "(equivalence test)"], rows, "llrl")


def flexibility_quotes(result: Result) -> dict[str, str]:
    config, base = result.config, result.config.base
    keras = "keras" in config.implementations
    return {"variants": str(len(result.variants)),
            "scratch_lines": str(result.lines("scratch")),
            "torch_lines": str(result.lines("torch")),
            "keras_lines_in": (f"{result.lines('keras')} in Keras" if keras
                               else "Keras not measured"),
            "jax_lines_in": (f"{result.lines('jax')} in JAX for the "
                             f"{plural(len(result.written('jax')), 'variant')} written in it "
                             f"({', '.join(result.written('jax'))}), "
                             f"{result.derivative_lines('jax')} of them gradients by hand"
                             if "jax" in config.implementations else "JAX not measured"),
            "jax_note": jax_note(result),
            "scratch_derivative": str(result.derivative_lines("scratch")),
            "torch_derivative": str(result.derivative_lines("torch")),
            "with_derivative": str(result.with_derivative("scratch")),
            "keras_note": keras_note(result), "control_conclusion": control_conclusion(result),
            "two_hidden_lines": variant_lines(result, "two-hidden"),
            "epochs": plural(config.epochs, "epoch"),
            "seeds": plural(config.seeds, "seed"),
            "examples": f"{config.train_size or EPOCH_EXAMPLES:,}",
            "base_network": "-".join(map(str, [784, *base["hidden"], 10])),
            "base_eta": str(base["eta"]), "base_lmbda": str(base["lmbda"]),
            "batch_size": str(base["batch_size"]), "dtype": base["dtype"],
            **{f"{variant}_{impl}_s": _epoch_seconds(result, variant, impl)
               for variant in ("baseline", "conv") for impl in ("scratch", "torch", "keras")}}


def variant_lines(result: Result, variant: str) -> str:
    """The lines one variant took in each implementation measured, in words: the page says
    what a variant cost only as the counts say it."""
    counts = [(result.outcome(variant, impl).lines_touched,
               "from scratch" if impl == "scratch" else f"in {SHORT_NAMES[impl]}")
              for impl in result.config.implementations]
    (first, where), rest = counts[0], [f"{n} {where}" for n, where in counts[1:]]
    said = [f"{plural(first, 'line')} added or changed {where}", *rest]
    return ", ".join(said[:-1]) + f" and {said[-1]}" if rest else said[0]


def control_conclusion(result: Result) -> str:
    """Whether the frameworks expressed every variant too, so that control is not exclusive."""
    frameworks = [i for i in result.config.implementations if i != "scratch"]
    every = [i for i in frameworks if result.trained(i, TRAINED) == len(result.variants)]
    names = " and ".join(IMPL_NAMES[i] for i in every)
    if every:
        return (f"{names} expressed and trained every one of the same variants too, in "
                f"{' and '.join(str(result.lines(i)) for i in every)} lines: on this evidence the "
                "control is not exclusive to writing everything yourself.")
    return ("No framework trained every variant here, so on this evidence the control the "
            "scratch code gives is not matched.")


def _epoch_seconds(result: Result, variant: str, impl: str) -> str:
    if impl not in result.config.implementations:
        return "not measured"
    return f"{result.outcome(variant, impl).seconds_per_epoch:.2f}"


STATISTIC = ("lines counted from the source; test accuracy at each run's best validation "
             "epoch, mean (min–max) over the seeds; median seconds per epoch")
TABLES = {"variants": flexibility_variants, "settings": flexibility_settings}
quotes = flexibility_quotes
