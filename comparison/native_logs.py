"""Keep TensorFlow's native chatter out of a run's output; let everything else through.

TensorFlow 2.21 writes informational and warning lines from C++ (through absl) straight to
file descriptor 2 before its logging is set up, so ``TF_CPP_MIN_LOG_LEVEL`` no longer hides
them (tensorflow/tensorflow#100442): "oneDNN custom operations are on", the CPU-feature notice,
and, in float64, one "Not handling type DT_DOUBLE" per graph it optimises, about a hundred per
run. Keras adds a Python warning each time a model is rebuilt ("triggered tf.function
retracing"), which the experiments do on purpose; PyTorch's profiler (kineto) announces each
start and stop. None of them asks the reader to act.

``filtered_stderr`` routes descriptor 2 (inherited by every worker process) through a pipe and
drops only those lines: absl's ``I``/``W`` lines, its "before absl::InitializeLog()" banner, the
CPU-feature notice's second line, the retracing warning and the profiler's notices. Errors
(``E``/``F`` lines), Python warnings and tracebacks, and progress bars pass through unchanged.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import threading
from collections.abc import Iterator

# Whole lines, wherever they start: a progress bar's update ends without a newline, so a
# worker's notice can arrive glued to it.
DROPPED = re.compile(
    rb"(?:[IW]\d{4} \d+:\d+:\d+\.\d+ +\d+ [\w.]+:\d+\] "  # absl INFO and WARNING lines
    rb"|WARNING: All log messages before absl::InitializeLog\(\) is called"
    rb"|To enable the following instructions: "  # second line of TF's CPU-feature notice
    rb"|WARNING:tensorflow:\d+ out of the last \d+ calls to .* triggered tf\.function retracing"
    rb"|USDT:[\d-]+ [\d:]+ \d+:\d+ SyncActivityProfilerHandler\.cpp:\d+\] profiler_"
    rb")"
    rb"[^\n]*\n?")


@contextlib.contextmanager
def filtered_stderr() -> Iterator[None]:
    """Within the block, descriptor 2 drops TensorFlow's native chatter (see the module)."""
    sys.stderr.flush()
    original = os.dup(2)
    read, write = os.pipe()
    os.dup2(write, 2)
    os.close(write)
    copier = threading.Thread(target=_copy, args=(read, original), daemon=True)
    copier.start()
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(original, 2)  # closes the pipe's last write end held by this process
        copier.join(timeout=5)  # a worker still holding the pipe must not hang the exit
        os.close(original)


def _copy(read: int, target: int) -> None:
    """Forward each line (``\\r``-ended progress updates included) unless it is dropped."""
    with os.fdopen(read, "rb", buffering=0) as pipe:
        pending = b""
        while chunk := pipe.read(65536):
            pending += chunk
            *lines, pending = re.split(rb"(?<=[\n\r])", pending)
            for line in lines:
                _forward(line, target)
        _forward(pending, target)


def _forward(line: bytes, target: int) -> None:
    kept = DROPPED.sub(b"", line)
    if kept:
        with contextlib.suppress(OSError):  # the run has already given the descriptor back
            os.write(target, kept)
