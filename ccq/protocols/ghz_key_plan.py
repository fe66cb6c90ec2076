"""How many GHZ copies the key protocol needs to pad P coordinates at security eps: the whole cost.

:func:`plan` finds the smallest number of copies M (and the best number of test copies k for
it) such that the finite-key bound ``ghz_key.key_bits`` certifies a net key of at least P
symbols per party after paying back the pre-shared pad symbols that error correction and
verification consumed. The tolerated test error rate is the expected one plus ``margin``
binomial standard deviations of the k-copy estimate (so an honest run aborts rarely). Error
correction leaks ``f_ec n h_d(Q_X)`` bits (``f_ec = 1`` is the Shannon limit; the Cascade-like
:func:`ccq.protocols.ghz_key.reconcile` measures about 1.2-1.3 at a few percent, see
``experiments/ghz_key_security.py``).

Every resource is returned: GHZ copies and the qubits that distribute them, public bits
(tests, error correction, hash seed, verification, padded data), pre-shared zero-sum pad
symbols (recycled), and the Wegman-Carter authentication key.
"""

from __future__ import annotations

import math

import numpy as np

from .._core import check_in_interval, check_int
from ..noise import Noise, expected_sends
from .ghz_key import _check_d, authentication_key_bits, error_rates

__all__ = ["plan", "key_bits_numeric", "h_d"]

PASSES = 8          # ccq.protocols.ghz_key's default reconciliation passes
ROUNDS = 6          # tests, error correction (counted once), seed, verification, data, split
FRACTIONS = np.geomspace(1e-4, 0.5, 60)


def h_d(x, d: int):
    """d-ary entropy in bits (numpy); 0 at x = 0."""
    x = np.asarray(x, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = (-x * np.log2(x) - (1 - x) * np.log2(1 - x) + x * np.log2(d - 1))
    return np.where(x <= 0, 0.0, np.where(x >= 1, np.log2(d - 1), out))


def key_bits_numeric(n, k, q, d: int, n_parties: int, eps: float, eps_cor: float, leak):
    """``ghz_key.key_bits`` vectorised (numpy); -inf where Q + mu >= 1 - 1/d."""
    n, k = np.asarray(n, float), np.asarray(k, float)
    eps_i = eps / (n_parties - 1)
    mu = np.sqrt((n + k) * (k + 1) / (n * k**2) * np.log(4 / eps_i))
    x = q + mu
    bits = (n * (math.log2(d) - h_d(np.minimum(x, 1 - 1e-15), d)) - leak
            - math.log2(1 / eps_cor) - 2 * math.log2(1 / eps_i))
    return np.where(x < 1 - 1 / d, bits, -np.inf)


def _net(m, d, n_parties, eps, eps_cor, q_z, q_x, f_ec, margin):
    """Best net key symbols over the test fraction for m copies: (net, k, ell, revealed, t)."""
    lg = math.log2(d)
    t = math.ceil(math.log(1 / eps_cor) / math.log(d) - 1e-12)
    k = np.unique(np.clip(np.round(FRACTIONS * m), 1, m - 1))
    n = m - k
    q_tol = q_z + margin * np.sqrt(q_z * (1 - q_z) / k)
    # every reconciliation pass reveals at least one block sum, even without errors
    revealed = np.ceil(f_ec * n * h_d(q_x, d) / lg) + PASSES
    leak = revealed * lg + (t * lg - math.log2(1 / eps_cor))
    bits = key_bits_numeric(n, k, q_tol, d, n_parties, eps, eps_cor, leak)
    ell = np.where(np.isfinite(bits), np.floor(np.maximum(bits, 0) / lg + 1e-9), 0)
    net = ell - revealed - t
    i = int(np.argmax(net))
    return float(net[i]), int(k[i]), int(ell[i]), int(revealed[i]), t


def plan(d: int, n_parties: int, coords: int, *, eps: float, eps_cor: float | None = None,
         noise: float | Noise = 0.0, f_ec: float = 1.2, margin: float = 3.0,
         max_copies: float = 1e15) -> dict:
    """The fewest GHZ copies whose certified net key pads ``coords`` coordinates.

    ``noise`` is the key protocol's legacy scalar or a :class:`ccq.noise.Noise`
    (:func:`ccq.protocols.ghz_key.error_rates` gives its exact error rates); with heralded
    erasure the qubits count the expected redistributions.

    Returns:
        dict with ``copies`` (M; ``inf`` if no M up to ``max_copies`` works), ``tests`` (k),
        ``key_symbols`` (l), ``net_symbols``, ``revealed`` (EC symbols), ``copies_per_coord``,
        ``qubits`` (``M N ceil(log2 d)``), ``public_bits``, ``pad_key_bits`` (pre-shared,
        recycled, all parties), ``auth_key_bits`` (Wegman-Carter, at eps), ``q_z``, ``q_x``.

    Examples:
        >>> r = plan(2, 8, 2**20, eps=1e-9)
        >>> 1.0 < r["copies_per_coord"] < 1.3, r["net_symbols"] >= 2**20
        (True, True)
    """
    from ..bounds import ghz_key as gk

    d = _check_d(d)
    n_parties = check_int(n_parties, "n_parties", minimum=2)
    coords = check_int(coords, "coords", minimum=1)
    eps = check_in_interval(eps, "eps", 0.0, 1.0)
    eps_cor = eps if eps_cor is None else check_in_interval(eps_cor, "eps_cor", 0.0, 1.0)
    resend = 1.0
    if isinstance(noise, Noise):
        q_z, q_x = error_rates(noise, n_parties, d)
        if noise.erasure == 1:
            raise ValueError("noise.erasure must be < 1 (no copy would ever arrive), got 1.0")
        resend = expected_sends(noise.erasure, n_parties * math.ceil(math.log2(d)))
    else:
        noise = check_in_interval(noise, "noise", 0.0, 1.0, closed="left")
        q_z = float(gk.noise_q_z.numeric(p=noise, N=n_parties, d=d))
        q_x = float(gk.noise_q_x.numeric(p=noise, N=n_parties, d=d))
    args = (d, n_parties, eps, eps_cor, q_z, q_x, f_ec, margin)
    out = {"q_z": q_z, "q_x": q_x, "copies": math.inf, "tests": 0, "key_symbols": 0,
           "net_symbols": 0, "revealed": 0, "copies_per_coord": math.inf, "qubits": math.inf,
           "public_bits": math.inf, "pad_key_bits": math.inf, "auth_key_bits": math.inf}
    hi = float(coords + 64)
    while _net(hi, *args)[0] < coords:
        hi *= 2
        if hi > max_copies:
            return out
    lo = hi / 2 if hi > coords + 64 else 2.0
    while hi - lo > max(1.0, 1e-4 * hi):          # net is increasing in m (up to rounding)
        mid = math.floor((lo + hi) / 2)
        lo, hi = (lo, mid) if _net(mid, *args)[0] >= coords else (mid, hi)
    m = int(math.ceil(hi))
    net, k, ell, revealed, t = _net(m, *args)
    sym = math.ceil(math.log2(d))
    public = (k * n_parties * sym + m + revealed * n_parties * sym + (m - k + ell - 1) * sym
              + t * n_parties * sym + coords * n_parties * sym)
    out.update(copies=m, tests=k, key_symbols=ell, net_symbols=int(net), revealed=revealed,
               copies_per_coord=m / coords, qubits=m * n_parties * sym * resend, public_bits=public,
               pad_key_bits=(revealed + t) * n_parties * sym,
               auth_key_bits=authentication_key_bits(public, eps, ROUNDS))
    return out
