"""How much code does each implementation need, and for what?

Lines are counted from the source itself with ``ast``: logical lines inside each function,
without blank lines, comments or docstrings. Each function is assigned a *role* (forward pass,
cost, gradients, update, training loop), so the implementations are compared job by job. The
Keras and JAX sources are counted whether or not their extras are installed: counting needs no
import. Beside them, the JAX *port* of the scratch code (``jax/port.py``): how many of the
scratch lines it keeps survive unchanged, and how many are backpropagation it no longer needs.
"""

from __future__ import annotations

from dataclasses import dataclass

from comparison.experiments.harness.context import Context
from comparison.experiments.harness.source import body_lines, logical_lines
from comparison.implementations import declarations, get, names

# It counts the implementations' sources as text, without importing them: every folder.
READS = names()

# The roles, in the order of the table; each implementation declares its functions for every
# one (``<impl>/declared.py``: ``ROLES``). The training loop is each implementation's own loop
# over the mini-batches of an epoch; the runners' conversions for the shared interface (NumPy
# indices to tensors) would not exist in a program using one library alone.
DERIVATIVE_ROLE = "gradients (backpropagation)"
FORWARD_ROLE, UPDATE_ROLE = "model and forward pass", "parameter update (SGD with L2)"
ROLE_ORDER = (FORWARD_ROLE, "cost functions", DERIVATIVE_ROLE, UPDATE_ROLE,
              "training loop over mini-batches")


def roles() -> dict[str, dict[str, list[str]]]:
    """Role -> {implementation: its functions, as "file::Qualified.name"}."""
    declared = declarations("ROLES")
    for impl, found in declared.items():
        if set(found) != set(ROLE_ORDER):
            raise ValueError(f"{get(impl).declared_module}: ROLES must name exactly the "
                             f"roles {', '.join(ROLE_ORDER)}")
    return {role: {impl: found[role] for impl, found in declared.items()} for role in ROLE_ORDER}


# The JAX port (``jax/port.py``) against the scratch functions it keeps: which lines survive.
PORT = (("scratch/network.py::Network.feedforward", "jax/port.py::feedforward"),
        ("scratch/activations.py::sigmoid", "jax/port.py::sigmoid"),
        ("scratch/costs.py::QuadraticCost.fn", "jax/port.py::quadratic"),
        ("scratch/costs.py::CrossEntropyCost.fn", "jax/port.py::cross_entropy"),
        ("scratch/network.py::Network.update_mini_batch", "jax/port.py::update_mini_batch"))


@dataclass(frozen=True)
class Config:
    profile: str
    roles: dict[str, dict[str, list[str]]]
    port: tuple[tuple[str, str], ...] = PORT  # (scratch function, its JAX port)
    datasets: tuple[str, ...] = ()  # counting reads no data


@dataclass(frozen=True)
class Port:
    """What survives of the scratch code in the JAX port (``port_survival``)."""

    scratch_lines: int  # body lines of the scratch functions the port keeps
    unchanged: int  # of them, in the port as they are
    renamed: int  # ... but for ``np.`` read as ``jnp.`` and ``self.`` dropped
    port_lines: int  # body lines of the port's functions
    gradient_lines_dropped: int  # the scratch gradient lines the port needs no longer


@dataclass(frozen=True)
class Result:
    config: Config
    # one per role: "role", and "<impl>_lines" and "<impl>_functions" for each implementation
    rows: tuple[dict[str, str | int], ...]
    totals: dict[str, int]  # implementation -> lines over every role
    hand_written_derivative_lines: dict[str, int]  # implementation -> lines of the gradient role
    ratio: float  # the scratch total / PyTorch's
    port: Port

    def lines(self, role: str, impl: str) -> int:
        """The lines ``impl`` needs for ``role``."""
        return next(r for r in self.rows if r["role"] == role)[f"{impl}_lines"]

    def gradient(self, impl: str) -> int:
        """The lines of gradient ``impl`` writes by hand."""
        return self.lines(DERIVATIVE_ROLE, impl)

    def ratio_to(self, impl: str) -> float:
        """How many times the from-scratch code's size ``impl``'s is."""
        return self.totals["scratch"] / self.totals[impl]


def make_config(profile: str, context: Context) -> Config:
    return Config(profile=profile, roles=roles())


def run(config: Config, context: Context) -> Result:
    impls = list(next(iter(config.roles.values())))
    rows = []
    for role, functions in config.roles.items():
        rows.append({"role": role,
                     **{f"{impl}_lines": sum(logical_lines(*ref.split("::")) for ref in refs)
                        for impl, refs in functions.items()},
                     **{f"{impl}_functions": len(refs) for impl, refs in functions.items()}})
    totals = {impl: sum(r[f"{impl}_lines"] for r in rows) for impl in impls}
    derivative = next(r for r in rows if r["role"] == DERIVATIVE_ROLE)
    return Result(config, tuple(rows), totals,
                  {impl: derivative[f"{impl}_lines"] for impl in impls},
                  totals["scratch"] / totals["torch"],
                  port_survival(config.port, config.roles[DERIVATIVE_ROLE]["scratch"]))


def port_survival(pairs: tuple[tuple[str, str], ...], gradients: list[str]) -> Port:
    """The body lines (signatures aside) of the scratch functions the port keeps: how many
    appear in the port unchanged, and how many but for ``np.`` read as ``jnp.`` and
    ``self.weights`` passed in as ``weights`` (``jax.grad`` differentiates a function of the
    parameters); and the scratch gradient lines the port drops."""
    kept = same = edited = 0
    for scratch_ref, port_ref in pairs:
        ported = body_lines(*port_ref.split("::"))
        for line in body_lines(*scratch_ref.split("::")):
            kept += 1
            near = line.replace("np.", "jnp.").replace("self.", "")
            if line in ported:
                same += 1
                ported.remove(line)
            elif near in ported:
                edited += 1
                ported.remove(near)
    return Port(kept, same, edited, sum(len(body_lines(*p.split("::"))) for _, p in pairs),
                sum(logical_lines(*g.split("::")) for g in gradients))
