"""Full-page screenshots of every page of a built site, wide and narrow, light and dark.

    python -m comparison report            # builds site/
    python scripts/screenshots.py          # writes PNGs to /tmp/nn-compare-screenshots

The site is served on 127.0.0.1 (a free port) and opened in Debian's Chromium through
Playwright. The palette comes from the browser's colour-scheme preference, which Material
follows while its toggle is on "system" (the first palette entry in mkdocs.yml).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
# Lazy figures load only once scrolled to, so a full-page screenshot would show holes.
LOAD_IMAGES = """() => document.querySelectorAll('.md-content img')
    .forEach(img => { img.loading = 'eager'; })"""
IMAGES_LOADED = """() => [...document.querySelectorAll('.md-content img')]
    .filter(img => img.offsetParent !== null)
    .every(img => img.complete && img.naturalWidth > 0)"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 on a free port; yield the base URL."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def pages(site: Path) -> list[str]:
    """Every page of a site built with directory URLs, as paths relative to its root."""
    found = sorted(p.relative_to(site).parent.as_posix() for p in site.rglob("index.html"))
    return ["" if p == "." else p + "/" for p in found]


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=[
        "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"])


def name_of(path: str) -> str:
    """A page's name: "index" for the home page, else its path with dashes ("book")."""
    return path.strip("/").replace("/", "-") or "index"


def shoot(site: Path, out: Path, widths: list[int], schemes: list[str],
          only: list[str] | None = None) -> list[Path]:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with serve(site) as base, sync_playwright() as p:
        browser = launch(p)
        for width in widths:
            for scheme in schemes:
                context = browser.new_context(viewport={"width": width, "height": 900},
                                              color_scheme=scheme)
                page = context.new_page()
                for path in pages(site):
                    if only and name_of(path) not in only:
                        continue
                    page.goto(base + path, wait_until="networkidle")
                    page.evaluate(LOAD_IMAGES)
                    with contextlib.suppress(PlaywrightTimeout):  # shoot what did load
                        page.wait_for_function(IMAGES_LOADED, timeout=10_000)
                    file = out / f"{name_of(path)}-{width}-{scheme}.png"
                    page.screenshot(path=str(file), full_page=True)
                    print(file, flush=True)
                    written.append(file)
                context.close()
        browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--site", type=Path, default=Path("site"), help="the built site")
    parser.add_argument("--out", type=Path, default=Path("/tmp/nn-compare-screenshots"),
                        help="folder for the PNGs (outside the repository)")
    parser.add_argument("--widths", type=int, nargs="+", default=[1280, 390], metavar="PX",
                        help="viewport widths in CSS pixels")
    parser.add_argument("--schemes", nargs="+", choices=["light", "dark"],
                        default=["light", "dark"], help="colour schemes")
    parser.add_argument("--only", nargs="+", metavar="PAGE", default=argparse.SUPPRESS,
                        help="only these pages, by name: index, book, walkthrough, ... "
                             "(default: every page)")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        parser.error(f"no built site in {args.site}: run `python -m comparison report` first")
    if not Path(CHROMIUM).is_file():
        parser.error(f"needs {CHROMIUM} (Debian: apt-get install chromium)")
    shoot(args.site, args.out, args.widths, args.schemes, vars(args).get("only"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
