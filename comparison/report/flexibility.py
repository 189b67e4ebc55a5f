"""The variants: lines changed, gradient lines by hand, accuracy and time."""

from __future__ import annotations

from comparison.report.markdown import (
    EPOCH_EXAMPLES,
    IMPL_NAMES,
    _impls,
    find_row,
    keras_note,
    markdown_table,
    pct,
)


def _accuracy(row: dict) -> str:
    if row["seeds"] == 1:
        return pct(row["test_accuracy"])
    return (f"{pct(row['test_accuracy'])} ({100 * row['min_test_accuracy']:.2f}–"
            f"{100 * row['max_test_accuracy']:.2f})")


def flexibility_variants(record: dict) -> str:
    rows = []
    for name, variant in record["config"]["variants"].items():
        for impl in _impls(record):
            r = find_row(record, variant=name, impl=impl)
            rows.append([variant["title"], IMPL_NAMES[impl], r["lines_touched"],
                         r["derivative_lines"], _accuracy(r), f"{r['seconds_per_epoch']:.2f}"])
    return markdown_table(["variant", "implementation", "lines added or changed",
                           "of them, gradient lines by hand", "test accuracy", "s/epoch"],
                          rows, "llrrrr")


def flexibility_settings(record: dict) -> str:
    base = record["config"]["base"]
    rows = []
    for variant in record["config"]["variants"].values():
        setting = base | variant["settings"]
        tested = "yes" if variant["deterministic"] else "no (each draws its own dropout masks)"
        rows.append([variant["title"], ", ".join(map(str, setting["hidden"])), setting["eta"],
                     tested])
    return markdown_table(["variant", "hidden neurons", "eta", "same parameters in both "
                           "(equivalence test)"], rows, "llrl")


def flexibility_quotes(record: dict) -> dict[str, str]:
    config, rows = record["config"], record["rows"]
    changed = [r for r in rows if r["variant"] != "baseline"]
    impls = _impls(record)
    total = {impl: sum(r["lines_touched"] for r in changed if r["impl"] == impl)
             for impl in impls}
    derivative = {impl: sum(r["derivative_lines"] for r in changed if r["impl"] == impl)
                  for impl in impls}
    with_derivative = sum(r["hand_written_derivative"] for r in changed if r["impl"] == "scratch")
    base = config["base"]
    keras = "keras" in impls
    return {"variants": str(len(config["variants"]) - 1),
            "scratch_lines": str(total["scratch"]), "torch_lines": str(total["torch"]),
            "keras_lines": str(total["keras"]) if keras else "not measured",
            "scratch_derivative": str(derivative["scratch"]),
            "torch_derivative": str(derivative["torch"]),
            "with_derivative": str(with_derivative), "keras_note": keras_note(record),
            "epochs": str(config["epochs"]), "seeds": str(config["seeds"]),
            "examples": f"{config['train_size'] or EPOCH_EXAMPLES:,}",
            "base_network": "-".join(map(str, [784, *base["hidden"], 10])),
            "base_eta": str(base["eta"]), "base_lmbda": str(base["lmbda"]),
            "batch_size": str(base["batch_size"]), "dtype": base["dtype"],
            **{f"{variant}_{impl}_s": _epoch_seconds(record, variant, impl)
               for variant in ("baseline", "conv") for impl in ("scratch", "torch", "keras")}}


def _epoch_seconds(record: dict, variant: str, impl: str) -> str:
    if impl not in _impls(record):
        return "not measured"
    return f"{find_row(record, variant=variant, impl=impl)['seconds_per_epoch']:.2f}"


STATISTIC = ("lines counted from the source; test accuracy at each run's best validation "
             "epoch, mean (min–max) over {seeds} seed(s); median seconds per epoch")
TABLES = {"variants": flexibility_variants, "settings": flexibility_settings}
quotes = flexibility_quotes
