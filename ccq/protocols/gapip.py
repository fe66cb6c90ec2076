"""GapIP_tau: decide the sign of <g, h> for unit g, h in R^P under the promise ``|<g,h>| >= tau``.

Front door :func:`gapip`: ``ccq.gapip(method, tau, delta=0.05, budget=None)`` returns a
:class:`GapIP` protocol, called as ``fn(key, g, h) -> ccq.Outcome`` with ``answer`` +1
("aligned") or -1 ("conflict") and an exact, static cost. Methods and models:

========== ========================================================= ============ ==============
method     protocol                                                  model        budget means
========== ========================================================= ============ ==============
swap       Alice sends k copies of u; Bob swap-tests each against v  one-way A->B shots k
projective Alice sends k copies of u; Bob measures the projector     one-way A->B copies k
           onto v on each (he knows h): accepts w.p. ((1+c)/2)^2
ae         canonical amplitude estimation on Q = R_u R_v; the        interactive  Grover
           M-dim control register travels with the message                        applications M
           (``control="register"``) or one control qubit does
           (``"one_qubit"``: semiclassical QFT, M = 2^m); r runs
           in parallel, majority vote
mlae       maximum-likelihood AE (control-free): Bob sends v;        interactive  largest Grover
           Grover powers 0 and M, M/2, M/4, ..., 1 (rounded down,                 power M
           +1 if = 1 mod 3, see _gapip_quantum.mlae_schedule),
           `shots_per_power` shots each; Alice projects onto u;
           the likelihood is maximised on a grid
simhash    k shared Gaussian hyperplanes, Alice sends sign bits      one-way,     sign bits k
                                                                     public coin
sign       Alice sends sign(r_i.g); Bob sums sign(r_i.g) (r_i.h)     one-way,     sign bits k
           with his real projections, decides on the sign            public coin
jl         k Gaussian projections, b-bit dithered entries            one-way,     rows k
                                                                     public coin
ams        k shared rows of +-1 signs (AMS), b-bit dithered entries  one-way,     rows k
           on the full range sqrt(P); law depends on the vectors,    public coin
           certified by Cantelli (:mod:`.gapip_ams`)
exact      all P entries at b bits                                   one-way      bits/entry b
========== ========================================================= ============ ==============

``budget=None`` is the exact optimum (below) where its search is fast: ``sign`` always (0.1 s at
any tau) and ``ae`` at the (tau, delta) tabulated in :mod:`ccq.protocols.gapip_table` (instant)
or at tau >= 0.05 (about 0.4 s), when no knob (threshold, repetitions, control, noise)
is fixed by the caller. Everywhere else -- swap, projective, simhash (their scans take 4 s at
tau = 0.01 and over a minute at 0.003), mlae, jl (minutes), ae at untabulated tau < 0.05 -- and
with ``budget="bound"``, the budget comes from :mod:`ccq.bounds.gapip` for error <= delta (for
``mlae`` an asymptotic Cramer-Rao estimate times :data:`MLAE_SAFETY`, not a guarantee; see
docs/gapip.md). ``budget="optimal"`` searches every knob with the exact error law, worst case
over the whole promise, for every method (:mod:`ccq.protocols.gapip_optimal`: swap, projective,
simhash, sign, ae; :mod:`ccq.protocols.gapip_mlae`: the ML-AE schedule and shots, exact by
enumerating count vectors; :mod:`ccq.protocols.gapip_jl`: JL rows x bits per entry, exact by
Gil-Pelaez; exact keeps its guaranteed bits per entry). Search costs: AE about 0.5 s at
tau = 0.01 and 10 s or more below 0.003 (untabulated), ML-AE seconds at tau >= 0.1 and minutes
below 0.05, JL about a minute per tau (docs/gapip.md).
Quantum registers have 1 + n qubits, n = ceil(log2 P); the augmented encoding
and both AE protocols are reconstructions (docs/protocols.md section 3).

Two simulation paths give the same output distribution: ``path="reduced"`` uses only
``c = <g, h>`` (every quantum operation stays in span{u, v}; classical sketches have exact
laws given c), so :meth:`GapIP.sample_overlap` runs at any P up to 2^30 and beyond;
``path="full"`` simulates the (1+n)-qubit statevector (plus the AE control register) through
:mod:`ccq.sim`, or builds the shared random matrices of the sketches.
"""

