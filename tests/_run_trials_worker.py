"""Subprocess of tests/test_compress_regressions.py: ``run_trials`` on DEVICES forced CPU
devices for every n that hypothesis draws; prints "ok N_EXAMPLES" or raises.

Usage: ``python tests/_run_trials_worker.py DEVICES``. Everything runs under ``main`` so that
pytest's doctest collection can import this file without side effects.
"""

import os
import sys


def main(devices: int) -> None:
    os.environ["XLA_FLAGS"] = f"--xla_force_host_platform_device_count={devices}"
    import jax
    import numpy as np
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from ccq.experiment import run_trials

    def draw(k):
        return jax.random.uniform(k)

    seen = []

    @settings(max_examples=15, deadline=None, derandomize=True)
    @given(st.one_of(st.integers(1, 17), st.integers(18, 300)))
    def check(n):
        key = jax.random.key(11)
        out = run_trials(draw, key, n)
        want = jax.vmap(draw)(jax.random.split(key, n))   # same keys, no devices involved
        assert out.shape == (n,), (n, out.shape)
        np.testing.assert_array_equal(np.asarray(out), np.asarray(want))
        seen.append(n)

    assert len(jax.devices()) == devices
    check()
    print("ok", len(seen), flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]))
