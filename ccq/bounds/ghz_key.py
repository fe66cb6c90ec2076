"""Finite-key composable security of GHZ zero-sum keys (``ccq.protocols.ghz_key``).

Symbols: ``n`` (key copies: GHZ copies all parties measure in the Fourier basis), ``k`` (test
copies: measured in the Z basis, announced), ``Q`` (the tolerated Z-test error rate: the
fraction of test copies whose N outcomes are not all equal; the protocol aborts above it),
``eps`` (secrecy), ``eps_cor`` (correctness), ``leak`` (bits announced about the raw keys by
error handling), ``N`` (parties), ``d`` (prime qudit dimension), ``p`` (depolarising
probability per share), ``Q_X``/``Q_Z`` (error rates). Derivations: ``proofs/proof_ghz_key.py``.

Security definition (Renner 2005; Mueller-Quade and Renner 2009; Portmann and Renner 2022):
the protocol is ``eps``-secret if ``p_pass * || rho_{K_1..K_N E} - tau_K (x) rho_E ||_1 / 2 <=
eps`` for every attack, where ``tau_K`` is uniform over the zero-sum keys ``{k : sum_i k_i = 0}``
and E is everything the adversary holds (the source, all public messages, a quantum register);
``eps_cor``-correct if ``P(sum_i K_i != 0 and no abort) <= eps_cor``. Padding inputs with such a
key gives a secure sum that is ``(eps + eps_cor)``-close to the ideal functionality (one-time
pad composed with an ideal zero-sum key).
"""

from __future__ import annotations

import sympy as sp

from ._bound import Bound

n = sp.Symbol("n", positive=True, integer=True)
k = sp.Symbol("k", positive=True, integer=True)
Q = sp.Symbol("Q", nonnegative=True)
Q_X = sp.Symbol("Q_X", nonnegative=True)
Q_Z = sp.Symbol("Q_Z", nonnegative=True)
eps = sp.Symbol("eps", positive=True)
eps_cor = sp.Symbol("eps_cor", positive=True)
leak = sp.Symbol("leak", nonnegative=True)
N = sp.Symbol("N", positive=True, integer=True)
d = sp.Symbol("d", positive=True, integer=True)
p = sp.Symbol("p", nonnegative=True)

_RANGES = {"d": (2, sp.oo), "N": (2, sp.oo), "eps": (0, 1), "eps_cor": (0, 1)}


def h_d(x):
    """d-ary entropy in bits, h(x) + x log2(d - 1): log2 of a Hamming ball's volume per symbol."""
    return -x * sp.log(x, 2) - (1 - x) * sp.log(1 - x, 2) + x * sp.log(d - 1, 2)


#: per-party secrecy: the N - 1 free parties' keys are made uniform one after another
eps_party = eps / (N - 1)

sampling_width = Bound(
    "ghz_key.sampling_width",
    sp.sqrt((n + k) * (k + 1) / (n * k**2) * sp.log(4 / eps_party)),
    "Serfling's bound for sampling without replacement (as in Tomamichel-Lim-Gisin-Renner "
    "2012): of n + k copies, a uniformly random k are Z-tested; except with probability "
    "eps_PE = (eps/(4(N-1)))^2, the Z-error rate the n key copies would show is at most the "
    "tested rate + mu. Holds for any (coherent) joint state of all copies.",
    "upper",
    "derived in proofs/proof_ghz_key.py (Serfling 1974; TLGR 2012, arXiv 1103.4130)",
    quantity="error",      # a deviation of an error rate
    ranges={"N": (2, sp.oo), "eps": (0, 1)},
)

key_bits = Bound(
    "ghz_key.key_bits",
    n * (sp.log(d, 2) - h_d(Q + sampling_width.expr)) - leak - sp.log(1 / eps_cor, 2)
    - 2 * sp.log(1 / eps_party, 2),
    "Bits of eps-secret, eps_cor-correct zero-sum key per party from n key copies and k test "
    "copies of GHZ_d (d prime) shared by N parties, when the Z-test error rate is <= Q and error "
    "handling announces leak bits: l log2 d <= n (log2 d - h_d(Q + mu)) - leak - log2(1/eps_cor) "
    "- 2 log2((N-1)/eps). Party i's Fourier outcomes, given Eve and parties 1..i-1, have smooth "
    "min-entropy >= n log2 d - n h_d(Q + mu) (entropic uncertainty relation, Tomamichel-Renner "
    "2011, overlap 1/d, with party N's Z outcomes predicting party i's); leftover hashing with "
    "one shared linear Toeplitz map per party, then the triangle inequality over the N - 1 "
    "free parties. Valid for coherent attacks; requires Q + mu < 1 - 1/d.",
    "lower",
    "derived in proofs/proof_ghz_key.py (TLGR 2012 arXiv 1103.4130; Renner 2005 "
    "quant-ph/0512258; Tomamichel-Renner 2011 arXiv 1009.2015)",
    quantity="bits",
    ranges={**_RANGES, "Q": (0, 1)},
)

