"""Noise as a parameter of GapIP's quantum protocols (``ccq.gapip(..., noise=...)``).

Two noise models, both per message (every transmission of the travelling register):

* :class:`ccq.noise.Noise` -- channels on **each transmitted qubit** (depolarising,
  dephasing, amplitude damping), heralded erasure (costs retransmissions), and memory
  dephasing per round waited.
* :class:`GlobalDepolarizing` -- the **whole transmitted register** depolarised,
  ``rho -> (1 - p) rho + p I/D``.

What is exact and what is a bound (the reduced path, any P):

* ``GlobalDepolarizing`` commutes with every unitary, so after L noisy messages the state is
  ``s rho_ideal + (1 - s) I/D``, ``s = (1 - p)^L`` (:mod:`ccq.noise`). Outcome laws are exact:
  projective accepts with ``s a + (1 - s)/D``, the swap test with ``(1 + s a + (1 - s)/D)/2``,
  canonical AE's control register (an M-dimensional qudit) is ideal w.p. s and uniform
  otherwise, MLAE's power-m shot is ideal w.p. ``(1 - p)^(1 + 2m)``. **Exact.** (The
  semiclassical one-qubit AE measures and feeds forward mid-run, so its junk law is not
  uniform: a bound, as below.)
* ``Noise`` (per qubit) does not keep the two-dimensional span{u, v}: a Pauli string on the
  register maps ``|g>`` outside it, and the law then depends on g and h, not only on c. What
  survives is the **no-error branch**: a run in which no Pauli error hit any qubit of any
  message (or memory round) is the ideal run, with probability ``s`` (:func:`survival`), so the
  per-trial outcome law is ``s * ideal + (1 - s) * junk``, junk unknown. Amplitude damping is
  not Pauli; its no-jump operator ``K0 >= sqrt(1 - gamma) I`` gives fidelity ``>= (1 -
  gamma)^q`` per q-qubit message, so by Fuchs-van de Graaf and a hybrid argument it moves the
  law by at most ``L sqrt(1 - (1 - gamma)^q)`` in total variation (:func:`damping_tv`). The
  reduced path therefore gives a **rigorous upper bound** on the error (the junk mass, and the
  damping mass, all on the wrong answer); ``error(c, P)`` returns it, ``sample_overlap``
  refuses (there is no exact law to sample), and ``path="full"`` simulates the exact noisy
  density matrix for small n.

Memory: a run of canonical AE or MLAE sends its register back and forth; each message is
followed by one round in which the receiving party holds the register (applies its reflection
and waits for the link), so each qubit dephases ``Noise.memory`` per message, composed with the
transmission dephasing. Swap and projective are one message that Bob measures on arrival: no
memory.

Erasure (heralded): a lost copy of swap/projective is resent alone (``expected_sends``); an AE
run or an MLAE shot spread over R messages restarts (``expected_messages_with_restarts``);
``cost`` counts the expected qubits, and AE's rounds are the expected messages of one run
(rounded up). Herald bits are not counted.

Examples:
    >>> import ccq
    >>> from ccq.noise import Noise
    >>> ideal = ccq.gapip("projective", 0.1, budget=206, threshold=52)
    >>> noisy = ccq.gapip("projective", 0.1, budget=206, threshold=52,
    ...                   noise=GlobalDepolarizing(0.01))
    >>> noisy.error(0.1, 2**20) > ideal.error(0.1, 2**20)
    True
    >>> bound = ccq.gapip("projective", 0.1, budget=206, threshold=52,
    ...                   noise=Noise(depolarizing=1e-4))
    >>> bound.error(0.1, 2**20) >= ideal.error(0.1, 2**20)
    True
"""

from __future__ import annotations

import dataclasses
import functools
import math

import jax.numpy as jnp
import numpy as np
from scipy import optimize, stats

from .. import noise as _laws
from .. import sim
from .._core import Cost, check_values_in
from ..noise import Noise
from ..sim import _channels
from . import _gapip_quantum as _q
from . import gapip_optimal as _opt

