"""The "How these numbers were produced" box under every set of results.

Everything in it that comes from a result file (machine names, versions, the profile) is
passed through ``markdown.text``: a record committed to the repository is as untrusted as
any other input, and its strings must show as written, never act as HTML or Markdown.
"""

from __future__ import annotations

from comparison.report.markdown import text
from comparison.report.pages import presenter
from comparison.results import machines

NOT_RECORDED = "not recorded"


class _Recorded(dict):
    """A result's fields as the box shows them: escaped, and "not recorded" when absent
    (a record from older code may lack one), so that a gap is shown, not a crash."""

    def __missing__(self, key: str) -> str:
        return NOT_RECORDED


def provenance_box(name: str, record: dict, base: str, recorded: bool) -> str:
    """A collapsible admonition: profile, machine, software, seeds, statistic, raw data and
    the command that reproduces it. ``base`` is the raw files' path relative to the page."""
    raw = record["provenance"]
    p = _Recorded({key: text(value) for key, value in raw.items()})
    experiment = text(record["name"])
    statistic = presenter(record["name"]).STATISTIC.format_map(
        _Recorded({key: text(value) for key, value in record["config"].items()}))
    dirty = " (with uncommitted changes)" if raw.get("dirty") is True else ""
    run = f"python -m comparison run --profile {p['profile']} --only {experiment}"
    if recorded:
        reproduce = (f"on a machine with a GPU, <code>{run} --device cuda --results DIR</code>, "
                     f"then copy <code>DIR/{experiment}.json</code> and <code>.csv</code> to "
                     f"<code>docs/records/{name}.json</code> and <code>.csv</code>")
    else:
        reproduce = f"<code>{run} --force</code>"
    software = (f", Keras {p['keras']} on TensorFlow {p['tensorflow']}" if raw.get("keras")
                else ", Keras not installed")
    software += (f", JAX {p['jax']} with Optax {p['optax']}" if raw.get("jax")
                 else ", JAX not installed")
    lines = [
        f"- **Profile** <code>{p['profile']}</code>, run {p['date_utc']} in "
        f"{p['wall_seconds']} s; commit <code>{text(str(raw.get('commit', '?'))[:10])}</code>"
        f"{dirty}",
        f"- **Machine** {p['cpu']}, {p['logical_cpus']} logical CPUs, PyTorch threads "
        f"{p['torch_threads']}, BLAS {p['blas']}, GPU: {p['gpu'] if raw.get('gpu') else 'none'}",
        f"- **Software** Python {p['python']}, NumPy {p['numpy']}, PyTorch {p['torch']}{software}",
        f"- **Seeds** {_seeds(raw.get('seeds'))}; **statistic**: {statistic}",
        f"- **Raw data** [{name}.json]({base}.json) · [{name}.csv]({base}.csv)",
        f"- **Reproduce** {reproduce}",
    ]
    flags = getattr(presenter(experiment), "noise_flags", lambda record: [])(record)
    lines += [f"- **Caution** {flag}" for flag in flags]
    kind = "warning" if flags else "info"  # a busy or noisy run says so before it is opened
    box = f'??? {kind} "How these numbers were produced: {name}"\n\n' + "\n".join(
        "    " + line for line in lines)
    if recorded and not record["current"]:
        box = (f'!!! warning "Recorded with older code"\n\n    The code behind '
               f"<code>{experiment}</code> has changed since this run was recorded, so these "
               f"figures may differ from what it measures now. {_protocol(raw)} Re-record it "
               f"as the box below says.\n\n{box}")
    return box


def _protocol(provenance: dict) -> str:
    """Whether an older record was timed under this code's timing protocol (and so counts)."""
    if machines.same_protocol(provenance):
        return ("It was timed under this code's timing protocol (version "
                f"{machines.PROTOCOL_VERSION}), so the verdicts it informs count.")
    return ("It was timed under another timing protocol, so the verdicts it informs are "
            "undecided.")


def _seeds(seeds: object) -> str:
    """The seeds a result used, as a list of numbers (anything else shown escaped)."""
    if isinstance(seeds, list):
        return ", ".join(text(seed) for seed in seeds)
    return text(seeds) if seeds is not None else NOT_RECORDED
