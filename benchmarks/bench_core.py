"""Benchmark of the statevector core, against peers measured in the same command.

    python benchmarks/bench_core.py            # prints a markdown table

Workloads (issue 2): swap-test acceptance probability for 1000 random pairs at n = 10 (vmap);
a reflection about a state at n = 20 and n = 24; the full swap-test circuit at n = 8..12.
Peers: a numpy copy of the same array (the memory-bandwidth floor) and, where installed, a Qiskit
Aer loop over the same workload (``pip install qiskit qiskit-aer``). Targets: batched swap test
>= 10x faster than the Aer loop; the n = 24 reflection within 3x of the numpy copy.
Only ratios are meaningful: absolute times on a shared 2-core machine are noisy.

Every ratio is named by what it compares (issue 20):

* ``algorithmic``: ccq's structured formula against a peer that simulates the full circuit
  (e.g. the closed-form swap-test probability against Aer running the 2n+1-qubit circuit);
  it measures the formula's advantage, not the simulator's.
* ``like-for-like``: the same computation on both sides -- the same structured formula in
  numpy, or the same full circuit in Aer timed on ``run`` alone (transpile excluded, done once
  before timing); ``+transpile`` ratios include Aer's per-call transpile, as a user calling
  ``transpile`` + ``run`` pays it.
* ``of copy``: against a numpy copy of the same array (the memory-bandwidth floor).

The run also prints the machine's load average (``os.getloadavg``) at start and end: on a
shared machine it says how contended the numbers are.
"""

from __future__ import annotations

import argparse
import os
import time

import jax
import jax.numpy as jnp
import numpy as np

from ccq import sim


def best_time(fn, repeat: int = 5) -> float:
    fn()  # warm-up (compilation)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        jax.block_until_ready(fn())
        times.append(time.perf_counter() - t0)
    return min(times)


def random_states(key, count: int, n: int):
    kr, ki = jax.random.split(key)
    z = jax.random.normal(kr, (count, 2**n)) + 1j * jax.random.normal(ki, (count, 2**n))
    return (z / jnp.linalg.norm(z, axis=1, keepdims=True)).astype(jnp.complex64)


def aer_available() -> bool:
    try:
        import qiskit  # noqa: F401
        import qiskit_aer  # noqa: F401
    except ImportError:
        return False
    return True


def aer_swap_test(psi: np.ndarray, phi: np.ndarray, simulator, timings: dict | None = None
                  ) -> float:
    """The full swap-test circuit in Qiskit Aer, registers loaded with ``set_statevector``.

    Loading the product state directly (rather than ``initialize``, which transpiles into an
    O(2^n)-gate preparation circuit) times the simulator on the swap test itself. Qiskit's qubit 0
    (the ancilla) is the least significant bit, register A is qubits 1..n, register B n+1..2n.
    """
    import qiskit_aer.library  # noqa: F401  (registers QuantumCircuit.set_statevector)
    from qiskit import QuantumCircuit, transpile

    n = int(np.log2(len(psi)))
    psi, phi = psi / np.linalg.norm(psi), phi / np.linalg.norm(phi)  # Qiskit checks to 1e-10
    qc = QuantumCircuit(2 * n + 1)
    qc.set_statevector(np.kron(phi, np.kron(psi, [1.0, 0.0])))
    qc.h(0)
    for i in range(n):
        qc.cswap(0, 1 + i, 1 + n + i)
    qc.h(0)
    qc.save_statevector()
    t0 = time.perf_counter()
    compiled = transpile(qc, simulator)
    t1 = time.perf_counter()
    state = simulator.run(compiled).result().get_statevector()
    if timings is not None:         # transpile and run timed apart (like-for-like ratios)
        timings["transpile"] = t1 - t0
        timings["run"] = time.perf_counter() - t1
    probs = np.abs(np.asarray(state)) ** 2
    return float(probs[0::2].sum())   # ancilla (least significant bit) measured 0