__all__ = ["GlobalDepolarizing", "check_noise", "survival", "damping_tv", "trial_structure",
           "noisy_cost", "noisy_error", "noisy_sample_overlap", "full_path_probabilities",
           "ae_worst_run_error_per_side", "noisy_optimum", "is_exact"]

DENSITY_MAX_QUBITS = 8


@dataclasses.dataclass(frozen=True)
class GlobalDepolarizing:
    """The whole transmitted register depolarised per message: ``rho -> (1-p) rho + p I/D``.

    Examples:
        >>> GlobalDepolarizing(0.1).p
        0.1
        >>> GlobalDepolarizing(2.0)
        Traceback (most recent call last):
        ...
        ValueError: GlobalDepolarizing.p must be a probability in [0, 1], got 2.0
    """

    p: float = 0.0

    def __post_init__(self):
        _laws._prob(self.p, "GlobalDepolarizing.p")

    @property
    def ideal(self) -> bool:
        """True when ``p == 0`` (as :attr:`ccq.noise.Noise.ideal`)."""
        return self.p == 0.0


def noise_model(noise):
    """A register noise model or None: ``None`` and ideal models become None; anything that is
    not a :class:`ccq.noise.Noise` or a :class:`GlobalDepolarizing` is a ValueError (the check
    shared by :func:`check_noise` and :func:`.tieaudit_noise.check_noise`)."""
    if noise is None:
        return None
    if not isinstance(noise, Noise | GlobalDepolarizing):
        raise ValueError(f"noise must be a ccq.noise.Noise, a GlobalDepolarizing or None, got "
                         f"{noise!r}")
    return None if noise.ideal else noise


def check_noise(noise, method: str):
    """Validate the ``noise`` argument of :func:`ccq.gapip`; an ideal model becomes None.

    Examples:
        >>> check_noise(Noise(), "ae") is None
        True
        >>> check_noise(Noise(dephasing=0.1), "simhash")    # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: noise applies to the quantum methods (...), got method 'simhash'
    """
    if noise is None:
        return None
    model = noise_model(noise)
    if method not in ("swap", "projective", "ae", "mlae"):
        raise ValueError("noise applies to the quantum methods ('swap', 'projective', 'ae', "
                         f"'mlae'), got method {method!r}")
    return model


def is_exact(proto) -> bool:
    """True when the reduced path's noisy law is exact (GlobalDepolarizing, not one-qubit AE,
    or a Noise with only erasure, which changes costs only)."""
    noise = proto.noise
    if noise is None:
        return True
    if isinstance(noise, GlobalDepolarizing):
        return not (proto.method == "ae" and proto.control == "one_qubit")
    return noise.depolarizing == noise.dephasing == noise.amplitude_damping == 0 and (
        noise.memory == 0 or proto.method in ("swap", "projective"))


def trial_structure(proto, P: int) -> list[tuple[int, int, int]]:
    """``(qubits per message, messages, memory rounds)`` of one independent trial, per kind of
    trial: one copy (swap, projective), one run (ae), one shot per Grover power (mlae).

    Examples:
        >>> import ccq
        >>> trial_structure(ccq.gapip("ae", 0.1, budget=8, repetitions=3), 1024)
        [(14, 14, 14)]
    """
    from .gapip import register_qubits
    n1 = register_qubits(P)
    if proto.method in ("swap", "projective"):
        return [(n1, 1, 0)]
    if proto.method == "ae":
        M = proto.budget
        ctrl = 1 if proto.control == "one_qubit" else max(1, math.ceil(math.log2(M)))
        return [(ctrl + n1, 2 * (M - 1), 2 * (M - 1))]
    return [(n1, 1 + 2 * m, 1 + 2 * m) for m in proto.mlae_powers()]


