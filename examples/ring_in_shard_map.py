"""Run ccq's ring all-reduce in my own ``shard_map``, where ``jax.lax.psum`` would go.

On one CPU we ask XLA for 4 host devices (set before JAX starts); on a GPU/TPU machine drop that
line and the mesh spans the real devices. Run: ``python examples/ring_in_shard_map.py``.
"""

import os

os.environ.setdefault("XLA_FLAGS", "--xla_force_host_platform_device_count=4")

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
from jax.sharding import NamedSharding  # noqa: E402
from jax.sharding import PartitionSpec as P  # noqa: E402

from ccq.collectives import ring_allreduce, ring_cost, superdense_link  # noqa: E402

n = min(jax.device_count(), 4)
mesh = jax.make_mesh((n,), ("w",), devices=jax.devices()[:n])
x = jax.random.normal(jax.random.key(0), (n, 1000))         # one row per worker
x = jax.device_put(x, NamedSharding(mesh, P("w")))          # row i lives on device i


def classical(v):
    return ring_allreduce(v, "w")


def superdense(v):
    out = ring_allreduce(v, "w", "superdense", return_outcome=True)
    return out.answer


def noisy(v, key):
    return ring_allreduce(v, "w", superdense_link(0.95, bits=16), key=key)


specs = dict(mesh=mesh, in_specs=P("w"), out_specs=P("w"))
psum = jax.jit(jax.shard_map(lambda v: jax.lax.psum(v, "w"), **specs))(x)
ring = jax.jit(jax.shard_map(classical, **specs))(x)
sd = jax.jit(jax.shard_map(superdense, **specs))(x)
nz = jax.jit(jax.shard_map(noisy, mesh=mesh, in_specs=(P("w"), P()), out_specs=P("w")))(
    x, jax.random.key(1))
print("workers:", n)
print("classical ring == psum:", bool(jnp.allclose(ring, psum, atol=1e-5)))
print("superdense (F = 1, 16-bit fixed point) max error:", float(jnp.max(jnp.abs(sd - psum))))
print("superdense (F = 0.95) max error:", float(jnp.max(jnp.abs(nz - psum))))
# The cost is static: ring_cost gives the same per-link numbers without running anything.
print("per-link cost, 1000 16-bit entries:", ring_cost(n, 16 * x.shape[1], "superdense").per_link)
