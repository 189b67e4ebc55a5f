"""Lines of code per job, per implementation."""

from __future__ import annotations

from comparison.report.markdown import IMPL_NAMES, markdown_table


def code_roles(record: dict) -> str:
    impls = list(record["totals"])
    rows = [[r["role"], *(r[f"{impl}_lines"] for impl in impls)] for r in record["rows"]]
    rows.append(["**total**", *(f"**{record['totals'][impl]}**" for impl in impls)])
    return markdown_table(["job", *(f"lines, {IMPL_NAMES[impl]}" for impl in impls)], rows)


def code_quotes(record: dict) -> dict[str, str]:
    return {"scratch_total": str(record["totals"]["scratch"]),
            "torch_total": str(record["totals"]["torch"]),
            "ratio": f"{record['ratio']:.1f}",
            "scratch_derivative": str(record["hand_written_derivative_lines"]["scratch"]),
            "torch_derivative": str(record["hand_written_derivative_lines"]["torch"]),
            "keras_total": str(record["totals"]["keras"]),
            "keras_ratio": f"{record['totals']['scratch'] / record['totals']['keras']:.1f}"}


STATISTIC = "lines counted from the source with Python's ast and tokenize modules"
TABLES = {"roles": code_roles}
quotes = code_quotes
