"""Cut-and-choose verification of GHZ copies from an untrusted source, computed exactly.

Protocol [reconstruction; ``docs/secure_aggregation.md``]: the source sends 2m copies; after
they arrive the parties draw (public coins) a uniformly random half T to test and, for each
tested copy, a random test: ``"z"`` (all measure Z, pass iff all outcomes are equal) or ``"x"``
(all measure in the Fourier basis, pass iff the outcomes sum to 0 mod d). They abort unless
every test passes, and use the other m copies for the secure sum. Only then are the data
announcements made (so a rejected batch leaks nothing).

Dishonest sources (one copy; ``lam`` the attack weight; the source is the eavesdropper and
knows which branch it prepared):

* ``"honest"``: GHZ_d.
* ``"product"``: the product state ``|0~>^(x)N`` (``|0~> = F|0>``): the clock phase turns it
  into ``|x_1~>...|x_N~>``, so every announcement IS the input.
* ``"biased_mixture"``: GHZ with probability 1 - lam, the product state above with lam.
* ``"eavesdropper"``: GHZ with 1 - lam; with lam, party 0 gets half of a maximally
  entangled pair whose other half Eve keeps, and parties 1..N-1 share GHZ_{N-1}: from
  ``m_0`` and her half, Eve learns ``x_0`` exactly.
* ``"eve_ghz"``: GHZ with 1 - lam; with lam, GHZ_{N+1} with Eve as an extra member: the sum is
  randomised (a correctness attack) but Eve learns nothing about any single input.

Noise (``noise=`` a :class:`ccq.noise.Noise`, ``None`` or ``Noise()``: the noiseless path, bit
for bit). Every share of every copy is one d-level carrier and suffers, in transit from the
source, the qudit channels of :mod:`.ghz` / :mod:`.ghz_key`: depolarising ``(1 - p) rho + p I/d``
and dephasing (a uniformly random non-identity clock power ``Z^b`` w.p. p), plus the same
dephasing per round it waits in memory (``stored_rounds``, default 1: every copy, tested or
used, is measured once the challenge is known, one round after arrival; the data are
announced later as classical values; R rounds compose as ``Noise.memory_after(R)``, the qubit
law, as in :mod:`._noise_laws`, which at d > 2 is not R-fold qudit dephasing). At d = 2 these
are exactly the qubit channels; the qudit
generalisation is the one the GHZ sum and key protocols already use (a Pauli channel
``X^a Z^b`` per share). Eve's own register is not transmitted and stays noiseless. Amplitude
damping is not a Pauli channel on a qudit and is rejected (ValueError). Heralded ``erasure``
does not change the state: a copy with a lost share is redistributed, and
:func:`verified_cost` counts the redistributions.

Exact noisy numbers come from two independent paths (tests compare them):

* ``method="structured"`` (default, any size the noiseless check allows): a Pauli ``X^a Z^b``
  on share i maps the GHZ basis state ``|G_{c,s}> = d^-1/2 sum_k w^(ks) |k, k+c_1, ...,
  k+c_{N-1}>`` to ``|G_{c', s + b_i}>`` (c' the relative shifts moved by ``a_i - a_0``), up to
  a phase. The Z test passes on ``c = 0``, the X test on ``s = 0`` (``Pi_Z = sum_s
  |G_{0,s}><G_{0,s}|``, ``Pi_X = sum_c |G_{c,0}><G_{c,0}|``) and the fidelity is the weight
  of ``(0, 0)``, so the source's GHZ-basis distribution, pushed through the per-share shifts,
  gives all three exactly. Fourier announcements only shift (``Z^b F|m> = F|m + b>``;
  ``X^a`` is a phase on ``F|m>``), so Eve's classical-quantum view, and thus the leakage, is
  the noiseless one convolved on each announcement with the law of ``b``.
* ``method="density"``: the density matrix of parties and Eve, the Pauli channel applied to
  every share (:func:`._ghz_copies.pauli_channel`), then the test projectors, the fidelity and
  the leakage computed from it (``d**N * e <= 2**8``).

Honest noisy copies fail a test with probability ``eta_h > 0``, so the all-pass rule aborts an
honest batch of 2m copies with probability ``1 - (1 - eta_h)^m``: :func:`honest_pass`
(closed form), :func:`honest_acceptance`, and :func:`verified_cost` (expected restarts).

Everything is numpy complex128 and exact (no sampling) except :func:`cut_and_choose`.
"""

