"""The cost model shared by every protocol, and the input checks every front door uses.

One convention for every protocol, quantum or classical (see ``docs/cost_model.md``):

* ``qubits``: quantum communication, qubits that cross a channel, summed over all messages;
* ``bits``: classical communication, summed over all messages;
* ``ebits``: pre-shared entanglement consumed (Bell pairs, GHZ shares as documented);
* ``rounds``: sequential messages (latency); parallel messages in one step count once.

A cost depends on hyperparameters and shapes only, never on input values, so it is static
metadata of an :class:`Outcome` and survives ``jax.jit`` and ``jax.vmap`` unchanged.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

import jax
import numpy as np

__all__ = [
    "Cost",
    "Outcome",
    "check_finite",
    "check_in_interval",
    "check_int",
    "check_unit_vector",
    "check_key",
    "check_probability",
    "check_values_in",
    "check_real",
    "check_same_shape",
    "check_array",
    "clamp_probability",
    "is_concrete",
]


@dataclasses.dataclass(frozen=True, order=False)
class Cost:
    """Communication spent by one protocol run.

    ``a + b`` is sequential composition (all four fields add); ``k * a`` is ``k`` parallel
    repetitions (qubits, bits and ebits multiply, rounds do not); :meth:`parallel` runs
    different protocols side by side.

    Examples:
        >>> shot = Cost(qubits=11, rounds=1)
        >>> 100 * shot
        Cost(qubits=1100, bits=0, ebits=0, rounds=1)
        >>> shot + Cost(bits=1, rounds=1)
        Cost(qubits=11, bits=1, ebits=0, rounds=2)
        >>> Cost.parallel(Cost(qubits=2, rounds=3), Cost(bits=5, rounds=1))
        Cost(qubits=2, bits=5, ebits=0, rounds=3)
    """

    qubits: int | float = 0
    bits: int | float = 0
    ebits: int | float = 0
    rounds: int = 0

    def __post_init__(self):
        for field in ("qubits", "bits", "ebits", "rounds"):
            value = getattr(self, field)
            if isinstance(value, jax.Array | np.ndarray):
                raise TypeError(
                    f"Cost.{field} must be a Python number (costs are static), got an array; "
                    "compute it from shapes and hyperparameters, not from input values"
                )
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"Cost.{field} must be finite and >= 0, got {value!r}")

    def __add__(self, other: Cost) -> Cost:
        if not isinstance(other, Cost):
            return NotImplemented
        return Cost(
            self.qubits + other.qubits,
            self.bits + other.bits,
            self.ebits + other.ebits,
            self.rounds + other.rounds,
        )

    def __mul__(self, k: int) -> Cost:
        if isinstance(k, bool) or not isinstance(k, int | np.integer):
            return NotImplemented
        if k < 0:
            raise ValueError(f"repetition count must be >= 0, got {k}")
        k = int(k)
        return Cost(self.qubits * k, self.bits * k, self.ebits * k, self.rounds if k else 0)

    __rmul__ = __mul__

    @staticmethod
    def parallel(*costs: Cost) -> Cost:
        """Protocols run side by side: communication adds, latency is the longest."""
        return Cost(
            sum(c.qubits for c in costs),
            sum(c.bits for c in costs),
            sum(c.ebits for c in costs),
            max((c.rounds for c in costs), default=0),
        )

    def repeat_sequential(self, k: int) -> Cost:
        """``k`` runs one after the other: everything, rounds included, multiplies."""
        k = check_int(k, "repetition count k", minimum=0)
        return Cost(self.qubits * k, self.bits * k, self.ebits * k, self.rounds * k)

    @property
    def communication(self) -> float:
        """Qubits plus bits: the single number plotted when quantum meets classical."""
        return self.qubits + self.bits

    def as_dict(self) -> dict[str, float]:
        return dataclasses.asdict(self)


@jax.tree_util.register_pytree_node_class
@dataclasses.dataclass(frozen=True)
class Outcome:
    """A protocol's answer with what it cost.

    ``answer`` and ``info`` are pytree leaves (they may be traced, batched by ``vmap``);
    ``cost`` is static metadata, identical for every element of a batch.

    Examples:
        >>> import jax, jax.numpy as jnp
        >>> def protocol(key):
        ...     return Outcome(jax.random.bernoulli(key).astype(int), Cost(bits=1, rounds=1))
        >>> out = jax.vmap(protocol)(jax.random.split(jax.random.key(0), 5))
        >>> out.answer.shape, out.cost
        ((5,), Cost(qubits=0, bits=1, ebits=0, rounds=1))
    """

    answer: Any
    cost: Cost
    info: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def __post_init__(self):
        if not isinstance(self.cost, Cost):
            raise TypeError(f"Outcome.cost must be a ccq.Cost, got {self.cost!r}")
        if not isinstance(self.info, Mapping):
            raise TypeError(f"Outcome.info must be a mapping, got {type(self.info).__name__}")

    def tree_flatten(self):
        return (self.answer, dict(self.info)), self.cost

    @classmethod
    def tree_unflatten(cls, cost, children):
        answer, info = children
        return cls(answer, cost, info)


# ---------------------------------------------------------------- input checks
# Checks run only on concrete values: inside jit/vmap the values are tracers and the caller's
# front door has already checked them (shapes are always checked, they are static).


def is_concrete(x) -> bool:
    """True when ``x`` holds values we can inspect (not a tracer under jit/vmap/grad)."""
    return not isinstance(x, jax.core.Tracer)


def check_finite(x, name: str):
    """Raise ``ValueError`` naming ``name`` if a concrete array holds NaN or inf."""
    if is_concrete(x):
        arr = np.asarray(x)
        if not np.all(np.isfinite(arr)):
            bad = np.argwhere(~np.isfinite(arr))[0].tolist()
            raise ValueError(
                f"{name} must be finite; found {arr[tuple(bad)]!r} at index {tuple(bad)}"
            )
    return x


def check_in_interval(
    value, name: str, low: float, high: float, *, closed: str = "neither"
) -> float:
    """Check ``low < value < high`` (``closed`` in {"neither", "left", "right", "both"}).

    Examples:
        >>> check_in_interval(0.1, "tau", 0, 1)
        0.1
        >>> check_in_interval(1.0, "tau", 0, 1)
        Traceback (most recent call last):
        ...
        ValueError: tau must lie in (0, 1), got 1.0
    """
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a real number, got {value!r}") from None
    lo_ok = v >= low if closed in ("left", "both") else v > low
    hi_ok = v <= high if closed in ("right", "both") else v < high
    if not (math.isfinite(v) and lo_ok and hi_ok):
        lb = "[" if closed in ("left", "both") else "("
        rb = "]" if closed in ("right", "both") else ")"
        raise ValueError(f"{name} must lie in {lb}{low}, {high}{rb}, got {value!r}")
    return v


def check_int(value, name: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """Check that ``value`` is an integer within ``[minimum, maximum]``.

    Examples:
        >>> check_int(3, "shots", minimum=1)
        3
        >>> check_int(0, "shots", minimum=1)
        Traceback (most recent call last):
        ...
        ValueError: shots must be an integer >= 1, got 0
    """
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise ValueError(f"{name} must be an integer, got {value!r}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be an integer <= {maximum}, got {value}")
    return value


def check_unit_vector(x, name: str, *, atol: float = 1e-4):
    """Check a 1-D finite vector of Euclidean norm 1 (within ``atol``); return it unchanged."""
    if np.ndim(x) != 1:
        raise ValueError(f"{name} must be a 1-D vector, got shape {np.shape(x)}")
    if np.shape(x)[0] == 0:
        raise ValueError(f"{name} must not be empty")
    check_finite(x, name)
    if is_concrete(x):
        norm = float(np.linalg.norm(np.asarray(x, dtype=np.complex128)))
        if abs(norm - 1.0) > atol:
            raise ValueError(
                f"{name} must be a unit vector, got norm {norm:.6g} (tolerance {atol})"
            )
    return x


def check_key(key, name: str = "key"):
    """Check that ``key`` is a JAX PRNG key (typed ``jax.random.key`` or legacy uint32[2])."""
    if hasattr(key, "dtype") and jax.dtypes.issubdtype(key.dtype, jax.dtypes.prng_key):
        return key
    if hasattr(key, "shape") and key.shape[-1:] == (2,) and key.dtype == np.uint32:
        return key
    raise TypeError(
        f"{name} must be a JAX PRNG key (jax.random.key(seed)), got {type(key).__name__}; "
        "ccq never uses global random state"
    )


def check_real(value, name: str) -> float:
    """A finite real scalar (a Python or numpy number, or a 0-d array), as a float.

    Examples:
        >>> check_real(2, "lr")
        2.0
        >>> check_real(float("nan"), "lr")
        Traceback (most recent call last):
        ...
        ValueError: lr must be a finite real number, got nan
    """
    if isinstance(value, bool) or np.ndim(value) != 0:
        raise ValueError(f"{name} must be a finite real number, got {value!r}")
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a finite real number, got {value!r}") from None
    if not math.isfinite(v):
        raise ValueError(f"{name} must be a finite real number, got {value!r}")
    return v


def check_values_in(value, name: str, low: float, high: float, what: str = ""):
    """Check that every concrete entry of ``value`` is finite and in ``[low, high]``.

    Scalars come back as floats, arrays unchanged; traced values pass (checked at the front
    door).

    Examples:
        >>> check_values_in(0.5, "c", -1, 1)
        0.5
        >>> check_values_in([0.5, 3.0], "c", -1, 1)
        Traceback (most recent call last):
        ...
        ValueError: c must hold finite values in [-1, 1], got 3.0
    """
    what = what or f"hold finite values in [{low}, {high}]"
    if not is_concrete(value):
        return value
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must {what}, got {value!r}") from None
    ok = np.isfinite(arr) & (arr >= low) & (arr <= high)
    if not np.all(ok):
        shown = value if arr.ndim == 0 else float(arr[~ok][0])
        raise ValueError(f"{name} must {what}, got {shown!r}")
    return float(arr) if arr.ndim == 0 and not hasattr(value, "shape") else value


def check_probability(value, name: str):
    """Check that every concrete entry of ``value`` is a finite probability in [0, 1].

    Examples:
        >>> check_probability(0.25, "pass_probability")
        0.25
        >>> check_probability(2, "pass_probability")
        Traceback (most recent call last):
        ...
        ValueError: pass_probability must be a probability in [0, 1], got 2
    """
    return check_values_in(value, name, 0.0, 1.0, "be a probability in [0, 1]")


def clamp_probability(p):
    """A computed probability clipped to [0, 1] (round-off such as 1.0000001 in complex64).

    Use only on results that are probabilities by construction; inputs are checked instead.

    Examples:
        >>> float(clamp_probability(1.0000001))
        1.0
    """
    import jax.numpy as jnp

    return jnp.clip(p, 0.0, 1.0)


def check_array(x, name: str, *, ndim: int | tuple[int, ...] | None = None,
                min_size: int = 1, finite: bool = True):
    """Check an array's rank, that it has at least ``min_size`` entries and is finite.

    Examples:
        >>> check_array([[1.0]], "image", ndim=2).shape
        (1, 1)
        >>> check_array([1.0], "image", ndim=2)
        Traceback (most recent call last):
        ...
        ValueError: image must have 2 dimensions, got shape (1,)
    """
    shape = np.shape(x)
    allowed = (ndim,) if isinstance(ndim, int) else ndim
    if allowed is not None and len(shape) not in allowed:
        want = " or ".join(str(a) for a in allowed)
        raise ValueError(f"{name} must have {want} dimensions, got shape {shape}")
    if int(np.prod(shape)) < min_size:
        raise ValueError(f"{name} must have at least {min_size} entries, got shape {shape}")
    if finite:
        check_finite(x, name)
    return x if hasattr(x, "shape") else np.asarray(x)


def check_same_shape(x, y, names: str = "x and y") -> None:
    """Raise ``ValueError`` unless ``x`` and ``y`` have the same shape (no broadcasting).

    Examples:
        >>> check_same_shape([1, 2], [1], "pred and true")
        Traceback (most recent call last):
        ...
        ValueError: pred and true must have the same shape, got (2,) and (1,)
    """
    if np.shape(x) != np.shape(y):
        raise ValueError(f"{names} must have the same shape, got {np.shape(x)} and {np.shape(y)}")
