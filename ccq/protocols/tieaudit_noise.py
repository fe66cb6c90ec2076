"""Noise as a parameter of TieAudit's quantum protocol (``ccq.tieaudit("quantum", noise=...)``).

Each of the K copies ``P^(-1/2) sum_i x_i |i>`` (n = ceil(log2 P) qubits) crosses the channel
once and Bob measures it on arrival in the matching basis: no memory is involved. Per copy Bob
gets a vote in {+1, 0, -1} (0: an unmatched vertex); copies are independent, so the decision
law is that of K i.i.d. votes (:func:`accept_probability`).

What is exact:

* **Dephasing** (Z errors) keeps the structure: a Z string z multiplies amplitude i by
  ``(-1)^(z.i)``, so Bob still lands on a uniformly random vertex, and the parity he reads for
  edge (i, j) is flipped iff ``z.(i xor j)`` is odd, with probability ``f(w) = (1 - (1 -
  2q)^w)/2`` for an edge of Hamming weight ``w = |i xor j|`` (:func:`flip_probability`).
  **Exact** for a given matching (the sampler uses each edge's weight). Over all matchings the
  worst case puts the agreeing edges on weight n and the others on weight 1 (or the reverse):
  :func:`worst_case_error` with ``weights="worst"`` (a rigorous bound over matchings,
  attained by a matching with those weights).
* **Global depolarising** of a copy (:class:`ccq.protocols.gapip_noise.GlobalDepolarizing`):
  ideal w.p. 1 - p, else uniform over the 2^n outcomes: a vote +1 and a vote -1 each w.p.
  m/2^n. **Exact.**

What is a bound: per-qubit **depolarising** has X and Y parts that move amplitude to other
vertices (the parity then depends on x). A copy is X-free w.p. ``(1 - d/2)^n``; given that, its
Z string is dephasing with ``q' = (d/4)/(1 - d/2)`` per qubit (composed with the dephasing), so
the law is exact on that branch and the rest is put on the wrong vote. **Amplitude damping**
moves the law of a copy by at most ``sqrt(1 - (1 - gamma)^n)`` in total variation (its no-jump
operator ``K0 >= sqrt(1 - gamma) I``, then Fuchs-van de Graaf), also put on the wrong vote.
Majority with a fair coin on ties is monotone in each vote, so these are rigorous upper bounds
on the error; the sampler refuses such noise (no exact law) and ``simulator="statevector"``
runs exact trajectories (one noise draw per copy, ``vmap`` over copies).

Heralded **erasure**: a lost copy is resent alone, ``K n / (1 - e)^n`` expected qubits.

Examples:
    >>> from ccq.noise import Noise
    >>> ideal = worst_case_error(67, P=2**20, m=2**19, eps=0.1, noise=None)
    >>> noisy = worst_case_error(67, P=2**20, m=2**19, eps=0.1, noise=Noise(dephasing=1e-3))
    >>> ideal <= 0.05 < noisy
    True
    >>> minimal_budget(eps=0.1, delta=0.05, P=2**20, m=2**19, noise=Noise(dephasing=1e-3))
    85
"""

from __future__ import annotations

import dataclasses
import functools
import math

import jax
import jax.numpy as jnp
import numpy as np
from scipy import stats

from .. import fit, sim
from .. import noise as _laws
from .._core import Cost
from ..noise import Noise
from ..sim import _channels
from .gapip_noise import GlobalDepolarizing, noise_model
from .tieaudit_instances import agreements

__all__ = ["check_noise", "edge_weights", "flip_probability", "CopyLaw", "copy_law",
           "vote_probabilities", "accept_probability", "worst_case_error", "minimal_budget",
           "noisy_cost", "run", "density_vote_law"]

WEIGHTS = ("worst",)
TRAJECTORY_MAX_P = 2**12


def check_noise(noise, method: str):
    """Validate ``noise`` for :func:`ccq.tieaudit`; an ideal model becomes None.

    Examples:
        >>> check_noise(Noise(), "quantum") is None
        True
    """
    if noise is None:
        return None
    model = noise_model(noise)
    if method != "quantum":
        raise ValueError(f"noise applies to method 'quantum' only, got {method!r}")
    return model


def edge_weights(matching) -> np.ndarray:
    """Hamming weight of ``i xor j`` for every edge (i, j).

    Examples:
        >>> edge_weights(np.array([[0, 1], [2, 4], [8, 7]])).tolist()
        [1, 2, 4]
    """
    d = np.bitwise_xor(np.asarray(matching)[:, 0], np.asarray(matching)[:, 1]).astype(np.int64)
    return np.array([bin(int(v)).count("1") for v in d], np.int64)


