"""TieAudit_eps: audit a gradient's sign pattern against a private parameter matching.

Alice (the server) holds signs ``x`` in {+-1}^P; Bob (a client) holds a matching of parameter
pairs (shape (m, 2), perfect or alpha-partial) and expected relations ``w`` in {+-1}^m. The
answer is +1 ("consistent", agreement >= 1/2 + eps) or -1 ("violated", agreement <= 1/2 - eps),
where agreement is the fraction of edges (i, j) with ``x_i x_j = w_e``. Model: one-way
Alice -> Bob, except ``"twoway"``; public coins are free (not counted); Bob decides.

Methods (``budget`` is K copies / s coordinates / K edges; default from ``ccq.bounds.tieaudit``;
``budget="optimal"``: the smallest budget whose exact worst-case error over the promise is <=
delta, from :func:`ccq.protocols.tieaudit_exact.minimal_budget`, found at call time from P, m):

* ``"quantum"``: K copies of ``P^(-1/2) sum_i x_i |i>`` (``ceil(log2 P)`` qubits each); Bob
  measures each in ``{(|i> +- |j>)/sqrt2 : (i, j) in M}`` (plus ``|k>`` for unmatched k), gets a
  uniformly random edge with ``x_i x_j`` exactly (probability 2m/P), and takes the majority of
  ``x_i x_j w_e`` (ties: a fair coin). Cost ``K ceil(log2 P)`` qubits, 1 round.
* ``"birthday"``: public coins pick s of the P coordinates uniformly; Alice sends those signs
  (s bits); Bob takes the majority over the matched edges inside. Cost s bits, 1 round. The
  simulation draws the subset as a permutation (O(P log P) work per run: practical to ~2^24).
* ``"exact"``: Alice sends all P signs (P bits, 1 round); Bob computes the agreement.
* ``"twoway"``: Bob sends K uniformly random edges (``2 ceil(log2 P)`` bits each), Alice answers
  each ``x_i x_j`` (1 bit): ``K (2 ceil(log2 P) + 1)`` bits, 2 rounds (private coins).
* ``"twoway_public"``: public coins pick K uniform vertices i; Bob sends each one's partner j
  (``ceil(log2 P)`` bits; j = i for an unmatched i), Alice answers ``x_i x_j`` (1 bit):
  ``K (ceil(log2 P) + 1)`` bits, 2 rounds. Same law as ``"quantum"`` (a uniform vertex hits
  an edge w.p. 2m/P), at ``(n + 1)/n`` times its communication.
* ``"bob_to_alice"``: one-way the other way: Bob sends the partner j and the relation w_e of K
  public uniform vertices (``ceil(log2 P) + 1`` bits each), Alice decides. Same law and cost
  as ``"twoway_public"``, 1 round. So the exponential separation holds only for one-way
  communication from Alice to Bob.

The quantum measurement runs on the exact sampler (O(K) work, any P up to 2^30) or, with
``simulator="statevector"``, on the full ``2^n`` statevector with the matching basis applied as
a unitary (P up to 2^16). Both sample from :func:`outcome_distribution`; exact decision
probabilities of every method are in :mod:`ccq.protocols.tieaudit_exact`.
[reconstruction: docs/protocols.md section 4; arXiv 2606.20344 gives only the scaling.]

Examples:
    >>> import jax
    >>> from ccq.protocols.tieaudit_instances import instance
    >>> x, M, w = instance(jax.random.key(0), 64, 0.25, consistent=True)
    >>> out = tieaudit("quantum", eps=0.25)(jax.random.key(1), x, M, w)
    >>> int(out.answer), out.cost
    (1, Cost(qubits=144, bits=0, ebits=0, rounds=1))
"""

from __future__ import annotations

import functools
import math

import jax
import jax.numpy as jnp
import numpy as np

from .. import sim
from .._core import (
    Cost,
    Outcome,
    check_finite,
    check_in_interval,
    check_int,
    check_key,
    is_concrete,
)

__all__ = ["METHODS", "tieaudit", "register_qubits", "default_budget", "protocol_cost",
           "outcome_distribution", "statevector_outcome_distribution", "matching_basis_state",
           "check_instance"]

METHODS = ("quantum", "birthday", "exact", "twoway", "twoway_public", "bob_to_alice")
PUBLIC_VERTEX_METHODS = ("quantum", "twoway_public", "bob_to_alice")   # one law: uniform vertex
SIMULATORS = ("sampler", "statevector")
STATEVECTOR_MAX_P = 2**16
SAMPLER_MAX_P = 2**30