from __future__ import annotations

import functools
import math

import jax
import jax.numpy as jnp
import numpy as np
from scipy import special, stats

from .._core import Cost, Outcome, check_in_interval, check_int, check_probability
from ..noise import Noise
from . import _ghz_copies, _noise_laws, _qudit

__all__ = [
    "SOURCES",
    "source_ensemble",
    "copy_report",
    "leakage",
    "honest_pass",
    "honest_acceptance",
    "verified_cost",
    "iid_failure",
    "corrupted_exact",
    "worst_corrupted_failure",
    "cut_and_choose",
    "verified_ghz_sum_vector",
]

SOURCES = ("honest", "product", "biased_mixture", "eavesdropper", "eve_ghz")
METHODS = ("structured", "density")
DENSITY_MAX_DIM = 2**8          # d**N * e for method="density" (d**(2N) e**2 entries)


def _check(name: str, n: int, d: int, lam: float):
    if name not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES}, got {name!r}")
    n = check_int(n, "n_parties", minimum=2, maximum=6)
    d = check_int(d, "d", minimum=2, maximum=8)
    if d ** (n + 1) > 2**14:
        raise ValueError(f"exact verification needs d**(N+1) <= 2**14, got d={d}, N={n}")
    lam = check_in_interval(lam, "lam", 0.0, 1.0, closed="both")
    return n, d, lam


def _product_zero(n: int, d: int) -> np.ndarray:
    plus = np.full(d, 1 / np.sqrt(d), dtype=np.complex128)
    out = plus
    for _ in range(n - 1):
        out = np.multiply.outer(out, plus)
    return out


def source_ensemble(name: str, n: int, d: int, lam: float = 1.0):
    """One copy as an ensemble ``[(weight, psi)]``, ``psi`` of shape ``(d,)*N + (e,)``.

    The last axis is Eve's register (``e = 1`` when she keeps nothing quantum); the branch
    index is classical knowledge of Eve.

    Examples:
        >>> [w for w, _ in source_ensemble("biased_mixture", 3, 2, 0.25)]
        [0.75, 0.25]
    """
    n, d, lam = _check(name, n, d, lam)
    ghz = _qudit.ghz_state(n, d)
    if name == "honest":
        return [(1.0, ghz[..., None])]
    if name == "product":
        return [(1.0, _product_zero(n, d)[..., None])]
    if name == "biased_mixture":
        return [(1 - lam, ghz[..., None]), (lam, _product_zero(n, d)[..., None])]
    honest = np.zeros(ghz.shape + (d,), np.complex128)
    honest[..., 0] = ghz
    if name == "eavesdropper":
        pair = np.eye(d, dtype=np.complex128) / np.sqrt(d)          # party 0 (x) Eve
        rest = _qudit.ghz_state(n - 1, d) if n > 2 else np.full(d, 1 / np.sqrt(d))
        attack = np.einsum("ae,...->a...e", pair, rest)
        return [(1 - lam, honest), (lam, attack)]
    return [(1 - lam, honest), (lam, _qudit.ghz_state(n + 1, d))]   # eve_ghz


def _fourier_all(psi):
    n = psi.ndim - 1
    return _qudit.fourier_amplitudes(psi, range(n))


def _components(noise, stored_rounds):
    """Per-share Pauli components of ``noise`` (validated); empty when the state is unchanged."""
    noise = _noise_laws.as_noise(noise)
    stored_rounds = check_int(stored_rounds, "stored_rounds", minimum=0)
    return _noise_laws.ghz_components(noise, stored_rounds=stored_rounds)


def _ghz_basis_probabilities(psi) -> np.ndarray:
    """``p[s, c_1, .., c_{N-1}] = ||(<G_{c,s}| (x) I_Eve) psi||^2`` (the GHZ-basis diagonal).

    ``|k_0, k_1, ..> -> |k_0, k_1 - k_0, ..>`` maps ``|G_{c,s}>`` to ``F|s> |c>``; ``F^dagger``
    on party 0 then gives ``|s> |c>``.
    """
    n = psi.ndim - 1
    d = psi.shape[0]
    k = np.indices((d,) * n)
    idx = (k[0],) + tuple((k[0] + k[i]) % d for i in range(1, n))
    rel = psi[idx]                                   # rel[k0, c...] = psi[k0, k0 + c...]
    amp = _qudit.apply_one(rel, np.conj(_qudit.fourier(d)).T, 0)
    return np.sum(np.abs(amp) ** 2, axis=-1)


