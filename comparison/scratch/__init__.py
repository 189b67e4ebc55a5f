"""The network written from scratch in NumPy, after Nielsen's network.py and network2.py."""

from comparison.scratch.costs import COSTS, CrossEntropyCost, QuadraticCost
from comparison.scratch.network import Network

__all__ = ["COSTS", "CrossEntropyCost", "Network", "QuadraticCost"]
