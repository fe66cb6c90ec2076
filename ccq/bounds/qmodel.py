"""Communication of distributed quantum models and their classical baselines (arXiv 2310.07136).

Reconstruction (see ``docs/distributed_models.md``): data ``x in R^N`` amplitude-encoded on
``log2 N`` qubits at Alice, ``L`` alternating Alice/Bob layers, a Pauli observable measured by
Alice. Symbols: ``N`` (data dimension, a power of 2), ``L`` (layers), ``eps`` (additive error of an
expectation or of every gradient coordinate), ``delta`` (failure probability), ``P`` (number of
parameters estimated), ``b`` (bits per transmitted real), ``tau`` (margin of a linear classifier).
Derivations: ``proofs/proof_qmodel.py``.
"""

from __future__ import annotations

import sympy as sp

from ._bound import Bound

N, L, P, b = sp.symbols("N L P b", positive=True, integer=True)
eps, delta, tau = sp.symbols("eps delta tau", positive=True)

inference_qubits = Bound(
    "qmodel.inference_qubits",
    2 * L * sp.log(N, 2),
    "Qubits per shot of the forward pass: 2L messages (register to Bob after each A_l, back to "
    "Alice after each B_l; Alice measures) of log2 N qubits. Interactive, no entanglement.",
    "exact",
    "arXiv 2310.07136 (reconstruction); counted in ccq.protocols.qmodel.message_log",
    quantity="qubits",
)

inference_rounds = Bound(
    "qmodel.inference_rounds",
    2 * L,
    "Sequential messages of the forward pass (shots run in parallel).",
    "exact",
    "arXiv 2310.07136 (reconstruction)",
    quantity="rounds",
)

inference_shots = Bound(
    "qmodel.inference_shots",
    2 * sp.log(2 / delta) / eps**2,
    "Shots of a +-1 observable whose mean is within eps of f(x) with probability >= 1 - delta "
    "(Hoeffding, range 2).",
    "sufficient",
    "Hoeffding 1963; derived in proofs/proof_qmodel.py",
    quantity="shots",
)

inference_total_qubits = Bound(
    "qmodel.inference_total_qubits",
    inference_qubits.expr * inference_shots.expr,
    "Qubits to estimate f(x) within eps w.p. >= 1 - delta: O(L log N / eps^2).",
    "sufficient",
    "arXiv 2310.07136 (reconstruction); derived in proofs/proof_qmodel.py",
    quantity="qubits",
)

paramshift_copies = Bound(
    "qmodel.paramshift_copies",
    4 * P * sp.log(2 * P / delta) / eps**2,
    "Copies of the circuit (each one forward pass) for the parameter-shift estimator to get all P "
    "gradient coordinates within eps w.p. >= 1 - delta: 2P shifted circuits with "
    "2 ln(2P/delta)/eps^2 shots each (Hoeffding on (o+ - o-)/2 in [-1, 1], union bound).",
    "sufficient",
    "Mitarai et al. 2018, Schuld et al. 2019 (shift rule); derived in proofs/proof_qmodel.py",
    quantity="copies",
)

mass_copies = Bound(
    "qmodel.mass_copies",
    8 * sp.log(2 * P / delta) / eps**2,
    "Copies of the Hadamard test (register measured in the computational basis) that estimate "
    "all P phases of one diagonal unitary D(w) within eps w.p. >= 1 - delta: each coordinate is "
    "a mean of terms in [-2, 2] (Hoeffding), union bound over P. Logarithmic in P.",
    "sufficient",
    "ccq reconstruction of the copy-reusing estimator; derived in proofs/proof_qmodel.py",
    quantity="copies",
)

mass_messages_all_layers = Bound(
    "qmodel.mass_messages_all_layers",
    3 * L**2,
    "Messages per copy summed over the L Hadamard tests (one per Bob phase layer l = 1..L: "
    "4L - 2l + 1 messages each): the L^2 factor of gradient communication.",
    "exact",
    "derived in proofs/proof_qmodel.py; counted in ccq.protocols.qmodel.mass_messages",
    quantity="rounds",
)

gradient_qubits = Bound(
    "qmodel.gradient_qubits",
    3 * L**2 * (sp.log(N, 2) + 1) * 8 * sp.log(2 * L * N / delta) / eps**2,
    "Qubits for one gradient of all L N phases within eps (w.p. >= 1 - delta, union bound over "
    "the L layers): 3 L^2 messages of log2 N + 1 qubits per copy-set, 8 ln(2LN/delta)/eps^2 "
    "copies. Polylog in N.",
    "sufficient",
    "derived in proofs/proof_qmodel.py",
    quantity="qubits",
)

classical_data_bits = Bound(
    "qmodel.classical_data_bits",
    N * b,
    "Alice ships her data x (N reals of b bits); Bob then evaluates the model locally.",
    "exact",
    "trivial protocol",
    quantity="bits",
)

classical_model_bits = Bound(
    "qmodel.classical_model_bits",
    L * (N + 2 * sp.log(N, 2)) * b,
    "Bob ships his model (L phase vectors in R^N and L HEA blocks of 2 log2 N angles).",
    "exact",
    "trivial protocol",
    quantity="bits",
)

linear_sketch_bits = Bound(
    "qmodel.linear_sketch_bits",
    sp.pi**2 * sp.log(1 / delta) / (2 * tau**2),
    "SimHash bits (public coin, one-way Alice -> Bob) that decide sign(w.x) for unit w, x with "
    "margin |w.x| >= tau, w.p. >= 1 - delta: each bit agrees with prob 1 - angle/pi >= "
    "1/2 + arcsin(tau)/pi >= 1/2 + tau/pi; majority vote, one-sided Hoeffding. Independent of N.",
    "sufficient",
    "Charikar 2002; derived in proofs/proof_qmodel.py",
    quantity="bits",
)
