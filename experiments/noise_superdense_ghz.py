"""Noise thresholds of the superdense links and the GHZ sum and key protocols (ccq.noise.Noise).

Questions:

* **Superdense link vs classical link.** A superdense qubit carries ``(1 - erasure) I(S;
  decoded)`` bits (:func:`ccq.protocols.superdense.bits_per_qubit`); a classical channel use
  carries 1. Per channel (depolarising, dephasing, amplitude damping per transmitted qubit,
  memory dephasing per round on both stored halves, heralded erasure with resends), the noise
  p* at which the link stops beating the classical one per channel use, found by bisection on
  the *density-matrix simulation* of the circuit (and on the exact law, for comparison).
* **Mitigations for the link.** DEJMPS purification of the pre-shared pairs (Werner noise
  only; transmission noise on the sent qubit cannot be purified away): the smallest Werner
  fidelity at which k rounds still give more than 1 bit per qubit online, and the raw ebits
  (and classical bits) each purified pair costs. Repetition of symbols (the ring's
  ``repetition3``) sends 3 qubits per 2 bits: at most 2/3 bit per qubit, never better.
* **GHZ secure sum** (unverified, no error correction): the largest depolarising / dephasing /
  memory probability per share at which all P coordinates of b = 8-bit entries are right with
  probability 0.95 (exact law), and with a majority over r = 3 copies per coordinate.
* **GHZ key protocol**: the noise at which its key rate reaches zero, asymptotically
  (``ghz_key.asymptotic_rate`` at the exact error rates) and at finite size (the finite-key plan
  finds no number of copies up to 1e15 that pads P coordinates at eps = 1e-9), P = 2^20, 2^30.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
from scipy import stats

from ccq.bounds import ghz_key as gkb
from ccq.bounds import superdense as sdb
from ccq.claims import Claim
from ccq.experiment import Experiment
from ccq.noise import Noise
from ccq.protocols import _noise_laws as laws
from ccq.protocols import ghz_key_plan
from ccq.protocols.ghz import aggregation_dimension
from ccq.protocols.ghz_key import error_rates
from ccq.protocols.superdense import (
    bits_per_qubit,
    channel_closed_form,
    mutual_information,
    superdense_channel,
)

SOURCE = "ccq (issue 20: noise thresholds)"
CHANNELS = ("depolarizing", "dephasing", "amplitude_damping", "memory", "erasure")
GHZ_CHANNELS = ("depolarizing", "dephasing", "memory")
SUCCESS = 0.95
EPS = 1e-9
B_BITS = 8
F_EC = 1.2              # ghz_key_plan.plan's default reconciliation efficiency
BUDGET = 10             # copies per coordinate for the "affordable" threshold


@dataclasses.dataclass(frozen=True)
class Config:
    kind: str               # superdense | purified | ghz_sum | ghz_key | ghz_key_curve
    channel: str = ""
    p: float = 0.0
    fidelity: float = 1.0
    purify_rounds: int = 0
    n_parties: int = 0
    log2_P: int = 0
    find_threshold: bool = False


def _noise(channel: str, p: float) -> Noise:
    return Noise(**{channel: p})


def _largest(ok, lo=0.0, hi=1.0, steps=50) -> float:
    """Largest p in [lo, hi] with ok(p) (ok: True then False), by bisection."""
    if not ok(lo):
        return math.nan
    if ok(hi):
        return hi
    for _ in range(steps):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if ok(mid) else (lo, mid)
    return lo


def _rate_sim(channel: str, p: float) -> float:
    noise = _noise(channel, p)
    return (1 - noise.erasure) * mutual_information(superdense_channel(1.0, 0.0, noise))


def _purified_rate(f: float, k: int) -> float:
    law = laws.purify(laws.werner_law(f), k)["law"]
    s = np.arange(4)
    return mutual_information(law[s[:, None] ^ s[None, :]])


def _superdense(c: Config) -> dict:
    noise = _noise(c.channel, c.p)
    sim = superdense_channel(1.0, 0.0, noise)
    out = {"rate_sim": _rate_sim(c.channel, c.p), "rate_law": bits_per_qubit(noise=noise),
           "channel_max_abs_diff": float(np.abs(sim - channel_closed_form(1.0, 0.0, noise))
                                         .max()),
           "p_star_sim": math.nan, "p_star_law": math.nan, "rate_min_sim": math.nan}
    if c.find_threshold:
        # dephasing (and memory, a dephasing) flips b1 only: 2 - h(p) >= 1, equal at p = 1/2
        out["rate_min_sim"] = min(_rate_sim(c.channel, float(p))
                                  for p in np.linspace(0, 1, 41))
        if out["rate_min_sim"] < 1 - 1e-6:
            out["p_star_sim"] = _largest(lambda p: _rate_sim(c.channel, p) > 1, steps=30)
            out["p_star_law"] = _largest(
                lambda p: bits_per_qubit(noise=_noise(c.channel, p)) > 1)
    return out


def _purified(c: Config) -> dict:
    r = laws.purify(laws.werner_law(c.fidelity), c.purify_rounds)
    out = {"purified_fidelity": float(r["law"][0]),
           "online_bits_per_qubit": _purified_rate(c.fidelity, c.purify_rounds),
           "ebits_per_symbol": r["ebits_per_pair"], "purify_bits_per_symbol": r["bits_per_pair"],
           "f_star": math.nan, "ebits_at_f_star": math.nan}
    if c.find_threshold:
        # smallest F with rate > 1: bisection on 1 - F
        g = _largest(lambda x: _purified_rate(1 - x, c.purify_rounds) > 1, 0.0, 0.74)
        out["f_star"] = 1 - g
        out["ebits_at_f_star"] = laws.purify(laws.werner_law(1 - g), c.purify_rounds)[
            "ebits_per_pair"]
    return out


def _ghz_sum(c: Config) -> dict:
    d = aggregation_dimension(B_BITS, c.n_parties)
    P = 2**c.log2_P

    def wrong(p):
        return 1 - laws.ghz_sum_error_law(_noise(c.channel, p), c.n_parties, d)[0]

    def ok(p, r):      # majority of r copies right in every coordinate w.p. >= SUCCESS
        fail = stats.binom.sf((r - 1) // 2, r, wrong(p)) if r > 1 else wrong(p)
        return -math.expm1(P * math.log1p(-fail)) <= 1 - SUCCESS if fail < 1 else False

    return {"d": d, "p_star": _largest(lambda p: ok(p, 1), 0.0, 1.0, 200),
            "p_star_majority3": _largest(lambda p: ok(p, 3), 0.0, 1.0, 200),
            "copies_per_coordinate_majority3": 3}


def _key_rate(channel, p, n):
    q_z, q_x = error_rates(_noise(channel, p), n, 2)
    return float(gkb.asymptotic_rate.numeric(Q_Z=max(q_z, 1e-300), Q_X=max(q_x, 1e-300), d=2))


def _net_rate(channel, p, n):
    """Asymptotic net key rate of the implemented protocol: its padded error correction also
    consumes f_ec h(Q_X) pre-shared symbols per key copy (recycled from the previous key)."""
    q_z, q_x = error_rates(_noise(channel, p), n, 2)
    h = ghz_key_plan.h_d
    return float(1 - h(q_z, 2) - 2 * F_EC * h(q_x, 2))


def _plan(channel, p, n, log2_p):
    return ghz_key_plan.plan(2, n, 2**log2_p, eps=EPS, noise=_noise(channel, p))


def _ghz_key(c: Config) -> dict:
    n = c.n_parties
    p_asym = _largest(lambda p: _key_rate(c.channel, p, n) > 0, 1e-12, 0.5)
    p_net = _largest(lambda p: _net_rate(c.channel, p, n) > 0, 1e-12, 0.5)
    p_fin = _largest(lambda p: math.isfinite(_plan(c.channel, p, n, c.log2_P)["copies"]),
                     0.0, p_asym, 40)
    p_budget = _largest(lambda p: _plan(c.channel, p, n, c.log2_P)["copies_per_coord"]
                        <= BUDGET, 0.0, p_asym, 40)
    q_z, q_x = error_rates(_noise(c.channel, p_asym), n, 2)
    return {"p_star_asymptotic": p_asym, "p_star_asymptotic_net": p_net,
            "p_star_finite": p_fin, "p_star_budget": p_budget, "q_z_at_p_star": q_z,
            "q_x_at_p_star": q_x,
            "copies_per_coord_at_half_p_star": _plan(c.channel, p_fin / 2, n,
                                                     c.log2_P)["copies_per_coord"]}


def _ghz_key_curve(c: Config) -> dict:
    r = _plan(c.channel, c.p, c.n_parties, c.log2_P)
    return {"copies_per_coord": r["copies_per_coord"], "q_z": r["q_z"], "q_x": r["q_x"]}


RESULTS = ("rate_sim", "rate_law", "channel_max_abs_diff", "p_star_sim", "p_star_law",
           "rate_min_sim", "purified_fidelity", "online_bits_per_qubit", "ebits_per_symbol",
           "purify_bits_per_symbol", "f_star", "ebits_at_f_star", "d", "p_star",
           "p_star_majority3", "copies_per_coordinate_majority3", "p_star_asymptotic",
           "p_star_asymptotic_net", "p_star_finite", "p_star_budget", "q_z_at_p_star",
           "q_x_at_p_star",
           "copies_per_coord_at_half_p_star", "copies_per_coord", "q_z", "q_x")


def run(key, c: Config):
    del key                   # exact laws and density matrices only
    out = {"superdense": _superdense, "purified": _purified, "ghz_sum": _ghz_sum,
           "ghz_key": _ghz_key, "ghz_key_curve": _ghz_key_curve}[c.kind](c)
    assert set(out) <= set(RESULTS), set(out) - set(RESULTS)
    return {k: float(out.get(k, math.nan)) for k in RESULTS}    # one tidy table for all kinds


def _fmt(x):
    return f"{x:.3g}"


def claims(rows):
    out = []
    sd = [r for r in rows if r["kind"] == "superdense"]
    thr = {r["channel"]: r for r in sd if r["find_threshold"]}
    if sd:
        diff = max(r["channel_max_abs_diff"] for r in sd)
        rate = max(abs(r["rate_sim"] - r["rate_law"]) for r in sd)
        out.append(Claim(
            "noise.superdense.law", SOURCE,
            "with per-qubit depolarising, dephasing or amplitude damping on the sent qubit and "
            "memory dephasing of both halves, the decoded symbol is sent XOR e with an exact "
            "law of e (an XOR-convolution; amplitude damping included)", "exact law",
            f"density-matrix simulation vs law: max |diff| {diff:.1e}, bits per qubit max "
            f"|diff| {rate:.1e} over {len(sd)} points",
            "holds" if diff < 1e-5 and rate < 1e-4 else "fails"))
    if len(thr) == len(CHANNELS):
        has = [ch for ch in CHANNELS if math.isfinite(thr[ch]["p_star_sim"])]
        agree = max(abs(thr[ch]["p_star_sim"] - thr[ch]["p_star_law"]) for ch in has)
        never = [ch for ch in CHANNELS if ch not in has]
        text = ", ".join(f"{ch} {_fmt(thr[ch]['p_star_sim'])}" for ch in has)
        text += "; " + " and ".join(never) + (
            " never push it below 1 bit (b2 is never flipped: 2 - h(p) >= 1; min over p "
            + ", ".join(_fmt(thr[ch]["rate_min_sim"]) for ch in never) + ")") if never else ""
        out.append(Claim(
            "noise.superdense.break_even", SOURCE,
            "largest noise per transmitted qubit (memory: per round, on both stored halves) at "
            "which a superdense qubit still carries more than the 1 bit of a classical channel "
            "use", "no claim before (Werner F* = 0.81 only)",
            f"p* = {text} (bisection on the simulated channel; exact law agrees within "
            f"{agree:.0e}); with heralded erasure and resends p* = 0.5 exactly",
            "finding" if agree < 1e-6 else "fails"))
    pur = {r["purify_rounds"]: r for r in rows if r["kind"] == "purified" and r["find_threshold"]}
    if pur:
        f0 = sdb.break_even_fidelity()
        text = "; ".join(f"{k} rounds: F* = {pur[k]['f_star']:.4f} at "
                         f"{pur[k]['ebits_at_f_star']:.3g} ebits per symbol" for k in sorted(pur))
        ok = 0 in pur and abs(pur[0]["f_star"] - f0) < 1e-6
        out.append(Claim(
            "noise.superdense.purification", SOURCE,
            "DEJMPS purification of the Werner pairs lowers the fidelity at which the "
            "superdense link still beats the classical link online, at a cost in raw ebits; "
            "repetition of symbols cannot (3 qubits per 2 bits: at most 2/3 bit per qubit)",
            f"no purification: F* = {f0:.4f}", text + " (transmission noise on the sent qubit "
            "is not purified; the offline cost exceeds the 1 ebit per symbol of the "
            "noiseless link, so over the link's lifetime the classical link stays cheaper)",
            "finding" if ok else "fails"))
    gs = [r for r in rows if r["kind"] == "ghz_sum"]
    dep = [r for r in gs if r["channel"] == "depolarizing"]
    if dep:
        ref = {(r["n_parties"], r["log2_P"]): r["p_star"] for r in dep}
        spread = max(abs(r["p_star"] / ref[(r["n_parties"], r["log2_P"])] - 1) for r in gs
                     if (r["n_parties"], r["log2_P"]) in ref)
        text = "; ".join(f"N = {r['n_parties']}, P = 2^{r['log2_P']}: {_fmt(r['p_star'])} "
                         f"(majority of 3 copies: {_fmt(r['p_star_majority3'])})"
                         for r in sorted(dep, key=lambda r: (r["n_parties"], r["log2_P"])))
        text = (f"depolarising p* = {text}; dephasing and memory (one round) within "
                f"{100 * spread:.2g}% of these")
        out.append(Claim(
            "noise.ghz_sum.threshold", SOURCE,
            "largest noise per GHZ share (d = 2^10 for N = 3, 2^11 for N = 8) at which the "
            "unverified GHZ secure sum of P 8-bit "
            f"coordinates is right in every coordinate w.p. {SUCCESS}", "no claim before",
            text + ". Without error correction the sum tolerates only ~1/(N P) noise per "
            "share; the GHZ key protocol (error-corrected) is the mitigation",
            "finding"))
    gk = [r for r in rows if r["kind"] == "ghz_key"]
    if gk:
        by = {}
        for r in gk:
            by.setdefault((r["channel"], r["n_parties"]), {})[r["log2_P"]] = r
        parts = []
        for (ch, n), rs in sorted(by.items()):
            r0 = next(iter(rs.values()))
            parts.append(
                f"N = {n}, {ch}: rate-zero {_fmt(r0['p_star_asymptotic'])}, net of the pad "
                f"{_fmt(r0['p_star_asymptotic_net'])}, finite "
                + ", ".join(f"P = 2^{lp}: {_fmt(rs[lp]['p_star_finite'])} (<= {BUDGET} copies "
                            f"per coordinate up to {_fmt(rs[lp]['p_star_budget'])})"
                            for lp in sorted(rs)))
        ok = all(r["p_star_budget"] <= r["p_star_finite"] <= r["p_star_asymptotic"]
                 for r in gk)
        out.append(Claim(
            "noise.ghz_key.threshold", SOURCE,
            "noise per share (d = 2, eps = 1e-9) at which the GHZ key protocol's key rate "
            "reaches zero: the bound's rate 1 - h(Q_Z) - h(Q_X); the implemented protocol's net "
            f"rate 1 - h(Q_Z) - 2 f_ec h(Q_X) (f_ec = {F_EC}: its padded error correction also "
            "spends pre-shared key); the finite-key plan (no copies up to 1e15 pad P "
            "coordinates)", "no claim before",
            "; ".join(parts) + ". The finite threshold is the net one: it does not depend on P "
            "because the plan may use up to 1e15 copies; the budget column does",
            "finding" if ok else "fails"))
    if not out:
        out.append(Claim("noise.superdense.law", SOURCE, "superdense law under Noise",
                         "exact law", "not run", "not measured"))
    return out


_P_GRID = (0.0, 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5)
_KEY_P = tuple(float(x) for x in np.round(np.linspace(0.0, 0.06, 25), 4))
GRID = (
    [Config("superdense", ch, p, find_threshold=(p == 0.0)) for ch in CHANNELS
     for p in _P_GRID]
    + [Config("purified", fidelity=float(f), purify_rounds=k, find_threshold=(f == 0.9))
       for k in range(4) for f in np.round(np.linspace(0.6, 1.0, 21), 3)]
    + [Config("ghz_sum", ch, n_parties=n, log2_P=lp) for ch in GHZ_CHANNELS for n in (3, 8)
       for lp in (20, 30)]
    + [Config("ghz_key", ch, n_parties=n, log2_P=lp) for ch in GHZ_CHANNELS for n in (3, 8)
       for lp in (20, 30)]
    + [Config("ghz_key_curve", "depolarizing", p, n_parties=n, log2_P=lp) for n in (3, 8)
       for lp in (20, 30) for p in _KEY_P]
)
QUICK = (
    [Config("superdense", ch, p, find_threshold=(p == 0.0)) for ch in CHANNELS
     for p in (0.0, 0.2)]
    + [Config("purified", fidelity=0.9, purify_rounds=k, find_threshold=True) for k in range(3)]
    + [Config("ghz_sum", "depolarizing", n_parties=3, log2_P=20)]
    + [Config("ghz_key", "depolarizing", n_parties=3, log2_P=20)]
    + [Config("ghz_key_curve", "depolarizing", p, n_parties=3, log2_P=20)
       for p in (0.0, 0.02)]
)

EXPERIMENT = Experiment(
    name="noise_superdense_ghz",
    run=run,
    grid=GRID,
    quick=QUICK,
    claims=claims,
    description="noise thresholds: superdense link vs classical link (and purification), "
                "GHZ sum, GHZ key rate zero",
)
