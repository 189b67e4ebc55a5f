"""Where a training step's time goes: its matrix products, timed alone in each library, and
the rest of the step.

NumPy and PyTorch each call the BLAS their wheel ships (OpenBLAS and MKL here), so the same
product can run at different speeds in the two before any framework code runs. For a
784-w-10 network and a mini-batch of m, one training step makes five products:

    forward   (m x 784)(784 x w) and (m x w)(w x 10)
    backward  (w x m)(m x 784) and (10 x m)(m x w) for the weight gradients,
              (m x 10)(10 x w) for the error passed down to the hidden layer

Timed alone, in both libraries, at the step's own shapes (contiguous operands), they give what
the products cost each library; subtracted from the whole step they leave the rest (the
element-wise work, autograd, the optimizer, dispatch). For PyTorch the profiler also measures
the products inside the real step. A square product is timed as well: the machine's yardstick.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from comparison.experiments.harness.timing import Job

LIBRARIES = ("numpy", "torch")
MATRIX_OPS = {"aten::mm", "aten::addmm", "aten::bmm", "aten::baddbmm"}  # the profiler's names


def step_shapes(batch_size: int, width: int) -> list[tuple[str, tuple[int, int, int]]]:
    """(role, (rows, inner, columns)) of the five products of one training step."""
    m, w = batch_size, width
    return [("forward, input layer", (m, 784, w)), ("forward, output layer", (m, w, 10)),
            ("gradient, input layer", (w, m, 784)), ("gradient, output layer", (10, m, w)),
            ("error to the hidden layer", (m, 10, w))]


def multiply(library: str, shape: tuple[int, int, int], dtype: str) -> Callable[[], object]:
    """A function that multiplies two fixed random matrices of ``shape`` in ``library``."""
    rows, inner, columns = shape
    rng = np.random.default_rng(0)
    a = rng.random((rows, inner)).astype(dtype)
    b = rng.random((inner, columns)).astype(dtype)
    if library == "torch":
        a, b = torch.from_numpy(a), torch.from_numpy(b)
    return lambda: a @ b


def flops(shape: tuple[int, int, int]) -> int:
    rows, inner, columns = shape
    return 2 * rows * inner * columns


def product_jobs(points: tuple[tuple[int, int], ...], gemm_size: int,
                 threads: int) -> list[tuple[dict, Job]]:
    """Micro-benchmark jobs: each library's products at the step shapes of ``points``
    (float32, all usable threads), and the square yardstick in both dtypes, on all usable
    threads and on one."""
    jobs = []
    for batch_size, width in points:
        for role, shape in step_shapes(batch_size, width):
            for library in LIBRARIES:
                key = {"kind": "step", "batch_size": batch_size, "width": width, "role": role,
                       "library": library, "dtype": "float32", "threads": threads,
                       "shape": list(shape)}
                jobs.append((key, Job(f"{library} {shape}", multiply(library, shape, "float32"),
                                      threads, micro=True)))
    square = (gemm_size, gemm_size, gemm_size)
    for dtype in ("float32", "float64"):
        for count in dict.fromkeys((threads, 1)):
            for library in LIBRARIES:
                key = {"kind": "square", "library": library, "dtype": dtype, "threads": count,
                       "shape": list(square)}
                jobs.append((key, Job(f"{library} square {dtype}", multiply(library, square,
                                                                             dtype),
                                      count, micro=True)))
    return jobs


def profile_products(runner, batches: list[np.ndarray]) -> dict[str, float]:
    """Seconds per step of a PyTorch training run under ``torch.profiler``, and the part of it
    spent inside matrix-product kernels (their self time)."""
    from torch.profiler import ProfilerActivity, profile
    from torch.utils.benchmark import timer

    with profile(activities=[ProfilerActivity.CPU]) as profiler:
        start = timer()
        runner.train_epoch(batches)
        seconds = timer() - start
    inside = sum(event.self_cpu_time_total for event in profiler.key_averages()
                 if event.key in MATRIX_OPS) / 1e6
    return {"profiled_step_s": seconds / len(batches), "products_s": inside / len(batches)}
