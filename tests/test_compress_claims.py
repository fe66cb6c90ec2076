"""The compress_* claims decide from paired comparisons and can fail (fabricated rows, no JAX)."""

import itertools

import pytest

from experiments._compress_stats import (
    bootstrap_median,
    combine,
    compress_privacy_claims,
    compress_training_claims,
    pareto,
    t_interval,
)


def _training(lq_gap: float, lq_bits: float):
    rows = []
    for label, method, gap, bits in (("SGD (32-bit)", "sgd", 0.0, 1e8),
                                     ("LQ-SGD rank 2, 4-bit", "lq_r2_b4", lq_gap, lq_bits),
                                     ("Top-k 10% + EF", "topk10", 0.0, 2e7),
                                     ("QSGD s=4", "qsgd4", 0.0, 3e7)):
        for seed, step in itertools.product(range(5), (500, 1000)):
            acc = (0.5 if step == 500 else 0.9) - gap + 0.002 * seed
            rows.append({"model": "mlp", "method": method, "label": label, "seed": seed,
                         "step": step, "test_accuracy": acc, "finite": True,
                         "link_bits_cum": bits * step / 1000, "sec_per_step": 0.001})
    return rows


def _claim(claims, cid):
    return next(c for c in claims if c.id == cid)


def test_training_claims_hold_and_fail_on_the_data():
    good = compress_training_claims(_training(0.0, 1e6))
    assert _claim(good, "lqsgd.keeps_accuracy").verdict == "holds"
    assert _claim(good, "lqsgd.fewest_bits").verdict == "holds"
    assert _claim(good, "lqsgd.converges_fast").verdict == "holds"
    bad = compress_training_claims(_training(0.05, 1e9))
    assert _claim(bad, "lqsgd.keeps_accuracy").verdict == "fails"
    assert _claim(bad, "lqsgd.fewest_bits").verdict == "fails"
    assert _claim(bad, "lqsgd.converges_fast").verdict == "fails"
    assert "LQ-SGD rank 2, 4-bit" in _claim(good, "compress.pareto_front").measured


def _privacy(lq_drop: float):
    rows = []
    for (label, bits, drop), ck, t in itertools.product(
            (("SGD (32-bit)", 77120, 0.0), ("LQ-SGD rank 2, 4-bit", 4000, lq_drop),
             ("pruning 90% (no EF)", 5000, 0.0)), (0, 1000), range(8)):
        for opt, extra in (("adam", -5.0), ("lbfgs", 0.0), ("best", 0.0)):
            rows.append({"config_hash": f"{label}-naive", "label": label, "attacker": "naive",
                         "attack": "idlg", "batch": 1, "checkpoint": ck, "optimizer": opt,
                         "chosen": "lbfgs", "trial": t, "psnr": 40.0 - drop + extra + 0.3 * t,
                         "ssim": 0.9, "label_acc": 1.0, "bits_per_message": bits})
    return rows


def test_privacy_claims_are_paired_comparisons_that_can_fail():
    train = _training(0.0, 1e6)
    good = compress_privacy_claims(_privacy(10.0), train)
    assert _claim(good, "lqsgd.privacy_naive").verdict == "holds"
    assert _claim(good, "lqsgd.privacy_matched_bits").verdict == "holds"
    same = compress_privacy_claims(_privacy(0.0), train)
    assert _claim(same, "lqsgd.privacy_naive").verdict == "fails"
    assert _claim(same, "lqsgd.privacy_matched_bits").verdict == "fails"
    assert "100%" in _claim(same, "compress.lbfgs_vs_adam").measured


def test_statistics_helpers():
    assert combine(["holds", "holds"]) == "holds" and combine([]) == "fails"
    m, lo, hi = t_interval([0.0, 0.0, 0.0])
    assert m == lo == hi == 0.0
    med, lo, hi = bootstrap_median([1.0, 2.0, 3.0, 4.0, 5.0])
    assert lo <= med <= hi and med == 3.0
    assert pareto({"a": (1, 0.9), "b": (2, 0.8), "c": (3, 0.95)}) == ["a", "c"]
    with pytest.raises(StopIteration):
        _claim([], "x")
