"""Cut-and-choose verification of GHZ copies against dishonest sources: acceptance, leakage, eps.

Questions: how often does each dishonest source pass the test of m out of 2m copies, how much
does Eve learn about one party's input on the accepted runs (exact Holevo information, N = 3
parties), and does the measured failure P(accept and the used copies' mean test-failure
probability >= f) stay below ghz.verification_eps? Kinds of rows:

* ``iid``: every copy from the same source at attack weight ``strength``;
* ``fraction``: a fraction ``strength`` of the 2m copies replaced by the product state (which
  reveals its coordinate completely), the rest honest; failure threshold f = strength * eta_c;
* ``worst``: the exact failure maximised over the number of corrupted copies and over every
  attack's eta, at threshold f = ``strength``, against the bound;
* ``vector``: the eavesdropper tuned to the batch size (attack weight c/m): the probability that
  the run is accepted while Eve learns at least one coordinate of party 0 exactly.
"""

from __future__ import annotations

import dataclasses
import math

import jax.numpy as jnp
import numpy as np

from ccq.bounds import ghz as gb
from ccq.bounds import sampling
from ccq.claims import Claim
from ccq.experiment import Experiment, run_trials
from ccq.fit import minimal_budget
from ccq.protocols import ghz_verify as gv

ATTACKS = ("product", "biased_mixture", "eavesdropper", "eve_ghz")
BAND_DELTA = 1e-6
COLUMNS = ("eta", "accept_exact", "accept_sampled", "band", "leak_given_accept", "leak_bound",
           "used_defect", "p_correct", "guess", "threshold", "fail_exact", "fail_sampled",
           "eps_bound", "p_undetected_leak", "attack_weight", "tests_for_target")
VECTOR_TARGET = 0.01      # undetected-leak probability the "vector" rows size the tests for


@dataclasses.dataclass(frozen=True)
class Config:
    kind: str
    source: str
    strength: float
    m: int
    n: int
    d: int
    trials: int


def _trial(key, pass_z, pass_x, corrupt):
    ok, used = gv.cut_and_choose(key, pass_z, pass_x)
    return {"ok": ok, "used_corrupt": jnp.sum(used & corrupt)}


def _sample(key, c, pz, px, corrupt):
    out = run_trials(_trial, key, c.trials, jnp.asarray(pz, jnp.float32),
                     jnp.asarray(px, jnp.float32), jnp.asarray(corrupt))
    return np.asarray(out["ok"]), np.asarray(out["used_corrupt"])


def _leak_bound(defect, d):
    if defect <= 0:
        return 0.0
    if gb.copy_trace_distance(eta=defect) >= 1:
        return math.log2(d)                       # the bound is vacuous: any input may leak
    return gb.leakage_bits(eta=defect, d=d)