def survival(noise, qubits: int, messages: int, memory_rounds: int = 0) -> float:
    """Probability of the no-error branch of one trial (the ideal run).

    ``Noise``: per qubit per message the identity weight of depolarising(d) then dephasing(f)
    is ``(1 - 3d/4)(1 - f) + (d/4) f`` (Z then Z cancels), f composed with the memory
    dephasing when the message is followed by a memory round. ``GlobalDepolarizing``:
    ``(1 - p)^messages``.

    Examples:
        >>> survival(GlobalDepolarizing(0.1), 5, 2)
        0.81
        >>> round(survival(Noise(dephasing=0.01), 10, 2), 6)    # 0.99^20
        0.817907
    """
    if isinstance(noise, GlobalDepolarizing):
        return (1.0 - noise.p) ** messages
    d = noise.depolarizing

    def per(f):
        return (1 - 0.75 * d) * (1 - f) + 0.25 * d * f

    stored = _laws.compose_dephasing(noise.dephasing, noise.memory)
    return (per(stored) ** (qubits * memory_rounds)
            * per(noise.dephasing) ** (qubits * (messages - memory_rounds)))


def damping_tv(noise, qubits: int, messages: int) -> float:
    """Total-variation bound of amplitude damping over a trial: ``L sqrt(1 - (1-gamma)^q)``.

    Examples:
        >>> damping_tv(Noise(), 3, 4), round(damping_tv(Noise(amplitude_damping=0.01), 1, 1), 4)
        (0.0, 0.1)
    """
    if isinstance(noise, GlobalDepolarizing) or noise.amplitude_damping == 0:
        return 0.0
    g = noise.amplitude_damping
    return min(1.0, messages * math.sqrt(-math.expm1(qubits * math.log1p(-g))))


# ---------------------------------------------------------------- costs


def noisy_cost(proto, P: int) -> Cost:
    """Expected communication with heralded erasure: resends (copies) or restarts (runs)."""
    base = dataclasses.replace(proto, noise=None).cost(P)
    noise = proto.noise
    if isinstance(noise, GlobalDepolarizing) or noise.erasure == 0:
        return base
    e = noise.erasure
    if proto.method in ("swap", "projective"):
        (q, _, _), = trial_structure(proto, P)
        return Cost(qubits=base.qubits * _laws.expected_sends(e, q), rounds=base.rounds)
    if proto.method == "ae":
        (q, R, _), = trial_structure(proto, P)
        sends = _laws.expected_messages_with_restarts(e, q, R)
        if not math.isfinite(sends):
            raise ValueError(f"erasure {e} loses every {q}-qubit message: no run completes")
        return Cost(qubits=proto.repetitions * q * sends, rounds=math.ceil(sends - 1e-9))
    total, longest = 0.0, 0.0
    for q, R, _ in trial_structure(proto, P):
        sends = _laws.expected_messages_with_restarts(e, q, R)
        total += proto.shots_per_power * q * sends
        longest = max(longest, sends)
    if not math.isfinite(total):
        raise ValueError(f"erasure {e} loses every message: no shot completes")
    return Cost(qubits=total, rounds=math.ceil(longest - 1e-9))


# ---------------------------------------------------------------- per-trial laws


def _junk(proto, P: int):
    """(lowest, highest) acceptance / wrong mass of the unknown branch; exact when equal."""
    from .gapip import register_qubits
    if isinstance(proto.noise, GlobalDepolarizing):
        D = 2.0 ** register_qubits(P)
        if proto.method == "projective":
            return 1 / D, 1 / D
        if proto.method == "swap":
            return (1 + 1 / D) / 2, (1 + 1 / D) / 2
    if proto.method == "swap":
        return 0.5, 1.0          # any state's swap test with a pure v accepts w.p. >= 1/2
    return 0.0, 1.0


def _acceptance_interval(proto, p_ideal: float, P: int):
    (q, L, mem), = trial_structure(proto, P)
    s = survival(proto.noise, q, L, mem)
    tv = damping_tv(proto.noise, q, L)
    lo, hi = _junk(proto, P)
    return (max(0.0, s * p_ideal + (1 - s) * lo - tv),
            min(1.0, s * p_ideal + (1 - s) * hi + tv))