def register_qubits(P: int) -> int:
    """Qubits of one copy of ``|psi_x>``: ``ceil(log2 P)`` (exact integer arithmetic).

    Examples:
        >>> register_qubits(2), register_qubits(1000), register_qubits(2**29)
        (1, 10, 29)
    """
    return sim.num_qubits(P)


def default_budget(method: str, eps: float, delta: float, P: int, m: int) -> int:
    """Budget that provably gives error <= delta (``ccq.bounds.tieaudit``; alpha = 2m/P).

    Quantum, perfect matching: ``ceil(ln(1/delta)/(2 eps^2))`` copies; alpha-partial: hits are
    Bin(K, alpha) and ``E exp(-2 eps^2 H) <= delta`` needs ``K >= ln(1/delta)/(alpha(1 -
    exp(-2 eps^2)))``. Birthday: ``min(P, ceil(1 + sqrt(2P(eps^-2 + 8) ln(2/delta)/alpha)))``.
    Two-way: Bob only sends real edges, so the perfect-matching count applies.

    Examples:
        >>> default_budget("quantum", 0.1, 0.05, 2**20, 2**19)
        150
        >>> default_budget("birthday", 0.1, 0.05, 2**20, 2**19)
        28907
    """
    alpha = 2 * m / P
    hoeffding = math.ceil(math.log(1 / delta) / (2 * eps**2) - 1e-9)
    if method == "twoway" or (method in PUBLIC_VERTEX_METHODS and 2 * m == P):
        return hoeffding
    if method in PUBLIC_VERTEX_METHODS:
        return math.ceil(math.log(1 / delta) / (alpha * -math.expm1(-2 * eps**2)) - 1e-9)
    if method == "birthday":
        s = 1 + math.sqrt(2 * P * (eps**-2 + 8) * math.log(2 / delta) / alpha)
        return min(P, math.ceil(s - 1e-9))
    if method == "exact":
        return P
    raise ValueError(f"method must be one of {METHODS}, got {method!r}")


def protocol_cost(method: str, budget: int, P: int) -> Cost:
    """Communication of one run (static: depends on the method, budget and P only).

    Examples:
        >>> protocol_cost("quantum", 150, 2**20), protocol_cost("twoway", 150, 2**20).bits
        (Cost(qubits=3000, bits=0, ebits=0, rounds=1), 6150)
    """
    n = register_qubits(P)
    if method == "quantum":
        return Cost(qubits=budget * n, rounds=1)
    if method == "birthday":
        return Cost(bits=budget, rounds=1)
    if method == "exact":
        return Cost(bits=P, rounds=1)
    if method == "twoway":
        return Cost(bits=budget * (2 * n + 1), rounds=2)
    if method == "twoway_public":
        return Cost(bits=budget * (n + 1), rounds=2)
    if method == "bob_to_alice":
        return Cost(bits=budget * (n + 1), rounds=1)
    raise ValueError(f"method must be one of {METHODS}, got {method!r}")


# ---------------------------------------------------------------- inputs


