"""GapIP_tau: deciding the sign of <g, h> under the promise |<g, h>| >= tau, quantum and classical.

Symbols: ``tau`` (margin), ``P`` (dimension), ``delta`` (error probability), ``b`` (bits per
transmitted entry), ``shots`` (shots per Grover power of maximum-likelihood AE), ``z`` (the
normal quantile Phi^-1(1 - delta), 1.645 at delta = 0.05).

Every quantum method works on the augmented states u = (|0>|0^n> + |1>|g>)/sqrt 2 (and v for
h) of 1 + n qubits, n = ceil(log2 P), whose overlap a = <u, v>^2 = ((1 + <g,h>)/2)^2 moves by
exactly tau between the two promised cases (a_+ - a_- = tau) and is thresholded at the
midpoint a_mid = (1 + tau^2)/4, tau/2 from either side. See docs/gapip.md; the protocols are
a reconstruction of arXiv 2606.20344 (seed 000/001), not the paper's text.
"""

from __future__ import annotations

import math

import numpy as np
import sympy as sp

from . import ae
from ._bound import Bound

tau, P, delta, b, shots = sp.symbols("tau P delta b shots", positive=True)
z = sp.Symbol("z", positive=True)    # Phi^-1(1 - delta): 1.645 at delta = 0.05

register_qubits = 1 + sp.ceiling(sp.log(P, 2))

overlap_gap = Bound(
    "gapip.overlap_gap",
    ((1 + tau) / 2) ** 2 - ((1 - tau) / 2) ** 2,
    "The augmented overlaps a = ((1 + <g,h>)/2)^2 at <g,h> = +tau and -tau differ by tau.",
    "exact",
    "derived in proofs/proof_gapip.py",
)

swap_shots = Bound(
    "gapip.swap_shots",
    8 * sp.log(1 / delta) / tau**2,
    "Swap tests (one-way: Alice sends copies of u, Bob tests each against v) that decide "
    "GapIP_tau with error <= delta by thresholding the acceptance rate at the midpoint: the "
    "acceptance probabilities (1 + a)/2 differ by tau/2 (sampling.threshold_shots, gap tau/2).",
    "sufficient",
    "Buhrman-Cleve-Watrous-de Wolf 2001 + Hoeffding; derived in proofs/proof_gapip.py",
    quantity="shots",
)

swap_qubits = Bound(
    "gapip.swap_qubits",
    swap_shots.expr * register_qubits,
    "Qubits of the one-way swap-test protocol: gapip.swap_shots copies of the (1 + n)-qubit "
    "state u, one round. Theta(tau^-2 log P): no better than SimHash's tau^-2 bits.",
    "sufficient",
    "derived in proofs/proof_gapip.py",
    quantity="qubits",
)

projective_copies = Bound(
    "gapip.projective_copies",
    2 * sp.log(1 / delta) / tau**2,
    "Copies of u (one-way) that decide GapIP_tau with error <= delta when Bob, who knows h, "
    "measures {|v><v|, I - |v><v|} on each: acceptance a = ((1 + c)/2)^2 moves by tau "
    "(twice the swap test's tau/2), thresholded at the midpoint (sampling.threshold_shots "
    "with gap tau).",
    "sufficient",
    "Hoeffding 1963; derived in proofs/proof_gapip.py",
    quantity="copies",
)

projective_qubits = Bound(
    "gapip.projective_qubits",
    projective_copies.expr * register_qubits,
    "Qubits of the one-way projective protocol: gapip.projective_copies copies of the "
    "(1 + n)-qubit state u, one round. Theta(tau^-2 log P).",
    "sufficient",
    "derived in proofs/proof_gapip.py",
    quantity="qubits",
)

ae_queries = Bound(
    "gapip.ae_queries",
    ae.queries.expr.subs(ae.eps, tau / 2),
    "Grover applications M = ae.queries(eps = tau/2) per canonical-AE run: the estimate of a "
    "lands on the right side of a_mid with probability >= 8/pi^2.",
    "sufficient",
    "Brassard-Hoyer-Mosca-Tapp 2002; derived in proofs/proof_gapip.py",
    quantity="queries",
)

ae_repetitions = Bound(
    "gapip.ae_repetitions",
    ae.median_repetitions.expr,
    "Parallel canonical-AE runs whose majority vote errs with probability <= delta.",
    "sufficient",
    "derived in proofs/proof_gapip.py",
    quantity="repetitions",
)

ae_rounds = Bound(
    "gapip.ae_rounds",
    2 * (ae_queries.expr - 1),
    "Sequential messages of canonical AE: each of the M - 1 Grover applications Q = R_u R_v "
    "sends the register Alice -> Bob and back (runs are parallel, so rounds do not grow with "
    "the repetitions): O(1/tau) rounds, interactive.",
    "sufficient",
    "derived in proofs/proof_gapip.py",
    quantity="rounds",
)

