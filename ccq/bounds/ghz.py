"""GHZ secure aggregation with cut-and-choose verification, and the classical comparators' costs.

Symbols: ``m`` (used copies; 2m are distributed, m tested), ``f`` (defect-weighted corrupted
fraction: the mean over used copies of each copy's test-failure probability ``eta``),
``eps`` (security parameter), ``eta`` (one copy's test-failure probability), ``F`` (fidelity of
one copy with GHZ), ``d`` (qudit dimension), ``N`` (parties), ``P`` (coordinates), ``b`` (bits
per quantised entry). Derivations: ``proofs/proof_ghz.py``.
"""

from __future__ import annotations

import sympy as sp

from ._bound import Bound

m = sp.Symbol("m", positive=True, integer=True)
f = sp.Symbol("f", positive=True)
eps = sp.Symbol("eps", positive=True)
eta = sp.Symbol("eta", nonnegative=True)
F = sp.Symbol("F", nonnegative=True)
d = sp.Symbol("d", positive=True, integer=True)
N = sp.Symbol("N", positive=True, integer=True)
P = sp.Symbol("P", positive=True, integer=True)
b = sp.Symbol("b", positive=True, integer=True)

KEY_BITS = 256      # X25519 public keys, Shamir shares of 256-bit secrets
AEAD_BITS = 224     # AES-GCM nonce (96) + tag (128) per encrypted share

#: bits per GHZ share / per masked entry so that the sum of N b-bit entries never wraps
share_bits = sp.ceiling(sp.log(N * (2**b - 1) + 1, 2))

pass_upper = Bound(
    "ghz.pass_upper",
    (1 + F) / 2,
    "The random stabilizer test (Z-basis equality or Fourier-basis zero sum, each with "
    "probability 1/2) passes a state of fidelity F with GHZ_d with probability at most "
    "(1 + F)/2, so its failure probability eta >= (1 - F)/2. Tight (GHZ with one phase flip).",
    "upper",
    "derived in proofs/proof_ghz.py (Pi_Z Pi_X = |GHZ><GHZ|)",
    quantity="probability",
)

copy_trace_distance = Bound(
    "ghz.copy_trace_distance",
    sp.sqrt(2 * eta),
    "A copy (with any eavesdropper purification) whose test fails with probability eta is "
    "within trace distance sqrt(1 - F) <= sqrt(2 eta) of GHZ_d (x) sigma_E; hence any "
    "party's guessing probability rises by at most sqrt(2 eta) over the ideal protocol.",
    "upper",
    "gentle measurement + ghz.pass_upper; derived in proofs/proof_ghz.py",
    quantity="error",
)

_D = sp.sqrt(2 * eta)
leakage_bits = Bound(
    "ghz.leakage_bits",
    _D * sp.log(d, 2) + (1 + _D) * (
        -(_D / (1 + _D)) * sp.log(_D / (1 + _D), 2) - (1 / (1 + _D)) * sp.log(1 / (1 + _D), 2)),
    "Holevo information between one party's input (d values) and everything an eavesdropper "
    "holds (announcements and quantum side information), for a copy with test-failure "
    "probability eta (D = sqrt(2 eta) <= 1): at most D log2 d + (1 + D) h(D/(1 + D)).",
    "upper",
    "Alicki-Fannes-Winter continuity (Winter 2016, arXiv 1507.07775, cq case) + "
    "ghz.copy_trace_distance",
    quantity="bits",
)

verification_eps = Bound(
    "ghz.verification_eps",
    sp.exp(-m * f / 2),
    "Cut-and-choose with 2m copies, a uniformly random m tested (each with a random Z or "
    "Fourier stabilizer test), the rest used; any source whose copies are independent "
    "(product across copies, each arbitrary and arbitrarily placed, eavesdropper-entangled "
    "allowed): P(all tests pass AND the mean test-failure probability of the used copies "
    ">= f) <= exp(-m f / 2). Coherent attacks across copies are not covered.",
    "upper",
    "derived in proofs/proof_ghz.py (a random half avoids Z would-fail copies w.p. <= 2^-Z)",
    quantity="probability",
)

verification_eps_hoeffding = Bound(
    "ghz.verification_eps_hoeffding",
    sp.exp(-m * f / 2) + sp.exp(-m * f**2 / 8),
    "A weaker form of ghz.verification_eps from a case split and Hoeffding's bound for "
    "sampling without replacement (kept for comparison: the f^2 term makes it loose).",
    "upper",
    "Hoeffding 1963; derived in proofs/proof_ghz.py",
    quantity="probability",
)

