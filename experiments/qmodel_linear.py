"""Linear classifiers sign(w.x): a public-coin sketch needs no more bits as N grows.

Question (arXiv 2310.07136: "the communication advantage nearly vanishes for simpler linear
classifiers"): Alice holds x in R^N, Bob holds w; with margin |w.x| >= tau, how many bits must
Alice send for Bob to output sign(w.x) with the accuracy of the exact classifier?

Instances: unit w (Gaussian direction); test points x = s tau w + sqrt(1 - tau^2) u with u a
random unit vector orthogonal to w and a random label s = +-1, so the exact classifier is always
right. SimHash: Alice sends k sign bits of x against shared Gaussian hyperplanes (blocks of 32
bits, block j from ccq.sketches.simhash with the public key fold_in(key, j)); Bob computes the same
bits of w and outputs +1 iff more than half agree. JL: Alice sends k Gaussian projections
(ccq.sketches.gaussian_sketch, 32-bit floats), Bob outputs sign(<Rx, Rw>). We measure the smallest
k with error rate <= TARGET (ccq.fit.minimal_budget) and compare with shipping x (N b bits) and
with a quantum Hadamard test (formula only: (log2 N + 1) qubits per shot,
2 ln(1/delta)/tau^2 shots).
"""

from __future__ import annotations

import dataclasses
import math

import jax
import jax.numpy as jnp
import numpy as np

from ccq.bounds import qmodel as qb
from ccq.claims import Claim
from ccq.experiment import Experiment
from ccq.fit import fit_power_law, minimal_budget
from ccq.sketches import gaussian_sketch, simhash

TARGET = 0.02       # error rate the sketch must reach (the exact classifier has 0)
BLOCK = 32          # sketch rows generated per public key
BITS = 32           # bits per shipped real
SOURCE = "arXiv 2310.07136 (abstract: advantage nearly vanishes for linear classifiers)"


@dataclasses.dataclass(frozen=True)
class Config:
    log2_N: int
    tau: float
    points: int
    trials: int
    k_max: int


def _instance(key, N, tau, points):
    kw, ku, ks = jax.random.split(key, 3)
    w = jax.random.normal(kw, (N,))
    w = w / jnp.linalg.norm(w)
    u = jax.random.normal(ku, (points, N))
    u = u - (u @ w)[:, None] * w[None, :]
    u = u / jnp.linalg.norm(u, axis=1, keepdims=True)
    s = jnp.where(jax.random.bernoulli(ks, 0.5, (points,)), 1.0, -1.0)
    x = s[:, None] * tau * w[None, :] + math.sqrt(1 - tau**2) * u
    return w, x, s


@jax.jit
def _block(kj, w, x):
    hx = jax.vmap(lambda v: simhash(kj, v, BLOCK))(x)      # (points, BLOCK) bits
    hw = simhash(kj, w, BLOCK)
    gx = jax.vmap(lambda v: gaussian_sketch(kj, v, BLOCK))(x)
    gw = gaussian_sketch(kj, w, BLOCK)
    return hx == hw[None, :], gx * gw[None, :]


def _sketches(key, w, x, k_max):
    """Per block: SimHash agreements and JL products, concatenated to k_max rows."""
    agree, prods = [], []
    for j in range(math.ceil(k_max / BLOCK)):
        a, p = _block(jax.random.fold_in(key, j), w, x)
        agree.append(np.asarray(a))
        prods.append(np.asarray(p))
    return np.concatenate(agree, 1)[:, :k_max], np.concatenate(prods, 1)[:, :k_max]


def run(key, c: Config):
    N = 2**c.log2_N
    agree, prods, labels = [], [], []
    for t in range(c.trials):
        k_inst, k_pub = jax.random.split(jax.random.fold_in(key, t))
        w, x, s = _instance(k_inst, N, c.tau, c.points)
        exact_ok = float(jnp.mean(jnp.sign(x @ w) == s))
        assert exact_ok == 1.0
        a, p = _sketches(k_pub, w, x, c.k_max)
        agree.append(a)
        prods.append(p)
        labels.append(np.asarray(s))
    agree, prods, labels = map(np.concatenate, (agree, prods, labels))

    def simhash_err(k):
        vote = np.where(agree[:, :k].mean(1) > 0.5, 1.0, -1.0)
        return float(np.mean(vote != labels))

    def jl_err(k):
        return float(np.mean(np.sign(prods[:, :k].sum(1)) != labels))

    k_sim = minimal_budget(simhash_err, TARGET, hi=c.k_max)
    k_jl = minimal_budget(jl_err, TARGET, hi=c.k_max)
    shots_q = math.ceil(2 * math.log(1 / TARGET) / c.tau**2)
    return {
        "N": N,
        "simhash_bits": k_sim,
        "simhash_error": simhash_err(k_sim),
        "simhash_bits_bound": qb.linear_sketch_bits(tau=c.tau, delta=TARGET),
        "jl_projections": k_jl,
        "jl_bits": BITS * k_jl,
        "ship_data_bits": N * BITS,
        "quantum_hadamard_qubits": (c.log2_N + 1) * shots_q,
    }


def claims(rows):
    cid = "qmodel.linear_sketch"
    if len(rows) < 3:
        return [Claim(cid, SOURCE, "linear classifiers: sketch bits do not grow with N",
                      "polylog(N) classical", "not run", "not measured")]
    rows = sorted(rows, key=lambda r: r["N"])
    N = np.array([r["N"] for r in rows], float)
    sim = fit_power_law(N, [r["simhash_bits"] for r in rows])
    jl = fit_power_law(N, [r["jl_bits"] for r in rows])
    q = fit_power_law(N, [r["quantum_hadamard_qubits"] for r in rows])
    # polylog vs poly: the exponent's interval must sit well below any power of N (< 0.25)
    ok = sim.exponent_ci[1] < 0.25 and jl.exponent_ci[1] < 0.25
    return [Claim(
        cid, SOURCE,
        "for linear classifiers sign(w.x) with margin tau a public-coin sketch reaches the exact "
        "classifier's accuracy with polylog(N) bits, so the quantum advantage vanishes",
        "sketch bits polylog(N) (ours: N-independent, pi^2 ln(1/delta) / (2 tau^2))",
        f"fit bits ~ N^a over N = {int(N[0])}..{int(N[-1])}, tau = {rows[0]['tau']}, error <= "
        f"{TARGET}: SimHash a = {sim.exponent:.3f} [{sim.exponent_ci[0]:.3f}, "
        f"{sim.exponent_ci[1]:.3f}] ({min(r['simhash_bits'] for r in rows)}.."
        f"{max(r['simhash_bits'] for r in rows)} bits), JL a = {jl.exponent:.3f}; quantum "
        f"Hadamard test qubits a = {q.exponent:.3f} (grows like log N); ship data a = 1",
        "holds" if ok else "fails")]


EXPERIMENT = Experiment(
    name="qmodel_linear",
    run=run,
    grid=[Config(n, 0.2, 128, 4, 1024) for n in range(4, 21, 2)],
    quick=[Config(n, 0.2, 64, 2, 512) for n in (4, 6, 8, 10, 12)],
    claims=claims,
    description="linear classifiers: SimHash/JL sketch bits vs N (advantage vanishes)",
)
