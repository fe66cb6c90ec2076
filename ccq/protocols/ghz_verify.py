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
from . import _qudit

__all__ = [
    "SOURCES",
    "source_ensemble",
    "copy_report",
    "leakage",
    "verified_cost",
    "iid_failure",
    "corrupted_exact",
    "worst_corrupted_failure",
    "cut_and_choose",
    "verified_ghz_sum_vector",
]

SOURCES = ("honest", "product", "biased_mixture", "eavesdropper", "eve_ghz")


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


def copy_report(name: str, n: int, d: int, lam: float = 1.0) -> dict:
    """Exact per-copy numbers: test pass probabilities, fidelity, correctness, leakage.

    Returns:
        dict with ``pass_z``, ``pass_x``, ``pass_prob`` (the random test), ``eta``
        (= 1 - pass_prob), ``fidelity`` with GHZ_d, ``p_correct`` (the announced sum equals
        the true sum; equals pass_x), ``leak_bits`` (Holevo information between party 0's
        input and Eve's whole view, inputs uniform), ``guess`` (Eve's optimal probability
        of guessing party 0's input; exact Helstrom for d = 2, NaN otherwise).

    Examples:
        >>> r = copy_report("honest", 3, 2)
        >>> r["eta"], r["fidelity"], round(r["leak_bits"], 12), r["guess"]
        (0.0, 1.0, 0.0, 0.5)
    """
    n, d, lam = _check(name, n, d, lam)
    ens = source_ensemble(name, n, d, lam)
    ghz = _qudit.ghz_state(n, d)
    equal = np.zeros((d,) * n, bool)
    for k in range(d):
        equal[(k,) * n] = True
    zero_sum = np.indices((d,) * n).sum(axis=0) % d == 0
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


def _entropy(blocks) -> float:
    ev = np.concatenate([np.linalg.eigvalsh(b).ravel() for b in blocks])
    ev = ev[ev > 1e-15]
    return float(-np.sum(ev * np.log2(ev)))


def leakage(ensemble, n: int, d: int) -> tuple[float, float]:
    """Holevo information and (d = 2) Helstrom guessing probability about party 0's input.

    Eve's view: the branch index, all N announcements and her register; all inputs uniform.
    Returns ``(chi_bits, p_guess)`` with ``p_guess = nan`` for d > 2.
    """
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
            blocks.append(w * acc / len(rest))
        rho.append(np.concatenate(blocks))
    avg = sum(rho) / d
    chi = _entropy(avg) - sum(_entropy(r) for r in rho) / d
    guess = float("nan")
    if d == 2:
        diff = rho[0] - rho[1]
        norm1 = sum(np.abs(np.linalg.eigvalsh(b)).sum() for b in diff)
        guess = 0.5 + 0.25 * float(norm1)
    return max(0.0, float(chi)), guess


# ---------------------------------------------------------------- cut and choose


def verified_cost(n_parties: int, d: int, m: int) -> Cost:
    """Cost of m verified GHZ secure sums (2m copies): ebits, bits, and 3 rounds.

    Rounds: the challenge (which copies, which tests), the test announcements, and after
    acceptance the data announcements. Bits: both halves announce ``ceil(log2 d)`` bits per
    party per copy, plus 3 challenge bits per used copy.

    Examples:
        >>> verified_cost(4, 8, 10)
        Cost(qubits=0, bits=270, ebits=180.0, rounds=3)
    """
    n = check_int(n_parties, "n_parties", minimum=2)
    d = check_int(d, "d", minimum=2)
    m = check_int(m, "m", minimum=1)
    r = math.ceil(math.log2(d))
    return Cost(qubits=0, bits=2 * m * n * r + 3 * m, ebits=2 * m * (n - 1) * math.log2(d),
                rounds=3)


def iid_failure(eta: float, m: int, f: float) -> float:
    """Exact P(accept and mean defect of used copies >= f) when every copy has defect eta."""
    return float((1 - eta) ** m) if eta >= f else 0.0


def corrupted_exact(m: int, k: int, eta_c: float, f: float) -> dict:
    """k of the 2m copies are corrupted (defect ``eta_c``), the rest honest: exact outcomes.

    Returns:
        ``accept`` (probability), ``fail`` (P(accept and mean used defect >= f), the event the
        bound ghz.verification_eps controls), ``used_corrupt_given_accept`` (expected fraction
        of used copies that are corrupted, conditioned on acceptance).
    """
    m = check_int(m, "m", minimum=1)
    k = check_int(k, "k", minimum=0, maximum=2 * m)
    j = np.arange(0, min(k, m) + 1)                       # corrupted among the tested
    pj = stats.hypergeom.pmf(j, 2 * m, k, m)
    pass_j = (1 - eta_c) ** j
    acc = float(np.sum(pj * pass_j))
    used = k - j
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


def verified_ghz_sum_vector(b: int, n_parties: int):
    """Verified coordinate-wise GHZ secure sum: 2P copies distributed, P tested, P used.

    Args:
        b: bits per quantised entry; n_parties: N. The dimension is
            ``ghz.aggregation_dimension(b, N)``.

    Returns:
        ``fn(key, x, pass_z=None, pass_x=None) -> Outcome`` for int x of shape (N, P).
        ``pass_z``/``pass_x`` (shape (2P,)) are the source's per-copy test pass probabilities
        (default: an honest source, all ones; use :func:`copy_report` for small systems).
        The used copies are honest GHZ in this simulation (a dishonest source's used copies
        are analysed exactly by :func:`copy_report`, not sampled here). ``answer``: the sums
        if every test passed, else -1 everywhere; ``info``: ``accepted``, ``copies``
        (distributed), ``used``; cost :func:`verified_cost`.

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
    inner = ghz_sum_vector(b, n)

    def fn(key, x, pass_z=None, pass_x=None) -> Outcome:
        k_verify, k_sum = jax.random.split(key)
        p = int(np.shape(x)[-1]) if np.ndim(x) == 2 else 0
        out = inner(k_sum, x)                         # validates x
        ones = jnp.ones(2 * p)
        pass_z = ones if pass_z is None else jnp.asarray(check_probability(pass_z, "pass_z"))
        pass_x = ones if pass_x is None else jnp.asarray(check_probability(pass_x, "pass_x"))
        if pass_z.shape != (2 * p,) or pass_x.shape != (2 * p,):
            raise ValueError(f"pass_z and pass_x must have shape (2P,) = ({2 * p},), got "
                             f"{pass_z.shape} and {pass_x.shape}")
        accepted, used = cut_and_choose(k_verify, pass_z, pass_x)
        answer = jnp.where(accepted, out.answer, -1)
        return Outcome(answer, verified_cost(n, d, p),
                       {"accepted": accepted, "copies": jnp.int32(2 * p),
                        "used": jnp.sum(used).astype(jnp.int32),
                        "announcements": out.info["announcements"]})

    return fn
