"""The second hostile pass (issue 28): nothing lost, nothing leaked. A failed save keeps the
previous result, a failed build the previous site; only files a current result lists are
published, never through a symlink; placeholders show only the package's own Python; no
process or temporary file outlives a killed command; every bad input is one line, before
any long work."""

from __future__ import annotations

import errno
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from test_cli import run_cli
from test_hardening import children, kill_and_check, leave_nothing

from comparison import cli, site_build, workdir
from comparison.experiments.harness import runner
from comparison.report.site import Site, SiteError
from comparison.results import store

ROOT = Path(__file__).resolve().parents[1]


def last_line(text: str) -> str:
    return text.strip().splitlines()[-1]


@pytest.fixture
def no_work(monkeypatch):
    """Fail the test if any data is loaded, any network trained, any experiment run or any
    site built: the command must stop on its checks first."""
    def forbidden(*args, **kwargs):
        raise AssertionError("the command did work before checking its input")

    for name in ("load_dataset", "train"):
        monkeypatch.setattr(cli, name, forbidden)
    monkeypatch.setattr(runner, "run_experiments", forbidden)
    monkeypatch.setattr(site_build, "mkdocs", forbidden)


def result() -> dict:
    return {"inputs_hash": "x", "config": {"n": 1}, "provenance": {}, "rows": [{"n": 1}]}


def draw_one(folder: Path) -> None:
    (folder / "demo-1-light.svg").write_text("<svg/>")


# 1. A failed save never deletes the previous good result.

def test_a_save_whose_figures_cannot_be_moved_keeps_the_previous_result(tmp_path):
    store.save("demo", result(), tmp_path, draw=draw_one)
    before = (tmp_path / "demo.json").read_bytes()
    for figure in (tmp_path / "figures").iterdir():
        figure.unlink()
    (tmp_path / "figures").rmdir()
    (tmp_path / "figures").write_text("a file where the figures folder was")
    with pytest.raises(store.SaveFailed, match=r"could not save the demo result.*previous "
                                               r"result, if any, is kept"):
        store.save("demo", result() | {"rows": [{"n": 2}]}, tmp_path, draw=draw_one)
    assert (tmp_path / "demo.json").read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_a_full_disk_keeps_the_previous_result(tmp_path, monkeypatch):
    store.save("demo", result(), tmp_path)
    before = (tmp_path / "demo.json").read_bytes()

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(store, "write_atomically", full)
    with pytest.raises(store.SaveFailed, match="No space left on device"):
        store.save("demo", result() | {"rows": [{"n": 2}]}, tmp_path)
    assert (tmp_path / "demo.json").read_bytes() == before


def test_a_save_failure_is_one_line_from_the_cli(tmp_path, capsys, monkeypatch):
    def failing(*args, **kwargs):
        raise store.SaveFailed("could not save the book result in R (No space left on device)")

    monkeypatch.setattr(runner, "run_experiments", failing)
    code, _, err = run_cli(["run", "--only", "book", "--results", str(tmp_path)], capsys)
    assert code == 1 and err.strip().startswith("error: could not save the book result")
    assert "Traceback" not in err


def test_disk_trouble_met_while_working_is_one_line(tmp_path, capsys, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp_path / "figures"))

    monkeypatch.setattr(runner, "run_experiments", full)
    code, _, err = run_cli(["run", "--only", "book", "--results", str(tmp_path)], capsys)
    assert code == 1 and err.strip().startswith("error: No space left on device (")
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(("make", "message"), [
    (lambda r: (r / "figures").write_text("x"), "figures is a regular file, not a folder"),
    (lambda r: (r / "book.json").mkdir(), "book.json is a folder, not a regular file"),
])
def test_a_results_folder_that_cannot_take_the_result_is_refused_before_running(
        tmp_path, capsys, no_work, make, message):
    make(tmp_path)
    code, _, err = run_cli(["run", "--only", "book", "--results", str(tmp_path)], capsys)
    assert code == 2 and message in last_line(err)


def test_a_results_link_loop_is_refused_before_running(tmp_path, capsys, no_work):
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    code, _, err = run_cli(["run", "--results", str(tmp_path / "loop")], capsys)
    assert code == 2 and "is a broken link or a link loop" in last_line(err)