verification_copies = Bound(
    "ghz.verification_copies",
    4 * sp.log(1 / eps) / f,
    "Total copies 2m that make ghz.verification_eps <= eps: 2m = 4 ln(1/eps) / f.",
    "sufficient",
    "derived in proofs/proof_ghz.py",
    quantity="copies",
)

copy_overhead = Bound(
    "ghz.copy_overhead",
    sp.Integer(2),
    "Copies distributed per copy used in the verified protocol (m tested + m used).",
    "exact",
    "by construction (cut-and-choose with half tested)",
    quantity="ratio",
)

bits_per_coordinate = Bound(
    "ghz.bits_per_coordinate",
    N * share_bits,
    "Classical bits per aggregated coordinate of the unverified GHZ sum: N announcements of "
    "log2 d bits, d the smallest power of two above N (2^b - 1).",
    "exact",
    "ccq.protocols.ghz.ghz_cost",
    quantity="bits",
)

verified_bits_per_coordinate = Bound(
    "ghz.verified_bits_per_coordinate",
    2 * N * share_bits + 3,
    "Classical bits per aggregated coordinate with verification: announcements of the used "
    "and of the tested copy, plus 3 challenge bits (tested-or-used for 2 copies, test basis).",
    "exact",
    "ccq.protocols.ghz_verify.verified_cost",
    quantity="bits",
)

ebits_per_coordinate = Bound(
    "ghz.ebits_per_coordinate",
    2 * (N - 1) * share_bits,
    "Entanglement per aggregated coordinate with verification: 2 GHZ_d copies, each counted "
    "as N - 1 d-dimensional Bell pairs (log2 d ebits each).",
    "exact",
    "ccq.protocols.ghz_verify.verified_cost",
    quantity="ebits",
)

qubits_per_coordinate = Bound(
    "ghz.distribution_qubits_per_coordinate",
    2 * N * share_bits,
    "Qubits a source sends to distribute the 2 GHZ_d copies per verified coordinate (offline).",
    "exact",
    "ccq.protocols.ghz.distribution_qubits",
    quantity="qubits",
)

# ---------------------------------------------------------------- classical comparators

pairwise_mask_bits = Bound(
    "securagg.pairwise_mask_bits",
    P * share_bits + 2 * KEY_BITS + 2 * KEY_BITS * N + 2 * (N - 1) * (2 * KEY_BITS + AEAD_BITS)
    + (N - 1) * KEY_BITS,
    "Bits one user sends and receives in pairwise-mask secure aggregation (Bonawitz et al. "
    "2017, no dropouts): the masked vector (P entries of log2 d bits), two public keys up, "
    "all N users' key pairs down, N-1 encrypted Shamir share pairs out and in, N-1 shares "
    "at unmasking. Computational security (DH + PRG), server-mediated, 7 sequential messages.",
    "exact",
    "Bonawitz et al. CCS 2017 (arXiv 1611.04482); ccq.sketches.secure_agg.pairwise_mask_cost",
    quantity="bits",
)

pairwise_mask_expansion = Bound(
    "securagg.pairwise_mask_expansion",
    pairwise_mask_bits.expr / (P * b),
    "Per-user communication of pairwise-mask secure aggregation over the plain b-bit vector.",
    "exact",
    "Bonawitz et al. CCS 2017 report about 1.73x at N = 2^10, P = 2^20, b = 16",
    quantity="ratio",
)

otp_bits = Bound(
    "securagg.otp_bits",
    P * share_bits,
    "Bits one user sends with pre-shared zero-sum one-time pads: its padded vector "
    "(P entries mod d). Information-theoretic against coalitions of up to N - 2 users plus "
    "the aggregator; consumes P log2 d bits of fresh key per user per aggregation.",
    "exact",
    "Shannon one-time pad; ccq.sketches.secure_agg.otp_cost",
    quantity="bits",
)

otp_key_bits = Bound(
    "securagg.otp_key_bits",
    P * share_bits,
    "Secret key material each user consumes per aggregation with zero-sum one-time pads.",
    "exact",
    "ccq.sketches.secure_agg.otp_cost",
    quantity="bits",
)
