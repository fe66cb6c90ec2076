"""Exact noise laws of the GHZ and superdense protocols under :class:`ccq.noise.Noise`.

Two structures make the noisy protocols exactly solvable without a density matrix:

* **Superdense coding** (Bell pair, one qubit sent). Every Pauli channel on the sent qubit, the
  Werner noise of the pair and dephasing of either stored half act on the decoded symbol as
  ``s -> s XOR e`` with an error symbol ``e`` independent of ``s`` (``e = 1``: X on the sent
  qubit flips ``b2``; ``e = 2``: Z flips ``b1``; ``e = 3``: Y flips both). Amplitude damping
  is not a Pauli channel, but applied to one half of a Bell state and followed by the Bell
  measurement it gives the same kind of law: with ``r = sqrt(1 - gamma)``, ``e = 0`` w.p.
  ``(1 + r)^2 / 4``, ``e = 2`` w.p. ``(1 - r)^2 / 4``, ``e = 1`` and ``e = 3`` w.p.
  ``gamma / 4`` each, whatever Bell state it acts on (its Kraus operator ``K0`` keeps the
  state inside ``span{B_s, Z B_s}``, ``K1`` maps it to a product state that is an equal
  superposition of ``X B_s`` and ``Y B_s``). It is the last channel before the measurement
  (Noise applies depolarising, dephasing, then damping; memory dephasing of the receiver's
  half commutes with it), so the full law is the XOR-convolution of the parts
  (:func:`superdense_error_law`); ``tests/test_noise_protocols.py`` checks it against the
  density-matrix and trajectory simulations of the circuit.
* **GHZ_d shares** (one d-level carrier per party). The qudit analogues of the channels are
  Pauli channels ``X^a Z^b``: depolarising(p) ``rho -> (1 - p) rho + p I/d`` (``(a, b)``
  uniform on Z_d^2 w.p. p), dephasing(p) a uniformly random non-identity clock power ``Z^b``
  w.p. p, and memory the same dephasing per round stored; at d = 2 these are exactly the qubit
  channels of :class:`~ccq.noise.Noise`. ``X^a`` shifts a Z outcome by ``a``, ``Z^b`` shifts a
  Fourier outcome by ``b``; each component's marginal of ``a`` (and of ``b``) is ``0`` or
  uniform on the non-zero residues, so the Fourier coefficient of a share's shift is one number
  ``lambda`` and the sum of N independent shifts is ``e`` w.p. ``1/d + (delta_{e0} - 1/d)
  lambda^N`` (:func:`ghz_sum_error_law`). Amplitude damping is not a Pauli channel on a qudit
  and the GHZ protocols reject it.

Purification of ebits (:func:`dejmps`, :func:`purify`): the recurrence of Deutsch et al.
(quant-ph/9604039) on Bell-diagonal pairs, written in the error-symbol order ``(q_I, q_X, q_Z,
q_Y)`` (the Bell coefficients ``(A, C, D, B)`` of the paper): keep the pair when the two
parities agree, probability ``(q_I + q_Y)^2 + (q_X + q_Z)^2``; tests compare it with the
four-qubit density-matrix circuit.
"""

from __future__ import annotations

import math

import numpy as np

from ..noise import Noise, compose_dephasing

__all__ = [
    "as_noise",
    "xor_convolve",
    "werner_law",
    "superdense_error_law",
    "ghz_components",
    "ghz_lambda",
    "ghz_alpha",
    "ghz_sum_error_law",
    "ghz_pauli_table",
    "dejmps",
    "purify",
    "expected_rounds_with_resends",
    "sample_paulis",
]


def as_noise(noise) -> Noise:
    """``None`` -> ``Noise()``; a :class:`~ccq.noise.Noise` passes; anything else is an error.

    Examples:
        >>> as_noise(None).ideal
        True
        >>> as_noise(0.1)
        Traceback (most recent call last):
        ...
        TypeError: noise must be a ccq.noise.Noise or None, got float
    """
    if noise is None:
        return Noise()
    if not isinstance(noise, Noise):
        raise TypeError(f"noise must be a ccq.noise.Noise or None, got {type(noise).__name__}")
    return noise