def _ae_uniform_wrong(M: int, tau: float, sign: int) -> float:
    return float(np.mean(_q.ae_decisions(M, tau) != sign))


def _ae_noisy_wrong(proto, w: float, sign: int, P: int) -> float:
    """Per-run wrong probability: exact (global, register control) or an upper bound."""
    (q, L, mem), = trial_structure(proto, P)
    s = survival(proto.noise, q, L, mem)
    if is_exact(proto):
        return s * w + (1 - s) * _ae_uniform_wrong(proto.budget, proto.tau, sign)
    return min(1.0, s * w + (1 - s) + damping_tv(proto.noise, q, L))


def noisy_error(proto, c: float, P: int) -> float:
    """Error at overlap c under ``proto.noise``: exact where :func:`is_exact`, otherwise a
    rigorous upper bound (module docstring)."""
    if proto.method == "mlae":
        raise ValueError("mlae has no closed-form error probability, with or without noise")
    sign = 1 if c > 0 else -1
    if proto.method in ("swap", "projective"):
        law = _opt.swap_probability if proto.method == "swap" else _opt.projective_probability
        lo, hi = _acceptance_interval(proto, float(law(c)), P)
        k, t = proto.budget, proto._threshold()
        return float(stats.binom.cdf(t - 1, k, lo) if c > 0 else stats.binom.sf(t - 1, k, hi))
    M, r = proto.budget, proto.repetitions
    probs = _q.ae_distribution(c, M)
    w = float(np.clip(np.sum(probs[_q.ae_decisions(M, proto.tau) != sign]), 0.0, 1.0))
    wn = _ae_noisy_wrong(proto, w, sign, P)
    need = r - r // 2 if c > 0 else r // 2 + 1
    return float(stats.binom.sf(need - 1, r, wn))


def noisy_sample_overlap(proto, key, c, P: int):
    """Sample the noisy answer from the exact reduced law (GlobalDepolarizing only)."""
    from .gapip import register_qubits
    if not is_exact(proto):
        raise ValueError(
            f"per-qubit noise {proto.noise} has no exact law in c = <g, h> alone (the state "
            "leaves span{u, v}); use path='full' (exact density matrix, small n) or error(c, "
            "P), a rigorous upper bound")
    c = jnp.asarray(check_values_in(c, "c = <g, h>", -1, 1), jnp.float32)
    if isinstance(proto.noise, Noise):               # erasure only: the ideal law
        return dataclasses.replace(proto, noise=None).sample_overlap(key, c, P)
    D = 2.0 ** register_qubits(P)
    if proto.method in ("swap", "projective"):
        (q, L, mem), = trial_structure(proto, P)
        s = survival(proto.noise, q, L, mem)
        lo, _ = _junk(proto, P)
        ideal = (_q.swap_acceptance if proto.method == "swap" else _q.projective_acceptance)
        return proto._swap_decide(key, s * ideal(c, jnp) + (1 - s) * lo)
    if proto.method == "ae":
        (q, L, mem), = trial_structure(proto, P)
        s = survival(proto.noise, q, L, mem)
        probs = _q.ae_distribution(c, proto.budget, jnp)
        return proto._ae_decide(key, s * probs + (1 - s) / proto.budget)
    schedule = proto.mlae_powers()
    s = jnp.asarray([survival(proto.noise, q, L, mem)
                     for q, L, mem in trial_structure(proto, P)], jnp.float32)
    return proto._mlae_decide(key, s * _q.mlae_probabilities(c, schedule, jnp) + (1 - s) / D)


# ---------------------------------------------------------------- exact density path


