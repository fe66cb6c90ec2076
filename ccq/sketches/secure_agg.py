"""Classical secure aggregation with real cryptography, with the GHZ protocols' cost accounting.

Two comparators for :mod:`ccq.protocols.ghz_key` (see ``docs/secure_aggregation.md``):

* :func:`pairwise_mask_aggregate`: Bonawitz et al. (CCS 2017, arXiv 1611.04482). Every round
  each user makes a fresh X25519 key pair for masking; each pair of users agrees on a shared
  secret (X25519), derives a ChaCha20 key from it with HKDF-SHA256 salted by the **round id**
  and labelled by the ordered pair, and expands it into a mask that one adds and the other
  subtracts; each user also adds a self-mask from a fresh 256-bit seed. Both the masking key and
  the self-mask seed are Shamir-shared (threshold t) so the server can remove the masks of users
  who drop out. Security is **computational** (X25519 + HKDF + ChaCha20), against an
  honest-but-curious server colluding with fewer than t users. Simulated, stated: the encrypted
  share delivery through the server is private delivery (its AEAD overhead is charged).
* :func:`otp_aggregate`: pre-shared zero-sum one-time pads (a dealer, or keys from a previous
  phase, gives user i a pad ``r_i`` with ``sum r_i = 0 mod R``); user i sends ``x_i + r_i mod R``.
  **Information-theoretic** against the aggregator plus any N-2 users, at the price of
  ``P log2 R`` bits of fresh secret key per user per aggregation; no dropout tolerance.

Randomness: every secret comes from ``os.urandom`` unless the caller passes ``seed`` (bytes)
explicitly. With a seed, every secret is HKDF-SHA256(seed, label) and ChaCha20 streams keyed by
it: reproducible, and **insecure** (whoever knows the seed knows every input); experiments that
need reproducible numbers use it and say so. ``round_id`` (bytes or int) is mixed into every
derived secret and mask, so two rounds never reuse a mask.

Both aggregate b-bit vectors exactly modulo ``R = 2^r``, ``r = ceil(log2(N (2^b - 1) + 1))``.
This module never imports the quantum simulator.
"""

from __future__ import annotations

import math
import os

import numpy as np
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .._core import Cost, Outcome, check_int