from __future__ import annotations

import dataclasses
import math

import jax
import jax.numpy as jnp
import numpy as np
from scipy import stats

from .._core import (
    Cost,
    Outcome,
    check_in_interval,
    check_int,
    check_key,
    check_unit_vector,
    check_values_in,
)
from ..bounds import gapip as _bounds
from ..sim import num_qubits
from ..sketches import gapip as _classical
from . import _gapip_quantum as _q
from . import gapip_ams as _ams
from . import gapip_jl as _jl
from . import gapip_mlae as _mlae
from . import gapip_noise as _noise
from . import gapip_optimal as _opt
from . import gapip_table as _table

__all__ = ["gapip", "GapIP", "METHODS", "QUANTUM_METHODS", "MLAE_SAFETY", "register_qubits"]

METHODS = ("swap", "projective", "ae", "mlae", "simhash", "sign", "jl", "ams", "exact")
QUANTUM_METHODS = ("swap", "projective", "ae", "mlae")
CONTROLS = ("register", "one_qubit")
OPTIMAL_METHODS = METHODS
P_DEFAULT = 2**20        # dimension whose register size weights the AE optimum when P is None
PATHS = ("reduced", "full")
#: methods whose ``budget=None`` is the exact optimum (where its search is fast, see
#: ``_default_is_optimal``); the others keep the bound-derived budget (``budget="bound"``)
OPTIMAL_DEFAULT = ("sign", "ae")
AE_SEARCH_TAU = 0.05     # ae: below this (and off the table) the search takes seconds or more
MLAE_SAFETY = 4          # multiplies the asymptotic Cramer-Rao power (measured: docs/gapip.md)
MLAE_SHOTS = 16          # default shots per Grover power
JL_BITS = 4              # default bits per JL entry


def register_qubits(P: int) -> int:
    """Qubits of the augmented message register: ``1 + ceil(log2 P)``.

    Examples:
        >>> register_qubits(2**20), register_qubits(1000)
        (21, 11)
    """
    return 1 + num_qubits(P)


def _odd(k: int) -> int:
    return k if k % 2 else k + 1


