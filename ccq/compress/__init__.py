"""Gradient compressors as optax transformations over worker-stacked gradients, bits in state.

Every factory returns a :class:`Compressor` (an ``optax.GradientTransformationExtraArgs``):
``update(worker_updates, state)`` takes gradients with a leading axis of ``n_workers`` and
returns the gradient every worker applies after the communication round. ``state.bits`` and
``state.total_bits`` count the payload bits each worker sent; :func:`link_bits` turns a payload
into bits per directed ring link (``ccq.ring_cost``; all-gather for compressors that are not
all-reducible). :func:`as_aggregator` plugs a compressor into :func:`ccq.train.train_data_parallel`.

Examples:
    >>> import jax.numpy as jnp, optax
    >>> from ccq.compress import power_sgd
    >>> opt = optax.chain(power_sgd(1, n_workers=2), optax.sgd(0.1))
    >>> params = {"w": jnp.ones((8, 6))}
    >>> state = opt.init(params)
    >>> updates, state = opt.update({"w": jnp.ones((2, 8, 6))}, state)
    >>> updates["w"].shape, bit_count(state[0].bits)
    ((8, 6), 448)
"""

from ._base import (
    Comm,
    Compressor,
    CompressState,
    as_aggregator,
    bit_count,
    link_bits,
    worker_axis,
    wrap,
)
from ._logquant import log_decode, log_encode, log_levels, log_roundtrip, log_roundtrip_bound
from ._lowrank import gram_schmidt, lq_sgd, power_sgd
from ._simple import error_feedback, no_compression, qsgd, sign_mv, top_k

__all__ = [
    "Compressor",
    "CompressState",
    "Comm",
    "bit_count",
    "as_aggregator",
    "link_bits",
    "worker_axis",
    "wrap",
    "no_compression",
    "top_k",
    "qsgd",
    "sign_mv",
    "error_feedback",
    "power_sgd",
    "lq_sgd",
    "gram_schmidt",
    "log_encode",
    "log_decode",
    "log_levels",
    "log_roundtrip",
    "log_roundtrip_bound",
]
