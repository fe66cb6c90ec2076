"""Compress + decompress time per step of every compressor, against the uncompressed path.

Two payloads: one 4096 x 4096 matrix (``--size`` to change it) and the gradient shapes of a small
CNN (conv 1->16 3x3, conv 16->32 3x3, linear 1568->10, biases; random values, the shapes are what
matters). One worker (``--workers`` to change): the timed function is the jitted ``update`` of
the compressor, i.e. encode, (simulated) aggregation and decode, after one warm-up call. The
``sgd`` row is the uncompressed path (flatten + mean + unflatten). Prints a table of the median of
``--repeat`` timings in milliseconds and the payload bits.

    python -m benchmarks.bench_compress               # 4096 x 4096 and the CNN
    python -m benchmarks.bench_compress --size 1024   # smaller, for a laptop
    python -m benchmarks.bench_compress --per-device  # per-device vs stacked, 4 CPU devices

``--per-device`` times each compressor's per-device form (``axis_name="data"``, one worker per
forced CPU device inside ``jax.shard_map``, ccq's ring and all-gather) against the stacked
simulation of the same 4 workers on one device, and prints per-device step time over the
stacked time per worker (the issue's target: <= 2) and over the whole stacked step. Calls
alternate within each repeat (shared machine). The forced devices are threads on this host's
cores, so with C cores and N devices the per-device form does the stacked step's total work
with at most min(C, N) threads: the first ratio cannot fall below N / min(C, N) times the
second one (2x on a 2-core host with 4 devices) however little overhead it adds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # this checkout's ccq

if "--per-device" in sys.argv:
    os.environ.setdefault("XLA_FLAGS", "--xla_force_host_platform_device_count=4")

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from jax.sharding import PartitionSpec as P  # noqa: E402

from ccq.compress import (  # noqa: E402
    error_feedback,
    lq_sgd,
    no_compression,
    power_sgd,
    qsgd,
    sign_mv,
    top_k,
)


def compressors(n, d, **kw):
    kw = kw or {"n_workers": n}
    return {
        "sgd (uncompressed)": no_compression(**kw),
        "top_k 1% + EF": error_feedback(top_k(max(1, d // 100), **kw)),
        "qsgd s=4": qsgd(4, 512, **kw),
        "sign_mv + EF": error_feedback(sign_mv(**kw)),
        "powersgd r=1": power_sgd(1, **kw),
        "powersgd r=4": power_sgd(4, **kw),
        "lq_sgd r=4 b=4": lq_sgd(4, 4, **kw),
    }


def per_device_vs_stacked(shapes, repeat, key):
    """(name, stacked ms, per-device ms, per-device / (stacked / N)) per compressor."""
    devices = jax.devices()
    n = len(devices)
    mesh = jax.sharding.Mesh(np.array(devices), ("data",))
    keys = jax.random.split(key, len(shapes))
    grads = [jax.random.normal(k, (n, *s)) for k, s in zip(keys, shapes, strict=True)]
    params = [jnp.zeros(s) for s in shapes]
    d = sum(int(p.size) for p in params)
    sharded_grads = jax.device_put(grads, jax.sharding.NamedSharding(mesh, P("data")))
    stacked_txs = compressors(n, d)
    device_txs = compressors(n, d, axis_name="data")
    out = []
    for name, tx in stacked_txs.items():
        dev = device_txs[name]
        # both timed functions build their state and take one step (the per-device state
        # lives inside the map), so neither pays for something the other does not
        stacked = jax.jit(lambda g, tx=tx: tx.update(g, tx.init(params))[0])

        def body(g, dev=dev):
            st = dev.init(params)
            agg, st = dev.update([x[0] for x in g], st)
            return [a[None] for a in agg]

        per_device = jax.jit(jax.shard_map(body, mesh=mesh, in_specs=(P("data"),),
                                           out_specs=P("data")))
        calls = {"stacked": lambda s=stacked: s(grads),
                 "device": lambda f=per_device: f(sharded_grads)}
        for f in calls.values():
            jax.block_until_ready(f())
        times = {k: [] for k in calls}
        for _ in range(repeat):
            for k, f in calls.items():
                t0 = time.perf_counter()
                jax.block_until_ready(f())
                times[k].append(1e3 * (time.perf_counter() - t0))
        ts, tdev = statistics.median(times["stacked"]), statistics.median(times["device"])
        out.append((name, ts, tdev, tdev / (ts / n)))
    return n, d, out


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
    parser.add_argument("--per-device", action="store_true")
    args = parser.parse_args(argv)
    if args.per_device:
        for label, shapes in ((f"matrix {args.size}x{args.size}", [(args.size, args.size)]),
                              ("small CNN", cnn_shapes())):
            n, d, rows = per_device_vs_stacked(shapes, args.repeat, jax.random.key(0))
            cores = len(os.sched_getaffinity(0))
            print(f"\n{label} ({d} parameters), {n} CPU devices on {cores} cores")
            print(f"{'compressor':22s} {'stacked ms':>11s} {'device ms':>10s} "
                  f"{'device/(stacked/N)':>19s} {'device/stacked':>15s}")
            for name, ts, tdev, ratio in rows:
                print(f"{name:22s} {ts:11.2f} {tdev:10.2f} {ratio:19.2f} {tdev / ts:15.2f}")
        return
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