def xor_convolve(*laws) -> np.ndarray:
    """Distribution of ``e_1 XOR e_2 XOR ...`` for independent error symbols in {0, 1, 2, 3}.

    Examples:
        >>> xor_convolve([0.5, 0.5, 0, 0], [0.5, 0, 0.5, 0]).tolist()
        [0.25, 0.25, 0.25, 0.25]
    """
    out = np.array([1.0, 0.0, 0.0, 0.0])
    s = np.arange(4)
    for q in laws:
        q = np.asarray(q, float)
        out = np.array([np.sum(out * q[s ^ e]) for e in range(4)])
    return out


def werner_law(fidelity: float) -> np.ndarray:
    """Error symbol of a Werner pair of fidelity F: 0 w.p. F, each other w.p. (1 - F)/3."""
    f = float(fidelity)
    return np.array([f, (1 - f) / 3, (1 - f) / 3, (1 - f) / 3])


def _depolarizing_law(p):
    return np.array([1 - 0.75 * p, p / 4, p / 4, p / 4])


def _dephasing_law(p):
    return np.array([1 - p, 0.0, p, 0.0])


def _damping_law(gamma):
    r = math.sqrt(1 - gamma)
    return np.array([(1 + r) ** 2 / 4, gamma / 4, (1 - r) ** 2 / 4, gamma / 4])


def superdense_error_law(noise: Noise | None, fidelity: float = 1.0,
                         depolarizing: float = 0.0, stored_rounds: int = 1) -> np.ndarray:
    """Exact law of the error symbol ``e`` (decoded = sent XOR e) of one superdense use.

    Args:
        noise: per transmitted qubit channels (on the sent half) and memory dephasing per
            round on each stored half (both halves wait ``stored_rounds`` rounds).
        fidelity: Werner fidelity of the pre-shared pair (the legacy parameter).
        depolarizing: legacy depolarising probability on the sent qubit (before ``noise``).
        stored_rounds: rounds each half waits in memory before the decoding.

    Examples:
        >>> superdense_error_law(Noise(dephasing=0.1)).round(6).tolist()
        [0.9, 0.0, 0.1, 0.0]
        >>> superdense_error_law(None, 0.7).round(6).tolist()
        [0.7, 0.1, 0.1, 0.1]
    """
    noise = as_noise(noise)
    parts = [werner_law(fidelity), _depolarizing_law(depolarizing)]
    m = noise.memory_after(stored_rounds)
    parts.append(_dephasing_law(compose_dephasing(m, m)))
    parts += [_depolarizing_law(noise.depolarizing), _dephasing_law(noise.dephasing),
              _damping_law(noise.amplitude_damping)]
    return xor_convolve(*parts)


# ------------------------------------------------------------------ GHZ_d shares


def _check_ghz_noise(noise: Noise) -> Noise:
    noise = as_noise(noise)
    if noise.amplitude_damping:
        raise ValueError("amplitude_damping is not a Pauli channel on a GHZ_d share; the GHZ "
                         f"protocols take depolarizing, dephasing, erasure and memory, got "
                         f"amplitude_damping={noise.amplitude_damping}")
    return noise


def ghz_components(noise: Noise | None, legacy: float = 0.0, stored_rounds: int = 1):
    """Independent Pauli components acting on each share: ``(kind, probability)`` pairs.

    ``kind``: ``"full"`` ((a, b) uniform on Z_d^2), ``"nonid"`` (uniform on the d^2 - 1
    non-identity pairs: the legacy scalar ``noise`` of the key protocol) or ``"z"`` (``Z^b``, b
    uniform on the non-zero residues).
    """
    noise = _check_ghz_noise(noise)
    comps = []
    if legacy:
        comps.append(("nonid", float(legacy)))
    if noise.depolarizing:
        comps.append(("full", noise.depolarizing))
    if noise.dephasing:
        comps.append(("z", noise.dephasing))
    m = noise.memory_after(stored_rounds)
    if m:
        comps.append(("z", m))
    return comps


