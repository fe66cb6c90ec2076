"""ccq protocols as Qiskit circuits with party annotations, their exact distributions, QASM 3.

Each builder returns an :class:`Exported`: the circuit, ccq's exact distribution of the
measured classical register (an integer outcome = the register read as a binary number,
Qiskit's bit order: clbit 0 is the least significant), the cost of the run in ccq's model,
and the parties. Index convention: a ccq state vector's integer index is used unchanged
(ccq's qubit 0, the most significant, is the last Qiskit qubit of the register), so amplitude
vectors go into ``StatePreparation`` and matrices into ``UnitaryGate`` as they are.

Exported now (circuits stable in ccq): superdense coding over a Bell pair, GHZ secure sum mod 2,
the swap test, TieAudit's matching-basis measurement, and canonical amplitude estimation with a
full control register (GapIP ``ae``), and one shot of the distributed quantum model. Not yet:
MLAE, semiclassical AE with feed-forward, the GHZ key (docs/noise_time_interop.md).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

import numpy as np

from .._core import Cost

__all__ = ["Exported", "PROTOCOLS", "superdense_circuit", "swap_test_circuit", "ghz_sum_circuit",
           "tieaudit_circuit", "ae_circuit", "qmodel_circuit", "to_qasm3", "from_qasm3",
           "run_on_aer"]

BASIS = ("u", "cx")          # every party gate is compiled to these (in stdgates.inc)


@dataclasses.dataclass(frozen=True)
class Exported:
    """A protocol run as a circuit, with what ccq says its measurement must give."""

    name: str
    circuit: object                     # qiskit.QuantumCircuit
    exact: dict                         # category -> probability (categories of `categorize`)
    cost: Cost
    parties: tuple[str, ...]
    categorize: Callable[[int], int] = lambda k: k


def _qiskit():
    try:
        import qiskit
    except ImportError as err:          # pragma: no cover - depends on the environment
        raise ImportError("ccq.interop needs the optional 'interop' extra: "
                          "pip install qiskit qiskit-aer qiskit-qasm3-import") from err
    return qiskit


def _party_gate(name: str, num_qubits: int, body: Callable):
    """A custom gate ``name`` whose definition ``body(qc)`` is compiled to :data:`BASIS`."""
    qiskit = _qiskit()
    seg = qiskit.QuantumCircuit(num_qubits, name=name)
    body(seg)
    seg = qiskit.transpile(seg, basis_gates=list(BASIS), optimization_level=1)
    seg.name = name
    return seg.to_gate()


def _transmit(qc, sender: str, receiver: str, qubits, channel=None):
    gate = _party_gate(f"transmit_{sender}_to_{receiver}", len(qubits), lambda seg: None)
    qc.append(gate, list(qubits))
    if channel is not None:         # a qiskit-aer QuantumError on each qubit in transit
        for qubit in qubits:
            qc.append(channel, [qubit])


def superdense_circuit(symbol: int, depolarizing: float = 0.0) -> Exported:
    """Superdense coding of ``symbol = 2 b1 + b2`` over ``|Phi+>`` (ccq.protocols.superdense).

    Outcome ``2 b1 + b2`` (b1 from the sent qubit); exact law
    ``superdense_channel(1.0, depolarizing)``. With ``depolarizing > 0`` the sent qubit passes
    Aer's ``depolarizing_error`` (same convention as ccq: ``rho -> (1-p) rho + p I/2``) in
    transit; that circuit runs on Aer but has no OpenQASM 3 form (noise is not a gate).
    """
    from ..protocols.superdense import encode_gate, superdense_channel

    if symbol not in (0, 1, 2, 3):
        raise ValueError(f"symbol must be 0, 1, 2 or 3, got {symbol!r}")
    q = _qiskit()
    a, b = q.QuantumRegister(1, "alice_half"), q.QuantumRegister(1, "bob_half")
    bits = q.ClassicalRegister(2, "bob_bits")
    qc = q.QuantumCircuit(a, b, bits)

    def bell(seg):
        seg.h(0)
        seg.cx(0, 1)

    qc.append(_party_gate("source_make_bell_pair", 2, bell), [a[0], b[0]])
    from qiskit.circuit.library import UnitaryGate

    enc = np.asarray(encode_gate(symbol))
    qc.append(_party_gate("alice_encode", 1, lambda s: s.append(UnitaryGate(enc), [0])), [a[0]])
    channel = None
    if depolarizing:
        from qiskit_aer.noise import depolarizing_error

        channel = depolarizing_error(float(depolarizing), 1)
    _transmit(qc, "alice", "bob", [a[0]], channel)

    def decode(seg):
        seg.cx(0, 1)
        seg.h(0)

    qc.append(_party_gate("bob_decode", 2, decode), [a[0], b[0]])
    qc.measure(a[0], bits[1])
    qc.measure(b[0], bits[0])
    row = superdense_channel(1.0, float(depolarizing))[symbol]
    return Exported("superdense", qc, {k: float(row[k]) for k in range(4)},
                    Cost(qubits=1, ebits=1, rounds=1), ("source", "alice", "bob"))


def swap_test_circuit(psi, phi) -> Exported:
    """Alice sends ``psi`` (n qubits); Bob swap-tests it against ``phi``; outcome 0 = accept."""
    from .. import sim

    psi, phi = np.asarray(psi, np.complex128), np.asarray(phi, np.complex128)
    n = int(round(math.log2(len(psi))))
    if psi.shape != phi.shape or 2**n != len(psi):
        raise ValueError(f"psi and phi must have the same power-of-2 length, got {psi.shape}, "
                         f"{phi.shape}")
    psi, phi = psi / np.linalg.norm(psi), phi / np.linalg.norm(phi)
    q = _qiskit()
    from qiskit.circuit.library import StatePreparation

    msg, st = q.QuantumRegister(n, "alice_msg"), q.QuantumRegister(n, "bob_state")
    anc, bits = q.QuantumRegister(1, "bob_ancilla"), q.ClassicalRegister(1, "bob_bits")
    qc = q.QuantumCircuit(msg, st, anc, bits)
    qc.append(_party_gate("alice_prepare", n, lambda s: s.append(StatePreparation(psi),
                                                                   range(n))), msg)
    qc.append(_party_gate("bob_prepare", n, lambda s: s.append(StatePreparation(phi),
                                                                 range(n))), st)
    _transmit(qc, "alice", "bob", msg)

    def test(seg):
        seg.h(2 * n)
        for j in range(n):
            seg.cswap(2 * n, j, n + j)
        seg.h(2 * n)

    qc.append(_party_gate("bob_swap_test", 2 * n + 1, test), [*msg, *st, anc[0]])
    qc.measure(anc[0], bits[0])
    p = float(sim.swap_test_probability(psi.astype(np.complex64), phi.astype(np.complex64)))
    return Exported("swap_test", qc, {0: p, 1: 1 - p}, Cost(qubits=n, rounds=1),
                    ("alice", "bob"))


def ghz_sum_circuit(x) -> Exported:
    """GHZ secure sum mod 2 (ccq.protocols.ghz, d = 2): party i holds bit ``x[i]``.

    Outcome: the announcements, bit i = party i's ``m_i``; exact law
    ``ghz.announcement_distribution(x, 2)`` (uniform on ``sum m = sum x mod 2``).
    """
    from ..protocols.ghz import announcement_distribution, ghz_cost

    x = [int(v) for v in x]
    if len(x) < 2 or any(v not in (0, 1) for v in x):
        raise ValueError(f"x must hold >= 2 bits, got {x}")
    N = len(x)
    q = _qiskit()
    regs = [q.QuantumRegister(1, f"party{i}_share") for i in range(N)]
    bits = q.ClassicalRegister(N, "announcements")
    qc = q.QuantumCircuit(*regs, bits)
    shares = [r[0] for r in regs]

    def ghz(seg):
        seg.h(0)
        for i in range(1, N):
            seg.cx(0, i)

    qc.append(_party_gate("source_make_ghz", N, ghz), shares)
    for i in range(N):
        _transmit(qc, "source", f"party{i}", [shares[i]])
    for i in range(N):
        def act(seg, xi=x[i]):
            if xi:
                seg.z(0)
            seg.h(0)                    # Fourier basis for d = 2
        qc.append(_party_gate(f"party{i}_phase_and_measure_basis", 1, act), [shares[i]])
        qc.measure(shares[i], bits[i])
    p = announcement_distribution(np.asarray(x), 2)
    exact = {k: float(p[tuple((k >> i) & 1 for i in range(N))]) for k in range(2**N)}
    return Exported("ghz_sum", qc, exact, ghz_cost(N, 2),
                    ("source", *[f"party{i}" for i in range(N)]))


def tieaudit_circuit(x, matching) -> Exported:
    """One TieAudit ``quantum`` copy: Alice sends ``P^-1/2 sum x_i |i>``, Bob measures in the
    matching basis (ccq.protocols.tieaudit.matching_basis_state). Outcome ``2e`` / ``2e+1`` =
    edge e with ``x_i x_j = +1 / -1``; every outcome ``>= 2m`` is grouped as "unmatched"."""
    import jax.numpy as jnp

    from .. import sim
    from ..protocols.tieaudit import outcome_distribution, protocol_cost

    x = np.asarray(x)
    matching = np.asarray(matching, dtype=np.int64).reshape(-1, 2)
    P, m = len(x), matching.shape[0]
    n = sim.num_qubits(P)
    dim = 2**n
    psi = np.zeros(dim, np.complex128)            # P^-1/2 sum_i x_i |i>, in float64
    psi[:P] = np.where(x >= 0, 1.0, -1.0) / math.sqrt(P)
    flat = matching.reshape(-1)
    unmatched = np.ones(dim, bool)
    unmatched[flat] = False
    pos = np.where(unmatched, 2 * m + np.cumsum(unmatched) - 1, 0)
    pos[flat] = np.arange(2 * m)
    perm = np.zeros((dim, dim))
    perm[pos, np.arange(dim)] = 1
    q = _qiskit()
    from qiskit.circuit.library import StatePreparation, UnitaryGate

    msg, bits = q.QuantumRegister(n, "alice_msg"), q.ClassicalRegister(n, "bob_bits")
    qc = q.QuantumCircuit(msg, bits)
    qc.append(_party_gate("alice_prepare", n, lambda s: s.append(StatePreparation(psi),
                                                                   range(n))), msg)
    _transmit(qc, "alice", "bob", msg)

    def basis(seg):
        seg.append(UnitaryGate(perm), range(n))
        seg.h(0)                       # ccq's last qubit is Qiskit's qubit 0

    qc.append(_party_gate("bob_matching_basis", n, basis), msg)
    qc.measure(msg, bits)
    probs, miss = outcome_distribution(jnp.asarray(x), jnp.asarray(matching))
    probs = np.asarray(probs, float).reshape(-1)
    exact = {k: float(probs[k]) for k in range(2 * m)} | {2 * m: float(miss)}
    return Exported("tieaudit", qc, exact, protocol_cost("quantum", 1, P), ("alice", "bob"),
                    categorize=lambda k, top=2 * m: min(k, top))


def ae_circuit(g, h, control_qubits: int) -> Exported:
    """Canonical AE on ``Q = R_u R_v`` (GapIP ``ae``) with a full control register of
    ``m = control_qubits`` qubits (M = 2^m): branch y receives Q^y through controlled powers
    ``Q^(2^j)`` on control qubit j, each Q a controlled R_v by Bob and a controlled R_u by Alice,
    with the control and message registers crossing the channel before each (2(M-1) messages,
    ccq's cost); Alice applies the inverse QFT and measures. Exact law
    ``_gapip_quantum.ae_distribution(<g,h>, M)``.
    """
    from .. import sim
    from ..protocols._gapip_quantum import ae_distribution

    m = int(control_qubits)
    if not 1 <= m <= 6:
        raise ValueError(f"control_qubits must lie in [1, 6] (M = 2^m), got {control_qubits}")
    g, h = np.asarray(g, float), np.asarray(h, float)
    u = np.asarray(sim.augmented_encode(g), np.complex128)
    v = np.asarray(sim.augmented_encode(h), np.complex128)
    u, v = u / np.linalg.norm(u), v / np.linalg.norm(v)
    k = int(round(math.log2(len(u))))
    M = 2**m
    q = _qiskit()
    from qiskit.circuit.library import QFTGate, StatePreparation, UnitaryGate

    ctrl, msg = q.QuantumRegister(m, "alice_control"), q.QuantumRegister(k, "alice_msg")
    bits = q.ClassicalRegister(m, "alice_bits")
    qc = q.QuantumCircuit(ctrl, msg, bits)

    def prepare(seg):
        seg.h(range(m))
        seg.append(StatePreparation(u), range(m, m + k))

    qc.append(_party_gate("alice_prepare", m + k, prepare), [*ctrl, *msg])
    reflect = {name: UnitaryGate(2 * np.outer(w, w.conj()) - np.eye(len(w))).control(1)
               for name, w in (("v", v), ("u", u))}
    gates = {(name, j): _party_gate(f"{party}_controlled_reflect_{name}", k + 1,
                                    lambda s, name=name: s.append(reflect[name], range(k + 1)))
             for name, party in (("v", "bob"), ("u", "alice")) for j in range(m)}
    everything = [*ctrl, *msg]
    for j in range(m):
        for _ in range(2**j):
            _transmit(qc, "alice", "bob", everything)
            qc.append(gates[("v", j)], [ctrl[j], *msg])
            _transmit(qc, "bob", "alice", everything)
            qc.append(gates[("u", j)], [ctrl[j], *msg])
    qc.append(_party_gate("alice_inverse_qft", m,
                          lambda s: s.append(QFTGate(m).inverse(), range(m))), ctrl)
    qc.measure(ctrl, bits)
    c = float(np.dot(g / np.linalg.norm(g), h / np.linalg.norm(h)))
    p = np.asarray(ae_distribution(c, M), float)
    messages = 2 * (M - 1)
    return Exported("ae", qc, {i: float(p[i]) for i in range(M)},
                    Cost(qubits=messages * (m + k), rounds=messages), ("alice", "bob"))


def qmodel_circuit(model, params, x) -> Exported:
    """One shot of the distributed quantum model (ccq.protocols.qmodel): Alice encodes ``x``,
    the register moves to the owner of each layer (``message_log``), Alice measures the Pauli
    observable. Outcome 0 = eigenvalue +1; exact law ``qmodel.outcome_probability``.

    Each layer is exported as the unitary ccq's kernel applies (read off on the basis states),
    so the exported circuit checks the fused HEA / phase kernels gate for gate.
    """
    import jax.numpy as jnp

    from ..protocols import qmodel as qm

    n = model.n_qubits
    if n > 6:
        raise ValueError(f"qmodel_circuit reads each layer's 2^n x 2^n matrix: n <= 6, got {n}")
    x = np.asarray(x, float)
    psi = np.asarray(qm._encode(model, jnp.asarray(x)), np.complex128)
    psi = psi / np.linalg.norm(psi)
    q = _qiskit()
    from qiskit.circuit.library import StatePreparation, UnitaryGate

    reg = q.QuantumRegister(n, "alice_msg")
    parity_bits = [i for i, c in enumerate(model.observable) if c != "I"]
    bits = q.ClassicalRegister(len(parity_bits), "alice_bits")
    qc = q.QuantumCircuit(reg, bits)
    qc.append(_party_gate("alice_encode_data", n, lambda sg: sg.append(StatePreparation(psi),
                                                                        range(n))), reg)
    eye = np.eye(2**n, dtype=np.complex64)
    here = qm.ALICE
    for step, (owner, _, fn) in enumerate(qm.forward_ops(model, params, jnp.asarray(x))):
        if owner != here:
            _transmit(qc, here, owner, reg)
            here = owner
        u = np.asarray(jnp.stack([fn(jnp.asarray(col)) for col in eye], axis=1), np.complex128)
        w, _, vh = np.linalg.svd(u)       # nearest unitary: float32 rounding removed
        u = w @ vh
        qc.append(_party_gate(f"{owner}_layer{step}", n,
                              lambda sg, u=u: sg.append(UnitaryGate(u, check_input=False),
                                                        range(n))), reg)
    if here != qm.ALICE:
        _transmit(qc, here, qm.ALICE, reg)

    def basis(sg):                        # rotate X / Y to Z; ccq qubit i is Qiskit n-1-i
        for i, c in enumerate(model.observable):
            if c == "X":
                sg.h(n - 1 - i)
            elif c == "Y":
                sg.sdg(n - 1 - i)
                sg.h(n - 1 - i)

    qc.append(_party_gate("alice_measure_basis", n, basis), reg)
    for j, i in enumerate(parity_bits):
        qc.measure(reg[n - 1 - i], bits[j])
    p_plus = float(qm.outcome_probability(model, params, jnp.asarray(x)))
    return Exported("qmodel", qc, {0: p_plus, 1: 1 - p_plus}, qm.inference_cost(model),
                    ("alice", "bob"), categorize=lambda k: bin(k).count("1") % 2)


PROTOCOLS = {"superdense": superdense_circuit, "swap_test": swap_test_circuit,
             "ghz_sum": ghz_sum_circuit, "tieaudit": tieaudit_circuit, "ae": ae_circuit,
             "qmodel": qmodel_circuit}


def to_qasm3(exported: Exported) -> str:
    """OpenQASM 3 text of the circuit, with a comment header naming protocol, parties, cost.

    Examples:
        >>> text = to_qasm3(superdense_circuit(3))
        >>> "gate bob_decode" in text and "transmit_alice_to_bob alice_half[0];" in text
        True
    """
    qiskit = _qiskit()
    body = qiskit.qasm3.dumps(exported.circuit)
    head, rest = body.split("\n", 1)
    c = exported.cost
    header = [
        f"// ccq protocol: {exported.name}; parties: {', '.join(exported.parties)}",
        "// gates named <party>_<step> are applied by that party; transmit_<a>_to_<b> marks",
        "// the register crossing the channel (a no-op here: a channel's noise goes there)",
        f"// ccq cost of this run: qubits={c.qubits} bits={c.bits} ebits={c.ebits} "
        f"rounds={c.rounds}",
    ]
    return "\n".join([head, *header, rest])


def from_qasm3(text: str):
    """Parse OpenQASM 3 text back into a circuit (needs ``qiskit-qasm3-import``)."""
    return _qiskit().qasm3.loads(text)


def run_on_aer(circuit, shots: int, seed: int) -> dict[int, int]:
    """Counts of the measured register on Qiskit Aer, keyed by integer outcome."""
    qiskit = _qiskit()
    from qiskit_aer import AerSimulator

    backend = AerSimulator(method="statevector", seed_simulator=int(seed))
    result = backend.run(qiskit.transpile(circuit, backend), shots=int(shots)).result()
    return {int(key.replace(" ", ""), 2): v for key, v in result.get_counts().items()}
