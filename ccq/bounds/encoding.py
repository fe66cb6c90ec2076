"""The augmented encoding of GapIP and what it does to the swap test.

Alice's unit ``g`` and Bob's unit ``h`` in R^P become ``u = (|0>|0^n> + |1>|g>)/sqrt 2`` and
``v = (|0>|0^n> + |1>|h>)/sqrt 2`` on 1 + n qubits, so ``<u,v> = (1 + <g,h>)/2`` lies in [0, 1]
(``ip`` below is ``<g,h>``). The swap test accepts with probability ``(1 + <u,v>^2)/2``; between
the promises ``<g,h> = tau`` and ``<g,h> = -tau`` it moves by exactly ``tau/2``, so a midpoint
threshold needs ``8 ln(1/delta) / tau^2`` shots: the quadratic dependence on the margin that leaves
the swap test no advantage over classical sketches. Derived in ``proofs/proof_augmentation.py``.

Examples:
    >>> augmented_overlap(ip=0.0)
    0.5
    >>> round(augmented_swap_shots(tau=0.1, delta=0.01), 1)
    3684.1
"""

from __future__ import annotations

import sympy as sp

from ._bound import Bound

ip = sp.Symbol("ip", real=True)             # <g, h> for unit g, h
tau, delta = sp.symbols("tau delta", positive=True)

augmented_overlap = Bound(
    "encoding.augmented_overlap",
    (1 + ip) / 2,
    "The augmented states u = (|0>|0> + |1>|g>)/sqrt2 and v = (|0>|0> + |1>|h>)/sqrt2 of unit "
    "g, h have <u, v> = (1 + <g, h>)/2.",
    "exact",
    "seed 001 appendix fragment (reconstruction); derived in proofs/proof_augmentation.py",
    quantity="value",
    ranges={"ip": (-1, 1)},
)

augmented_swap_gap = Bound(
    "encoding.augmented_swap_gap",
    tau / 2,
    "Difference of the swap-test acceptance probabilities on augmented states between "
    "<g,h> = tau and <g,h> = -tau: (1 + ((1+tau)/2)^2)/2 - (1 + ((1-tau)/2)^2)/2 = tau/2.",
    "exact",
    "derived in proofs/proof_augmentation.py",
    quantity="probability",
)

augmented_swap_shots = Bound(
    "encoding.augmented_swap_shots",
    8 * sp.log(1 / delta) / tau**2,
    "Swap tests on augmented states that decide GapIP_tau with error <= delta by thresholding "
    "the acceptance frequency at the midpoint (sampling.threshold_shots with gap = tau/2).",
    "sufficient",
    "Hoeffding 1963; derived in proofs/proof_augmentation.py",
    quantity="shots",
)
