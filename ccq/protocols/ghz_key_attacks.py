"""Attacks on the GHZ key protocol, with the eavesdropper's leakage computed exactly.

* :func:`hashed_key_leak`: Eve knows party 0's raw symbols on a set J of key copies (the
  eavesdropper and intercept-resend attacks of :mod:`._ghz_copies`; everything else she sees is
  independent of the keys or a function of what she knows). Party 0's final key ``T k_0`` is
  then uniform on an affine subspace of dimension ``rank(T[:, not J])`` over GF(d), so its trace
  distance from uniform, given everything Eve holds, is exactly ``1 - d^(rank - l)``; the other
  parties' keys are uniform and independent of it. :func:`attack_leak` runs the whole protocol
  and returns this number per run (0 on abort): the quantity eps-secrecy bounds.
* :func:`coherent_parity_attack`: a coherent attack on c copies (N = 2): the source copies the
  sum of party 0's Fourier outcomes over the c copies into Eve's qudit. Exact density-matrix
  computation of Eve's guessing probability, the test error it causes, and the trace distance
  of a one-symbol hashed key from uniform given Eve, averaged over the hash (the quantity the
  leftover hash lemma bounds).
* :func:`direct_encoding_leak`: the 1/m attack on the direct-encoding protocol (inputs encoded
  on the untested copies of cut-and-choose), for comparison: P(accept and Eve learns a whole
  coordinate) = ``(1 - lam (1 - 1/d))^m (1 - (1 - lam)^m)``.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from . import _qudit
from .ghz_key import toeplitz_matrix

__all__ = ["gf_rank", "hashed_key_leak", "attack_leak", "coherent_parity_attack",
           "direct_encoding_leak", "direct_encoding_worst"]


def gf_rank(a, d: int) -> int:
    """Rank of an integer matrix over GF(d), d prime (Gaussian elimination).

    Examples:
        >>> gf_rank([[1, 1], [1, 1]], 2), gf_rank([[1, 1], [1, 2]], 3)
        (1, 2)
    """
    m = np.array(a, dtype=np.int64) % d
    if d == 2:
        return _gf2_rank(m)
    rows, cols = m.shape
    rank = 0
    for c in range(cols):
        if rank == rows:
            break
        piv = np.nonzero(m[rank:, c])[0]
        if piv.size == 0:
            continue
        p = rank + piv[0]
        m[[rank, p]] = m[[p, rank]]
        m[rank] = m[rank] * pow(int(m[rank, c]), -1, d) % d
        below = np.nonzero(m[:, c])[0]
        below = below[below != rank]
        m[below] = (m[below] - np.outer(m[below, c], m[rank])) % d
        rank += 1
    return rank


def _gf2_rank(m: np.ndarray) -> int:
    """GF(2) rank with rows packed into bytes: XOR whole rows at once."""
    rows = np.packbits(m.astype(np.uint8), axis=1)
    n_rows, n_cols = m.shape
    rank = 0
    for c in range(n_cols):
        if rank == n_rows:
            break
        byte, bit = divmod(c, 8)
        col = (rows[rank:, byte] >> (7 - bit)) & 1
        piv = np.flatnonzero(col)
        if piv.size == 0:
            continue
        p = rank + piv[0]
        rows[[rank, p]] = rows[[p, rank]]
        hit = np.flatnonzero((rows[:, byte] >> (7 - bit)) & 1)
        hit = hit[hit != rank]
        rows[hit] ^= rows[rank]
        rank += 1
    return rank


def hashed_key_leak(seed, ell: int, n: int, d: int, known) -> float:
    """Trace distance of party 0's hashed key from uniform when Eve knows ``k_0`` on ``known``.

    Examples:
        >>> import numpy as np
        >>> seed = np.arange(7) % 2
        >>> hashed_key_leak(seed, 2, 6, 2, np.zeros(6, bool))
        0.0
        >>> hashed_key_leak(seed, 2, 6, 2, np.ones(6, bool))      # Eve knows everything
        0.75
    """
    t = toeplitz_matrix(seed, ell, n)
    free = t[:, ~np.asarray(known, bool)]
    r = gf_rank(free, d) if free.size else 0
    return 1.0 - float(d) ** (r - ell)


def attack_leak(gen, key, attack: str, strength: float, noise: float = 0.0) -> dict:
    """One run of a :func:`ghz_key_generate` protocol under an attack: exact leak if accepted."""
    run = gen(key, noise=noise, attack=attack, strength=strength)
    n = run["raw"].shape[0]
    leak = 0.0
    if run["accepted"]:
        leak = hashed_key_leak(run["seed"], run["key_symbols"], n, run["d"], run["eve_known"])
    return {"accepted": bool(run["accepted"]), "q_test": run["q_test"], "leak": leak,
            "known": int(run["eve_known"].sum()), "key_symbols": run["key_symbols"],
            "n_key": n}


def direct_encoding_leak(m: int, d: int, lam):
    """P(all m tests pass and >= 1 of the m used copies is attacked), attack weight lam.

    Examples:
        >>> round(float(direct_encoding_leak(1000, 2, 1 / 1000 * math.log(3))), 3)
        0.385
    """
    lam = np.asarray(lam, float)
    return (1 - lam * (1 - 1 / d)) ** m * (1 - (1 - lam) ** m)


def direct_encoding_worst(m: int, d: int) -> tuple[float, float]:
    """The attack weight maximising :func:`direct_encoding_leak` and the leak there."""
    lam = np.concatenate([np.geomspace(1e-9, 1.0, 20001), np.linspace(0, 1, 1001)[1:]])
    p = direct_encoding_leak(m, d, lam)
    i = int(np.argmax(p))
    return float(lam[i]), float(p[i])


def coherent_parity_attack(c: int, d: int) -> dict:
    """Exact numbers for the coherent parity attack on c copies of GHZ_d, N = 2.

    Returns:
        ``p_guess`` (Eve's optimal probability of guessing party 0's c raw key symbols),
        ``h_min`` (= -log2 p_guess), ``z_error`` (probability that one copy fails its Z test),
        ``x_error`` (probability that one copy's Fourier outcomes do not sum to 0),
        ``leak_avg`` (trace distance of ``t . k_0`` from uniform given Eve, averaged over
        uniform t in GF(d)^c, the one-row hash), ``leak_max`` (worst t), ``lhl`` (the leftover
        hash bound ``(1/2) sqrt(d^1 2^-h_min)`` for one output symbol).
    """
    if d ** (2 * c + 1) > 2**14:
        raise ValueError(f"need d^(2c+1) <= 2^14, got d={d}, c={c}")
    pair = _qudit.ghz_state(2, d)
    psi = pair
    for _ in range(c - 1):
        psi = np.multiply.outer(psi, pair)            # axes: (a_1, b_1, a_2, b_2, ...)
    # Eve's qudit |s>, s = sum of party 0's Fourier labels: go to Fourier on party 0's axes,
    # copy, come back (a coherent operation on the c shares before they are sent)
    a_axes = [2 * j for j in range(c)]
    phi = _qudit.fourier_amplitudes(psi, a_axes)
    lab = np.indices((d,) * (2 * c))
    s = sum(lab[ax] for ax in a_axes) % d
    full = np.zeros(phi.shape + (d,), complex)
    for v in range(d):
        full[..., v] = np.where(s == v, phi, 0)
    f = _qudit.fourier(d)
    for ax in a_axes:                                 # back to the computational basis
        full = _qudit.apply_one(full, f, ax)
    # key basis: everyone measures Fourier; party 0's outcomes k_0, party 1's are traced out
    key_amp = _qudit.fourier_amplitudes(full, range(2 * c))
    k0_shape = (d,) * c
    order = a_axes + [2 * j + 1 for j in range(c)] + [2 * c]
    amp = np.transpose(key_amp, order).reshape(d**c, d**c, d)
    rho = np.einsum("kbe,kbf->kef", amp, amp.conj())       # (k0, E, E), unnormalised
    off = rho - np.einsum("kee->ke", rho)[:, :, None] * np.eye(d)
    if np.abs(off).max() > 1e-12:
        raise AssertionError("Eve's conditional states are not diagonal")
    diag = np.real(np.einsum("kee->ke", rho))
    p_guess = float(diag.max(axis=0).sum())
    # one copy's tests: Z outcomes of copy 0 differ / Fourier outcomes of copy 0 do not sum to 0
    zprob = np.sum(np.abs(full) ** 2, axis=tuple(range(2, 2 * c + 1)))
    z_error = float(1 - np.trace(zprob))
    xprob = np.sum(np.abs(key_amp) ** 2, axis=tuple(range(2, 2 * c + 1)))
    x_error = float(1 - sum(xprob[i, (-i) % d] for i in range(d)))
    leaks = []
    ks = np.array(list(np.ndindex(*k0_shape)))
    rho_e = rho.sum(axis=0)
    for t in itertools.product(range(d), repeat=c):
        f_val = ks @ np.array(t) % d
        dist = 0.0
        for v in range(d):
            block = rho[f_val == v].sum(axis=0) - rho_e / d
            dist += 0.5 * float(np.abs(np.linalg.eigvalsh(block)).sum())
        leaks.append(dist)
    h_min = -math.log2(p_guess)
    return {"p_guess": p_guess, "h_min": h_min, "z_error": z_error, "x_error": x_error,
            "leak_avg": float(np.mean(leaks)), "leak_max": float(np.max(leaks)),
            "lhl": 0.5 * math.sqrt(d * 2.0**-h_min)}
