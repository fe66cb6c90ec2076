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
    depolarizing_kraus,
    werner_state,
)

__all__ = [
    "ENCODING",
    "encode_gate",
    "superdense_statevector",
    "superdense_density",
    "superdense_channel",
    "channel_closed_form",
    "effective_fidelity",
    "symbol_error_distribution",
    "mutual_information",
    "transmit_symbols",
    "error_symbols",
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


def superdense_density(symbol: int, fidelity: float, depolarizing: float = 0.0):
    """Density matrix after decoding ``symbol`` sent over a Werner pair of fidelity F.

    The depolarising channel (probability ``depolarizing``) acts on the sent qubit in transit.
    """
    check_in_interval(fidelity, "fidelity", 0, 1, closed="both")
    check_in_interval(depolarizing, "depolarizing", 0, 1, closed="both")
    rho = apply_unitary_dm(werner_state(fidelity), encode_gate(symbol), [0])
    if depolarizing > 0:
        rho = apply_kraus(rho, depolarizing_kraus(depolarizing), [0])
    return _decode_rho(rho)


def superdense_channel(fidelity: float = 1.0, depolarizing: float = 0.0) -> np.ndarray:
    """The 4x4 matrix ``P[sent, decoded]`` from the density-matrix simulation of the circuit.

    Args:
        fidelity: Werner fidelity F of the shared pair, in [0, 1].
        depolarizing: depolarising probability on the sent qubit, in [0, 1].

    Returns:
        float64 numpy array; row ``s`` is the distribution of the decoded symbol.

    Examples:
        >>> superdense_channel(0.7).round(4).tolist()[0]
        [0.7, 0.1, 0.1, 0.1]
    """
    rows = [np.real(np.diag(np.asarray(superdense_density(s, fidelity, depolarizing))))
            for s in range(4)]
    m = np.clip(np.array(rows, dtype=np.float64), 0.0, None)
    return m / m.sum(axis=1, keepdims=True)


def symbol_error_distribution(fidelity: float, depolarizing: float = 0.0) -> np.ndarray:
    """``(q_0, q_1, q_2, q_3)``: the probability that the decoded symbol is ``sent XOR e``."""
    f = effective_fidelity(fidelity, depolarizing)
    return np.array([f, (1 - f) / 3, (1 - f) / 3, (1 - f) / 3])


def channel_closed_form(fidelity: float, depolarizing: float = 0.0) -> np.ndarray:
    """``P[s, s XOR e] = q_e`` with ``q_0 = F_eff``, ``q_{1,2,3} = (1 - F_eff)/3``.

    Examples:
        >>> np.allclose(channel_closed_form(0.9), superdense_channel(0.9), atol=1e-6)
        True
    """
    q = symbol_error_distribution(fidelity, depolarizing)
    s = np.arange(4)
    return q[s[:, None] ^ s[None, :]]


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


def transmit_symbols(key, symbols, fidelity: float, depolarizing: float = 0.0):
    """Send each symbol through its own noisy superdense link (independent pairs).

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


def superdense(fidelity: float = 1.0, depolarizing: float = 0.0):
    """Factory: ``fn(key, bits) -> Outcome`` sending a bit array over superdense links.

    The bits (any shape, even total size after padding one zero if odd) travel two per qubit;
    the cost is static: ``ceil(n/2)`` qubits and ebits in one round.

    Examples:
        >>> send = superdense(1.0)
        >>> out = send(jax.random.key(0), jnp.array([1, 0, 1, 1, 0]))
        >>> out.answer.tolist(), out.cost
        ([1, 0, 1, 1, 0], Cost(qubits=3, bits=0, ebits=3, rounds=1))
    """
    check_in_interval(fidelity, "fidelity", 0, 1, closed="both")
    check_in_interval(depolarizing, "depolarizing", 0, 1, closed="both")

    def fn(key, bits):
        check_key(key)
        bits = jnp.asarray(bits)
        if bits.size and _has_non_bits(bits):
            raise ValueError("bits must hold only 0 and 1")
        flat = bits.reshape(-1).astype(jnp.uint8)
        n = flat.shape[0]
        padded = jnp.pad(flat, (0, n % 2))
        sent = bits_to_symbols(padded)
        got = transmit_symbols(key, sent, fidelity, depolarizing)
        out = symbols_to_bits(got)[:n].reshape(bits.shape).astype(bits.dtype)
        q = math.ceil(n / 2)
        return Outcome(out, Cost(qubits=q, ebits=q, rounds=1 if q else 0),
                       {"symbol_errors": jnp.sum(got != sent)})

    return fn


def _has_non_bits(bits) -> bool:
    return is_concrete(bits) and bool(np.any((np.asarray(bits) != 0) & (np.asarray(bits) != 1)))
