"""Exported OpenQASM 3 circuits run on Qiskit Aer and reproduce ccq's exact distributions."""

import math

import numpy as np
import pytest

pytest.importorskip("qiskit")
pytest.importorskip("qiskit_aer")
pytest.importorskip("qiskit_qasm3_import")

from ccq.interop import circuits as ic  # noqa: E402

SHOTS = 4000
MLAE_SCHEDULE = (0, 2, 3)        # _gapip_quantum.mlae_schedule(3)
FAILURE = 1e-9          # probability that a correct circuit fails one comparison


def tv_tolerance(outcomes: int, shots: int, failure: float = FAILURE) -> float:
    """Total-variation band for an empirical distribution of ``shots`` draws.

    E||p_hat - p||_1 <= sqrt(k / N) (Cauchy-Schwarz on the multinomial variances), and one draw
    moves ||p_hat - p||_1 by at most 2/N, so McDiarmid gives
    P(||p_hat - p||_1 >= sqrt(k/N) + sqrt(2 ln(1/failure) / N)) <= failure; TV is half of it.
    """
    return 0.5 * (math.sqrt(outcomes / shots) + math.sqrt(2 * math.log(1 / failure) / shots))


def measured_tv(exported, seed):
    text = ic.to_qasm3(exported)
    circuit = ic.from_qasm3(text)                 # run what was exported, not the original
    counts = ic.run_on_aer(circuit, SHOTS, seed)
    emp = {}
    for k, v in counts.items():
        cat = exported.categorize(k)
        emp[cat] = emp.get(cat, 0) + v / SHOTS
    keys = set(emp) | set(exported.exact)
    assert abs(sum(exported.exact.values()) - 1) < 1e-5
    tv = 0.5 * sum(abs(emp.get(k, 0.0) - exported.exact.get(k, 0.0)) for k in keys)
    return tv, len(exported.exact), text


def _unit(rng, n):
    z = rng.normal(size=n)
    return z / np.linalg.norm(z)


def cases():
    rng = np.random.default_rng(0)
    out = [("superdense", s, lambda s=s: ic.superdense_circuit(s)) for s in range(4)]
    z = rng.normal(size=(2, 4)) + 1j * rng.normal(size=(2, 4))
    out.append(("swap_test", 0, lambda: ic.swap_test_circuit(z[0], z[1])))
    out += [("ghz_sum", i, lambda x=x: ic.ghz_sum_circuit(x))
            for i, x in enumerate(([1, 0, 1], [1, 1, 0, 1]))]
    x = np.array([1, -1, 1, 1, -1, -1, 1, 1])
    out.append(("tieaudit", 0, lambda: ic.tieaudit_circuit(x, [[0, 3], [1, 6], [2, 4]])))
    g, h = _unit(rng, 2), _unit(rng, 2)
    out.append(("ae", 0, lambda: ic.ae_circuit(g, h, 3)))
    out.append(("ae_one_qubit", 0, lambda: ic.ae_one_qubit_circuit(g, h, 3)))
    g4, h4 = _unit(rng, 4), _unit(rng, 4)
    out.append(("projective", 0, lambda: ic.projective_circuit(g4, h4)))
    out.append(("gapip_swap", 0, lambda: ic.gapip_swap_circuit(g4, h4)))
    out += [("mlae", m, lambda m=m: ic.mlae_circuit(g4, h4, m)) for m in MLAE_SCHEDULE]
    out += [("ghz_sum_qudit", i, lambda x=x, d=d: ic.ghz_sum_circuit(x, d))
            for i, (x, d) in enumerate((([1, 2, 0], 3), ([4, 3, 1], 5)))]
    out += [("ghz_key", i, lambda basis=basis, d=d, att=att: ic.ghz_key_circuit(3, d, basis,
                                                                                attack=att))
            for i, (basis, d, att) in enumerate((("z", 2, "none"), ("fourier", 2, "none"),
                                                  ("z", 3, "none"), ("fourier", 3, "none"),
                                                  ("z", 3, "intercept_resend"),
                                                  ("fourier", 3, "intercept_resend")))]
    import jax

    from ccq.protocols import qmodel as qm

    for i, (obs, reup) in enumerate((("ZII", False), ("IXY", True))):
        model = qm.DistributedModel(3, 2, observable=obs, reupload=reup)
        params = qm.init_params(jax.random.key(i), model)
        xq = rng.normal(size=8)
        out.append(("qmodel", i, lambda m=model, p=params, xq=xq: ic.qmodel_circuit(m, p, xq)))
    return out


