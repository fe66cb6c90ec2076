"""Derivations of the distributed-model bounds in ``ccq.bounds.qmodel``.

* Messages: the register changes hands twice per layer (to Bob after A_l, back to Alice after
  B_l), so 2L messages of log2 N qubits; the Hadamard test for Bob's layer l (1-based) goes
  forward to B_l (2l - 1 messages), through the rest of the circuit to Alice's controlled-O
  (2(L - l) + 1) and back (2(L - l) + 1): 4L - 2l + 1, summing to 3 L^2 over l = 1..L.
* Shots: Hoeffding for n i.i.d. terms in an interval of width w,
  P(|mean - mu| >= eps) <= 2 exp(-2 n eps^2 / w^2), with a union bound over P coordinates.
  A +-1 shot has w = 2; a parameter-shift term (o+ - o-)/2 has w = 2; a Hadamard-test term
  2 (-1)^s [k_t = k] has w = 4.
* SimHash: a bit agrees with probability 1 - angle/pi; margin |cos angle| >= tau gives a bias
  >= arcsin(tau)/pi >= tau/pi; a majority vote errs with prob <= exp(-2 k (tau/pi)^2).
* Totals: qubits per shot times shots (inference); messages per copy-set times (log2 N + 1)
  qubits times copies with the union bound over all L N phases (gradient).

``DERIVED`` holds the results (checked against ``ccq.bounds`` by ``tests/test_proofs.py``).
"""

import math

import sympy as sp

from ccq.bounds import qmodel

L, N, P = sp.symbols("L N P", positive=True, integer=True)
eps, delta, tau = sp.symbols("eps delta tau", positive=True)


def _hoeffding_budget(width, eps, target):
    n = sp.Symbol("n", positive=True)
    solved = sp.solve(sp.Eq(target * sp.exp(-2 * n * eps**2 / width**2), 1), n)
    assert len(solved) == 1
    return solved[0]


def forward_messages():
    layer = sp.Symbol("l", positive=True, integer=True)
    return sp.summation(2, (layer, 1, L))           # to Bob after A_l, back after B_l


def inference_shots():
    return _hoeffding_budget(2, eps, 2 / delta)     # +-1 shots, two-sided


def paramshift_copies():
    return 2 * P * _hoeffding_budget(2, eps, 2 * P / delta)   # 2P shifted circuits, union bound


def mass_copies(params=P):
    return _hoeffding_budget(4, eps, 2 * params / delta)      # terms in [-2, 2], union bound


def mass_messages_all_layers():
    layer = sp.Symbol("l", positive=True, integer=True)
    per_test = (2 * layer - 1) + 2 * (2 * (L - layer) + 1)    # to B_l, on to Alice, and back
    return sp.summation(per_test, (layer, 1, L))


def linear_sketch_bits():
    k = sp.Symbol("k", positive=True)
    bias = tau / sp.pi                              # arcsin(tau)/pi >= tau/pi
    [solved] = sp.solve(sp.Eq(sp.exp(-2 * k * bias**2), delta), k)
    return solved


DERIVED = {
    "qmodel.inference_qubits": forward_messages() * sp.log(N, 2),
    "qmodel.inference_rounds": forward_messages(),
    "qmodel.inference_shots": inference_shots(),
    "qmodel.inference_total_qubits": forward_messages() * sp.log(N, 2) * inference_shots(),
    "qmodel.paramshift_copies": paramshift_copies(),
    "qmodel.mass_copies": mass_copies(),
    "qmodel.mass_messages_all_layers": mass_messages_all_layers(),
    # every Hadamard-test message carries the log2 N register plus the control qubit; the
    # union bound runs over all L N phases
    "qmodel.gradient_qubits": mass_messages_all_layers() * (sp.log(N, 2) + 1)
                              * mass_copies(L * N),
    "qmodel.linear_sketch_bits": linear_sketch_bits(),
}


def test_inference_messages_and_qubits():
    L, N, l = sp.symbols("L N l", positive=True, integer=True)
    messages = sp.summation(2, (l, 1, L))
    assert sp.simplify(messages * sp.log(N, 2) - qmodel.inference_qubits.expr) == 0
    assert sp.simplify(messages - qmodel.inference_rounds.expr) == 0


def test_inference_shots_from_hoeffding():
    eps, delta = sp.symbols("eps delta", positive=True)
    shots = _hoeffding_budget(2, eps, 2 / delta)
    assert sp.simplify(shots - qmodel.inference_shots.expr) == 0


def test_paramshift_copies_from_hoeffding_and_union_bound():
    eps, delta = sp.symbols("eps delta", positive=True)
    P = sp.Symbol("P", positive=True, integer=True)
    shots = _hoeffding_budget(2, eps, 2 * P / delta)
    assert sp.simplify(2 * P * shots - qmodel.paramshift_copies.expr) == 0


def test_mass_copies_from_hoeffding_and_union_bound():
    eps, delta = sp.symbols("eps delta", positive=True)
    P = sp.Symbol("P", positive=True, integer=True)
    copies = _hoeffding_budget(4, eps, 2 * P / delta)
    assert sp.simplify(copies - qmodel.mass_copies.expr) == 0


def test_mass_messages_sum_to_three_L_squared():
    L, l = sp.symbols("L l", positive=True, integer=True)
    total = sp.summation((2 * l - 1) + 2 * (2 * (L - l) + 1), (l, 1, L))
    assert sp.simplify(total - qmodel.mass_messages_all_layers.expr) == 0


def test_inference_total_qubits_compose():
    assert sp.simplify(DERIVED["qmodel.inference_qubits"] * DERIVED["qmodel.inference_shots"]
                       - qmodel.inference_total_qubits.expr) == 0


def test_gradient_qubits_compose():
    L, N = sp.symbols("L N", positive=True, integer=True)
    expected = (qmodel.mass_messages_all_layers.expr * (sp.log(N, 2) + 1)
                * qmodel.mass_copies.expr.subs(qmodel.P, L * N))
    assert sp.simplify(expected - qmodel.gradient_qubits.expr) == 0


def test_simhash_bits_from_one_sided_hoeffding():
    tau, delta, k = sp.symbols("tau delta k", positive=True)
    bias = tau / sp.pi
    solved = sp.solve(sp.Eq(sp.exp(-2 * k * bias**2), delta), k)
    assert len(solved) == 1
    assert sp.simplify(solved[0] - qmodel.linear_sketch_bits.expr) == 0
    # arcsin(tau) >= tau on (0, 1]: the tau/pi bias is a valid lower bound
    for t in (1e-3, 0.1, 0.5, 0.99, 1.0):
        assert math.asin(t) >= t
