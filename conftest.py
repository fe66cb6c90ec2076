"""Test settings shared by every test, doctest and proof.

* 4 forced CPU devices, so multi-device code (trial sharding, collectives) is exercised on any
  machine; set before JAX is imported.
* strict JAX: implicit rank promotion raises.
* hypothesis profiles: ``dev`` (default) and ``ci`` (derandomized, chosen when CI is set);
  no deadline, since the first example of a test pays for JIT compilation.
"""

import os

os.environ.setdefault("XLA_FLAGS", "--xla_force_host_platform_device_count=4")

import jax  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402

jax.config.update("jax_numpy_rank_promotion", "raise")

settings.register_profile(
    "dev", deadline=None, max_examples=25,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors],
)
settings.register_profile(
    "ci", deadline=None, max_examples=25, derandomize=True, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors],
)
settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "dev"))
