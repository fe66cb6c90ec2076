"""Distributed quantum models split between Alice and Bob [reconstruction of arXiv 2310.07136].

Gilboa, Michaeli, Soudry and McClean (arXiv 2310.07136) consider models that are compositions of
parameterised unitaries held by different parties; the abstract claims inference and gradient
training with communication polylogarithmic in the data size N, and that the advantage nearly
vanishes for linear classifiers. Only the abstract is available to us, so the model class below
is a **reconstruction** (see ``docs/distributed_models.md``):

* Alice holds the data ``x in R^N`` (``N = 2^n``) and prepares the amplitude encoding
  ``|x> = x / ||x||`` on ``n`` qubits.
* ``L`` layers ``|out> = B_L A_L ... B_1 A_1 |x>``. Alice's layer ``A_l = HEA(alpha_l) D(pi x)``
  (the data re-uploading phase ``D(pi x)`` only when ``reupload=True``); Bob's layer
  ``B_l = HEA(beta_l) D(w_l)``, where ``D(v) = diag(exp(i v_k))`` is a diagonal phase with
  ``N`` parameters ``w_l in R^N`` (Bob's model is ``poly(N)`` numbers, so shipping it is not free).
* The hardware-efficient block ``HEA(theta)`` (``theta`` of shape ``(n, 2)``) applies
  ``RZ(theta[q, 1]) RY(theta[q, 0])`` to every qubit ``q`` and then the CNOT ladder
  ``CNOT(0, 1), CNOT(1, 2), ..., CNOT(n - 2, n - 1)``.
* Output: ``f(x) = <out| O |out>`` for a Pauli string ``O`` (default ``Z`` on qubit 0),
  measured by Alice.

The HEA block runs as a fused kernel (a scanned per-qubit contraction and the CNOT ladder as a
Gray-code permutation) so that compile time does not grow with ``n``; tests check it gate by gate
against :func:`ccq.sim.apply_gate` and the whole pass against a dense numpy reference.

Communication model: interactive, two parties, no shared entanglement. The register moves to the
party that owns the next gate: one message of ``n`` qubits each time ownership changes, and a last
message back to Alice who measures, i.e. ``2 L`` messages of ``n`` qubits (``2 L`` rounds) per shot.
Shots are sent in parallel (``shots * cost``: qubits multiply, rounds do not). Every cost below is
counted from the message log of the gate sequence the simulator actually runs
(:func:`message_log`), and tests compare it with the closed forms in :mod:`ccq.bounds.qmodel`.

Noise (:class:`ccq.noise.Noise`): every qubit of every message suffers the transmission
channels, and the memory dephasing of the round it spends at the receiving party.
:func:`noisy_expectation` is the exact density-matrix path (small ``n``),
:func:`noisy_expectation_trajectories` averages pure-state trajectories drawn under ``vmap``
(tests check they agree); :func:`inference` takes ``noise=`` and samples from the noisy output.
A heralded loss destroys the register spread over ``2 L`` messages, so the shot restarts:
:func:`inference_cost` counts ``expected_messages_with_restarts`` messages (and as many rounds).
The gradient estimators take ``noise=`` too: :func:`paramshift_gradient` samples every shifted
circuit from its :func:`noisy_expectation` (the shift rule then gives the gradient of the noisy
expectation exactly), :func:`mass_gradient_distribution` runs the ``(n + 1)``-qubit Hadamard
test on the density path (:func:`mass_gradient_distribution_trajectories` is its trajectory
twin), and :func:`paramshift_cost` / :func:`mass_gradient_cost` count erasure restarts.
``noise=None``, ``Noise()`` and erasure-only noise run the noiseless code, bit for bit.

Gradients: :func:`mass_gradient_distribution` / :func:`mass_gradient` estimate **all** ``N``
phases of one ``D(w_l)`` from the same copies (a Hadamard test whose register is measured in the
computational basis: ``g_k = 2 (p(+i, k) - p(-i, k))``), so ``O(log(N / delta) / eps^2)`` copies
suffice for every coordinate at once; :func:`paramshift_gradient` is the baseline with
``2 P`` shifted circuits. Exact gradients come from JAX autodiff of :func:`expectation`.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Sequence

import jax
import jax.numpy as jnp
import numpy as np
from jax.flatten_util import ravel_pytree

from .._core import Cost, Outcome, check_finite, check_int, check_key, is_concrete
from ..noise import Noise, expected_messages_with_restarts
from ..sim import (
    CNOT,
    I2,
    X,
    Y,
    Z,
    amplitude_encode,
    apply_channel_trajectory,
    apply_gate,
    apply_kraus,
    dephasing_kraus,
    ry,
    rz,
)
from . import _noise_laws

__all__ = [
    "DistributedModel",
    "message_log",
    "init_params",
    "forward_ops",
    "state",
    "expectation",
    "outcome_probability",
    "inference",
    "inference_cost",
    "noisy_expectation",
    "noisy_expectation_trajectories",
    "mass_gradient_distribution",
    "mass_gradient_distribution_trajectories",
    "mass_gradient",
    "mass_gradient_cost",
    "mass_messages",
    "paramshift_gradient",
    "paramshift_cost",
    "shift_values",
    "num_params",
    "sample_outcomes",
    "mass_gradient_from_samples",
    "ship_data",
    "classical_data_bits",
    "classical_model_bits",
]

ALICE, BOB = "alice", "bob"
_PAULI = {"I": I2, "X": X, "Y": Y, "Z": Z}


@dataclasses.dataclass(frozen=True)
class DistributedModel:
    """Hyperparameters of the two-party model (see the module docstring for the circuit).

    Args:
        n_qubits: ``n = log2 N`` (the data dimension is ``N = 2^n``).
        layers: ``L``, the number of (Alice, Bob) layer pairs.
        observable: Pauli string of length ``n`` over ``IXYZ`` (default ``"Z" + "I" * (n-1)``).
        reupload: whether Alice's layers re-upload the data as the phase ``D(pi x)``.

    Examples:
        >>> m = DistributedModel(3, 2)
        >>> m.dim, m.observable, num_params(m)
        (8, 'ZII', 40)
    """

    n_qubits: int
    layers: int
    observable: str = ""
    reupload: bool = False

    def __post_init__(self):
        check_int(self.n_qubits, "n_qubits", minimum=1, maximum=26)
        check_int(self.layers, "layers", minimum=1)
        obs = self.observable or "Z" + "I" * (self.n_qubits - 1)
        if len(obs) != self.n_qubits or any(c not in _PAULI for c in obs):
            raise ValueError(f"observable must be a Pauli string of length {self.n_qubits} "
                             f"over 'IXYZ', got {self.observable!r}")
        if set(obs) == {"I"}:
            raise ValueError("observable must not be the identity (its expectation is always 1)")
        object.__setattr__(self, "observable", obs)

    @property
    def dim(self) -> int:
        return 2**self.n_qubits


def num_params(model: DistributedModel) -> int:
    """Trainable real parameters: ``L (N + 4 n)`` (Bob's phases, both parties' HEA angles)."""
    return model.layers * (model.dim + 4 * model.n_qubits)


def init_params(key, model: DistributedModel, scale: float = 1.0) -> dict:
    """Random parameters: HEA angles ``~ U(-pi, pi) * scale``, phases ``w ~ U(-pi, pi) * scale``.

    Returns a dict ``{"alice": (L, n, 2), "bob": (L, n, 2), "w": (L, N)}``; Alice owns
    ``"alice"``, Bob owns ``"bob"`` and ``"w"``.
    """
    check_key(key)
    L, n = model.layers, model.n_qubits
    ka, kb, kw = jax.random.split(key, 3)
    u = lambda k, s: scale * jax.random.uniform(k, s, minval=-jnp.pi, maxval=jnp.pi)  # noqa: E731
    return {"alice": u(ka, (L, n, 2)), "bob": u(kb, (L, n, 2)), "w": u(kw, (L, model.dim))}


# ---------------------------------------------------------------- gates


def _rotations(theta, dagger: bool = False):
    """Stacked ``RZ(theta[q, 1]) RY(theta[q, 0])`` (or their adjoints), shape ``(n, 2, 2)``."""
    c, sn = jnp.cos(theta[:, 0] / 2), jnp.sin(theta[:, 0] / 2)
    e = jnp.exp(-0.5j * theta[:, 1])
    ez = jnp.conj(e)
    # RZ RY = [[e c, -e s], [ez s, ez c]]
    u = jnp.stack([jnp.stack([e * c, -e * sn], -1), jnp.stack([ez * sn, ez * c], -1)], -2)
    return jnp.conj(jnp.swapaxes(u, -1, -2)) if dagger else u


def _single_qubit_layer(state, mats):
    """Apply ``mats[q]`` to qubit ``q`` for every q: one scanned kernel, cyclic qubit order.

    Each step contracts the gate with the leading axis (the current qubit) and moves that axis
    last; after ``n`` steps the order is restored. Equal to ``n`` calls of ``apply_gate``.
    """
    mats = mats.astype(state.dtype)

    def step(psi, u):
        return (u @ psi.reshape(2, -1)).T.reshape(-1), None

    return jax.lax.scan(step, state, mats)[0]


def _ladder_perm(n: int, inverse: bool):
    """Index map of the CNOT ladder CNOT(0,1)...CNOT(n-2,n-1) (qubit 0 most significant).

    The ladder maps bits to their prefix XOR, so ``out[i] = in[i ^ (i >> 1)]``; its inverse is
    ``out[i] = in[prefix_xor(i)]``.
    """
    i = jnp.arange(2**n, dtype=jnp.int32)
    if not inverse:
        return i ^ (i >> 1)
    out = i
    for k in range(1, n):
        out = out ^ (i >> k)
    return out


def _hea(state, theta, n: int):
    state = _single_qubit_layer(state, _rotations(theta))
    return state[_ladder_perm(n, False)] if n > 1 else state


def _hea_dag(state, theta, n: int):
    if n > 1:
        state = state[_ladder_perm(n, True)]
    return _single_qubit_layer(state, _rotations(theta, dagger=True))


def _hea_reference(state, theta, n: int):
    """The same block gate by gate with ``ccq.sim.apply_gate`` (for tests)."""
    for q in range(n):
        state = apply_gate(state, rz(theta[q, 1]) @ ry(theta[q, 0]), [q])
    for q in range(n - 1):
        state = apply_gate(state, CNOT, [q, q + 1])
    return state


def _phase(state, v):
    return state * jnp.exp(1j * v).astype(state.dtype)


def _apply_observable(state, obs: str):
    for q, c in enumerate(obs):
        if c != "I":
            state = apply_gate(state, _PAULI[c], [q])
    return state


# An op is (owner, name, fn(state) -> state); names are for the message log and debugging only.
Op = tuple[str, str, Callable]


def forward_ops(model: DistributedModel, params, x) -> list[Op]:
    """The gate sequence ``A_1, B_1, ..., A_L, B_L`` as ``(owner, name, fn)`` triples."""
    n, ops = model.n_qubits, []
    xr = jnp.real(jnp.asarray(x))
    for layer in range(model.layers):
        if model.reupload:
            ops.append((ALICE, f"D(pi x)[{layer}]", lambda s: _phase(s, jnp.pi * _pad(xr, s))))
        ops.append((ALICE, f"HEA(alpha)[{layer}]",
                    lambda s, t=params["alice"][layer]: _hea(s, t, n)))
        ops.append((BOB, f"D(w)[{layer}]", lambda s, v=params["w"][layer]: _phase(s, v)))
        ops.append((BOB, f"HEA(beta)[{layer}]",
                    lambda s, t=params["bob"][layer]: _hea(s, t, n)))
    return ops


def _pad(x, s):
    return jnp.pad(x, (0, s.shape[0] - x.shape[0]))


def message_log(owners: Sequence[str], start: str = ALICE, end: str = ALICE) -> list[tuple]:
    """Messages ``(sender, receiver)`` sent when a register visits ``owners`` in turn.

    The register starts at ``start``; one message each time the owner changes, and a last one to
    ``end`` (the party that measures).

    Examples:
        >>> message_log(["alice", "bob", "bob", "alice", "bob"])
        [('alice', 'bob'), ('bob', 'alice'), ('alice', 'bob'), ('bob', 'alice')]
    """
    log, here = [], start
    for who in [*owners, end]:
        if who != here:
            log.append((here, who))
            here = who
    return log


def _check_x(model: DistributedModel, x):
    if np.ndim(x) != 1 or not 1 <= np.shape(x)[0] <= model.dim:
        raise ValueError(f"x must be a vector of length <= N = {model.dim}, got shape "
                         f"{np.shape(x)}")
    check_finite(x, "x")
    if is_concrete(x) and not np.any(np.asarray(x)):
        raise ValueError("x must not be the zero vector (it has no direction to encode)")


def state(model: DistributedModel, params, x):
    """The output state ``B_L A_L ... B_1 A_1 |x>`` (flat, length ``N``).

    Examples:
        >>> m = DistributedModel(2, 1)
        >>> p = init_params(jax.random.key(0), m)
        >>> out = state(m, p, jnp.array([1.0, 2.0, 3.0, 4.0]))
        >>> round(float(jnp.linalg.norm(out)), 5)
        1.0
    """
    _check_x(model, x)
    return _state(model, params, x)


def _encode(model, x):
    return amplitude_encode(jnp.pad(jnp.asarray(x), (0, model.dim - np.shape(x)[0])))


@functools.partial(jax.jit, static_argnums=0)
def _state(model, params, x):
    s = _encode(model, x)
    for _, _, fn in forward_ops(model, params, x):
        s = fn(s)
    return s


def expectation(model: DistributedModel, params, x):
    """The model output ``f(x) = <out| O |out>`` in ``[-1, 1]`` (differentiable in params)."""
    _check_x(model, x)
    return _expectation(model, params, x)


def _expectation(model, params, x):
    s = _state(model, params, x)
    return jnp.vdot(s, _apply_observable(s, model.observable)).real


def outcome_probability(model: DistributedModel, params, x):
    """Probability that one shot of ``O`` reads ``+1``: ``(1 + f(x)) / 2`` (what is sampled)."""
    return jnp.clip((1 + expectation(model, params, x)) / 2, 0.0, 1.0)


# ---------------------------------------------------------------- noise

NOISY_MAX_QUBITS = 8      # the density path holds 4^n amplitudes


def _message_kraus(noise: Noise):
    ops = list(noise.transmission_kraus())
    if noise.memory:
        ops.append(dephasing_kraus(noise.memory))
    return ops


def _segments(model, params, x):
    """The forward ops cut at the messages: a list of op lists, a message after each."""
    return _cut_at_messages([(o, fn) for o, _, fn in forward_ops(model, params, x)], ALICE)


def _cut_at_messages(ops, end: str):
    """``(owner, fn)`` ops, starting at Alice, cut where the owner changes: ``(segments,
    whether a message follows the last segment)`` (iff its owner is not ``end``)."""
    segs, cur, here = [], [], ALICE
    for owner, fn in ops:
        if owner != here:
            segs.append(cur)
            cur, here = [], owner
        cur.append(fn)
    segs.append(cur)
    return segs, here != end


def _check_noisy(model, noise):
    noise = _noise_laws.as_noise(noise)
    if model.n_qubits > NOISY_MAX_QUBITS:
        raise ValueError(f"the noisy paths simulate 4^n density entries or many trajectories; "
                         f"need n_qubits <= {NOISY_MAX_QUBITS}, got {model.n_qubits}")
    return noise


def _state_noise(noise) -> Noise | None:
    """The part of ``noise`` that changes the state: ``None`` when ideal or erasure only (a
    heralded loss restarts the run, so the state of a finished run is the noiseless one)."""
    noise = _noise_laws.as_noise(noise)
    if noise.ideal or noise == Noise(erasure=noise.erasure):
        return None
    return noise


def _lift(fns):
    """Density-path helper: ``U rho U^dagger`` for each ``fn`` (``U`` as a function of a
    state), applied to the columns and then to the rows."""
    def unitary(r):
        for fn in fns:
            r = jax.vmap(fn, in_axes=1, out_axes=1)(r)
            r = jnp.conj(jax.vmap(fn, in_axes=1, out_axes=1)(jnp.conj(r.T))).T
        return r
    return unitary


def _density_run(s0, segs, last_message, kraus, qubits: int):
    """``rho`` after the segments, every qubit of every message through ``kraus``."""
    rho = jnp.outer(s0, jnp.conj(s0))
    for i, fns in enumerate(segs):
        rho = _lift(fns)(rho)
        if i < len(segs) - 1 or last_message:
            for ops in kraus:
                for q in range(qubits):
                    rho = apply_kraus(rho, ops, [q])
    return rho


def _trajectory_run(key, s0, segs, last_message, kraus, qubits: int):
    """One pure-state trajectory of :func:`_density_run` (one Kraus branch drawn per step)."""
    n_msgs = len(segs) - 1 + int(last_message)
    keys = jax.random.split(key, max(1, n_msgs * qubits * max(1, len(kraus))))
    s, j = s0, 0
    for i, fns in enumerate(segs):
        for fn in fns:
            s = fn(s)
        if i < len(segs) - 1 or last_message:
            for ops in kraus:
                for q in range(qubits):
                    s = apply_channel_trajectory(keys[j], s, ops, q)
                    j += 1
    return s


def noisy_expectation(model: DistributedModel, params, x, noise: Noise | None = None):
    """``tr(O rho_out)`` with every message's qubits sent through ``noise`` (density path).

    Examples:
        >>> m = DistributedModel(2, 1)
        >>> p = init_params(jax.random.key(0), m)
        >>> x = jnp.array([1.0, 2.0, 3.0, 4.0])
        >>> bool(abs(noisy_expectation(m, p, x) - expectation(m, p, x)) < 1e-5)
        True
        >>> float(noisy_expectation(m, p, x, Noise(depolarizing=1.0)))   # fully mixed
        0.0
    """
    _check_x(model, x)
    noise = _check_noisy(model, noise)
    return _noisy_expectation(model, params, x, noise)


def _noisy_expectation(model, params, x, noise):
    segs, last_message = _segments(model, params, x)
    rho = _density_run(_encode(model, x), segs, last_message, _message_kraus(noise),
                       model.n_qubits)
    obs = jax.vmap(lambda col: _apply_observable(col, model.observable), in_axes=1,
                   out_axes=1)(rho)
    return jnp.real(jnp.trace(obs))


def noisy_expectation_trajectories(key, model: DistributedModel, params, x,
                                   noise: Noise | None = None, draws: int = 1024):
    """Mean of ``<psi| O |psi>`` over ``draws`` quantum trajectories (``vmap`` over keys): an
    unbiased estimate of :func:`noisy_expectation`, within O(1/sqrt(draws)).

    Examples:
        >>> m = DistributedModel(2, 1)
        >>> p = init_params(jax.random.key(0), m)
        >>> x = jnp.array([1.0, 2.0, 3.0, 4.0])
        >>> t = noisy_expectation_trajectories(jax.random.key(1), m, p, x, draws=8)
        >>> bool(abs(t - expectation(m, p, x)) < 1e-5)
        True
    """
    check_key(key)
    _check_x(model, x)
    noise = _check_noisy(model, noise)
    draws = check_int(draws, "draws", minimum=1)
    kraus = _message_kraus(noise)
    segs, last_message = _segments(model, params, x)
    s0 = _encode(model, x)

    def one(k):
        s = _trajectory_run(k, s0, segs, last_message, kraus, model.n_qubits)
        return jnp.vdot(s, _apply_observable(s, model.observable)).real

    return jnp.mean(jax.vmap(one)(jax.random.split(key, draws)))


# ---------------------------------------------------------------- inference


def inference_cost(model: DistributedModel, shots: int = 1, noise: Noise | None = None) -> Cost:
    """``shots`` parallel shots of the forward pass, counted from :func:`message_log`.

    With heralded erasure in ``noise`` a lost qubit destroys the register and the shot
    restarts: expected messages (and rounds) ``expected_messages_with_restarts(e, n, 2 L)``.

    Examples:
        >>> inference_cost(DistributedModel(10, 3), shots=100)
        Cost(qubits=6000, bits=0, ebits=0, rounds=6)
        >>> inference_cost(DistributedModel(1, 1), noise=Noise(erasure=0.5))
        Cost(qubits=6.0, bits=0, ebits=0, rounds=6.0)
    """
    shots = check_int(shots, "shots", minimum=1)
    msgs = len(message_log(_owners(model)))
    e = _noise_laws.as_noise(noise).erasure
    if e == 1:
        raise ValueError("noise.erasure must be < 1 (no shot would ever finish), got 1.0")
    if e:
        msgs = expected_messages_with_restarts(e, model.n_qubits, msgs)
    return shots * Cost(qubits=model.n_qubits * msgs, rounds=msgs)


def inference(model: DistributedModel, shots: int, noise: Noise | None = None):
    """Factory of the shot-sampled inference protocol ``fn(key, params, x) -> Outcome``.

    The answer is the mean of ``shots`` measured ``+-1`` values of ``O`` (an unbiased estimate of
    ``f(x)``, or with ``noise`` of the noisy output ``info["noisy"]``); ``info["exact"]`` is
    ``f(x)``. Cost: ``2 L`` messages of ``n`` qubits per shot (:func:`inference_cost`).

    Examples:
        >>> m = DistributedModel(4, 2)
        >>> p = init_params(jax.random.key(1), m)
        >>> out = inference(m, 400)(jax.random.key(2), p, jnp.arange(1.0, 17.0))
        >>> out.cost
        Cost(qubits=6400, bits=0, ebits=0, rounds=4)
        >>> bool(abs(out.answer - out.info["exact"]) < 0.3)
        True
    """
    shots = check_int(shots, "shots", minimum=1)
    cost = inference_cost(model, shots, noise)
    noise = _state_noise(noise)
    noisy = noise is not None
    if noisy:
        _check_noisy(model, noise)

    def fn(key, params, x):
        check_key(key)
        f = expectation(model, params, x)
        info = {"exact": f}
        g = f
        if noisy:
            g = info["noisy"] = noisy_expectation(model, params, x, noise)
        plus = jax.random.binomial(key, shots, jnp.clip((1 + g) / 2, 0.0, 1.0))
        return Outcome(2 * plus / shots - 1, cost, info)

    return fn


# ---------------------------------------------------------------- gradients


def mass_messages(model: DistributedModel, layer: int) -> int:
    """Messages per copy of the Hadamard test for ``w_layer`` (layers counted from 0).

    Forward to Bob's ``D(w_layer)``, then ``V`` (the rest of the circuit) to Alice who applies
    controlled-``O``, then ``V^dagger`` back to Bob, who measures: ``4 L - 2 (layer + 1) + 1``
    without re-uploading.
    """
    return len(message_log(_mass_owners(model, layer), end=BOB))


def _dummy_ops(model):
    zeros = {"alice": np.zeros((model.layers, model.n_qubits, 2)),
             "bob": np.zeros((model.layers, model.n_qubits, 2)),
             "w": np.zeros((model.layers, model.dim))}
    return forward_ops(model, zeros, np.ones(1))


def _owners(model) -> list[str]:
    """Owner of each op of the forward pass (what the message log is counted from)."""
    return [o for o, _, _ in _dummy_ops(model)]


def _mass_owners(model, layer):
    ops = _dummy_ops(model)
    cut = next(i for i, (_, name, _) in enumerate(ops) if name == f"D(w)[{layer}]")
    before, after = ops[: cut + 1], ops[cut + 1:]
    return [o for o, _, _ in before + after] + [ALICE] + [o for o, _, _ in reversed(after)]


def _after_ops(model, params, x, layer):
    ops = forward_ops(model, params, x)
    cut = next(i for i, (_, name, _) in enumerate(ops) if name == f"D(w)[{layer}]")
    return ops[: cut + 1], ops[cut + 1:]


def _inverse(model, name, params, x):
    """The inverse of the named forward op."""
    n = model.n_qubits
    kind, layer = name.split("[")
    layer = int(layer.rstrip("]"))
    if kind == "HEA(alpha)":
        return lambda s: _hea_dag(s, params["alice"][layer], n)
    if kind == "HEA(beta)":
        return lambda s: _hea_dag(s, params["bob"][layer], n)
    if kind == "D(w)":
        return lambda s: _phase(s, -params["w"][layer])
    if kind == "D(pi x)":
        xr = jnp.real(jnp.asarray(x))
        return lambda s: _phase(s, -jnp.pi * _pad(xr, s))
    raise AssertionError(name)


def mass_gradient_distribution(model: DistributedModel, params, x, layer: int,
                               noise: Noise | None = None):
    """Exact outcome distribution of the Hadamard test for ``w_layer``: shape ``(2, N)``.

    The register after ``D(w_layer)`` is ``a``; with ``V`` the rest of the circuit and ``O`` the
    observable, ``b = V^dagger O V a``. The test prepares ``(|0> a + |1> b) / sqrt 2`` (ancilla
    controls ``V^dagger O V``), measures the ancilla in the ``Y`` basis and the register in the
    computational basis: ``p[s, k] = |a_k - (-1)^s i b_k|^2 / 4`` for ``s = 0`` (``|+i>``) and
    ``s = 1`` (``|-i>``). Since ``df/dw_k = 2 Im(conj(a_k) b_k)``, the gradient is
    ``2 (p[0] - p[1])`` exactly.

    With ``noise`` (density path on ``n + 1`` qubits, ``n <= 8``): every one of the
    :func:`mass_messages` messages carries the register and the ancilla (as
    :func:`mass_gradient_cost` counts them), and each of its ``n + 1`` qubits goes through the
    transmission channels and one round of memory dephasing. The ancilla is prepared in ``|+>``
    by Alice at the start and travels with the register. ``2 (p[0] - p[1])`` is then **not** the
    gradient of the noisy expectation: every ancilla channel multiplies it by a constant
    (``1 - p`` per message for depolarising, ``1 - 2p`` for dephasing and memory,
    ``sqrt(1 - gamma)`` for damping), and at ``n = 1`` under depolarising alone it is exactly
    ``(1 - p)^(2 m)`` times the noiseless gradient (``m`` messages; derived in
    ``proofs/proof_qmodel.py``), against ``(1 - p)^(2 L)`` for the gradient of
    :func:`noisy_expectation`. :func:`mass_gradient_distribution_trajectories` samples the same
    distribution by trajectories.

    Examples:
        >>> m = DistributedModel(1, 1)
        >>> p = init_params(jax.random.key(0), m)
        >>> g = lambda q: 2 * (q[0] - q[1])
        >>> ideal = g(mass_gradient_distribution(m, p, jnp.ones(2), 0))
        >>> noisy = g(mass_gradient_distribution(m, p, jnp.ones(2), 0, Noise(depolarizing=0.1)))
        >>> mass_messages(m, 0), bool(jnp.allclose(noisy, 0.9 ** 6 * ideal, atol=1e-6))
        (3, True)
    """
    _check_x(model, x)
    layer = check_int(layer, "layer", minimum=0, maximum=model.layers - 1)
    noise = _state_noise(noise)
    if noise is None:
        return _mass_distribution(model, params, x, layer)
    _check_noisy(model, noise)
    return _noisy_mass_distribution(model, params, x, layer, noise)


def mass_gradient_distribution_trajectories(key, model: DistributedModel, params, x,
                                            layer: int, noise: Noise | None = None,
                                            draws: int = 1024):
    """Mean over ``draws`` quantum trajectories (``vmap`` over keys) of the Hadamard test's
    outcome distribution: an unbiased estimate of :func:`mass_gradient_distribution` with
    ``noise``; each entry is a mean of ``draws`` values in ``[0, 1]``.

    Examples:
        >>> m = DistributedModel(2, 1)
        >>> p = init_params(jax.random.key(0), m)
        >>> x = jnp.array([1.0, 2.0, 3.0, 4.0])
        >>> t = mass_gradient_distribution_trajectories(jax.random.key(1), m, p, x, 0, draws=4)
        >>> bool(jnp.allclose(t, mass_gradient_distribution(m, p, x, 0), atol=1e-5))
        True
    """
    check_key(key)
    _check_x(model, x)
    layer = check_int(layer, "layer", minimum=0, maximum=model.layers - 1)
    noise = _check_noisy(model, noise)
    draws = check_int(draws, "draws", minimum=1)
    segs, last_message, s0 = _mass_segments(model, params, x, layer)
    kraus = _message_kraus(noise)

    def one(k):
        s = _trajectory_run(k, s0, segs, last_message, kraus, model.n_qubits + 1)
        return (jnp.abs(s) ** 2).reshape(2, model.dim)

    return jnp.mean(jax.vmap(one)(jax.random.split(key, draws)), axis=0)


def _mass_segments(model, params, x, layer):
    """The Hadamard test on ``n + 1`` qubits (ancilla first) cut at its messages.

    Returns the op lists between messages, whether a message follows the last one, and the
    initial state ``|+> |x>``. The owners are those of :func:`mass_messages` (start at Alice,
    end at Bob, who measures), so the messages here are the ones the cost counts.
    """
    N = model.dim
    before, after = _after_ops(model, params, x, layer)
    both = lambda fn: lambda s: jax.vmap(fn)(s.reshape(2, N)).reshape(-1)  # noqa: E731

    def controlled_o(s):
        return jnp.concatenate([s[:N], _apply_observable(s[N:], model.observable)])

    def measure_basis(s):           # S^dagger then H on the ancilla: Y basis -> computational
        s0, s1 = s[:N], -1j * s[N:]
        return jnp.concatenate([s0 + s1, s0 - s1]) / np.sqrt(2)

    ops = ([(o, both(fn)) for o, _, fn in before + after] + [(ALICE, controlled_o)]
           + [(o, both(_inverse(model, name, params, x))) for o, name, _ in reversed(after)]
           + [(BOB, measure_basis)])
    segs, tail = _cut_at_messages(ops, BOB)
    a = _encode(model, x)
    s0 = jnp.concatenate([a, a]) / np.sqrt(2)
    return segs, tail, s0


@functools.partial(jax.jit, static_argnums=(0, 3, 4))
def _noisy_mass_distribution(model, params, x, layer, noise):
    segs, last_message, s0 = _mass_segments(model, params, x, layer)
    rho = _density_run(s0, segs, last_message, _message_kraus(noise), model.n_qubits + 1)
    return jnp.clip(jnp.real(jnp.diagonal(rho)), 0.0, 1.0).reshape(2, model.dim)


@functools.partial(jax.jit, static_argnums=(0, 3))
def _mass_distribution(model, params, x, layer):
    before, after = _after_ops(model, params, x, layer)
    a = _encode(model, x)
    for _, _, fn in before:
        a = fn(a)
    b = a
    for _, _, fn in after:
        b = fn(b)
    b = _apply_observable(b, model.observable)
    for _, name, _ in reversed(after):
        b = _inverse(model, name, params, x)(b)
    plus = jnp.abs(a - 1j * b) ** 2 / 4
    minus = jnp.abs(a + 1j * b) ** 2 / 4
    return jnp.stack([plus, minus])


def sample_outcomes(key, probs, count: int):
    """``count`` i.i.d. indices from ``probs`` by inverse CDF (O(len + count log len) memory)."""
    cdf = jnp.cumsum(probs)
    u = jax.random.uniform(key, (count,), cdf.dtype) * cdf[-1]
    return jnp.minimum(jnp.searchsorted(cdf, u, side="right"), probs.shape[0] - 1)


def mass_gradient_from_samples(idx, dim: int):
    """The estimate ``(2 / T) sum_t (-1)^{s_t} [k_t = k]`` from outcome indices ``s N + k``."""
    sign = jnp.where(idx < dim, 1.0, -1.0)
    return 2 * jax.ops.segment_sum(sign, idx % dim, num_segments=dim) / idx.shape[0]


def mass_gradient_cost(model: DistributedModel, copies: int, layers=None,
                       noise: Noise | None = None) -> Cost:
    """``copies`` parallel copies of the Hadamard test for each layer in ``layers``.

    Each message carries ``n + 1`` qubits (register and ancilla). Different layers run in
    parallel (communication adds, rounds are the longest). With heralded erasure in ``noise``
    a lost qubit destroys the copy, which restarts: ``expected_messages_with_restarts(e, n + 1,
    m)`` messages (and rounds) per copy of an ``m``-message test.

    Examples:
        >>> mass_gradient_cost(DistributedModel(1, 1), 1)
        Cost(qubits=6, bits=0, ebits=0, rounds=3)
        >>> mass_gradient_cost(DistributedModel(1, 1), 1, noise=Noise(erasure=0.5))
        Cost(qubits=168.0, bits=0, ebits=0, rounds=84.0)
    """
    copies = check_int(copies, "copies", minimum=1)
    layers = range(model.layers) if layers is None else layers
    e = _noise_laws.as_noise(noise).erasure
    if e == 1:
        raise ValueError("noise.erasure must be < 1 (no copy would ever finish), got 1.0")
    q = model.n_qubits + 1

    def msgs(layer):
        m = mass_messages(model, layer)
        return expected_messages_with_restarts(e, q, m) if e else m

    return Cost.parallel(*(copies * Cost(qubits=q * msgs(l), rounds=msgs(l)) for l in layers))


def mass_gradient(model: DistributedModel, copies: int, layer: int,
                  noise: Noise | None = None):
    """Factory of the copy-reusing gradient estimator for all ``N`` phases ``w_layer``.

    ``fn(key, params, x) -> Outcome`` whose answer estimates ``df/dw_layer`` (length ``N``) from
    ``copies`` samples ``(s, k)`` of :func:`mass_gradient_distribution`:
    ``g_hat_k = (2 / copies) * sum_t (-1)^{s_t} [k_t = k]``. Unbiased; every coordinate is a
    mean of ``copies`` terms in ``[-2, 2]``, so Hoeffding and a union bound over the ``N``
    coordinates give ``max_k |g_hat_k - g_k| <= eps`` with probability ``>= 1 - delta`` from
    ``8 ln(2 N / delta) / eps^2`` copies (``qmodel.mass_copies``): logarithmic in the number of
    parameters. ``info["exact"]`` is the exact gradient.

    With ``noise`` the copies are drawn from the noisy distribution
    (:func:`mass_gradient_distribution` with ``noise``); the estimate is then unbiased for
    ``info["noisy"] = 2 (p[0] - p[1])`` of that distribution, which is biased towards 0 (see
    there), and the cost counts erasure restarts (:func:`mass_gradient_cost`).

    Examples:
        >>> m = DistributedModel(3, 2)
        >>> p = init_params(jax.random.key(0), m)
        >>> x = jnp.arange(1.0, 9.0)
        >>> out = mass_gradient(m, 20000, 0)(jax.random.key(1), p, x)
        >>> out.cost
        Cost(qubits=560000, bits=0, ebits=0, rounds=7)
        >>> bool(jnp.max(jnp.abs(out.answer - out.info["exact"])) < 0.06)
        True
    """
    copies = check_int(copies, "copies", minimum=1)
    layer = check_int(layer, "layer", minimum=0, maximum=model.layers - 1)
    cost = mass_gradient_cost(model, copies, [layer], noise)
    noise = _state_noise(noise)
    if noise is not None:
        _check_noisy(model, noise)
    N = model.dim

    def fn(key, params, x):
        check_key(key)
        p = mass_gradient_distribution(model, params, x, layer)
        exact = 2 * (p[0] - p[1])
        info = {"exact": exact}
        if noise is not None:
            p = mass_gradient_distribution(model, params, x, layer, noise)
            info["noisy"] = 2 * (p[0] - p[1])
        idx = sample_outcomes(key, p.reshape(-1), copies)
        g = mass_gradient_from_samples(idx, N)
        return Outcome(g, cost, info)

    return fn


_SELECT = {"all": ("alice", "bob", "w"), "w": ("w",), "angles": ("alice", "bob")}


def _n_selected(model, select):
    return {"all": num_params(model), "w": model.layers * model.dim,
            "angles": 4 * model.layers * model.n_qubits}[select]


def _shift_values(model, params, x, select, noise=None):
    flat, unravel = ravel_pytree(params)
    mask = np.concatenate([np.full(np.size(params[k]), k in _SELECT[select])
                           for k in sorted(params)])   # ravel_pytree orders dict keys sorted
    where = jnp.asarray(np.flatnonzero(mask), jnp.int32)
    if noise is None:
        f_plus, f_minus = _shift_kernel(model, params, x, where)
    else:
        f_plus, f_minus = _noisy_shift_kernel(model, params, x, where, noise)
    return f_plus, f_minus, where, unravel, flat


@functools.partial(jax.jit, static_argnums=0)
def _shift_kernel(model, params, x, where):
    return _shift_map(lambda p: _expectation(model, p, x), params, where, model.dim)


@functools.partial(jax.jit, static_argnums=(0, 4))
def _noisy_shift_kernel(model, params, x, where, noise):
    return _shift_map(lambda p: _noisy_expectation(model, p, x, noise), params, where,
                      model.dim**2)


def _shift_map(expect, params, where, size):
    flat, unravel = ravel_pytree(params)
    f = lambda v: expect(unravel(v))  # noqa: E731
    batch = max(1, min(where.shape[0], 2**22 // size))

    def pm(j):
        e = jnp.pi / 2 * jax.nn.one_hot(j, flat.shape[0], dtype=flat.dtype)
        return jnp.stack([f(flat + e), f(flat - e)])

    vals = jax.lax.map(pm, where, batch_size=batch)
    return vals[:, 0], vals[:, 1]


def shift_values(model: DistributedModel, params, x, select: str = "all",
                 noise: Noise | None = None):
    """Exact ``(f(theta + pi/2 e_j), f(theta - pi/2 e_j))`` for the selected ``j`` (what the
    parameter-shift estimator samples from), in the order of ``ravel_pytree(params)``; with
    ``noise`` the shifted circuits' :func:`noisy_expectation` (density path, ``n <= 8``)."""
    if select not in _SELECT:
        raise ValueError(f"select must be one of {tuple(_SELECT)}, got {select!r}")
    _check_x(model, x)
    noise = _state_noise(noise)
    if noise is not None:
        _check_noisy(model, noise)
    f_plus, f_minus, *_ = _shift_values(model, params, x, select, noise)
    return f_plus, f_minus


