"""One process of the 2-process ``jax.distributed`` training test in tests/test_train_sharded.py.

Usage: ``python tests/_train_distributed_worker.py PROCESS_ID PORT``; prints one JSON line.
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
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from test_train_sharded import run_lq_sgd  # the exact run the one-process test makes

    rows = run_lq_sgd(jax.make_mesh((2,), ("data",)))
    print(json.dumps({"pid": pid, "devices": jax.device_count(), "rows": rows}), flush=True)
    jax.distributed.shutdown()


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
