"""What the experiments need to know of the Keras code besides its runner, without importing
Keras (an optional extra): the paths the speed experiment times, its code for each role of the
code experiment, its versions of the flexibility variants (named, imported by its runner) and
its tooling code (``implementations.py`` gathers them)."""

from comparison.implementations import Change, TimedPath, Version

STEPS_PER_EXECUTION = 10  # Keras's option: training steps per call of its compiled step
TIMED = {
    "keras float32": TimedPath("keras", "float32"),  # tensorflow-cpu: no CUDA path
    "keras XLA float32": TimedPath("keras", "float32", compiled=True,
                                   options=(("jit_compile", True),)),
    "keras steps_per_execution float32": TimedPath(
        "keras", "float32", compiled=True,
        options=(("jit_compile", False), ("steps_per_execution", STEPS_PER_EXECUTION))),
}

ROLES = {
    "model and forward pass": ["keras/network.py::build", "keras/network.py::dense"],
    "cost functions": ["keras/network.py::quadratic_cost", "keras/network.py::cross_entropy_cost"],
    "gradients (backpropagation)": [],
    "parameter update (SGD with L2)": ["keras/network.py::compile_model",
                                       "keras/network.py::l2_penalty"],
    "training loop over mini-batches": ["keras/network.py::train_epoch",
                                        "keras/runner.py::KerasRunner._in_batch_order"],
}

VARIANTS, BUILD = "keras/variants.py", "keras/network.py::build"
VERSIONS = {
    "relu": Version("variants.build_relu", changes=(Change(f"{VARIANTS}::build_relu", BUILD),)),
    "softmax": Version(cost="variants.log_likelihood_cost", changes=(
        Change(f"{VARIANTS}::log_likelihood_cost", "keras/network.py::cross_entropy_cost"),)),
    "momentum": Version(optimizer="variants.compile_momentum", changes=(
        Change(f"{VARIANTS}::compile_momentum", "keras/network.py::compile_model"),)),
    "dropout": Version("variants.build_dropout",
                       changes=(Change(f"{VARIANTS}::build_dropout", BUILD),)),
    "conv": Version("variants.build_conv", changes=(Change(f"{VARIANTS}::build_conv", BUILD),)),
}

TOOLING = {"curves and histograms": ["keras/tooling.py::fit_with_tensorboard"],
           "export and load back": ["keras/tooling.py::export", "keras/tooling.py::load_exported"]}
