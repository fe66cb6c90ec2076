"""TieAudit_eps: minimal communication for worst-case error <= delta versus eps at fixed P.

Question: at fixed P, does the quantum cost grow like eps^-2 (copies K ~ ln(1/delta)/eps^2) and
the birthday cost like eps^-1 (s ~ sqrt(P c) with c ~ eps^-2 edges inside the sample)? Exact
minimal budgets as in ``tieaudit_scaling``; eps values are multiples of 1/64 so that the
boundary agreement is exactly 1/2 + eps at P = 2^20.
"""

from __future__ import annotations

from ccq.claims import Claim
from ccq.experiment import Experiment
from ccq.fit import fit_power_law
from ccq.protocols.tieaudit import METHODS

from .tieaudit_scaling import DELTA, EXPONENT_TOL, SOURCE, Config, run

EPS_FIT_MAX = 0.125     # fit the small-eps regime (the constant 8 in eps^-2 + 8 fades there)


def claims(rows):
    ids = ["tieaudit.quantum_eps_exponent", "tieaudit.birthday_eps_exponent"]
    out = []
    for cid, method, claimed, unit in ((ids[0], "quantum", -2.0, "qubits"),
                                       (ids[1], "birthday", -1.0, "bits")):
        sub = sorted((r for r in rows if r["method"] == method and r["eps"] <= EPS_FIT_MAX),
                     key=lambda r: r["eps"])
        if len(sub) < 3:
            out.append(Claim(cid, SOURCE, f"{method} cost vs eps", f"eps^{claimed:g}", "not run",
                             "not measured"))
            continue
        fit = fit_power_law([r["eps"] for r in sub], [r["communication"] for r in sub])
        P = sub[0]["P"]
        out.append(Claim(
            cid, SOURCE if method == "quantum" else "Bar-Yossef-Jayram-Kerenidis 2004",
            f"at fixed P the {method} one-way cost grows like eps^{claimed:g}",
            f"{unit} ~ eps^{claimed:g}",
            f"minimal {unit} vs eps at P = 2^{P.bit_length() - 1}, eps = {sub[0]['eps']:g}.."
            f"{sub[-1]['eps']:g}: exponent {fit}",
            "holds" if abs(fit.exponent - claimed) <= EXPONENT_TOL else "fails"))
    return out


P_FIXED = 2**20
_full_eps = [k / 64 for k in (1, 2, 3, 4, 6, 8, 12, 16, 24, 32)]
_quick_eps = [k / 64 for k in (2, 4, 8, 16, 32)]
EXPERIMENT = Experiment(
    name="tieaudit_eps",
    run=run,
    grid=[Config(mth, P_FIXED, e, DELTA, 0) for mth in METHODS for e in _full_eps],
    quick=[Config(mth, P_FIXED, e, DELTA, 0) for mth in METHODS for e in _quick_eps],
    claims=claims,
    description="TieAudit: minimal communication vs eps at P = 2^20 (quantum, birthday, ...)",
)
