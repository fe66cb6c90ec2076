"""Derivations behind ``ccq.bounds.ghz_key``: finite-key secrecy of GHZ zero-sum keys.

Setting: n + k copies of (what should be) GHZ_d, d prime, shared by N parties; a uniformly
random k are measured in Z by everyone (tests), the other n in the Fourier basis (raw keys
k_1..k_N). Adversary E: the source and every public message, holding any quantum system,
correlated with all copies at once (coherent attacks).

1. Sampling (Serfling 1974, in the form of TLGR 2012 Lemma 6). For any assignment of n + k
   binary flags ("this copy's Z outcomes would not all be equal"), a uniformly random k-subset
   has mean lambda_k and the rest lambda_n with P(lambda_n >= lambda_k + mu) <=
   exp(-2 mu^2 n k^2 / ((n + k)(k + 1))). Measuring the key copies in Z instead of Fourier is a
   virtual experiment (the copies are exchangeable under the random choice), so with
   eps_PE = (eps_i / 4)^2 the virtual Z error rate on the key copies is <= Q + mu, which solves
   to ghz_key.sampling_width.
2. Uncertainty relation (Tomamichel-Renner 2011, PRL 106, 110506) for party i (system A_i),
   with B = parties i+1..N and E' = (E, parties 1..i-1): H_min^eps(X_i | E') + H_max^eps(Z_i |
   B) >= n log2(1/c), c = max |<z|F|x>|^2 = 1/d. Party N's Z outcomes predict party i's Z
   outcomes up to the virtual error rate, so H_max^eps(Z_i | B) <= log2 |Hamming ball of radius
   n(Q + mu)| <= n h_d(Q + mu) (checked for small n in ``tests/test_ghz_key.py``). Data
   processing: conditioning on the keys K_1..K_{i-1} (functions of parties 1..i-1) does not
   decrease H_min. Smoothing: eps_bar = sqrt(eps_PE) = eps_i / 4 (TLGR, Supplementary).
3. Error handling announces ``leak`` bits about the raw keys (padded sums make only functions of
   e = sum_i k_i public; dropped symbols are counted in full), the verification announces
   log2(1/eps_cor) bits; the chain rule subtracts both.
4. Leftover hashing (Renner 2005; Tomamichel et al. 2011 for linear two-universal families):
   K_i = T k_i with T a uniformly random Toeplitz matrix over GF(d) (two-universal); the hashed
   key is 2 eps_bar + (1/2) 2^((l - H)/2) close to uniform given E', T. With eps_PA = eps_i / 2,
   l = H - leak - log2(1/eps_cor) - 2 log2(1/eps_i), and eps_i = 2 eps_bar + eps_PA = eps_i.
5. Multi-party. The same T is applied by all parties (so sum_i K_i = T e stays 0), which is NOT
   two-universal on the joint string; instead hash party by party: K_i is eps_i-close to uniform
   given (E, K_1..K_{i-1}, T), so by the triangle inequality (K_1..K_{N-1}) is (N-1) eps_i-close
   to uniform and independent of E; K_N = -sum K_i on the correct branch. eps = (N-1) eps_i.
6. Asymptotics: mu -> 0 as n, k -> oo; with one-way error correction at the Shannon limit,
   leak = n h_d(Q_X); per copy and per symbol the rate is 1 - (h_d(Q_Z) + h_d(Q_X)) / log2 d.
7. Noise: each share independently suffers X^a Z^b, (a, b) uniform over the d^2 - 1
   non-identity pairs, with probability p; a != 0 with probability q = p d/(d + 1) (d^2 - d of
   the d^2 - 1 pairs), uniform over the d - 1 non-zero values, and likewise b. Z outcomes are
   shifted by a: all equal iff all a_i are equal. Fourier outcomes are shifted by b: the sum is
   0 with probability (1/d) sum_t prod_i E[w^(t b_i)] (Fourier inversion over Z_d).

``DERIVED`` holds the results (checked against ``ccq.bounds`` by ``tests/test_proofs.py``).
"""

import sympy as sp

from ccq.bounds import ghz_key as gk

n, k, N, d, Q, eps, eps_cor, leak = gk.n, gk.k, gk.N, gk.d, gk.Q, gk.eps, gk.eps_cor, gk.leak
mu = sp.Symbol("mu", positive=True)
eps_i = sp.Symbol("eps_i", positive=True)


def sampling_width():
    """Solve Serfling's tail = eps_PE = (eps_i / 4)^2 for mu, with eps_i = eps / (N - 1)."""
    eps_pe = (eps_i / 4) ** 2
    tail = sp.exp(-2 * mu**2 * n * k**2 / ((n + k) * (k + 1)))
    [sol] = sp.solve(sp.Eq(sp.log(tail), sp.log(eps_pe)), mu)
    return sp.simplify(sol.subs(eps_i, eps / (N - 1)))


def key_bits():
    """Uncertainty relation, chain rule, leftover hash lemma; the eps budget closes exactly."""
    width = sampling_width()
    h_min = n * sp.log(d, 2) - n * gk.h_d(Q + width)        # n log2(1/c), c = 1/d
    eps_pa = eps_i / 2
    eps_bar = eps_i / 4                                      # sqrt(eps_PE)
    assert sp.simplify(2 * eps_bar + eps_pa - eps_i) == 0    # the per-party budget closes
    # LHL: distance 2 eps_bar + (1/2) 2^((l - H)/2) = eps_i  <=>  l = H - 2 log2(1/(2 eps_pa))
    ell = sp.Symbol("ell")
    [sol] = sp.solve(sp.Eq(sp.Rational(1, 2) * 2 ** ((ell - (h_min - leak
                                                             - sp.log(1 / eps_cor, 2))) / 2),
                           eps_pa), ell)
    return sol.subs(eps_i, eps / (N - 1))


def asymptotic_rate():
    """key_bits / (n log2 d) as n -> oo with mu -> 0 and leak = n h_d(Q_X)."""
    qx, qz = gk.Q_X, gk.Q_Z
    per_copy = sp.log(d, 2) - gk.h_d(qz) - gk.h_d(qx)        # mu -> 0, finite terms / n -> 0
    return sp.expand(per_copy / sp.log(d, 2))


def noise_q_z():
    """P(not all a_i equal) = 1 - P(all 0) - sum over the d - 1 non-zero values."""
    q = gk.p * d / (d + 1)
    return 1 - (1 - q) ** N - (d - 1) * (q / (d - 1)) ** N


def noise_q_x():
    """E[w^(t b)] = 1 - q - q/(d - 1) for t != 0 (sum of non-trivial roots of unity is -1)."""
    q = gk.p * d / (d + 1)
    char = (1 - q) + q * (-1) / (d - 1)
    p_zero = (1 + (d - 1) * char**N) / d
    return sp.simplify(1 - p_zero)


DERIVED = {
    "ghz_key.sampling_width": sampling_width(),
    "ghz_key.key_bits": key_bits(),
    "ghz_key.asymptotic_rate": asymptotic_rate(),
    "ghz_key.noise_q_z": noise_q_z(),
    "ghz_key.noise_q_x": noise_q_x(),
}


if __name__ == "__main__":
    for name, expr in DERIVED.items():
        print(name, "=", expr)
