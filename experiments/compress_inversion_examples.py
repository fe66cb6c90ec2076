"""Example reconstructions for the image grid: iDLG on one image, per method and attacker.

Re-uses the runs of ``compress_privacy`` (same configs, cached within one process: run the two
together) and stores the pixels tidy: one row per (config, checkpoint, trial, pixel) with the
true and the reconstructed value (the optimiser with the higher PSNR).
"""

from __future__ import annotations

import numpy as np

from ccq.experiment import Experiment

from ._compress_setup import METHODS
from .compress_privacy import QUICK as PRIVACY_QUICK
from .compress_privacy import Config, reconstruct
from .compress_privacy import run as privacy_run

SHOWN = 4    # images per config


def run(key, c: Config):
    rows = privacy_run(key, c)      # to know which optimiser won each image
    xs, ys, recs = reconstruct(c)
    out = []
    for r in rows:
        if r["optimizer"] != "best" or r["trial"] >= SHOWN:
            continue
        i = sorted({q["checkpoint"] for q in rows}).index(r["checkpoint"])
        t = r["trial"]
        xr, yr = recs[r["chosen"]]
        out += [{"label": METHODS[c.method], "checkpoint": r["checkpoint"], "trial": t,
                 "pixel": p, "truth": float(xs[t, 0, p]), "recon": float(xr[i, t, 0, p]),
                 "digit": int(ys[t, 0]), "digit_rec": int(np.asarray(yr)[i, t, 0]),
                 "psnr": r["psnr"]} for p in range(xs.shape[-1])]
    return out


GRID = [Config("sgd", "naive", "idlg", 1), Config("lq_r2_b4", "naive", "idlg", 1),
        Config("lq_r2_b4", "adaptive", "idlg", 1), Config("lq_r2_b4", "multi4", "idlg", 1),
        Config("psgd_r2", "adaptive", "idlg", 1), Config("dp1", "naive", "idlg", 1),
        Config("prune90", "naive", "idlg", 1)]

EXPERIMENT = Experiment(
    name="compress_inversion_examples",
    run=run,
    grid=GRID,
    quick=[c for c in PRIVACY_QUICK if c.batch == 1][:2],
    version=2,
    description="pixels of example iDLG reconstructions per method (for the image grid)",
)
