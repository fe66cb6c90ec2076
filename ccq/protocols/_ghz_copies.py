"""Measurement outcomes of GHZ_d copies for the key protocol: circuit and structured samplers.

One copy is measured by all N parties either in the Z basis (a test copy: ideally all outcomes
equal) or in the Fourier basis (a key copy: ideally the outcomes sum to 0 mod d). A copy is
honest GHZ_d, or, with probability ``strength``, attacked (the branch is known to Eve):

* ``"eavesdropper"``: party 0 holds half of a maximally entangled pair with Eve, the others
  share GHZ_{N-1} (the 1/m attack that breaks direct encoding): Eve learns party 0's Fourier
  outcome; Z tests see party 0 uncorrelated; the Fourier outcomes no longer sum to 0.
* ``"intercept_resend"``: Eve measures party 0's share in the Fourier basis and resends the
  eigenstate: she learns party 0's key symbol, the zero sum survives, Z tests see party 0
  uncorrelated (error rate 1 - 1/d on attacked test copies).
* ``"intercept_resend_z"``: Eve measures party 0 in Z: she learns nothing about the key, and
  the Fourier outcomes become uniform (a correctness attack).

Afterwards every share independently suffers, with probability ``noise``, a uniformly random
non-identity Pauli ``X^a Z^b`` (``X^a`` shifts Z outcomes by a; ``Z^b`` shifts Fourier outcomes
by b). ``noise`` may instead be a tuple of Pauli components (:mod:`._noise_laws`, from a
:class:`ccq.noise.Noise`): the shares then suffer their composed Pauli channel. Two samplers
with the same distribution (``tests/test_ghz_key.py`` compares the exact
tables): ``"statevector"`` builds the density matrix with :mod:`._qudit` (noise as a channel)
and samples its diagonal in the measured basis; ``"structured"`` draws the outcomes directly.
"""

from __future__ import annotations

import itertools

import jax
import jax.numpy as jnp
import numpy as np

from . import _noise_laws, _qudit

ATTACKS = ("none", "eavesdropper", "intercept_resend", "intercept_resend_z")
BASES = ("z", "fourier")
STATEVECTOR_MAX_DIM = 2**8      # d**N: the density matrix has d**(2N) entries


def _pauli(d: int, a: int, b: int) -> np.ndarray:
    shift = np.roll(np.eye(d), a, axis=0)                 # X^a |k> = |k + a>
    return np.diag(_qudit.clock(d, b)) @ shift             # Z^b X^a (phase irrelevant)


def _depolarise(rho, d: int, n: int, noise: float):
    for axis in range(n):
        acc = (1 - noise) * rho
        for a, b in itertools.product(range(d), repeat=2):
            if (a, b) != (0, 0):
                acc = acc + noise / (d * d - 1) * _qudit.apply_one_dm(rho, _pauli(d, a, b), axis)
        rho = acc
    return rho


def pauli_channel(rho, d: int, n: int, table):
    """Every share suffers ``X^a Z^b`` with probability ``table[a, b]`` (density path)."""
    table = np.asarray(table, float)
    for axis in range(n):
        acc = table[0, 0] * rho
        for a, b in itertools.product(range(d), repeat=2):
            if (a, b) != (0, 0) and table[a, b]:
                acc = acc + table[a, b] * _qudit.apply_one_dm(rho, _pauli(d, a, b), axis)
        rho = acc
    return rho


def branch_density(n: int, d: int, attacked: bool, attack: str) -> np.ndarray:
    """The parties' density tensor for one copy in the honest or the attacked branch."""
    ghz = _qudit.density(_qudit.ghz_state(n, d))
    if not attacked or attack == "none":
        return ghz
    if attack == "eavesdropper":
        rest = _qudit.ghz_state(n - 1, d) if n > 2 else np.full(d, 1 / np.sqrt(d))
        return np.multiply.outer(np.eye(d) / d, _qudit.density(rest)).transpose(
            [0] + list(range(2, n + 1)) + [1] + list(range(n + 1, 2 * n)))
    basis = _qudit.fourier(d) if attack == "intercept_resend" else np.eye(d)
    out = np.zeros_like(ghz)
    for j in range(d):
        proj = np.outer(basis[:, j], basis[:, j].conj())
        out = out + _qudit.apply_one_dm(ghz, proj, 0)
    return out


def statevector_table(n: int, d: int, basis: str, attacked: bool, attack: str,
                      noise: float) -> np.ndarray:
    """Exact outcome distribution, shape ``(d,)*N``, from the density matrix (the circuit)."""
    rho = branch_density(n, d, attacked, attack)
    if isinstance(noise, tuple):
        rho = pauli_channel(rho, d, n, _noise_laws.ghz_pauli_table(noise, d))
    else:
        rho = _depolarise(rho, d, n, noise)
    if basis == "fourier":
        rho = _qudit.fourier_dm(rho, range(n))
    return np.clip(_qudit.diag_probabilities(rho), 0.0, None)


