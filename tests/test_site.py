"""The site: built strictly from results, every page opened in a real browser."""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from comparison import data, implementations
from comparison.experiments import EXPERIMENTS
from comparison.experiments.harness.context import Context
from comparison.experiments.harness.runner import run_experiments
from comparison.results import store

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def results(smoke_results, tiny_module):
    """The session's smoke results, with the tiny dataset they were computed on registered."""
    return smoke_results


@pytest.fixture(scope="module")
def tiny_module(tmp_path_factory):
    from tests.conftest import make_arrays, write_dataset

    folder = tmp_path_factory.mktemp("tiny")
    spec = write_dataset(folder, make_arrays())
    patch = pytest.MonkeyPatch()
    patch.setitem(data.SPECS, "mnist", spec)
    patch.delenv(data.ENV_VAR, raising=False)
    yield folder, spec
    patch.undo()


# The results were computed on the tiny dataset, and a result's inputs hash covers the data's
# checksums: the build must know the same dataset as the run, so it registers it first.
MKDOCS_ON_TINY_DATA = """
import sys
from comparison import data
from tests.conftest import make_arrays, tiny_spec
data.SPECS["mnist"] = tiny_spec(make_arrays())
from mkdocs.__main__ import cli
sys.exit(cli())
"""


def build(results: Path, site: Path) -> subprocess.CompletedProcess:
    env = os.environ | {"NN_COMPARE_RESULTS": str(results), "NN_COMPARE_EXECUTE_NOTEBOOK": "false",
                        "NO_MKDOCS_2_WARNING": "1", "NN_COMPARE_NOTEBOOK_CACHE": "false"}
    command = ["-c", MKDOCS_ON_TINY_DATA, "build", "--strict", "-d", str(site)]
    return subprocess.run([sys.executable, *command], cwd=ROOT, env=env, capture_output=True,
                          text=True)


@pytest.fixture(scope="module")
def site(results, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    done = build(results, out)
    assert done.returncode == 0, done.stderr[-3000:]
    return out


PAGES = ["index.html", "ease-of-use/index.html", "performance/index.html", "book/index.html",
         "flexibility/index.html", "methodology/index.html", "reproduce/index.html",
         "walkthrough/index.html"]


def test_every_placeholder_is_replaced(site):
    for page in PAGES:
        html = (site / page).read_text()
        assert "<!-- result:" not in html and "result:" not in html, page
    assert (site / "results" / "speed.json").is_file()
    assert (site / "results" / "book.csv").read_text().startswith("dataset,setting,impl")


INTERVAL = re.compile(r"\[[^\[\]]*\d[–-][^\[\]]*\d[^\[\]]*\]")  # "[0.76–0.98]"


def test_running_text_holds_one_interval_a_sentence(site):
    """Tables and collapsed blocks may list intervals; a paragraph a reader sees does not."""
    from bs4 import BeautifulSoup  # nbconvert's dependency, installed with the site's

    for page in PAGES:
        article = BeautifulSoup((site / page).read_text(), "html.parser").find("article")
        for block in article.find_all(["p", "li"]):
            if block.find(["p", "li"]) or block.find_parent(["table", "details"]):
                continue
            text = " ".join(block.get_text(" ", strip=True).split())
            for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z(])", text):
                assert len(INTERVAL.findall(sentence)) <= 1, (page, sentence)


def test_distributed_replicas_stay_identical(results):
    """torchrun + DDP (gloo, loopback), 1 and 2 processes, on the tiny dataset."""
    record = json.loads((results / "scalability.json").read_text())
    assert {r["processes"] for r in record["rows"]} == {1, 2}
    assert record["replica_max_difference"] == 0.0
    assert record["one_vs_two_max_difference"] < 1e-4  # the same updates, up to round-off


def test_figures_redraws_a_current_result_and_lists_what_it_drew(results, tmp_path, capsys):
    """``python -m comparison figures`` draws from the typed result, as a run does."""
    from tests.test_cli import run_cli

    shutil.copy(results / "convergence.json", tmp_path)
    code, out, _ = run_cli(["figures", "--results", str(tmp_path)], capsys)
    drawn = next(line for line in out.splitlines() if line.startswith("convergence: "))
    record = json.loads((tmp_path / "convergence.json").read_text())
    assert code == 0 and record["figure_files"] and all(
        (tmp_path / "figures" / name).is_file() for name in record["figure_files"])
    assert drawn.removeprefix("convergence: ").split(", ")[0] in record["figure_files"][0]


