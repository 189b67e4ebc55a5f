"""The network written from scratch in NumPy, after Nielsen's network.py and network2.py.

    network.py      the network: feedforward, backprop, SGD (read it like the book's listing)
    tuned.py        the same step written for speed: in place, no weight-sized temporaries
    activations.py  sigmoid, and ReLU and softmax for the variants
    costs.py        the book's costs, each with its output error for backprop
    variants.py     ReLU, softmax, momentum and dropout, each by overriding what changes
    conv.py         a convolutional front layer, forward and backward by hand
    tooling.py      curves and weight histograms drawn with matplotlib
    runner.py       the adapter that lets experiments drive it (``training.protocol.Runner``)
    declared.py     what the experiments need to know of it (paths timed, roles, variants)
    probe.py        what the speed experiment's fresh process imports and trains
"""

from comparison.scratch.costs import COSTS, CrossEntropyCost, QuadraticCost
from comparison.scratch.network import Network

__all__ = ["COSTS", "CrossEntropyCost", "Network", "QuadraticCost"]
