"""Formatting shared by every page: Markdown tables, percentages, implementation names."""

from __future__ import annotations

import html
import math

from comparison import implementations

EPOCH_EXAMPLES = 50_000


# The implementations' names, from the registry, and two rows that are not implementations.
IMPL_NAMES = implementations.View(
    "label", extra={"torch-paired": "PyTorch from scratch's initial weights"})
SHORT_NAMES = implementations.View("short", extra={"scratch-tuned": "tuned scratch"})
EXTRA_FILES = implementations.View("requirements", keep=lambda impl: bool(impl.modules))


def measured(result, impl: str) -> bool:
    """Whether ``impl`` ran for ``result`` (its config lists the implementations it ran, or
    the others it compared with the NumPy code)."""
    config = result.config
    return impl in (*getattr(config, "implementations", ()), *getattr(config, "others", ()))


def extra_note(result, impl: str) -> str:
    """Why an optional implementation's rows are missing, or nothing when they are there."""
    if measured(result, impl):
        return ""
    return (f"{IMPL_NAMES[impl]} was **not measured** in this run: its optional extra "
            f"(`{EXTRA_FILES[impl]}`) was not installed.")


def keras_note(result) -> str:
    return extra_note(result, "keras")


def jax_note(result) -> str:
    return extra_note(result, "jax")


def markdown_table(header: list[str], rows: list[list], align: str = "") -> str:
    align = align or "l" + "r" * (len(header) - 1)
    rule = ["---:" if a == "r" else ":---" for a in align]
    lines = [header, rule, *[[str(cell) for cell in row] for row in rows]]
    return "\n".join("| " + " | ".join(line) + " |" for line in lines)


def pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.2f}%"


def plural(n: int, word: str, words: str | None = None) -> str:
    """"1 seed", "3 seeds": a count with its noun in the right number."""
    return f"{n} {word if n == 1 else words or word + 's'}"


def share(k: int, n: int, noun: str) -> str:
    """"2 of 5 seeds", "the 1 seed", "none of 0 ..." never: for n = 0 it says so plainly."""
    if n == 0:
        return f"no {noun}s"
    if n == 1:
        return f"{'the' if k == 1 else 'not the'} 1 {noun}"
    return f"{k} of {n} {noun}s"


# What Markdown (with this site's extensions) would read as syntax inside a line: links,
# code, table cells, attribute lists, emphasis. In a string from a result, each is written
# as a character reference, so it shows as typed and never acts.
_MARKUP = str.maketrans({c: f"&#{ord(c)};" for c in "[]()`|\\*_~{}"})


def text(value: object) -> str:
    """A string from a result or a record, safe to put anywhere in a page: HTML-escaped
    (no tag, no entity), Markdown syntax neutralised, on one line. A presenter passes every
    string it did not write itself through this."""
    one_line = " ".join(str(value).split())
    return html.escape(one_line).translate(_MARKUP)


def ratio_text(found) -> str:
    """A ratio and its 95% interval, "2.9x [1.5–5.6]", to the digits the interval justifies:
    three significant figures only when it spans less than 20%, two otherwise. A run that
    never reached its target makes a bound infinite (∞). ``found`` has ``ratio``, ``low`` and
    ``high`` attributes."""
    ratio, low, high = found.ratio, found.low, found.high
    digits = 3 if high < 1.2 * low else 2
    return f"{significant(ratio, digits)}x [{significant(low, digits)}–{significant(high, digits)}]"


def significant(x: float, digits: int) -> str:
    """``x`` to ``digits`` significant figures, in plain notation: 17.22 -> "17" (2 digits)."""
    if math.isinf(x):
        return "∞"
    if x == 0:
        return "0"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(x))))
    return f"{x:.{decimals}f}"


def full_stop(sentence: str) -> str:
    """``sentence`` ending as a sentence does (an answer line is read as prose)."""
    return sentence if sentence.rstrip("*").endswith((".", "?", "!")) else sentence + "."


def capitalised(words: str) -> str:
    """``words`` starting with a capital, as a sentence after the claim's full stop must;
    a leading name from code (``torch.compile``) is left as it is written."""
    i = len(words) - len(words.lstrip("*_ "))  # past the emphasis that may open it
    first = words[i:].split(maxsplit=1)[0].rstrip(":,;") if words[i:] else ""
    if not (first.isalpha() and first.islower()):
        return words
    return words[:i] + words[i].upper() + words[i + 1:]
