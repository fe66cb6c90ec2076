"""TieAudit_eps: sign-consistency auditing against a private matching (one-way, Alice -> Bob).

Alice holds signs x in {+-1}^P; Bob holds a matching M of parameter pairs and relations w_e.
Agreement a = fraction of edges e = (i, j) with x_i x_j = w_e; promise a >= 1/2 + eps or
a <= 1/2 - eps. The resources below are for a perfect matching (m = P/2 edges) and a decision
error <= delta on every promise instance; ``ceil(log2 P)`` is the register size of one copy of
the amplitude-encoded sign vector. Derivations: ``proofs/proof_tieaudit.py``.

Examples:
    >>> from ccq.bounds import tieaudit
    >>> tieaudit.quantum_copies(eps=0.5, delta=0.05)   # BHM promise: ceil(ln 20 / 0.5) copies
    6.0
    >>> tieaudit.quantum_qubits(eps=0.1, P=2**20, delta=0.05)
    3000.0
    >>> round(tieaudit.classical_lower(P=2**20, delta=0.05))
    1374
"""

from __future__ import annotations

import sympy as sp
from sympy.codegen.cfunctions import log2

from ._bound import Bound

eps = sp.Symbol("eps", positive=True)
P = sp.Symbol("P", positive=True, integer=True)
delta = sp.Symbol("delta", positive=True)
parity = sp.Symbol("parity", integer=True)        # x_i x_j of one matched edge, in {-1, +1}
_EPS = {"eps": sp.Interval.Lopen(0, 1)}            # the promise gap: a bias of +-1 values

_register = sp.ceiling(log2(P))                    # qubits of one copy of |psi_x> (P >= 2)
_copies = sp.ceiling(sp.log(1 / delta) / (2 * eps**2))

edge_outcome_probability = Bound(
    "tieaudit.edge_outcome_probability",
    (1 + parity) / P,
    "Measuring P^(-1/2) sum_i x_i |i> in the matching basis {(|i> + |j>)/sqrt2, (|i> - |j>)/sqrt2}"
    " gives the '+' outcome of edge (i, j) with probability (1 + x_i x_j)/P and '-' with "
    "(1 - x_i x_j)/P: each edge is hit with probability 2/P and reveals x_i x_j exactly "
    "(parity = +1 for '+', -1 for '-').",
    "exact",
    "Bar-Yossef-Jayram-Kerenidis, STOC 2004; derived in "
    "proofs/proof_tieaudit.py",
    quantity="probability",
    ranges={"parity": sp.FiniteSet(-1, 1)},
)

quantum_copies = Bound(
    "tieaudit.quantum_copies",
    _copies,
    "Copies K of |psi_x> after which Bob's majority vote over K uniformly random edges errs with "
    "probability <= delta on every promise instance with a perfect matching (Hoeffding: "
    "exp(-2 K eps^2) <= delta).",
    "sufficient",
    "Hoeffding 1963; derived in proofs/proof_tieaudit.py",
    quantity="copies",
    ranges=_EPS,
)

quantum_qubits = Bound(
    "tieaudit.quantum_qubits",
    _register * _copies,
    "One-way quantum protocol: K = ceil(ln(1/delta)/(2 eps^2)) copies of the ceil(log2 P)-qubit "
    "state P^(-1/2) sum_i x_i |i> suffice for error <= delta (perfect matching), i.e. "
    "O(eps^-2 log P log 1/delta) qubits.",
    "sufficient",
    "arXiv 2606.20344 (claim O(eps^-2 log P)); derived in proofs/proof_tieaudit.py",
    quantity="qubits",
    ranges=_EPS,
)

birthday_bits = Bound(
    "tieaudit.birthday_bits",
    1 + sp.sqrt(2 * P * (eps**-2 + 8) * sp.log(2 / delta)),
    "One-way public-coin classical protocol: Alice sends x on a shared uniformly random set of s "
    "coordinates; with s >= 1 + sqrt(2 P (eps^-2 + 8) ln(2/delta)) the expected number of matched "
    "edges inside the set is >= (eps^-2 + 8) ln(2/delta), so (negatively associated Chernoff + "
    "Hoeffding for sampling without replacement) the majority over those edges errs with "
    "probability <= delta. Perfect matching; when this exceeds P, sending all P signs is cheaper.",
    "sufficient",
    "Bar-Yossef-Jayram-Kerenidis 2004 (birthday protocol); constants derived in "
    "proofs/proof_tieaudit.py",
    quantity="bits",
    ranges=_EPS,
)

exact_bits = Bound(
    "tieaudit.exact_bits",
    P,
    "Deterministic one-way protocol: Alice sends all P signs; Bob computes the agreement exactly.",
    "exact",
    "trivial",
    quantity="bits",
)

classical_lower = Bound(
    "tieaudit.classical_lower",
    sp.sqrt(sp.Max(0, 2 * (P - 1) * (1 - 2 * delta))),
    "Every one-way protocol in which Alice reveals s of her signs, at positions chosen by public "
    "coins (the birthday class), needs s >= sqrt(2 (P - 1)(1 - 2 delta)) for error <= delta: "
    "if no matched edge falls inside the revealed set, Bob's view is independent of the answer "
    "on the hard distribution (x uniform), and Pr[some edge inside] <= E[#edges] = "
    "s(s-1)/(2(P-1)) (the Max with 0 only keeps the expression real outside P >= 1, "
    "delta <= 1/2). The general one-way lower bound Omega(sqrt P) for arbitrary messages "
    "(Gavinsky-Kempe-Kerenidis-Raz-de Wolf 2008) has no explicit constant and is NOT this curve.",
    "lower",
    "derived in proofs/proof_tieaudit.py; Omega(sqrt P): Bar-Yossef et al. 2004, Gavinsky et al. "
    "2008 (quant-ph/0611209)",
    quantity="bits",
)

twoway_bits = Bound(
    "tieaudit.twoway_bits",
    _copies * (2 * _register + 1),
    "Two-way classical protocol (2 rounds): Bob sends K = ceil(ln(1/delta)/(2 eps^2)) uniformly "
    "random edges of his matching (2 ceil(log2 P) bits each) and Alice answers x_i x_j for each "
    "(1 bit): O(eps^-2 log P log 1/delta) bits, the quantum cost up to a factor about 2. The "
    "exponential separation is a one-way phenomenon.",
    "sufficient",
    "arXiv 2606.20344 caveat (docs/protocols.md section 4); derived in proofs/proof_tieaudit.py",
    quantity="bits",
    ranges=_EPS,
)

twoway_public_bits = Bound(
    "tieaudit.twoway_public_bits",
    _copies * (_register + 1),
    "Public-coin two-way protocol (2 rounds): public coins pick K uniform vertices; Bob sends "
    "each one's partner (ceil(log2 P) bits), Alice answers x_i x_j (1 bit). The same law as "
    "the quantum protocol (a uniform vertex hits an edge), so K = the quantum copies and the "
    "cost is (ceil(log2 P) + 1)/ceil(log2 P) times the quantum qubits. One-way from Bob to "
    "Alice (Bob also sends w_e, Alice decides) costs the same in 1 round.",
    "sufficient",
    "ccq; derived in proofs/proof_tieaudit.py",
    quantity="bits",
)

