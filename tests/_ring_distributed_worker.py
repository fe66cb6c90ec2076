"""One process of the 2-process ``jax.distributed`` loopback test in tests/test_ring.py.

Usage: ``python tests/_ring_distributed_worker.py PROCESS_ID PORT``; prints one JSON line.
"""

import json
import os
import sys


def main(pid: int, port: int) -> None:
    os.environ["XLA_FLAGS"] = "--xla_force_host_platform_device_count=1"
    import jax

    jax.config.update("jax_cpu_collectives_implementation", "gloo")
    jax.distributed.initialize(coordinator_address=f"127.0.0.1:{port}", num_processes=2,
                               process_id=pid, initialization_timeout=60)
    import jax.numpy as jnp
    import numpy as np
    from jax.sharding import NamedSharding
    from jax.sharding import PartitionSpec as P

    from ccq.collectives import ring_allreduce, superdense_link

    mesh = jax.make_mesh((2,), ("w",))
    sharding = NamedSharding(mesh, P("w"))
    ints = jax.make_array_from_process_local_data(
        sharding, (jnp.arange(7, dtype=jnp.int32) * (pid + 1) - 3)[None])
    floats = jax.make_array_from_process_local_data(
        sharding, jax.random.normal(jax.random.key(pid), (1, 11)))

    def run(fn, x, *extra, in_extra=()):
        f = jax.shard_map(fn, mesh=mesh, in_specs=(P("w"), *in_extra), out_specs=P("w"))
        y = jax.jit(f)(x, *extra)
        return [np.asarray(s.data).tolist() for s in y.addressable_shards]

    out = {
        "pid": pid,
        "ring_int": run(lambda v: ring_allreduce(v, "w"), ints),
        "psum_int": run(lambda v: jax.lax.psum(v, "w"), ints),
        "ring_float": run(lambda v: ring_allreduce(v, "w"), floats),
        "psum_float": run(lambda v: jax.lax.psum(v, "w"), floats),
        "superdense_noisy": run(
            lambda v, k: ring_allreduce(v, "w", superdense_link(0.9, bits=12), key=k),
            floats, jax.random.key(5), in_extra=(P(),)),
    }
    print(json.dumps(out), flush=True)
    jax.distributed.shutdown()


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
