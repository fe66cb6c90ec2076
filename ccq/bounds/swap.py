"""The swap test: acceptance probability and the shots it needs to separate two overlaps."""

from __future__ import annotations

import sympy as sp

from ._bound import Bound

overlap = sp.Symbol("overlap", nonnegative=True)   # |<psi|phi>|^2

acceptance = Bound(
    "swap.acceptance",
    (1 + overlap) / 2,
    "The swap test accepts with probability (1 + |<psi|phi>|^2) / 2.",
    "exact",
    "Buhrman-Cleve-Watrous-de Wolf 2001 (quant-ph/0102001); derived in proofs/proof_swap.py",
    quantity="probability",
)
