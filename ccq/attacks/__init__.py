"""Gradient inversion attacks (DLG, iDLG, Inverting Gradients), image metrics, DP-SGD baseline.

See :mod:`ccq.attacks._invert` for the threat model (naive, adaptive and multi-round attackers)
and :mod:`ccq.attacks._defences` for the DP-SGD baseline.
"""

from ._defences import dp_epsilon, dp_message
from ._invert import (
    ATTACKS,
    OPTIMIZERS,
    infer_labels,
    invert,
    invert_rounds,
    replay,
    soft_label_loss,
    total_variation,
    transmitted,
)
from ._metrics import label_accuracy, match_batch, mse, psnr, ssim

__all__ = ["ATTACKS", "OPTIMIZERS", "invert", "invert_rounds", "replay", "infer_labels",
           "soft_label_loss", "transmitted", "total_variation", "mse", "psnr", "ssim",
           "match_batch", "label_accuracy", "dp_message", "dp_epsilon"]
