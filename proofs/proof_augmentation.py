"""Derivation: the augmentation identity <u,v> = (1 + <g,h>)/2 and its cost for the swap test.

With u = (|0>|0^n> + |1>|g>)/sqrt2 and v = (|0>|0^n> + |1>|h>)/sqrt2, the inner product splits over
the ancilla: <u,v> = (<0^n|0^n> + <g|h>)/2 = (1 + <g,h>)/2, and ||u|| = 1 exactly when ||g|| = 1.
We multiply it out on symbolic real vectors of dimension 4 (n = 2; nothing depends on n). Feeding
the overlap <u,v>^2 into ``swap.acceptance`` gives acceptance probabilities whose difference between
<g,h> = tau and <g,h> = -tau is exactly tau/2; thresholding at the midpoint then needs
``sampling.threshold_shots`` at gap tau/2, i.e. 8 ln(1/delta)/tau^2 shots.
"""

import sympy as sp

from ccq.bounds import sampling, swap

DIM = 4
g = sp.Matrix(sp.symbols(f"g0:{DIM}", real=True))
h = sp.Matrix(sp.symbols(f"h0:{DIM}", real=True))
ip = sp.Symbol("ip", real=True)
tau, delta = sp.symbols("tau delta", positive=True)


def augment(w):
    zero = sp.zeros(DIM, 1)
    zero[0] = 1
    return sp.Matrix.vstack(zero, w) / sp.sqrt(2)      # ancilla is the most significant qubit


def augmented_overlap():
    u, v = augment(g), augment(h)
    inner = sp.expand((u.T * v)[0])
    gh = sp.expand((g.T * h)[0])
    assert sp.simplify(inner - (1 + gh) / 2) == 0
    norm_u = sp.expand((u.T * u)[0])
    assert sp.simplify(norm_u - (1 + (g.T * g)[0]) / 2) == 0    # unit iff g is unit
    return (1 + ip) / 2                                         # ip stands for <g, h>


def swap_gap():
    o = swap.acceptance.expr.free_symbols.pop()
    accept = swap.acceptance.expr.subs(o, augmented_overlap() ** 2)
    return sp.simplify(accept.subs(ip, tau) - accept.subs(ip, -tau))


def swap_shots():
    expr = sampling.threshold_shots.expr
    table = {s.name: s for s in expr.free_symbols}
    return sp.simplify(expr.subs({table["gap"]: swap_gap(), table["delta"]: delta}))


DERIVED = {
    "encoding.augmented_overlap": augmented_overlap(),
    "encoding.augmented_swap_gap": swap_gap(),
    "encoding.augmented_swap_shots": swap_shots(),
}


def test_gap_is_linear_in_tau_so_swap_shots_are_quadratic():
    assert DERIVED["encoding.augmented_swap_gap"] == tau / 2
    assert sp.degree(sp.denom(DERIVED["encoding.augmented_swap_shots"]), tau) == 2
