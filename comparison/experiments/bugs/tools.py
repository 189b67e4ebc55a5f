"""The checks each ecosystem offers for finding a mistake, each as a user would apply it.

Every tool answers one question: does it report a problem? ``True`` when it does (a failed
comparison, or the error the tool exists to raise), ``False`` when it is satisfied. The lines
of each function here are what applying the tool costs; the ``debugging`` experiment counts
them from this file.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from comparison.experiments.bugs.programs import ScratchProgram, TorchProgram
from comparison.training.protocol import Parameters

RELATIVE_ERROR = 1e-4  # a gradient check fails beyond this relative error
TOLERANCE = 1e-6  # the equivalence test fails beyond this difference in any parameter


def finite_difference_check(program: ScratchProgram, index: np.ndarray, samples: int = 20,
                            eps: float = 1e-6) -> bool:
    """From scratch: ``backprop``'s gradient against central differences of the cost, on a
    few entries of every weight and bias, for one mini-batch."""
    net, (x, y) = program.net, program.batch(index)
    nabla_b, nabla_w = net.backprop(x, y)
    rng = np.random.default_rng(0)
    for array, nabla in zip(net.weights + net.biases, nabla_w + nabla_b):
        if nabla.shape != array.shape:
            return True
        exact, numeric = [], []
        for flat in rng.permutation(array.size)[:samples]:
            i = np.unravel_index(flat, array.shape)
            saved, costs = array[i], []
            for step in (eps, -eps):
                array[i] = saved + step
                costs.append(net.cost.fn(net.feedforward(x), y))
            array[i] = saved
            exact.append(nabla[i])
            numeric.append((costs[0] - costs[1]) / (2 * eps))
        exact, numeric = np.array(exact), np.array(numeric)
        scale = np.linalg.norm(exact) + np.linalg.norm(numeric)
        if scale and np.linalg.norm(exact - numeric) / scale > RELATIVE_ERROR:
            return True
    return False


def numpy_floating_point_errors(train: Callable[[], None]) -> bool:
    """From scratch: NumPy raises on overflow, division by zero and invalid results (NaN)
    instead of carrying on with inf and NaN."""
    try:
        with np.errstate(over="raise", divide="raise", invalid="raise"):
            train()
    except FloatingPointError:
        return True
    return False


def gradcheck(program: TorchProgram, index: np.ndarray) -> bool:
    """PyTorch: ``torch.autograd.gradcheck`` compares autograd's derivative of the cost with
    finite differences, for one mini-batch, along a random direction in parameter space
    (what its ``fast_mode`` does; on a failure, gradcheck's report then costs one entry, not
    one per parameter)."""
    import torch

    model = program.model
    names, values = zip(*((name, p.detach()) for name, p in model.named_parameters()))
    generator = torch.Generator().manual_seed(0)
    direction = [torch.randn(v.shape, generator=generator, dtype=v.dtype) for v in values]
    rows = torch.from_numpy(index)

    def cost(t: torch.Tensor) -> torch.Tensor:
        moved = {name: v + t * d for name, v, d in zip(names, values, direction)}
        logits = torch.func.functional_call(model, moved, (program.x[rows],))
        return program.cost(logits, program.target[rows])

    start = torch.zeros(1, dtype=values[0].dtype, requires_grad=True)
    return not torch.autograd.gradcheck(cost, (start,), raise_exception=False)


def detect_anomaly(train: Callable[[], None]) -> bool:
    """PyTorch: ``torch.autograd.detect_anomaly`` raises when a backward pass produces NaN."""
    import torch

    try:
        with torch.autograd.detect_anomaly():
            train()
    except RuntimeError as error:
        return "nan" in str(error).lower()
    return False


def check_numerics(train: Callable[[], None]) -> bool:
    """Keras on TensorFlow: ``tf.debugging.enable_check_numerics`` raises as soon as any
    operation produces inf or NaN."""
    import tensorflow as tf

    tf.debugging.enable_check_numerics()
    try:
        train()
    except tf.errors.InvalidArgumentError:
        return True
    finally:
        tf.debugging.disable_check_numerics()
    return False


def equivalence(parameters: Parameters, reference: Parameters) -> bool:
    """This project's test: another implementation, trained from the same start on the same
    mini-batches, must end with the same parameters."""
    for (w, b), (w_ref, b_ref) in zip(parameters, reference):
        for mine, theirs in ((w, w_ref), (b, b_ref)):
            if mine.shape != theirs.shape or not np.abs(mine - theirs).max() <= TOLERANCE:
                return True
    return False