def _apply_each(rho, kraus, qubits: int):
    """A single-qubit channel on every one of ``qubits`` qubits of rho (numpy, float64)."""
    shape = rho.shape
    for qb in range(qubits):
        t = rho.reshape((2**qb, 2, 2 ** (qubits - qb - 1)) * 2)
        out = 0
        for k in kraus:
            k = np.asarray(k, np.complex128)
            y = np.einsum("ab,ibjkcl->iajkcl", k, t)
            out = out + np.einsum("cd,iajkdl->iajkcl", k.conj(), y)
        rho = out.reshape(shape)
    return rho


def _message(rho, noise, qubits: int, memory: bool):
    """One noisy message (and, if ``memory``, one round of storage) on a register."""
    if isinstance(noise, GlobalDepolarizing):
        d = rho.shape[0]
        return (1 - noise.p) * rho + noise.p * np.trace(rho) * np.eye(d) / d
    kraus = list(noise.transmission_kraus())
    if memory and noise.memory:
        kraus.append(_channels.dephasing_kraus(noise.memory))
    for ops in kraus:
        rho = _apply_each(rho, ops, qubits)
    return rho


def _states(g, h):
    u = np.asarray(sim.augmented_encode(jnp.asarray(g, jnp.float32)), np.complex128)
    v = np.asarray(sim.augmented_encode(jnp.asarray(h, jnp.float32)), np.complex128)
    return u / np.linalg.norm(u), v / np.linalg.norm(v)


def full_path_probabilities(proto, g, h):
    """Exact noisy per-trial law from the density matrix of the explicit register.

    Returns the acceptance probability (swap, projective), the law of the control outcome k
    (ae, register control; the control is an M-level register, so per-qubit noise needs M a
    power of 2), or the success probability per Grover power (mlae). At most
    :data:`DENSITY_MAX_QUBITS` qubits per register.

    Examples:
        >>> import ccq
        >>> g = np.array([1.0, 0.0]); h = np.array([0.6, 0.8])
        >>> proto = ccq.gapip("projective", 0.1, budget=5, noise=GlobalDepolarizing(0.5))
        >>> round(float(full_path_probabilities(proto, g, h)), 6)     # (0.5 * 0.64 + 0.5/4)
        0.445
    """
    noise = proto.noise
    u, v = _states(g, h)
    n1 = int(round(math.log2(u.shape[0])))
    if proto.method in ("swap", "projective"):
        if n1 > DENSITY_MAX_QUBITS:
            raise ValueError(f"the density path holds at most {DENSITY_MAX_QUBITS} qubits, got "
                             f"{n1}")
        rho = _message(np.outer(u, u.conj()), noise, n1, memory=False)
        a = float(np.real(v.conj() @ rho @ v))
        return a if proto.method == "projective" else (1 + a) / 2
    if proto.method == "mlae":
        out = []
        for m in proto.mlae_powers():
            rho = _message(np.outer(v, v.conj()), noise, n1, memory=True)
            for _ in range(m):
                for w in (u, v):
                    R = 2 * np.outer(w, w.conj()) - np.eye(len(w))
                    rho = _message(R @ rho @ R.conj().T, noise, n1, memory=True)
            out.append(float(np.real(u.conj() @ rho @ u)))
        return np.array(out)
    if proto.control != "register":
        raise ValueError("the noisy density path of AE covers control='register' only")
    M = proto.budget
    m = max(1, math.ceil(math.log2(M)))
    if isinstance(noise, Noise) and M != 2**m:
        raise ValueError(f"per-qubit noise on AE's control register needs M a power of 2 (an "
                         f"m-qubit register), got M = {M}")
    if m + n1 > DENSITY_MAX_QUBITS:
        raise ValueError(f"the density path holds at most {DENSITY_MAX_QUBITS} qubits, got "
                         f"{m + n1}")
    dim_c = M                                   # the control levels (2^m when M = 2^m)
    plus = np.ones(dim_c) / math.sqrt(dim_c)
    psi = np.kron(plus, u)
    rho = np.outer(psi, psi.conj())
    d = len(u)
    refl = {id(w): 2 * np.outer(w, w.conj()) - np.eye(d) for w in (u, v)}
    for t in range(M - 1):
        for w in (v, u):                       # Alice -> Bob (R_v), Bob -> Alice (R_u)
            rho = _message(rho, noise, m + n1, memory=True)
            ctrl = np.diag((np.arange(dim_c) > t).astype(float))
            U = np.kron(ctrl, refl[id(w)]) + np.kron(np.eye(dim_c) - ctrl, np.eye(d))
            rho = U @ rho @ U.conj().T
    rc = np.einsum("iaja->ij", rho.reshape(dim_c, d, dim_c, d))
    y = np.arange(dim_c)
    F = np.exp(2j * np.pi * np.outer(y, np.arange(M)) / M) / math.sqrt(M)   # column k = f_k
    return np.real(np.einsum("yk,yz,zk->k", F.conj(), rc, F))


