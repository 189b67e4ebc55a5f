"""Hostile results and committed records on the site, and worker processes that outlive a
killed run."""

from __future__ import annotations

import html
import json
import os
import re
import select
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import markdown
import pytest

from comparison.report import site as site_module
from comparison.report.markdown import text
from comparison.report.site import Site, SiteError, committed_record, current_results
from comparison.results import store

ROOT = Path(__file__).resolve().parents[1]
GPU_RECORD = ROOT / "docs" / "records" / "speed-gpu.json"
HOSTILE = {
    "cpu": "<script>alert(1)</script>",
    "gpu": "<img src=x onerror=alert(1)>",
    "blas": "[click me](javascript:alert(1))",
    "python": "<iframe src=https://example.com></iframe>",
    "profile": "`full` {: onclick=alert(1) } | cell",
    "commit": "<b>deadbeef</b>",
    "torch": "*bold* _under_ \\[escaped\\]\n\n# heading",
}
# What the box itself is made of; anything else in its HTML came from a record.
BOX_TAGS = {"details", "summary", "div", "p", "ul", "li", "strong", "code", "a"}
BOX_LINKS = r'href="records/speed-gpu\.(json|csv)"'
# The site's Markdown extensions that could turn text into markup.
EXTENSIONS = ["admonition", "pymdownx.details", "attr_list", "md_in_html", "tables", "abbr"]


def as_html(page_markdown: str) -> str:
    return markdown.markdown(page_markdown, extensions=EXTENSIONS)


def assert_inert(produced: str) -> None:
    """Nothing from ``HOSTILE`` acts: in the Markdown, no tag but the box's own ``<code>``;
    in the HTML it becomes, only the box's own tags, attributes and links."""
    assert "<" not in re.sub(r"</?code>", "", produced)
    for tag, attributes in re.findall(r"<(\w+)([^>]*)>", as_html(produced)):
        assert tag in BOX_TAGS, tag
        allowed = BOX_LINKS if tag == "a" else r'(class="[\w -]+")?'
        assert re.fullmatch(allowed, attributes.strip()), (tag, attributes)


def write_record(folder: Path, record: dict, rehash: bool = True) -> Path:
    """``record`` committed under ``folder`` as speed-gpu.json, with a matching outputs hash
    (as someone who recomputes it would write it) unless ``rehash`` is False."""
    if rehash:
        record["outputs_hash"] = store.outputs_hash(record)
    path = folder / "speed-gpu.json"
    path.write_text(json.dumps(record))
    return path


def hostile_record() -> dict:
    record = json.loads(GPU_RECORD.read_text())
    record["provenance"].update(HOSTILE)
    return record


def provenance_of(record: dict, tmp_path: Path) -> str:
    """The provenance box of a committed record, as the site renders it."""
    loaded = committed_record(write_record(tmp_path, record), tmp_path)
    site = Site(tmp_path, {"speed-gpu": loaded}, {"speed-gpu"}, [], tmp_path)
    return site.block("provenance", "speed-gpu", "performance.md")


def test_text_shows_any_string_as_typed_and_lets_none_act():
    for value in [*HOSTILE.values(), "a & b", "<!-- result:value speed.x -->", "--8<-- x"]:
        escaped = text(value)
        assert not set(escaped) & set("<>[]()`|{}*_\\\n")
        assert html.unescape(escaped) == " ".join(value.split())
    assert text(3.5) == "3.5" and text(None) == "None"


def test_every_string_in_the_provenance_box_is_escaped(tmp_path):
    box = provenance_of(hostile_record(), tmp_path)
    assert_inert(box)
    shown = html.unescape(as_html(box))
    assert HOSTILE["cpu"] in shown and HOSTILE["gpu"] in shown  # shown, as typed
    assert "median of 5 timed repeats" in shown  # the config's, read by the statistic's text


