"""What the experiments need to know of the JAX code besides its runner, without importing JAX
(an optional extra): the paths the speed experiment times, its code for each role of the code
experiment, its versions of the flexibility variants (named, imported by its runner) and its
tooling (``implementations.py`` gathers them)."""

from comparison.implementations import Change, Logger, TimedPath, Version

TIMED = {
    # always compiled (jax.jit): its first mini-batch, timed apart, is the compile time
    "jax float32": TimedPath("jax", "float32"),
    "jax CUDA float32": TimedPath("jax", "float32", device="cuda"),  # a CUDA build of JAX
}

ROLES = {
    "model and forward pass": ["jax/network.py::init", "jax/network.py::forward"],
    "cost functions": ["jax/network.py::quadratic_cost", "jax/network.py::cross_entropy_cost"],
    "gradients (backpropagation)": [],
    # the step holds the loss with its L2 term, jax.grad and the optimizer's update
    "parameter update (SGD with L2)": ["jax/network.py::make_optimizer",
                                       "jax/network.py::make_step"],
    "training loop over mini-batches": ["jax/runner.py::JaxRunner.train_epoch"],
}

VARIANTS = "jax/variants.py"
VERSIONS = {  # dropout and the conv layer are not written in JAX here
    "relu": Version("variants.relu_forward",
                    changes=(Change(f"{VARIANTS}::relu_forward", "jax/network.py::forward"),)),
    "softmax": Version(cost="variants.log_likelihood_cost", changes=(
        Change(f"{VARIANTS}::log_likelihood_cost", "jax/network.py::cross_entropy_cost"),)),
    "momentum": Version(optimizer="variants.make_momentum_optimizer", changes=(
        Change(f"{VARIANTS}::make_momentum_optimizer", "jax/network.py::make_optimizer"),)),
}

TOOLING = {"curves and histograms": ["jax/tooling.py::log_epoch"],
           "export and load back": ["jax/tooling.py::export", "jax/tooling.py::load_exported"]}
# JAX has no logger: TensorBoard's own writer, curves only, every value a tensor event
LOGGER = Logger("comparison.jax.tooling:open_writer", "comparison.jax.tooling:log_run_epoch",
                "tensors", "model.jax")
