"""Image reconstruction metrics: MSE, PSNR, SSIM, and matching a batch to the ground truth.

Images are ``(..., h, w)`` in ``[0, 1]`` (data range 1). SSIM follows Wang et al. 2004 with
``C1 = 0.01^2``, ``C2 = 0.03^2`` but a 3 x 3 uniform window (the usual 7 x 7 or 11 x 11 windows do
not fit the 8 x 8 digits), averaged over the valid windows.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
from scipy.optimize import linear_sum_assignment

from .._core import check_array, check_real, check_same_shape

__all__ = ["mse", "psnr", "ssim", "match_batch", "label_accuracy"]


def mse(x, y):
    """Mean squared error over the last two axes.

    Examples:
        >>> float(mse(jnp.zeros((2, 2)), jnp.ones((2, 2))))
        1.0
    """
    check_same_shape(x, y, "x and y")
    check_array(x, "x", ndim=tuple(range(2, 8)))
    return jnp.mean((jnp.asarray(x) - jnp.asarray(y)) ** 2, axis=(-2, -1))


def psnr(x, y, eps: float = 1e-10):
    """Peak signal-to-noise ratio in dB for data range 1: ``10 log10(1 / MSE)``.

    Examples:
        >>> round(float(psnr(jnp.zeros((4, 4)), jnp.full((4, 4), 0.1))), 3)
        20.0
    """
    if check_real(eps, "eps") <= 0:
        raise ValueError(f"eps must be > 0, got {eps!r}")
    return 10.0 * jnp.log10(1.0 / (mse(x, y) + eps))


def _box3(x):
    """Mean over 3 x 3 windows (valid) of ``(..., h, w)``."""
    h, w = x.shape[-2:]
    out = sum(x[..., i:h - 2 + i, j:w - 2 + j] for i in range(3) for j in range(3))
    return out / 9.0


def ssim(x, y):
    """Structural similarity with a 3 x 3 uniform window, data range 1; 1 for identical images.

    Examples:
        >>> img = jnp.arange(64.0).reshape(8, 8) / 64
        >>> round(float(ssim(img, img)), 6)
        1.0
    """
    check_same_shape(x, y, "x and y")
    check_array(x, "x", ndim=tuple(range(2, 8)))
    check_array(y, "y", ndim=tuple(range(2, 8)))
    if min(np.shape(x)[-2:]) < 3:
        raise ValueError(f"ssim needs images of at least 3 x 3 (one 3 x 3 window), got shape "
                         f"{np.shape(x)}")
    x, y = jnp.asarray(x), jnp.asarray(y)
    c1, c2 = 0.01**2, 0.03**2
    mx, my = _box3(x), _box3(y)
    vx = _box3(x * x) - mx * mx
    vy = _box3(y * y) - my * my
    cxy = _box3(x * y) - mx * my
    s = ((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))
    return jnp.mean(s, axis=(-2, -1))


def match_batch(recon, truth):
    """Permutation of ``recon`` (B, ...) that best matches ``truth`` (B, ...) in MSE (Hungarian).

    Gradient inversion recovers a batch only up to order; metrics are taken after matching.

    Examples:
        >>> t = np.array([[0.0], [1.0]]); r = np.array([[0.9], [0.1]])
        >>> match_batch(r, t).tolist()
        [1, 0]
    """
    check_same_shape(recon, truth, "recon and truth")
    recon, truth = check_array(recon, "recon", ndim=tuple(range(1, 8))), np.asarray(truth)
    b = truth.shape[0]
    cost = ((truth.reshape(b, 1, -1) - recon.reshape(1, b, -1)) ** 2).mean(-1)
    _, cols = linear_sum_assignment(cost)
    return cols


def label_accuracy(pred, true):
    """Fraction of labels recovered, as multisets (order-free): ``|pred ∩ true| / B``.

    Examples:
        >>> label_accuracy([3, 1, 1], [1, 3, 2])
        0.6666666666666666
    """
    check_same_shape(pred, true, "pred and true")
    check_array(pred, "pred", ndim=1)
    pred, true = list(np.asarray(pred).tolist()), list(np.asarray(true).tolist())
    hits = 0
    for p in pred:
        if p in true:
            true.remove(p)
            hits += 1
    return hits / len(pred)

