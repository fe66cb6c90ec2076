"""Compare gradient compressors inside my own optax training loop.

Compressors are optax gradient transformations: put one first in an ``optax.chain`` and feed it
the per-worker gradients stacked on a leading worker axis; it returns the aggregated update and
keeps the bits each worker sent in the last step in its state (exact integer counters, read
with ``ccq.compress.bit_count``).
Run: ``python examples/compressor_in_optax.py``.
"""

import jax
import jax.numpy as jnp
import optax

from ccq.compress import bit_count, lq_sgd, power_sgd

N_WORKERS, STEPS, LR = 4, 300, 0.1
key = jax.random.key(0)
k_w, k_x, k_noise = jax.random.split(key, 3)
w_true = jax.random.normal(k_w, (16, 8))
x = jax.random.normal(k_x, (N_WORKERS, 64, 16))              # each worker's own data
y = x @ w_true + 0.01 * jax.random.normal(k_noise, (N_WORKERS, 64, 8))


def loss(params, xb, yb):
    return jnp.mean((xb @ params["w"] - yb) ** 2)


def train(compressor):
    opt = optax.chain(compressor, optax.sgd(LR)) if compressor else optax.sgd(LR)
    params = {"w": jnp.zeros((16, 8))}
    state = opt.init(params)

    @jax.jit
    def step(params, state):
        grads = jax.vmap(jax.grad(loss), in_axes=(None, 0, 0))(params, x, y)  # (workers, ...)
        if compressor is None:                                                # plain mean
            grads = jax.tree_util.tree_map(lambda g: g.mean(0), grads)
        updates, state = opt.update(grads, state, params)
        return optax.apply_updates(params, updates), state

    for _ in range(STEPS):
        params, state = step(params, state)
    # bit counters are exact two-word integers in the state; bit_count reads them
    bits = bit_count(state[0].bits) if compressor else 32 * 16 * 8   # one float32 per entry
    return float(loss(params, x.reshape(-1, 16), y.reshape(-1, 8))), bits


for name, tx in (("SGD (float32)", None),
                 ("PowerSGD rank 2", power_sgd(2, n_workers=N_WORKERS)),
                 ("LQ-SGD rank 2, 4 bits", lq_sgd(2, 4, n_workers=N_WORKERS))):
    final, bits = train(tx)
    print(f"{name:22s} final loss {final:.4f}   bits per worker per step {bits:,.0f}")