def flip_probability(q: float, weight):
    """Probability that per-qubit dephasing q flips the parity of an edge of this weight.

    Examples:
        >>> round(float(flip_probability(0.1, 1)), 6), round(float(flip_probability(0.1, 2)), 6)
        (0.1, 0.18)
    """
    return (1 - (1 - 2 * q) ** np.asarray(weight)) / 2


@dataclasses.dataclass(frozen=True)
class CopyLaw:
    """One copy's noise: w.p. ``s`` the exactly-known branch (Z errors with per-qubit flip
    ``q_z``); otherwise ``junk`` ("uniform" outcome, or "unknown": counted as a wrong vote);
    ``tv`` more total variation from amplitude damping; ``exact`` when nothing is bounded."""

    s: float
    q_z: float
    junk: str
    tv: float
    exact: bool


def copy_law(noise, n: int) -> CopyLaw:
    """The :class:`CopyLaw` of an n-qubit copy.

    Examples:
        >>> copy_law(Noise(dephasing=0.1), 3)
        CopyLaw(s=1.0, q_z=0.1, junk='none', tv=0.0, exact=True)
        >>> copy_law(GlobalDepolarizing(0.2), 3).junk
        'uniform'
    """
    if noise is None:
        return CopyLaw(1.0, 0.0, "none", 0.0, True)
    if isinstance(noise, GlobalDepolarizing):
        return CopyLaw(1.0 - noise.p, 0.0, "uniform", 0.0, True)
    d, g = noise.depolarizing, noise.amplitude_damping
    xfree = 1.0 - d / 2
    qz = _laws.compose_dephasing(0.0 if d == 0 else (d / 4) / xfree, noise.dephasing)
    tv = math.sqrt(-math.expm1(n * math.log1p(-g))) if g < 1 else 1.0
    return CopyLaw(xfree**n, qz, "unknown" if d else "none", min(tv, 1.0), d == 0 and g == 0)


def vote_probabilities(law: CopyLaw, *, P: int, m: int, agreeing: int, flip_agree: float,
                       flip_disagree: float, consistent: bool) -> tuple[float, float]:
    """``(P(vote +1), P(vote -1))`` of one copy; ``flip_agree``/``flip_disagree``: mean parity
    flip over the agreeing / disagreeing edges. Exact when ``law.exact``; otherwise the unknown
    and damping mass sit on the wrong vote for the side (``consistent``: +1 is right).

    Examples:
        >>> vote_probabilities(copy_law(None, 2), P=4, m=2, agreeing=2, flip_agree=0,
        ...                    flip_disagree=0, consistent=True)
        (1.0, 0.0)
    """
    alpha, a = 2 * m / P, agreeing / m
    plus = alpha * (a * (1 - flip_agree) + (1 - a) * flip_disagree)
    minus = alpha * (a * flip_agree + (1 - a) * (1 - flip_disagree))
    s = law.s
    if law.junk == "uniform":
        D = 2.0 ** sim.num_qubits(P)
        return s * plus + (1 - s) * m / D, s * minus + (1 - s) * m / D
    plus, minus = s * plus, s * minus
    bad = (1 - s) + law.tv              # mass on the wrong vote
    if consistent:
        plus = max(0.0, plus - law.tv)
        minus = min(1.0 - plus, minus + bad)
    else:
        minus = max(0.0, minus - law.tv)
        plus = min(1.0 - minus, plus + bad)
    return plus, minus


