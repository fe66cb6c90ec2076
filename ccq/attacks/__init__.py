"""Gradient inversion attacks (DLG, iDLG, Inverting Gradients) and image metrics.

See :mod:`ccq.attacks._invert` for the threat model (naive vs adaptive attacker).
"""

from ._invert import ATTACKS, infer_labels, invert, soft_label_loss, total_variation, transmitted
from ._metrics import label_accuracy, match_batch, mse, psnr, ssim

__all__ = ["ATTACKS", "invert", "infer_labels", "soft_label_loss", "transmitted",
           "total_variation", "mse", "psnr", "ssim", "match_batch", "label_accuracy"]
