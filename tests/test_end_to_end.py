"""The seeds' end-to-end settings: conflict detection on training gradients, and the superdense
ring training the distributed quantum model (experiments conflict_detection, qmodel_ring)."""

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from ccq.claims import Claim


@pytest.mark.parametrize("name", ["conflict_detection", "qmodel_ring"])
def test_claims_without_rows_say_not_measured(name):
    import importlib

    exp = importlib.import_module(f"experiments.{name}").EXPERIMENT
    claims = exp.claims([])
    assert claims and all(isinstance(c, Claim) and c.verdict == "not measured" for c in claims)
    assert len(exp.quick) <= 10


def test_tie_agreement_matches_tieaudit_and_is_blind_to_negation():
    from ccq.protocols.tieaudit_instances import agreement, random_matching
    from experiments.conflict_detection import _tie_agreement

    P = 64
    g = jax.random.normal(jax.random.key(0), (P,))
    h = 0.5 * g + jax.random.normal(jax.random.key(1), (P,))
    pairs = random_matching(jax.random.key(2), P)
    w = jnp.sign(h)[pairs[:, 0]] * jnp.sign(h)[pairs[:, 1]]
    mine = float(_tie_agreement(jnp.sign(g), pairs, h))
    assert mine == pytest.approx(float(agreement(g, pairs, w)))
    # the point of the TieAudit finding: a client sending -h looks exactly like one sending h
    assert float(_tie_agreement(jnp.sign(g), pairs, -h)) == mine
    assert float(_tie_agreement(-jnp.sign(g), pairs, h)) == mine


def test_conflict_lanes_do_not_interact(monkeypatch):
    """Every (corruption, detector, tau) of a seed runs as one vmapped lane; a lane's rows must
    not depend on which other lanes run beside it."""
    from experiments import conflict_detection as cd

    steps = 6
    full = cd._run_lanes(0, steps)
    pick = [("signflip", "ae", 0.2), ("labels", "sign", 0.02)]
    cd._run_lanes.cache_clear()
    monkeypatch.setattr(cd, "LANES", tuple(pick))
    try:
        alone = cd._run_lanes(0, steps)
    finally:
        cd._run_lanes.cache_clear()
    monkeypatch.undo()
    for i, lane in enumerate(pick):
        a, b = alone[i], full[cd.LANES.index(lane)]
        assert [r["test_accuracy"] for r in a] == [r["test_accuracy"] for r in b]
        assert [r["decision_accuracy"] for r in a] == [r["decision_accuracy"] for r in b]


def test_conflict_detection_finds_sign_flipped_clients():
    from experiments import conflict_detection as cd

    rows = cd.run(None, cd.Config("signflip", "exact", 0.0, 0, 20))
    # faulty clients that send -h are flagged far more often than honest ones, and the flagged
    # ones sit out: fewer than K contributors on average
    assert np.mean([r["flagged_faulty"] for r in rows]) > 0.5
    assert np.mean([r["flagged_honest"] for r in rows]) < 0.1
    assert np.mean([r["contributors"] for r in rows]) < cd.K
    none = cd.run(None, cd.Config("signflip", "none", 0.0, 0, 20))
    assert all(r["contributors"] == cd.K for r in none)
    # the detectors' communication is the protocol's static cost, below broadcasting g
    ae = cd.run(None, cd.Config("signflip", "ae", 0.2, 0, 20))
    assert ae[0]["detect_qubits"] == cd.protocol("ae", 0.2).cost(cd.n_params()).qubits
    assert 0 < ae[0]["detect_qubits"] < ae[0]["broadcast_bits"]
    with pytest.raises(ValueError, match="must be one of"):
        cd.run(None, cd.Config("signflip", "ae", 0.3, 0, 20))


def test_qmodel_ring_superdense_at_f1_is_the_classical_ring():
    from ccq.experiment import config_hash
    from experiments import qmodel_ring as qr

    rows = []
    for cfg in (qr.Config("classical", 1.0, "none", 16, 0, 4),
                qr.Config("superdense", 1.0, "none", 16, 0, 4)):
        h = config_hash("qmodel_ring", cfg)
        rows += [{"config_hash": h, **dataclasses.asdict(cfg), **r} for r in qr.run(None, cfg)]
    verdicts = {c.id: c.verdict for c in qr.claims(rows)}
    assert verdicts["e2e.qmodel_ring_drop_in"] == "holds"
    sd = [r for r in rows if r["link"] == "superdense"]
    assert all(r["ebits"] == r["qubits"] > 0 for r in sd)