def paramshift_cost(model: DistributedModel, shots: int, n_params: int | None = None,
                    noise: Noise | None = None) -> Cost:
    """Cost of the parameter-shift estimator: ``2 P`` circuits of ``shots`` shots each (each
    shot restarts after a heralded erasure, as in :func:`inference_cost`).

    Examples:
        >>> paramshift_cost(DistributedModel(1, 1), 1, n_params=1)
        Cost(qubits=4, bits=0, ebits=0, rounds=2)
        >>> paramshift_cost(DistributedModel(1, 1), 1, n_params=1, noise=Noise(erasure=0.5))
        Cost(qubits=12.0, bits=0, ebits=0, rounds=6.0)
    """
    shots = check_int(shots, "shots", minimum=1)
    P = num_params(model) if n_params is None else check_int(n_params, "n_params", minimum=1)
    return (2 * P) * inference_cost(model, shots, noise)


def paramshift_gradient(model: DistributedModel, shots: int, select: str = "all",
                        noise: Noise | None = None):
    """Factory of the parameter-shift estimator ``fn(key, params, x) -> Outcome``.

    Every parameter ``theta_j`` (each rotation angle, each phase ``w_{l,k}``; their generators
    have two eigenvalues ``1/2`` apart, up to a shift) obeys
    ``df/dtheta_j = (f(theta + pi/2 e_j) - f(theta - pi/2 e_j)) / 2``, exactly. Each of the
    ``2 P`` shifted circuits gets ``shots`` shots (no copy is reused); Hoeffding and a union bound
    need ``shots = 2 ln(2P / delta) / eps^2``, i.e. ``4 P ln(2P/delta) / eps^2`` copies in all
    (``qmodel.paramshift_copies``).

    Args:
        model: the model.
        shots: shots per shifted circuit.
        select: ``"all"`` parameters, ``"w"`` (Bob's phases only, ``P = L N``) or ``"angles"``
            (the HEA angles of both parties, ``P = 4 L n``).
        noise: per-message noise (:class:`ccq.noise.Noise`); each shifted circuit's shots are
            drawn from its :func:`noisy_expectation` (density path, ``n <= 8``), and the cost
            counts erasure restarts (:func:`paramshift_cost`).

    The answer is a params-shaped pytree (zeros outside ``select``); ``info["exact"]`` holds the
    exact shift-rule gradient (equal to autodiff). Under ``noise`` the channels do not depend on
    the parameters, so the noisy expectation is still ``a + b cos theta_j + c sin theta_j`` in
    each ``theta_j`` and the same rule gives the gradient of the **noisy** expectation exactly,
    ``info["noisy"]`` (what the estimate is unbiased for): not the noiseless gradient. At
    ``n = 1`` under depolarising alone it is ``(1 - p)^(2 L)`` times the noiseless gradient.

    Examples:
        >>> m = DistributedModel(1, 1)
        >>> p = init_params(jax.random.key(0), m)
        >>> out = paramshift_gradient(m, 10, "w", Noise(depolarizing=0.1))(
        ...     jax.random.key(1), p, jnp.ones(2))
        >>> bool(jnp.allclose(out.info["noisy"]["w"], 0.9 ** 2 * out.info["exact"]["w"],
        ...                   atol=1e-6))
        True
    """
    shots = check_int(shots, "shots", minimum=1)
    if select not in _SELECT:
        raise ValueError(f"select must be one of {tuple(_SELECT)}, got {select!r}")
    n_sel = _n_selected(model, select)
    cost = paramshift_cost(model, shots, n_sel, noise)
    noise = _state_noise(noise)
    if noise is not None:
        _check_noisy(model, noise)

    def fn(key, params, x):
        check_key(key)
        f_plus, f_minus, where, unravel, flat = _shift_values(model, params, x, select)
        exact = jnp.zeros_like(flat).at[where].set((f_plus - f_minus) / 2)
        info = {"exact": unravel(exact)}
        if noise is not None:
            f_plus, f_minus, *_ = _shift_values(model, params, x, select, noise)
            noisy = jnp.zeros_like(flat).at[where].set((f_plus - f_minus) / 2)
            info["noisy"] = unravel(noisy)
            f_plus, f_minus = jnp.clip(f_plus, -1.0, 1.0), jnp.clip(f_minus, -1.0, 1.0)
        kp, km = jax.random.split(key)
        est_plus = 2 * jax.random.binomial(kp, shots, (1 + f_plus) / 2) / shots - 1
        est_minus = 2 * jax.random.binomial(km, shots, (1 + f_minus) / 2) / shots - 1
        g = jnp.zeros_like(flat).at[where].set((est_plus - est_minus) / 2)
        return Outcome(unravel(g), cost, info)

    return fn


