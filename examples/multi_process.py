"""Run on many devices, or several processes, with ``jax.distributed``.

Everything in ccq is written against a mesh axis, so the same code runs on one CPU, on every GPU of
one machine, or on several machines. This script starts two processes on this machine (one CPU
device each, talking over loopback with gloo) and all-reduces across them with ccq's ring. On a
cluster, start one process per host with the coordinator's address instead (on GPUs leave out
``jax_cpu_collectives_implementation``; ``jax.distributed.initialize()`` with no arguments reads
SLURM or Cloud TPU settings). Run: ``python examples/multi_process.py``.
"""

import json
import os
import socket
import subprocess
import sys


def worker(pid: int, n_proc: int, port: int) -> None:
    os.environ["XLA_FLAGS"] = "--xla_force_host_platform_device_count=1"
    import jax

    jax.config.update("jax_cpu_collectives_implementation", "gloo")
    jax.distributed.initialize(coordinator_address=f"127.0.0.1:{port}", num_processes=n_proc,
                               process_id=pid, initialization_timeout=60)
    import jax.numpy as jnp
    import numpy as np
    from jax.sharding import NamedSharding
    from jax.sharding import PartitionSpec as P

    from ccq.collectives import ring_allreduce

    mesh = jax.make_mesh((jax.device_count(),), ("w",))      # every device of every process
    local = jnp.arange(5.0)[None] * (pid + 1)                 # this process's gradient shard
    x = jax.make_array_from_process_local_data(NamedSharding(mesh, P("w")), local)
    f = jax.jit(jax.shard_map(lambda v: ring_allreduce(v, "w", "superdense"),
                              mesh=mesh, in_specs=P("w"), out_specs=P("w")))
    y = f(x)
    print(json.dumps({"pid": pid, "devices": jax.device_count(),
                      "sum": np.asarray(y.addressable_shards[0].data).ravel().tolist()}),
          flush=True)
    jax.distributed.shutdown()


def launch(n_proc: int = 2) -> list[dict]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "JAX_PLATFORMS": "cpu"}
    env.pop("XLA_FLAGS", None)
    procs = [subprocess.Popen([sys.executable, __file__, "--worker", str(i), str(n_proc),
                               str(port)], env=env, stdout=subprocess.PIPE, text=True)
             for i in range(n_proc)]
    outs = []
    for p in procs:
        stdout, _ = p.communicate(timeout=180)
        if p.returncode:
            raise SystemExit(f"worker exited with {p.returncode}")
        outs.append(json.loads(stdout.strip().splitlines()[-1]))
    return outs


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        worker(*map(int, sys.argv[2:5]))
    else:
        for out in launch():
            # 0..4 times (1 + 2): both processes hold the same sum (16-bit fixed point)
            print(out)