# 2. The site publishes only what current results list, never through a symlink.

def test_only_the_results_themselves_are_published(tmp_path):
    store.save("demo", result(), tmp_path)
    record = store.load("demo", tmp_path)
    (tmp_path / "secret.csv").symlink_to("/etc/passwd")
    (tmp_path / "demo.csv").unlink()
    (tmp_path / "demo.csv").symlink_to("/etc/passwd")
    site = Site(tmp_path, {"demo": record}, set(), [tmp_path / "figures"], tmp_path)
    downloads = site.downloads()
    assert sorted(downloads) == ["results/demo.csv", "results/demo.json"]
    assert downloads["results/demo.csv"] == "n\n1\n"  # from the record, not the file
    assert json.loads(downloads["results/demo.json"]) == record
    assert "root:" not in "".join(downloads.values())


def test_the_hook_publishes_no_file_found_in_the_results_folder(tmp_path):
    sys.path.insert(0, str(ROOT))
    from scripts import mkdocs_hooks

    store.save("demo", result(), tmp_path)
    (tmp_path / "x.csv").symlink_to("/etc/passwd")
    (tmp_path / "x.json").write_text("{}")
    site = Site(tmp_path, {"demo": store.load("demo", tmp_path)}, set(), [], tmp_path)
    config = SimpleNamespace(site_dir=str(tmp_path / "site"), use_directory_urls=True,
                             extra={mkdocs_hooks.KEY: site},
                             plugins=SimpleNamespace(_current_plugin=None))
    files = mkdocs_hooks.on_files(mkdocs_hooks.Files([]), config)
    assert sorted(f.src_uri for f in files) == ["results/demo.csv", "results/demo.json"]


def test_a_symlinked_figure_is_never_published(tmp_path):
    folder = tmp_path / "figures"
    folder.mkdir()
    (folder / "demo-1-dark.svg").write_text("<svg/>")
    (folder / "demo-1-light.svg").symlink_to("/etc/passwd")
    site = Site(tmp_path, {}, set(), [folder], tmp_path,
                {"demo-1-light.svg", "demo-1-dark.svg"})
    assert [p.name for p in site.figure_paths()] == ["demo-1-dark.svg"]
    with pytest.raises(SiteError, match=r"demo-1 \(light\) was not rendered"):
        site.block("figure", "demo-1 Caption", "x.md")
    linked = tmp_path / "linked"
    linked.symlink_to(folder)  # a figures folder that is itself a link: nothing from it
    assert Site(tmp_path, {}, set(), [linked], tmp_path, {"demo-1-dark.svg"}).figure_paths() == []


# 3. site/ is replaced only by a successful build, and never through a link or over a file.