@dataclasses.dataclass(frozen=True)
class GapIP:
    """A GapIP_tau protocol (use :func:`gapip` to build one). Call as ``fn(key, g, h)``."""

    method: str
    tau: float
    delta: float
    budget: int | None          # None only for "exact", whose default depends on P
    repetitions: int = 1        # parallel runs with a majority vote ("ae")
    shots_per_power: int = MLAE_SHOTS
    bits: int = JL_BITS         # bits per JL entry
    path: str = "reduced"
    threshold: int | None = None    # accept count threshold (swap, projective, simhash)
    control: str = "register"       # where AE's phase-estimation control lives
    optimum: _opt.Optimum | None = None   # knobs, worst-case error and its c (budget="optimal")
    noise: object = None            # ccq.noise.Noise or gapip_noise.GlobalDepolarizing
    schedule: tuple[int, ...] | None = None   # explicit ML-AE Grover powers (budget="optimal")

    def mlae_powers(self) -> tuple[int, ...]:
        """ML-AE's Grover powers: the explicit ``schedule`` or ``mlae_schedule(budget)``."""
        return self.schedule if self.schedule is not None else _q.mlae_schedule(self.budget)

    def _threshold(self) -> int:
        """Accept iff the count of accepting trials is >= this (default: the midpoint rule)."""
        if self.threshold is not None:
            return self.threshold
        k = self.budget
        if self.method == "swap":
            return math.ceil(k * (1 + _q.a_mid(self.tau)) / 2 - 1e-12)
        if self.method == "projective":
            return math.ceil(k * _q.a_mid(self.tau) - 1e-12)
        return k // 2 + 1                       # simhash: more than half agree

    # ------------------------------------------------------------ budgets and costs
    def budget_for(self, P: int) -> int:
        """The budget used at dimension P (differs from ``budget`` only for default exact)."""
        if self.budget is not None:
            return self.budget
        return int(math.floor(_bounds.exact_entry_bits(P=P, tau=self.tau))) + 1

    def cost(self, P: int) -> Cost:
        """Exact communication for vectors of dimension P (static: never reads the inputs).

        Examples:
            >>> gapip("swap", 0.1, budget=100).cost(1024)
            Cost(qubits=1100, bits=0, ebits=0, rounds=1)
            >>> gapip("ae", 0.1, budget=8, repetitions=3).cost(1024)   # 3 x 14 msgs x 14 qubits
            Cost(qubits=588, bits=0, ebits=0, rounds=14)
        """
        P = check_int(P, "P", minimum=1)
        if self.noise is not None:
            return _noise.noisy_cost(self, P)
        n1 = register_qubits(P)
        k = self.budget_for(P)
        if self.method in ("swap", "projective"):
            return Cost(qubits=k * n1, rounds=1)
        if self.method == "ae":
            m = 1 if self.control == "one_qubit" else max(1, math.ceil(math.log2(k)))
            run = Cost(qubits=2 * (k - 1) * (m + n1), rounds=2 * (k - 1))
            return self.repetitions * run
        if self.method == "mlae":
            schedule = self.mlae_powers()
            messages = sum(1 + 2 * m for m in schedule)
            return Cost(qubits=self.shots_per_power * messages * n1,
                        rounds=1 + 2 * max(schedule))
        if self.method in ("simhash", "sign"):
            return Cost(bits=k, rounds=1)
        if self.method in ("jl", "ams"):
            return Cost(bits=k * self.bits, rounds=1)
        return Cost(bits=P * k, rounds=1)       # exact

    # ------------------------------------------------------------ exact error probabilities
    def error(self, c: float, P: int = 2) -> float:
        """Exact error probability on an instance with ``<g, h> = c`` (reduced path law).

        Available for swap, projective, ae, simhash (closed forms), sign and jl (one
        quadrature each), mlae when its count vectors can be enumerated ((shots+1)^L <= 2^16,
        L powers) and exact (0 when the budget is at least the guaranteed bits per entry);
        otherwise raises ValueError.

        Examples:
            >>> round(gapip("simhash", 0.5, budget=1).error(-0.5), 4)
            0.3333
        """
        c = check_in_interval(c, "c = <g, h>", -1, 1, closed="both")
        P = check_int(P, "P", minimum=1)
        if self.noise is not None:
            return _noise.noisy_error(self, c, P)
        if self.method in ("swap", "projective", "simhash"):
            law = {"swap": _opt.swap_probability, "projective": _opt.projective_probability,
                   "simhash": _opt.simhash_probability}[self.method]
            k, t, p = self.budget, self._threshold(), float(law(c))
            return float(stats.binom.cdf(t - 1, k, p) if c > 0 else stats.binom.sf(t - 1, k, p))
        if self.method == "sign":
            return _opt.sign_error(c, self.budget)
        if self.method == "mlae" and _mlae.enumerable(self.mlae_powers(), self.shots_per_power):
            return float(_mlae.mlae_error(c, self.mlae_powers(), self.shots_per_power,
                                          self.tau)[0])
        if self.method == "jl":
            return _jl.jl_error(c, self.budget, self.bits)
        if self.method == "ae":
            M, r = self.budget, self.repetitions
            probs = _q.ae_distribution(c, M)
            dec = _q.ae_decisions(M, self.tau)
            wrong = float(np.sum(probs[dec != (1 if c > 0 else -1)]))
            wrong = min(max(wrong, 0.0), 1.0)
            # aligned iff #(+1 runs) > r/2
            need = r - r // 2 if c > 0 else r // 2 + 1
            return float(stats.binom.sf(need - 1, r, wrong))
        if self.method == "exact":
            if self.budget_for(P) >= _bounds.exact_entry_bits(P=P, tau=self.tau):
                return 0.0
        if self.method == "ams":
            raise ValueError("ams: the error depends on (g, h) beyond <g,h>; its certified "
                             "worst case over unit vectors is "
                             "ccq.protocols.gapip_ams.error_bound(c, k, bits, P)")
        raise ValueError(f"method {self.method!r} (budget {self.budget}) has no closed-form "
                         "error probability; estimate it by sampling with sample_overlap")

    # ------------------------------------------------------------ sampling
    def sample_overlap(self, key, c, P: int = 2):
        """Sample the answer (+1/-1) from the reduced path, given only ``c = <g, h>``.

        ``c`` may be traced (vmap over instances or trials); P only matters for ``exact``.

        Examples:
            >>> proto = gapip("ae", 0.2, budget="bound")    # sample_overlap draws from this law
            >>> proto.error(0.2) < 1e-4
            True
        """
        check_key(key)
        if self.noise is not None:
            return _noise.noisy_sample_overlap(self, key, c, P)
        c = jnp.asarray(check_values_in(c, "c = <g, h>", -1, 1), jnp.float32)
        if self.method == "swap":
            return self._swap_decide(key, _q.swap_acceptance(c, jnp))
        if self.method == "projective":
            return self._swap_decide(key, _q.projective_acceptance(c, jnp))
        if self.method == "ae":
            return self._ae_decide(key, _q.ae_distribution(c, self.budget, jnp))
        if self.method == "mlae":
            probs = _q.mlae_probabilities(c, self.mlae_powers(), jnp)
            return self._mlae_decide(key, probs)
        if self.method == "simhash":
            count = _classical.simhash_count_reduced(key, c, self.budget)
            return self._simhash_decide(count)
        if self.method == "sign":
            return _sign(_classical.sign_statistic_reduced(key, c, self.budget))
        if self.method == "jl":
            return _sign(_classical.jl_estimate_reduced(key, c, self.budget, self.bits))
        if self.method == "ams":
            raise ValueError("ams has no reduced path: its law depends on (g, h) beyond "
                             "<g,h>; call the protocol on (g, h)")
        if self.error(1.0, P) == 0.0:          # exact at a guaranteed budget: the true sign
            return _sign(c)
        raise ValueError("exact below the guaranteed bits per entry depends on the vectors, "
                         "not only on <g,h>; call the protocol on (g, h)")

    def _swap_decide(self, key, p):
        accepts = _classical.binomial(key, self.budget, p)
        return jnp.where(accepts >= self._threshold(), 1, -1)

    def _ae_decide(self, key, probs):
        r = self.repetitions
        table = jnp.asarray(_q.ae_decisions(self.budget, self.tau))
        # inverse-CDF sampling: r uniforms instead of r x M Gumbel draws
        cdf = jnp.cumsum(jnp.maximum(probs, 0.0))
        u = jax.random.uniform(key, (r,)) * cdf[-1]
        k = jnp.minimum(jnp.searchsorted(cdf, u, side="right"), self.budget - 1)
        return jnp.where(jnp.sum(table[k] == 1) > r / 2, 1, -1)

    def _mlae_decide(self, key, probs):
        n_shots = self.shots_per_power
        schedule = self.mlae_powers()
        counts = jax.random.binomial(key, n_shots, probs)
        if _mlae.enumerable(schedule, n_shots):
            # the enumerated decision table of the exact law (float64 likelihoods): the
            # sampled answer is decided exactly as GapIP.error counts it
            table = jnp.asarray(_mlae.decision_table(schedule, n_shots, self.tau))
            radix = jnp.asarray([(n_shots + 1) ** (len(schedule) - 1 - j)
                                 for j in range(len(schedule))])
            index = jnp.sum(jnp.round(counts).astype(jnp.int32) * radix)
            return jnp.where(table[index], 1, -1)
        grid, aligned = _q.mlae_grid(self.budget, self.tau)
        m = jnp.asarray(schedule, jnp.float32)[:, None]
        p = jnp.cos((2 * m + 1) * jnp.asarray(grid, jnp.float32)[None, :]) ** 2
        p = jnp.clip(p, 1e-7, 1 - 1e-7)
        ll = counts[:, None] * jnp.log(p) + (n_shots - counts[:, None]) * jnp.log1p(-p)
        ll = jnp.sum(ll, axis=0)
        aligned = jnp.asarray(aligned)
        best_aligned = jnp.max(jnp.where(aligned, ll, -jnp.inf))
        best_conflict = jnp.max(jnp.where(aligned, -jnp.inf, ll))
        return jnp.where(best_aligned >= best_conflict, 1, -1)

    def _simhash_decide(self, count):
        return jnp.where(count >= self._threshold(), 1, -1)

    # ------------------------------------------------------------ the protocol
    def __call__(self, key, g, h) -> Outcome:
        check_key(key)
        for name, x in (("g", g), ("h", h)):
            if np.iscomplexobj(x):
                raise ValueError(f"{name} must be a real vector, got dtype {np.asarray(x).dtype}")
            check_unit_vector(x, name)
        if np.shape(g) != np.shape(h):
            raise ValueError(f"g and h must have the same dimension, got shapes "
                             f"{np.shape(g)} and {np.shape(h)}")
        g = jnp.asarray(g, jnp.float32)
        h = jnp.asarray(h, jnp.float32)
        P = g.shape[0]
        cost = self.cost(P)
        c = jnp.dot(g, h)
        if self.method == "exact":
            answer = _sign(jnp.dot(_classical.exact_quantise(g, self.budget_for(P)), h))
        elif self.method == "ams":          # no reduced path: always the explicit matrix
            answer = _sign(_classical.ams_statistic_faithful(key, g, h, self.budget, self.bits))
        elif self.path == "reduced":
            answer = self.sample_overlap(key, c, P)
        elif self.noise is not None:
            answer = _noise.full_path_answer(self, key, g, h)
        elif self.method == "swap":
            answer = self._swap_decide(key, _q.swap_acceptance_statevector(g, h))
        elif self.method == "projective":
            answer = self._swap_decide(key, _q.projective_acceptance_statevector(g, h))
        elif self.method == "ae":
            answer = self._ae_decide(key, _q.ae_distribution_statevector(g, h, self.budget))
        elif self.method == "mlae":
            schedule = self.mlae_powers()
            answer = self._mlae_decide(key, _q.mlae_probabilities_statevector(g, h, schedule))
        elif self.method == "simhash":
            answer = self._simhash_decide(_classical.simhash_count_faithful(key, g, h, self.budget))
        elif self.method == "sign":
            answer = _sign(_classical.sign_statistic_faithful(key, g, h, self.budget))
        else:
            answer = _sign(_classical.jl_estimate_faithful(key, g, h, self.budget, self.bits))
        return Outcome(answer.astype(jnp.int32), cost, {"overlap": c})


