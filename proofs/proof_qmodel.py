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
* Noisy gradients at n = 1 (no bound, a closed form the tests use): depolarising p per
  transmitted qubit contracts the noisy shift-rule gradient by (1 - p)^(2L) and the Hadamard
  test's estimate by (1 - p)^(2m), m its messages (section at the end).

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


# ---------------------------------------------------------------- noisy gradients at n = 1
#
# Claim (used by ccq.protocols.qmodel and checked numerically in tests/test_qmodel.py): for a
# one-qubit register under depolarising noise p on every transmitted qubit,
#   (i)  the noisy expectation is (1 - p)^(2L) f, so its gradient (what the noisy shift rule
#        returns) is (1 - p)^(2L) times the noiseless one;
#   (ii) the Hadamard test's estimate 2 (p(+i, k) - p(-i, k)) is (1 - p)^(2m) times the
#        noiseless gradient, m the test's messages (register and ancilla each lose 1 - p).
# Steps: (a) on one qubit the Kraus form of depolarising is D(X) = (1-p) X + p tr(X) I/2 for
# every 2x2 X, Hermitian or not; (b) D commutes with U . U^dagger, so k uses compose to
# s X + (1 - s) tr(X) I/2, s = (1-p)^k; (c) tr O = 0, giving (i); (d) on the ancilla every
# channel scales the coherence block |0><1| by a constant (1 - p for depolarising); (e) the
# register's coherence block X ends as s_after V^dag (X1 O) V + (1 - s_after) tr(X1 O) I/2
# with X1 = s_before V X0 V^dag + (1 - s_before) tr(X0) I/2, and the terms carrying the
# trace have real diagonals, so Im diag(X_end) = s_before s_after Im diag(X0 V^dag O V).


def _depolarize(X, p):
    paulis = [sp.eye(2), sp.Matrix([[0, 1], [1, 0]]), sp.Matrix([[0, -sp.I], [sp.I, 0]]),
              sp.Matrix([[1, 0], [0, -1]])]
    weights = [1 - 3 * p / 4] + [p / 4] * 3
    return sum((w * k * X * k.H for w, k in zip(weights, paulis, strict=True)), sp.zeros(2))


def _generic(name, hermitian=False):
    if hermitian:
        a, d, re, im = sp.symbols(f"{name}a {name}d {name}re {name}im", real=True)
        return sp.Matrix([[a, re + sp.I * im], [re - sp.I * im, d]])
    re = sp.Matrix(2, 2, lambda i, j: sp.Symbol(f"{name}re{i}{j}", real=True))
    im = sp.Matrix(2, 2, lambda i, j: sp.Symbol(f"{name}im{i}{j}", real=True))
    return re + sp.I * im


def _unitary(name):
    a, b, c = sp.symbols(f"{name}a {name}b {name}c", real=True)
    rz = lambda t: sp.diag(sp.exp(-sp.I * t / 2), sp.exp(sp.I * t / 2))  # noqa: E731
    ry = sp.Matrix([[sp.cos(b / 2), -sp.sin(b / 2)], [sp.sin(b / 2), sp.cos(b / 2)]])
    return rz(a) * ry * rz(c)          # every SU(2) element (Euler angles)


def test_one_qubit_depolarising_is_global_and_commutes_with_unitaries():
    p, s = sp.symbols("p s", real=True)
    X = _generic("x")
    global_form = lambda M, q: (1 - q) * M + q * M.trace() * sp.eye(2) / 2  # noqa: E731
    assert sp.simplify(_depolarize(X, p) - global_form(X, p)) == sp.zeros(2)       # (a)
    U = _unitary("u")
    lhs = global_form(U * X * U.H, p)
    assert sp.simplify(lhs - U * global_form(X, p) * U.H) == sp.zeros(2)           # (b)
    # (b) composition: one more use maps the form with survival s to survival s (1 - p)
    composed = global_form(global_form(X, 1 - s), p)
    assert sp.simplify(composed - global_form(X, 1 - s * (1 - p))) == sp.zeros(2)


def test_noisy_expectation_contracts_by_survival():
    s = sp.Symbol("s", real=True)
    rho = _generic("r", hermitian=True)
    for O in ([[0, 1], [1, 0]], [[0, -sp.I], [sp.I, 0]], [[1, 0], [0, -1]]):
        O = sp.Matrix(O)
        noisy = (O * (s * rho + (1 - s) * rho.trace() * sp.eye(2) / 2)).trace()
        assert sp.simplify(noisy - s * (O * rho).trace()) == 0                      # (c)


def test_ancilla_channels_scale_the_coherence_block():
    p, r = sp.symbols("p r", positive=True)      # r = sqrt(1 - gamma) for damping gamma
    R = _generic("a")            # ancilla entries; the register block rides along linearly
    zdeph = lambda M, q: (1 - q) * M + q * sp.diag(1, -1) * M * sp.diag(1, -1)  # noqa: E731
    damp = [sp.diag(1, r), sp.Matrix([[0, sp.sqrt(1 - r**2)], [0, 0]])]
    damped = sum((k * R * k.T for k in damp), sp.zeros(2))      # real Kraus: K^dagger = K^T
    assert sp.simplify(_depolarize(R, p)[0, 1] - (1 - p) * R[0, 1]) == 0            # (d)
    assert sp.simplify(zdeph(R, p)[0, 1] - (1 - 2 * p) * R[0, 1]) == 0
    assert sp.simplify(damped[0, 1] - r * R[0, 1]) == 0


def test_hadamard_test_register_contracts_by_survival():
    # By (b) the s_before of noise met before the controlled-O moves in front of V and the
    # s_after met after it moves right behind it: X1 = V (sb X0 + (1 - sb) tr(X0) I/2) V^dag,
    # X_end = V^dag (sa X1 O + (1 - sa) tr(X1 O) I/2) V; with V^dag V = I this is
    # sa sb X0 W + sa (1 - sb) t1/2 W + (1 - sa) t2 I/2, W = V^dag O V, t1 = tr X0, t2 = tr(X1 O).
    sb, sa = sp.symbols("s_before s_after", positive=True)
    X0 = _generic("x", hermitian=True)             # coherence block after the first messages
    V = _generic("v")
    paulis = (sp.Matrix([[0, 1], [1, 0]]), sp.Matrix([[0, -sp.I], [sp.I, 0]]), sp.diag(1, -1))
    for O in paulis:
        W = V.H * O * V
        H = _generic("h", hermitian=True)          # X1 is Hermitian
        assert sp.expand(sp.im(sp.expand((H * O).trace()))) == 0                    # t2 real
        assert all(sp.expand(sp.im(sp.expand(W[k, k]))) == 0 for k in range(2))    # W Hermitian
        t1, t2 = X0.trace(), sp.expand((H * O).trace())
        X_end = sa * sb * X0 * W + sa * (1 - sb) * t1 / 2 * W + (1 - sa) * t2 * sp.eye(2) / 2
        for k in range(2):                                                          # (e)
            got = sp.im(sp.expand(X_end[k, k]))
            want = sb * sa * sp.im(sp.expand((X0 * W)[k, k]))
            assert sp.expand(got - want) == 0
            assert sp.expand(want) != 0                                             # not vacuous
