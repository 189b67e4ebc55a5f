"""A convolutional front layer from scratch: the first layer of the book's chapter-6 network.

Twenty 5x5 filters slide over each 28x28 image (24x24 positions each), every 2x2 block of the
resulting feature maps is reduced to its maximum (12x12), and after a bias per map and a
sigmoid the 20 x 12 x 12 = 2880 values feed the baseline's dense layers.

The convolution is one matrix product: ``patches`` cuts every 5x5 window out of the images,
one window per row, so that the filters (one per row of ``W``, flattened) apply to all of them
at once. Feature maps are kept as (m, 24, 24, maps) arrays; ``to_columns`` flattens them in
PyTorch's (map, row, column) order so that parameters can be exchanged with ``ConvNet``.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from comparison.scratch.activations import sigmoid
from comparison.scratch.network import Network

SIDE, KERNEL, MAPS, POOL = 28, 5, 20, 2
CONV_SIDE = SIDE - KERNEL + 1  # 24
POOLED_SIDE = CONV_SIDE // POOL  # 12


class ConvNetwork(Network):
    """Convolution, max-pooling and a sigmoid, then the dense layers ``sizes[1:]``.

    Layer 0's weights are the filters, shaped (maps, 1, 5, 5) as in PyTorch, with one bias per
    map; layers 1.. are the baseline's dense layers on the 2880 pooled values.
    """

    def __init__(self, sizes: list[int], seed: int = 0, **kwargs) -> None:
        super().__init__([MAPS * POOLED_SIDE**2, *sizes[1:]], seed=seed, **kwargs)
        self.sizes = list(sizes)
        rng = np.random.default_rng([seed, 1])  # a stream apart from the dense layers' own
        # The book's N(0, 1/n_in) rule, where a filter's n_in is its 5 x 5 inputs.
        filters = rng.standard_normal((MAPS, 1, KERNEL, KERNEL)) / KERNEL
        self.weights.insert(0, filters.astype(self.dtype))
        self.biases.insert(0, rng.standard_normal((MAPS, 1)).astype(self.dtype))

    def feedforward(self, a: np.ndarray) -> np.ndarray:
        pooled = max_pool(convolve(patches(a), self.weights[0]))
        a = to_columns(sigmoid(pooled + self.biases[0].ravel()))
        for w, b in zip(self.weights[1:], self.biases[1:]):
            a = sigmoid(w @ a + b)
        return a

    def backprop(self, x: np.ndarray, y: np.ndarray) -> tuple[list, list]:
        """The baseline's backprop over the dense layers, then one more step back.

        The error of the pooled maps flows only to the position that won each 2x2 maximum
        (``unpool``); the filters' gradient is then (error at every position) x (the patch
        there), summed, which is again one matrix product.
        """
        windows = patches(x)
        maps = convolve(windows, self.weights[0])
        activations = [x, to_columns(sigmoid(max_pool(maps) + self.biases[0].ravel()))]
        zs = [None]  # layer 0's z is not needed: its sigmoid' comes from its activation
        for w, b in zip(self.weights[1:], self.biases[1:]):
            zs.append(w @ activations[-1] + b)
            activations.append(sigmoid(zs[-1]))

        nabla_b, nabla_w = [None] * len(self.weights), [None] * len(self.weights)
        delta = self.cost.delta(zs[-1], activations[-1], y)
        for layer in range(len(self.weights) - 1, 0, -1):
            if layer < len(self.weights) - 1:
                a = activations[layer + 1]  # sigmoid'(z) = a (1 - a): no need to recompute
                delta = (self.weights[layer + 1].T @ delta) * (a * (1 - a))
            nabla_b[layer] = delta.sum(axis=1, keepdims=True)
            nabla_w[layer] = delta @ activations[layer].T
        a = activations[1]
        delta = from_columns((self.weights[1].T @ delta) * (a * (1 - a)))
        nabla_b[0] = delta.sum(axis=(0, 1, 2)).reshape(-1, 1)
        delta = unpool(delta, pool_winners(maps))
        nabla_w[0] = (delta.reshape(-1, MAPS).T @ windows).reshape(self.weights[0].shape)
        return nabla_b, nabla_w


def patches(x: np.ndarray) -> np.ndarray:
    """Every 5x5 window of the images in the columns of ``x`` (784, m): (m * 576, 25)."""
    images = x.T.reshape(-1, SIDE, SIDE)
    return sliding_window_view(images, (KERNEL, KERNEL), axis=(1, 2)).reshape(-1, KERNEL**2)


def convolve(windows: np.ndarray, filters: np.ndarray) -> np.ndarray:
    """Each filter applied at every window: feature maps (m, 24, 24, maps)."""
    return (windows @ filters.reshape(MAPS, -1).T).reshape(-1, CONV_SIDE, CONV_SIDE, MAPS)


def max_pool(maps: np.ndarray) -> np.ndarray:
    """The maximum of each 2x2 block: (m, 24, 24, maps) -> (m, 12, 12, maps)."""
    return maps.reshape(len(maps), POOLED_SIDE, POOL, POOLED_SIDE, POOL, MAPS).max(axis=(2, 4))


def pool_winners(maps: np.ndarray) -> np.ndarray:
    """Which of the 4 cells of each 2x2 block holds its maximum (the first, if tied, as in
    PyTorch): (m, 12, 12, maps) indices 0..3, counted row by row."""
    m = len(maps)
    blocks = maps.reshape(m, POOLED_SIDE, POOL, POOLED_SIDE, POOL, MAPS)
    cells = blocks.transpose(0, 1, 3, 5, 2, 4).reshape(m, POOLED_SIDE, POOLED_SIDE, MAPS, -1)
    return cells.argmax(axis=-1)


def unpool(delta: np.ndarray, winners: np.ndarray) -> np.ndarray:
    """The derivative of ``max_pool``: each block's error goes to its winning cell, 0 elsewhere."""
    m = len(delta)
    blocks = np.zeros((m, POOLED_SIDE, POOLED_SIDE, MAPS, POOL * POOL), delta.dtype)
    np.put_along_axis(blocks, winners[..., None], delta[..., None], axis=-1)
    blocks = blocks.reshape(m, POOLED_SIDE, POOLED_SIDE, MAPS, POOL, POOL)
    return blocks.transpose(0, 1, 4, 2, 5, 3).reshape(m, CONV_SIDE, CONV_SIDE, MAPS)


def to_columns(maps: np.ndarray) -> np.ndarray:
    """(m, 12, 12, maps) -> (2880, m), each column in (map, row, column) order."""
    return maps.transpose(0, 3, 1, 2).reshape(len(maps), -1).T


def from_columns(columns: np.ndarray) -> np.ndarray:
    """The inverse of ``to_columns``."""
    return columns.T.reshape(-1, MAPS, POOLED_SIDE, POOLED_SIDE).transpose(0, 2, 3, 1)