def check_instance(x, matching, w, *, require_perfect: bool = False) -> tuple[int, int]:
    """Validate one instance; return ``(P, m)``. Values are checked only when concrete.

    Raises:
        ValueError: naming the problem: wrong shapes or dtypes, P < 2, an odd P or a
            non-covering matching when ``require_perfect``, indices out of range, overlapping
            pairs (a vertex in two edges, or an edge (i, i)), ``w`` not in {+-1}, non-finite x.

    Examples:
        >>> check_instance(np.ones(4), np.array([[0, 1], [2, 3]]), np.array([1, -1]))
        (4, 2)
        >>> check_instance(np.ones(4), np.array([[0, 1], [1, 3]]), np.array([1, -1]))
        Traceback (most recent call last):
        ...
        ValueError: matching pairs must be disjoint: vertex 1 appears in 2 pairs
    """
    if np.ndim(x) != 1:
        raise ValueError(f"x must be a 1-D sign vector or gradient, got shape {np.shape(x)}")
    P = int(np.shape(x)[0])
    if P < 2:
        raise ValueError(f"x must have P >= 2 entries, got P={P}")
    if P > SAMPLER_MAX_P:
        raise ValueError(f"P must be <= 2^30 (the exact sampler's range), got P={P}")
    if np.ndim(matching) != 2 or np.shape(matching)[1] != 2:
        raise ValueError(f"matching must have shape (m, 2), got shape {np.shape(matching)}")
    m = int(np.shape(matching)[0])
    if m < 1:
        raise ValueError("matching must have at least one edge, got m=0")
    dtype = jnp.asarray(matching).dtype
    if not jnp.issubdtype(dtype, jnp.integer):
        raise ValueError(f"matching must hold integer indices, got dtype {dtype}")
    if 2 * m > P:
        raise ValueError(f"a matching on P={P} vertices has at most {P // 2} edges, got m={m}")
    if require_perfect and P % 2:
        raise ValueError(f"a perfect matching needs an even number of parameters P, got P={P}")
    if require_perfect and 2 * m != P:
        raise ValueError(f"a perfect matching on P={P} vertices has {P // 2} edges, got m={m}")
    if np.shape(w) != (m,):
        raise ValueError(f"w must have shape (m,) = ({m},), got shape {np.shape(w)}")
    check_finite(x, "x")
    if is_concrete(matching):
        flat = np.asarray(matching).ravel()
        lo, hi = int(flat.min()), int(flat.max())
        if lo < 0 or hi >= P:
            bad = lo if lo < 0 else hi
            raise ValueError(f"matching indices must lie in [0, P) = [0, {P}), got {bad}")
        counts = np.bincount(flat, minlength=P)
        if counts.max() > 1:
            v = int(np.argmax(counts))
            raise ValueError(f"matching pairs must be disjoint: vertex {v} appears in "
                             f"{int(counts[v])} pairs")
    if is_concrete(w):
        wv = np.asarray(w)
        if not np.all((wv == 1) | (wv == -1)):
            bad = wv[(wv != 1) & (wv != -1)][0]
            raise ValueError(f"w must hold relations in {{-1, +1}}, got {bad!r}")
    return P, m


def _signs(x):
    return jnp.where(jnp.asarray(x) >= 0, 1, -1).astype(jnp.int32)


# ---------------------------------------------------------------- the quantum measurement


@jax.jit
def outcome_distribution(x, matching):
    """Exact distribution of one matching-basis measurement of ``P^(-1/2) sum_i x_i |i>``.

    Returns:
        ``(probs, miss)``: ``probs[e] = ((1 + x_i x_j)/P, (1 - x_i x_j)/P)`` for the '+' and '-'
        outcomes of edge e = (i, j), and ``miss = (P - 2m)/P`` for the unmatched vertices.

    Examples:
        >>> p, miss = outcome_distribution(jnp.array([1, -1, 1, 1]), jnp.array([[0, 1]]))
        >>> p.tolist(), float(miss)
        ([[0.0, 0.5]], 0.5)
    """
    s = _signs(x)
    P = s.shape[0]
    par = (s[matching[:, 0]] * s[matching[:, 1]]).astype(sim.real_dtype())
    probs = jnp.stack([(1 + par) / P, (1 - par) / P], axis=1)
    return probs, jnp.asarray((P - 2 * matching.shape[0]) / P, sim.real_dtype())


@jax.jit
def matching_basis_state(x, matching):
    """``U |psi_x>`` where U maps the matching basis to the computational basis.

    U first permutes ``|M[e,0]> -> |2e>``, ``|M[e,1]> -> |2e+1>`` (unmatched vertices and the
    zero padding to ``2m, 2m+1, ...`` in order), then applies a Hadamard to the last qubit. So
    ``(|i> + |j>)/sqrt2 -> |2e>`` and ``(|i> - |j>)/sqrt2 -> |2e+1>``, and the unmatched span
    stays on indices ``>= 2m``. Measuring the result in the computational basis is Bob's
    measurement.

    Examples:
        >>> st = matching_basis_state(jnp.array([1, 1, 1, -1]), jnp.array([[0, 1], [2, 3]]))
        >>> (jnp.abs(st) ** 2).round(3).tolist()
        [0.5, 0.0, 0.0, 0.5]
    """
    s = _signs(x)
    psi = sim.amplitude_encode(s.astype(sim.real_dtype()))
    dim = psi.shape[0]
    m = matching.shape[0]
    flat = matching.reshape(-1)
    unmatched = jnp.ones(dim, bool).at[flat].set(False)
    rank = jnp.cumsum(unmatched) - 1
    pos = jnp.where(unmatched, 2 * m + rank, 0).at[flat].set(jnp.arange(2 * m))
    permuted = jnp.zeros_like(psi).at[pos].set(psi)
    return sim.apply_gate(permuted, sim.H, [sim.num_qubits(dim) - 1])


