"""Shared input generators for experiments (pure functions of a key)."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from ccq.sim import complex_dtype


def random_state(key, dim: int):
    """A Haar-random pure state of dimension ``dim``."""
    kr, ki = jax.random.split(key)
    z = (jax.random.normal(kr, (dim,)) + 1j * jax.random.normal(ki, (dim,))).astype(
        complex_dtype()
    )
    return z / jnp.linalg.norm(z)


def state_pair_with_overlap(key, dim: int, overlap):
    """Random ``psi, phi`` with ``|<psi|phi>|^2 = overlap`` exactly (up to rounding)."""
    k1, k2 = jax.random.split(key)
    psi = random_state(k1, dim)
    other = random_state(k2, dim)
    perp = other - jnp.vdot(psi, other) * psi
    perp = perp / jnp.linalg.norm(perp)
    return psi, jnp.sqrt(overlap) * psi + jnp.sqrt(1 - overlap) * perp
