"""The "How these numbers were produced" box under every set of results."""

from __future__ import annotations

from comparison.report.pages import presenter


def provenance_box(name: str, record: dict, base: str, recorded: bool) -> str:
    """A collapsible admonition: profile, machine, software, seeds, statistic, raw data and
    the command that reproduces it. ``base`` is the raw files' path relative to the page."""
    p, experiment = record["provenance"], record["name"]
    statistic = presenter(experiment).STATISTIC.format(**record["config"])
    dirty = " (with uncommitted changes)" if p.get("dirty") else ""
    run = f"python -m comparison run --profile {p['profile']} --only {experiment}"
    if recorded:
        reproduce = (f"on a machine with a GPU, `{run} --device cuda --results DIR`, then copy "
                     f"`DIR/{experiment}.json` and `.csv` to `docs/records/{name}.json` and `.csv`")
    else:
        reproduce = f"`{run} --force`"
    software = (f", Keras {p['keras']} on TensorFlow {p['tensorflow']}" if p.get("keras")
                else ", Keras not installed")
    lines = [
        f"- **Profile** `{p['profile']}`, run {p['date_utc']} in {p['wall_seconds']} s; "
        f"commit `{p['commit'][:10]}`{dirty}",
        f"- **Machine** {p['cpu']}, {p['logical_cpus']} logical CPUs, PyTorch threads "
        f"{p['torch_threads']}, BLAS {p['blas']}, GPU: {p['gpu'] or 'none'}",
        f"- **Software** Python {p['python']}, NumPy {p['numpy']}, PyTorch {p['torch']}{software}",
        f"- **Seeds** {', '.join(map(str, p['seeds']))}; **statistic**: {statistic}",
        f"- **Raw data** [{name}.json]({base}.json) · [{name}.csv]({base}.csv)",
        f"- **Reproduce** {reproduce}",
    ]
    box = f'??? info "How these numbers were produced: {name}"\n\n' + "\n".join(
        "    " + line for line in lines)
    if recorded and not record["current"]:
        box = (f'!!! warning "Recorded with older code"\n\n    The code behind `{experiment}` '
               f"has changed since this run was recorded, so these figures may differ from what "
               f"it measures now. Re-record it as the box below says.\n\n{box}")
    return box
