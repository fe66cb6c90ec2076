"""Compress + decompress time per step of every compressor, against the uncompressed path.

Two payloads: one 4096 x 4096 matrix (``--size`` to change it) and the gradient shapes of a small
CNN (conv 1->16 3x3, conv 16->32 3x3, linear 1568->10, biases; random values, the shapes are what
matters). One worker (``--workers`` to change): the timed function is the jitted ``update`` of
the compressor, i.e. encode, (simulated) aggregation and decode, after one warm-up call. The
``sgd`` row is the uncompressed path (flatten + mean + unflatten). Prints a table of the median of
``--repeat`` timings in milliseconds and the payload bits.

    python -m benchmarks.bench_compress               # 4096 x 4096 and the CNN
    python -m benchmarks.bench_compress --size 1024   # smaller, for a laptop
"""

from __future__ import annotations

import argparse
import statistics
import time

import jax
import jax.numpy as jnp

from ccq.compress import error_feedback, lq_sgd, no_compression, power_sgd, qsgd, sign_mv, top_k


def compressors(n, d):
    return {
        "sgd (uncompressed)": no_compression(n_workers=n),
        "top_k 1% + EF": error_feedback(top_k(max(1, d // 100), n_workers=n)),
        "qsgd s=4": qsgd(4, 512, n_workers=n),
        "sign_mv + EF": error_feedback(sign_mv(n_workers=n)),
        "powersgd r=1": power_sgd(1, n_workers=n),
        "powersgd r=4": power_sgd(4, n_workers=n),
        "lq_sgd r=4 b=4": lq_sgd(4, 4, n_workers=n),
    }


def cnn_shapes():
    return [(16, 1, 3, 3), (16,), (32, 16, 3, 3), (32,), (1568, 10), (10,)]


def bench(shapes, n, repeat, key):
    keys = jax.random.split(key, len(shapes))
    grads = [jax.random.normal(k, (n, *s)) for k, s in zip(keys, shapes, strict=True)]
    params = [jnp.zeros(s) for s in shapes]
    d = sum(int(p.size) for p in params)
    out = []
    for name, tx in compressors(n, d).items():
        state = tx.init(params)
        update = jax.jit(tx.update)
        jax.block_until_ready(update(grads, state))
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            jax.block_until_ready(update(grads, state))
            times.append(1e3 * (time.perf_counter() - t0))
        out.append((name, statistics.median(times), tx.payload_bits(params)))
    return d, out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=4096)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    print(f"device: {jax.devices()[0]}  workers: {args.workers}")
    for label, shapes in ((f"matrix {args.size}x{args.size}", [(args.size, args.size)]),
                          ("small CNN", cnn_shapes())):
        d, rows = bench(shapes, args.workers, args.repeat, jax.random.key(0))
        base = rows[0][1]
        print(f"\n{label} ({d} parameters)")
        print(f"{'compressor':22s} {'ms/step':>10s} {'x sgd':>7s} {'payload bits':>14s} "
              f"{'ratio':>8s}")
        for name, ms, bits in rows:
            print(f"{name:22s} {ms:10.2f} {ms / base:7.1f} {bits:14d} {32 * d / bits:8.1f}")


if __name__ == "__main__":
    main()