def ship_data(model: DistributedModel, bits_per_entry: int = 32):
    """Classical baseline ``fn(key, params, x) -> Outcome``: Alice ships ``x``, Bob evaluates.

    One-way, deterministic: ``x`` is sent as ``N`` fixed-point numbers of ``bits_per_entry`` bits
    (scaled by ``max |x_k|``, which is sent as one more 32-bit float); Bob computes ``f`` of the
    received vector exactly (a ``2^n``-dimensional classical simulation). Cost ``N b + 32`` bits.

    Examples:
        >>> m = DistributedModel(4, 1)
        >>> out = ship_data(m, 16)(jax.random.key(0), init_params(jax.random.key(1), m),
        ...                        jnp.arange(1.0, 17.0))
        >>> out.cost, bool(abs(out.answer - out.info["exact"]) < 1e-3)
        (Cost(qubits=0, bits=288, ebits=0, rounds=1), True)
    """
    b = check_int(bits_per_entry, "bits_per_entry", minimum=2, maximum=52)
    cost = Cost(bits=model.dim * b + 32, rounds=1)

    def fn(key, params, x):
        check_key(key)
        x = jnp.asarray(x)
        scale = jnp.max(jnp.abs(x))
        levels = 2 ** (b - 1) - 1
        received = jnp.round(x / scale * levels) / levels * scale
        return Outcome(_expectation(model, params, received), cost,
                       {"exact": _expectation(model, params, x)})

    return fn


def classical_data_bits(model: DistributedModel, bits_per_entry: int = 32) -> int:
    """Alice ships ``x``: ``N b`` bits (one message)."""
    return model.dim * bits_per_entry


def classical_model_bits(model: DistributedModel, bits_per_entry: int = 32) -> int:
    """Bob ships his model (``w`` and ``beta``): ``L (N + 2 n) b`` bits (one message)."""
    return model.layers * (model.dim + 2 * model.n_qubits) * bits_per_entry
