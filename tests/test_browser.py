"""The site as a reader meets it, in Debian's Chromium: on a 1280 px screen and a 390 px phone.

Nothing widens a page; a table either fits its column or scrolls inside its own box; no code is
cut off; figure text stays legible on a phone; the notebook shows its plot; and no page gives
away a folder of the machine that built it.

The site is built here from smoke results (as tests/test_site.py builds it), with the notebook
executed when real MNIST can be found (``NN_COMPARE_DATA`` or ./data). To check a site that is
already built instead, e.g. the one ``python -m comparison report`` writes:

    NN_COMPARE_SITE=site python -m pytest tests/test_browser.py
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

from comparison import data
from scripts.screenshots import LOAD_IMAGES, launch, pages, serve
from tests.test_site import MKDOCS_ON_TINY_DATA, results, tiny_module  # noqa: F401  (fixtures: smoke results)

ROOT = Path(__file__).resolve().parents[1]

CHROMIUM = Path("/usr/bin/chromium")
WIDTHS = {"desktop": 1280, "phone": 390}
MIN_FIGURE_TEXT_PX = 10


def _real_mnist() -> Path | None:
    """The folder of the real MNIST, if any: the notebook loads it when the site is built."""
    try:
        found = data.locate(data.SPECS["mnist"], None)
    except data.DataError:
        return None
    return None if found is None else found if found.is_dir() else found.parent


MNIST = _real_mnist()  # now, before a fixture hides it behind the tiny dataset


@pytest.fixture(scope="module")
def site(request, tmp_path_factory) -> Path:
    if os.environ.get("NN_COMPARE_SITE"):
        return Path(os.environ["NN_COMPARE_SITE"]).resolve()
    smoke = request.getfixturevalue("results")  # computed only when needed
    out = tmp_path_factory.mktemp("site")
    env = os.environ | {"NN_COMPARE_RESULTS": str(smoke), "NO_MKDOCS_2_WARNING": "1",
                        "NN_COMPARE_EXECUTE_NOTEBOOK": "true" if MNIST else "false",
                        "NN_COMPARE_NOTEBOOK_CACHE": "false"}  # execute afresh, keep no cache
    if MNIST:
        env[data.ENV_VAR] = str(MNIST)
    command = ["-c", MKDOCS_ON_TINY_DATA, "build", "--strict", "-d", str(out)]
    done = subprocess.run([sys.executable, *command], cwd=ROOT, env=env, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI needs {CHROMIUM} (.ci/run installs it)")
        pytest.skip(f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def base(site):
    with serve(site) as url:
        yield url


def visit(browser, base: str, site: Path, width: int, show_everything: bool = True):
    """Each page of the site at ``width``, as (path, page), loaded, and with everything shown
    (closed boxes opened, every tab laid out) unless ``show_everything`` is false."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        for path in pages(site):
            page.goto(base + path, wait_until="networkidle")
            page.evaluate(SHOW_EVERYTHING if show_everything else LOAD_IMAGES)
            with contextlib.suppress(PlaywrightTimeout):  # the checks name what did not load
                page.wait_for_function(IMAGES_LOADED, timeout=10_000)
            yield path or "home", page
    finally:
        context.close()


# --------------------------------------------------------------------- what a reader can see

# Content that starts hidden is laid out like the rest: inactive tabs and closed boxes.
SHOW_EVERYTHING = """() => {
    const style = document.createElement('style');
    style.textContent = '.tabbed-content > .tabbed-block { display: block !important }';
    document.head.append(style);
    document.querySelectorAll('.md-content details').forEach(d => { d.open = true; });
    document.querySelectorAll('.md-content img').forEach(img => { img.loading = 'eager'; });
}"""
IMAGES_LOADED = """() => [...document.querySelectorAll('.md-content img')]
    .filter(img => img.offsetParent !== null)
    .every(img => img.complete && img.naturalWidth > 0)"""

# Everything that sticks out: the page itself, a table outside its column with no scroll box
# of its own, and code whose lines run past its box (hidden behind a scrollbar or spilling).
OVERFLOWS = r"""() => {
    const problems = [];
    const page = document.documentElement;
    if (page.scrollWidth > page.clientWidth + 1)
        problems.push(`the page scrolls sideways: ${page.scrollWidth} px in ${page.clientWidth}`);
    const content = document.querySelector('.md-content');
    const column = content.getBoundingClientRect();
    const inside = e => {
        const box = e.getBoundingClientRect();
        return box.left >= column.left - 1 && box.right <= column.right + 1;
    };
    const scrolls = e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX);
    const name = e => e.innerText.trim().replace(/\s+/g, ' ').slice(0, 40);
    document.querySelectorAll('.md-content table').forEach(table => {
        if (table.offsetParent === null || inside(table)) return;
        let box = table.parentElement;  // the nearest box that scrolls and fits the column
        while (box !== content && !(scrolls(box) && inside(box))) box = box.parentElement;
        if (box === content)
            problems.push(`table (${name(table.rows[0])}): `
                          + `${Math.round(table.getBoundingClientRect().width)} px wide, `
                          + `outside its ${Math.round(column.width)} px column, `
                          + 'with no scroll box of its own');
    });
    document.querySelectorAll('.md-content pre, .md-content pre > code').forEach(code => {
        if (code.clientWidth > 0 && code.scrollWidth > code.clientWidth + 1)
            problems.push(`code (${name(code)}): ${code.scrollWidth} px of it `
                          + `in a ${code.clientWidth} px box`);
    });
    return problems;
}"""