def _shift_ghz_basis(p, table) -> np.ndarray:
    """Push a GHZ-basis distribution through ``X^a Z^b`` (w.p. ``table[a, b]``) on each share.

    Share 0: ``s -> s + b``, every ``c_i -> c_i - a``; share i >= 1: ``s -> s + b``,
    ``c_i -> c_i + a``.
    """
    n = p.ndim
    axes = tuple(range(n))
    hits = [(a, b, w) for (a, b), w in np.ndenumerate(table) if w]
    p = sum(w * np.roll(p, (b,) + (-a,) * (n - 1), axis=axes) for a, b, w in hits)
    for i in range(1, n):
        p = sum(w * np.roll(p, (b, a), axis=(0, i)) for a, b, w in hits)
    return p


def _test_masks(n: int, d: int):
    """Outcome masks of the two tests: Z passes on all-equal outcomes, X on a zero sum mod d."""
    equal = np.zeros((d,) * n, bool)
    for k in range(d):
        equal[(k,) * n] = True
    return equal, np.indices((d,) * n).sum(axis=0) % d == 0


def _report(pz, px, fid, leak, guess) -> dict:
    # sums of squared amplitudes can overshoot 1 by a few ulps; they are probabilities
    pz, px, fid = (min(max(float(v), 0.0), 1.0) for v in (pz, px, fid))
    pass_prob = (pz + px) / 2
    return {"pass_z": pz, "pass_x": px, "pass_prob": pass_prob, "eta": max(0.0, 1 - pass_prob),
            "fidelity": fid, "p_correct": px, "leak_bits": leak, "guess": guess}


def copy_report(name: str, n: int, d: int, lam: float = 1.0, noise: Noise | None = None, *,
                stored_rounds: int = 1, method: str = "structured") -> dict:
    """Exact per-copy numbers: test pass probabilities, fidelity, correctness, leakage.

    Args:
        name, n, d, lam: the source (:func:`source_ensemble`).
        noise: per-share channels in transit and memory dephasing per round stored (module
            docstring); ``None`` or ``Noise()`` is the noiseless computation, bit for bit.
        stored_rounds: rounds each share waits in memory before it is measured.
        method: ``"structured"`` (exact, the GHZ-basis shifts) or ``"density"`` (exact, the
            density matrix; ``d**N * e <= 2**8``, ``e = d`` for the sources with a quantum Eve).

    Returns:
        dict with ``pass_z``, ``pass_x``, ``pass_prob`` (the random test), ``eta``
        (= 1 - pass_prob), ``fidelity`` with GHZ_d (of the parties' noisy state),
        ``p_correct`` (the announced sum equals the true sum; equals pass_x, the used copies
        suffering the same noise), ``leak_bits`` (Holevo information between party 0's input
        and Eve's whole view, inputs uniform; the channel's environment is not Eve's),
        ``guess`` (Eve's optimal probability of guessing party 0's input; exact Helstrom for
        d = 2, NaN otherwise).

    Examples:
        >>> r = copy_report("honest", 3, 2)
        >>> r["eta"], r["fidelity"], round(r["leak_bits"], 12), r["guess"]
        (0.0, 1.0, 0.0, 0.5)
        >>> r = copy_report("honest", 3, 2, noise=Noise(depolarizing=0.1), stored_rounds=0)
        >>> round(r["pass_z"], 6), round(r["pass_x"], 6), round(r["leak_bits"], 12)
        (0.8575, 0.8645, 0.0)
    """
    n, d, lam = _check(name, n, d, lam)
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    comps = _components(noise, stored_rounds)
    ens = source_ensemble(name, n, d, lam)
    if method == "density":
        return _density_report(ens, n, d, comps)
    if comps:
        table = _noise_laws.ghz_pauli_table(comps, d)
        p = sum(w * _ghz_basis_probabilities(psi) for w, psi in ens)
        p = _shift_ghz_basis(p, table)
        leak, guess = _leakage(ens, n, d, table.sum(axis=0))
        return _report(p[(slice(None),) + (0,) * (n - 1)].sum(), p[0].sum(), p[(0,) * n],
                       leak, guess)
    ghz = _qudit.ghz_state(n, d)
    equal, zero_sum = _test_masks(n, d)
    pz = px = fid = 0.0
    for w, psi in ens:
        pz += w * float(np.sum(np.abs(psi[equal]) ** 2))
        px += w * float(np.sum(np.abs(_fourier_all(psi)[zero_sum]) ** 2))
        fid += w * float(np.sum(np.abs(np.tensordot(ghz.conj(), psi, axes=n)) ** 2))
    # sums of squared amplitudes can overshoot 1 by a few ulps; they are probabilities
    pz, px, fid = (min(v, 1.0) for v in (pz, px, fid))
    leak, guess = leakage(ens, n, d)
    pass_prob = (pz + px) / 2
    return {"pass_z": pz, "pass_x": px, "pass_prob": pass_prob, "eta": max(0.0, 1 - pass_prob),
            "fidelity": fid, "p_correct": px, "leak_bits": leak, "guess": guess}