def full_path_answer(proto, key, g, h):
    """Sample the answer from the exact noisy density-matrix law (path='full')."""
    law = full_path_probabilities(proto, np.asarray(g), np.asarray(h))
    if proto.method in ("swap", "projective"):
        return proto._swap_decide(key, jnp.float32(law))
    if proto.method == "ae":
        return proto._ae_decide(key, jnp.asarray(np.clip(law, 0, None), jnp.float32))
    return proto._mlae_decide(key, jnp.asarray(np.clip(law, 0, 1), jnp.float32))


# ---------------------------------------------------------------- budgets against the noisy law


def _to_c(w):
    return np.clip(2 * np.cos(np.pi * np.asarray(w, float)) - 1, -1, 1)


@functools.lru_cache(maxsize=512)
def ae_worst_run_error_per_side(M: int, tau: float) -> tuple[float, float]:
    """Worst noiseless one-run error of canonical AE on the aligned side (c in [tau, 1]) and on
    the conflict side (c in [-1, -tau]): a grid of 1/16 outcome bin in the phase, refined by a
    bounded maximisation around the 3 largest grid values (as :func:`ccq.protocols.
    gapip_optimal.ae_worst_run_error`, per side).

    Examples:
        >>> plus, minus = ae_worst_run_error_per_side(23, 0.1)
        >>> round(max(plus, minus), 4) == round(_opt.ae_worst_run_error(23, 0.1)[0], 4)
        True
    """
    out = []
    for lo_c, hi_c in ((tau, 1.0), (-1.0, -tau)):
        w_lo = float(np.arccos((1 + hi_c) / 2) / np.pi)
        w_hi = float(np.arccos((1 + lo_c) / 2) / np.pi)
        n = max(8, int(math.ceil((w_hi - w_lo) * 16 * M)) + 1)
        grid = np.linspace(w_lo, w_hi, n)
        vals = np.concatenate([_opt.ae_run_error(_to_c(grid[i:i + 4096]), M, tau)
                               for i in range(0, n, 4096)])
        step = grid[1] - grid[0]
        best = float(vals.max())
        for w0 in grid[np.argsort(vals)[-3:]]:
            a, b = max(w_lo, w0 - step), min(w_hi, w0 + step)
            res = optimize.minimize_scalar(
                lambda w: -_opt.ae_run_error(_to_c([w]), M, tau)[0], bounds=(a, b),
                method="bounded", options={"xatol": 1e-12})
            best = max(best, float(-res.fun))
        out.append(min(best, 1.0))
    return out[0], out[1]


def _min_odd_r(W: float, delta: float, r_max: int = 2**31 - 1) -> int | None:
    """Smallest odd r with P(Bin(r, W) > r/2) <= delta (None when W >= 1/2 or r > r_max)."""
    if W >= 0.5:
        return None
    if W <= delta:
        return 1
    err = lambda k: _opt.majority_error(2 * k + 1, W)       # noqa: E731
    lo, hi = 0, 1
    while err(hi) > delta:
        lo, hi = hi, 2 * hi
        if 2 * hi + 1 > r_max:
            return None
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if err(mid) <= delta:
            hi = mid
        else:
            lo = mid
    return 2 * hi + 1


