"""The issue-5 experiments and figures: claims on no rows, and figures from synthetic rows."""

import csv
import importlib

import pytest

from ccq.claims import Claim

NAMES = ("superdense_noise", "ring_traffic", "ring_training")


@pytest.mark.parametrize("name", NAMES)
def test_claims_without_rows_say_not_measured(name):
    exp = importlib.import_module(f"experiments.{name}").EXPERIMENT
    claims = exp.claims([])
    assert claims and all(isinstance(c, Claim) and c.verdict == "not measured" for c in claims)
    assert len(exp.quick) <= 10 and set(exp.quick) <= set(exp.grid) | set(exp.quick)


def test_ring_traffic_claims_and_figure_from_a_real_quick_row(tmp_path):
    from ccq.experiment import config_hash
    from experiments import ring_traffic
    from paper_figures import ring_traffic as fig

    exp = ring_traffic.EXPERIMENT
    rows = []
    for cfg in (ring_traffic.Config(2, 64), ring_traffic.Config(4, 100)):
        h = config_hash(exp.name, cfg, exp.version)     # the results loader checks it
        for r in ring_traffic.run(__import__("jax").random.key(0), cfg):
            rows.append({"config_hash": h, "n_workers": cfg.n_workers, "entries": cfg.entries,
                         **r})
    verdicts = {c.id: c.verdict for c in ring_traffic.claims(rows)}
    assert verdicts == {"ring.online_saving": "holds", "ring.lifetime_uses": "holds",
                        "ring.drop_in": "holds"}
    with (tmp_path / "ring_traffic.csv").open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    assert fig.plot(tmp_path, tmp_path / "out").stat().st_size > 10_000
