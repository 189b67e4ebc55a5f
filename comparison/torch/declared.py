"""What the experiments need to know of the PyTorch code besides its runner: the paths the speed
experiment times, its code for each role of the code experiment, its versions of the
flexibility variants and its tooling (``implementations.py`` gathers them)."""

from comparison.implementations import Change, Logger, TimedPath, Version, edited
from comparison.torch import variants as torch_variants

TIMED = {
    "torch float64": TimedPath("torch", "float64"),
    "torch float32": TimedPath("torch", "float32"),
    "torch.compile float32": TimedPath("torch", "float32", compiled=True),
    "torch CUDA float32": TimedPath("torch", "float32", device="cuda"),
}
# for the split of the step: what flushing subnormal floats saves PyTorch
SPLIT = {"torch float32 FTZ": TimedPath("torch", "float32", flush_denormals=True)}

ROLES = {
    "model and forward pass": ["torch/network.py::Net.__init__", "torch/network.py::Net.forward",
                               "torch/network.py::init_weights"],
    "cost functions": ["torch/network.py::quadratic_cost", "torch/network.py::cross_entropy_cost"],
    "gradients (backpropagation)": [],
    "parameter update (SGD with L2)": ["torch/network.py::make_optimizer"],
    "training loop over mini-batches": ["torch/network.py::train_epoch"],
}

VARIANTS, BASE = "torch/variants.py", "torch/network.py::Net"
VERSIONS = {
    "relu": Version(torch_variants.ReLUNet,
                    changes=tuple(edited(VARIANTS, "ReLUNet", BASE, "forward"))),
    "softmax": Version(cost=torch_variants.log_likelihood_cost, changes=(
        Change(f"{VARIANTS}::log_likelihood_cost", "torch/network.py::cross_entropy_cost"),)),
    "momentum": Version(optimizer=torch_variants.make_momentum_optimizer, changes=(
        Change(f"{VARIANTS}::make_momentum_optimizer", "torch/network.py::make_optimizer"),)),
    "dropout": Version(torch_variants.DropoutNet, changes=tuple(
        edited(VARIANTS, "DropoutNet", BASE, "__init__ forward"))),
    "conv": Version(torch_variants.ConvNet, changes=tuple(
        edited(VARIANTS, "ConvNet", BASE, "__init__ forward"))),
}

TOOLING = {"curves and histograms": ["torch/tooling.py::log_epoch"],
           "export and load back": ["torch/tooling.py::export", "torch/tooling.py::load_exported"]}
# its own writer: curves, parameter histograms and the graph
LOGGER = Logger("comparison.torch.tooling:open_writer", "comparison.torch.tooling:log_run_epoch",
                "summaries", "model.pt2")