def test_each_indented_code_line_carries_its_indentation():
    """The hook gives each code line its indentation; the stylesheet hangs a wrapped line's
    continuation beyond it."""
    sys.path.insert(0, str(ROOT))
    from scripts import mkdocs_hooks

    def anchor(n: int) -> str:
        line = f"__codelineno-0-{n}"
        return f'<a id="{line}" name="{line}" href="#{line}"></a>'

    html = (f'<code><span id="__span-0-1">{anchor(1)}<span class="k">def</span> f():\n</span>'
            f'<span id="__span-0-2">{anchor(2)}        <span class="k">return</span> 1\n</span>'
            '<span id="__span-0-3">    x\n</span></code>')
    done = mkdocs_hooks.on_page_content(html, None, None, None)
    assert '<span id="__span-0-1"><a id="__codelineno-0-1"' in done
    assert f'<span id="__span-0-2" style="--indent: 8ch">{anchor(2)}        <' in done
    assert '<span id="__span-0-3" style="--indent: 4ch">    x' in done
    assert done.replace(' style="--indent: 8ch"', "").replace(' style="--indent: 4ch"', "") == html


def test_source_tabs_show_the_real_code(site):
    html = (site / "ease-of-use" / "index.html").read_text()
    text = re.sub(r"<[^>]+>", "", html)  # highlighting splits code into spans
    assert "def backprop(self" in text and "class Net(nn.Module)" in text
    assert "tabbed-set" in html


def test_changing_a_result_changes_the_page(results, tmp_path):
    copy = tmp_path / "results"
    shutil.copytree(results, copy)
    record = json.loads((copy / "code.json").read_text())
    record["totals"]["torch"] = 4321
    record["outputs_hash"] = store.outputs_hash(record)  # as a run would (a hand edit fails)
    (copy / "code.json").write_text(json.dumps(record))
    assert build(copy, tmp_path / "site").returncode == 0
    assert "4321 lines in PyTorch" in (tmp_path / "site" / "index.html").read_text()


def test_a_stale_result_fails_the_build(results, tmp_path):
    copy = tmp_path / "results"
    shutil.copytree(results, copy)
    record = json.loads((copy / "book.json").read_text())
    record["config"]["epochs"] = 99  # as if computed from another config
    record["outputs_hash"] = store.outputs_hash(record)
    (copy / "book.json").write_text(json.dumps(record))
    done = build(copy, tmp_path / "site")
    assert done.returncode != 0 and "book.json is stale" in done.stderr


def test_a_missing_result_fails_the_build(results, tmp_path):
    copy = tmp_path / "results"
    shutil.copytree(results, copy)
    (copy / "speed.json").unlink()
    done = build(copy, tmp_path / "site")
    assert done.returncode != 0 and "speed.json is missing" in done.stderr


def test_an_unknown_placeholder_fails(results, monkeypatch):
    from mkdocs.exceptions import PluginError

    sys.path.insert(0, str(ROOT))
    from scripts import mkdocs_hooks

    monkeypatch.setenv("NN_COMPARE_RESULTS", str(results))
    config = fake_config()
    mkdocs_hooks.on_config(config)

    class Page:
        file = type("File", (), {"src_uri": "x.md"})

    for text in ("<!-- result:table nope -->", "<!-- result:value speed.nope -->",
                 "<!-- result:chart speed -->", "<!-- result:table speed.nope -->",
                 "<!-- result:table verdicts.answers -->"):  # x.md holds no claim's evidence
        with pytest.raises(PluginError):
            mkdocs_hooks.on_page_markdown(text, Page, config, None)


def fake_config():
    """What the hook reads of MkDocs's config: where mkdocs.yml is, and ``extra``."""
    return type("Config", (), {"config_file_path": str(ROOT / "mkdocs.yml"), "extra": {}})()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def served(site):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


# Lazy images load only once seen; scrolling past many quickly can skip some, so load eagerly.
SHOW_IMAGES = """() => document.querySelectorAll('.md-content img')
    .forEach(img => { img.loading = 'eager'; img.scrollIntoView(); })"""
ALL_LOADED = """() => [...document.querySelectorAll('.md-content img')]
    .filter(img => img.offsetParent !== null)
    .every(img => img.complete && img.naturalWidth > 0)"""
VISIBLE_IMAGES = """() => [...document.querySelectorAll('.md-content img')]
    .filter(img => img.offsetParent !== null)
    .map(img => ({src: img.src, ok: img.complete && img.naturalWidth > 0}))"""
TABLE_ROWS = """() => [...document.querySelectorAll('.md-content table')]
    .map(t => t.querySelectorAll('tbody tr').length)"""