def test_markup_where_the_config_has_a_number_fails_the_build(tmp_path):
    """The statistic's text shows config values: one that is not the number its class says is
    refused with the record, before any page shows it."""
    record = hostile_record()
    record["config"]["repeats"] = "<script>repeats</script>"
    with pytest.raises(SiteError, match=r"speed-gpu\.json: result speed cannot be shown "
                                        r"\(ShapeError: 'result\.config is an object"):
        committed_record(write_record(tmp_path, record), tmp_path)


def test_a_committed_record_edited_by_hand_fails_the_build(tmp_path):
    path = write_record(tmp_path, hostile_record(), rehash=False)
    with pytest.raises(SiteError, match=r"speed-gpu\.json was edited by hand.*re-run"):
        committed_record(path, tmp_path)


def test_the_hook_fails_the_build_on_a_tampered_record(tmp_path, monkeypatch):
    from mkdocs.exceptions import PluginError

    sys.path.insert(0, str(ROOT))
    from scripts import mkdocs_hooks

    write_record(tmp_path, hostile_record(), rehash=False)
    monkeypatch.setattr(mkdocs_hooks, "RECORDS", tmp_path)
    monkeypatch.setattr(site_module, "current_results", lambda results: {})
    config = type("Config", (), {"config_file_path": str(ROOT / "mkdocs.yml"), "extra": {}})()
    with pytest.raises(PluginError, match="edited by hand"):
        mkdocs_hooks.on_config(config)


def test_a_record_of_an_unknown_experiment_fails_the_build(tmp_path):
    record = json.loads(GPU_RECORD.read_text()) | {"name": "nope"}
    with pytest.raises(SiteError, match="unknown experiment"):
        committed_record(write_record(tmp_path, record), tmp_path)


def test_a_record_its_presenter_cannot_read_fails_the_build_with_a_message(tmp_path):
    """A file that passed the store's checks (its hash recomputed) but holds a string where a
    number belongs, or lacks a field: a SiteError naming the field, not a traceback."""
    record = json.loads(GPU_RECORD.read_text())
    index, cuda = next((i, row) for i, row in enumerate(record["rows"]) if "CUDA" in row["path"])
    cuda["seconds_per_epoch"] = "fast"
    field = rf"rows\[{index}\]\.seconds_per_epoch is a string"
    with pytest.raises(SiteError, match=rf"speed-gpu\.json: result speed cannot be shown "
                                        rf".*{field}.*re-run"):
        committed_record(write_record(tmp_path, record), tmp_path)
    cuda["seconds_per_epoch"] = 1.0
    record["rows"][0].pop("path")  # a missing field
    with pytest.raises(SiteError, match=r"speed-gpu\.json: result speed cannot be shown "
                                        r".*rows\[0\]\.path is missing"):
        committed_record(write_record(tmp_path, record), tmp_path)


@pytest.mark.parametrize(("content", "message"), [
    (b"null", "book.json holds null"),
    (b"[1]", "book.json holds a list"),
    (b"\xff", "book.json is not UTF-8"),
    (b'{"schema_version": 2}', "book.json is not a valid result ('name' is missing)"),
])
def test_damaged_results_fail_the_build_naming_each_file(tmp_path, content, message):
    (tmp_path / "book.json").write_bytes(content)
    with pytest.raises(SiteError) as error:
        current_results(tmp_path)
    assert message in str(error.value) and "speed.json is missing" in str(error.value)
    assert "re-run" in str(error.value)


