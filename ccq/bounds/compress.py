"""Bits on the wire of gradient compressors, per worker per step, and their ring link costs.

Floats are 32 bits. Matrices are ``n x m`` (a tensor with more axes is viewed as
``shape[0] x rest``); ``P`` is the number of entries of a flattened gradient.
"""

from __future__ import annotations

import sympy as sp

from ._bound import Bound

n, m, r, b, P, N, S = sp.symbols("n m r b P N S", positive=True, integer=True)
k, levels, bucket = sp.symbols("k levels bucket", positive=True, integer=True)
FLOAT = 32

powersgd_bits = Bound(
    "compress.powersgd_bits",
    FLOAT * r * (n + m),
    "PowerSGD sends the factors P (n x r) and Q (m x r) of each n x m matrix as 32-bit floats: "
    "32 r (n + m) bits per worker per step (1-D tensors are sent uncompressed).",
    "exact",
    "Vogels, Karimireddy, Jaggi 2019 (arXiv 1905.13727); derived in proofs/proof_compress.py",
    quantity="bits",
)

powersgd_ratio = Bound(
    "compress.powersgd_ratio",
    n * m / (r * (n + m)),
    "Compression ratio of rank-r PowerSGD on one n x m matrix: n m / (r (n + m)); for a square "
    "d x d matrix d / (2 r), the O(d / r) of arXiv 2506.17974.",
    "exact",
    "arXiv 1905.13727, arXiv 2506.17974; derived in proofs/proof_compress.py",
    quantity="ratio",
)

lq_sgd_bits = Bound(
    "compress.lq_sgd_bits",
    b * r * (n + m) + 2 * FLOAT,
    "LQ-SGD with all-gathered log codes: b-bit codes for the r (n + m) factor entries plus one "
    "32-bit scale per factor, per n x m matrix, per worker per step [ccq's aggregation choice].",
    "exact",
    "arXiv 2506.17974 [reconstruction of the codec]; derived in proofs/proof_compress.py",
    quantity="bits",
)

topk_bits = Bound(
    "compress.topk_bits",
    k * (FLOAT + sp.ceiling(sp.log(P, 2))),
    "Top-k sends k values (32 bits) and k indices (ceil(log2 P) bits) per worker per step.",
    "exact",
    "Stich, Cordonnier, Jaggi 2018 (arXiv 1809.07599); plain fixed-length indices",
    quantity="bits",
)

qsgd_bits = Bound(
    "compress.qsgd_bits",
    FLOAT * sp.ceiling(P / bucket) + P * (1 + sp.ceiling(sp.log(levels + 1, 2))),
    "QSGD with s levels and buckets of size B: one 32-bit norm per bucket and a sign plus "
    "ceil(log2(s + 1)) level bits per entry (fixed-length code, no Elias coding).",
    "exact",
    "Alistarh et al. 2017 (arXiv 1610.02132)",
    quantity="bits",
)

sign_bits = Bound(
    "compress.sign_bits",
    P + FLOAT,
    "signSGD sends one sign bit per entry plus one 32-bit scale per worker per step.",
    "exact",
    "Bernstein et al. 2018 (arXiv 1802.04434)",
    quantity="bits",
)

allreduce_link_bits = Bound(
    "compress.allreduce_link_bits",
    2 * (N - 1) * S / N,
    "Ring all-reduce of an additive S-bit payload: 2 (N - 1) S / N bits per directed link "
    "(up to ceil padding of the N chunks).",
    "exact",
    "Patarasuk and Yuan 2009",
    quantity="bits",
)

allgather_link_bits = Bound(
    "compress.allgather_link_bits",
    (N - 1) * S,
    "Ring all-gather of non-additive S-bit messages (Top-k, QSGD, sign, log codes): every "
    "directed link carries the N - 1 other messages, so per-link cost grows with N.",
    "exact",
    "Patarasuk and Yuan 2009",
    quantity="bits",
)
