"""What is timed: the paths (ways of training), by name, and the groups the sweeps use."""

from __future__ import annotations

from dataclasses import dataclass

EPOCH = 50_000  # a figure per epoch: the book's 50,000 training images
STEPS_PER_EXECUTION = 10  # Keras's option: training steps per call of its compiled step


@dataclass(frozen=True)
class TimedPath:
    """A way of training that is timed: an implementation with its settings."""

    impl: str
    dtype: str
    per_example: bool = False  # the book's one-example-at-a-time backprop (scratch only)
    compiled: bool = False  # the library's compiler (``Runner.compile``) is switched on
    options: tuple[tuple[str, object], ...] = ()  # ... with these options
    device: str = "cpu"
    tuned: bool = False  # scratch only: the step written for speed (``scratch/tuned.py``)
    flush_denormals: bool = False  # subnormal floats flushed to zero, as XLA does


PATHS = {
    "book per-example (float64)": TimedPath("scratch", "float64", per_example=True),
    "scratch float64": TimedPath("scratch", "float64"),
    "scratch float32": TimedPath("scratch", "float32"),
    # the habits of a careful NumPy programmer: in place, and the frameworks' float mode
    "scratch tuned float32": TimedPath("scratch", "float32", tuned=True, flush_denormals=True),
    "torch float64": TimedPath("torch", "float64"),
    "torch float32": TimedPath("torch", "float32"),
    "torch.compile float32": TimedPath("torch", "float32", compiled=True),
    "torch CUDA float32": TimedPath("torch", "float32", device="cuda"),
    "keras float32": TimedPath("keras", "float32"),  # tensorflow-cpu: no CUDA path
    "keras XLA float32": TimedPath("keras", "float32", compiled=True,
                                   options=(("jit_compile", True),)),
    "keras steps_per_execution float32": TimedPath(
        "keras", "float32", compiled=True,
        options=(("jit_compile", False), ("steps_per_execution", STEPS_PER_EXECUTION))),
    # always compiled (jax.jit): its first mini-batch, timed apart, is the compile time
    "jax float32": TimedPath("jax", "float32"),
    "jax CUDA float32": TimedPath("jax", "float32", device="cuda"),  # a CUDA build of JAX
    # one habit at a time, for the split of the step (timed at the split's points only)
    "scratch float32 FTZ": TimedPath("scratch", "float32", flush_denormals=True),
    "scratch in-place float32": TimedPath("scratch", "float32", tuned=True),
    "torch float32 FTZ": TimedPath("torch", "float32", flush_denormals=True),
}
TUNED = "scratch tuned float32"
SPLIT_PATHS = ("scratch float32 FTZ", "scratch in-place float32", "torch float32 FTZ")
SCRATCH = {"float32": "scratch float32", "float64": "scratch float64"}
# Each built-in option against the same library without it.
OPTIONS = {"torch.compile float32": "torch float32", "keras XLA float32": "keras float32",
           "keras steps_per_execution float32": "keras float32"}
BOOK = "book per-example (float64)"
THREAD_PATHS = ("scratch float32", "torch float32")  # TensorFlow sizes its pools once
CONV_PATHS = ("scratch float32", "torch float32", "keras float32")
NOISE_PATHS = ("scratch float32", "torch float32")  # timed twice, half a round apart
BATCH_SWEEP_WIDTH, WIDTH_SWEEP_BATCH = 30, 100
NOISE_POINT = (WIDTH_SWEEP_BATCH, BATCH_SWEEP_WIDTH)  # on both sweeps
CONV_WIDTH = 100  # the conv variant's hidden layer, as in the flexibility experiment
# Asked for with `--device cuda`, the run is a GPU record: it answers one question, from what
# size the GPU beats each implementation's fastest CPU path on the same machine, so it times
# only those. The rest of the CPU sweep is the CPU-only run's job.
GPU_RECORD_PATHS = ("scratch float32", "torch float32", "keras float32", "torch CUDA float32",
                    "jax float32", "jax CUDA float32")
# Each sweep's varying field; the mini-batch and width sweeps are the dense network's own.
POINT_KEYS = {"batch": "batch_size", "width": "width", "conv": "batch_size"}
SWEEP_KEYS = {sweep: POINT_KEYS[sweep] for sweep in ("batch", "width")}