def test_only_the_figures_of_current_results_are_shown(tmp_path):
    for figure_id in ("book-mnist-ch1", "book-fashion-mnist-ch1"):  # the second: left over
        for theme in ("light", "dark"):
            (tmp_path / f"{figure_id}-{theme}.svg").write_text("<svg/>")
    site = Site(tmp_path, {}, set(), [tmp_path], tmp_path,
                {"book-mnist-ch1-light.svg", "book-mnist-ch1-dark.svg"})
    assert [p.name for p in site.figure_paths()] == ["book-mnist-ch1-dark.svg",
                                                     "book-mnist-ch1-light.svg"]
    assert "no such figures" in site.block("figures", "book-fashion-mnist- Curves", "x.md")
    assert "book-mnist-ch1-light.svg" in site.block("figures", "book- Curves", "x.md")
    with pytest.raises(SiteError, match="was not rendered"):
        site.block("figure", "book-fashion-mnist-ch1 Curves", "x.md")
    with pytest.raises(SiteError, match="is not a figure id"):
        site.block("figure", "../../etc/x Curves", "x.md")


POOL = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    from comparison.experiments.harness.context import worker_pool

    def rendezvous(folder):
        '''Wait until two workers are here: so both have started (and run their initializer).'''
        Path(folder, str(os.getpid())).touch()
        deadline = time.monotonic() + 120
        while len(os.listdir(folder)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        return os.getpid()

    if __name__ == "__main__":
        pool = worker_pool(2)
        pids = {f.result() for f in [pool.submit(rendezvous, sys.argv[1]) for _ in range(2)]}
        busy = [pool.submit(time.sleep, 300) for _ in range(2)]
        print(" ".join(map(str, sorted(pids))), flush=True)
        time.sleep(300)
""")


def children(parent: int) -> set[int]:
    """The processes whose parent is ``parent``, from /proc."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rpartition(")")[2].split()[1]) == parent:
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Running (a zombie waiting for a parent that no longer reaps counts as gone)."""
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


def kill_and_check(parent: subprocess.Popen, pids: set[int], within: float) -> None:
    """SIGKILL ``parent`` (no clean-up of its own can run) and require every one of ``pids``
    to be gone within ``within`` seconds."""
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + within
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in pids if alive(pid)]


def leave_nothing(parent: subprocess.Popen, pids: set[int]) -> None:
    """Whatever a test saw, leave no process of it behind."""
    parent.kill()
    parent.wait()
    for pid in pids:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_workers_die_with_a_killed_run(tmp_path):
    script = tmp_path / "pool.py"
    script.write_text(POOL)
    (tmp_path / "here").mkdir()
    parent = subprocess.Popen([sys.executable, str(script), str(tmp_path / "here")], cwd=ROOT,
                              env=os.environ | {"PYTHONPATH": str(ROOT)},
                              stdout=subprocess.PIPE, text=True)
    everyone: set[int] = set()
    try:
        ready, _, _ = select.select([parent.stdout], [], [], 180)
        assert ready, "the pool did not start"
        workers = {int(pid) for pid in parent.stdout.readline().split()}
        assert len(workers) == 2 and workers <= children(parent.pid)
        everyone = children(parent.pid)  # the workers and the resource tracker
        kill_and_check(parent, everyone, within=10)
    finally:
        leave_nothing(parent, everyone)


TORCHRUN = """
import subprocess, sys
from comparison.experiments.scalability import torchrun_command
subprocess.run(torchrun_command(2, sys.argv[2]), cwd=sys.argv[1])
"""


def descendants(pid: int) -> set[int]:
    found = children(pid)
    return found.union(*(descendants(child) for child in found))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_torchrun_and_its_workers_die_with_a_killed_run(tmp_path):
    script, worker = tmp_path / "launch.py", tmp_path / "sleep.py"
    script.write_text(TORCHRUN)
    worker.write_text("import time\ntime.sleep(300)\n")
    parent = subprocess.Popen([sys.executable, str(script), str(ROOT), str(worker)], cwd=ROOT,
                              env=os.environ | {"PYTHONPATH": str(ROOT)})
    everyone: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        while len(everyone) < 3 and time.monotonic() < deadline:  # torchrun and 2 workers
            everyone = descendants(parent.pid)
            time.sleep(0.2)
        assert len(everyone) >= 3, "torchrun did not start its workers"
        kill_and_check(parent, everyone, within=30)
    finally:
        leave_nothing(parent, everyone)
