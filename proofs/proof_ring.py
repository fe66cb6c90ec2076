"""Derivation: per-link counts of ring all-reduce, classical and superdense, by summing steps.

Reduce-scatter and all-gather each take N - 1 steps; in every step each directed link carries
one chunk of S/N bits. Summing the steps gives 2(N-1)S/N bits; the superdense link sends a chunk
as S/(2N) qubits consuming S/(2N) ebits; distributing an ebit costs one qubit transmission, so
online qubits plus distribution equals the classical count. We also check the symbolic sums
against an explicit simulation of which chunk each link carries at each step.

``DERIVED`` holds the step sums (checked against ``ccq.bounds`` by ``tests/test_proofs.py``).
"""

import sympy as sp

from ccq.bounds import ring

N, S = ring.N, ring.S
t = sp.Symbol("t", integer=True, positive=True)


def per_link_counts():
    """Per-directed-link totals, summed step by step over reduce-scatter and all-gather."""
    chunk = S / N                                   # one S/N-bit chunk per link per step
    steps = sp.summation(1, (t, 1, N - 1))          # steps per phase
    reduce_scatter = sp.summation(chunk, (t, 1, N - 1))
    all_gather = sp.summation(chunk, (t, 1, N - 1))
    qubits = sp.summation(chunk / 2, (t, 1, 2 * (N - 1)))    # two bits per superdense qubit
    ebits = sp.summation(chunk / 2, (t, 1, 2 * (N - 1)))     # one Bell pair per qubit sent
    return {
        "ring.phase_bits_per_link": reduce_scatter,
        "ring.classical_bits_per_link": reduce_scatter + all_gather,
        "ring.superdense_qubits_per_link": qubits,
        "ring.ebits_per_link": ebits,
        "ring.lifetime_uses_per_link": qubits + ebits,       # + one qubit per distributed ebit
        "ring.critical_path_steps": 2 * steps,
    }


DERIVED = per_link_counts()


def test_step_sums_give_the_per_link_counts():
    chunk = S / N
    rs = sp.summation(chunk, (t, 1, N - 1))
    ag = sp.summation(chunk, (t, 1, N - 1))
    assert sp.simplify(rs - ring.phase_bits_per_link.expr) == 0
    assert sp.simplify(rs + ag - ring.classical_bits_per_link.expr) == 0
    qubits = sp.summation(chunk / 2, (t, 1, 2 * (N - 1)))
    assert sp.simplify(qubits - ring.superdense_qubits_per_link.expr) == 0
    assert sp.simplify(qubits - ring.ebits_per_link.expr) == 0
    lifetime = ring.superdense_qubits_per_link.expr + ring.ebits_per_link.expr
    assert sp.simplify(lifetime - ring.lifetime_uses_per_link.expr) == 0
    assert sp.simplify(ring.lifetime_uses_per_link.expr - ring.classical_bits_per_link.expr) == 0
    assert sp.simplify(ring.classical_bits_per_link.expr
                       / ring.superdense_qubits_per_link.expr) == 2


def test_schedule_reduces_every_chunk_and_each_link_carries_2N_minus_2_chunks():
    for n in range(1, 8):
        # contributions[i][c] = set of workers whose chunk c is summed into worker i's copy
        held = [[{i} for _ in range(n)] for i in range(n)]
        sent = [0] * n
        for s in range(n - 1):
            msgs = [(i, (i - s) % n, set(held[i][(i - s) % n])) for i in range(n)]
            for i, c, payload in msgs:
                held[(i + 1) % n][c] |= payload
                sent[i] += 1
        for i in range(n):
            assert held[i][(i + 1) % n] == set(range(n))
        for s in range(n - 1):
            msgs = [(i, (i + 1 - s) % n, set(held[i][(i + 1 - s) % n])) for i in range(n)]
            for i, c, payload in msgs:
                held[(i + 1) % n][c] = payload
                sent[i] += 1
        assert all(h == set(range(n)) for row in held for h in row)
        assert sent == [2 * (n - 1)] * n
        assert ring.critical_path_steps(N=n) == 2 * (n - 1)