def _coefficients(kind: str, p: float, d: int):
    """Fourier coefficients (at any non-zero frequency) of a component's a- and b-marginals."""
    if kind == "full":
        return 1 - p, 1 - p
    if kind == "nonid":       # P(a != 0) = P(b != 0) = p d / (d + 1), uniform on non-zero
        r = p * d / (d + 1)
        return 1 - r * d / (d - 1), 1 - r * d / (d - 1)
    return 1.0, 1 - p * d / (d - 1)


def ghz_lambda(components, d: int) -> float:
    """Fourier coefficient of one share's Fourier-outcome shift ``b`` (product over parts)."""
    return float(np.prod([_coefficients(k, p, d)[1] for k, p in components]))


def ghz_alpha(components, d: int) -> float:
    """Fourier coefficient of one share's Z-outcome shift ``a`` (product over parts)."""
    return float(np.prod([_coefficients(k, p, d)[0] for k, p in components]))


def ghz_sum_error_law(noise: Noise | None, n_parties: int, d: int, *, legacy: float = 0.0,
                      stored_rounds: int = 1) -> np.ndarray:
    """Exact law of ``e = sum_i b_i mod d``, the error of the announced sum (length d).

    Examples:
        >>> ghz_sum_error_law(Noise(depolarizing=0.1), 3, 2).round(6).tolist()
        [0.8645, 0.1355]
    """
    lam = ghz_lambda(ghz_components(noise, legacy, stored_rounds), d)
    law = np.full(d, (1 - lam**n_parties) / d)
    law[0] += lam**n_parties
    return law


def _component_table(kind: str, p: float, d: int) -> np.ndarray:
    t = np.zeros((d, d))
    if kind == "full":
        t += p / d**2
    elif kind == "nonid":
        t += p / (d * d - 1)
        t[0, 0] = 0.0
    else:
        t[0, 1:] = p / (d - 1)
    t[0, 0] += 1 - p
    return t


def ghz_pauli_table(components, d: int) -> np.ndarray:
    """``w[a, b]``: probability that one share suffers ``X^a Z^b`` (components composed).

    Examples:
        >>> ghz_pauli_table([("full", 1.0)], 2).tolist()
        [[0.25, 0.25], [0.25, 0.25]]
    """
    out = np.zeros((d, d))
    out[0, 0] = 1.0
    for kind, p in components:
        t = _component_table(kind, p, d)
        new = np.zeros((d, d))
        for a in range(d):
            for b in range(d):
                if t[a, b]:
                    new += t[a, b] * np.roll(np.roll(out, a, axis=0), b, axis=1)
        out = new
    return out


# ------------------------------------------------------------------ purification


def dejmps(law) -> tuple[np.ndarray, float]:
    """One DEJMPS round on two copies of a Bell-diagonal pair: (output law, success prob).

    ``law`` is the pair's error-symbol law ``(q_I, q_X, q_Z, q_Y)`` (the sender's Pauli on
    ``|Phi+>``). Both parties rotate (``Rx(pi/2)`` for the sender, ``Rx(-pi/2)`` for the
    receiver), apply CNOT from the kept to the sacrificed pair, measure the sacrificed pair in
    Z, announce one bit each, and keep the pair when the bits agree.

    Examples:
        >>> out, ok = dejmps(werner_law(0.9))
        >>> round(float(out[0]), 6), round(ok, 6)
        (0.926396, 0.875556)
    """
    q = np.asarray(law, float)
    a, c, d_, b = q            # (I, X, Z, Y) = the paper's (A, C, D, B)
    n = (a + b) ** 2 + (c + d_) ** 2
    out = np.array([a * a + b * b, c * c + d_ * d_, 2 * a * b, 2 * c * d_]) / n
    return out, float(n)