def run(key, c: Config):
    row = dict.fromkeys(COLUMNS, float("nan"))
    two_m = 2 * c.m
    if c.trials:
        row["band"] = sampling.hoeffding_halfwidth(delta=BAND_DELTA, n=c.trials)
    if c.kind == "iid":
        r = gv.copy_report(c.source, c.n, c.d, c.strength)
        ok, _ = _sample(key, c, np.full(two_m, r["pass_z"]), np.full(two_m, r["pass_x"]),
                        np.zeros(two_m, bool))
        row.update(eta=r["eta"], accept_exact=r["pass_prob"] ** c.m,
                   accept_sampled=float(ok.mean()), leak_given_accept=r["leak_bits"],
                   used_defect=r["eta"], leak_bound=_leak_bound(r["eta"], c.d),
                   p_correct=r["p_correct"], guess=r["guess"])
    elif c.kind == "fraction":
        r = gv.copy_report(c.source, c.n, c.d, 1.0)
        k = round(c.strength * two_m)
        corrupt = np.arange(two_m) < k
        theta = max(c.strength * r["eta"], 1e-12)
        ex = gv.corrupted_exact(c.m, k, r["eta"], theta)
        ok, used_bad = _sample(key, c, np.where(corrupt, r["pass_z"], 1.0),
                               np.where(corrupt, r["pass_x"], 1.0), corrupt)
        fail = ok & (used_bad * r["eta"] >= theta * c.m - 1e-12)
        defect = ex["used_corrupt_given_accept"] * r["eta"]
        row.update(eta=r["eta"], accept_exact=ex["accept"], accept_sampled=float(ok.mean()),
                   leak_given_accept=ex["used_corrupt_given_accept"] * r["leak_bits"],
                   used_defect=defect, leak_bound=_leak_bound(defect, c.d),
                   threshold=theta, fail_exact=ex["fail"], fail_sampled=float(fail.mean()),
                   eps_bound=gb.verification_eps(m=c.m, f=theta))
    elif c.kind == "worst":
        etas = {gv.copy_report(s, c.n, c.d, 1.0)["eta"] for s in ATTACKS} | {c.strength, 1.0}
        worst = 0.0
        for eta_c in etas:
            worst = max(worst, gv.iid_failure(eta_c, c.m, c.strength),
                        gv.worst_corrupted_failure(c.m, eta_c, c.strength))
        row.update(threshold=c.strength, fail_exact=worst,
                   eps_bound=gb.verification_eps(m=c.m, f=c.strength))
    elif c.kind == "vector":
        eta_full = gv.copy_report("eavesdropper", c.n, c.d, 1.0)["eta"]   # 1 - 1/d
        lam = np.concatenate([np.geomspace(1e-9, 1.0, 4000), np.linspace(0, 1, 101)[1:]])

        def undetected(tests):        # P(accept and >= 1 of the m used copies attacked)
            return np.exp(tests * np.log1p(-lam * eta_full)) * (
                -np.expm1(c.m * np.log1p(-np.minimum(lam, 1 - 1e-16))))

        p = undetected(c.m)                                # the 2x protocol: m tests
        i = int(np.argmax(p))
        tests = minimal_budget(lambda t: float(np.max(undetected(t))), VECTOR_TARGET,
                               lo=c.m, hi=2**40)
        row.update(p_undetected_leak=float(p[i]), attack_weight=float(lam[i]),
                   accept_exact=float((1 - lam[i] * eta_full) ** c.m),
                   tests_for_target=tests)
    else:
        raise ValueError(f"kind must be iid, fraction, worst or vector, got {c.kind!r}")
    return row


def _measured_over_bound(r) -> float:
    """fail / bound; where the bound underflows to 0 (exp(-m f/2) below 1e-308 at large m),
    0 if the measured failure underflowed too, and inf (a violation) if it did not."""
    if r["eps_bound"] > 0:
        return r["fail_exact"] / r["eps_bound"]
    return 0.0 if r["fail_exact"] == 0 else math.inf


