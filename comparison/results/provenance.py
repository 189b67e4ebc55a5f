"""Where a number came from: code version, libraries, machine, threads, date."""

from __future__ import annotations

import datetime
import importlib.metadata
import os
import platform
import subprocess
from pathlib import Path

import numpy as np

from comparison import implementations

REPO = Path(__file__).resolve().parents[2]
# TensorFlow's own pools read the last two (Keras at mini-batch 10 runs 2.3x faster on one
# thread than with a pool per core when two runs share two cores).
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                    "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")


def provenance(**extra) -> dict:
    """Everything needed to judge or repeat a result; ``extra`` adds profile, seeds, etc."""
    import torch

    commit, dirty = git_state()
    record = {
        "commit": commit,
        "dirty": dirty,
        "date_utc": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "torch": torch.__version__,
        "keras": _installed_version("keras"),
        "tensorflow": _installed_version("tensorflow-cpu") or _installed_version("tensorflow"),
        "jax": _installed_version("jax"),
        "optax": _installed_version("optax"),
        "blas": blas_name(),
        "platform": platform.platform(),
        "cpu": cpu_model(),
        "logical_cpus": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "thread_variables": {k: os.environ[k] for k in THREAD_VARIABLES if k in os.environ},
        "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
    }
    # every optional extra's libraries, a fifth implementation's among them
    record |= {module: _installed_version(module) for impl in implementations.REGISTRY.values()
               for module in impl.modules if module not in record}
    return record | extra


def _installed_version(package: str) -> str | None:
    """The version of an installed package, without importing it (None if absent)."""
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def git_state() -> tuple[str, bool | None]:
    """(commit, dirty): 'unknown' and None outside a git checkout."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True,
                              check=True).stdout.strip()

    try:
        return git("rev-parse", "HEAD"), bool(git("status", "--porcelain", "--untracked-files=no"))
    except (OSError, subprocess.CalledProcessError):
        return "unknown", None


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def blas_name() -> str:
    try:
        info = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return f"{info.get('name', '?')} {info.get('version', '')}".strip()
    except Exception:  # the layout of show_config differs between NumPy versions
        return "unknown"
