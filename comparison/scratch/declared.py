"""What the experiments need to know of the from-scratch code besides its runner: the paths the
speed experiment times, its code for each role of the code experiment, its versions of the
flexibility variants and its tooling code (``implementations.py`` gathers them)."""

from comparison.implementations import Change, TimedPath, Version, edited
from comparison.scratch import conv
from comparison.scratch import variants as scratch_variants
from comparison.scratch.costs import LogLikelihoodCost

TIMED = {
    "book per-example (float64)": TimedPath("scratch", "float64", per_example=True),
    "scratch float64": TimedPath("scratch", "float64"),
    "scratch float32": TimedPath("scratch", "float32"),
    # the habits of a careful NumPy programmer: in place, and the frameworks' float mode
    "scratch tuned float32": TimedPath("scratch", "float32", tuned=True, flush_denormals=True),
}
# one habit at a time, for the split of the step (timed at the split's points only)
SPLIT = {
    "scratch float32 FTZ": TimedPath("scratch", "float32", flush_denormals=True),
    "scratch in-place float32": TimedPath("scratch", "float32", tuned=True),
}

ROLES = {
    "model and forward pass": ["scratch/network.py::Network.__init__",
                               "scratch/network.py::Network.feedforward",
                               "scratch/activations.py::sigmoid"],
    "cost functions": ["scratch/costs.py::QuadraticCost.fn",
                       "scratch/costs.py::CrossEntropyCost.fn"],
    "gradients (backpropagation)": ["scratch/costs.py::QuadraticCost.delta",
                                    "scratch/costs.py::CrossEntropyCost.delta",
                                    "scratch/activations.py::sigmoid_prime",
                                    "scratch/network.py::Network.backprop"],
    "parameter update (SGD with L2)": ["scratch/network.py::Network.update_mini_batch"],
    "training loop over mini-batches": ["scratch/runner.py::ScratchRunner.train_epoch"],
}

VARIANTS, BASE = "scratch/variants.py", "scratch/network.py::Network"
VERSIONS = {
    "relu": Version(scratch_variants.ReLUNetwork, changes=(
        *edited(VARIANTS, "ReLUNetwork", BASE, "feedforward backprop", derivative="backprop"),
        Change("scratch/activations.py::relu"),
        Change("scratch/activations.py::relu_prime", derivative=True))),
    "softmax": Version(scratch_variants.SoftmaxNetwork, cost=LogLikelihoodCost, changes=(
        *edited(VARIANTS, "SoftmaxNetwork", BASE, "__init__ feedforward backprop"),
        Change("scratch/activations.py::softmax"),
        Change("scratch/costs.py::LogLikelihoodCost.fn"),
        Change("scratch/costs.py::LogLikelihoodCost.delta", derivative=True))),
    "momentum": Version(scratch_variants.MomentumNetwork, changes=tuple(
        edited(VARIANTS, "MomentumNetwork", BASE, "__init__ update_mini_batch"))),
    "dropout": Version(scratch_variants.DropoutNetwork, changes=tuple(
        edited(VARIANTS, "DropoutNetwork", BASE, "__init__ backprop", derivative="backprop"))),
    "conv": Version(conv.ConvNetwork, changes=(
        *edited("scratch/conv.py", "ConvNetwork", BASE, "__init__ feedforward backprop",
                derivative="backprop"),
        *(Change(f"scratch/conv.py::{name}") for name in
          ("patches", "convolve", "max_pool", "pool_winners", "to_columns", "from_columns")),
        Change("scratch/conv.py::unpool", derivative=True))),
}

TOOLING = {"curves and histograms": ["scratch/tooling.py::plot_history"],
           "export and load back": ["scratch/network.py::Network.save",
                                    "scratch/network.py::Network.load"]}