def show_all_images(page) -> None:
    """Load every figure and scroll it into view, and give them time to arrive."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.evaluate(SHOW_IMAGES)
    # On a time-out the assertion that follows names the images that did not load.
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(ALL_LOADED, timeout=10_000)


@pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"),
                    reason="needs Debian's chromium (.ci/run installs it)")
def test_every_page_renders_in_a_browser(served):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        page = browser.new_page()
        errors = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}"))
        figures = 0
        for name in PAGES:
            page.goto(served + name.removesuffix("index.html"), wait_until="networkidle")
            show_all_images(page)
            images = page.evaluate(VISIBLE_IMAGES)
            assert all(i["ok"] for i in images), (name, images)
            figures += len(images)
            assert all(rows > 0 for rows in page.evaluate(TABLE_ROWS)), name
        assert figures >= 5
        assert not errors, errors

        # The palette toggle swaps each figure's light variant for its dark one.
        page.goto(served + "performance/", wait_until="networkidle")
        before = [i["src"] for i in page.evaluate(VISIBLE_IMAGES)]
        for _ in range(3):
            if page.evaluate("document.body.dataset.mdColorScheme") == "slate":
                break
            page.locator("label.md-header__button[for^='__palette']:visible").first.click()
        show_all_images(page)
        after = page.evaluate(VISIBLE_IMAGES)
        assert before and all("-light.svg" in src for src in before)
        assert after and all("-dark.svg" in i["src"] and i["ok"] for i in after)
        browser.close()


def test_without_the_extras_every_page_builds_and_says_so(tiny_module, tmp_path, monkeypatch):
    folder, _ = tiny_module
    for name in ("keras", "jax"):  # as if neither TensorFlow nor JAX were installed
        missing = replace(implementations.REGISTRY[name], modules=("no_such_module_here",))
        monkeypatch.setitem(implementations.REGISTRY, name, missing)
    results = tmp_path / "results"
    run_experiments(list(EXPERIMENTS), "smoke",
                    Context(data_dir=str(folder), progress=False, workers=1), results)
    assert "keras" not in json.loads((results / "book.json").read_text())["config"][
        "implementations"]
    done = build(results, tmp_path / "site")
    assert done.returncode == 0, done.stderr[-3000:]
    for page in ("book/index.html", "performance/index.html", "flexibility/index.html"):
        html = (tmp_path / "site" / page).read_text()
        assert "Keras (TensorFlow) was <strong>not measured</strong>" in html, page
        assert "JAX was <strong>not measured</strong>" in html, page


def test_the_gpu_record_is_on_the_performance_page(site):
    """The committed GPU run is shown with its own provenance, figures and raw data."""
    record = json.loads((ROOT / "docs" / "records" / "speed-gpu.json").read_text())
    html = (site / "performance" / "index.html").read_text()
    assert record["config"]["gpu"] in html and record["provenance"]["commit"][:10] in html
    assert "speed-gpu-speed-batch-light.svg" in html
    assert (site / "records" / "speed-gpu.json").is_file()
    assert (site / "results" / "figures" / "speed-gpu-speed-width-dark.svg").is_file()


def test_a_record_made_with_older_code_is_shown_with_a_warning(results, tmp_path, monkeypatch):
    sys.path.insert(0, str(ROOT))
    from scripts import mkdocs_hooks

    record = json.loads((ROOT / "docs" / "records" / "speed-gpu.json").read_text())
    record["config"]["repeats"] += 1  # as if recorded with another config
    record["outputs_hash"] = store.outputs_hash(record)
    (tmp_path / "speed-gpu.json").write_text(json.dumps(record))
    monkeypatch.setattr(mkdocs_hooks, "RECORDS", tmp_path)
    monkeypatch.setenv("NN_COMPARE_RESULTS", str(results))
    config = fake_config()
    mkdocs_hooks.on_config(config)
    site = config.extra[mkdocs_hooks.KEY]
    assert site.records["speed-gpu"]["current"] is False
    assert "Recorded with older code" in site.block("provenance", "speed-gpu", "x.md")
    assert "with older code" in site.block("table", "verdicts", "x.md")
    mkdocs_hooks.on_post_build(config)


def test_the_published_site_measures_keras_too():
    """The Pages workflow builds the full report: without the extra, Keras's rows would say
    'not measured' on the published site."""
    workflow = (ROOT / ".github" / "workflows" / "pages.yml").read_text()
    assert "requirements-keras.txt" in workflow and "--profile full" in workflow


def test_the_notebook_kernel_starts_quietly(monkeypatch):
    """The hook points nbconvert at scripts/jupyter, whose config starts the kernel at log level
    ERROR (its TCP notice is noise on a build machine); nbconvert really reads it."""
    from nbclient import NotebookClient
    from nbconvert.nbconvertapp import NbConvertApp

    sys.path.insert(0, str(ROOT / "scripts"))
    import mkdocs_hooks

    monkeypatch.delenv("JUPYTER_CONFIG_PATH", raising=False)
    monkeypatch.setattr(mkdocs_hooks.Site, "load", lambda *args: None)
    mkdocs_hooks.on_config(type("Config", (), {"extra": {}, "config_file_path": str(ROOT)})())
    app = NbConvertApp()
    app.load_config_file()
    client = NotebookClient(nb=None, config=app.config)
    assert "--IPKernelApp.log_level=ERROR" in client.extra_arguments