def noisy_optimum(method: str, tau: float, delta: float, P: int, noise, **kw):
    """The cheapest protocol whose noisy worst-case error (exact law, or the rigorous bound of
    the module docstring) is <= delta. Returns a :class:`ccq.protocols.gapip.GapIP`.

    * swap / projective: every k scanned upwards, the best threshold from the noisy acceptance
      at ``c = +-tau`` (the noisy acceptance is still increasing in c).
    * ae: the (M, control) pairs that are noiseless-optimal for some odd r <= 51
      (:func:`ccq.protocols.gapip_optimal.ae_candidates`), each with the smallest odd r
      (majority vote: the mitigation) whose noisy error is <= delta; the cheapest wins.

    Raises:
        ValueError: if no budget reaches delta under this noise.
    """
    from .gapip import GapIP
    path = kw.get("path", "reduced")
    if method in ("swap", "projective"):
        law = _opt.swap_probability if method == "swap" else _opt.projective_probability
        probe = GapIP(method, tau, delta, 1, path=path, threshold=1, noise=noise)
        p_plus = _acceptance_interval(probe, float(law(tau)), P)[0]
        p_minus = _acceptance_interval(probe, float(law(-tau)), P)[1]
        if p_plus <= p_minus:
            raise ValueError(f"under {noise} the {method} acceptance at +tau ({p_plus:.4g}) is "
                             f"not above that at -tau ({p_minus:.4g}): no budget decides")
        start, block = 1, 256
        while start <= _opt.K_MAX:
            ks = np.arange(start, start + block)
            block = min(2 * block, _opt.BLOCK)
            t_lo, t_hi = _opt.threshold_window(ks, p_plus, p_minus, delta)
            ok = np.nonzero(t_lo <= t_hi)[0]
            if ok.size:
                k, t = int(ks[ok[0]]), int(t_lo[ok[0]])
                e_plus = float(stats.binom.cdf(t - 1, k, p_plus))
                e_minus = float(stats.binom.sf(t - 1, k, p_minus))
                opt = _opt.Optimum(method, {"k": k, "threshold": t, "noise": noise},
                                   max(e_plus, e_minus), tau if e_plus >= e_minus else -tau)
                return GapIP(method, tau, delta, k, path=path, threshold=t, optimum=opt,
                             noise=noise)
            start = int(ks[-1]) + 1
        raise ValueError(f"no {method} budget up to {_opt.K_MAX} reaches delta={delta} under "
                         f"{noise}")
    if method != "ae":
        raise ValueError(f"budget='optimal' with noise covers swap, projective and ae, got "
                         f"{method!r}")
    best = None
    pairs = sorted({(M, ctl) for _, M, ctl, _, _ in _opt.ae_candidates(tau, delta)})
    for M, control in pairs:
        probe = GapIP("ae", tau, delta, M, 1, path=path, control=control, noise=noise)
        w_plus, w_minus = ae_worst_run_error_per_side(M, tau)
        W = max(_ae_noisy_wrong(probe, w_plus, 1, P), _ae_noisy_wrong(probe, w_minus, -1, P))
        r = _min_odd_r(W, delta)
        if r is None:
            continue
        q = trial_structure(probe, P)[0][0]
        cost = r * 2 * (M - 1) * q
        if best is None or cost < best[0]:
            best = (cost, r, M, control, W)
    if best is None:
        raise ValueError(f"no canonical AE budget reaches delta={delta} at tau={tau} under "
                         f"{noise} (every candidate run is wrong w.p. >= 1/2)")
    cost, r, M, control, W = best
    opt = _opt.Optimum("ae", {"r": r, "M": M, "control": control, "qubits": cost,
                              "noise": noise}, _opt.majority_error(r, W), float("nan"))
    return GapIP("ae", tau, delta, M, r, path=path, control=control, optimum=opt, noise=noise)
