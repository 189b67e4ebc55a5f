"""TensorFlow's native chatter is dropped from a run's output; errors, warnings of our own,
progress bars, tracebacks and worker processes' lines come through."""

import subprocess
import sys

BAR = b"\rbook runs:  11%|#   | 9/85 [03:43<41:33, 32.81s/run]"  # no newline: the next is glued
CHATTER = [
    b"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n",
    b"I0000 00:00:1795465045.175561   23403 port.cc:153] oneDNN custom operations are on.\n",
    b"W0000 00:00:1795464736.446347   19465 util.cc:163] Not handling type DT_DOUBLE\n",
    b"To enable the following instructions: AVX2 FMA, in other operations, rebuild it.\n",
    b"WARNING:tensorflow:5 out of the last 204 calls to <function f at 0x1> triggered "
    b"tf.function retracing. Tracing is expensive\n",
    b"USDT:2026-11-24 01:33:10 10045:10045 SyncActivityProfilerHandler.cpp:52] profiler_start\n",
]
KEPT = [
    b"E0000 00:00:1795464736.446347   19465 util.cc:163] a real error\n",
    b"progress 1\rprogress 2\r",
    b"Traceback (most recent call last):\n",
    b"UserWarning: something of our own\n",
]
CHILD = b"import os; os.write(2, b'from a worker\\nI0000 00:00:1.5   7 a.cc:1] hidden\\n')"


def test_only_tensorflow_chatter_is_dropped_here_and_in_child_processes():
    script = (
        "import os, subprocess, sys\n"
        "from comparison.native_logs import filtered_stderr\n"
        "with filtered_stderr():\n"
        f"    for line in {[BAR, *CHATTER, *KEPT]!r}:\n"
        "        os.write(2, line)\n"
        f"    subprocess.run([sys.executable, '-c', {CHILD.decode()!r}])\n"
        "print('after the block', file=sys.stderr)\n")
    err = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60).stderr
    assert err == BAR + b"".join(KEPT) + b"from a worker\nafter the block\n"