ae_qubits = Bound(
    "gapip.ae_qubits",
    ae_repetitions.expr * ae_rounds.expr
    * (sp.ceiling(sp.log(ae_queries.expr, 2)) + register_qubits),
    "Qubits of canonical AE: repetitions x rounds x (control register ceil(log2 M) + message "
    "register 1 + n) -- O(tau^-1 log(1/tau) log(1/delta) log P) up to the log(1/tau) of the "
    "travelling control register.",
    "sufficient",
    "derived in proofs/proof_gapip.py",
    quantity="qubits",
)

mlae_max_power = Bound(
    "gapip.mlae_max_power",
    3 * sp.sqrt(2 * sp.log(1 / delta)) / (8 * tau * sp.sqrt(shots)),
    "Largest Grover power M of maximum-likelihood AE (powers 0 and M, M/2, ..., 1, `shots` "
    "shots each) at which the asymptotic Cramer-Rao width of the estimate of phi = "
    "arccos<u,v> times the Gaussian tail factor sqrt(2 log 1/delta) equals the margin tau/sqrt3 "
    "in phi. Asymptotic (Fisher information 4 shots sum (2m+1)^2 ~ (64/3) shots M^2), not a "
    "finite-sample guarantee: ccq measures the real requirement.",
    "sufficient",
    "Suzuki et al. 2020 (arXiv 1904.10246); derived in proofs/proof_gapip.py",
    quantity="queries",
)

simhash_bits = Bound(
    "gapip.simhash_bits",
    sp.pi**2 * sp.log(1 / delta) / (2 * sp.asin(tau) ** 2),
    "SimHash sign bits (public coins, one-way) that decide GapIP_tau with error <= delta by "
    "majority of agreements: agreement probability 1/2 +- asin(tau)/pi "
    "(sampling.threshold_shots with gap 2 asin(tau)/pi). Theta(tau^-2 log 1/delta).",
    "sufficient",
    "Charikar 2002 + Hoeffding; derived in proofs/proof_gapip.py",
    quantity="bits",
)

sign_bits = Bound(
    "gapip.sign_bits",
    sp.pi * sp.log(1 / delta) / tau**2,
    "Sign bits (public coins, one-way) that decide GapIP_tau with error <= delta when Alice "
    "sends sign(r_i.g) of k shared Gaussian projections and Bob, keeping his own r_i.h real, "
    "decides on the sign of sum_i sign(r_i.g)(r_i.h): Chernoff with E exp(-l X) = "
    "2 exp(l^2/2) Phi(-l c) <= exp(-c^2/pi) at l = c sqrt(2/pi) (log Phi(-x) is concave, below "
    "its tangent at 0). Asymptotically the exact requirement is z^2 pi/(2 tau^2).",
    "sufficient",
    "Chernoff 1952; derived in proofs/proof_gapip.py",
    quantity="bits",
)

hlps_bits = Bound(
    "gapip.hlps_bits",
    z**2 / (2 * sp.log(2) * tau**2),
    "Optimal one-way bit rate for estimating a correlation, translated into a sign decision: "
    "Hadar-Liu-Polyanskiy-Shayevitz show inf sup E|rho - rho_hat|^2 = (1/(2 ln 2) + o(1))/k "
    "for k bits (any interaction; attained one-way with exponentially many samples); with "
    "a Gaussian estimate of that variance, deciding sign(rho) at |rho| >= tau with error "
    "delta needs z^2/(2 ln 2 tau^2) bits, z = Phi^-1(1 - delta). The constant 1/(2 ln 2) is "
    "the paper's; the translation to the decision is a normal approximation (ccq's reading), "
    "so this is the reference rate, not a theorem about GapIP.",
    "lower",
    "Hadar, Liu, Polyanskiy, Shayevitz, STOC 2019 (arXiv 1901.09100), abstract",
    quantity="bits",
)

jl_rows = Bound(
    "gapip.jl_rows",
    2 * sp.log(4 / delta) / (tau**2 / 2 - tau**3 / 3),
    "Rows k of a Gaussian (JL) sketch such that <Rg, Rh>/k is within tau of <g,h> with "
    "probability >= 1 - delta (Dasgupta-Gupta norm concentration for g + h and g - h, "
    "polarisation). Stated for unquantised entries; ccq sends b-bit dithered entries and "
    "measures the effect.",
    "sufficient",
    "Dasgupta-Gupta 2003; derived in proofs/proof_gapip.py",
    quantity="copies",
)

jl_bits = Bound(
    "gapip.jl_bits",
    b * jl_rows.expr,
    "Bits of the JL sketch protocol: gapip.jl_rows entries at b bits each, one-way.",
    "sufficient",
    "derived in proofs/proof_gapip.py",
    quantity="bits",
)