def claims(rows):
    out = []
    judged = [r for r in rows if not math.isnan(r["eps_bound"])]
    if judged:
        ratio = max(_measured_over_bound(r) for r in judged)
        sampled = [r for r in judged if not math.isnan(r["fail_sampled"])]
        samp_ok = all(r["fail_sampled"] <= r["eps_bound"] + r["band"] for r in sampled)
        live = [r for r in judged if 0 < r["eps_bound"] < 1]   # 0: the bound underflowed
        slack = (f"; where the bound is below 1 ({len(live)} settings) it exceeds the "
                 f"measured value by a factor >= "
                 f"{min(r['eps_bound'] / max(r['fail_exact'], 1e-300) for r in live):.3g} "
                 f"") if live else "; the bound is >= 1 (vacuous) everywhere"
        out.append(Claim(
            "ghz.verification_eps_bound", "ccq (derived in proofs/proof_ghz.py)",
            "P(accept and used copies' mean test-failure >= f) <= exp(-m f / 2)",
            "upper bound",
            f"max measured/bound = {ratio:.3g} over {len(judged)} (m, f, attack) settings "
            f"(exact, worst case over the number of corrupted copies); sampled failure inside "
            f"bound + Hoeffding band in {len(sampled)} settings: {samp_ok}{slack}",
            "holds" if ratio <= 1 and samp_ok else "fails"))
    vec = [r for r in rows if r["kind"] == "vector"]
    if vec:
        parts = []
        for d in sorted({r["d"] for r in vec}):
            sub = [r for r in vec if r["d"] == d]
            per = sorted({round(r["tests_for_target"] / r["m"]) for r in sub})
            per_txt = str(per[0]) if len(per) == 1 else f"{per[0]}-{per[-1]}"
            parts.append(
                f"d = {d}: >= {min(r['p_undetected_leak'] for r in sub):.3f} for every m in "
                f"{sorted(r['m'] for r in sub)}; below {VECTOR_TARGET:g} only with "
                f"{per_txt} tests per used copy (asymptotically "
                f"1/(e eps (1-1/d)) = {1 / (math.e * VECTOR_TARGET * (1 - 1 / d)):.0f})")
        out.append(Claim(
            "ghz.whole_vector_leak", "arXiv 2606.20344 (seed 000/001)",
            "direct encoding of the inputs on cut-and-choose-verified GHZ copies (2x copies) "
            "is composably eps-secure",
            "composable eps at 2x copies",
            "fails for the direct-encoding reconstruction: an eavesdropper attacking each copy "
            "with weight ~1/m is accepted AND learns at least one coordinate of party 0 "
            "exactly with probability (exact; it does not shrink with m; tests sized by "
            "minimal_budget) " + "; ".join(parts) + ". The key protocol "
            "(experiments/ghz_key_security.py) is the composably secure construction",
            "fails"))
    iid = [r for r in rows if r["kind"] == "iid" and r["source"] == "eve_ghz"]
    if iid:
        out.append(Claim(
            "ghz.eve_as_ghz_member", "ccq", "an eavesdropper holding an extra GHZ share",
            "(not discussed)",
            f"learns nothing about any single input (max Holevo leak "
            f"{max(r['leak_given_accept'] for r in iid):.1e} bits) but randomises the sum "
            f"(P(correct sum) down to {min(r['p_correct'] for r in iid):.2f}): a correctness, "
            f"not a privacy, attack; the Fourier test catches it",
            "finding"))
    return out


def _grid(ms, lams, fracs, thetas, vec_ms, nd, trials, worst_ms=()):
    g = []
    for n, d in nd:
        for m in ms:
            g += [Config("iid", s, lam, m, n, d, trials) for s in ATTACKS
                  for lam in (lams if s != "product" else (1.0,))]
            g += [Config("fraction", "product", f, m, n, d, trials) for f in fracs]
        g += [Config("worst", "all", t, m, n, d, 0) for t in thetas for m in ms + worst_ms]
        g += [Config("vector", "eavesdropper", 0.0, m, n, d, 0) for m in vec_ms]
    return g


EXPERIMENT = Experiment(
    name="ghz_verification",
    run=run,
    grid=_grid((8, 32, 128, 512), (0.02, 0.05, 0.1, 0.2, 0.5, 1.0),
               (0.0, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5), (0.02, 0.05, 0.1, 0.2, 0.4),
               (8, 32, 128, 512, 2048, 8192), ((3, 2), (3, 3)), 20_000, (2048, 4096)),
    quick=_grid((8, 32, 128), (0.05, 0.2, 1.0), (0.0, 0.05, 0.1, 0.2, 0.3, 0.5),
                (0.05, 0.2, 0.4), (8, 128, 2048), ((3, 2),), 2000, (512, 2048)),
    claims=claims,
    version=2,   # 2: ghz.verification_eps is the coupling bound exp(-m f / 2)
    description="cut-and-choose vs dishonest GHZ sources: acceptance, leakage, eps bound",
)