def _density_report(ens, n: int, d: int, comps) -> dict:
    """:func:`copy_report` from the density matrix of each branch (parties and Eve)."""
    e = max(psi.shape[-1] for _, psi in ens)
    if d**n * e > DENSITY_MAX_DIM:
        raise ValueError(f"method='density' needs d**N * e <= {DENSITY_MAX_DIM} (e = Eve's "
                         f"dimension), got d={d}, N={n}, e={e}")
    table = _noise_laws.ghz_pauli_table(comps, d)
    rhos = [(w, _ghz_copies.pauli_channel(_qudit.density(psi), d, n, table)) for w, psi in ens]
    equal, zero_sum = _test_masks(n, d)
    ghz = _qudit.ghz_state(n, d).reshape(-1)
    pz = px = fid = 0.0
    for w, rho in rhos:
        ee = rho.shape[n]
        pz += w * _qudit.diag_probabilities(rho).sum(axis=-1)[equal].sum()
        px += w * _qudit.diag_probabilities(_qudit.fourier_dm(rho, range(n))).sum(
            axis=-1)[zero_sum].sum()
        parties = np.einsum("aebe->ab", rho.reshape(d**n, ee, d**n, ee))
        fid += w * float(np.real(ghz.conj() @ parties @ ghz))
    # per input x: Eve's block-diagonal state over (branch, announcements) of her register
    blocks = {}
    for x in np.ndindex(*(d,) * n):
        out = []
        for w, rho in rhos:
            ee = rho.shape[n]
            r = rho
            for i, xi in enumerate(x):
                r = _qudit.apply_one_dm(r, np.diag(_qudit.clock(d, xi)), i)
            r = _qudit.fourier_dm(r, range(n)).reshape(d**n, ee, d**n, ee)
            v = np.arange(d**n)
            out.append(w * r[v, :, v, :])
        blocks[x] = out
    rest = d ** (n - 1)
    rho_x0 = []
    for x0 in range(d):
        xs = [x for x in blocks if x[0] == x0]
        rho_x0.append(np.concatenate([sum(blocks[x][b] for x in xs) / rest
                                      for b in range(len(rhos))]))
    leak, guess = _holevo_guess(rho_x0, d)
    return _report(pz, px, fid, leak, guess)


def _entropy(blocks) -> float:
    ev = np.concatenate([np.linalg.eigvalsh(b).ravel() for b in blocks])
    ev = ev[ev > 1e-15]
    return float(-np.sum(ev * np.log2(ev)))


def _holevo_guess(rho, d: int) -> tuple[float, float]:
    avg = sum(rho) / d
    chi = _entropy(avg) - sum(_entropy(r) for r in rho) / d
    guess = float("nan")
    if d == 2:
        diff = rho[0] - rho[1]
        norm1 = sum(np.abs(np.linalg.eigvalsh(b)).sum() for b in diff)
        guess = 0.5 + 0.25 * float(norm1)
    return max(0.0, float(chi)), guess


