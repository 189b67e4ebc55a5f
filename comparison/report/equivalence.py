"""How far apart the implementations end from the same start."""

from __future__ import annotations

from comparison.experiments.equivalence import DIFFERENCE, Result
from comparison.report.markdown import (
    SHORT_NAMES,
    extra_note,
    keras_note,
    markdown_table,
    plural,
)


def equivalence_settings(result: Result) -> str:
    others = result.config.others
    rows = [[r["setting"], r["dtype"], *(f"{r[DIFFERENCE.format(o)]:.1e}" for o in others),
             f"{r['max_abs_change_in_training']:.2f}"] for r in result.rows]
    return markdown_table(["setting", "dtype", *(f"largest difference, {SHORT_NAMES[o]} vs "
                                                 "scratch" for o in others),
                           "largest change made by training"], rows, "ll" + "r" * (len(others) + 1))


def equivalence_quotes(result: Result) -> dict[str, str]:
    config, worst = result.config, result.worst
    keras = worst.get("keras")
    return {"worst_float64": f"{worst['torch']['float64']:.1e}",
            "worst_float32": f"{worst['torch']['float32']:.1e}",
            "keras_worst_float64": f"{keras['float64']:.1e}" if keras else "not measured",
            "keras_worst_float32": f"{keras['float32']:.1e}" if keras else "not measured",
            "keras_note": keras_note(result),
            "keras_sentence": agreement_sentence(result, "keras"),
            "jax_sentence": agreement_sentence(result, "jax"),
            "examples": f"{config.examples:,}", "epochs": plural(config.epochs, "epoch"),
            "summary": summary(result)}


def summary(result: Result) -> str:
    """The methodology page's first answer: each implementation's largest difference."""
    parts = [f"{SHORT_NAMES[impl]} {found['float64']:.1e}"
             for impl, found in result.worst.items()]
    return ("Started from the NumPy network's weights and fed the same mini-batches for "
            f"{plural(result.config.epochs, 'epoch')}, each implementation's parameters "
            "ended this far from the NumPy network's at most (float64): " + ", ".join(parts)
            + ".")


def agreement_sentence(result: Result, impl: str) -> str:
    """An optional implementation's agreement with the scratch code, or why there is none."""
    found = result.worst.get(impl)
    if found is None:
        return extra_note(result, impl)
    return (f"{SHORT_NAMES[impl]}, started and fed the same way, agrees to "
            f"{found['float64']:.1e} in float64 and {found['float32']:.1e} in float32.")


STATISTIC = "largest absolute difference over every weight and bias, one run each"
TABLES = {"settings": equivalence_settings}
quotes = equivalence_quotes