asymptotic_rate = Bound(
    "ghz_key.asymptotic_rate",
    1 - (h_d(Q_Z) + h_d(Q_X)) / sp.log(d, 2),
    "Secret key symbols per key copy as n, k/n -> infinity, 0 with one-way error correction at "
    "the Shannon limit (leak = n h_d(Q_X)): 1 - (h_d(Q_Z) + h_d(Q_X)) / log2 d. At d = 2 and "
    "Q_X = Q_Z = Q it is 1 - 2 h(Q), zero at Q = 11.0% (Shor-Preskill).",
    "lower",
    "derived in proofs/proof_ghz_key.py (limit of ghz_key.key_bits)",
    quantity="ratio",      # key symbols per key copy
    ranges={"d": (2, sp.oo), "Q_X": sp.Interval.open(0, 1), "Q_Z": sp.Interval.open(0, 1)},
)

_q = p * d / (d + 1)     # P(one share's depolarising Pauli X^a Z^b has a != 0), same for b
noise_q_z = Bound(
    "ghz_key.noise_q_z",
    1 - (1 - _q) ** N - (d - 1) * (_q / (d - 1)) ** N,
    "Z-test error rate (outcomes not all equal) of GHZ_d when each of the N shares "
    "independently suffers a uniformly random non-identity Pauli X^a Z^b with probability p.",
    "exact",
    "derived in proofs/proof_ghz_key.py",
    quantity="probability",
    ranges={"d": (2, sp.oo), "N": (2, sp.oo), "p": (0, 1)},
)

noise_q_x = Bound(
    "ghz_key.noise_q_x",
    (1 - 1 / d) * (1 - (1 - _q * d / (d - 1)) ** N),
    "Key error rate (Fourier outcomes not summing to 0 mod d) under the same per-share "
    "depolarising noise.",
    "exact",
    "derived in proofs/proof_ghz_key.py",
    quantity="probability",
    ranges={"d": (2, sp.oo), "N": (2, sp.oo), "p": (0, 1)},
)

# ---------------------------------------------------------------- per-coordinate costs (N, b)

b = sp.Symbol("b", positive=True, integer=True)
#: ceil(log2 p) >= this for any modulus p > N (2^b - 1) (no wrap-around of the sum)
share_bits = sp.ceiling(sp.log(N * (2**b - 1) + 1, 2))

qubits_per_coordinate = Bound(
    "ghz.key_qubits_per_coordinate",
    N * share_bits,
    "Qubits distributed per padded b-bit coordinate by the GHZ key protocol: at least one GHZ_p "
    "copy per coordinate, N shares of ceil(log2 p) >= ceil(log2(N (2^b - 1) + 1)) qubits. "
    "Finite P multiplies it by the copies per coordinate of experiments/ghz_key_security.py "
    "(1.08-1.23 at P = 2^20 without noise, eps = 1e-6..1e-12; up to 3.6 at P = 2^10; hundreds, "
    "or no key at all, with 1% depolarising noise per share).",
    "lower",
    "ccq.protocols.ghz_key_plan.plan (one key symbol pads one coordinate)",
    quantity="qubits",
)

bits_per_coordinate = Bound(
    "ghz.key_bits_per_coordinate",
    (N + 1) * share_bits,
    "Public classical bits per padded coordinate: the N padded inputs plus the public Toeplitz "
    "seed (n + l - 1 >= 2P - 1 symbols for P coordinates, so at least one symbol per "
    "coordinate); tests, error correction and the authentication key add finite-size terms.",
    "lower",
    "ccq.protocols.ghz_key_plan.plan",
    quantity="bits",
)
