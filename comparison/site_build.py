"""Running MkDocs for ``report``: as a child that dies with this process, building into a
fresh folder that replaces ``site/`` only when the build succeeds.

MkDocs empties its output folder before it builds, so building into ``site/`` itself would
lose the previous good site on any page error, and would empty whatever folder a ``site``
symlink points at. Here the previous ``site/`` is touched only by two renames, after success.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

from comparison.workdir import owned_folder, sweep

SITE = Path("site")
BUILD_PREFIX, BUILD_SUFFIX = ".site", ".part"  # a build in progress, beside site/
PACKAGE_ROOT = Path(__file__).resolve().parents[1]
# The child asks the kernel for SIGTERM when this process dies (``die_with_parent``), so that a
# killed ``report`` leaves no ``mkdocs build`` running, nor a ``serve`` holding its port.
LAUNCH = ("import runpy, sys; from comparison.experiments.harness.context import die_with_parent; "
          "die_with_parent(int(sys.argv.pop(1))); sys.argv[0] = 'mkdocs'; "
          "runpy.run_module('mkdocs.__main__', run_name='__main__', alter_sys=True)")


class SiteFolderError(ValueError):
    """The project folder cannot take a site build: the message names the fix."""


def check_project() -> None:
    """``report`` builds from the project's ``mkdocs.yml``: check that it is here, first."""
    if not Path("mkdocs.yml").is_file():
        raise SiteFolderError(f"report builds the site from the project folder, and "
                              f"{Path.cwd().name or '/'} has no mkdocs.yml: cd into the project "
                              f"(e.g. cd {PACKAGE_ROOT}) and run it from there")


def check_site_folder() -> None:
    """``site`` must be a real folder, or absent: a link or a file is refused, not followed."""
    if SITE.is_symlink():
        raise SiteFolderError(f"{SITE} is a symbolic link; the build replaces {SITE}/ and will "
                              "not write through a link: remove the link and run it again")
    if SITE.exists() and not SITE.is_dir():
        raise SiteFolderError(f"{SITE} exists and is not a folder; the build writes the site "
                              f"there: move {SITE} away and run it again")


def check_port(port: int) -> None:
    """Refuse a port another program holds, before any experiment runs."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # MkDocs's server reuses an address in TIME_WAIT too, so such a port counts as free
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as error:
            raise SiteFolderError(f"port {port} is taken ({error.strerror}), perhaps by another "
                                  f"`report --serve`: pass --port with a free port, e.g. "
                                  f"--port {port + 1 if port < 65535 else 8001}") from None


def mkdocs(arguments: list[str], env: dict[str, str]) -> int:
    """Run ``mkdocs ARGUMENTS`` in a child that dies with this process; its exit status."""
    path = os.pathsep.join(filter(None, [str(PACKAGE_ROOT), env.get("PYTHONPATH")]))
    command = [sys.executable, "-c", LAUNCH, str(os.getpid()), *arguments]
    return subprocess.run(command, env=env | {"PYTHONPATH": path}).returncode


def build(env: dict[str, str]) -> int:
    """``mkdocs build --strict`` into a fresh folder, which replaces ``site/`` on success."""
    sweep(Path.cwd(), BUILD_PREFIX, BUILD_SUFFIX)  # left by a killed build
    fresh = owned_folder(Path.cwd(), BUILD_PREFIX, BUILD_SUFFIX)
    try:
        status = mkdocs(["build", "--strict", "--site-dir", str(fresh.resolve())], env)
        if status == 0:
            _replace_site(fresh)
        else:
            print(f"the build failed: {SITE}/ was left as it was", file=sys.stderr)
        return status
    finally:
        shutil.rmtree(fresh, ignore_errors=True)


def _replace_site(fresh: Path) -> None:
    """Swap the new site in: two renames, the previous site removed only after them."""
    previous = owned_folder(Path.cwd(), BUILD_PREFIX, BUILD_SUFFIX)
    if SITE.exists():
        os.replace(SITE, previous / SITE.name)
    try:
        os.replace(fresh, SITE)
    except OSError:
        if (previous / SITE.name).exists():  # put the previous site back
            os.replace(previous / SITE.name, SITE)
        raise
    finally:
        shutil.rmtree(previous, ignore_errors=True)
