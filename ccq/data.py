"""Datasets that need no network: scikit-learn's bundled digits, and generated tasks.

Splits and shuffles take an explicit PRNG key, like everything else in ccq.
"""

from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np

from ._core import check_in_interval, check_int, check_key

__all__ = ["Dataset", "digits", "linear_regression"]


@dataclasses.dataclass(frozen=True)
class Dataset:
    """Train/test arrays. ``y`` holds class indices (classification) or targets (regression)."""

    x_train: jax.Array
    y_train: jax.Array
    x_test: jax.Array
    y_test: jax.Array
    n_classes: int | None = None

    @property
    def n_features(self) -> int:
        return int(self.x_train.shape[1])


def digits(key, test_fraction: float = 0.25) -> Dataset:
    """scikit-learn's 8x8 handwritten digits (1797 images, shipped with the package).

    Pixels are scaled to [0, 1]; the split is a shuffle by ``key``.

    Examples:
        >>> data = digits(jax.random.key(0))
        >>> data.x_train.shape, data.n_classes
        ((1348, 64), 10)
    """
    from sklearn.datasets import load_digits

    check_key(key)
    check_in_interval(test_fraction, "test_fraction", 0, 1)
    bunch = load_digits()
    x = jnp.asarray(bunch.data / 16.0, jnp.float32)
    y = jnp.asarray(bunch.target, jnp.int32)
    order = jax.random.permutation(key, x.shape[0])
    n_test = int(round(test_fraction * x.shape[0]))
    test, train = order[:n_test], order[n_test:]
    return Dataset(x[train], y[train], x[test], y[test], n_classes=10)


def linear_regression(key, n: int = 1024, d: int = 16, noise: float = 0.1) -> Dataset:
    """``y = X w* + noise`` with Gaussian ``X`` and ``w*``; a fast task for tests.

    Examples:
        >>> data = linear_regression(jax.random.key(0), n=100, d=4)
        >>> data.x_train.shape, data.y_test.shape
        ((75, 4), (25,))
    """
    check_key(key)
    n = check_int(n, "n", minimum=4)
    d = check_int(d, "d", minimum=1)
    if not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be finite and >= 0, got {noise}")
    kx, kw, kn = jax.random.split(key, 3)
    x = jax.random.normal(kx, (n, d))
    w = jax.random.normal(kw, (d,))
    y = x @ w + noise * jax.random.normal(kn, (n,))
    cut = n - n // 4
    return Dataset(x[:cut], y[:cut], x[cut:], y[cut:])