def accept_probability(K: int, plus: float, minus: float) -> float:
    """P(answer +1) for K i.i.d. votes: more +1 than -1, a fair coin on ties.

    Examples:
        >>> accept_probability(1, 0.5, 0.0)
        0.75
    """
    nz = plus + minus
    if nz <= 0:
        return 0.5
    # the count of non-zero votes lies within 12 sd (+20) of its mean but for < 1e-17 mass
    sd = math.sqrt(K * nz * (1 - nz))
    h = np.arange(max(0, int(K * nz - 12 * sd - 20)), min(K, int(K * nz + 12 * sd + 20)) + 1)
    ph = stats.binom.pmf(h, K, nz)
    keep = ph > 1e-17
    h, ph = h[keep], ph[keep]
    r = plus / nz
    over = stats.binom.sf(h // 2, h, r)
    tie = np.where(h % 2 == 0, stats.binom.pmf(h // 2, h, r), 0.0)
    return float(np.sum(ph * (over + 0.5 * tie)))


def _flips(law: CopyLaw, n: int, weights, consistent: bool):
    if weights == "worst":
        f = flip_probability(law.q_z, np.arange(1, n + 1))
        hi, lo = float(f.max()), float(f.min())
        return (hi, lo) if consistent else (lo, hi)
    f = float(flip_probability(law.q_z, int(weights)))
    return f, f


def worst_case_error(K: int, *, P: int, m: int, eps: float, noise, weights="worst") -> float:
    """Largest error over the two boundary instances of the eps-promise, under ``noise``.

    ``weights="worst"`` takes the worst matching (agreeing edges of the weight in 1..n, n =
    ceil(log2 P), that flips most -- n when q <= 1/2 -- the others of the weight that flips
    least, or the reverse); an integer w takes every edge of weight w (e.g.
    n for the complement matching i <-> ~i, 1 for i <-> i xor 1). Exact for dephasing and
    global depolarising at that matching; a rigorous upper bound for depolarising and damping.
    """
    n = sim.num_qubits(P)
    law = copy_law(noise, n)
    out = 0.0
    for consistent in (True, False):
        fa, fd = _flips(law, n, weights, consistent)
        plus, minus = vote_probabilities(law, P=P, m=m, agreeing=agreements(m, eps, consistent),
                                         flip_agree=fa, flip_disagree=fd, consistent=consistent)
        acc = accept_probability(K, plus, minus)
        out = max(out, 1.0 - acc if consistent else acc)
    return out


@functools.lru_cache(maxsize=1024)
def minimal_budget(*, eps: float, delta: float, P: int, m: int, noise, weights="worst") -> int:
    """Fewest copies K with :func:`worst_case_error` <= delta (more copies: the mitigation).

    Raises:
        ValueError: when the noisy votes no longer separate the two sides (no K suffices).
    """
    n = sim.num_qubits(P)
    law = copy_law(noise, n)
    for consistent in (True, False):
        fa, fd = _flips(law, n, weights, consistent)
        plus, minus = vote_probabilities(law, P=P, m=m, agreeing=agreements(m, eps, consistent),
                                         flip_agree=fa, flip_disagree=fd, consistent=consistent)
        if (plus <= minus) if consistent else (minus <= plus):
            side = "consistent" if consistent else "violated"
            raise ValueError(f"under {noise} the votes on the {side} side lean the wrong way "
                             f"(P={P}, eps={eps}): no budget decides")
    return fit.minimal_budget(lambda k: worst_case_error(k, P=P, m=m, eps=eps, noise=noise,
                                                         weights=weights), delta, lo=1, hi=2**40)


def noisy_cost(K: int, P: int, noise) -> Cost:
    """Expected communication: lost copies resent alone (heralded erasure).

    Examples:
        >>> noisy_cost(10, 8, Noise(erasure=0.5)).qubits      # 10 x 3 qubits x 2^3 sends
        240.0
    """
    n = sim.num_qubits(P)
    e = noise.erasure if isinstance(noise, Noise) else 0.0
    if e == 0:
        return Cost(qubits=K * n, rounds=1)
    return Cost(qubits=K * n * _laws.expected_sends(e, n), rounds=1)


# ---------------------------------------------------------------- sampling


def _matching_unitary(state, matching):
    """``U state`` with U the matching-basis change of :func:`ccq.protocols.tieaudit.
    matching_basis_state` (permutation, then a Hadamard on the last qubit)."""
    dim = state.shape[0]
    m = matching.shape[0]
    flat = matching.reshape(-1)
    unmatched = jnp.ones(dim, bool).at[flat].set(False)
    rank = jnp.cumsum(unmatched) - 1
    pos = jnp.where(unmatched, 2 * m + rank, 0).at[flat].set(jnp.arange(2 * m))
    permuted = jnp.zeros_like(state).at[pos].set(state)
    return sim.apply_gate(permuted, sim.H, [sim.num_qubits(dim) - 1])


@functools.partial(jax.jit, static_argnames=("K", "q_z", "p_global"))
def _sample_exact(key, s, matching, w, *, K: int, q_z: float, p_global: float):
    P, m = s.shape[0], matching.shape[0]
    k_v, k_f, k_g, k_o = jax.random.split(key, 4)
    r = jax.random.randint(k_v, (K,), 0, P)
    hit = r < 2 * m
    e = jnp.minimum(r // 2, m - 1)
    sign = s[matching[e, 0]] * s[matching[e, 1]]
    if q_z:
        d = jnp.bitwise_xor(matching[e, 0], matching[e, 1]).astype(jnp.uint32)
        weight = jax.lax.population_count(d).astype(jnp.float32)
        flip = jax.random.uniform(k_f, (K,)) < (1 - (1 - 2 * q_z) ** weight) / 2
        sign = jnp.where(flip, -sign, sign)
    if p_global:
        D = 2 ** sim.num_qubits(P)
        o = jax.random.randint(k_o, (K,), 0, D)
        junk = jax.random.uniform(k_g, (K,)) < p_global
        hit = jnp.where(junk, o < 2 * m, hit)
        e = jnp.where(junk, jnp.minimum(o // 2, m - 1), e)
        sign = jnp.where(junk, jnp.where(o % 2 == 0, 1, -1), sign)
    return hit, e, sign


def _trajectory_outcomes(key, s, matching, noise, K: int):
    psi = sim.amplitude_encode(s.astype(sim.real_dtype()))
    n = sim.num_qubits(psi.shape[0])
    keys = jax.random.split(key, K)
    if isinstance(noise, GlobalDepolarizing):
        def one(k):
            k1, k2, k3 = jax.random.split(k, 3)
            basis = jax.nn.one_hot(jax.random.randint(k2, (), 0, psi.shape[0]), psi.shape[0],
                                   dtype=psi.dtype)
            st = jnp.where(jax.random.uniform(k1) < noise.p, basis, psi)
            return sim.sample(k3, _matching_unitary(st, matching), 1)[0]
    else:
        steps = [(ops, q) for ops in noise.transmission_kraus() for q in range(n)]
        ops, structure = _channels._stack(steps, psi.dtype), _channels._structure(steps)

        def one(k):
            k1, k2 = jax.random.split(k)
            st = _channels._run_steps(k1, psi, ops, structure)
            return sim.sample(k2, _matching_unitary(st, matching), 1)[0]
    o = jax.vmap(one)(keys)
    m = matching.shape[0]
    return o < 2 * m, jnp.minimum(o // 2, m - 1), jnp.where(o % 2 == 0, 1, -1)


def run(key, x, matching, w, K: int, noise, simulator: str = "sampler"):
    """One noisy run of the quantum protocol: ``(answer, statistic, seen)``.

    ``simulator="sampler"`` draws from the exact law (dephasing, global depolarising, erasure);
    ``"statevector"`` runs one noise trajectory per copy (any channel, P <= 2^12).
    """
    from .tieaudit import _decide, _signs
    s, w = _signs(jnp.asarray(x)), jnp.asarray(w).astype(jnp.int32)
    matching = jnp.asarray(matching)
    k_run, k_tie = jax.random.split(key)
    if simulator == "statevector":
        if s.shape[0] > TRAJECTORY_MAX_P:
            raise ValueError(f"noisy trajectories support P <= {TRAJECTORY_MAX_P}, got "
                             f"P={s.shape[0]}")
        hit, e, sign = _trajectory_outcomes(k_run, s, matching, noise, K)
    else:
        law = copy_law(noise, sim.num_qubits(s.shape[0]))
        if not law.exact:
            raise ValueError(f"{noise} has no exact sampler (depolarising and damping move the "
                             "state off the matching structure); use simulator='statevector' "
                             "(trajectories) or worst_case_error, a rigorous bound")
        pg = noise.p if isinstance(noise, GlobalDepolarizing) else 0.0
        hit, e, sign = _sample_exact(k_run, s, matching, w, K=K, q_z=float(law.q_z),
                                     p_global=float(pg))
    z = jnp.where(hit, sign * w[e], 0)
    answer, total = _decide(k_tie, z)
    return answer, total, jnp.sum(hit)


def density_vote_law(x, matching, w, noise) -> tuple[float, float]:
    """Exact ``(P(vote +1), P(vote -1))`` of one copy from its noisy density matrix (small P).

    Examples:
        >>> x = np.array([1, 1, 1, -1]); M = np.array([[0, 1], [2, 3]]); w = np.array([1, 1])
        >>> [round(v, 6) for v in density_vote_law(x, M, w, Noise(dephasing=0.0))]
        [0.5, 0.5]
    """
    s = np.where(np.asarray(x) >= 0, 1.0, -1.0)
    psi = np.asarray(sim.amplitude_encode(jnp.asarray(s, sim.real_dtype())), np.complex128)
    psi /= np.linalg.norm(psi)
    D = psi.shape[0]
    n = sim.num_qubits(D)
    from .gapip_noise import _message
    rho = _message(np.outer(psi, psi.conj()), noise, n, memory=False)
    U = np.stack([np.asarray(_matching_unitary(jnp.asarray(col, jnp.complex64),
                                                jnp.asarray(matching)), np.complex128)
                  for col in np.eye(D)], axis=1)
    probs = np.real(np.diag(U @ rho @ U.conj().T))
    m = len(w)
    plus = sum(probs[2 * e] if w[e] == 1 else probs[2 * e + 1] for e in range(m))
    minus = sum(probs[2 * e + 1] if w[e] == 1 else probs[2 * e] for e in range(m))
    return float(plus), float(minus)
