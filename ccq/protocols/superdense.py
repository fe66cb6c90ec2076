"""Superdense coding over a (possibly noisy) pre-shared Bell pair, and the channel it induces.

Protocol [textbook, Bennett-Wiesner 1992; used by arXiv 2606.20344]: sender A and receiver B
share ``|Phi+> = (|00> + |11>)/sqrt 2`` (qubit 0 is A's half, qubit 1 is B's). To send the
symbol ``s = 2 b1 + b2`` A applies ``Z^b1 X^b2`` to its qubit (00 -> I, 01 -> X, 10 -> Z,
11 -> ZX) and sends it; B applies CNOT(sent -> own), then H(sent), and measures both qubits,
reading ``b1`` from the sent qubit and ``b2`` from its own. One qubit crosses the channel and
one ebit is consumed per two classical bits.

Noise: the pair is the Werner state of fidelity F (:func:`ccq.sim.werner_state`), optionally
followed by single-qubit depolarising noise of probability ``p`` on the sent qubit. Both are
Pauli channels, so the decoded symbol is ``s XOR e`` with an error symbol ``e`` independent of
``s``: the channel matrix is ``P[s, s XOR e] = q_e`` with ``q_0 = F_eff`` and
``q_1 = q_2 = q_3 = (1 - F_eff)/3``, ``F_eff = F (1 - 3p/4) + (1 - F) p/4``.
:func:`superdense_channel` computes the matrix from the density-matrix simulation of the
circuit; :func:`channel_closed_form` is the formula; tests check they agree.

Common noise (``noise=`` a :class:`ccq.noise.Noise`, every function below): the transmission
channels act on the sent qubit, memory dephasing on each half for the round it waits, after the
Werner and legacy ``depolarizing`` noise. The decoded symbol is still ``s XOR e`` with ``e``
independent of ``s`` (amplitude damping included, see :mod:`._noise_laws`), now with a general
law ``q`` (:func:`symbol_error_distribution`); :func:`superdense_channel` (density matrix) and
:func:`superdense_trajectory_channel` (``vmap`` over noise draws) simulate the circuit.
Heralded erasure of the sent qubit destroys the ebit too: the sender resends on a fresh pair,
so the cost counts ``1 / (1 - erasure)`` qubits and ebits per symbol and the expected rounds
until every symbol has arrived; :func:`bits_per_qubit` is the information per qubit sent.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np

from .._core import (
    Cost,
    Outcome,
    check_array,
    check_in_interval,
    check_int,
    check_key,
    check_probability,
    check_values_in,
    is_concrete,
)
from ..noise import Noise, expected_sends
from ..sim import (
    CNOT,
    I2,
    H,
    X,
    Z,
    apply_gate,
    apply_kraus,
    apply_unitary_dm,
    bell_state,
    dephasing_kraus,
    depolarizing_kraus,
    trajectory_density,
    werner_state,
)
from . import _noise_laws

__all__ = [
    "ENCODING",
    "encode_gate",
    "superdense_statevector",
    "superdense_density",
    "superdense_channel",
    "superdense_trajectory_channel",
    "bits_per_qubit",
    "superdense_cost",
    "channel_closed_form",
    "effective_fidelity",
    "symbol_error_distribution",
    "mutual_information",
    "transmit_symbols",
    "error_symbols",
    "error_symbols_from_law",
    "bits_to_symbols",
    "symbols_to_bits",
    "superdense",
]

#: Pauli applied by the sender for symbol s = 2*b1 + b2 (00 -> I, 01 -> X, 10 -> Z, 11 -> ZX).
ENCODING = (I2, X, Z, Z @ X)


def encode_gate(symbol: int) -> np.ndarray:
    """The sender's single-qubit unitary for ``symbol`` in {0, 1, 2, 3}.

    Examples:
        >>> encode_gate(3).real.astype(int).tolist()
        [[0, 1], [-1, 0]]
    """
    symbol = check_int(symbol, "symbol", minimum=0, maximum=3)
    return ENCODING[symbol]


def _decode_rho(rho):
    rho = apply_unitary_dm(rho, CNOT, [0, 1])
    return apply_unitary_dm(rho, H, [0])


def superdense_statevector(symbol: int):
    """Output state of the noise-free circuit for ``symbol``: the basis state ``|b1 b2>``.

    Examples:
        >>> from ccq.sim import probabilities
        >>> [int(jnp.argmax(probabilities(superdense_statevector(s)))) for s in range(4)]
        [0, 1, 2, 3]
    """
    state = apply_gate(bell_state(), encode_gate(symbol), [0])
    state = apply_gate(state, CNOT, [0, 1])
    return apply_gate(state, H, [0])


def effective_fidelity(fidelity: float, depolarizing: float = 0.0) -> float:
    """Fidelity with ``|Phi+>`` after depolarising (probability p) the sent half of a Werner pair.

    Examples:
        >>> effective_fidelity(1.0, 1.0)
        0.25
    """
    f = check_in_interval(fidelity, "fidelity", 0, 1, closed="both")
    p = check_in_interval(depolarizing, "depolarizing", 0, 1, closed="both")
    return _effective_fidelity(f, p)


def _effective_fidelity(f, p):
    """The formula of :func:`effective_fidelity`, unchecked (works on traced values too)."""
    return f * (1 - 3 * p / 4) + (1 - f) * p / 4


def superdense_density(symbol: int, fidelity: float, depolarizing: float = 0.0,
                       noise: Noise | None = None):
    """Density matrix after decoding ``symbol`` sent over a Werner pair of fidelity F.

    The depolarising channel (probability ``depolarizing``) acts on the sent qubit in transit,
    then ``noise``'s transmission channels; both halves dephase for the one round they wait.
    """
    check_in_interval(fidelity, "fidelity", 0, 1, closed="both")
    check_in_interval(depolarizing, "depolarizing", 0, 1, closed="both")
    noise = _noise_laws.as_noise(noise)
    rho = werner_state(fidelity)
    if noise.memory:
        rho = apply_kraus(apply_kraus(rho, dephasing_kraus(noise.memory), [0]),
                          dephasing_kraus(noise.memory), [1])
    rho = apply_unitary_dm(rho, encode_gate(symbol), [0])
    if depolarizing > 0:
        rho = apply_kraus(rho, depolarizing_kraus(depolarizing), [0])
    for kraus in noise.transmission_kraus():
        rho = apply_kraus(rho, kraus, [0])
    return _decode_rho(rho)


def superdense_channel(fidelity: float = 1.0, depolarizing: float = 0.0,
                       noise: Noise | None = None) -> np.ndarray:
    """The 4x4 matrix ``P[sent, decoded]`` from the density-matrix simulation of the circuit.

    Args:
        fidelity: Werner fidelity F of the shared pair, in [0, 1].
        depolarizing: depolarising probability on the sent qubit, in [0, 1].
        noise: common noise (transmission channels on the sent qubit, memory on both halves).

    Returns:
        float64 numpy array; row ``s`` is the distribution of the decoded symbol.

    Examples:
        >>> superdense_channel(0.7).round(4).tolist()[0]
        [0.7, 0.1, 0.1, 0.1]
    """
    rows = [np.real(np.diag(np.asarray(superdense_density(s, fidelity, depolarizing, noise))))
            for s in range(4)]
    m = np.clip(np.array(rows, dtype=np.float64), 0.0, None)
    return m / m.sum(axis=1, keepdims=True)


def _werner_kraus(f):
    w = math.sqrt(max(0.0, (1 - f) / 3))
    return [math.sqrt(f) * I2, w * X, w * Z, w * (Z @ X)]


def superdense_trajectory_channel(key, fidelity: float = 1.0, depolarizing: float = 0.0,
                                  noise: Noise | None = None, draws: int = 4096) -> np.ndarray:
    """``P[sent, decoded]`` from ``draws`` quantum trajectories of the circuit per symbol.

    The Werner pair is a Bell pair after a random Pauli on the sender's half (I w.p. F, X, Z,
    ZX w.p. (1-F)/3 each), so every noise step is a Kraus set on a pure two-qubit state; the
    draws run under ``vmap`` (:func:`ccq.sim.trajectory_density`). Each row deviates from
    :func:`superdense_channel` by O(1/sqrt(draws)).

    Examples:
        >>> m = superdense_trajectory_channel(jax.random.key(0), 1.0, draws=16)
        >>> m.round(6).tolist()[1]
        [0.0, 1.0, 0.0, 0.0]
    """
    check_key(key)
    f = check_in_interval(fidelity, "fidelity", 0, 1, closed="both")
    p = check_in_interval(depolarizing, "depolarizing", 0, 1, closed="both")
    noise = _noise_laws.as_noise(noise)
    rows = []
    for s, k in zip(range(4), jax.random.split(key, 4), strict=True):
        steps = [(_werner_kraus(f), 0)]
        if noise.memory:
            steps += [(dephasing_kraus(noise.memory), 0), (dephasing_kraus(noise.memory), 1)]
        steps.append(([encode_gate(s)], [0]))
        if p:
            steps.append((depolarizing_kraus(p), 0))
        steps += [(kraus, 0) for kraus in noise.transmission_kraus()]
        steps += [([CNOT], [0, 1]), ([H], [0])]
        rho = trajectory_density(k, bell_state(), steps, draws)
        rows.append(np.real(np.diag(np.asarray(rho))))
    m = np.clip(np.array(rows, dtype=np.float64), 0.0, None)
    return m / m.sum(axis=1, keepdims=True)


def symbol_error_distribution(fidelity: float, depolarizing: float = 0.0,
                              noise: Noise | None = None) -> np.ndarray:
    """``(q_0, q_1, q_2, q_3)``: the probability that the decoded symbol is ``sent XOR e``.

    Examples:
        >>> symbol_error_distribution(1.0, noise=Noise(amplitude_damping=0.36)).tolist()
        [0.81, 0.09, 0.01, 0.09]
    """
    if noise is None or _noise_laws.as_noise(noise).ideal:
        f = effective_fidelity(fidelity, depolarizing)
        return np.array([f, (1 - f) / 3, (1 - f) / 3, (1 - f) / 3])
    check_in_interval(fidelity, "fidelity", 0, 1, closed="both")
    check_in_interval(depolarizing, "depolarizing", 0, 1, closed="both")
    return _noise_laws.superdense_error_law(noise, fidelity, depolarizing)


def channel_closed_form(fidelity: float, depolarizing: float = 0.0,
                        noise: Noise | None = None) -> np.ndarray:
    """``P[s, s XOR e] = q_e`` (without ``noise``: ``q_0 = F_eff``, ``q_{1,2,3} = (1-F_eff)/3``).

    Examples:
        >>> np.allclose(channel_closed_form(0.9), superdense_channel(0.9), atol=1e-6)
        True
    """
    q = symbol_error_distribution(fidelity, depolarizing, noise)
    s = np.arange(4)
    return q[s[:, None] ^ s[None, :]]


def bits_per_qubit(fidelity: float = 1.0, depolarizing: float = 0.0,
                   noise: Noise | None = None) -> float:
    """Information per qubit sent: ``(1 - erasure) I(S; decoded)`` (a lost qubit carries
    nothing and is resent). A noiseless classical link carries 1 bit per channel use.

    Examples:
        >>> bits_per_qubit(noise=Noise(erasure=0.5))
        1.0
    """
    e = _noise_laws.as_noise(noise).erasure
    return (1 - e) * mutual_information(channel_closed_form(fidelity, depolarizing, noise))


def superdense_cost(symbols: int, noise: Noise | None = None) -> Cost:
    """Cost of sending ``symbols`` 2-bit symbols: one qubit and one ebit each, resent (on a
    fresh pair) after heralded loss; rounds are the expected rounds until all have arrived.

    Examples:
        >>> superdense_cost(3)
        Cost(qubits=3, bits=0, ebits=3, rounds=1)
        >>> superdense_cost(1, Noise(erasure=0.5))
        Cost(qubits=2.0, bits=0, ebits=2.0, rounds=2.0)
    """
    q = check_int(symbols, "symbols", minimum=0)
    e = _noise_laws.as_noise(noise).erasure
    if e == 0:
        return Cost(qubits=q, ebits=q, rounds=1 if q else 0)
    if e == 1:
        raise ValueError("noise.erasure must be < 1 (every qubit is lost), got 1.0")
    sends = q * expected_sends(e, 1)
    return Cost(qubits=sends, ebits=sends,
                rounds=_noise_laws.expected_rounds_with_resends(e, q))


def mutual_information(channel) -> float:
    """``I(S; decoded)`` in bits for a uniformly distributed symbol (bits per qubit sent).

    Examples:
        >>> round(mutual_information(np.eye(4)), 6)
        2.0
    """
    m = np.asarray(check_array(channel, "channel", ndim=2), dtype=np.float64)
    if m.shape != (4, 4) or np.any(m < 0) or not np.allclose(m.sum(axis=1), 1, atol=1e-6):
        raise ValueError(f"channel must be a 4 x 4 row-stochastic matrix P(decoded | sent), "
                         f"got shape {m.shape} with row sums {np.round(m.sum(axis=-1), 6)}")
    joint = m / 4
    out = joint.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(joint > 0, joint * np.log2(joint / (0.25 * out[None, :])), 0.0)
    return float(terms.sum())


# ------------------------------------------------------------------ sampling the channel


def bits_to_symbols(bits):
    """Pack a bit array with an even last axis into symbols ``2 b[2k] + b[2k+1]`` (uint8).

    Examples:
        >>> bits_to_symbols(jnp.array([1, 0, 1, 1, 0, 1])).tolist()
        [2, 3, 1]
    """
    bits = jnp.asarray(bits, jnp.uint8)
    if bits.shape[-1] % 2:
        raise ValueError(f"the last axis must hold an even number of bits, got {bits.shape}")
    pairs = bits.reshape(*bits.shape[:-1], -1, 2)
    return (pairs[..., 0] << 1) | pairs[..., 1]


def symbols_to_bits(symbols):
    """Inverse of :func:`bits_to_symbols`.

    Examples:
        >>> symbols_to_bits(jnp.array([2, 3, 1], jnp.uint8)).tolist()
        [1, 0, 1, 1, 0, 1]
    """
    s = jnp.asarray(symbols, jnp.uint8)
    return jnp.stack([(s >> 1) & 1, s & 1], axis=-1).reshape(*s.shape[:-1], -1)


def transmit_symbols(key, symbols, fidelity: float, depolarizing: float = 0.0,
                     noise: Noise | None = None):
    """Send each symbol through its own noisy superdense link (independent pairs).

    With a non-ideal ``noise`` the error symbols are drawn from the exact law
    :func:`symbol_error_distribution` (``fidelity`` and ``depolarizing`` must then be numbers).

    Samples the error symbol ``e`` from :func:`symbol_error_distribution` and returns
    ``symbols XOR e``; with effective fidelity 1 the symbols come back unchanged and no
    randomness is drawn. ``fidelity`` may be traced (then it is not checked).

    Examples:
        >>> s = jnp.arange(4, dtype=jnp.uint8)
        >>> transmit_symbols(jax.random.key(0), s, 1.0).tolist()
        [0, 1, 2, 3]
    """
    check_key(key)
    check_values_in(symbols, "symbols", 0, 3, "be 2-bit symbols in {0, 1, 2, 3}")
    if is_concrete(symbols) and not np.all(np.asarray(symbols) == np.round(np.asarray(symbols))):
        raise ValueError("symbols must be integers in {0, 1, 2, 3}")
    check_probability(fidelity, "fidelity")
    check_probability(depolarizing, "depolarizing")
    symbols = jnp.asarray(symbols, jnp.uint8)
    if noise is not None and not _noise_laws.as_noise(noise).ideal:
        law = symbol_error_distribution(float(fidelity), float(depolarizing), noise)
        return symbols ^ error_symbols_from_law(key, symbols.shape, law)
    if isinstance(fidelity, int | float) and isinstance(depolarizing, int | float):
        f = effective_fidelity(fidelity, depolarizing)
        if f == 1.0:
            return symbols
    else:
        f = _effective_fidelity(fidelity, depolarizing)
    return symbols ^ error_symbols(key, symbols.shape, f)


def error_symbols(key, shape, fidelity):
    """Error symbols ``e`` of the Werner channel: 0 with probability F, else uniform on {1,2,3}.

    One uniform draw per symbol: ``u < F`` -> 0, otherwise ``1 + floor(3 (u - F) / (1 - F))``
    (uniform on {1, 2, 3} given ``u >= F``).

    Examples:
        >>> error_symbols(jax.random.key(0), (5,), 1.0).tolist()
        [0, 0, 0, 0, 0]
    """
    u = jax.random.uniform(key, shape)
    which = 1 + jnp.floor(3 * (u - fidelity) / jnp.maximum(1 - fidelity, 1e-30))
    return jnp.where(u < fidelity, 0, jnp.clip(which, 1, 3)).astype(jnp.uint8)


def error_symbols_from_law(key, shape, law):
    """Error symbols drawn from a general law ``(q_0, q_1, q_2, q_3)``, one uniform each.

    Examples:
        >>> error_symbols_from_law(jax.random.key(0), (4,), [0.0, 0.0, 1.0, 0.0]).tolist()
        [2, 2, 2, 2]
    """
    cdf = jnp.cumsum(jnp.asarray(law, jnp.float32))
    u = jax.random.uniform(key, shape) * cdf[-1]
    idx = jnp.minimum(jnp.searchsorted(cdf, u.reshape(-1), side="right"), 3)
    return idx.reshape(shape).astype(jnp.uint8)


def superdense(fidelity: float = 1.0, depolarizing: float = 0.0, noise: Noise | None = None):
    """Factory: ``fn(key, bits) -> Outcome`` sending a bit array over superdense links.

    The bits (any shape, even total size after padding one zero if odd) travel two per qubit;
    the cost is static: ``ceil(n/2)`` qubits and ebits in one round (with heralded erasure in
    ``noise``: the expected resends and rounds, :func:`superdense_cost`).

    Examples:
        >>> send = superdense(1.0)
        >>> out = send(jax.random.key(0), jnp.array([1, 0, 1, 1, 0]))
        >>> out.answer.tolist(), out.cost
        ([1, 0, 1, 1, 0], Cost(qubits=3, bits=0, ebits=3, rounds=1))
    """
    check_in_interval(fidelity, "fidelity", 0, 1, closed="both")
    check_in_interval(depolarizing, "depolarizing", 0, 1, closed="both")
    noise = _noise_laws.as_noise(noise)
    if noise.erasure == 1:
        raise ValueError("noise.erasure must be < 1 (every qubit is lost), got 1.0")

    def fn(key, bits):
        check_key(key)
        bits = jnp.asarray(bits)
        if bits.size and _has_non_bits(bits):
            raise ValueError("bits must hold only 0 and 1")
        flat = bits.reshape(-1).astype(jnp.uint8)
        n = flat.shape[0]
        padded = jnp.pad(flat, (0, n % 2))
        sent = bits_to_symbols(padded)
        got = transmit_symbols(key, sent, fidelity, depolarizing, noise)
        out = symbols_to_bits(got)[:n].reshape(bits.shape).astype(bits.dtype)
        return Outcome(out, superdense_cost(math.ceil(n / 2), noise),
                       {"symbol_errors": jnp.sum(got != sent)})

    return fn


def _has_non_bits(bits) -> bool:
    return is_concrete(bits) and bool(np.any((np.asarray(bits) != 0) & (np.asarray(bits) != 1)))