ams_rows = Bound(
    "gapip.ams_rows",
    (1 - delta) * (1 + tau**2 + P / (3 * (2**b - 1) ** 2)) / (delta * tau**2),
    "Rows k of an AMS sketch (k shared rows of +-1 signs; Alice sends s.g at b bits, "
    "subtractively dithered on the full range sqrt(P)/(1 - 2^-b), so never overloaded; Bob "
    "decides on the sign of sum q_i (s_i.h)) that decide GapIP_tau with error <= delta for "
    "EVERY pair of unit vectors: per row E = c and Var = 1 + c^2 - 2 sum g_j^2 h_j^2 + "
    "Delta^2/12 <= 1 + c^2 + P/(3 (2^b - 1)^2); Cantelli's inequality bounds the error by "
    "V/(V + k c^2), decreasing in |c|, so c = tau is the worst case. Loose by about "
    "(1 - delta)/(delta z^2) (7x at delta = 0.05) for flat vectors, where T is near Gaussian.",
    "sufficient",
    "Alon-Matias-Szegedy 1996 + Cantelli; derived in proofs/proof_gapip.py",
    quantity="copies",
    ranges={"b": (1, 32)},      # bits per entry, as in ccq.gapip
)

ams_bits = Bound(
    "gapip.ams_bits",
    b * ams_rows.expr,
    "Bits of the AMS sketch protocol: gapip.ams_rows entries at b bits each, one-way.",
    "sufficient",
    "derived in proofs/proof_gapip.py",
    quantity="bits",
    ranges={"b": (1, 32)},
)

exact_entry_bits = Bound(
    "gapip.exact_entry_bits",
    sp.log(1 + sp.sqrt(P) / tau, 2),
    "Bits per entry above which rounding g to a uniform grid of 2^b levels on [-1, 1] moves "
    "<g, h> by less than tau (error sqrt(P)/(2^b - 1)), so the exact protocol never errs.",
    "sufficient",
    "derived in proofs/proof_gapip.py",
    quantity="bits",
)

exact_bits = Bound(
    "gapip.exact_bits",
    P * b,
    "Bits of sending all P entries of g at b bits each (one-way, deterministic).",
    "exact",
    "cost model",
    quantity="bits",
)

classical_lower = Bound(
    "gapip.classical_lower",
    sp.Min(1 / tau**2, P),
    "Any classical protocol for GapIP_tau with error <= 1/3 communicates Omega(min(tau^-2, P)) "
    "bits, even interactive and with public coins (reduction from Gap-Hamming-Distance with "
    "n = 4/tau^2, g = x/sqrt(n)); the constant is not given.",
    "lower",
    "Chakrabarti-Regev 2011 (arXiv 1009.3460); Sherstov 2011",
    quantity="bits",
)


def crossover_tau(P: int, delta: float = 0.05) -> float:
    """Largest tau at which ``gapip.ae_qubits`` <= the cheaper of ``gapip.simhash_bits`` and
    ``P * ceil(gapip.exact_entry_bits)``; ``nan`` if canonical AE never wins at this P.

    At fixed P AE wins only inside a window of tau (for tiny tau, sending g exactly is cheaper
    again); this returns the window's upper edge, by a scan of log tau and bisection.

    Examples:
        >>> 1e-3 < crossover_tau(2**20) < 1e-2
        True
    """
    def gap(t):
        classical_bits = min(simhash_bits(tau=t, delta=delta),
                             P * math.ceil(exact_entry_bits(P=P, tau=t)))
        return math.log(ae_qubits(tau=t, P=P, delta=delta) / classical_bits)

    grid = np.logspace(-0.01, -8, 800)
    wins = [t for t in grid if gap(t) <= 0]
    if not wins:
        return float("nan")
    lo, hi = math.log(wins[0]), math.log(wins[0]) + 0.0101 * math.log(10)
    for _ in range(50):
        mid = (lo + hi) / 2
        if gap(math.exp(mid)) <= 0:
            lo = mid
        else:
            hi = mid
    return math.exp(lo)


# ------------------------------------------------ exact AE optimum from the committed table
def _ae_table() -> dict:
    """The committed table of exact AE candidates (ccq/protocols/_gapip_table.json, written by
    ``python -m ccq.protocols.gapip_table``), read without importing ccq.protocols (no jax)."""
    import json
    import pathlib

    path = pathlib.Path(__file__).parents[1] / "protocols" / "_gapip_table.json"
    return json.loads(path.read_text()) if path.exists() else {"taus": [], "deltas": [],
                                                                "candidates": {}}