def leakage(ensemble, n: int, d: int, noise: Noise | None = None, *,
            stored_rounds: int = 1) -> tuple[float, float]:
    """Holevo information and (d = 2) Helstrom guessing probability about party 0's input.

    Eve's view: the branch index, all N announcements and her register; all inputs uniform.
    With ``noise`` each announcement is shifted by its share's ``Z^b`` (the module
    docstring). Returns ``(chi_bits, p_guess)`` with ``p_guess = nan`` for d > 2.
    """
    comps = _components(noise, stored_rounds)
    law_b = _noise_laws.ghz_pauli_table(comps, d).sum(axis=0) if comps else None
    return _leakage(ensemble, n, d, law_b)


def _leakage(ensemble, n: int, d: int, law_b=None) -> tuple[float, float]:
    # per x_0: the block-diagonal state over (branch, announcements) of Eve's register
    rho = []
    rest = list(np.ndindex(*(d,) * (n - 1)))
    for x0 in range(d):
        blocks = []
        for w, psi in ensemble:
            acc = np.zeros((d**n, psi.shape[-1], psi.shape[-1]), np.complex128)
            for xr in rest:
                x = (x0, *xr)
                ph = _qudit.apply_phases(psi, [_qudit.clock(d, xi) for xi in x]
                                         + [np.ones(psi.shape[-1])])
                a = _fourier_all(ph).reshape(d**n, -1)
                acc += np.einsum("ve,vf->vef", a, a.conj())
            if law_b is not None:         # announcement m_i -> m_i + b_i, b_i ~ law_b
                acc = acc.reshape((d,) * n + acc.shape[1:])
                for i in range(n):
                    acc = sum(q * np.roll(acc, b, axis=i) for b, q in enumerate(law_b) if q)
                acc = acc.reshape(d**n, *acc.shape[n:])
            blocks.append(w * acc / len(rest))
        rho.append(np.concatenate(blocks))
    return _holevo_guess(rho, d)


# ---------------------------------------------------------------- cut and choose


def honest_pass(n_parties: int, d: int, noise: Noise | None = None, *,
                stored_rounds: int = 1) -> tuple[float, float]:
    """Closed form of an honest copy's ``(pass_z, pass_x)`` under ``noise``, any N and d.

    Derivation: share i suffers ``X^(a_i) Z^(b_i)``, independently across shares. Every
    channel component leaves ``a`` (and ``b``) either 0 or uniform on the non-zero residues,
    and so does their composition: ``P(a = 0) = a_0 = 1/d + (1 - 1/d) alpha``, ``P(a = j) =
    a_1 = (1 - alpha)/d`` for each ``j != 0``, ``alpha`` the Fourier coefficient of the law of
    ``a`` at any non-zero frequency (:func:`._noise_laws.ghz_alpha`; ``1 - p`` for
    depolarising p, 1 for dephasing). ``X^a`` shifts a Z outcome by ``a``, and GHZ_d's Z
    outcomes are all equal, so the Z test passes iff all ``a_i`` are equal: ``pass_z = a_0^N +
    (d - 1) a_1^N``. ``Z^b`` shifts a Fourier outcome by ``b`` and GHZ_d's Fourier outcomes
    sum to 0, so the X test passes iff ``sum b_i = 0 (mod d)``: ``pass_x = 1/d + (1 - 1/d)
    lambda^N`` (:func:`._noise_laws.ghz_lambda`). For depolarising p alone, ``pass_z = (1 - p
    + p/d)^N + (d - 1)(p/d)^N`` and ``pass_x = 1/d + (1 - 1/d)(1 - p)^N``. Tests compare
    both with the density matrix.

    Examples:
        >>> [round(v, 6) for v in honest_pass(3, 2, Noise(depolarizing=0.1), stored_rounds=0)]
        [0.8575, 0.8645]
        >>> honest_pass(3, 2, Noise(dephasing=0.1))[0]      # dephasing never fails a Z test
        1.0
    """
    n = check_int(n_parties, "n_parties", minimum=2)
    d = check_int(d, "d", minimum=2)
    comps = _components(noise, stored_rounds)
    alpha, lam = _noise_laws.ghz_alpha(comps, d), _noise_laws.ghz_lambda(comps, d)
    a0, a1 = 1 / d + (1 - 1 / d) * alpha, (1 - alpha) / d
    pass_z = a0**n + (d - 1) * a1**n
    pass_x = 1 / d + (1 - 1 / d) * lam**n
    return min(float(pass_z), 1.0), min(float(pass_x), 1.0)