@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project folder (with mkdocs.yml) as the working folder, holding a good site/."""
    monkeypatch.chdir(tmp_path)
    Path("mkdocs.yml").write_text("site_name: x\n")
    Path("site").mkdir()
    Path("site", "index.html").write_text("the previous good site")
    return tmp_path


def fake_mkdocs(status: int):
    """MkDocs that writes a page into its --site-dir, then exits with ``status``."""
    def run(arguments: list[str], env: dict) -> int:
        target = Path(arguments[arguments.index("--site-dir") + 1])
        target.mkdir(exist_ok=True)
        (target / "index.html").write_text("the new site")
        return status
    return run


def test_a_failed_build_leaves_the_previous_site_intact(project, monkeypatch):
    monkeypatch.setattr(site_build, "mkdocs", fake_mkdocs(1))
    assert site_build.build({}) == 1
    assert Path("site/index.html").read_text() == "the previous good site"
    assert sorted(p.name for p in project.iterdir()) == ["mkdocs.yml", "site"]  # nothing left


def test_a_successful_build_replaces_the_site(project, monkeypatch):
    monkeypatch.setattr(site_build, "mkdocs", fake_mkdocs(0))
    assert site_build.build({}) == 0
    assert Path("site/index.html").read_text() == "the new site"
    assert sorted(p.name for p in project.iterdir()) == ["mkdocs.yml", "site"]


def test_a_build_killed_earlier_is_swept(project, monkeypatch):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    Path(f".site-{dead}-abc.part").mkdir()
    monkeypatch.setattr(site_build, "mkdocs", fake_mkdocs(0))
    site_build.build({})
    assert not Path(f".site-{dead}-abc.part").exists()


@pytest.mark.parametrize(("make", "message"), [
    (lambda: Path("site").symlink_to(Path("elsewhere").resolve()), "site is a symbolic link"),
    (lambda: Path("site").write_text("x"), "site exists and is not a folder"),
])
def test_a_site_that_is_a_link_or_a_file_is_refused_before_running(
        project, capsys, no_work, make, message):
    Path("elsewhere").mkdir()
    Path("elsewhere", "keep.txt").write_text("mine")
    Path("site", "index.html").unlink()
    Path("site").rmdir()
    make()
    code, _, err = run_cli(["report"], capsys)
    assert code == 2 and message in last_line(err)
    assert Path("elsewhere", "keep.txt").read_text() == "mine"


# 4. Placeholders show only the package's own Python source.

@pytest.mark.parametrize("args", [
    "../tests/conftest.py::idx_bytes",  # climbs out of comparison/
    f"{ROOT}/tests/conftest.py::idx_bytes",  # absolute
    "../README.md::x",  # not Python
    "experiments/../../tests/conftest.py::tiny",
    "x" * 5000 + ".py::f",  # a name too long
])
def test_a_source_placeholder_outside_the_package_is_refused(args):
    site = Site(Path("."), {}, set(), [], Path("."))
    with pytest.raises(SiteError, match="only the package's own Python files"):
        site.block("source", args, "x.md")


def test_a_source_placeholder_inside_the_package_still_works():
    site = Site(Path("."), {}, set(), [], Path("."))
    assert "def sigmoid" in site.block("source", "scratch/activations.py::sigmoid", "x.md")


# 5. Processes and temporary files.

LAUNCHER = """
import sys
from comparison import site_build
site_build.LAUNCH = site_build.LAUNCH.replace("mkdocs.__main__", "sleeper")
print("started", flush=True)
site_build.mkdocs([], {"PYTHONPATH": sys.argv[1]})
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_mkdocs_dies_with_a_killed_report(tmp_path):
    (tmp_path / "sleeper.py").write_text("import time\ntime.sleep(300)\n")
    (tmp_path / "launch.py").write_text(LAUNCHER)
    parent = subprocess.Popen([sys.executable, str(tmp_path / "launch.py"), str(tmp_path)],
                              cwd=ROOT, env=os.environ | {"PYTHONPATH": str(ROOT)},
                              stdout=subprocess.PIPE, text=True)
    child: set[int] = set()
    try:
        parent.stdout.readline()
        deadline = time.monotonic() + 60
        while not child and time.monotonic() < deadline:
            child = children(parent.pid)
            time.sleep(0.1)
        assert child, "the MkDocs stand-in did not start"
        time.sleep(1)  # its die_with_parent request is made as it starts
        kill_and_check(parent, child, within=10)
    finally:
        leave_nothing(parent, child)


def test_a_taken_port_is_one_line_naming_port_before_running(tmp_path, capsys, no_work,
                                                                monkeypatch):
    monkeypatch.chdir(ROOT)
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        code, _, err = run_cli(["report", "--serve", "--port", str(port),
                                "--results", str(tmp_path)], capsys)
    assert code == 2 and f"port {port} is taken" in last_line(err)
    assert "--port" in last_line(err) and "Traceback" not in err


