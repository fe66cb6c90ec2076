"""Hypothesis properties of TieAudit's exact minimal budgets (worst-case error <= delta).

Stated ranges (from the asymptotics, fixed before looking at the data):

* birthday: E C = s(s-1)/(2(P-1)) edges must reach a P-independent count, so s ~ sqrt(P) and
  quadrupling P doubles s up to the finite-population correction of sampling without replacement
  and integer rounding; we require ratio in [1.95, 2.10] when s(P) <= P/16 (far from s = P);
* quantum: K copies do not depend on P (a perfect matching is hit by every copy), so quadrupling
  P adds exactly 2K qubits (the register grows by 2 qubits); two-way adds exactly 4K bits;
* every minimal birthday budget is >= the birthday-class lower bound, and every sufficient
  budget from ccq.bounds achieves error <= delta.
"""

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ccq.bounds import tieaudit as tb
from ccq.protocols.tieaudit import default_budget, protocol_cost
from ccq.protocols.tieaudit_exact import minimal_budget, worst_case_error

# eps with m * eps an integer for every m = P/2 >= 16: the boundary agreement is exactly 1/2+eps
dyadic_eps = st.sampled_from([0.5, 0.25, 0.125, 0.0625])
deltas = st.sampled_from([0.05, 0.01, 0.2])


def _min(method, eps, delta, P):
    return minimal_budget(method, eps=eps, delta=delta, P=P, m=P // 2)


@settings(max_examples=8)
@given(st.integers(14, 24), dyadic_eps, deltas)
def test_quadrupling_P_doubles_the_birthday_budget(k, eps, delta):
    P = 2**k
    s1 = _min("birthday", eps, delta, P)
    assume(s1 <= P // 16)
    s4 = _min("birthday", eps, delta, 4 * P)
    assert 1.95 <= s4 / s1 <= 2.10, (P, eps, delta, s1, s4)


@settings(max_examples=15)
@given(st.integers(5, 40), dyadic_eps, deltas)
def test_quadrupling_P_adds_a_constant_to_the_quantum_budget(k, eps, delta):
    P = 2**k
    K1, K4 = _min("quantum", eps, delta, P), _min("quantum", eps, delta, 4 * P)
    assert K1 == K4
    q1, q4 = (protocol_cost("quantum", K1, p).qubits for p in (P, 4 * P))
    assert q4 - q1 == 2 * K1
    T1, T4 = _min("twoway", eps, delta, P), _min("twoway", eps, delta, 4 * P)
    assert T1 == T4 == K1     # Bob's uniform edge is exactly the quantum outcome law
    assert (protocol_cost("twoway", T4, 4 * P).bits - protocol_cost("twoway", T1, P).bits
            == 4 * K1)


@settings(max_examples=10)
@given(st.integers(4, 24), dyadic_eps, deltas)
def test_budgets_respect_the_lower_bound_and_the_sufficient_bounds_suffice(k, eps, delta):
    P = 2**k
    assume(k >= 5 or eps == 0.5)   # m eps integral
    s = _min("birthday", eps, delta, P)
    assert tb.classical_lower(P=P, delta=delta) <= s <= P
    for method in ("quantum", "birthday", "twoway"):
        suff = default_budget(method, eps, delta, P, P // 2)
        assert worst_case_error(method, suff, P=P, m=P // 2, eps=eps) <= delta
        assert _min(method, eps, delta, P) <= suff


@settings(max_examples=10)
@given(st.integers(6, 12), st.sampled_from([0.25, 0.5, 0.75]), dyadic_eps, deltas)
def test_partial_matching_sufficient_budgets_suffice(k, alpha, eps, delta):
    P = 2**k
    m = int(alpha * P / 2)
    for method in ("quantum", "birthday", "twoway"):
        b = default_budget(method, eps, delta, P, m)
        assert worst_case_error(method, b, P=P, m=m, eps=eps) <= delta, (method, b)