def _sign(x):
    return jnp.where(x >= 0, 1, -1)


def gapip(method: str, tau: float, delta: float = 0.05, budget: int | str | None = None, *,
          repetitions: int | None = None, shots_per_power: int = MLAE_SHOTS,
          bits: int | None = None, path: str = "reduced", threshold: int | None = None,
          control: str = "register", P: int | None = None, noise=None) -> GapIP:
    """Build a GapIP_tau protocol.

    Args:
        method: one of :data:`METHODS`.
        tau: promised margin, in (0, 1).
        delta: target error probability, in (0, 1/2); used only when choosing budgets.
        budget: shots (swap), copies (projective), Grover applications M (ae), largest Grover
            power (mlae), sign bits (simhash, sign), rows (jl, ams) or bits per entry (exact);
            ``None`` is the exact optimum for ``sign`` and for ``ae`` where tabulated or
            tau >= 0.05 (ams: its certified optimum), else the bound's budget (module
            docstring); ``"bound"`` always the bound's budget; ``"optimal"`` searches every knob
            of the method (budget, threshold, repetitions, control) with the exact error law
            (ams: its certified Cantelli bound, worst case over all unit vectors), worst case over
            the whole promise (:mod:`ccq.protocols.gapip_optimal`); the result's ``optimum``
            holds the knobs, the exact worst-case error and the overlap c where it sits.
        repetitions: parallel runs of canonical AE with a majority vote (default: the odd
            number from ``ccq.bounds.gapip.ae_repetitions``; 1 for other methods).
        shots_per_power: shots per Grover power of ``mlae``.
        bits: bits per entry of the ``jl`` sketch (default 4) or the ``ams`` sketch (default:
            the bits of the certified optimum at P).
        path: ``"reduced"`` (exact 2-D / distributional path, any P) or ``"full"``
            (statevector for quantum methods, explicit shared matrices for sketches).
        threshold: accept-count threshold of swap, projective, simhash (default: midpoint).
        control: ``"register"`` or ``"one_qubit"`` (semiclassical QFT, budget a power of 2).
        P: dimension whose register size weights the AE optimum (default 2^20).
        noise: ``None``, a :class:`ccq.noise.Noise` (per transmitted qubit per message, memory
            per round, heralded erasure) or a ``GlobalDepolarizing`` of
            :mod:`ccq.protocols.gapip_noise` (whole register per message), quantum methods;
            ``error`` is then exact for global depolarising and a rigorous upper bound for
            per-qubit channels, ``cost`` counts retransmissions after erasure, and
            ``budget="optimal"`` searches against that noisy law (swap, projective, ae; more
            majority runs are AE's mitigation). ``budget=None`` keeps the noiseless budget.
            See :mod:`ccq.protocols.gapip_noise`.

    Returns:
        A :class:`GapIP`; ``fn(key, g, h)`` returns ``Outcome(answer, cost, {"overlap": c})``.

    Raises:
        ValueError: unknown method, path or control, tau outside (0, 1), delta outside
            (0, 1/2), a budget that is not a positive integer (at least 2 for ae, a power of 2
            for one_qubit), "optimal" or "bound", and, at call time, non-unit,
            non-finite, complex or mismatched vectors.

    Examples:
        >>> import jax, jax.numpy as jnp
        >>> g = jnp.array([1.0, 0.0]); h = jnp.array([0.6, 0.8])    # <g,h> = 0.6
        >>> out = gapip("ae", tau=0.5)(jax.random.key(0), g, h)
        >>> int(out.answer), out.cost.rounds          # the exact optimum (tabulated)
        (1, 14)
        >>> gapip("simhash", tau=0.5).budget
        55
        >>> opt = gapip("projective", tau=0.1, budget="optimal")
        >>> opt.budget, opt.threshold, opt.optimum.error <= 0.05
        (206, 52, True)
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if path not in PATHS:
        raise ValueError(f"path must be one of {PATHS}, got {path!r}")
    if control not in CONTROLS:
        raise ValueError(f"control must be one of {CONTROLS}, got {control!r}")
    tau = check_in_interval(tau, "tau", 0.0, 1.0)
    delta = check_in_interval(delta, "delta", 0.0, 0.5)
    shots_per_power = check_int(shots_per_power, "shots_per_power", minimum=1)
    if P is not None:
        P = check_int(P, "P", minimum=2)
    if bits is None:
        bits = _ams.optimal_ams(tau, delta, P or P_DEFAULT).knobs["bits"] if (
            method == "ams" and budget is None) else JL_BITS
    bits = check_int(bits, "bits", minimum=1, maximum=32)
    noise = _noise.check_noise(noise, method)
    if budget is None and _default_is_optimal(method, tau, delta, threshold, repetitions,
                                              control, noise):
        budget = "optimal"
    elif budget == "bound":
        budget = None
    if budget == "optimal" and noise is not None:
        return _noise.noisy_optimum(method, tau, delta, P or P_DEFAULT, noise, path=path)
    if budget == "optimal":
        return _optimal(method, tau, delta, P or P_DEFAULT, shots_per_power, bits, path)
    if isinstance(budget, str):
        raise ValueError(f"budget must be a positive integer, None, 'optimal' or 'bound', got "
                         f"{budget!r}")
    if budget is not None:
        budget = check_int(budget, "budget", minimum=2 if method == "ae" else 1)
    elif method == "swap":
        budget = _bounds.swap_shots.ceil(tau=tau, delta=delta)
    elif method == "projective":
        budget = _bounds.projective_copies.ceil(tau=tau, delta=delta)
    elif method == "ae":
        budget = _bounds.ae_queries.ceil(tau=tau)
        if control == "one_qubit":
            budget = 1 << (budget - 1).bit_length()
    elif method == "mlae":
        budget = max(1, math.ceil(MLAE_SAFETY * _bounds.mlae_max_power(
            tau=tau, delta=delta, shots=shots_per_power)))
    elif method == "simhash":
        budget = _odd(_bounds.simhash_bits.ceil(tau=tau, delta=delta))
    elif method == "sign":
        budget = _bounds.sign_bits.ceil(tau=tau, delta=delta)
    elif method == "jl":
        budget = _bounds.jl_rows.ceil(tau=tau, delta=delta)
    elif method == "ams":
        budget = _bounds.ams_rows.ceil(tau=tau, delta=delta, P=P or P_DEFAULT, b=bits)
    if method == "ae" and control == "one_qubit" and budget & (budget - 1):
        raise ValueError(f"control='one_qubit' (semiclassical QFT) needs a power-of-2 budget M, "
                         f"got {budget}")
    if method != "ae" and control != "register":
        raise ValueError(f"control applies to method 'ae' only, got {control!r} for {method!r}")
    if threshold is not None:
        if method not in ("swap", "projective", "simhash"):
            raise ValueError(f"threshold applies to swap, projective and simhash only, got "
                             f"{method!r}")
        threshold = check_int(threshold, "threshold", minimum=0, maximum=budget + 1)
    if method == "ae":
        if repetitions is None:
            repetitions = _odd(_bounds.ae_repetitions.ceil(delta=delta))
        repetitions = check_int(repetitions, "repetitions", minimum=1)
    elif repetitions is not None and repetitions != 1:
        raise ValueError(f"repetitions applies to method 'ae' only, got {repetitions!r} "
                         f"for {method!r}")
    else:
        repetitions = 1
    return GapIP(method, tau, delta, budget, repetitions, shots_per_power, bits, path,
                 threshold, control, noise=noise)


def _default_is_optimal(method, tau, delta, threshold, repetitions, control, noise) -> bool:
    """Whether ``budget=None`` means the exact optimum: for the methods of
    :data:`OPTIMAL_DEFAULT` whose search is fast at this (tau, delta) (``sign`` always, 0.1 s;
    ``ae`` when (tau, delta) is tabulated in :mod:`.gapip_table` or tau >= :data:`AE_SEARCH_TAU`,
    about 0.4 s), and only when no knob of the search is fixed by the caller and the
    protocol is noiseless (a noiseless optimum has no slack for noise)."""
    if (method not in OPTIMAL_DEFAULT or noise is not None or threshold is not None
            or repetitions is not None):
        return False
    if method == "sign":
        return True
    if method == "ae" and control == "register":
        return tau >= AE_SEARCH_TAU or _table.lookup(tau, delta) is not None
    return False


def _optimal(method, tau, delta, P, shots_per_power, bits, path) -> GapIP:
    """The protocol at its exact minimal communication (see :mod:`.gapip_optimal`)."""
    if method not in OPTIMAL_METHODS:
        raise ValueError(f"budget='optimal' needs an exact error law; {method!r} has none "
                         f"(methods with one: {OPTIMAL_METHODS})")
    if method == "exact":
        return GapIP("exact", tau, delta, None, path=path)
    if method == "ae":
        opt = _opt.optimal_ae(tau, delta, register_qubits(P))
        k = opt.knobs
        return GapIP("ae", tau, delta, k["M"], k["r"], shots_per_power, bits, path,
                     control=k["control"], optimum=opt)
    if method == "sign":
        opt = _opt.optimal_sign(tau, delta)
        return GapIP("sign", tau, delta, opt.knobs["k"], path=path, optimum=opt)
    if method == "mlae":
        opt = _mlae.optimal_mlae(tau, delta)
        k = opt.knobs
        return GapIP("mlae", tau, delta, max(k["schedule"]), shots_per_power=k["shots"],
                     path=path, optimum=opt, schedule=k["schedule"])
    if method == "ams":
        opt = _ams.optimal_ams(tau, delta, P)
        return GapIP("ams", tau, delta, opt.knobs["k"], bits=opt.knobs["bits"], path=path,
                     optimum=opt)
    if method == "jl":
        opt = _jl.optimal_jl(tau, delta)
        return GapIP("jl", tau, delta, opt.knobs["k"], bits=opt.knobs["bits"], path=path,
                     optimum=opt)
    opt = _opt.optimal_threshold_test(method, tau, delta)
    return GapIP(method, tau, delta, opt.knobs["k"], path=path,
                 threshold=opt.knobs["threshold"], optimum=opt)
