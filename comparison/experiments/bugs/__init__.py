"""The planted bugs: twelve common mistakes, each made in every implementation where it can be.

A ``Bug`` names the mistake, the variant of the network it is made in (``training.variants``),
and, per implementation, either a ``Plant`` (the code that replaces the correct code, by slot,
and the edits to show) or an ``Absent`` (why the mistake cannot be made there). Code is named
by ``"file::Qualified.name"`` under ``comparison/`` and imported only when it runs, so the
Keras bugs need their extra only when they are trained.

Slots (what a plant may replace; ``programs.py`` fills the others with the correct code):

    scratch  network (a ``Network`` class), targets (labels -> desired outputs)
    torch    model (an ``nn.Module`` class), cost, train_epoch, evaluate, targets
    keras    build, cost, evaluate, targets
"""

from __future__ import annotations

from dataclasses import dataclass, field

S, T, K = "experiments/bugs/scratch.py", "experiments/bugs/torch.py", "experiments/bugs/keras.py"
NET, TORCH_NET, KERAS_NET = "scratch/network.py", "torch/network.py", "keras/network.py"


@dataclass(frozen=True)
class Plant:
    """The mistake made in one implementation: ``slots`` maps a slot to the code replacing
    the correct code; ``edits`` pairs each function written with the one it copies (None: new).
    ``settings`` are ``TrainConfig`` fields that differ, for a mistake in a setting."""

    slots: dict[str, str] = field(default_factory=dict)
    edits: tuple[tuple[str, str | None], ...] = ()
    settings: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Absent:
    """Why the mistake cannot be made in this implementation."""

    reason: str


@dataclass(frozen=True)
class Bug:
    title: str  # the mistake, in one line
    keywords: tuple[str, ...]  # an error message containing one of these names the problem
    scratch: Plant | Absent
    torch: Plant | Absent
    keras: Plant | Absent
    variant: str = "baseline"  # the correct network the mistake is made in


def _same(slot: str, ref: str, original: str | None) -> Plant:
    """A function put in ``slot`` in place of ``original``, of which it is an edited copy."""
    return Plant({slot: ref}, ((ref, original),))


def _override(slot: str, cls: str, methods: str, original: str) -> Plant:
    """A subclass put in ``slot`` whose ``methods`` are edited copies of ``original``'s."""
    return Plant({slot: cls}, tuple((f"{cls}.{name}", f"{original}.{name}")
                                    for name in methods.split()))


AUTOGRAD = Absent("autograd derives every gradient from the forward pass: no derivative is "
                  "written by hand")
SHAPES = ("shape", "size", "dimension", "rank", "broadcast", "multiplied")
DIGITS = _same("targets", f"{S}::digits_as_targets", "data/batches.py::one_hot")
LARGE_ETA = Plant(settings={"eta": 50.0})

