"""ccq protocols as Qiskit circuits with party annotations, their exact distributions, QASM 3.

Each builder returns an :class:`Exported`: the circuit, ccq's exact distribution of the
measured classical register (an integer outcome = the register read as a binary number,
Qiskit's bit order: clbit 0 is the least significant), the cost of the run in ccq's model,
and the parties. Index convention: a ccq state vector's integer index is used unchanged
(ccq's qubit 0, the most significant, is the last Qiskit qubit of the register), so amplitude
vectors go into ``StatePreparation`` and matrices into ``UnitaryGate`` as they are.

Exported: superdense coding over a Bell pair; the GHZ secure sum mod d (d = 2 on one qubit per
party, d > 2 with each qudit encoded in ``ceil(log2 d)`` qubits); one GHZ_d copy of the key
protocol (test round in Z, key round in the Fourier basis, optionally noisy shares or Eve's
intercept-resend with a mid-circuit measurement); the swap test; TieAudit's matching-basis
measurement; every quantum GapIP method: ``projective`` (Bob's projection onto v), ``swap``
(the swap test on the augmented states), ``mlae`` (one circuit per Grover power of the
schedule), canonical ``ae`` with a full control register and semiclassical ``ae`` with ONE
control qubit (mid-circuit measurement, reset and classical feed-forward of the phase
corrections, Griffiths-Niu); and one shot of the distributed quantum model.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

import numpy as np

from .._core import Cost

__all__ = ["Exported", "PROTOCOLS", "superdense_circuit", "swap_test_circuit", "ghz_sum_circuit",
           "tieaudit_circuit", "ae_circuit", "qmodel_circuit", "to_qasm3", "from_qasm3",
           "run_on_aer", "projective_circuit", "gapip_swap_circuit", "mlae_circuit",
           "ae_one_qubit_circuit", "ghz_key_circuit", "qudit_bits"]

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


def qudit_bits(d: int) -> int:
    """Qubits that encode one qudit of dimension ``d``: ``ceil(log2 d)`` (level j = the binary
    number of the party's register, Qiskit's order: its qubit 0 is the least significant bit).

    Examples:
        >>> qudit_bits(2), qudit_bits(3), qudit_bits(5), qudit_bits(8)
        (1, 2, 3, 3)
    """
    if not isinstance(d, int | np.integer) or d < 2:
        raise ValueError(f"d must be an integer >= 2, got {d!r}")
    return max(1, (int(d) - 1).bit_length())


def _embed(u, d: int):
    """A d x d unitary on the first d levels of ``qudit_bits(d)`` qubits, identity above."""
    dim = 2**qudit_bits(d)
    out = np.eye(dim, dtype=np.complex128)
    out[:d, :d] = u
    return out


def _ghz_registers(q, N: int, d: int, source_gate: str = "source_make_ghz"):
    """Registers of N parties (``qudit_bits(d)`` qubits each) and the source's GHZ_d circuit:
    party 0 gets ``d^-1/2 sum_k |k>``, every other party a bitwise CNOT copy of it, so the
    parties hold ``d^-1/2 sum_k |k>^N`` in the encoding of :func:`qudit_bits`."""
    from qiskit.circuit.library import StatePreparation

    b = qudit_bits(d)
    regs = [q.QuantumRegister(b, f"party{i}_share") for i in range(N)]
    amp = np.zeros(2**b)
    amp[:d] = 1 / math.sqrt(d)

    def ghz(seg):
        if d == 2:
            seg.h(0)
        else:
            seg.append(StatePreparation(amp), range(b))
        for i in range(1, N):
            for t in range(b):
                seg.cx(t, i * b + t)

    return regs, (_party_gate(source_gate, N * b, ghz), [qb for r in regs for qb in r])


def _fourier_dagger(d: int):
    from ..protocols import _qudit

    return _qudit.fourier(d).conj().T


def ghz_sum_circuit(x, d: int = 2) -> Exported:
    """GHZ secure sum mod d (ccq.protocols.ghz): party i holds ``x[i]`` in ``[0, d)``.

    Each party applies the clock phase ``Z^(x_i)`` to its share and measures in the Fourier
    basis (``F^dagger`` then the computational basis). d = 2 uses one qubit per party (Z, H);
    d > 2 encodes each qudit in ``qudit_bits(d)`` qubits (the d x d gates act on the first d
    levels, identity on the rest). Outcome: the announcements, party i's ``m_i`` in clbits
    ``[i b, (i+1) b)``; exact law ``ghz.announcement_distribution(x, d)`` (uniform on
    ``sum m = sum x mod d``), every out-of-range level having probability 0.
    """
    from ..protocols import _qudit
    from ..protocols.ghz import announcement_distribution, ghz_cost

    x = [int(v) for v in x]
    if not isinstance(d, int | np.integer) or d < 2:
        raise ValueError(f"d must be an integer >= 2, got {d!r}")
    d = int(d)
    if len(x) < 2 or any(not 0 <= v < d for v in x):
        raise ValueError(f"x must hold >= 2 values in [0, d = {d}) (bits for d = 2), got {x}")
    N, b = len(x), qudit_bits(d)
    if N * b > 12:
        raise ValueError(f"N ceil(log2 d) = {N * b} qubits: at most 12 are exported")
    q = _qiskit()
    from qiskit.circuit.library import UnitaryGate

    regs, (ghz_gate, ghz_qubits) = _ghz_registers(q, N, d)
    bits = q.ClassicalRegister(N * b, "announcements")
    qc = q.QuantumCircuit(*regs, bits)
    qc.append(ghz_gate, ghz_qubits)
    for i in range(N):
        _transmit(qc, "source", f"party{i}", list(regs[i]))
    for i in range(N):
        if d == 2:
            def act(seg, xi=x[i]):
                if xi:
                    seg.z(0)
                seg.h(0)                    # Fourier basis for d = 2
        else:
            u = _embed(_fourier_dagger(d) @ np.diag(_qudit.clock(d, x[i])), d)

            def act(seg, u=u):
                seg.append(UnitaryGate(u), range(b))
        qc.append(_party_gate(f"party{i}_phase_and_measure_basis", b, act), list(regs[i]))
        for t in range(b):
            qc.measure(regs[i][t], bits[i * b + t])
    p = announcement_distribution(np.asarray(x), d)
    exact = {sum(m << (i * b) for i, m in enumerate(idx)): float(p[idx])
             for idx in np.ndindex(*p.shape)}
    return Exported("ghz_sum", qc, exact, ghz_cost(N, d),
                    ("source", *[f"party{i}" for i in range(N)]))


def ghz_key_circuit(n_parties: int, d: int, basis: str, *, noise: float = 0.0,
                    attack: str = "none") -> Exported:
    """One GHZ_d copy of the key protocol (ccq.protocols.ghz_key, steps 1-3), d prime.

    The source prepares GHZ_d (each qudit in ``qudit_bits(d)`` qubits, as in
    :func:`ghz_sum_circuit`) and sends party i its share; every party measures in Z
    (``basis="z"``: a test copy, outcomes ideally all equal) or in the Fourier basis
    (``"fourier"``: a key copy, outcomes ideally summing to 0 mod d). Outcome: party i's
    symbol in clbits ``[i b, (i+1) b)``.

    Options: ``noise`` puts ccq's per-share channel (identity with probability 1 - noise, each
    of the d^2 - 1 qudit Paulis ``Z^b X^a`` with probability noise / (d^2 - 1)) on every share
    in transit as an Aer ``mixed_unitary_error`` (that circuit runs on Aer, but noise is not a
    gate, so it has no OpenQASM 3 form); ``attack="intercept_resend"`` adds Eve on party 0's
    share: she measures it in the Fourier basis (a mid-circuit measurement into ``eve_bits``,
    not counted in the outcome) and resends the eigenstate. Exact law:
    ``_ghz_copies.statevector_table(N, d, basis, attacked, attack, noise)``.
    """
    from ..protocols import _ghz_copies
    from ..protocols.ghz_key import is_prime

    if not isinstance(d, int | np.integer) or not is_prime(int(d)):
        raise ValueError(f"d must be prime (the key protocol hashes over GF(d)), got {d!r}")
    d = int(d)
    if not isinstance(n_parties, int | np.integer) or n_parties < 2:
        raise ValueError(f"n_parties must be an integer >= 2, got {n_parties!r}")
    if basis not in _ghz_copies.BASES:
        raise ValueError(f"basis must be one of {_ghz_copies.BASES}, got {basis!r}")
    if attack not in ("none", "intercept_resend"):
        raise ValueError(f"attack must be 'none' or 'intercept_resend', got {attack!r}")
    if not 0.0 <= float(noise) <= 1.0:
        raise ValueError(f"noise must lie in [0, 1], got {noise!r}")
    N, b = int(n_parties), qudit_bits(d)
    if N * b > 12:
        raise ValueError(f"N ceil(log2 d) = {N * b} qubits: at most 12 are exported")
    q = _qiskit()
    from qiskit.circuit.library import UnitaryGate

    regs, (ghz_gate, ghz_qubits) = _ghz_registers(q, N, d)
    bits = q.ClassicalRegister(N * b, "announcements")
    extra = [q.ClassicalRegister(b, "eve_bits")] if attack != "none" else []
    qc = q.QuantumCircuit(*regs, bits, *extra)
    qc.append(ghz_gate, ghz_qubits)
    channel = None
    if noise:
        from qiskit_aer.noise import mixed_unitary_error

        paulis = [(a, z) for a in range(d) for z in range(d) if (a, z) != (0, 0)]
        ops = [(_embed(np.eye(d), d), 1 - float(noise))]
        ops += [(_embed(_ghz_copies._pauli(d, a, z), d), float(noise) / (d * d - 1))
                for a, z in paulis]
        channel = mixed_unitary_error(ops)
    fdag = _embed(_fourier_dagger(d), d)
    for i in range(N):
        if attack != "none" and i == 0:
            _transmit(qc, "source", "eve", list(regs[0]))
            qc.append(_party_gate("eve_fourier_basis", b,
                                  lambda s: s.append(UnitaryGate(fdag), range(b))), list(regs[0]))
            qc.measure(list(regs[0]), extra[0])
            qc.append(_party_gate("eve_resend_eigenstate", b,
                                  lambda s: s.append(UnitaryGate(fdag.conj().T), range(b))),
                      list(regs[0]))
            _transmit(qc, "eve", "party0", list(regs[0]))
        else:
            _transmit(qc, "source", f"party{i}", list(regs[i]))
        if channel is not None:
            qc.append(channel, list(regs[i]))
    for i in range(N):
        if basis == "fourier":
            qc.append(_party_gate(f"party{i}_fourier_basis", b,
                                  lambda s: s.append(UnitaryGate(fdag), range(b))), list(regs[i]))
        else:                           # an empty gate: party i measures its share in Z
            qc.append(_party_gate(f"party{i}_z_basis", b, lambda s: None), list(regs[i]))
        for t in range(b):
            qc.measure(regs[i][t], bits[i * b + t])
    table = _ghz_copies.statevector_table(N, d, basis, attack != "none", attack, float(noise))
    table = table / table.sum()
    exact = {sum(m << (i * b) for i, m in enumerate(idx)): float(table[idx])
             for idx in np.ndindex(*table.shape)}
    mask = 2**(N * b) - 1
    sym = math.ceil(math.log2(d))
    cost = Cost(qubits=N * b, bits=N * sym if basis == "z" else 0, rounds=1)
    parties = ("source", *(["eve"] if attack != "none" else []), *[f"party{i}" for i in range(N)])
    return Exported("ghz_key", qc, exact, cost, parties, categorize=lambda k: k & mask)


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


def _augmented(g, h):
    """Alice's u and Bob's v (float64, renormalised), c = <g, h>, register qubits."""
    from .. import sim

    g, h = np.asarray(g, float), np.asarray(h, float)
    if g.shape != h.shape or g.ndim != 1 or len(g) < 2:
        raise ValueError(f"g and h must be vectors of the same length >= 2, got shapes "
                         f"{g.shape}, {h.shape}")
    if len(g) > 32:
        raise ValueError(f"GapIP circuits are exported for P <= 32 (a 6-qubit register), "
                         f"got P = {len(g)}")
    u = np.asarray(sim.augmented_encode(g), np.complex128)
    v = np.asarray(sim.augmented_encode(h), np.complex128)
    u, v = u / np.linalg.norm(u), v / np.linalg.norm(v)
    c = float(np.dot(g / np.linalg.norm(g), h / np.linalg.norm(h)))
    return u, v, c, int(round(math.log2(len(u))))


def _prepare(name: str, w, k: int, inverse: bool = False):
    from qiskit.circuit.library import StatePreparation

    def body(seg):
        gate = StatePreparation(w)
        seg.append(gate.inverse() if inverse else gate, range(k))

    return _party_gate(name, k, body)


def _reflect(name: str, w, k: int):
    """The party gate ``R_w = 2|w><w| - I`` on k qubits."""
    from qiskit.circuit.library import UnitaryGate

    r = 2 * np.outer(w, w.conj()) - np.eye(len(w))
    return _party_gate(name, k, lambda s: s.append(UnitaryGate(r), range(k)))


def projective_circuit(g, h) -> Exported:
    """One copy of GapIP ``projective``: Alice sends ``u`` (1 + n qubits), Bob measures
    ``{|v><v|, I - |v><v|}`` (he undoes the preparation of v and reads all zeros).
    Category 0 = accept; exact law ``_gapip_quantum.projective_acceptance(<g, h>)``."""
    from ..protocols._gapip_quantum import projective_acceptance

    u, v, c, k = _augmented(g, h)
    q = _qiskit()
    msg, bits = q.QuantumRegister(k, "alice_msg"), q.ClassicalRegister(k, "bob_bits")
    qc = q.QuantumCircuit(msg, bits)
    qc.append(_prepare("alice_prepare_u", u, k), msg)
    _transmit(qc, "alice", "bob", msg)
    qc.append(_prepare("bob_unprepare_v", v, k, inverse=True), msg)
    qc.measure(msg, bits)
    p = float(projective_acceptance(c))
    return Exported("projective", qc, {0: p, 1: 1 - p}, Cost(qubits=k, rounds=1),
                    ("alice", "bob"), categorize=lambda o: int(o != 0))


def gapip_swap_circuit(g, h) -> Exported:
    """One shot of GapIP ``swap``: the swap test on the augmented states u (Alice's, sent)
    and v (Bob's); category 0 = accept, exact law ``(1 + <u,v>^2)/2``."""
    from ..protocols._gapip_quantum import swap_acceptance

    u, v, c, k = _augmented(g, h)
    out = swap_test_circuit(u, v)
    p = float(swap_acceptance(c))
    return dataclasses.replace(out, name="gapip_swap", exact={0: p, 1: 1 - p})


def mlae_circuit(g, h, power: int) -> Exported:
    """One shot of GapIP ``mlae`` at Grover power ``m = power``: Bob prepares v and sends it;
    m times Alice reflects about u and sends, Bob reflects about v and sends back; Alice
    projects onto u (category 0 = success). ``1 + 2m`` messages of ``1 + n`` qubits; exact
    law ``_gapip_quantum.mlae_probabilities(<g,h>, (m,))`` = ``cos^2((2m + 1) phi)``. The
    protocol runs :func:`ccq.protocols._gapip_quantum.mlae_schedule`'s powers,
    ``shots_per_power`` shots each (in parallel: its rounds are those of the largest power).
    """
    from ..protocols._gapip_quantum import mlae_probabilities

    if not isinstance(power, int | np.integer) or not 0 <= power <= 64:
        raise ValueError(f"power must be an integer in [0, 64], got {power!r}")
    u, v, c, k = _augmented(g, h)
    q = _qiskit()
    msg, bits = q.QuantumRegister(k, "bob_msg"), q.ClassicalRegister(k, "alice_bits")
    qc = q.QuantumCircuit(msg, bits)
    qc.append(_prepare("bob_prepare_v", v, k), msg)
    _transmit(qc, "bob", "alice", msg)
    ru, rv = _reflect("alice_reflect_u", u, k), _reflect("bob_reflect_v", v, k)
    for _ in range(int(power)):
        qc.append(ru, msg)
        _transmit(qc, "alice", "bob", msg)
        qc.append(rv, msg)
        _transmit(qc, "bob", "alice", msg)
    qc.append(_prepare("alice_unprepare_u", u, k, inverse=True), msg)
    qc.measure(msg, bits)
    p = float(mlae_probabilities(c, (int(power),))[0])
    messages = 1 + 2 * int(power)
    return Exported("mlae", qc, {0: p, 1: 1 - p}, Cost(qubits=messages * k, rounds=messages),
                    ("alice", "bob"), categorize=lambda o: int(o != 0))


def ae_one_qubit_circuit(g, h, control_bits: int) -> Exported:
    """Semiclassical AE (GapIP ``ae``, ``control="one_qubit"``, M = 2^m): ONE control qubit
    travels with the message register (Griffiths-Niu 1996).

    For i = 0..m-1 (j = m-1-i): Alice puts the control in |+>; 2^j times she sends control
    and message to Bob, who applies R_v controlled on it, and he sends them back for her
    controlled R_u (so control j sees Q^(2^j)); then she applies the phase corrections
    ``p(-pi / 2^(i-l))`` for every earlier bit l that read 1 (classical feed-forward: an
    ``if`` on a measured bit), a Hadamard, measures the control into bit i (a mid-circuit
    measurement) and resets it. Outcome ``k = sum_i bit_i 2^i``; exact law
    ``_gapip_quantum.ae_distribution(<g,h>, M)``, the same as the full register's
    (:func:`ae_circuit`); cost ``2(M-1)`` messages of ``1 + (1 + n)`` qubits, ccq's.
    """
    from ..protocols._gapip_quantum import ae_distribution

    m = control_bits
    if not isinstance(m, int | np.integer) or not 1 <= m <= 6:
        raise ValueError(f"control_bits must lie in [1, 6] (M = 2^m), got {control_bits!r}")
    m = int(m)
    u, v, c, k = _augmented(g, h)
    M = 2**m
    q = _qiskit()
    from qiskit.circuit.library import UnitaryGate

    ctrl, msg = q.QuantumRegister(1, "alice_control"), q.QuantumRegister(k, "alice_msg")
    bits = q.ClassicalRegister(m, "alice_bits")
    qc = q.QuantumCircuit(ctrl, msg, bits)
    qc.append(_prepare("alice_prepare_u", u, k), msg)
    reflect = {name: UnitaryGate(2 * np.outer(w, w.conj()) - np.eye(len(w))).control(1)
               for name, w in (("v", v), ("u", u))}
    gates = {name: _party_gate(f"{party}_controlled_reflect_{name}", k + 1,
                               lambda s, name=name: s.append(reflect[name], range(k + 1)))
             for name, party in (("v", "bob"), ("u", "alice"))}
    plus = _party_gate("alice_control_plus", 1, lambda s: s.h(0))
    everything = [ctrl[0], *msg]
    for i in range(m):
        j = m - 1 - i
        qc.append(plus, [ctrl[0]])
        for _ in range(2**j):
            _transmit(qc, "alice", "bob", everything)
            qc.append(gates["v"], everything)
            _transmit(qc, "bob", "alice", everything)
            qc.append(gates["u"], everything)
        for low in range(i):
            angle = -math.pi / 2 ** (i - low)
            corr = _party_gate(f"alice_phase_correction_{i - low}", 1,
                               lambda s, a=angle: s.p(a, 0))
            with qc.if_test((bits[low], 1)):
                qc.append(corr, [ctrl[0]])
        qc.append(plus, [ctrl[0]])
        qc.measure(ctrl[0], bits[i])
        if i < m - 1:
            qc.reset(ctrl[0])
    p = np.asarray(ae_distribution(c, M), float)
    messages = 2 * (M - 1)
    return Exported("ae_one_qubit", qc, {i: float(p[i]) for i in range(M)},
                    Cost(qubits=messages * (1 + k), rounds=messages), ("alice", "bob"))


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
             "ghz_sum": ghz_sum_circuit, "ghz_key": ghz_key_circuit,
             "tieaudit": tieaudit_circuit, "ae": ae_circuit, "ae_one_qubit": ae_one_qubit_circuit,
             "projective": projective_circuit, "gapip_swap": gapip_swap_circuit,
             "mlae": mlae_circuit, "qmodel": qmodel_circuit}


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
