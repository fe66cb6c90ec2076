"""Trials per second of ``ccq.gapip("ae", 0.01)``: reduced path (P = 2^20) and statevector path.

Run from the repository root: ``PYTHONPATH=. python benchmarks/bench_gapip.py``.
Each trial is a full protocol run on a fresh key (17 parallel AE runs at M = 632, the default
budget at tau = 0.01). Compilation is excluded (one warm-up call). On the statevector path
(P = 2^16: M x 2^17 = 83M amplitudes) the distribution does not depend on the key, so under
vmap it is computed once per instance and sampled per trial, as on the reduced path; the
per-instance time is printed separately.
"""

from __future__ import annotations

import time

import jax
import jax.numpy as jnp

import ccq
from ccq.protocols.gapip_instances import dense_pair


def rate(fn, *args, repeats=3):
    jax.block_until_ready(fn(*args))                     # compile
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        jax.block_until_ready(fn(*args))
        best = min(best, time.perf_counter() - t0)
    return best


def main():
    trials = 10_000
    keys = jax.random.split(jax.random.key(0), trials)
    g, h = dense_pair(jax.random.key(1), 2**20, -0.01)
    proto = ccq.gapip("ae", 0.01)
    run = jax.jit(jax.vmap(lambda k, g, h: proto(k, g, h).answer, in_axes=(0, None, None)))
    t = rate(run, keys, g, h)
    print(f"reduced path, P = 2^20, tau = 0.01 (M = {proto.budget}, r = {proto.repetitions}): "
          f"{trials / t:,.0f} trials/s ({trials} trials in {t:.3f} s)")
    g16, h16 = dense_pair(jax.random.key(3), 2**16, -0.01)
    sv = ccq.gapip("ae", 0.01, path="full")
    run_sv = jax.jit(jax.vmap(lambda k, g, h: sv(k, g, h).answer, in_axes=(0, None, None)))
    t = rate(run_sv, keys, g16, h16, repeats=1)
    print(f"statevector path, P = 2^16, M = {sv.budget} (r = {sv.repetitions}): "
          f"{trials / t:,.0f} trials/s ({trials} trials in {t:.3f} s, one instance)")
    single = jax.jit(lambda k, g, h: sv(k, g, h).answer)
    t = rate(single, keys[0], g16, h16, repeats=1)
    print(f"statevector path, P = 2^16, M = {sv.budget}: {t:.3f} s per instance")
    print("devices:", jax.devices(), "x64:", jax.config.jax_enable_x64,
          "mean answer:", float(jnp.mean(run(keys, g, h))))


if __name__ == "__main__":
    main()