@pytest.mark.parametrize("name,index,build", cases(), ids=lambda v: str(v)[:12])
def test_exported_circuit_matches_exact_distribution(name, index, build):
    exported = build()
    tv, k, text = measured_tv(exported, seed=17 + index)
    assert tv <= tv_tolerance(k, SHOTS), f"{name}: TV {tv:.4f}"
    # annotations: every party gate and every transmission is in the text
    assert text.startswith("OPENQASM 3.0;") and f"ccq protocol: {exported.name}" in text
    for party in exported.parties:
        assert f"gate {party}" in text or f"gate transmit_{party}" in text


@pytest.mark.parametrize("p", [0.2, 0.6])
def test_aer_noise_in_transit_matches_ccq_noisy_law(p):
    # Aer's depolarising channel on the sent qubit vs ccq's density-matrix superdense channel
    for symbol in (0, 3):
        exported = ic.superdense_circuit(symbol, depolarizing=p)
        counts = ic.run_on_aer(exported.circuit, SHOTS, seed=5 + symbol)
        tv = 0.5 * sum(abs(counts.get(k, 0) / SHOTS - exported.exact[k]) for k in range(4))
        assert tv <= tv_tolerance(4, SHOTS), (p, symbol, tv)
        assert exported.exact[symbol] < 1 - p / 4       # the noise is visible in the law


def test_comparison_detects_a_wrong_circuit():
    # the band is tight enough to fail: symbol 1's circuit against symbol 2's exact law
    wrong = ic.superdense_circuit(1)
    right = ic.superdense_circuit(2)
    tv, k, _ = measured_tv(ic.Exported("superdense", wrong.circuit, right.exact, wrong.cost,
                                       wrong.parties), seed=3)
    assert tv > tv_tolerance(k, SHOTS)


def test_ae_circuit_sends_as_many_messages_as_ccq_counts():
    import ccq

    rng = np.random.default_rng(1)
    g, h = _unit(rng, 2), _unit(rng, 2)
    exported = ic.ae_circuit(g, h, 2)
    text = ic.to_qasm3(exported)
    sends = text.count("transmit_alice_to_bob alice_control") + text.count(
        "transmit_bob_to_alice alice_control")
    proto = ccq.gapip("ae", 0.3, budget=4, repetitions=1)      # one run, as exported
    assert sends == exported.cost.rounds == proto.cost(2).rounds
    assert exported.cost == proto.cost(2)


def test_bad_input_is_rejected():
    with pytest.raises(ValueError, match="symbol"):
        ic.superdense_circuit(4)
    with pytest.raises(ValueError, match="control_qubits"):
        ic.ae_circuit([1.0, 0.0], [0.0, 1.0], 0)
    with pytest.raises(ValueError, match="bits"):
        ic.ghz_sum_circuit([2, 0])


def _empirical(exported, counts):
    emp = {}
    for k, v in counts.items():
        cat = exported.categorize(k)
        emp[cat] = emp.get(cat, 0) + v / SHOTS
    return emp


def _tv(p, q):
    return 0.5 * sum(abs(p.get(k, 0.0) - q.get(k, 0.0)) for k in set(p) | set(q))


def test_semiclassical_ae_equals_register_ae_on_aer_and_exactly():
    from ccq.protocols import _gapip_quantum as q

    rng = np.random.default_rng(4)
    for m in (2, 3):
        g, h = _unit(rng, 2), _unit(rng, 2)
        one = ic.ae_one_qubit_circuit(g, h, m)
        reg = ic.ae_circuit(g, h, m)
        # ccq's exact laws: the one-qubit branch-following statevector = the register law
        follow = q.ae_distribution_one_qubit_statevector(g, h, m)
        # (atol: ccq encodes in float32, the exported law uses <g,h> in float64)
        assert np.allclose([one.exact[k] for k in range(2**m)], follow, atol=1e-6)
        assert one.exact == pytest.approx(reg.exact, abs=1e-12)
        text = ic.to_qasm3(one)
        # one control qubit, measured mid-circuit, reset, and phase corrections fed forward
        assert "qubit[1] alice_control" in text and "reset alice_control[0];" in text
        assert text.count("if (") == m * (m - 1) // 2
        emp_one = _empirical(one, ic.run_on_aer(ic.from_qasm3(text), SHOTS, seed=31 + m))
        emp_reg = _empirical(reg, ic.run_on_aer(ic.from_qasm3(ic.to_qasm3(reg)), SHOTS,
                                                seed=41 + m))
        band = tv_tolerance(2**m, SHOTS)
        assert _tv(emp_one, one.exact) <= band
        assert _tv(emp_reg, reg.exact) <= band
        # two independent samples of the same law: within the two bands together
        assert _tv(emp_one, emp_reg) <= 2 * band