def purify(law, rounds: int) -> dict:
    """``rounds`` DEJMPS recurrence rounds: final law, ebits consumed per output pair, bits.

    Each round pairs up the survivors of the previous one (half of them are sacrificed) and
    keeps a pair with the success probability of :func:`dejmps`; the expected number of raw
    ebits per output pair is ``prod_i 2 / N_i``, and every attempt costs 2 classical bits
    (one announced parity per party).

    Examples:
        >>> r = purify(werner_law(0.9), 2)
        >>> round(float(r["law"][0]), 4), round(r["ebits_per_pair"], 3)
        (0.9888, 5.263)
    """
    if isinstance(rounds, bool) or int(rounds) != rounds or rounds < 0:
        raise ValueError(f"rounds must be an integer >= 0, got {rounds!r}")
    law = np.asarray(law, float)
    ebits, bits = 1.0, 0.0
    for _ in range(int(rounds)):
        law, ok = dejmps(law)
        bits = (bits * 2 + 2) / ok       # two inputs' bits, then the attempt's own 2 bits
        ebits = ebits * 2 / ok
    return {"law": law, "ebits_per_pair": ebits, "bits_per_pair": bits}


def expected_rounds_with_resends(loss: float, messages: int) -> float:
    """Expected rounds until ``messages`` independent one-qubit messages all arrive, each lost
    (heralded) w.p. ``loss`` and resent in the next round: ``E[max of geometrics] =
    sum_{r >= 0} 1 - (1 - loss^r)^messages``.

    Examples:
        >>> expected_rounds_with_resends(0.0, 5), expected_rounds_with_resends(0.5, 1)
        (1.0, 2.0)
    """
    if messages <= 0:
        return 0.0
    if loss <= 0:
        return 1.0
    if loss >= 1:
        return math.inf
    total, r = 0.0, 0
    while True:
        term = -math.expm1(messages * math.log1p(-loss**r)) if r else 1.0
        total += term
        r += 1
        if term < 1e-16 and r > 1:
            return total


def sample_paulis(key, components, d: int, shape):
    """Draw each share's Pauli ``(a, b)`` (int32 arrays of ``shape``) from ``components``.

    Each component fires independently with its probability and adds its own uniformly drawn
    ``(a, b)``; the exponents add mod d (Paulis compose up to a phase).

    Examples:
        >>> import jax
        >>> a, b = sample_paulis(jax.random.key(0), [("z", 1.0)], 5, (1000,))
        >>> int(a.max()), int(b.min()) >= 1
        (0, True)
    """
    import jax
    import jax.numpy as jnp

    a = jnp.zeros(shape, jnp.int32)
    b = jnp.zeros(shape, jnp.int32)
    for sub, (kind, p) in zip(jax.random.split(key, max(1, len(components))), components,
                              strict=False):
        k_hit, k_a0, k_a, k_b, k_b1 = jax.random.split(sub, 5)
        hit = jax.random.bernoulli(k_hit, p, shape)
        if kind == "full":
            da = jax.random.randint(k_a, shape, 0, d, dtype=jnp.int32)
            db = jax.random.randint(k_b, shape, 0, d, dtype=jnp.int32)
        elif kind == "nonid":   # a = 0 w.p. 1/(d + 1) (then b != 0), else a != 0 and b any
            a_zero = jax.random.bernoulli(k_a0, 1 / (d + 1), shape)
            da = jnp.where(a_zero, 0, jax.random.randint(k_a, shape, 1, d, dtype=jnp.int32))
            db = jnp.where(a_zero, jax.random.randint(k_b1, shape, 1, d, dtype=jnp.int32),
                           jax.random.randint(k_b, shape, 0, d, dtype=jnp.int32))
        else:
            da = jnp.zeros(shape, jnp.int32)
            db = jax.random.randint(k_b, shape, 1, d, dtype=jnp.int32)
        a = jnp.where(hit, (a + da) % d, a)
        b = jnp.where(hit, (b + db) % d, b)
    return a, b