def honest_acceptance(n_parties: int, d: int, m: int, noise: Noise | None = None, *,
                      stored_rounds: int = 1) -> float:
    """Probability that an honest batch of 2m noisy copies passes cut-and-choose: ``q^m``.

    Each of the m tested copies gets the Z or the X test with probability 1/2 and passes
    independently with ``q = (pass_z + pass_x)/2`` (:func:`honest_pass`); the all-pass rule
    accepts only if all m pass. Without noise, 1.

    Examples:
        >>> honest_acceptance(3, 2, 10)
        1.0
        >>> round(honest_acceptance(3, 2, 10, Noise(depolarizing=0.01)), 4)
        0.8607
    """
    m = check_int(m, "m", minimum=1)
    pz, px = honest_pass(n_parties, d, noise, stored_rounds=stored_rounds)
    return float(((pz + px) / 2) ** m)


def verified_cost(n_parties: int, d: int, m: int, noise: Noise | None = None, *,
                  stored_rounds: int = 1, restarts: bool = True) -> Cost:
    """Cost of m verified GHZ secure sums (2m copies): ebits, bits, and 3 rounds.

    Rounds: the challenge (which copies, which tests), the test announcements, and after
    acceptance the data announcements. Bits: both halves announce ``ceil(log2 d)`` bits per
    party per copy, plus 3 challenge bits per used copy.

    With ``noise``: a copy with a share lost in transit (heralded ``erasure``) is
    redistributed, so each attempt's ebits are multiplied by the expected distributions
    ``1/(1 - erasure)^(N ceil(log2 d))`` (as in :func:`.ghz.ghz_cost`). With ``restarts``
    (default) an aborted batch is redistributed and retested until one is accepted: an honest
    batch is accepted with probability ``A = honest_acceptance(N, d, m, noise)``, so the
    expected cost is ``1/A`` attempts (ebits, challenge and test bits, 2 rounds each) plus
    one data announcement (``m N ceil(log2 d)`` bits, 1 round). ``restarts=False``: the cost
    of one attempt, data included. ``None`` or ``Noise()``: the noiseless cost, bit for bit.

    Raises:
        ValueError: ``erasure = 1``, or an honest batch that is never accepted (``A`` = 0 in
            float64: noise too strong for the all-pass rule at this m).

    Examples:
        >>> verified_cost(4, 8, 10)
        Cost(qubits=0, bits=270, ebits=180.0, rounds=3)
        >>> c = verified_cost(4, 8, 10, Noise(depolarizing=0.01))     # 1/A = 1.42 attempts
        >>> round(c.ebits, 1), round(c.bits, 1), round(c.rounds, 3)
        (255.7, 333.1, 3.842)
    """
    n = check_int(n_parties, "n_parties", minimum=2)
    d = check_int(d, "d", minimum=2)
    m = check_int(m, "m", minimum=1)
    if not isinstance(restarts, bool):
        raise ValueError(f"restarts must be a bool, got {restarts!r}")
    r = math.ceil(math.log2(d))
    noise = _noise_laws.as_noise(noise)
    if noise.ideal:
        return Cost(qubits=0, bits=2 * m * n * r + 3 * m,
                    ebits=2 * m * (n - 1) * math.log2(d), rounds=3)
    from .ghz import _redistributions

    ebits = 2 * m * (n - 1) * math.log2(d) * _redistributions(n, d, noise)
    accept = honest_acceptance(n, d, m, noise, stored_rounds=stored_rounds)
    if not restarts:
        return Cost(qubits=0, bits=2 * m * n * r + 3 * m, ebits=ebits, rounds=3)
    if accept == 0.0:
        raise ValueError(f"an honest batch of 2m = {2 * m} copies is accepted with probability "
                         f"0 (float64) under {noise}: the all-pass rule never accepts; use "
                         f"fewer copies or less noise")
    attempts = 1.0 / accept
    return Cost(qubits=0, bits=attempts * (m * n * r + 3 * m) + m * n * r,
                ebits=attempts * ebits, rounds=2 * attempts + 1)


