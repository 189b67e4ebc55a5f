"""MkDocs hook: puts stored results into the pages. It never runs an experiment.

A thin dispatcher: ``comparison.report.site.Site`` loads and checks the results and renders
each placeholder; this file only connects it to MkDocs's events. The loaded site lives on the
build's own config (``config.extra``), so nothing is kept between builds or set up at import.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

# `mkdocs build` (unlike `python -m mkdocs`) does not put the project root on the path.
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from comparison.report.site import Site, SiteError  # noqa: E402
from comparison.results import store  # noqa: E402

RECORDS = ROOT / "docs" / "records"
KEY = "nn_compare_site"
# mkdocs-jupyter executes the notebook through nbconvert, which reads the config in this folder:
# it starts the kernel at log level ERROR, so its notice that it talks TCP on localhost (the
# default transport, and the only one here) stays out of the build's output.
JUPYTER_CONFIG = ROOT / "scripts" / "jupyter"


def on_config(config):
    """Load every result and check it is current; fail the build on any problem."""
    paths = os.environ.get("JUPYTER_CONFIG_PATH", "").split(os.pathsep)
    if str(JUPYTER_CONFIG) not in paths:  # `serve` calls this on every rebuild
        os.environ["JUPYTER_CONFIG_PATH"] = os.pathsep.join(filter(None, [str(JUPYTER_CONFIG),
                                                                          *paths]))
    folder = store.results_dir()
    if not folder.is_absolute():
        folder = Path(config.config_file_path).parent / folder
    try:
        config.extra[KEY] = Site.load(folder, RECORDS)
    except SiteError as error:
        raise PluginError(str(error)) from None
    return config


def on_serve(server, config, builder):
    server.watch(str(_site(config).results))  # a new run rebuilds the site, no restart needed
    return server


def on_files(files: Files, config) -> Files:
    """Publish what the current results list, without copying it into docs/: their JSON and
    CSV (made from the results, not read from the folder) and their figures."""
    site = _site(config)
    for uri, content in site.downloads().items():
        files.append(File.generated(config, uri, content=content))
    for path in site.figure_paths():  # only the current results' figures, never leftovers
        uri = f"results/figures/{path.name}"
        files.append(File.generated(config, uri, abs_src_path=str(path)))
    return files


def on_page_markdown(markdown: str, page, config, files) -> str:
    try:
        return _site(config).page(markdown, page.file.src_uri)
    except SiteError as error:
        raise PluginError(str(error)) from None


# A source line of a code block (pymdownx.highlight's line_spans), its line anchor
# (anchor_linenums) and its leading spaces.
CODE_LINE = re.compile(r'<span id="(__span-[0-9-]+)">((?:<a [^>]*></a>)?)( +)')


def on_page_content(html: str, page, config, files) -> str:
    """Give each indented code line its indentation (``--indent``): the stylesheet hangs a
    wrapped line's continuation beyond it, so that on a narrow screen a wrapped line never
    reads as a line of its own at a lesser indentation."""
    return CODE_LINE.sub(lambda line: f'<span id="{line[1]}" style="--indent: {len(line[3])}ch">'
                                      f"{line[2]}{line[3]}", html)


def on_post_build(config) -> None:
    _site(config).close()


def _site(config) -> Site:
    return config.extra[KEY]
