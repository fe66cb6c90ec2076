"""Example reconstructions for the image grid: IG on one image, per compressor and attacker.

Re-uses the runs of ``compress_privacy`` (same configs, cached within one process) and stores
the pixels tidy: one row per (config, trial, pixel) with the true and the reconstructed value.
"""

from __future__ import annotations

from ccq.experiment import Experiment

from .compress_privacy import COMPRESSORS, Config, attack_results
from .compress_privacy import QUICK as PRIVACY_QUICK

SHOWN = 4    # images per config


def run(key, c: Config):
    del key
    xs, xr, ys, yr = attack_results(c)
    return [{"trial": t, "pixel": p, "truth": float(xs[t, 0, p]), "recon": float(xr[t, 0, p]),
             "label": int(ys[t, 0]), "label_rec": int(yr[t, 0])}
            for t in range(min(SHOWN, c.trials)) for p in range(xs.shape[-1])]


GRID = [Config(n, a, "ig", 1) for n in COMPRESSORS for a in ("naive", "adaptive")
        if not (n == "sgd" and a == "adaptive")]

EXPERIMENT = Experiment(
    name="compress_inversion_examples",
    run=run,
    grid=GRID,
    quick=[c for c in PRIVACY_QUICK if c.batch == 1 and c.attack == "ig"],
    description="pixels of example IG reconstructions per compressor (for the image grid)",
)