def iid_failure(eta: float, m: int, f: float) -> float:
    """Exact P(accept and mean defect of used copies >= f) when every copy has defect eta."""
    return float((1 - eta) ** m) if eta >= f else 0.0


def corrupted_exact(m: int, k: int, eta_c: float, f: float, eta_h: float = 0.0) -> dict:
    """k of the 2m copies are corrupted (defect ``eta_c``), the rest honest: exact outcomes.

    ``eta_h``: the honest copies' defect (``1 - q`` under noise, :func:`honest_pass`; 0, the
    default, is the noiseless computation bit for bit). Then the m - j honest tested copies
    pass with ``(1 - eta_h)^(m - j)`` and the used copies' mean defect counts them too.

    Returns:
        ``accept`` (probability), ``fail`` (P(accept and mean used defect >= f), the event the
        bound ghz.verification_eps controls), ``used_corrupt_given_accept`` (expected fraction
        of used copies that are corrupted, conditioned on acceptance).

    Examples:
        >>> round(corrupted_exact(8, 3, 0.5, 0.1)["accept"], 6)
        0.4125
        >>> round(corrupted_exact(8, 3, 0.5, 0.1, eta_h=0.5)["accept"], 6)   # iid: 0.5^8
        0.003906
    """
    m = check_int(m, "m", minimum=1)
    k = check_int(k, "k", minimum=0, maximum=2 * m)
    eta_h = check_probability(eta_h, "eta_h")
    j = np.arange(0, min(k, m) + 1)                       # corrupted among the tested
    pj = stats.hypergeom.pmf(j, 2 * m, k, m)
    pass_j = (1 - eta_c) ** j
    if eta_h:
        pass_j = pass_j * (1 - eta_h) ** (m - j)
    acc = float(np.sum(pj * pass_j))
    used = k - j
    if eta_h:
        fail = float(np.sum(pj * pass_j * (used * eta_c + (m - used) * eta_h
                                           >= f * m - 1e-12)))
    else:
        fail = float(np.sum(pj * pass_j * (used * eta_c >= f * m - 1e-12)))
    cond = float(np.sum(pj * pass_j * used / m) / acc) if acc > 0 else 0.0
    return {"accept": acc, "fail": fail, "used_corrupt_given_accept": cond}


@functools.lru_cache(maxsize=8)
def _hypergeom_table(m: int) -> np.ndarray:
    """``P(j corrupted among the m tested | k corrupted among 2m)``, shape (2m+1, m+1)."""
    k = np.arange(2 * m + 1)[:, None]
    j = np.arange(m + 1)[None, :]
    def log_binom(a, b):
        ok = (b >= 0) & (b <= a)
        bb = np.clip(b, 0, a)
        return np.where(ok, special.gammaln(a + 1) - special.gammaln(bb + 1)
                        - special.gammaln(a - bb + 1), -np.inf)

    table = np.exp(log_binom(k, j) + log_binom(2 * m - k, m - j) - log_binom(2 * m, m))
    table.flags.writeable = False
    return table


def worst_corrupted_failure(m: int, eta_c: float, f: float) -> float:
    """``max_k corrupted_exact(m, k, eta_c, f)["fail"]`` over k = 0..2m, vectorised.

    Examples:
        >>> import math
        >>> math.isclose(worst_corrupted_failure(4, 1.0, 0.25), max(
        ...     corrupted_exact(4, k, 1.0, 0.25)["fail"] for k in range(9)), rel_tol=1e-9)
        True
    """
    m = check_int(m, "m", minimum=1)
    pj = _hypergeom_table(m)
    k = np.arange(2 * m + 1)[:, None]
    j = np.arange(m + 1)[None, :]
    bad = (k - j) * eta_c >= f * m - 1e-12
    return float(np.max(np.sum(pj * (1 - eta_c) ** j * bad, axis=1)))


