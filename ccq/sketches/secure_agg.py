"""Classical secure aggregation, with the same cost accounting as the GHZ secure sum.

Two comparators for :mod:`ccq.protocols.ghz` (see ``docs/secure_aggregation.md``):

* :func:`pairwise_mask_aggregate`: Bonawitz et al. (CCS 2017, arXiv 1611.04482) style.
  Each pair of users agrees on a seed by Diffie-Hellman, expands it with a cryptographic PRG
  (SHAKE-256) into a mask that one adds and the other subtracts; each user also adds a
  self-mask. Both secrets are Shamir-shared (threshold t) so the server can remove the masks
  of users who drop out after sharing. Security is **computational** (DH + PRG), against an
  honest-but-curious server colluding with fewer than t users.
  Simplifications, stated: the DH group is the toy group ``Z_q^*``, ``q = 2^521 - 1`` (a
  functional stand-in; costs are charged at X25519 sizes, 256-bit keys), and the encrypted
  share delivery through the server is simulated as private delivery (AEAD overhead charged).
* :func:`otp_aggregate`: pre-shared zero-sum one-time pads (a dealer, or pairwise keys from a
  previous phase, gives user i a pad ``r_i`` with ``sum r_i = 0 mod R``). Each user sends
  ``x_i + r_i mod R``. **Information-theoretic** against the aggregator plus any N-2 users,
  at the price of ``P log2 R`` bits of fresh secret key per user per aggregation; no dropout
  tolerance. The pads here are drawn from a JAX key, standing in for true randomness.

Both aggregate b-bit vectors exactly modulo ``R = 2^r``, ``r = ceil(log2(N (2^b - 1) + 1))``
(the same no-wrap-around rule as :func:`ccq.protocols.ghz.ghz_sum_vector`). This module never
imports the quantum simulator.
"""

from __future__ import annotations

import hashlib
import math

import jax
import jax.numpy as jnp
import numpy as np

from .._core import Cost, Outcome, check_int, check_key, is_concrete

__all__ = [
    "SECURITY",
    "modulus_bits",
    "shamir_share",
    "shamir_reconstruct",
    "prg_mask",
    "pairwise_mask_aggregate",
    "pairwise_mask_cost",
    "otp_aggregate",
    "otp_cost",
    "otp_key_bits",
    "otp_view_distribution",
]

FIELD = 2**521 - 1          # Mersenne prime: Shamir field and toy DH group
GENERATOR = 3
KEY_BITS = 256              # charged at X25519 / 256-bit secret sizes
AEAD_BITS = 224             # AES-GCM nonce + tag per encrypted share pair
ROUNDS_PAIRWISE = 7         # keys up, keys down, shares up, shares down, masked up,
                            # survivor list down, unmasking shares up

SECURITY = {
    "ghz_verified": "information-theoretic (composable eps from cut-and-choose), against an "
                    "untrusted source and any N-2 colluding parties; needs GHZ copies and a "
                    "public authenticated broadcast; no secret keys",
    "pairwise_mask": "computational (DH + PRG), honest-but-curious server colluding with < t "
                     "users; tolerates dropouts of up to N - t users; no pre-shared secrets",
    "otp": "information-theoretic against the aggregator plus any N-2 users; needs "
           "P log2 R bits of pre-shared secret key per user per aggregation; no dropouts",
}


def modulus_bits(b: int, n_parties: int) -> int:
    """Bits r of the aggregation modulus R = 2^r: the smallest with 2^r > N (2^b - 1).

    Examples:
        >>> modulus_bits(16, 1024)
        26
    """
    b = check_int(b, "b", minimum=1, maximum=24)
    n = check_int(n_parties, "n_parties", minimum=2)
    r = math.ceil(math.log2(n * (2**b - 1) + 1))
    if r > 30:
        raise ValueError(f"N (2^b - 1) must stay below 2**30, got N={n}, b={b}")
    return r


def _check_x(x, n: int, b: int):
    if np.ndim(x) != 2 or np.shape(x)[0] != n or np.shape(x)[1] < 1:
        raise ValueError(f"x must have shape (N={n}, P) with P >= 1, got shape {np.shape(x)}")
    if not jnp.issubdtype(jnp.asarray(x).dtype, jnp.integer):
        raise ValueError(f"x must hold integers, got dtype {jnp.asarray(x).dtype}")
    if is_concrete(x):
        arr = np.asarray(x)
        bad = (arr < 0) | (arr >= 2**b)
        if bad.any():
            idx = tuple(np.argwhere(bad)[0].tolist())
            raise ValueError(f"x values must lie in [0, {2**b}), got {arr[idx]} at {idx}")


# ---------------------------------------------------------------- primitives


