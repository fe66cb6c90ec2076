"""Benchmark: ``ccq.ring_allreduce`` vs ``jax.lax.psum`` on 4 forced CPU devices, and the cost of
simulating superdense links per payload bit.

Run: ``python benchmarks/bench_ring.py [--max-exp 7] [--repeats 5] [--csv out.csv]``.

* Part 1: float32 payloads of 10^4 .. 10^7 entries per worker, one worker per (forced) CPU
  device, inside ``jax.shard_map``; median wall time of the compiled call (compile excluded),
  and the ratios ring / psum for the default schedule (noise-free links: XLA's reduce-scatter
  + all-gather of the ring's words) and the hop-by-hop schedule (one ``ppermute`` per ring
  step, what a noisy link needs). The calls alternate within each repeat, so machine load
  hits all of them alike; the ratios are the numbers to read on a shared machine.
* Part 2: 16-bit fixed-point ring with a classical link, a noise-free superdense link (F = 1)
  and a noisy one (F = 0.9, which draws one uniform per received symbol); nanoseconds per
  payload bit (S = 16 P bits per worker) and overhead relative to the classical 16-bit link.

On a GPU machine the same script runs unchanged over ``jax.devices()`` if it has >= 4 devices
(set ``--platform gpu``); the CPU flag only forces host devices.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # this checkout's ccq

if "--platform" not in sys.argv or "cpu" in sys.argv:
    os.environ.setdefault("XLA_FLAGS", "--xla_force_host_platform_device_count=4")

import jax  # noqa: E402
import numpy as np  # noqa: E402
from jax.sharding import NamedSharding  # noqa: E402
from jax.sharding import PartitionSpec as P  # noqa: E402

from ccq.collectives import classical_link, ring_allreduce, superdense_link  # noqa: E402


def _timed(f, *args, repeats):
    jax.block_until_ready(f(*args))        # compile + warm up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        jax.block_until_ready(f(*args))
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def _timed_together(fns, *args, repeats):
    """Median time of each function, calls interleaved within every repeat."""
    for f in fns.values():
        jax.block_until_ready(f(*args))    # compile + warm up
    times = {k: [] for k in fns}
    for _ in range(repeats):
        for k, f in fns.items():
            t0 = time.perf_counter()
            jax.block_until_ready(f(*args))
            times[k].append(time.perf_counter() - t0)
    return {k: float(np.median(v)) for k, v in times.items()}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--min-exp", type=int, default=4)
    ap.add_argument("--max-exp", type=int, default=7)
    ap.add_argument("--sd-max-exp", type=int, default=6)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--platform", default="cpu")
    ap.add_argument("--csv", default=None)
    args = ap.parse_args(argv)
    devices = jax.devices(args.platform)[: args.workers]
    n = len(devices)
    mesh = jax.sharding.Mesh(np.array(devices), ("w",))
    spec = NamedSharding(mesh, P("w"))
    print(f"# {n} x {devices[0].platform} devices, jax {jax.__version__}")

    def shard(fn):
        return jax.jit(jax.shard_map(lambda v, k: fn(v[0], k)[None], mesh=mesh,
                                     in_specs=(P("w"), P()), out_specs=P("w")))

    rows = []
    fns = {"psum": shard(lambda v, k: jax.lax.psum(v, "w")),
           "ring": shard(lambda v, k: ring_allreduce(v, "w")),
           "hops": shard(lambda v, k: ring_allreduce(v, "w", schedule="hops"))}
    key = jax.random.key(0)
    print(f"{'entries':>10} {'psum ms':>10} {'ring ms':>10} {'hops ms':>10} {'ring/psum':>10} "
          f"{'hops/psum':>10}")
    for e in range(args.min_exp, args.max_exp + 1):
        p = 10**e
        x = jax.device_put(jax.random.normal(key, (n, p)), spec)
        t = _timed_together(fns, x, key, repeats=args.repeats)
        rows.append(("psum_vs_ring", p, t["psum"], t["ring"], t["ring"] / t["psum"]))
        rows.append(("psum_vs_ring_hops", p, t["psum"], t["hops"], t["hops"] / t["psum"]))
        print(f"{p:>10} {t['psum'] * 1e3:>10.3f} {t['ring'] * 1e3:>10.3f} "
              f"{t['hops'] * 1e3:>10.3f} {t['ring'] / t['psum']:>10.2f} "
              f"{t['hops'] / t['psum']:>10.2f}")

    links = {"classical-16": classical_link(bits=16), "superdense F=1": superdense_link(1.0),
             "superdense F=0.9": superdense_link(0.9)}
    fns = {name: shard(lambda v, k, link=link: ring_allreduce(v, "w", link, key=k))
           for name, link in links.items()}
    print(f"\n{'entries':>10} {'link':>18} {'ns/bit':>10} {'x classical-16':>15}")
    for e in range(4, args.sd_max_exp + 1):
        p = 10**e
        x = jax.device_put(jax.random.normal(key, (n, p)), spec)
        base = None
        for name, f in fns.items():
            t = _timed(f, x, key, repeats=args.repeats)
            per_bit = t / (16 * p) * 1e9
            base = base or t
            rows.append((name, p, base, t, t / base))
            print(f"{p:>10} {name:>18} {per_bit:>10.3f} {t / base:>15.2f}")
    if args.csv:
        with open(args.csv, "w") as fh:
            fh.write("what,entries,baseline_s,seconds,ratio\n")
            for r in rows:
                fh.write(",".join(str(v) for v in r) + "\n")


if __name__ == "__main__":
    main()
