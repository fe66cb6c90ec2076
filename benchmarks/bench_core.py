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


def reflection_variants(key, n: int, repeat: int = 7):
    """Every kernel tried for the reflection ``2 <p|x> p - x`` (issue 20), timed in one run
    against one numpy copy of the same array: ``(name, seconds, copy seconds)`` rows.

    The reflection needs two passes (the inner product before the update), so its memory
    floor is 2 reads + (2 reads + 1 write) = 2.5 copies (a copy reads and writes once). The
    rows locate where XLA's CPU kernels lose against that floor: the reduction (``vdot`` and
    its rewrites: real-view dots on the real and imaginary parts, row-blocked sums, an
    ``einsum``) and the elementwise update alone (``axpy``); numpy's BLAS ``vdot`` is the
    bandwidth reference for the reduction. JAX cannot view complex64 as float32 pairs
    (``lax.bitcast_convert_type`` refuses complex), so the real view goes through
    ``jnp.real`` / ``jnp.imag``. The float32 rows time the same bytes as float32 (a dot, an
    axpy, and the whole reflection on states stored as two float planes): what a float-pair
    representation of ccq's states would cost.
    """
    x, p = random_states(jax.random.fold_in(key, 1000 + n), 2, n)
    host, hp = np.asarray(x), np.asarray(p)

    def real_view_dots(a, b):
        ar, ai, br, bi = jnp.real(a), jnp.imag(a), jnp.real(b), jnp.imag(b)
        return jax.lax.complex(jnp.dot(ar, br) + jnp.dot(ai, bi), jnp.dot(ar, bi) - jnp.dot(ai, br))

    def blocked(a, b, rows=1024):
        return jnp.sum(jnp.sum(jnp.conj(a).reshape(-1, rows) * b.reshape(-1, rows), axis=1))

    def einsum(a, b, rows=4096):
        return jnp.einsum("ij,ij->", jnp.conj(a).reshape(-1, rows), b.reshape(-1, rows))

    def reflect_with(dot):
        return jax.jit(lambda x, p: 2 * dot(p, x) * p - x)

    def planar_reflect(xs, ps):
        # the same reflection on states stored as float32 planes (re; im), shape (2, 2^n):
        # four contiguous float dots and one fused float update
        (xr, xi), (pr, pi) = xs, ps
        re = jnp.dot(pr, xr) + jnp.dot(pi, xi)
        im = jnp.dot(pr, xi) - jnp.dot(pi, xr)
        return jnp.stack([2 * (re * pr - im * pi) - xr, 2 * (re * pi + im * pr) - xi])

    jitted = {name: jax.jit(f) for name, f in (("vdot", jnp.vdot), ("real", real_view_dots),
                                               ("blocked", blocked), ("einsum", einsum),
                                               ("reflect", sim.reflect_about),
                                               ("planar", planar_reflect),
                                               ("fdot", jnp.dot))}
    fused_real, fused_einsum = reflect_with(real_view_dots), reflect_with(einsum)
    axpy = jax.jit(lambda x, p, c: 2 * c * p - x)
    c0, r0 = jnp.complex64(0.3 + 0.1j), jnp.float32(0.3)
    xs, ps = jnp.stack([jnp.real(x), jnp.imag(x)]), jnp.stack([jnp.real(p), jnp.imag(p)])
    xf, pf = xs.reshape(-1), ps.reshape(-1)          # the same bytes as x, p, in float32
    kernels = [
        ("numpy BLAS vdot (host reference)", lambda: np.vdot(hp, host)),
        ("jnp.vdot (ccq's reduction)", lambda: jitted["vdot"](p, x)),
        ("real-view dots", lambda: jitted["real"](p, x)),
        ("row-blocked sum (rows of 1024)", lambda: jitted["blocked"](p, x)),
        ("einsum over rows of 4096", lambda: jitted["einsum"](p, x)),
        ("axpy 2cp - x alone (the update pass)", lambda: axpy(x, p, c0)),
        ("reflect_about (ccq: vdot + axpy, one jit)", lambda: jitted["reflect"](x, p)),
        ("reflection with real-view dots, fused jit", lambda: fused_real(x, p)),
        ("reflection with the einsum reduction, fused jit", lambda: fused_einsum(x, p)),
        ("float32 dot over the same bytes", lambda: jitted["fdot"](pf, xf)),
        ("float32 axpy over the same bytes", lambda: axpy(xf, pf, r0)),
        ("reflection on float32 planes (re; im): 4 dots + fused update",
         lambda: jitted["planar"](xs, ps)),
    ]
    out = np.asarray(jitted["planar"](xs, ps))
    ref = np.asarray(jitted["reflect"](x, p))
    assert np.allclose(out[0] + 1j * out[1], ref, atol=1e-5), "planar reflection disagrees"
    want = np.vdot(hp.astype(np.complex128), host.astype(np.complex128))
    for name, fn in kernels[1:5]:           # every reduction computes the same inner product
        assert abs(complex(fn()) - want) < 1e-3, name
    t_copy = best_time(lambda: host.copy(), repeat)
    return [(name, best_time(fn, repeat), t_copy) for name, fn in kernels]


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
    parser.add_argument("--only-reflection", action="store_true",
                        help="time only the reflection kernels at n = 24")
    args = parser.parse_args()
    if args.only_reflection:
        key = jax.random.key(0)
        print(f"devices: {jax.devices()}; load average at start {os.getloadavg()}")
        print("| workload | ccq time (s) | peer in the same run |")
        print("|---|---|---|", flush=True)
        for name, t_var, t_copy in reflection_variants(key, 24):
            report((f"reflection kernel at n=24: {name}", t_var,
                    f"{t_var / t_copy:.2f}x of copy (copy {t_copy:.3g} s, same run)"))
        print(f"load average at end {os.getloadavg()}", flush=True)
        return
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
        aer_p, runs = [], []
        for i in range(k):
            timings = {}
            aer_p.append(aer_swap_test(a[i], b[i], aer, timings))
            runs.append(timings["run"])
        t_aer = (time.perf_counter() - t0) / k * args.pairs
        t_run = sum(runs) / k * args.pairs
        ours = np.asarray(batched(psi, phi))[:k]
        assert np.allclose(aer_p, ours, atol=1e-4), "Aer and ccq disagree"
        peer = (f"Aer loop {t_aer:.3g} s, of which run {t_run:.3g} s ({k} pairs timed, "
                f"extrapolated); algorithmic ratio (closed form vs Aer's full 21-qubit circuit) "
                f"{t_aer / t:.3g}x incl. transpile, {t_run / t:.3g}x run only (target >= 10x)")
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

    # 2b. the reflection's kernels at n = 24, every variant against the same copy in one run
    for name, t_var, t_copy in reflection_variants(key, 24):
        report((f"reflection kernel at n=24: {name}", t_var,
                f"{t_var / t_copy:.2f}x of copy (copy {t_copy:.3g} s, same run)"))

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
