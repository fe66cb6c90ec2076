"""The ring collective as a drop-in gradient aggregator for :func:`ccq.train.train_data_parallel`.

The N workers' gradients (stacked on a leading axis by the training loop) are flattened per
worker and summed by :func:`ring_allreduce` under ``jax.vmap(..., axis_name="workers")``: the
same function, and the same code path, that runs per device inside ``jax.shard_map``. The mean
is the sum over N. Only the ``link`` differs between a classical and a quantum run.

With a noisy link every worker receives different errors in the all-gather, so the N replicas
would apply different gradients. The training loop keeps one parameter copy, so we apply
worker 0's result and report ``replica_disagreement`` (max |worker i - worker 0| over entries
and workers) so that the divergence a real deployment would see is measured, not hidden.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax.flatten_util import ravel_pytree

from ._ring import _as_link, ring_allreduce

__all__ = ["ring_aggregator"]


def ring_aggregator(link="classical"):
    """An :class:`ccq.train.Aggregator` that averages gradients with the ring collective.

    Stats per step (per worker): ``bits`` = online channel uses on the worker's outgoing
    link (classical bits + qubits, the number the cost model plots), ``qubits``, ``ebits``,
    ``classical_bits``, ``symbol_errors`` and ``erased_words`` received (mean over workers),
    and ``replica_disagreement``.

    Examples:
        >>> import jax.numpy as jnp
        >>> agg = ring_aggregator("classical")
        >>> g, _, stats = agg.aggregate(jax.random.key(0), {"w": jnp.arange(8.).reshape(4, 2)}, ())
        >>> g["w"].tolist(), float(stats["bits"])
        ([3.0, 4.0], 192.0)
    """
    from ..train import Aggregator

    link = _as_link(link)

    def aggregate(key, worker_grads, state):
        n = jax.tree_util.tree_leaves(worker_grads)[0].shape[0]
        one = jax.tree_util.tree_map(lambda g: g[0], worker_grads)
        _, unravel = ravel_pytree(one)
        flat = jax.vmap(lambda t: ravel_pytree(t)[0])(worker_grads)

        def per_worker(g):
            out = ring_allreduce(g, "workers", link, key=key, return_outcome=True)
            return out.answer, out.info["symbol_errors"][0], out.info["erased_words"][0]

        sums, errors, erased = jax.vmap(per_worker, axis_name="workers")(flat)
        cost = link.cost(n, flat.shape[1], dtype_bits=8 * flat.dtype.itemsize)
        total = cost.total
        stats = {
            "bits": jnp.asarray(total.bits + total.qubits, jnp.float32),
            "qubits": jnp.asarray(total.qubits, jnp.float32),
            "ebits": jnp.asarray(total.ebits, jnp.float32),
            "classical_bits": jnp.asarray(total.bits, jnp.float32),
            "symbol_errors": jnp.mean(errors.astype(jnp.float32)),
            "erased_words": jnp.mean(erased.astype(jnp.float32)),
            "replica_disagreement": jnp.max(jnp.abs(sums - sums[0][None, :])) / n,
        }
        return unravel(sums[0] / n), state, stats

    name = link.kind if link.bits is None else f"{link.kind}-b{link.bits}"
    if link.kind == "superdense":
        name += f"-F{link.fidelity:g}-{link.code}"
    return Aggregator(lambda params: (), aggregate, name=name)