@jax.jit
def cut_and_choose(key, pass_z, pass_x):
    """Sample one verification of 2m copies with given per-copy test pass probabilities.

    Args:
        key: JAX PRNG key.
        pass_z, pass_x: float arrays of shape (2m,).

    Returns:
        ``(accepted, used)``: a bool scalar and a bool mask of the m used copies.

    Examples:
        >>> import jax, jax.numpy as jnp
        >>> ok, used = cut_and_choose(jax.random.key(0), jnp.ones(6), jnp.ones(6))
        >>> bool(ok), int(used.sum())
        (True, 3)
    """
    two_m = pass_z.shape[0]
    k_perm, k_basis, k_pass = jax.random.split(key, 3)
    tested = jax.random.permutation(k_perm, two_m) < two_m // 2
    use_x = jax.random.bernoulli(k_basis, 0.5, (two_m,))
    p = jnp.where(use_x, pass_x, pass_z)
    passed = jax.random.bernoulli(k_pass, p)
    return jnp.all(passed | ~tested), ~tested


def verified_ghz_sum_vector(b: int, n_parties: int, noise: Noise | None = None):
    """Verified coordinate-wise GHZ secure sum: 2P copies distributed, P tested, P used.

    Args:
        b: bits per quantised entry; n_parties: N. The dimension is
            ``ghz.aggregation_dimension(b, N)``.
        noise: per-share noise (module docstring): the used copies' sums are those of
            ``ghz.ghz_sum_vector(b, N, noise=noise)`` (each wrong with its exact law) and the
            honest pass probabilities default to :func:`honest_pass`.

    Returns:
        ``fn(key, x, pass_z=None, pass_x=None) -> Outcome`` for int x of shape (N, P).
        ``pass_z``/``pass_x`` (shape (2P,)) are the source's per-copy test pass probabilities
        (default: an honest source, all ones without noise; use :func:`copy_report` for small
        systems). The used copies are honest GHZ in this simulation (a dishonest source's used
        copies are analysed exactly by :func:`copy_report`, not sampled here). ``answer``: the
        sums if every test passed, else -1 everywhere; ``info``: ``accepted``, ``copies``
        (distributed), ``used``; cost ``verified_cost(N, d, P, noise, restarts=False)`` (this
        one attempt; with noise an honest attempt is accepted w.p. :func:`honest_acceptance`).

    Examples:
        >>> import jax, jax.numpy as jnp
        >>> x = jnp.array([[1, 3], [2, 3], [0, 3]])
        >>> out = verified_ghz_sum_vector(2, 3)(jax.random.key(0), x)
        >>> out.answer.tolist(), bool(out.info["accepted"]), int(out.info["copies"])
        ([3, 9], True, 4)
    """
    from .ghz import aggregation_dimension, ghz_sum_vector

    n = check_int(n_parties, "n_parties", minimum=2)
    d = aggregation_dimension(b, n)
    noise = _noise_laws.as_noise(noise)
    noisy = bool(_components(noise, 1))
    inner = ghz_sum_vector(b, n, noise=noise) if noisy else ghz_sum_vector(b, n)
    honest = honest_pass(n, d, noise) if noisy else (1.0, 1.0)
    if not noise.ideal:
        verified_cost(n, d, 1, noise, restarts=False)        # rejects erasure = 1 early

    def fn(key, x, pass_z=None, pass_x=None) -> Outcome:
        k_verify, k_sum = jax.random.split(key)
        p = int(np.shape(x)[-1]) if np.ndim(x) == 2 else 0
        out = inner(k_sum, x)                         # validates x
        ones = jnp.ones(2 * p)
        pass_z = ones * honest[0] if pass_z is None else jnp.asarray(
            check_probability(pass_z, "pass_z"))
        pass_x = ones * honest[1] if pass_x is None else jnp.asarray(
            check_probability(pass_x, "pass_x"))
        if pass_z.shape != (2 * p,) or pass_x.shape != (2 * p,):
            raise ValueError(f"pass_z and pass_x must have shape (2P,) = ({2 * p},), got "
                             f"{pass_z.shape} and {pass_x.shape}")
        accepted, used = cut_and_choose(k_verify, pass_z, pass_x)
        answer = jnp.where(accepted, out.answer, -1)
        cost = (verified_cost(n, d, p) if noise.ideal
                else verified_cost(n, d, p, noise, restarts=False))
        return Outcome(answer, cost,
                       {"accepted": accepted, "copies": jnp.int32(2 * p),
                        "used": jnp.sum(used).astype(jnp.int32),
                        "announcements": out.info["announcements"]})

    return fn
