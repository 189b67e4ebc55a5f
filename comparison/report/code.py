"""Lines of code per job, per implementation."""

from __future__ import annotations

from comparison.experiments import code
from comparison.report.markdown import IMPL_NAMES, markdown_table


def code_roles(record: dict) -> str:
    impls = list(record["totals"])
    rows = [[r["role"], *(r[f"{impl}_lines"] for impl in impls)] for r in record["rows"]]
    rows.append(["**total**", *(f"**{record['totals'][impl]}**" for impl in impls)])
    return markdown_table(["job", *(f"lines, {IMPL_NAMES[impl]}" for impl in impls)], rows)


def code_quotes(record: dict) -> dict[str, str]:
    n = code.derive(record)
    return {"scratch_total": str(n.totals["scratch"]), "torch_total": str(n.totals["torch"]),
            "keras_total": str(n.totals["keras"]), "ratio": f"{n.ratio('torch'):.1f}",
            "keras_ratio": f"{n.ratio('keras'):.1f}",
            "scratch_derivative": str(n.gradient("scratch")),
            "torch_derivative": str(n.gradient("torch")),
            "gradient_share": gradient_share(n),
            "jax_total": str(n.totals["jax"]), "jax_ratio": f"{n.ratio('jax'):.1f}",
            **port_quotes(record["port"])}


def port_quotes(port: dict) -> dict[str, str]:
    """What survives of the scratch code in the JAX port, in words."""
    kept = port["unchanged"] + port["renamed"]
    return {"port_kept": f"{kept} of its {port['scratch_lines']}",
            "port_unchanged": str(port["unchanged"]), "port_renamed": str(port["renamed"]),
            "port_lines": str(port["port_lines"]),
            "port_dropped": str(port["gradient_lines_dropped"])}


def gradient_share(n: code.CodeNumbers) -> str:
    """How much of the difference in size the hand-derived gradient is, in words."""
    difference = n.totals["scratch"] - n.totals["torch"]
    gradient = n.gradient("scratch") - n.gradient("torch")
    if difference <= 0:
        return (f"the scratch code is not larger, although {n.gradient('scratch')} of its "
                "lines are gradients by hand")
    return (f"{gradient} of the {difference} extra lines (against PyTorch) are the "
            "hand-derived gradient")


STATISTIC = "logical lines counted from the source with Python's ast and tokenize modules"
TABLES = {"roles": code_roles}
quotes = code_quotes