def _structured_outcomes(u, free, a, b, noise_hit, attacked, attack: str, basis: str, d: int):
    """The structured sampler's deterministic part; arrays have a leading copies axis."""
    n = a.shape[-1]
    if basis == "z":
        out = jnp.broadcast_to(u[..., None], a.shape)
        if attack in ("eavesdropper", "intercept_resend"):
            out = out.at[..., 0].set(jnp.where(attacked, free[..., 0], out[..., 0]))
        shift = a
    else:
        last = (-_sum_mod(free[..., : n - 1], d)) % d
        honest = jnp.concatenate([free[..., : n - 1], last[..., None]], axis=-1)
        out = honest
        if attack == "eavesdropper":           # party 0 uniform, the rest sum to 0 alone
            rest_last = (-_sum_mod(free[..., 1: n - 1], d)) % d
            att = jnp.concatenate([free[..., : n - 1], rest_last[..., None]], axis=-1)
            out = jnp.where(attacked[..., None], att, honest)
        elif attack == "intercept_resend_z":   # a Z eigenstate: Fourier outcomes uniform
            out = jnp.where(attacked[..., None], free, honest)
        shift = b
    return ((out % d) + jnp.where(noise_hit, shift, 0)) % d


def _sum_mod(v, d: int):
    """Sum over the last axis mod d without int32 overflow (pairwise, d <= 2**30)."""
    if v.shape[-1] == 0:
        return jnp.zeros(v.shape[:-1], v.dtype)
    v = v % d
    while v.shape[-1] > 1:
        if v.shape[-1] % 2:
            v = jnp.concatenate([v, jnp.zeros_like(v[..., :1])], axis=-1)
        v = (v[..., 0::2] + v[..., 1::2]) % d
    return v[..., 0]


def structured_table(n: int, d: int, basis: str, attacked: bool, attack: str,
                     noise: float) -> np.ndarray:
    """Exact distribution of the structured sampler, by pushing all its coins through it.

    Enumerates every Pauli pattern (identity with weight 1 - noise, each other pair with
    noise / (d^2 - 1), per share) and every value of the uniform coins, in one batch.
    """
    paulis = np.array([(a, b) for a in range(d) for b in range(d)])      # index 0: identity
    if isinstance(noise, tuple):
        w_one = _noise_laws.ghz_pauli_table(noise, d).reshape(-1)
    else:
        w_one = np.full(d * d, noise / (d * d - 1))
        w_one[0] = 1 - noise
    pat = np.array(list(itertools.product(range(d * d), repeat=n)))       # (d^2n, n)
    coins = np.array(list(itertools.product(range(d), repeat=n + 1)))      # (d^(n+1), n+1)
    w = np.prod(w_one[pat], axis=1)[:, None] / d ** (n + 1)
    pat = np.repeat(pat, len(coins), axis=0)
    coins = np.tile(coins, (len(w), 1))
    out = _structured_outcomes(jnp.asarray(coins[:, 0]), jnp.asarray(coins[:, 1:]),
                               jnp.asarray(paulis[pat, 0]), jnp.asarray(paulis[pat, 1]),
                               jnp.ones(pat.shape, bool), jnp.full(len(pat), attacked),
                               attack, basis, d)
    table = np.zeros((d,) * n)
    np.add.at(table, tuple(np.asarray(out).T), np.repeat(w, d ** (n + 1)))
    return table


def sample(key, n: int, d: int, basis, attacked, attack: str, noise: float, method: str):
    """Outcomes of every copy, shape (copies, N); ``basis``/``attacked`` bool arrays (copies,).

    ``basis`` is True for Fourier (key) copies, False for Z (test) copies.
    """
    copies = basis.shape[0]
    if method == "statevector":
        tables = {}
        for bas, att in itertools.product((False, True), repeat=2):
            t = statevector_table(n, d, "fourier" if bas else "z", att, attack, noise)
            tables[(bas, att)] = jnp.log(jnp.asarray(t.reshape(-1), jnp.float32) + 1e-30)
        which = 2 * basis.astype(jnp.int32) + attacked.astype(jnp.int32)
        logits = jnp.stack([tables[(False, False)], tables[(False, True)],
                            tables[(True, False)], tables[(True, True)]])[which]
        idx = jax.random.categorical(key, logits)
        return jnp.stack(jnp.unravel_index(idx, (d,) * n), axis=-1).astype(jnp.int32)
    k_u, k_free, k_hit, k_pauli = jax.random.split(key, 4)
    u = jax.random.randint(k_u, (copies,), 0, d, dtype=jnp.int32)
    free = jax.random.randint(k_free, (copies, n), 0, d, dtype=jnp.int32)
    if isinstance(noise, tuple):
        a, b = _noise_laws.sample_paulis(k_pauli, noise, d, (copies, n))
        hit = jnp.ones((copies, n), bool)
        z = _structured_outcomes(u, free, a, b, hit, attacked, attack, "z", d)
        f = _structured_outcomes(u, free, a, b, hit, attacked, attack, "fourier", d)
        return jnp.where(basis[:, None], f, z)
    hit = jax.random.bernoulli(k_hit, noise, (copies, n))
    # (a, b) uniform over the d^2 - 1 non-identity pairs: a = 0 w.p. 1/(d + 1), then b != 0
    k_a0, k_a, k_b = jax.random.split(k_pauli, 3)
    a_zero = jax.random.bernoulli(k_a0, 1 / (d + 1), (copies, n))
    a = jnp.where(a_zero, 0, jax.random.randint(k_a, (copies, n), 1, d, dtype=jnp.int32))
    b = jnp.where(a_zero, jax.random.randint(k_b, (copies, n), 1, d, dtype=jnp.int32),
                  jax.random.randint(k_b, (copies, n), 0, d, dtype=jnp.int32))
    z = _structured_outcomes(u, free, a, b, hit, attacked, attack, "z", d)
    f = _structured_outcomes(u, free, a, b, hit, attacked, attack, "fourier", d)
    return jnp.where(basis[:, None], f, z)