def test_serve_listens_on_the_given_port(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(runner, "run_experiments", lambda *args: [])
    calls = []
    monkeypatch.setattr(site_build, "mkdocs", lambda arguments, env: calls.append(arguments))
    run_cli(["report", "--serve", "--port", "8123", "--results", str(tmp_path)], capsys)
    assert calls == [["serve", "--dev-addr", "127.0.0.1:8123"]]


def test_each_command_has_a_private_temporary_folder_that_goes_with_it(tmp_path, capsys,
                                                                       monkeypatch):
    seen = []

    def remember(*args, **kwargs):
        import tempfile
        seen.append(Path(tempfile.mkdtemp()))
        return []

    monkeypatch.setattr(runner, "run_experiments", remember)
    run_cli(["run", "--only", "book", "--results", str(tmp_path)], capsys)
    assert seen and seen[0].parent.name.startswith(f"{workdir.PRIVATE}-{os.getpid()}-")
    assert not seen[0].parent.exists()  # removed with everything in it


def test_a_killed_commands_temporary_folder_is_swept(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    (tmp_path / f"nn-compare-{dead}-abc").mkdir()
    (tmp_path / f"nn-compare-{dead}-abc" / "data.npz").write_bytes(b"60 MB")
    (tmp_path / f"nn-compare-{os.getpid()}-def").mkdir()  # this process's: still in use
    workdir.sweep(tmp_path, workdir.PRIVATE)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"nn-compare-{os.getpid()}-def"]


# 6. Bounds before reading or allocating.

def test_a_huge_result_file_is_refused_by_its_size_before_reading(tmp_path):
    with (tmp_path / "book.json").open("wb") as handle:
        handle.truncate(30 * 2**30)  # sparse: 30 GB that take no space
    start = time.perf_counter()
    with pytest.raises(store.StaleResult, match=r"book.json is 30,720 MB, larger than any "
                                                r"result.*not read: re-run"):
        store.load("book", tmp_path)
    assert time.perf_counter() - start < 5


def test_a_network_too_large_to_allocate_is_refused(capsys, no_work):
    code, _, err = run_cli(["train", "--hidden", "10000", "10000", "10000"], capsys)
    assert code == 2 and "parameters" in last_line(err) and "at most 20,000,000" in last_line(err)


# 7-8. Training options: checked before the data is loaded; the record says what was used.

@pytest.mark.parametrize("variant", ["dropout", "conv"])
def test_a_variant_jax_does_not_have_is_refused_before_loading(capsys, no_work, variant):
    code, _, err = run_cli(["train", "--impl", "jax", "--variant", variant], capsys)
    assert code == 2 and f"--impl jax has no {variant} variant" in last_line(err)


def test_two_hidden_with_one_layer_is_refused(capsys, no_work):
    code, _, err = run_cli(["train", "--variant", "two-hidden", "--hidden", "30"], capsys)
    assert code == 2
    assert "--variant two-hidden has 2 hidden layers, and --hidden gives 1" in last_line(err)


def test_the_record_says_how_many_images_were_used(tiny, tmp_path, capsys):
    out = tmp_path / "run.json"
    code, _, _ = run_cli(["train", "--data", str(tiny[0]), "--epochs", "1", "--device", "cpu",
                          "--train-size", str(10**24), "--out", str(out)], capsys)
    assert code == 0
    assert json.loads(out.read_text())["config"]["train_size"] == 100  # the tiny set's 120 - 20


# 9. Where the data is: a wrong variable, an empty or over-long path, a report's --data.

@pytest.mark.parametrize(("value", "message"), [
    ("", "is empty"),
    ("{tmp}/missing", "cannot be reached (No such file or directory)"),
    ("{tmp}/file", "is not a folder"),
])
@pytest.mark.parametrize("command", [["train"], ["run", "--only", "book"]])
def test_a_wrong_data_variable_is_an_error_not_a_download(tmp_path, capsys, no_work,
                                                          monkeypatch, value, message, command):
    (tmp_path / "file").write_text("x")
    monkeypatch.setenv("NN_COMPARE_DATA", value.format(tmp=tmp_path))
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli([*command, "--results", str(tmp_path / "r")] if command[0] == "run"
                           else [*command, "--out", str(tmp_path / "r.json")], capsys)
    assert code == 2 and "$NN_COMPARE_DATA=" in last_line(err) and message in last_line(err)
    assert not (tmp_path / "data").exists()  # no download was tried


@pytest.mark.parametrize(("value", "message"), [
    ("", "is empty"),
    ("x" * 5000, "cannot be reached (File name too long)"),
])
def test_an_empty_or_over_long_data_path_is_one_line(capsys, no_work, value, message):
    code, _, err = run_cli(["train", "--data", value], capsys)
    assert code == 2 and message in last_line(err) and len(last_line(err)) < 200


def test_report_checks_its_data_even_when_every_result_is_current(tmp_path, capsys, no_work,
                                                                  monkeypatch):
    monkeypatch.chdir(ROOT)
    (tmp_path / "empty").mkdir()
    code, _, err = run_cli(["report", "--data", str(tmp_path / "empty"),
                            "--results", str(tmp_path)], capsys)
    assert code == 1 and "--data points at" in err and "no mnist files are there" in err


# 10. report outside the project; a divergence names its parameter.

def test_report_outside_the_project_is_refused_before_running(tmp_path, capsys, no_work,
                                                              monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(["report"], capsys)
    assert code == 2 and "has no mkdocs.yml: cd into the project" in last_line(err)


def test_a_divergence_from_lmbda_names_lmbda(tiny, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cli, "train", lambda *args: pytest.fail("trained"))
    code, _, err = run_cli(["train", "--data", str(tiny[0]), "--lmbda", "1e308",
                            "--out", str(tmp_path / "r.json")], capsys)
    assert code == 2 and "--lmbda 1e+308" in last_line(err)
    assert "use --lmbda below" in last_line(err) and "eta" not in last_line(err).split(":")[-1]


# First-run papercuts.

def test_run_records_are_named_by_their_settings_and_not_overwritten(tiny, tmp_path, capsys,
                                                                     monkeypatch):
    monkeypatch.chdir(tmp_path)
    base = ["train", "--data", str(tiny[0])]
    for extra in ([], ["--hidden", "20"]):
        code, out, _ = run_cli([*base, *extra], capsys)
        assert code == 0
    names = sorted(p.name for p in Path("results/runs").iterdir())
    assert names == ["train-scratch-mnist-hidden20-seed0.json", "train-scratch-mnist-seed0.json"]
    assert "run record: results/runs/train-scratch-mnist-hidden20-seed0.json" in out
    code, _, err = run_cli(base, capsys)
    assert code == 2 and "pass --force to replace it" in last_line(err)
    code, _, _ = run_cli([*base, "--force"], capsys)
    assert code == 0


def test_what_saving_needs_is_imported_before_the_work(tmp_path, monkeypatch):
    """A page module that cannot be imported (here: half-edited) stops the run before an
    experiment starts, not when its result is saved, after the measurements."""
    from comparison.experiments import EXPERIMENTS
    from comparison.experiments.harness.context import Context

    ran = []
    monkeypatch.setattr(EXPERIMENTS["code"], "run", lambda config, context: ran.append(1))

    def half_edited(name: str):
        raise ImportError(f"cannot import name 'Result' (the page of {name})")
    monkeypatch.setattr(runner, "_figures", half_edited)
    with pytest.raises(ImportError, match="cannot import name"):
        runner.run_experiments(["code"], "quick", Context(progress=False), tmp_path)
    assert not ran and not list(tmp_path.iterdir())


def test_progress_shows_elapsed_time_and_an_estimate(tmp_path, capsys, monkeypatch):
    from comparison.experiments import EXPERIMENTS
    from comparison.experiments.harness.context import Context

    module = EXPERIMENTS["code"]
    monkeypatch.setattr(module, "run", lambda config, context: {"rows": [{"n": 1}]})
    monkeypatch.setattr(runner, "_figures", lambda name: None)
    runner.run_experiments(["code"], "quick", Context(progress=False), tmp_path)
    out = capsys.readouterr().out
    typical = runner._duration(runner.TYPICAL_SECONDS["quick"]["code"])  # none ran here yet
    assert f"[1/1] running code (quick profile): 0 s so far, about {typical} left" in out
    record = json.loads((tmp_path / "code.json").read_text())
    record["provenance"]["wall_seconds"] = 125.0  # the estimate is last time's duration
    record["outputs_hash"] = store.outputs_hash(record)
    (tmp_path / "code.json").write_text(json.dumps(record))
    runner.run_experiments(["code"], "quick", Context(progress=False), tmp_path, force=True)
    assert "about 2 min 5 s left" in capsys.readouterr().out
