"""Privacy baselines a compressor is compared with: DP-SGD messages and their epsilon.

DP-SGD (Abadi et al. 2016, arXiv 1607.00133): every example's gradient is clipped to L2 norm
``clip`` and Gaussian noise of standard deviation ``noise_multiplier * clip`` is added to their
sum before it leaves the worker; the message is that sum over ``B``. ccq uses optax's
``optax.contrib.differentially_private_aggregate`` for the clip-and-noise step and Google's
``dp_accounting`` (RDP accountant, Mironov 2017 / Mironov, Talwar, Zhang 2019) for epsilon.

Gradient pruning (Zhu et al. 2019, DLG's defence section) is not here: it is
``ccq.compress.top_k`` without error feedback (small-magnitude entries are dropped for good).
"""

from __future__ import annotations

import math

import jax
import optax

from .._core import check_in_interval, check_int, check_key

__all__ = ["dp_message", "dp_epsilon"]


def dp_message(model, clip: float, noise_multiplier: float):
    """``message(key, params, x, y)``: the DP-SGD message of a worker holding batch ``(x, y)``.

    Per-example gradients of ``model.loss`` are clipped to ``clip`` (global L2 norm), summed,
    noised with ``N(0, (noise_multiplier * clip)^2)`` per entry and divided by ``B``.

    Examples:
        >>> import jax.numpy as jnp
        >>> from ccq.train import linear_regressor
        >>> m = linear_regressor(2); p = m.init(jax.random.key(0))
        >>> x, y = jnp.array([[100.0, 0.0]]), jnp.array([1.0])
        >>> g = dp_message(m, 1.0, 0.0)(jax.random.key(0), p, x, y)   # clipped, no noise
        >>> round(float(jnp.sqrt(g["w"] @ g["w"] + g["b"] ** 2)), 4)
        1.0
    """
    check_in_interval(clip, "clip", 0, float("inf"))
    if not math.isfinite(noise_multiplier) or noise_multiplier < 0:
        raise ValueError(f"noise_multiplier must be finite and >= 0, got {noise_multiplier}")
    per_example = jax.vmap(jax.grad(lambda p, xi, yi: model.loss(p, xi[None], yi[None])),
                           in_axes=(None, 0, 0))

    def message(key, params, x, y):
        check_key(key)
        tx = optax.contrib.differentially_private_aggregate(clip, noise_multiplier, key=key)
        out, _ = tx.update(per_example(params, x, y), tx.init(params))
        return out

    return message


def dp_epsilon(noise_multiplier: float, sampling_rate: float, steps: int,
               delta: float = 1e-5) -> float:
    """Epsilon of ``steps`` Poisson-subsampled Gaussian releases (RDP accountant, ``delta``).

    ccq's workers draw batches uniformly with replacement, which the accountant models as
    Poisson sampling at rate ``B / n``: the usual approximation in DP-SGD papers.

    Examples:
        >>> round(dp_epsilon(1.0, 32 / 1348, 1000), 2)
        5.21
    """
    import dp_accounting

    if not math.isfinite(noise_multiplier) or noise_multiplier <= 0:
        raise ValueError(f"noise_multiplier must be finite and > 0, got {noise_multiplier}")
    check_in_interval(sampling_rate, "sampling_rate", 0, 1, closed="right")
    check_in_interval(delta, "delta", 0, 1)
    steps = check_int(steps, "steps", minimum=1)
    event = dp_accounting.SelfComposedDpEvent(
        dp_accounting.PoissonSampledDpEvent(sampling_rate,
                                            dp_accounting.GaussianDpEvent(noise_multiplier)),
        steps)
    accountant = dp_accounting.rdp.RdpAccountant()
    accountant.compose(event)
    return float(accountant.get_epsilon(delta))