# What the copy button copies (Material copies a block's innerText): its source, line for line.
# Each wrapped line is a box of its own (the stylesheet's hanging indent); as a block, each would
# add an empty line to the copy.
COPIES = r"""() => [...document.querySelectorAll('.md-content pre > code')]
    .filter(code => code.innerText.trimEnd() !== code.textContent.trimEnd())
    .map(code => `code (${code.textContent.trim().slice(0, 40)}) copies as other text`)"""

FIGURES = """() => [...document.querySelectorAll('.md-content img')]
    .filter(img => img.offsetParent !== null && new URL(img.src).pathname.endsWith('.svg'))
    .map(img => ({src: img.src, width: img.getBoundingClientRect().width}))"""

NOTEBOOK_IMAGES = """() => [...document.querySelectorAll('.jp-OutputArea-output :is(img, svg)')]
    .filter(e => e.getBoundingClientRect().width > 0).length"""
STDERR = """() => document.querySelectorAll(
    '[data-mime-type="application/vnd.jupyter.stderr"]').length"""


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_nothing_sticks_out_of_its_column(browser, base, site, width):
    """The page never scrolls sideways; wide tables scroll in their own box; code wraps, and
    copies as its source."""
    problems = [f"{path}: {problem}" for path, page in visit(browser, base, site, width)
                for problem in page.evaluate(OVERFLOWS) + page.evaluate(COPIES)]
    assert not problems, "\n".join(problems)


def svg_text_sizes(svg: str) -> tuple[float, list[float]]:
    """The drawing's width in its own units (its viewBox) and every font size, in those units."""
    view_box = re.search(r'viewBox="\S+ \S+ ([\d.]+) [\d.]+"', svg)
    width = float(view_box[1] if view_box else re.search(r'width="([\d.]+)', svg)[1])
    sizes = re.findall(r"font-size:\s*([\d.]+)px|font:[^;\"]*?([\d.]+)px", svg)
    return width, [float(a or b) for a, b in sizes]


def test_figure_text_is_legible_on_a_phone(browser, base, site):
    """Each figure's smallest text, scaled as the figure is shown, is at least 10 px tall."""
    small, figures = [], 0
    for path, page in visit(browser, base, site, WIDTHS["phone"]):
        for figure in page.evaluate(FIGURES):
            name = urlparse(figure["src"]).path
            width, sizes = svg_text_sizes((site / name.lstrip("/")).read_text())
            figures += 1
            shown = min(sizes, default=width) * figure["width"] / width
            if shown < MIN_FIGURE_TEXT_PX:
                small.append(f"{path}: {name.rsplit('/', 1)[1]} {shown:.1f} px")
    assert figures >= 5
    assert not small, (f"{len(small)} of {figures} figures have text under "
                       f"{MIN_FIGURE_TEXT_PX} px on a phone: {small}")


MAX_PAGE_PX = 6000  # at 1280 px, collapsed blocks closed: a page a reader takes in
LONG_PAGES = {"walkthrough/", "404.html"}  # the notebook is a walkthrough, read from the top
# What a page opens with after its title (and the quick profile's warning): its answer box.
FIRST_BLOCK = """() => {
    const article = document.querySelector('.md-content .md-typeset');
    const blocks = [...article.children].filter(e => !['H1', 'A'].includes(e.tagName)
        && !(e.matches('.admonition.warning')
             && e.querySelector('.admonition-title').innerText.startsWith('Built from')));
    return blocks.length ? blocks[0].className : '(nothing)';
}"""


def test_every_page_opens_with_its_answer_and_fits_its_length(browser, base, site):
    """Each page begins with the answer box and, with its collapsed blocks closed, is at most
    MAX_PAGE_PX tall on a desktop: the evidence is a click away, not a scroll."""
    problems, seen = [], 0
    for path, page in visit(browser, base, site, WIDTHS["desktop"], show_everything=False):
        if path in LONG_PAGES:
            continue
        seen += 1
        first = page.evaluate(FIRST_BLOCK)
        if "answer" not in first.split():
            problems.append(f"{path}: opens with {first!r}, not the answer box")
        height = page.evaluate("() => document.documentElement.scrollHeight")
        if height > MAX_PAGE_PX:
            problems.append(f"{path}: {height} px tall")
    assert seen >= 7
    assert not problems, "\n".join(problems)


def test_the_notebook_shows_its_plot_and_links_its_source(browser, base, site):
    if not os.environ.get("NN_COMPARE_SITE") and MNIST is None:
        pytest.skip("the notebook is executed only where MNIST is found (NN_COMPARE_DATA)")
    page = browser.new_page()
    page.goto(base + "walkthrough/", wait_until="networkidle")
    assert page.evaluate(NOTEBOOK_IMAGES) >= 1, "no image among the notebook's outputs"
    assert page.evaluate(STDERR) == 0, "the notebook printed to stderr"
    link = page.locator(".jupyter-wrapper a[href$='.ipynb']").first.get_attribute("href")
    assert (site / "walkthrough" / link).is_file(), f"{link} is not beside the page"
    page.close()


def test_no_page_shows_a_folder_of_the_build_machine(site):
    """Provenance names the machine's CPU and software, never its folders."""
    folders = {str(ROOT), str(Path.home()) + "/", "/work/", "/root/", "/home/", "/tmp/"}
    shown = {}
    for html in sorted(site.rglob("*.html")):
        text = re.sub(r"data:[^\"')\s]+", "", html.read_text())  # images inlined as base64
        if found := sorted(f for f in folders if f in text):
            shown[html.relative_to(site).as_posix()] = found
    assert not shown, shown