BUGS = {
    "transposed-weights": Bug(
        "A weight matrix created with its two sizes swapped", SHAPES,
        scratch=_override("network", f"{S}::TransposedNetwork", "__init__", f"{NET}::Network"),
        torch=_override("model", f"{T}::TransposedNet", "__init__", f"{TORCH_NET}::Net"),
        keras=Absent("a Dense layer is given only its number of outputs; Keras reads the "
                     "number of inputs from the data")),
    "wrong-sign": Bug(
        "The wrong sign: training climbs the cost instead of descending it", ("sign",),
        scratch=_override("network", f"{S}::AscentNetwork", "update_mini_batch",
                          f"{NET}::Network"),
        torch=_same("cost", f"{T}::cross_entropy_without_minus",
                    f"{TORCH_NET}::cross_entropy_cost"),
        keras=_same("cost", f"{K}::cross_entropy_without_minus",
                    f"{KERAS_NET}::cross_entropy_cost")),
    "no-sigmoid-prime": Bug(
        "The sigmoid's derivative left out of one layer's backward pass", ("derivative",),
        scratch=_override("network", f"{S}::NoSigmoidPrimeNetwork", "backprop", f"{NET}::Network"),
        torch=AUTOGRAD, keras=AUTOGRAD),
    "gradients-accumulate": Bug(
        "Gradients accumulated across mini-batches: never reset", ("zero_grad", "accumulat"),
        scratch=Plant({"network": f"{S}::AccumulatingNetwork"},
                      ((f"{S}::AccumulatingNetwork.update_mini_batch",
                        f"{NET}::Network.update_mini_batch"),
                       (f"{S}::AccumulatingNetwork.__init__", None))),
        torch=_same("train_epoch", f"{T}::train_epoch_without_zero_grad",
                    f"{TORCH_NET}::train_epoch"),
        keras=Absent("fit computes each mini-batch's gradient afresh; there is no gradient "
                     "buffer to reset")),
    "summed-loss": Bug(
        "The cost summed over the mini-batch, not averaged: a learning rate m times too large",
        ("learning rate", "sum"),
        scratch=_override("network", f"{S}::SummedNetwork", "update_mini_batch", f"{NET}::Network"),
        torch=_same("cost", f"{T}::summed_cross_entropy", f"{TORCH_NET}::cross_entropy_cost"),
        keras=_same("cost", f"{K}::summed_cross_entropy", f"{KERAS_NET}::cross_entropy_cost")),
    "labels-not-one-hot": Bug(
        "The digit labels, shape (m,), used as the desired outputs instead of one-hot vectors",
        SHAPES, scratch=DIGITS, torch=DIGITS, keras=DIGITS),
    "softmax-axis": Bug(
        "The softmax taken along the wrong axis: across the mini-batch, not the classes",
        ("axis", "dim"),
        scratch=Plant({"network": f"{S}::BatchSoftmaxNetwork"},
                      ((f"{S}::softmax_over_batch", "scratch/activations.py::softmax"),
                       (f"{S}::BatchSoftmaxNetwork.feedforward",
                        "scratch/variants.py::SoftmaxNetwork.feedforward"),
                       (f"{S}::BatchSoftmaxNetwork.backprop",
                        "scratch/variants.py::SoftmaxNetwork.backprop"))),
        torch=_same("cost", f"{T}::log_likelihood_over_batch",
                    "torch/variants.py::log_likelihood_cost"),
        keras=_same("cost", f"{K}::log_likelihood_over_batch",
                    "keras/variants.py::log_likelihood_cost"),
        variant="softmax"),
    "in-place": Bug(
        "An in-place change to a tensor the backward pass still needs", ("inplace", "in-place"),
        scratch=Absent("NumPy records nothing for a backward pass: backprop keeps and reads "
                       "its own arrays"),
        torch=_same("cost", f"{T}::clamped_cross_entropy", f"{TORCH_NET}::cross_entropy_cost"),
        keras=Absent("TensorFlow's tensors are immutable: there are no in-place operations "
                     "on them")),
    "dropout-at-test": Bug(
        "Evaluation left in training mode: dropout still drops neurons at test time",
        ("train", "eval", "dropout"),
        scratch=_override("network", f"{S}::DropoutAtTestNetwork", "feedforward",
                          f"{NET}::Network"),
        torch=_same("evaluate", f"{T}::evaluate_in_training_mode", f"{TORCH_NET}::evaluate"),
        keras=_same("evaluate", f"{K}::evaluate_in_training_mode", f"{KERAS_NET}::evaluate"),
        variant="dropout"),
    "learning-rate": Bug(
        "A learning rate 100 times too large (eta 50 for 0.5: a slipped decimal point)",
        ("nan", "inf", "overflow"), scratch=LARGE_ETA, torch=LARGE_ETA, keras=LARGE_ETA),
    "numpy-in-forward": Bug(
        "The hidden layer's sigmoid computed by the from-scratch NumPy function",
        ("numpy", "grad"),
        scratch=Absent("everything is NumPy already: there is no graph for a NumPy call to "
                       "break"),
        torch=_override("model", f"{T}::NumpySigmoidNet", "forward", f"{TORCH_NET}::Net"),
        keras=_same("build", f"{K}::build_numpy_sigmoid", f"{KERAS_NET}::build")),
    "bias-gradient-axis": Bug(
        "The bias gradient summed over the wrong axis (the neurons, not the examples)", SHAPES,
        scratch=_override("network", f"{S}::BiasAxisNetwork", "backprop", f"{NET}::Network"),
        torch=Absent("autograd gives every gradient its parameter's shape: no gradient is "
                     "summed by hand"),
        keras=Absent("autograd gives every gradient its parameter's shape: no gradient is "
                     "summed by hand")),
}
