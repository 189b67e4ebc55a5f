"""Lines of code per job, per implementation."""

from __future__ import annotations

from comparison.experiments.code import Port, Result
from comparison.report.markdown import IMPL_NAMES, markdown_table


def code_roles(result: Result) -> str:
    impls = list(result.totals)
    rows = [[r["role"], *(r[f"{impl}_lines"] for impl in impls)] for r in result.rows]
    rows.append(["**total**", *(f"**{result.totals[impl]}**" for impl in impls)])
    return markdown_table(["job", *(f"lines, {IMPL_NAMES[impl]}" for impl in impls)], rows)


def code_quotes(result: Result) -> dict[str, str]:
    totals = result.totals
    return {"scratch_total": str(totals["scratch"]), "torch_total": str(totals["torch"]),
            "keras_total": str(totals["keras"]), "ratio": f"{result.ratio_to('torch'):.1f}",
            "keras_ratio": f"{result.ratio_to('keras'):.1f}",
            "scratch_derivative": str(result.gradient("scratch")),
            "torch_derivative": str(result.gradient("torch")),
            "gradient_share": gradient_share(result),
            "jax_total": str(totals["jax"]), "jax_ratio": f"{result.ratio_to('jax'):.1f}",
            **port_quotes(result.port)}


def port_quotes(port: Port) -> dict[str, str]:
    """What survives of the scratch code in the JAX port, in words."""
    kept = port.unchanged + port.renamed
    return {"port_kept": f"{kept} of its {port.scratch_lines}",
            "port_unchanged": str(port.unchanged), "port_renamed": str(port.renamed),
            "port_lines": str(port.port_lines),
            "port_dropped": str(port.gradient_lines_dropped)}


def gradient_share(result: Result) -> str:
    """How much of the difference in size the hand-derived gradient is, in words."""
    difference = result.totals["scratch"] - result.totals["torch"]
    gradient = result.gradient("scratch") - result.gradient("torch")
    if difference <= 0:
        return (f"the scratch code is not larger, although {result.gradient('scratch')} of its "
                "lines are gradients by hand")
    return (f"{gradient} of the {difference} extra lines (against PyTorch) are the "
            "hand-derived gradient")


STATISTIC = "logical lines counted from the source with Python's ast and tokenize modules"
TABLES = {"roles": code_roles}
quotes = code_quotes
