"""The banner on every page built from anything but the full profile."""

from __future__ import annotations

from comparison.report.markdown import plural


def profile_banner(records: dict[str, dict]) -> str:
    """An admonition naming the profile and its size, or "" when every result is full."""
    profiles = sorted({r.get("profile", "full") for r in records.values()} - {"full"})
    if not profiles:
        return ""
    book = records.get("book", {}).get("config")
    size = (f" (the book's runs: {plural(book['seeds'], 'seed')}, "
            f"{plural(book['epochs'], 'epoch')}; smaller sweeps and fewer repeats elsewhere)"
            if book else "")
    return (f'!!! warning "Built from the {" and ".join(profiles)} profile"\n\n'
            f"    The numbers on this page come from a short run{size}. They show that the "
            "pipeline works; its verdicts are **provisional**. `python -m comparison report "
            "--profile full` gives the final ones.\n\n")
