"""Superdense coding over a Werner pair of fidelity F: error rates, rate, break-even fidelity.

The decoded 2-bit symbol is right with probability F and each wrong symbol has probability
(1 - F)/3 (a Pauli channel; derived from the circuit in ``proofs/proof_superdense.py``). For a
uniform input the channel carries ``2 - H(F, (1-F)/3, (1-F)/3, (1-F)/3)`` bits per qubit sent;
below the break-even fidelity it carries less than the one bit a noiseless classical channel
use carries, so the online saving is gone.
"""

from __future__ import annotations

import sympy as sp

from ._bound import Bound

F = sp.Symbol("F", positive=True)
b = sp.Symbol("b", positive=True, integer=True)

symbol_error = Bound(
    "superdense.symbol_error",
    1 - F,
    "Superdense coding over a Werner pair of fidelity F decodes a wrong 2-bit symbol with "
    "probability 1 - F, each of the three wrong symbols with probability (1 - F)/3.",
    "exact",
    "derived in proofs/proof_superdense.py (reconstruction of arXiv 2606.20344, noise model ours)",
    quantity="probability",
)

bit_error = Bound(
    "superdense.bit_error",
    2 * (1 - F) / 3,
    "Each of the two decoded bits is wrong with probability 2(1 - F)/3 (two of the three "
    "wrong symbols flip a given bit).",
    "exact",
    "derived in proofs/proof_superdense.py",
    quantity="probability",
)

rate = Bound(
    "superdense.rate",
    2 + F * sp.log(F, 2) + (1 - F) * sp.log((1 - F) / 3, 2),
    "Mutual information between a uniform 2-bit symbol and its decoding over a Werner pair of "
    "fidelity F, in bits per qubit sent: 2 - H(F, (1-F)/3, (1-F)/3, (1-F)/3) (the channel is "
    "symmetric, so the uniform input achieves the capacity of this fixed encoding); at F = 1 "
    "the formula is read as its limit 2.",
    "exact",
    "derived in proofs/proof_superdense.py; protocols.md section 1",
    quantity="ratio",
)


def _break_even() -> sp.Float:
    return sp.Float(sp.nsolve(rate.expr - 1, F, 0.81, prec=30), 15)


break_even_fidelity = Bound(
    "superdense.break_even_fidelity",
    _break_even(),
    "The Werner fidelity at which the superdense link carries exactly one bit per qubit "
    "(rate = 1); below it a qubit carries less than a noiseless classical bit and the online "
    "saving disappears. The rate increases with F on (1/4, 1], so the root is unique there.",
    "exact",
    "derived in proofs/proof_superdense.py (numerical root of superdense.rate = 1)",
    quantity="fidelity",
)

online_saving = Bound(
    "superdense.online_saving",
    2 + 0 * F,
    "Noise-free superdense coding sends 2 classical bits per qubit: online channel uses drop "
    "by exactly a factor of 2, the most any entanglement-assisted scheme allows.",
    "exact",
    "Bennett-Wiesner 1992; optimality Cleve-van Dam-Nielsen-Tapp 1999 (quant-ph/9708019)",
    quantity="ratio",
)

word_error = Bound(
    "superdense.word_error",
    1 - F ** (b / 2),
    "A b-bit word (b even) sent as b/2 superdense symbols arrives with at least one symbol "
    "error with probability 1 - F^(b/2).",
    "exact",
    "derived in proofs/proof_superdense.py",
    quantity="probability",
)

parity_undetected = Bound(
    "superdense.parity_undetected",
    ((1 + 3 * ((4 * F - 1) / 3) ** (b / 2 + 1)) / 4) - F ** (b / 2 + 1),
    "With one check symbol (XOR of the b/2 data symbols) per b-bit word, the probability that "
    "a word arrives wrong but passes the check: the XOR of the b/2 + 1 symbol errors is 0 with "
    "probability (1 + 3 ((4F - 1)/3)^(b/2+1))/4, minus the error-free case F^(b/2+1).",
    "exact",
    "derived in proofs/proof_superdense.py",
    quantity="probability",
)
