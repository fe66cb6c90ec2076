"""Run a protocol and read its Outcome: the answer, what it cost, and what else it reports.

Protocols are factories: ``ccq.gapip(method, tau)`` returns ``fn(key, g, h) -> ccq.Outcome``. The
cost is static (known before running, the same for every call), so it survives ``jit``/``vmap``.
Run: ``python examples/run_protocol.py``.
"""

import jax
import jax.numpy as jnp

import ccq

P, tau = 1024, 0.2
k_g, k_h, k_run = jax.random.split(jax.random.key(0), 3)
g = jax.random.normal(k_g, (P,))
g = g / jnp.linalg.norm(g)
# h: a unit vector with <g, h> = -0.3 exactly, so the right answer is -1 ("conflict")
r = jax.random.normal(k_h, (P,))
r = r - (r @ g) * g
h = -0.3 * g + jnp.sqrt(1 - 0.3**2) * r / jnp.linalg.norm(r)

for method in ("ae", "simhash"):
    protocol = ccq.gapip(method, tau=tau, delta=0.05)
    out = protocol(k_run, g, h)
    print(f"{method:8s} answer={int(out.answer):+d}  cost={out.cost}  info={dict(out.info)}")

# Many runs at once: vmap over keys; the cost stays one static value for the whole batch.
outs = jax.vmap(lambda k: ccq.gapip("simhash", tau=tau)(k, g, h))(
    jax.random.split(k_run, 200))
print("simhash error rate over 200 runs:", float(jnp.mean(outs.answer != -1)),
      "(target 0.05); cost per run:", outs.cost)
