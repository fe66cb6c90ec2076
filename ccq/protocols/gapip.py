"""GapIP_tau: decide the sign of <g, h> for unit g, h in R^P under the promise ``|<g,h>| >= tau``.

Front door :func:`gapip`: ``ccq.gapip(method, tau, delta=0.05, budget=None)`` returns a
:class:`GapIP` protocol, called as ``fn(key, g, h) -> ccq.Outcome`` with ``answer`` +1
("aligned") or -1 ("conflict") and an exact, static cost. Methods and models:

======== ========================================================= ============ =============
method   protocol                                                  model        budget means
======== ========================================================= ============ =============
swap     Alice sends k copies of u; Bob swap-tests each against v  one-way A->B shots k
ae       canonical amplitude estimation on Q = R_u R_v; the        interactive  Grover
         M-dim control register travels with the message; r runs                applications M
         in parallel, majority vote
mlae     maximum-likelihood AE (control-free): Bob sends v;        interactive  largest Grover
         Grover powers 0 and M, M/2, M/4, ..., 1 (rounded down,                 power M
         +1 if = 1 mod 3, see _gapip_quantum.mlae_schedule),
         `shots_per_power` shots each; Alice projects onto u;
         the likelihood is maximised on a grid
simhash  k shared Gaussian hyperplanes, Alice sends sign bits      one-way,     sign bits k
                                                                   public coin
jl       k Gaussian projections, b-bit dithered entries            one-way,     rows k
                                                                   public coin
exact    all P entries at b bits                                   one-way      bits/entry b
======== ========================================================= ============ =============

``budget=None`` takes the budget from :mod:`ccq.bounds.gapip` for error <= delta (for ``mlae``
an asymptotic Cramer-Rao estimate times :data:`MLAE_SAFETY`, not a guarantee; see
docs/gapip.md). Quantum registers have 1 + n qubits, n = ceil(log2 P); the augmented encoding
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

__all__ = ["gapip", "GapIP", "METHODS", "QUANTUM_METHODS", "MLAE_SAFETY", "register_qubits"]

METHODS = ("swap", "ae", "mlae", "simhash", "jl", "exact")
QUANTUM_METHODS = ("swap", "ae", "mlae")
PATHS = ("reduced", "full")
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
        n1 = register_qubits(P)
        k = self.budget_for(P)
        if self.method == "swap":
            return Cost(qubits=k * n1, rounds=1)
        if self.method == "ae":
            m = max(1, math.ceil(math.log2(k)))
            run = Cost(qubits=2 * (k - 1) * (m + n1), rounds=2 * (k - 1))
            return self.repetitions * run
        if self.method == "mlae":
            schedule = _q.mlae_schedule(k)
            messages = sum(1 + 2 * m for m in schedule)
            return Cost(qubits=self.shots_per_power * messages * n1,
                        rounds=1 + 2 * max(schedule))
        if self.method == "simhash":
            return Cost(bits=k, rounds=1)
        if self.method == "jl":
            return Cost(bits=k * self.bits, rounds=1)
        return Cost(bits=P * k, rounds=1)       # exact

    # ------------------------------------------------------------ exact error probabilities
    def error(self, c: float, P: int = 2) -> float:
        """Exact error probability on an instance with ``<g, h> = c`` (reduced path law).

        Available for swap, ae, simhash (closed forms) and exact (0 when the budget is at least
        the guaranteed bits per entry); mlae and jl have no closed form: raises ValueError.

        Examples:
            >>> round(gapip("simhash", 0.5, budget=1).error(-0.5), 4)
            0.3333
        """
        c = check_in_interval(c, "c = <g, h>", -1, 1, closed="both")
        P = check_int(P, "P", minimum=1)
        if self.method == "swap":
            k = self.budget
            threshold = math.ceil(k * (1 + _q.a_mid(self.tau)) / 2 - 1e-12)
            p = float(_q.swap_acceptance(c))
            return float(stats.binom.cdf(threshold - 1, k, p) if c > 0
                         else stats.binom.sf(threshold - 1, k, p))
        if self.method == "ae":
            M, r = self.budget, self.repetitions
            probs = _q.ae_distribution(c, M)
            dec = _q.ae_decisions(M, self.tau)
            wrong = float(np.sum(probs[dec != (1 if c > 0 else -1)]))
            wrong = min(max(wrong, 0.0), 1.0)
            # aligned iff #(+1 runs) > r/2
            need = r - r // 2 if c > 0 else r // 2 + 1
            return float(stats.binom.sf(need - 1, r, wrong))
        if self.method == "simhash":
            return _classical.simhash_error(c, self.budget)
        if self.method == "exact":
            if self.budget_for(P) >= _bounds.exact_entry_bits(P=P, tau=self.tau):
                return 0.0
        raise ValueError(f"method {self.method!r} (budget {self.budget}) has no closed-form "
                         "error probability; estimate it by sampling with sample_overlap")

    # ------------------------------------------------------------ sampling
    def sample_overlap(self, key, c, P: int = 2):
        """Sample the answer (+1/-1) from the reduced path, given only ``c = <g, h>``.

        ``c`` may be traced (vmap over instances or trials); P only matters for ``exact``.

        Examples:
            >>> proto = gapip("ae", 0.2)    # sample_overlap(key, c) draws from exactly this law
            >>> proto.error(0.2) < 1e-4
            True
        """
        check_key(key)
        c = jnp.asarray(check_values_in(c, "c = <g, h>", -1, 1), jnp.float32)
        if self.method == "swap":
            return self._swap_decide(key, _q.swap_acceptance(c, jnp))
        if self.method == "ae":
            return self._ae_decide(key, _q.ae_distribution(c, self.budget, jnp))
        if self.method == "mlae":
            probs = _q.mlae_probabilities(c, _q.mlae_schedule(self.budget), jnp)
            return self._mlae_decide(key, probs)
        if self.method == "simhash":
            count = _classical.simhash_count_reduced(key, c, self.budget)
            return self._simhash_decide(count)
        if self.method == "jl":
            return _sign(_classical.jl_estimate_reduced(key, c, self.budget, self.bits))
        if self.error(1.0, P) == 0.0:          # exact at a guaranteed budget: the true sign
            return _sign(c)
        raise ValueError("exact below the guaranteed bits per entry depends on the vectors, "
                         "not only on <g,h>; call the protocol on (g, h)")

    def _swap_decide(self, key, p):
        k = self.budget
        threshold = math.ceil(k * (1 + _q.a_mid(self.tau)) / 2 - 1e-12)
        accepts = _classical.binomial(key, k, p)
        return jnp.where(accepts >= threshold, 1, -1)

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
        schedule = _q.mlae_schedule(self.budget)
        counts = jax.random.binomial(key, n_shots, probs)
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
        return jnp.where(2 * count > self.budget, 1, -1)

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
        elif self.path == "reduced":
            answer = self.sample_overlap(key, c, P)
        elif self.method == "swap":
            answer = self._swap_decide(key, _q.swap_acceptance_statevector(g, h))
        elif self.method == "ae":
            answer = self._ae_decide(key, _q.ae_distribution_statevector(g, h, self.budget))
        elif self.method == "mlae":
            schedule = _q.mlae_schedule(self.budget)
            answer = self._mlae_decide(key, _q.mlae_probabilities_statevector(g, h, schedule))
        elif self.method == "simhash":
            answer = self._simhash_decide(_classical.simhash_count_faithful(key, g, h, self.budget))
        else:
            answer = _sign(_classical.jl_estimate_faithful(key, g, h, self.budget, self.bits))
        return Outcome(answer.astype(jnp.int32), cost, {"overlap": c})


def _sign(x):
    return jnp.where(x >= 0, 1, -1)


def gapip(method: str, tau: float, delta: float = 0.05, budget: int | None = None, *,
          repetitions: int | None = None, shots_per_power: int = MLAE_SHOTS,
          bits: int = JL_BITS, path: str = "reduced") -> GapIP:
    """Build a GapIP_tau protocol.

    Args:
        method: one of ``"swap"``, ``"ae"``, ``"mlae"``, ``"simhash"``, ``"jl"``, ``"exact"``.
        tau: promised margin, in (0, 1).
        delta: target error probability, in (0, 1/2); used only when choosing defaults.
        budget: shots (swap), Grover applications M (ae), largest Grover power (mlae), sign bits
            (simhash), rows (jl) or bits per entry (exact); ``None`` picks it from the bound.
        repetitions: parallel runs of canonical AE with a majority vote (default: the odd
            number from ``ccq.bounds.gapip.ae_repetitions``; 1 for other methods).
        shots_per_power: shots per Grover power of ``mlae``.
        bits: bits per entry of the ``jl`` sketch.
        path: ``"reduced"`` (exact 2-D / distributional path, any P) or ``"full"``
            (statevector for quantum methods, explicit shared matrices for sketches).

    Returns:
        A :class:`GapIP`; ``fn(key, g, h)`` returns ``Outcome(answer, cost, {"overlap": c})``.

    Raises:
        ValueError: unknown method or path, tau outside (0, 1), delta outside (0, 1/2), a
            budget that is not a positive integer (at least 2 for ae), and, at call time,
            non-unit, non-finite, complex or mismatched vectors.

    Examples:
        >>> import jax, jax.numpy as jnp
        >>> g = jnp.array([1.0, 0.0]); h = jnp.array([0.6, 0.8])    # <g,h> = 0.6
        >>> out = gapip("ae", tau=0.5)(jax.random.key(0), g, h)
        >>> int(out.answer), out.cost.rounds
        (1, 30)
        >>> gapip("simhash", tau=0.5).budget
        55
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if path not in PATHS:
        raise ValueError(f"path must be one of {PATHS}, got {path!r}")
    tau = check_in_interval(tau, "tau", 0.0, 1.0)
    delta = check_in_interval(delta, "delta", 0.0, 0.5)
    shots_per_power = check_int(shots_per_power, "shots_per_power", minimum=1)
    bits = check_int(bits, "bits", minimum=1, maximum=32)
    if budget is not None:
        budget = check_int(budget, "budget", minimum=2 if method == "ae" else 1)
    elif method == "swap":
        budget = _bounds.swap_shots.ceil(tau=tau, delta=delta)
    elif method == "ae":
        budget = _bounds.ae_queries.ceil(tau=tau)
    elif method == "mlae":
        budget = max(1, math.ceil(MLAE_SAFETY * _bounds.mlae_max_power(
            tau=tau, delta=delta, shots=shots_per_power)))
    elif method == "simhash":
        budget = _odd(_bounds.simhash_bits.ceil(tau=tau, delta=delta))
    elif method == "jl":
        budget = _bounds.jl_rows.ceil(tau=tau, delta=delta)
    if method == "ae":
        if repetitions is None:
            repetitions = _odd(_bounds.ae_repetitions.ceil(delta=delta))
        repetitions = check_int(repetitions, "repetitions", minimum=1)
    elif repetitions is not None and repetitions != 1:
        raise ValueError(f"repetitions applies to method 'ae' only, got {repetitions!r} "
                         f"for {method!r}")
    else:
        repetitions = 1
    return GapIP(method, tau, delta, budget, repetitions, shots_per_power, bits, path)
