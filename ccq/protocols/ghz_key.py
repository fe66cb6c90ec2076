"""GHZ secure aggregation as a key protocol: zero-sum keys from tested GHZ copies, then pads.

Protocol [standard QKD structure applied to GHZ_d, d prime; ``docs/secure_aggregation.md``]:

1. A source (untrusted) distributes ``copies`` GHZ_d copies to N parties.
2. Public coins choose ``n_test`` copies to test; all parties measure them in Z and announce;
   ``q_test`` = fraction whose outcomes are not all equal. Abort if ``q_test > q_tol``.
3. All parties measure the other ``n = copies - n_test`` copies in the Fourier basis: raw keys
   ``k_i`` with ``sum_i k_i = e`` (e = 0 without noise or attack).
4. Error correction (Cascade-like, over GF(d), :func:`reconcile`): in a few passes over
   random permutations of the key copies, block sums of ``e`` are revealed and blocks with a
   non-zero sum are bisected down to one position, whose error the last party subtracts. Every
   revealed value is a padded sum (each party announces ``g . k_i + r_i`` with a pre-shared
   zero-sum pad r), so only functions of e become public: ``revealed`` GF(d) symbols.
5. Privacy amplification: one public random Toeplitz matrix T over GF(d), ``l x n``, applied
   by every party: ``K_i = T k_i``. Linear, so ``sum_i K_i = T e`` stays 0 once e is corrected.
   ``l`` is ``ghz_key.key_bits`` (finite-key, coherent attacks) with
   ``leak = revealed log2 d`` plus the verification's rounding.
6. Verification: ``t = ceil(log_d(1/eps_cor))`` public random checks of ``sum_i K_i`` (padded
   sums again); abort unless all are 0. Then P(wrong key, no abort) <= d^-t <= eps_cor.
7. Aggregation: party i announces ``y_i = x_i + K_i mod d``; ``sum_i y_i = sum_i x_i mod d``.

Resources: GHZ copies (``copies * N * ceil(log2 d)`` qubits from the source), public bits
(test outcomes, checks, seeds, padded inputs), pre-shared zero-sum key for the padded checks
(``revealed + t`` symbols per party; recycled from the previous round's output, so the
net key is ``l`` minus that), and the authentication key of the public channel (Wegman-Carter,
:func:`authentication_key_bits`), also pre-shared.

Noise: the run's ``noise`` is either the legacy scalar (each share suffers a uniformly random
non-identity qudit Pauli ``X^a Z^b`` w.p. ``noise``) or a :class:`ccq.noise.Noise` (each share
one d-level carrier: qudit depolarising ``(1 - p) rho + p I/d``, which is the legacy scalar
``p (d^2 - 1)/d^2``; dephasing and memory for the round the share waits, a random non-identity
``Z^b``; the qubit channels at d = 2; amplitude damping is rejected). Heralded loss of a share
redistributes the copy: the qubits in the cost are the expected ones. :func:`error_rates` gives
the exact test and key error rates of a noise, and ``ghz_key_plan.plan`` takes either form.

Simulation paths: ``method="statevector"`` (the density matrix per copy, small N and d) and
``method="structured"`` (outcomes drawn directly, any N); same per-copy distribution (tested
exactly), and the same classical post-processing.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
from scipy import signal

from .._core import Cost, Outcome, check_in_interval, check_int, check_key
from ..noise import Noise, expected_sends
from . import _ghz_copies, _noise_laws

__all__ = ["ghz_key_generate", "ghz_key_sum", "key_length", "toeplitz_hash",
           "toeplitz_matrix", "authentication_key_bits", "is_prime", "error_rates",
           "ATTACKS"]

ATTACKS = _ghz_copies.ATTACKS
METHODS = ("structured", "statevector")
MAX_D = 2**31 - 1                # GF(d) products of two symbols stay inside int64
SIM_MAX_D = 2**30                # the samplers' int32 sums mod d


def is_prime(d: int) -> bool:
    """Trial division (d <= 2**31 - 1).

    Examples:
        >>> is_prime(2), is_prime(65537), is_prime(9)
        (True, True, False)
    """
    return d >= 2 and all(d % q for q in range(2, math.isqrt(d) + 1))


def _components(noise, d: int):
    """(legacy scalar, Pauli components): a float keeps the legacy sampler, a Noise maps on."""
    if isinstance(noise, Noise):
        return None, tuple(_noise_laws.ghz_components(noise))
    return check_in_interval(noise, "noise", 0.0, 1.0, closed="both"), None


def error_rates(noise, n_parties: int, d: int) -> tuple[float, float]:
    """Exact ``(Q_Z, Q_X)``: the Z-test error rate (outcomes not all equal) and the key error
    rate (Fourier outcomes not summing to 0) of honest copies under ``noise`` (a float: the
    legacy scalar; or a :class:`ccq.noise.Noise`).

    Examples:
        >>> q = error_rates(Noise(depolarizing=0.04), 3, 2)
        >>> [round(v, 6) for v in q] == [round(v, 6) for v in error_rates(0.03, 3, 2)]
        True
    """
    n_parties = check_int(n_parties, "n_parties", minimum=2)
    d = check_int(d, "d", minimum=2)
    legacy, comps = _components(noise, d)
    comps = comps if comps is not None else (("nonid", legacy),) if legacy else ()
    alpha, lam = _noise_laws.ghz_alpha(comps, d), _noise_laws.ghz_lambda(comps, d)
    a0, a1 = 1 / d + (1 - 1 / d) * alpha, (1 - alpha) / d
    q_z = 1 - a0**n_parties - (d - 1) * a1**n_parties
    q_x = (1 - 1 / d) * (1 - lam**n_parties)
    return float(max(q_z, 0.0)), float(max(q_x, 0.0))


def _check_d(d) -> int:
    d = check_int(d, "d", minimum=2, maximum=MAX_D)
    if not is_prime(d):
        raise ValueError(f"d must be prime (the hash works over GF(d)), got d={d}")
    return d


def toeplitz_matrix(seed, rows: int, cols: int) -> np.ndarray:
    """``T[i, j] = seed[i - j + cols - 1]``: the ``rows x cols`` Toeplitz matrix of a seed."""
    seed = np.asarray(seed, np.int64)
    i, j = np.indices((rows, cols))
    return seed[i - j + cols - 1]


def toeplitz_hash(seed, x, rows: int, d: int) -> np.ndarray:
    """``T x mod d`` for every column of ``x`` (shape (cols, ...)), by exact FFT convolution.

    Splits entries into 8-bit limbs so float64 convolution stays exact (d < 2**31, fewer
    than 2**37 columns).

    Examples:
        >>> import numpy as np
        >>> s, x = np.array([1, 4, 2, 3, 0]), np.array([[2, 1], [3, 4], [1, 1]])
        >>> bool(np.array_equal(toeplitz_hash(s, x, 3, 5), toeplitz_matrix(s, 3, 3) @ x % 5))
        True
    """
    x = np.asarray(x, np.int64)
    cols = x.shape[0]
    seed = np.asarray(seed, np.int64)
    if seed.shape != (rows + cols - 1,):
        raise ValueError(f"seed must have length rows + cols - 1 = {rows + cols - 1}, "
                         f"got {seed.shape}")
    flat = x.reshape(cols, -1)
    out = np.zeros((rows, flat.shape[1]), np.int64)
    for sa in range(4):
        s_limb = (seed >> (8 * sa)) & 255
        for xa in range(4):
            x_limb = (flat >> (8 * xa)) & 255
            if not s_limb.any() or not x_limb.any():
                continue
            conv = signal.fftconvolve(s_limb[:, None].astype(float), x_limb.astype(float),
                                      axes=0)
            part = np.rint(conv[cols - 1: cols - 1 + rows]).astype(np.int64) % d
            out = (out + part * pow(2, 8 * (sa + xa), d)) % d
    return out.reshape((rows,) + x.shape[1:])


def key_length(d: int, n_parties: int, n_key: int, n_test: int, *, q_tol: float, eps: float,
               eps_cor: float, leak_bits: float) -> int:
    """Secret key symbols per party certified by ``ghz_key.key_bits`` (0 if none)."""
    from ..bounds import ghz_key as gk

    lg = math.log2(d)
    mu = gk.sampling_width(n=n_key, k=n_test, eps=eps, N=n_parties)
    if q_tol + mu >= 1 - 1 / d:
        return 0
    bits = gk.key_bits(n=n_key, k=n_test, Q=q_tol, eps=eps, eps_cor=eps_cor, leak=leak_bits,
                       N=n_parties, d=d)
    return max(0, math.floor(bits / lg + 1e-9))


def authentication_key_bits(message_bits: float, eps_auth: float, rounds: int) -> int:
    """Pre-shared key for Wegman-Carter authentication of ``rounds`` public messages.

    Polynomial hashing over GF(2^b): a tag of b bits forges with probability
    ``<= ceil(L/b) 2^-b`` (L the message length); fresh one-time-padded tags cost b key bits
    per message, plus a b-bit hash key reused across messages. b is the smallest that meets
    ``eps_auth`` per message.

    Examples:
        >>> authentication_key_bits(10_000, 1e-9, 3)     # b = 40: 250 * 2^-40 <= 1e-9
        160
    """
    if message_bits <= 0 or not 0 < eps_auth < 1:
        raise ValueError(f"need message_bits > 0 and 0 < eps_auth < 1, got {message_bits}, "
                         f"{eps_auth}")
    b = 8
    while math.ceil(message_bits / b) * 2.0**-b > eps_auth:
        b += 8
    return b * (rounds + 1)


def _checks_zero(key, e, d: int, n_checks: int):
    """Random GF(d) linear checks of each row of e (shape (rows, width)): all zero?"""
    g = jax.random.randint(key, (n_checks,) + e.shape, 0, d, dtype=jnp.int32)
    vals = np.einsum("crw,rw->cr", np.asarray(g, np.int64), np.asarray(e, np.int64)) % d
    return ~np.any(vals, axis=0)


def reconcile(key, e, d: int, block: int, passes: int):
    """Cascade-like error correction of the key sum, with padded sums over GF(d).

    Each pass permutes the positions (public coins) and cuts them into blocks (the block
    doubles each pass, up to 8 times the first). A block whose sum of ``e`` is non-zero is
    bisected: the sum of its left half is revealed and the search follows a half with a
    non-zero sum, down to one position j, whose revealed value is ``e_j``; the last party
    subtracts it from its raw symbol. Every revealed value is a padded sum (only a function of
    e is public).

    Returns:
        ``(correction, revealed)``: the per-position values the last party subtracts, and
        the number of revealed GF(d) symbols (the leak is ``revealed log2 d`` bits).

    Examples:
        >>> import jax, numpy as np
        >>> e = np.zeros(64, np.int64); e[[3, 40]] = [1, 2]
        >>> corr, revealed = reconcile(jax.random.key(0), e, 3, 8, 3)
        >>> bool(np.array_equal(corr, e)), revealed > 0
        (True, True)
    """
    e = np.asarray(e, np.int64) % d
    n = e.shape[0]
    corr = np.zeros(n, np.int64)
    revealed = 0
    cap = 8 * block          # larger blocks would hide pairs of leftover errors
    for key_p in jax.random.split(key, passes):
        perm = np.asarray(jax.random.permutation(key_p, n))
        cur = (e - corr)[perm] % d
        for start in range(0, n, block):
            seg = cur[start:start + block]
            revealed += 1
            if seg.sum() % d == 0:
                continue
            lo, hi = 0, seg.shape[0]
            while hi - lo > 1:
                mid = (lo + hi) // 2
                revealed += 1
                if seg[lo:mid].sum() % d:
                    hi = mid
                else:
                    lo = mid
            j = perm[start + lo]
            corr[j] = (corr[j] + seg[lo]) % d
            cur[start + lo] = 0
        block = min(2 * block, cap)
    return corr, revealed


def ghz_key_generate(d: int, n_parties: int, copies: int, *, n_test: int, q_tol: float,
                     eps: float = 1e-9, eps_cor: float = 1e-9, passes: int = 8,
                     method: str = "structured"):
    """Generate zero-sum secret keys from GHZ_d copies (steps 1-6 of the module docstring).

    Returns:
        ``fn(key, noise=0.0, attack="none", strength=0.0) -> dict`` (``noise`` a float or a
        :class:`ccq.noise.Noise`, see the module docstring) with ``accepted`` (bool),
        ``reason``, ``keys`` (int64, shape (N, l); empty when aborted), ``key_symbols`` l,
        ``net_symbols`` (l minus the pre-shared symbols the padded checks consumed),
        ``q_test``, ``revealed`` (EC symbols), ``raw`` (the raw keys before correction, (n, N)),
        ``seed`` (the Toeplitz seed), ``eve_known`` (bool over key copies: Eve knows party 0's
        raw symbol), ``leak_bits``, ``pad_symbols`` and ``public_bits``.

    Examples:
        >>> import jax
        >>> gen = ghz_key_generate(2, 3, 4000, n_test=1000, q_tol=0.0, eps=1e-3, eps_cor=1e-3)
        >>> out = gen(jax.random.key(0))
        >>> bool(out["accepted"]), int(out["keys"].sum(axis=0).max() % 2), out["key_symbols"]
        (True, 0, 1464)
    """
    d = _check_d(d)
    n_parties = check_int(n_parties, "n_parties", minimum=2)
    copies = check_int(copies, "copies", minimum=2)
    n_test = check_int(n_test, "n_test", minimum=1, maximum=copies - 1)
    q_tol = check_in_interval(q_tol, "q_tol", 0.0, 1.0, closed="both")
    eps = check_in_interval(eps, "eps", 0.0, 1.0, closed="neither")
    eps_cor = check_in_interval(eps_cor, "eps_cor", 0.0, 1.0, closed="neither")
    passes = check_int(passes, "passes", minimum=0)
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if method == "statevector" and d**n_parties > _ghz_copies.STATEVECTOR_MAX_DIM:
        raise ValueError(f"method='statevector' needs d**N <= "
                         f"{_ghz_copies.STATEVECTOR_MAX_DIM}, got d={d}, N={n_parties}")
    if d > SIM_MAX_D:
        raise ValueError(f"simulation needs d <= 2**30 (int32 sums mod d), got d={d}")
    n_key = copies - n_test
    t = math.ceil(math.log(1 / eps_cor) / math.log(d) - 1e-12)
    lg = math.log2(d)
    sym_bits = math.ceil(lg)

    def fn(key, noise: float | Noise = 0.0, attack: str = "none",
           strength: float = 0.0) -> dict:
        check_key(key)
        legacy, comps = _components(noise, d)
        noise_ = comps if comps is not None else legacy
        strength_ = check_in_interval(strength, "strength", 0.0, 1.0, closed="both")
        if attack not in ATTACKS:
            raise ValueError(f"attack must be one of {ATTACKS}, got {attack!r}")
        k_perm, k_att, k_meas, k_ec, k_seed, k_ver = jax.random.split(key, 6)
        is_key = np.asarray(jax.random.permutation(k_perm, copies) >= n_test)
        attacked = jax.random.bernoulli(k_att, strength_, (copies,))
        out = np.asarray(_ghz_copies.sample(k_meas, n_parties, d, jnp.asarray(is_key),
                                            attacked, attack, noise_, method), np.int64)
        attacked = np.asarray(attacked)
        tests = out[~is_key]
        q_test = float(np.mean(np.any(tests != tests[:, :1], axis=1)))
        raw = out[is_key]
        eve_known = attacked[is_key] & (attack in ("eavesdropper", "intercept_resend"))
        public = n_test * n_parties * sym_bits + copies   # test outcomes + which are tests
        res = {"accepted": False, "d": d, "q_test": q_test, "raw": raw, "eve_known": eve_known,
               "keys": np.zeros((n_parties, 0), np.int64), "key_symbols": 0,
               "net_symbols": 0, "seed": None, "revealed": 0,
               "leak_bits": 0.0, "pad_symbols": 0, "public_bits": public, "reason": ""}
        if q_test > q_tol:
            return res | {"reason": f"test error rate {q_test:.4g} > q_tol {q_tol:g}"}
        e = raw.sum(axis=1) % d
        # first block: Cascade's 0.73 / error rate, from the public Z-test rate as a proxy
        block = n_key if q_test == 0 else int(min(max(round(0.73 / q_test), 2), n_key))
        corr, revealed = reconcile(k_ec, e, d, block, passes)
        raw = raw.copy()
        raw[:, -1] = (raw[:, -1] - corr) % d
        leak = revealed * lg + (t * lg - math.log2(1 / eps_cor))
        ell = key_length(d, n_parties, n_key, n_test, q_tol=q_tol, eps=eps, eps_cor=eps_cor,
                         leak_bits=leak)
        pad_syms = revealed + t
        public += revealed * n_parties * sym_bits
        res |= {"leak_bits": leak, "pad_symbols": pad_syms, "public_bits": public,
                "revealed": revealed}
        if ell <= 0:
            return res | {"reason": "the finite-key bound certifies no key"}
        seed = np.asarray(jax.random.randint(k_seed, (n_key + ell - 1,), 0, d,
                                             dtype=jnp.int32), np.int64)
        keys = toeplitz_hash(seed, raw, ell, d).T                     # (N, ell)
        verify_ok = bool(_checks_zero(k_ver, (keys.sum(axis=0) % d)[None, :], d, t)[0])
        public += (n_key + ell - 1) * sym_bits + t * n_parties * sym_bits
        res |= {"seed": seed, "key_symbols": ell, "net_symbols": ell - pad_syms,
                "public_bits": public}
        if not verify_ok:
            return res | {"reason": "verification of the key sum failed"}
        return res | {"accepted": True, "keys": keys}

    return fn


def ghz_key_sum(d: int, n_parties: int, copies: int, *, n_test: int, q_tol: float,
                eps: float = 1e-9, eps_cor: float = 1e-9, passes: int = 8,
                method: str = "structured"):
    """Secure sum mod d of N vectors, one-time-padded with GHZ zero-sum keys.

    Returns:
        ``fn(key, x, noise=0.0, attack="none", strength=0.0) -> Outcome`` for int x of shape
        (N, P), values in [0, d); ``noise`` a float or a :class:`ccq.noise.Noise`.
        ``answer``: the sums mod d (shape (P,)), or -1 everywhere if the key protocol aborted
        or its net key is shorter than P. ``info``: ``accepted``,
        ``reason``, ``announcements`` (the padded inputs), ``copies``, and the key run's
        numbers. ``cost``: ``qubits`` = GHZ shares distributed (``copies N ceil(log2 d)``, times
        the expected redistributions under heralded erasure),
        ``bits`` = every public bit, ``rounds`` = 5 (tests, checks, seed, verification, data).

    Examples:
        >>> import jax, jax.numpy as jnp
        >>> f = ghz_key_sum(5, 3, 6000, n_test=2000, q_tol=0.0, eps=1e-3, eps_cor=1e-3)
        >>> out = f(jax.random.key(1), jnp.array([[1, 4], [2, 4], [3, 4]]))
        >>> out.answer.tolist(), bool(out.info["accepted"])
        ([1, 2], True)
    """
    gen = ghz_key_generate(d, n_parties, copies, n_test=n_test, q_tol=q_tol, eps=eps,
                           eps_cor=eps_cor, passes=passes, method=method)
    sym_bits = math.ceil(math.log2(d))

    def fn(key, x, noise: float | Noise = 0.0, attack: str = "none",
           strength: float = 0.0) -> Outcome:
        check_key(key)
        if np.ndim(x) != 2 or np.shape(x)[0] != n_parties or np.shape(x)[1] < 1:
            raise ValueError(f"x must have shape (N={n_parties}, P) with P >= 1, "
                             f"got shape {np.shape(x)}")
        xs = np.asarray(x)
        if not np.issubdtype(xs.dtype, np.integer):
            raise ValueError(f"x must hold integers, got dtype {xs.dtype}")
        if ((xs < 0) | (xs >= d)).any():
            raise ValueError(f"x values must lie in [0, {d}), got {xs.min()}..{xs.max()}")
        p = xs.shape[1]
        run = gen(key, noise=noise, attack=attack, strength=strength)
        accepted = run["accepted"] and run["net_symbols"] >= p
        reason = run["reason"] or ("" if accepted else
                                   f"net key {run['net_symbols']} symbols < P = {p}")
        announce = np.full((n_parties, p), -1, np.int64)
        answer = np.full(p, -1, np.int64)
        bits = run["public_bits"]
        if accepted:
            announce = (xs.astype(np.int64) + run["keys"][:, :p]) % d
            answer = announce.sum(axis=0) % d
            bits += n_parties * p * sym_bits
        qubits = copies * n_parties * sym_bits
        e = noise.erasure if isinstance(noise, Noise) else 0.0
        if e == 1:
            raise ValueError("noise.erasure must be < 1 (no copy would ever arrive), got 1.0")
        if e:      # a copy with a lost share is redistributed
            qubits = qubits * expected_sends(e, n_parties * sym_bits)
        cost = Cost(qubits=qubits, bits=bits, rounds=5)
        info = {k: run[k] for k in ("q_test", "key_symbols", "net_symbols", "leak_bits",
                                    "pad_symbols")}
        return Outcome(answer, cost, info | {"accepted": accepted, "reason": reason,
                                              "announcements": announce, "copies": copies})

    return fn