__all__ = [
    "SECURITY",
    "modulus_bits",
    "Secrets",
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

FIELD = 2**521 - 1          # Mersenne prime: the Shamir field (secrets are 256-bit)
KEY_BITS = 256              # X25519 public keys, 256-bit secrets and shares
AEAD_BITS = 224             # AES-GCM nonce + tag per encrypted share pair
ROUNDS_PAIRWISE = 7         # keys up, keys down, shares up, shares down, masked up,
                            # survivor list down, unmasking shares up

SECURITY = {
    "ghz_key": "information-theoretic, composable eps (finite-key bound, coherent attacks), "
               "against an untrusted source and an eavesdropper; needs GHZ copies, a public "
               "authenticated channel (pre-shared Wegman-Carter key) and a short pre-shared "
               "zero-sum key for the padded checks (recycled)",
    "pairwise_mask": "computational (X25519 + HKDF + ChaCha20), honest-but-curious server "
                     "colluding with < t users; tolerates dropouts of up to N - t users; no "
                     "pre-shared secrets",
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


def _check_x(x, n: int, b: int) -> np.ndarray:
    if np.ndim(x) != 2 or np.shape(x)[0] != n or np.shape(x)[1] < 1:
        raise ValueError(f"x must have shape (N={n}, P) with P >= 1, got shape {np.shape(x)}")
    arr = np.asarray(x)
    if not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"x must hold integers, got dtype {arr.dtype}")
    bad = (arr < 0) | (arr >= 2**b)
    if bad.any():
        idx = tuple(np.argwhere(bad)[0].tolist())
        raise ValueError(f"x values must lie in [0, {2**b}), got {arr[idx]} at {idx}")
    return arr.astype(np.int64)


def _round_bytes(round_id) -> bytes:
    if isinstance(round_id, bytes | bytearray) and len(round_id) > 0:
        return bytes(round_id)
    if isinstance(round_id, int | np.integer) and not isinstance(round_id, bool) and round_id >= 0:
        return int(round_id).to_bytes(16, "big")
    raise ValueError(f"round_id must be non-empty bytes or an int >= 0, got {round_id!r}")


# ---------------------------------------------------------------- primitives


def _hkdf(key: bytes, info: bytes, salt: bytes | None = None, length: int = 32) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(key)


def _chacha_stream(key32: bytes, n_bytes: int) -> bytes:
    """ChaCha20 keystream (zero nonce: every key here is used for one stream only)."""
    enc = Cipher(algorithms.ChaCha20(key32, b"\x00" * 16), mode=None).encryptor()
    return enc.update(b"\x00" * n_bytes)


class Secrets:
    """Where secrets come from: ``os.urandom`` (default) or, with ``seed``, HKDF of the seed.

    Args:
        seed: None for operating-system randomness; bytes for a reproducible and **insecure**
            mode (every secret is a function of the seed and its label).

    Examples:
        >>> Secrets(b"demo").bytes(b"x") == Secrets(b"demo").bytes(b"x")
        True
        >>> Secrets().bytes(b"x") == Secrets().bytes(b"x")
        False
    """

    def __init__(self, seed: bytes | None = None):
        if seed is not None and not (isinstance(seed, bytes) and len(seed) > 0):
            raise ValueError(f"seed must be None (OS randomness) or non-empty bytes, got {seed!r}")
        self.seed = seed

    def bytes(self, label: bytes, n: int = 32) -> bytes:
        if self.seed is None:
            return os.urandom(n)
        return _chacha_stream(_hkdf(self.seed, b"ccq secrets|" + label), n)

    def integer(self, label: bytes, bits: int = KEY_BITS) -> int:
        return int.from_bytes(self.bytes(label, -(-bits // 8)), "big") >> (-bits % 8)


def shamir_share(secret: int, t: int, n: int, secrets: Secrets, label: bytes = b"")\
        -> list[tuple[int, int]]:
    """Shares ``(i, p(i))``, i = 1..n, of a random degree t-1 polynomial with ``p(0) = secret``.

    Examples:
        >>> shares = shamir_share(42, 2, 3, Secrets(b"demo"))
        >>> shamir_reconstruct(shares[1:], 2)
        42
    """
    n = check_int(n, "n", minimum=1)
    t = check_int(t, "t", minimum=1, maximum=n)
    if not 0 <= secret < FIELD:
        raise ValueError(f"secret must lie in [0, 2^521 - 1), got {secret}")
    coeffs = [secret] + [secrets.integer(label + b"|coef%d" % j, 528) % FIELD
                         for j in range(1, t)]
    return [(i, sum(c * pow(i, j, FIELD) for j, c in enumerate(coeffs)) % FIELD)
            for i in range(1, n + 1)]


def shamir_reconstruct(shares, t: int) -> int:
    """Lagrange interpolation at 0 over GF(2^521 - 1) from at least ``t`` distinct shares.

    Raises:
        ValueError: fewer than t shares, a repeated x-coordinate, or an x-coordinate outside
            ``[1, 2^521 - 1)`` (x = 0 would be the secret itself).

    Examples:
        >>> shamir_reconstruct([(1, 5), (1, 5)], 2)
        Traceback (most recent call last):
        ...
        ValueError: Shamir shares must have distinct x-coordinates, got [1, 1]
    """
    t = check_int(t, "t", minimum=1)
    shares = list(shares)
    xs = [int(i) for i, _ in shares]
    if len(set(xs)) != len(xs):
        raise ValueError(f"Shamir shares must have distinct x-coordinates, got {xs}")
    if len(shares) < t:
        raise ValueError(f"need at least t={t} shares to reconstruct, got {len(shares)}")
    if any(not 0 < i < FIELD for i in xs):
        raise ValueError(f"Shamir x-coordinates must lie in [1, 2^521 - 1), got {xs}")
    total = 0
    for i, yi in shares:
        num, den = 1, 1
        for j, _ in shares:
            if j != i:
                num = num * (-j) % FIELD
                den = den * (i - j) % FIELD
        total = (total + yi * num * pow(den, -1, FIELD)) % FIELD
    return total


def prg_mask(key32: bytes, p: int, r: int) -> np.ndarray:
    """ChaCha20 expansion of a 32-byte key into ``p`` uniform integers mod ``2^r`` (int64).

    Uniform because 2^r divides 2^32 (each entry is 4 keystream bytes, masked to r bits).

    Examples:
        >>> k = bytes(32)
        >>> prg_mask(k, 4, 8).tolist() == prg_mask(k, 4, 8).tolist()
        True
    """
    if not (isinstance(key32, bytes) and len(key32) == 32):
        raise ValueError("prg_mask needs a 32-byte key")
    if not 1 <= r <= 32:
        raise ValueError(f"r must lie in [1, 32], got {r}")
    raw = _chacha_stream(key32, 4 * check_int(p, "p", minimum=1))
    return np.frombuffer(raw, dtype="<u4").astype(np.int64) & ((1 << r) - 1)


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


def _raw(priv: X25519PrivateKey) -> bytes:
    return priv.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                              serialization.NoEncryption())


def _pair_mask(priv: X25519PrivateKey, pub: X25519PublicKey, u: int, v: int, rnd: bytes,
               p: int, r: int) -> np.ndarray:
    """The mask of the unordered pair {u, v} (same value from either side)."""
    shared = priv.exchange(pub)
    lo, hi = min(u, v), max(u, v)
    key = _hkdf(shared, b"ccq pairwise mask|%d|%d" % (lo, hi), salt=rnd)
    return prg_mask(key, p, r)


def pairwise_mask_aggregate(b: int, n_parties: int, *, threshold: int | None = None):
    """Bonawitz-style secure aggregation of N b-bit vectors (numpy; not jittable).

    Args:
        b: bits per entry.
        n_parties: N.
        threshold: Shamir threshold t (default ``N // 2 + 1``); at least t users must
            survive, and the server with fewer than t colluding users learns only the sum.

    Returns:
        ``fn(x, *, round_id, dropped=(), seed=None) -> Outcome``: ``x`` int of shape (N, P) in
        ``[0, 2^b)``; users in ``dropped`` share their keys but never send a masked vector;
        ``seed`` None draws every secret from ``os.urandom`` (bytes: reproducible, insecure).
        ``answer`` is the exact sum over surviving users; ``info`` holds the server's view
        (``masked``: the masked vectors, dropped rows zero; ``opened``: the same with the
        self-masks removed, which the server can compute after unmasking) and ``survivors``.

    Raises:
        ValueError: bad shapes/values/round id, or fewer than t survivors.

    Examples:
        >>> import numpy as np
        >>> x = np.array([[1, 2], [3, 0], [2, 2], [0, 1]])
        >>> out = pairwise_mask_aggregate(2, 4)(x, round_id=1, dropped=(2,))
        >>> out.answer.tolist(), out.cost.rounds
        ([4, 3], 7)
    """
    n = check_int(n_parties, "n_parties", minimum=2)
    r = modulus_bits(b, n)
    t = n // 2 + 1 if threshold is None else check_int(threshold, "threshold", minimum=1,
                                                      maximum=n)
    modulus = 1 << r

    def fn(x, *, round_id, dropped=(), seed: bytes | None = None) -> Outcome:
        xs = _check_x(x, n, b)
        rnd = _round_bytes(round_id)
        sec = Secrets(seed)
        p = xs.shape[1]
        drop = sorted({check_int(u, "dropped user", minimum=0, maximum=n - 1) for u in dropped})
        survivors = [u for u in range(n) if u not in drop]
        if len(survivors) < t:
            raise ValueError(f"{len(survivors)} survivors is below the threshold t={t}")
        # round 0: fresh masking key pairs; round 1: Shamir shares of the key and the seed
        sk = [X25519PrivateKey.from_private_bytes(sec.bytes(b"sk|%d|" % u + rnd))
              for u in range(n)]
        pk = [s.public_key() for s in sk]
        self_seed = [sec.bytes(b"self|%d|" % u + rnd) for u in range(n)]
        sk_shares = [shamir_share(int.from_bytes(_raw(sk[u]), "big"), t, n, sec,
                                  b"shs|%d|" % u + rnd) for u in range(n)]
        b_shares = [shamir_share(int.from_bytes(self_seed[u], "big"), t, n, sec,
                                 b"shb|%d|" % u + rnd) for u in range(n)]
        # round 2: masked inputs
        masked = np.zeros((n, p), np.int64)
        for u in survivors:
            y = xs[u] + prg_mask(_hkdf(self_seed[u], b"ccq self mask", salt=rnd), p, r)
            for v in range(n):
                if v != u:
                    m = _pair_mask(sk[u], pk[v], u, v, rnd, p, r)
                    y = y + m if u < v else y - m
            masked[u] = y % modulus
        # round 3: unmasking from t shares held by survivors
        holders = survivors[:t]
        z = masked[survivors].sum(axis=0)
        opened = np.zeros((n, p), np.int64)         # masked minus the self-mask the server learns
        for u in survivors:
            seed_u = shamir_reconstruct([b_shares[u][h] for h in holders], t).to_bytes(32, "big")
            self_mask = prg_mask(_hkdf(seed_u, b"ccq self mask", salt=rnd), p, r)
            z -= self_mask
            opened[u] = (masked[u] - self_mask) % modulus
        for u in drop:
            sk_u = X25519PrivateKey.from_private_bytes(
                shamir_reconstruct([sk_shares[u][h] for h in holders], t).to_bytes(32, "big"))
            for v in survivors:
                m_uv = _pair_mask(sk_u, pk[v], u, v, rnd, p, r)
                z = z - m_uv if v < u else z + m_uv  # v added +mask(v,u) when v < u
        alive = np.zeros(n, bool)
        alive[survivors] = True
        return Outcome(np.asarray(z % modulus), pairwise_mask_cost(n, p, b),
                       {"masked": masked, "opened": opened, "survivors": alive})

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


def otp_aggregate(b: int, n_parties: int):
    """Aggregation with pre-shared zero-sum one-time pads (numpy).

    Returns:
        ``fn(x, *, round_id, seed=None) -> Outcome``: the dealer draws the pads (offline) from
        ``os.urandom`` (or, with ``seed``, a ChaCha20 stream: reproducible, insecure) for
        this ``round_id``; ``x`` int (N, P); ``answer`` the exact sum, ``info["masked"]`` what
        the aggregator sees.

    Examples:
        >>> import numpy as np
        >>> out = otp_aggregate(3, 3)(np.array([[7, 1], [7, 0], [7, 5]]), round_id=0)
        >>> out.answer.tolist()
        [21, 6]
    """
    n = check_int(n_parties, "n_parties", minimum=2)
    r = modulus_bits(b, n)
    modulus = 1 << r

    def fn(x, *, round_id, seed: bytes | None = None) -> Outcome:
        xs = _check_x(x, n, b)
        rnd = _round_bytes(round_id)
        sec = Secrets(seed)
        p = xs.shape[1]
        free = np.stack([prg_mask(sec.bytes(b"otp|%d|" % u + rnd), p, r) for u in range(n - 1)])
        pads = np.concatenate([free, (-free.sum(axis=0) % modulus)[None]], axis=0)
        masked = (xs + pads) % modulus
        return Outcome(masked.sum(axis=0) % modulus, otp_cost(n, p, b), {"masked": masked})

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