def statevector_outcome_distribution(x, matching):
    """:func:`outcome_distribution` computed from the statevector (Born rule after U).

    Examples:
        >>> p, miss = statevector_outcome_distribution(jnp.array([1, -1, 1]), jnp.array([[0, 1]]))
        >>> p.round(4).tolist(), round(float(miss), 4)
        ([[0.0, 0.6667]], 0.3333)
    """
    probs = sim.probabilities(matching_basis_state(x, matching))
    m = matching.shape[0]
    return probs[: 2 * m].reshape(m, 2), jnp.sum(probs[2 * m:])


def _measure_sampler(key, s, matching, K: int):
    P, m = s.shape[0], matching.shape[0]
    r = jax.random.randint(key, (K,), 0, P)          # a vertex, uniformly: edge r // 2 if r < 2m
    hit = r < 2 * m
    e = jnp.minimum(r // 2, m - 1)
    sign = s[matching[e, 0]] * s[matching[e, 1]]
    return hit, e, sign


def _measure_statevector(key, s, matching, K: int):
    m = matching.shape[0]
    o = sim.sample(key, matching_basis_state(s, matching), K)
    hit = o < 2 * m
    return hit, jnp.minimum(o // 2, m - 1), jnp.where(o % 2 == 0, 1, -1)


def _decide(key, z):
    total = jnp.sum(z)
    coin = jnp.where(jax.random.bernoulli(key), 1, -1)
    return jnp.where(total > 0, 1, jnp.where(total < 0, -1, coin)), total


@functools.partial(jax.jit, static_argnames=("method", "b", "simulator"))
def _run(key, x, matching, w, *, method: str, b: int, simulator: str):
    P, m = x.shape[0], matching.shape[0]
    s, w = _signs(x), w.astype(jnp.int32)
    k_run, k_tie = jax.random.split(key)
    if method in PUBLIC_VERTEX_METHODS:
        # quantum: Bob's measurement; twoway_public / bob_to_alice: a public uniform vertex i,
        # its partner j sent by Bob, x_i x_j w_e formed by Alice (answered or decided)
        measure = _measure_statevector if simulator == "statevector" else _measure_sampler
        hit, e, sign = measure(k_run, s, matching, b)
        z = jnp.where(hit, sign * w[e], 0)
        seen = jnp.sum(hit)
    elif method == "twoway":
        e = jax.random.randint(k_run, (b,), 0, m)          # Bob's edges (sent to Alice)
        z = s[matching[e, 0]] * s[matching[e, 1]] * w[e]     # Alice's parity bits, compared
        seen = jnp.asarray(b)
    elif method == "birthday":
        subset = jax.random.choice(k_run, P, (b,), replace=False)     # public coins
        message = jnp.zeros(P, jnp.int32).at[subset].set(s[subset])    # 0 = not revealed
        z = message[matching[:, 0]] * message[matching[:, 1]] * w     # 0 unless both revealed
        seen = jnp.sum(z != 0)
    else:
        z = s[matching[:, 0]] * s[matching[:, 1]] * w
        seen = jnp.asarray(m)
    answer, total = _decide(k_tie, z)
    return answer, total, seen


# ---------------------------------------------------------------- front door


@functools.lru_cache(maxsize=256)
def _optimal_budget(method: str, eps: float, delta: float, P: int, m: int) -> int:
    from .tieaudit_exact import minimal_budget  # tieaudit_exact imports this module
    return minimal_budget(method, eps=eps, delta=delta, P=P, m=m)


def tieaudit(method: str, eps: float, delta: float = 0.05, budget: int | None = None, *,
             simulator: str = "sampler", require_perfect: bool = False, noise=None):
    """A TieAudit_eps protocol ``fn(key, x, matching, w) -> Outcome``.

    Args:
        method: one of :data:`METHODS` (module docstring).
        eps: promise gap in (0, 1/2]; eps = 1/2 is Boolean Hidden Matching.
        delta: target error in (0, 1/2), used for the default budget.
        budget: copies K (quantum), coordinates s (birthday, at most P) or edges K (two-way);
            None for the sufficient value of :func:`default_budget`; ``"optimal"`` for the
            exact minimum (:func:`ccq.protocols.tieaudit_exact.minimal_budget`, cached per
            (method, eps, delta, P, m)). Not allowed for exact.
        simulator: ``"sampler"`` (exact outcome sampler, P <= 2^30) or ``"statevector"``
            (P <= 2^16); quantum only.
        require_perfect: reject matchings that do not cover all P parameters.
        noise: ``None``, a :class:`ccq.noise.Noise` (per qubit of each copy; erasure resends
            the copy) or a :class:`ccq.protocols.gapip_noise.GlobalDepolarizing`; quantum only.
            The sampler is exact for dephasing (each edge's Hamming weight) and global
            depolarising and refuses other channels; ``simulator="statevector"`` runs one
            noise trajectory per copy (any channel). ``budget="optimal"`` searches the noisy
            worst case over the promise and over matchings
            (:func:`ccq.protocols.tieaudit_noise.minimal_budget`); ``None`` keeps the
            noiseless default. See :mod:`ccq.protocols.tieaudit_noise`.

    Returns:
        ``fn(key, x, matching, w)``: ``x`` a sign vector or gradient of length P (entries >= 0
        count as +1), ``matching`` int (m, 2), ``w`` in {+-1}^m. ``Outcome.answer`` is +1 or -1;
        ``info`` holds ``statistic`` (agreements minus disagreements seen) and ``seen`` (edges
        Bob learned a parity of). jit/vmap-friendly; the cost is static.

    Raises:
        ValueError: bad method, eps, delta, budget or simulator (here), bad instance (at call).

    Examples:
        >>> from ccq.protocols.tieaudit_instances import bhm_instance
        >>> x, M, w = bhm_instance(jax.random.key(3), 64, consistent=False)
        >>> out = tieaudit("birthday", eps=0.5)(jax.random.key(4), x, M, w)
        >>> int(out.answer), out.cost.bits
        (-1, 64)
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    eps = check_in_interval(eps, "eps", 0, 0.5, closed="right")
    delta = check_in_interval(delta, "delta", 0, 0.5)
    if budget == "optimal":
        if method == "exact":
            raise ValueError("budget is not used by method 'exact' (it always sends P bits)")
    elif isinstance(budget, str):
        raise ValueError(f"budget must be a positive integer, None or 'optimal', got {budget!r}")
    elif budget is not None:
        if method == "exact":
            raise ValueError("budget is not used by method 'exact' (it always sends P bits); "
                             f"got budget={budget!r}")
        budget = check_int(budget, "budget", minimum=1)
    if simulator not in SIMULATORS:
        raise ValueError(f"simulator must be one of {SIMULATORS}, got {simulator!r}")
    from . import tieaudit_noise as _noise  # imports this module
    noise = _noise.check_noise(noise, method)
    if simulator == "statevector" and method != "quantum":
        raise ValueError(f"simulator='statevector' applies to method 'quantum' only, "
                         f"got method {method!r}")

    def fn(key, x, matching, w):
        check_key(key)
        P, m = check_instance(x, matching, w, require_perfect=require_perfect)
        if budget == "optimal" and noise is not None:
            b = _noise.minimal_budget(eps=eps, delta=delta, P=P, m=m, noise=noise)
        elif budget == "optimal":
            b = _optimal_budget(method, eps, delta, P, m)
        else:
            b = default_budget(method, eps, delta, P, m) if budget is None else budget
        if method == "birthday" and b > P:
            raise ValueError(f"budget (coordinates sent) must be <= P={P}, got {b}")
        if simulator == "statevector" and P > STATEVECTOR_MAX_P:
            raise ValueError(f"simulator='statevector' supports P <= 2^16, got P={P}")
        if noise is not None:
            answer, total, seen = _noise.run(key, x, matching, w, b, noise, simulator)
            return Outcome(answer, _noise.noisy_cost(b, P, noise),
                           {"statistic": total, "seen": seen})
        answer, total, seen = _run(key, jnp.asarray(x), jnp.asarray(matching), jnp.asarray(w),
                                   method=method, b=b, simulator=simulator)
        return Outcome(answer, protocol_cost(method, b, P),
                       {"statistic": total, "seen": seen})

    return fn