def _log_interpolated(points_by_delta: dict, fallback):
    """A cost read from a table: the largest tabulated delta <= delta, then exact at its
    tabulated taus, linear in log tau and log cost between two of them, ``fallback`` elsewhere.

    ``points_by_delta``: ``{delta: [(tau, cost expression), ...]}``.
    """
    pieces = []
    for d in sorted(points_by_delta, reverse=True):
        pts = sorted(points_by_delta[d], key=lambda tc: tc[0])
        # exact at every tabulated tau (a ceiling would turn a last-digit interpolation error
        # at a table point into one more unit)
        inner = [(c, sp.Eq(tau, sp.Float(t))) for t, c in pts]
        for (t0, c0), (t1, c1) in zip(pts, pts[1:], strict=False):
            s = sp.log(tau / sp.Float(t0)) / sp.log(sp.Float(t1) / sp.Float(t0))
            inner.append((c0 * (c1 / c0) ** s, (tau >= sp.Float(t0)) & (tau < sp.Float(t1))))
        inner.append((fallback, True))
        pieces.append((sp.Piecewise(*inner), delta >= sp.Float(d)))
    pieces.append((fallback, True))
    return sp.Piecewise(*pieces)


def _sign_optimal_expr():
    """Piecewise expression of the exact minimal sign bits (see ``sign_optimal_bits``)."""
    by_delta: dict = {}
    for key, bits in _ae_table().get("sign_bits", {}).items():
        t, d = (float(x) for x in key.split(","))
        by_delta.setdefault(d, []).append((t, sp.Integer(bits)))
    return _log_interpolated(by_delta, sp.ceiling(sign_bits.expr))


sign_optimal_bits = Bound(
    "gapip.sign_optimal_bits",
    _sign_optimal_expr(),
    "Bits of the sign sketch (signs of shared Gaussian projections, Bob keeps his own real) at "
    "its exact optimum (the smallest k whose exact worst-case error over the promise meets "
    "delta, ccq.protocols.gapip_optimal.optimal_sign), read from the committed table of "
    "ccq.protocols.gapip_table. Exact at the tabulated tau and delta; between two tabulated taus "
    "interpolated linearly in log tau and log bits (not a guarantee); a delta between tabulated "
    "values uses the next smaller tabulated delta (its budget meets the larger delta too); "
    "elsewhere it falls back to gapip.sign_bits' Chernoff budget.",
    "sufficient",
    "exact error law of ccq.protocols.gapip_optimal (tabulated); gapip.sign_bits outside",
    quantity="bits",
)


def _ae_optimal_expr():
    """Piecewise expression of the exact optimal AE qubits (see ``ae_optimal_qubits``)."""
    raw = _ae_table()
    M0 = sp.ceiling(ae_queries.expr)
    fallback = ((2 * sp.floor(sp.ceiling(ae_repetitions.expr) / 2) + 1) * 2 * (M0 - 1)
                * (sp.Max(1, sp.ceiling(sp.log(M0, 2))) + register_qubits))

    def cost(t, d):
        cands = raw["candidates"][f"{float(t):.12g},{float(d):.12g}"]
        lines = {(r * 2 * (M - 1), 1 if ctl == "one_qubit" else max(1, math.ceil(
            math.log2(M)))) for r, M, ctl, _w, _c in cands}
        # only the lines a * (k + register) that are cheapest for some register of 2..64
        # qubits (P up to 2^63) enter the Min: a few terms keep sympy and the page fast
        keep = {min(lines, key=lambda ak, R=R: (ak[0] * (ak[1] + R), ak)) for R in range(2, 65)}
        return sp.Min(*[sp.Integer(a) * (k + register_qubits) for a, k in sorted(keep)])

    by_delta = {d: [(t, cost(t, d)) for t in raw["taus"]
                    if f"{float(t):.12g},{float(d):.12g}" in raw["candidates"]]
                for d in raw["deltas"]}
    return _log_interpolated(by_delta, fallback)


ae_optimal_qubits = Bound(
    "gapip.ae_optimal_qubits",
    _ae_optimal_expr(),
    "Qubits of canonical AE at its exact optimum (runs r, Grover applications M and where the "
    "control lives searched with the exact worst-case error over the whole promise, "
    "ccq.protocols.gapip_optimal.optimal_ae), read from the committed table of "
    "ccq.protocols.gapip_table: min over the tabulated (r, M, control) of "
    "r 2(M - 1)(control qubits + 1 + ceil(log2 P)). Exact at the tabulated tau and delta; "
    "between two tabulated taus the cost is interpolated linearly in log tau and log cost (not "
    "a guarantee); a delta between tabulated values uses the next smaller tabulated delta (its "
    "budget meets the larger delta too); outside the tabulated taus of that delta or below "
    "the smallest tabulated delta it falls back to gapip.ae_qubits' bound-derived budget.",
    "sufficient",
    "exact error law of ccq.protocols.gapip_optimal (tabulated); gapip.ae_qubits outside",
    quantity="qubits",
)