def test_gapip_circuits_cost_what_ccq_counts():
    import ccq
    from ccq.protocols import _gapip_quantum as q

    rng = np.random.default_rng(2)
    g, h = _unit(rng, 4), _unit(rng, 4)
    P = 4
    assert ic.projective_circuit(g, h).cost == ccq.gapip("projective", 0.3, budget=1).cost(P)
    assert ic.gapip_swap_circuit(g, h).cost == ccq.gapip("swap", 0.3, budget=1).cost(P)
    for m in (1, 2, 3):
        one = ic.ae_one_qubit_circuit(g, h, m)
        proto = ccq.gapip("ae", 0.3, budget=2**m, control="one_qubit", repetitions=1)
        assert one.cost == proto.cost(P)
    # MLAE: every power of the schedule, shots_per_power shots each, run in parallel
    assert q.mlae_schedule(3) == MLAE_SCHEDULE
    shots = 5
    proto = ccq.gapip("mlae", 0.3, budget=3, shots_per_power=shots).cost(P)
    runs = [ic.mlae_circuit(g, h, m).cost for m in MLAE_SCHEDULE]
    assert shots * sum(c.qubits for c in runs) == proto.qubits
    assert max(c.rounds for c in runs) == proto.rounds
    text = ic.to_qasm3(ic.mlae_circuit(g, h, 2))
    assert text.count("transmit_bob_to_alice bob_msg") == 3
    assert text.count("transmit_alice_to_bob bob_msg") == 2


def test_ghz_key_copy_costs_what_the_key_protocol_counts():
    import jax

    from ccq.protocols.ghz_key import ghz_key_sum

    copies, N, d = 600, 3, 3
    f = ghz_key_sum(d, N, copies, n_test=200, q_tol=0.0, eps=1e-3, eps_cor=1e-3)
    out = f(jax.random.key(0), np.zeros((N, 1), np.int64))
    assert out.cost.qubits == copies * ic.ghz_key_circuit(N, d, "z").cost.qubits


@pytest.mark.parametrize("basis", ["z", "fourier"])
def test_aer_noise_on_ghz_key_shares_matches_ccq_noisy_law(basis):
    from ccq.protocols import _ghz_copies

    exported = ic.ghz_key_circuit(2, 3, basis, noise=0.3)
    table = _ghz_copies.structured_table(2, 3, basis, False, "none", 0.3)
    b = ic.qudit_bits(3)
    for idx in np.ndindex(*table.shape):   # the structured sampler's law is the circuit's
        key = sum(m << (i * b) for i, m in enumerate(idx))
        assert exported.exact[key] == pytest.approx(table[idx], abs=1e-9)
    emp = _empirical(exported, ic.run_on_aer(exported.circuit, SHOTS, seed=8))
    assert _tv(emp, exported.exact) <= tv_tolerance(len(exported.exact), SHOTS)
    # the noise is visible: the ideal copy's law is far from this one
    ideal = ic.ghz_key_circuit(2, 3, basis).exact
    assert _tv(ideal, exported.exact) > 2 * tv_tolerance(len(ideal), SHOTS)


def test_intercept_resend_shows_in_z_tests_not_in_key_sums():
    z = ic.ghz_key_circuit(3, 3, "z", attack="intercept_resend").exact
    f = ic.ghz_key_circuit(3, 3, "fourier", attack="intercept_resend").exact
    b = ic.qudit_bits(3)

    def symbols(k):
        return [(k >> (i * b)) & (2**b - 1) for i in range(3)]

    unequal = sum(p for k, p in z.items() if len(set(symbols(k))) > 1)
    nonzero = sum(p for k, p in f.items() if sum(symbols(k)) % 3)
    assert unequal == pytest.approx(2 / 3) and nonzero == pytest.approx(0.0, abs=1e-12)


def test_new_builders_reject_bad_input():
    with pytest.raises(ValueError, match="control_bits"):
        ic.ae_one_qubit_circuit([1.0, 0.0], [0.0, 1.0], 7)
    with pytest.raises(ValueError, match="power"):
        ic.mlae_circuit([1.0, 0.0], [0.0, 1.0], -1)
    with pytest.raises(ValueError, match="same length"):
        ic.projective_circuit([1.0, 0.0], [0.0, 0.0, 1.0])
    with pytest.raises(ValueError, match="prime"):
        ic.ghz_key_circuit(3, 4, "z")
    with pytest.raises(ValueError, match="basis"):
        ic.ghz_key_circuit(3, 3, "x")
    with pytest.raises(ValueError, match="d = 3"):
        ic.ghz_sum_circuit([1, 3], 3)