def _randint(seed: bytes, label: bytes, bits: int = KEY_BITS) -> int:
    return int.from_bytes(hashlib.shake_256(seed + label).digest(bits // 8), "big")


def shamir_share(secret: int, t: int, n: int, seed: bytes) -> list[tuple[int, int]]:
    """Shares ``(i, p(i))``, i = 1..n, of a random degree t-1 polynomial with ``p(0) = secret``.

    Examples:
        >>> shares = shamir_share(42, 2, 3, b"demo")
        >>> shamir_reconstruct(shares[1:])
        42
    """
    t = check_int(t, "t", minimum=1, maximum=n)
    coeffs = [secret % FIELD] + [_randint(seed, b"coef%d" % j, 528) % FIELD for j in range(1, t)]
    return [(i, sum(c * pow(i, j, FIELD) for j, c in enumerate(coeffs)) % FIELD)
            for i in range(1, n + 1)]


def shamir_reconstruct(shares) -> int:
    """Lagrange interpolation at 0 over GF(2^521 - 1)."""
    total = 0
    for i, yi in shares:
        num, den = 1, 1
        for j, _ in shares:
            if j != i:
                num = num * (-j) % FIELD
                den = den * (i - j) % FIELD
        total = (total + yi * num * pow(den, -1, FIELD)) % FIELD
    return total


def prg_mask(seed: int, p: int, r: int) -> np.ndarray:
    """SHAKE-256 expansion of a seed into ``p`` uniform integers mod ``2^r`` (int64).

    Examples:
        >>> prg_mask(7, 4, 8).tolist() == prg_mask(7, 4, 8).tolist()
        True
    """
    raw = hashlib.shake_256(seed.to_bytes(66, "big") + b"mask").digest(4 * p)
    return (np.frombuffer(raw, dtype="<u4").astype(np.int64)) & ((1 << r) - 1)


def pairwise_mask_cost(n_parties: int, p: int, b: int) -> Cost:
    """Total communication of one pairwise-mask aggregation without dropouts (all users).

    Per user: masked vector ``P r``; 2 public keys up; all N users' key pairs down; N - 1
    encrypted share pairs out and N - 1 in; N - 1 shares at unmasking. Summed over users.

    Examples:
        >>> pairwise_mask_cost(4, 10, 8).rounds
        7
    """
    n = check_int(n_parties, "n_parties", minimum=2)
    p = check_int(p, "p", minimum=1)
    r = modulus_bits(b, n)
    per_user = (p * r + 2 * KEY_BITS + 2 * KEY_BITS * n
                + 2 * (n - 1) * (2 * KEY_BITS + AEAD_BITS) + (n - 1) * KEY_BITS)
    return Cost(bits=n * per_user, rounds=ROUNDS_PAIRWISE)


def pairwise_mask_aggregate(b: int, n_parties: int, *, threshold: int | None = None):
    """Bonawitz-style secure aggregation of N b-bit vectors (numpy; not jittable).

    Args:
        b: bits per entry.
        n_parties: N.
        threshold: Shamir threshold t (default ``N // 2 + 1``); at least t users must
            survive, and the server with fewer than t colluding users learns only the sum.

    Returns:
        ``fn(key, x, dropped=()) -> Outcome``: ``x`` int of shape (N, P) in ``[0, 2^b)``;
        users in ``dropped`` share their keys but never send a masked vector. ``answer`` is
        the exact sum over surviving users; ``info`` holds the server's view
        (``masked``: the masked vectors, dropped rows zero) and the ``survivors`` mask.

    Raises:
        ValueError: bad shapes/values, or fewer than t survivors.

    Examples:
        >>> import jax, numpy as np
        >>> x = np.array([[1, 2], [3, 0], [2, 2], [0, 1]])
        >>> out = pairwise_mask_aggregate(2, 4)(jax.random.key(0), x, dropped=(2,))
        >>> out.answer.tolist(), out.cost.rounds
        ([4, 3], 7)
    """
    n = check_int(n_parties, "n_parties", minimum=2)
    r = modulus_bits(b, n)
    t = n // 2 + 1 if threshold is None else check_int(threshold, "threshold", minimum=1,
                                                      maximum=n)
    modulus = 1 << r

    def fn(key, x, dropped=()) -> Outcome:
        check_key(key)
        _check_x(x, n, b)
        xs = np.asarray(x, dtype=np.int64)
        p = xs.shape[1]
        drop = sorted({check_int(u, "dropped user", minimum=0, maximum=n - 1) for u in dropped})
        survivors = [u for u in range(n) if u not in drop]
        if len(survivors) < t:
            raise ValueError(f"{len(survivors)} survivors is below the threshold t={t}")
        seed = np.asarray(jax.random.key_data(key)).tobytes()
        # round 0: key agreement material; round 1: Shamir shares of s_sk and b
        sk = [_randint(seed, b"sk%d" % u) for u in range(n)]
        pk = [pow(GENERATOR, s, FIELD) for s in sk]
        self_seed = [_randint(seed, b"self%d" % u) for u in range(n)]
        sk_shares = [shamir_share(sk[u], t, n, seed + b"shs%d" % u) for u in range(n)]
        b_shares = [shamir_share(self_seed[u], t, n, seed + b"shb%d" % u) for u in range(n)]

        def pair_mask(u, v):                      # the seed only u's sk and v's pk give
            return prg_mask(pow(pk[v], sk[u], FIELD), p, r)

        # round 2: masked inputs
        masked = np.zeros((n, p), np.int64)
        for u in survivors:
            y = xs[u] + prg_mask(self_seed[u], p, r)
            for v in range(n):
                if v != u:
                    y = y + pair_mask(u, v) if u < v else y - pair_mask(u, v)
            masked[u] = y % modulus
        # round 3: unmasking from t shares held by survivors
        holders = survivors[:t]
        z = masked[survivors].sum(axis=0)
        for u in survivors:
            seed_u = shamir_reconstruct([b_shares[u][h] for h in holders])
            z -= prg_mask(seed_u, p, r)
        for u in drop:
            sk_u = shamir_reconstruct([sk_shares[u][h] for h in holders])
            for v in survivors:
                m_uv = prg_mask(pow(pk[v], sk_u, FIELD), p, r)
                z = z - m_uv if v < u else z + m_uv  # v added +mask(v,u) when v < u
        alive = np.zeros(n, bool)
        alive[survivors] = True
        return Outcome(np.asarray(z % modulus), pairwise_mask_cost(n, p, b),
                       {"masked": masked, "survivors": alive})

    return fn


# ---------------------------------------------------------------- one-time pads


def otp_cost(n_parties: int, p: int, b: int) -> Cost:
    """One round, N padded vectors of P entries mod 2^r (key material: the same P r per user).

    Examples:
        >>> otp_cost(4, 10, 8)
        Cost(qubits=0, bits=400, ebits=0, rounds=1)
    """
    n = check_int(n_parties, "n_parties", minimum=2)
    return Cost(bits=n * check_int(p, "p", minimum=1) * modulus_bits(b, n), rounds=1)


def otp_key_bits(n_parties: int, p: int, b: int) -> int:
    """Pre-shared secret key bits per user per aggregation."""
    return check_int(p, "p", minimum=1) * modulus_bits(b, n_parties)


@jax.jit
def _otp_run(key, x, modulus):
    """Zero-sum pads (the last closes the sum), padded vectors, their sum; modulus traced."""
    n, p = x.shape
    free = jax.random.randint(key, (n - 1, p), 0, modulus, dtype=jnp.int32)
    # int32 sums may wrap mod 2**32: harmless, since R = 2**r divides 2**32
    last = (-jnp.sum(free, axis=0)) % modulus
    pads = jnp.concatenate([free, last[None]], axis=0)
    masked = (x.astype(jnp.int32) + pads) % modulus
    return masked, jnp.sum(masked, axis=0) % modulus


def otp_aggregate(b: int, n_parties: int):
    """Aggregation with pre-shared zero-sum one-time pads (JAX; jit- and vmap-friendly).

    Returns:
        ``fn(key, x) -> Outcome``: ``key`` draws the pads (offline), ``x`` int (N, P);
        ``answer`` the exact sum, ``info["masked"]`` what the aggregator sees.

    Examples:
        >>> import jax, jax.numpy as jnp
        >>> out = otp_aggregate(3, 3)(jax.random.key(0), jnp.array([[7, 1], [7, 0], [7, 5]]))
        >>> out.answer.tolist()
        [21, 6]
    """
    n = check_int(n_parties, "n_parties", minimum=2)
    modulus = 1 << modulus_bits(b, n)

    def fn(key, x) -> Outcome:
        check_key(key)
        _check_x(x, n, b)
        x = jnp.asarray(x)
        masked, total = _otp_run(key, x, jnp.int32(modulus))
        return Outcome(total, otp_cost(n, x.shape[1], b), {"masked": masked})

    return fn


def otp_view_distribution(x, modulus: int, coalition=()) -> dict:
    """Exact distribution of (the aggregator's view, the coalition's pads), one coordinate.

    Enumerates all zero-sum pads (``modulus^(N-1)``, each equally likely).

    Returns:
        dict mapping ``(masked tuple, coalition pads tuple)`` to its probability.
    """
    x = [int(v) for v in x]
    n = len(x)
    out: dict = {}
    w = 1.0 / modulus ** (n - 1)
    for free in np.ndindex(*(modulus,) * (n - 1)):
        pads = list(free) + [(-sum(free)) % modulus]
        view = (tuple((xi + ri) % modulus for xi, ri in zip(x, pads, strict=True)),
                tuple(pads[c] for c in coalition))
        out[view] = out.get(view, 0.0) + w
    return out