def report(row: tuple[str, float, str]) -> None:
    """Print one table row as soon as it is measured, so a long run shows progress."""
    name, t, peer = row
    print(f"| {name} | {t:.3g} | {peer} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=1000)
    parser.add_argument("--aer-pairs", type=int, default=50,
                        help="pairs timed in the Aer loop (per-pair time is extrapolated)")
    parser.add_argument("--circuit-max-n", type=int, default=12)
    args = parser.parse_args()
    key = jax.random.key(0)
    print(f"devices: {jax.devices()}; load average at start {os.getloadavg()}")
    print("| workload | ccq time (s) | peer in the same run |")
    print("|---|---|---|", flush=True)
    aer = None
    if aer_available():
        from qiskit_aer import AerSimulator

        aer = AerSimulator(method="statevector")

    # 1. batched swap-test probability, n = 10
    psi, phi = random_states(key, args.pairs, 10), random_states(jax.random.fold_in(key, 1),
                                                                   args.pairs, 10)
    batched = jax.jit(jax.vmap(sim.swap_test_probability))
    t = best_time(lambda: batched(psi, phi))
    peer = "qiskit-aer not installed"
    if aer is not None:
        a, b = np.asarray(psi, np.complex128), np.asarray(phi, np.complex128)
        k = min(args.aer_pairs, args.pairs)
        t0 = time.perf_counter()
        aer_p = [aer_swap_test(a[i], b[i], aer) for i in range(k)]
        t_aer = (time.perf_counter() - t0) / k * args.pairs
        ours = np.asarray(batched(psi, phi))[:k]
        assert np.allclose(aer_p, ours, atol=1e-4), "Aer and ccq disagree"
        peer = (f"Aer loop {t_aer:.3g} s; algorithmic ratio (formula vs Aer full circuit "
                f"incl. transpile) {t_aer / t:.0f}x (target >= 10x)")
    a_np, b_np = np.asarray(psi), np.asarray(phi)
    t_np = best_time(lambda: (1 + np.abs(np.einsum("ij,ij->i", a_np.conj(), b_np)) ** 2) / 2)
    peer += f"; like-for-like (same formula in numpy {t_np:.3g} s) {t_np / t:.1f}x"
    report((f"swap-test probability, {args.pairs} pairs, n=10 (vmap)", t, peer))

    # 2. reflection about a state, n = 20 and 24, against a numpy copy of the same array
    reflect = jax.jit(sim.reflect_about)
    inner = jax.jit(jnp.vdot)  # the reflection's first pass, timed alone to locate its cost
    for n in (20, 24):
        x, p = random_states(jax.random.fold_in(key, n), 2, n)
        t = best_time(lambda x=x, p=p: reflect(x, p))
        host = np.asarray(x)
        t_copy = best_time(lambda host=host: host.copy())
        hp = np.asarray(p)
        t_np = best_time(lambda host=host, hp=hp: 2 * np.vdot(hp, host) * hp - host)
        report((f"reflection about a state, n={n}", t,
                f"numpy copy {t_copy:.3g} s; ratio {t / t_copy:.2f}x of copy"
                + (" (target <= 3x)" if n == 24 else "")
                + f"; like-for-like: numpy reflection {t_np:.3g} s, ccq/numpy "
                f"{t / t_np:.2f}x"))
        t_dot = best_time(lambda x=x, p=p: inner(p, x))
        report((f"inner product <p|x> alone, n={n}", t_dot,
                f"ratio {t_dot / t_copy:.2f}x of the numpy copy"))

    # 3. full swap-test circuit, n = 8..12 (2n+1 qubits)
    circuit = jax.jit(sim.swap_test_circuit)
    for n in range(8, args.circuit_max_n + 1):
        a, b = random_states(jax.random.fold_in(key, 100 + n), 2, n)
        t = best_time(lambda a=a, b=b: circuit(a, b), repeat=3)
        peer = "qiskit-aer not installed"
        if aer is not None:
            an, bn = np.asarray(a, np.complex128), np.asarray(b, np.complex128)
            aer_swap_test(an, bn, aer)  # warm-up
            timings = {}
            p_aer = aer_swap_test(an, bn, aer, timings)
            t_aer = timings["run"] + timings["transpile"]
            assert abs(p_aer - float(circuit(a, b))) < 1e-4, "Aer and ccq disagree"
            peer = (f"Aer run {timings['run']:.3g} s + transpile {timings['transpile']:.3g} s; "
                    f"like-for-like (same circuit, Aer run only) {timings['run'] / t:.1f}x; "
                    f"+transpile {t_aer / t:.1f}x")
        report((f"full swap-test circuit, n={n} ({2 * n + 1} qubits)", t, peer))

    # 4. noise kernels (issue 20): trajectories vmapped over draws vs the density path
    steps = [(sim.depolarizing_kraus(0.1), q) for q in range(6)]
    psi6 = random_states(jax.random.fold_in(key, 6), 1, 6)[0]
    draws = 4096
    t_traj = best_time(lambda: sim.trajectory_density(key, psi6, steps, draws), repeat=3)

    def density():
        return sim.apply_channel_each(sim.density_matrix(psi6), sim.depolarizing_kraus(0.1),
                                      range(6))

    t_dm = best_time(density, repeat=3)
    report((f"{draws} noise trajectories, 6 qubits, 6 channels (vmap, incl. jit dispatch)",
            t_traj, f"density-matrix path {t_dm:.3g} s (exact; the trajectory average "
            f"converges to it)"))
    print(f"load average at end {os.getloadavg()}", flush=True)


if __name__ == "__main__":
    main()
