"""Exported OpenQASM 3 circuits run on Qiskit Aer and reproduce ccq's exact distributions."""

import math

import numpy as np
import pytest

pytest.importorskip("qiskit")
pytest.importorskip("qiskit_aer")
pytest.importorskip("qiskit_qasm3_import")

from ccq.interop import circuits as ic  # noqa: E402

SHOTS = 4000
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
