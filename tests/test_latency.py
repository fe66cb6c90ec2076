"""Latency model: wall time from a Cost, break-even rates, presets, and the latency experiment."""

import math

import jax
import pytest

import ccq
from ccq import Cost
from ccq.latency import PRESETS, Network, break_even_qubit_rate, fibre_latency_s, wall_time


def test_break_even_rate_is_where_the_times_cross():
    net = PRESETS["today_metro"]
    quantum = ccq.gapip("ae", 0.01).cost(2**20)
    classical = 10 * wall_time(quantum, net)          # a classical time AE can beat
    r = break_even_qubit_rate(quantum, classical, net)
    faster = dataclass_replace(net, ebit_rate=r * 1.01)
    slower = dataclass_replace(net, ebit_rate=r * 0.99)
    assert wall_time(quantum, faster) < classical < wall_time(quantum, slower)


def dataclass_replace(net, **kw):
    import dataclasses

    return dataclasses.replace(net, **kw)


def test_latency_alone_can_rule_quantum_out():
    net = PRESETS["today_metro"]
    # 1000 sequential messages over 64 km take 0.32 s whatever the rate
    assert break_even_qubit_rate(Cost(qubits=10, rounds=1000), 0.3, net) == math.inf
    assert math.isfinite(break_even_qubit_rate(Cost(qubits=10, rounds=1000), 0.4, net))


def test_teleportation_adds_two_classical_bits_per_qubit():
    net = Network("t", latency_s=0.0, classical_bps=1.0, ebit_rate=1e12, t2_s=1.0, source="-")
    assert wall_time(Cost(qubits=5), net) == pytest.approx(10.0 + 5e-12)
    assert wall_time(Cost(qubits=5), net, teleported=False) == pytest.approx(5e-12)


def test_presets_name_their_sources_and_are_valid():
    assert fibre_latency_s(200) == pytest.approx(1e-3)
    for name, net in PRESETS.items():
        assert net.name == name and len(net.source) > 40
        assert net.qubits_per_s > 0 and net.t2_s > 0
    with pytest.raises(ValueError, match="ebit_rate"):
        Network("x", latency_s=0.0, classical_bps=1.0, ebit_rate=0.0, t2_s=1.0, source="-")
    with pytest.raises(ValueError, match="km"):
        fibre_latency_s(-1)
    with pytest.raises(TypeError, match="Cost"):
        wall_time(5, PRESETS["today_lab"])


def test_experiment_claims_from_rows():
    from experiments import latency_gapip as exp

    assert exp.claims([])[0].verdict == "not measured"
    cfg = exp.Config("hypothetical_mhz", 36)
    rows = [{"preset": cfg.preset, "log2_P": cfg.log2_P, **r}
            for r in exp.run(jax.random.key(0), cfg)]
    # at P = 2^36 AE sends fewer qubits than any sketch's bits for small tau ...
    assert any(r["ae_fewer_qubits_than_bits"] for r in rows)
    # ... and whether it finishes first is decided by the same times the claim reports
    for r in rows:
        best = min(r[f"t_{m}"] for m in exp.CLASSICAL)
        assert r["ae_finishes_first"] == (r["t_ae"] < best)
    (claim,) = exp.claims(rows)
    assert claim.verdict == "finding" and "hypothetical_mhz" in claim.id
