"""Bad inputs give a clear error, never a silent wrong value: every public name, fuzzed.

``ENTRY_POINTS`` is the registry: one entry per public name (``ccq.__all__`` and the ``__all__``
of every subpackage and module it lists). :func:`test_every_public_name_has_an_entry` fails when
another branch adds a name without an entry, so coverage is checkable. Each entry is

* ``Bad(thunk, ...)``: calls that must raise ``ValueError`` or ``TypeError`` (``KeyError`` for a
  name looked up in a table) with a message (the audit's cases
  of issue #15 are among them, marked ``# audit``);
* ``Fuzz(fn, valid, params)``: hypothesis draws one parameter and a bad value for it (NaN,
  +-inf, out of range, non-integer counts) with the others valid; the call must raise;
* ``Covered(reason)``: a constant, a record type, a function of no arguments, or a subpackage
  whose members have entries of their own.

Every bound's ``__call__`` and ``numeric`` refuse values outside each symbol's domain
(:func:`test_every_bound_refuses_values_outside_its_domains`).
"""

from __future__ import annotations

import dataclasses
import inspect
import math
import types

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ccq
from ccq import attacks, bounds, collectives, compress, sim, sketches
from ccq.bounds import registry

NAN, INF = float("nan"), float("inf")
KEY = jax.random.key(0)
PSI = jnp.array([1.0, 0.0], jnp.complex64)
PHI = jnp.array([0.6, 0.8], jnp.complex64)
RHO = sim.density_matrix(PSI)


@dataclasses.dataclass
class Bad:
    thunks: tuple

    def __init__(self, *thunks):
        self.thunks = thunks


@dataclasses.dataclass
class Fuzz:
    fn: object
    valid: dict
    params: dict          # name -> hypothesis strategy of bad values
    extra: tuple = ()     # Bad thunks as well


@dataclasses.dataclass
class Covered:
    reason: str


# ---------------------------------------------------------------- bad-value strategies

_nonfinite = st.sampled_from([NAN, INF, -INF])


def outside(lo=-math.inf, hi=math.inf, *, lo_open=False, hi_open=False):
    """Floats outside [lo, hi] (an open end excludes the end itself too), and non-finite."""
    parts = [_nonfinite]
    if math.isfinite(lo):
        parts.append(st.floats(-1e9, lo, exclude_max=not lo_open))
    if math.isfinite(hi):
        parts.append(st.floats(hi, 1e9, exclude_min=not hi_open))
    return st.one_of(*parts)


def bad_count(minimum=1):
    """Integers below ``minimum``, non-integer floats, non-finite values."""
    return st.one_of(st.integers(-10**6, minimum - 1),
                     st.floats(0.01, 1e3).filter(lambda v: not v.is_integer()), _nonfinite)


PROB = outside(0, 1)
UNIT_LOPEN = outside(0, 1, lo_open=True)      # (0, 1]
UNIT_OPEN = outside(0, 1, lo_open=True, hi_open=True)
POSITIVE = outside(0, lo_open=True)


def _mlp():
    from ccq.train import mlp_classifier

    m = mlp_classifier(4, 3, (5,))
    p = m.init(jax.random.key(0))
    g = jax.grad(m.loss)(p, jnp.full((1, 4), 0.5), jnp.array([1]))
    return m, p, g


def _invert(**kw):
    m, p, g = _mlp()
    args = dict(batch=1, n_features=4, n_classes=3, steps=2, image_shape=(2, 2)) | kw
    observed = args.pop("observed", g)
    return attacks.invert(KEY, m, p, observed, **args)


def _nan_grad():
    m, p, g = _mlp()
    return jax.tree_util.tree_map(lambda t: t.at[(0,) * t.ndim].set(NAN), g)


def _toy_experiment():
    from ccq.experiment import Experiment

    @dataclasses.dataclass(frozen=True)
    class C:
        n: int

    return Experiment("toy", lambda k, c: {"x": c.n}, grid=[C(1)], quick=[])


# ---------------------------------------------------------------- the registry

ENTRY_POINTS: dict[str, object] = {
    # ---- ccq
    "ccq.Cost": Bad(lambda: ccq.Cost(qubits=NAN), lambda: ccq.Cost(bits=-1),
                    lambda: ccq.Cost(rounds=INF),
                    lambda: ccq.Cost(1).repeat_sequential(2.5),        # audit
                    lambda: ccq.Cost(1).repeat_sequential(-1), lambda: ccq.Cost(1) * -1),
    "ccq.Outcome": Bad(lambda: ccq.Outcome(1, cost=3), lambda: ccq.Outcome(1, ccq.Cost(), [1])),
    "ccq.gapip": Fuzz(ccq.gapip, {"method": "swap", "tau": 0.2},
                      {"tau": UNIT_LOPEN, "delta": UNIT_OPEN, "budget": bad_count()},
                      (lambda: ccq.gapip("nope", 0.2),
                       lambda: ccq.gapip("swap", 0.2).error(NAN),              # audit
                       lambda: ccq.gapip("swap", 0.2).error(2.0),              # audit
                       lambda: ccq.gapip("simhash", 0.2).error(-1.5),
                       lambda: ccq.gapip("swap", 0.2).sample_overlap(KEY, NAN),  # audit
                       lambda: ccq.gapip("ae", 0.2).sample_overlap(KEY, 3.0),
                       lambda: ccq.gapip("ams", 0.2).error(0.2),   # law depends on (g, h)
                       lambda: ccq.gapip("ams", 0.2).sample_overlap(KEY, 0.2),
                       lambda: ccq.gapip("ams", 0.2, bits=0),
                       lambda: ccq.gapip("ae", 0.2, noise=0.1),
                       lambda: ccq.gapip("simhash", 0.2, noise=ccq.noise.Noise(dephasing=0.1)),
                       lambda: ccq.gapip("ae", 0.2, budget=4,
                                         noise=ccq.noise.Noise(dephasing=0.1)).sample_overlap(
                                             KEY, 0.5))),
    "ccq.tieaudit": Fuzz(ccq.tieaudit, {"method": "quantum", "eps": 0.25},
                         {"eps": UNIT_LOPEN, "delta": UNIT_OPEN, "budget": bad_count()},
                         (lambda: ccq.tieaudit("nope", 0.25),
                          lambda: ccq.tieaudit("birthday", 0.25,
                                               noise=ccq.noise.Noise(dephasing=0.1)),
                          lambda: ccq.tieaudit("quantum", 0.25, noise="depolarizing"))),
    "ccq.superdense_channel": Fuzz(ccq.superdense_channel, {},
                                   {"fidelity": PROB, "depolarizing": PROB}),
    "ccq.ghz_key_sum": Fuzz(ccq.ghz_key_sum, {"d": 5, "n_parties": 3, "copies": 100,
                                              "n_test": 10, "q_tol": 0.0},
                            {"copies": bad_count(2), "n_test": bad_count(),
                             "q_tol": PROB, "eps": outside(0, 1, lo_open=True, hi_open=True)},
                            (lambda: ccq.ghz_key_sum(4, 3, 100, n_test=10, q_tol=0.0),
                             lambda: ccq.ghz_key_sum(5, 1, 100, n_test=10, q_tol=0.0),
                             lambda: ccq.ghz_key_sum(5, 3, 100, n_test=200, q_tol=0.0))),
    "ccq.ghz_sum": Fuzz(ccq.ghz_sum, {"d": 4}, {"d": bad_count(2)},
                        (lambda: ccq.ghz_sum(4, method="nope"),)),
    "ccq.ring_allreduce": Bad(lambda: ccq.ring_allreduce(jnp.ones(3), "i", link="nope")),
    "ccq.ring_cost": Fuzz(ccq.ring_cost, {"n_workers": 4, "payload_bits": 64},  # 1 worker: 0
                          {"n_workers": bad_count(1), "payload_bits": bad_count(0)},
                          (lambda: ccq.ring_cost(4, 64, link="nope"),
                           lambda: ccq.ring_cost(4, 64, phase="nope"))),
    "ccq.Claim": Bad(lambda: ccq.Claim("a", "b", "c", "d", "e", "maybe")),
    "ccq.calculator": Covered("module; fuzzed in tests/test_calculator*.py (owned by #16)"),
    "ccq.cli": Covered("module; every command is exercised in tests/test_cli.py"),
    "ccq.claims": Bad(lambda: ccq.Claim("a", "b", "c", "d", "e", "holds?")),
    "ccq.data": Covered("module of data sets; see ccq.data.* entries"),
    "ccq.experiment": Bad(
        lambda: ccq.experiment.run_trials(lambda k: k, KEY, 0),
        lambda: ccq.experiment.run_trials(lambda k: k, KEY, 2.5),
        lambda: ccq.experiment.run_trials(lambda k: k, 0, 3),
        lambda: ccq.experiment.run_experiment(_toy_experiment(), 0, "/tmp")),
    "ccq.fit": Bad(lambda: ccq.fit.fit_power_law([1, 2, 3], [1, NAN, 3]),
                   lambda: ccq.fit.fit_power_law([1, 2, 3], [1, 2]),
                   lambda: ccq.fit.fit_power_law([1, 2, 3], [1, 2, 3], level=1.5),
                   lambda: ccq.fit.fit_power_law([-1, 2, 3], [1, 2, 3])),
    "ccq.train": Covered("module; see ccq.train.* entries"),
    # ---- ccq.sim
    **{f"ccq.sim.{g}": Covered("a constant gate matrix") for g in
       ("CNOT", "SWAP", "H", "I2", "S", "T", "X", "Y", "Z")},
    "ccq.sim.amplitude_encode": Bad(lambda: sim.amplitude_encode(jnp.array([NAN, 1.0])),
                                    lambda: sim.amplitude_encode(jnp.zeros(4)),
                                    lambda: sim.amplitude_encode(jnp.ones((2, 2)))),
    "ccq.sim.augmented_encode": Bad(lambda: sim.augmented_encode(jnp.array([NAN, 1.0])),
                                    lambda: sim.augmented_encode(jnp.array([3.0, 0.0]))),
    "ccq.sim.basis_state": Bad(lambda: sim.basis_state(-1, 2), lambda: sim.basis_state(4, 2),
                               lambda: sim.basis_state(0, -1), lambda: sim.basis_state(0, 2.5)),
    "ccq.sim.complex_dtype": Covered("no arguments"),
    "ccq.sim.real_dtype": Covered("no arguments"),
    "ccq.sim.num_qubits": Bad(lambda: sim.num_qubits(2.5),                      # audit
                              lambda: sim.num_qubits(0), lambda: sim.num_qubits(NAN)),
    "ccq.sim.apply_controlled": Bad(
        lambda: sim.apply_controlled(sim.basis_state(0, 2), sim.X, [0], [0]),
        lambda: sim.apply_controlled(sim.basis_state(0, 2), sim.X, [0], [5]),
        lambda: sim.apply_controlled(sim.basis_state(0, 2), sim.CNOT, [0], [1])),
    "ccq.sim.apply_gate": Bad(lambda: sim.apply_gate(sim.basis_state(0, 2), sim.H, [2]),
                              lambda: sim.apply_gate(sim.basis_state(0, 2), sim.CNOT, [0]),
                              lambda: sim.apply_gate(jnp.ones(3), sim.H, [0])),
    "ccq.sim.controlled": Bad(lambda: sim.controlled(sim.X, -1),
                              lambda: sim.controlled(sim.X, 1.5),
                              lambda: sim.controlled(jnp.ones((2, 3)), 1)),
    **{f"ccq.sim.{r}": Bad(lambda r=r: getattr(sim, r)(NAN), lambda r=r: getattr(sim, r)(INF))
       for r in ("phase", "rx", "ry", "rz")},
    "ccq.sim.reflect_about": Bad(lambda: sim.reflect_about(PSI, 3 * PHI),
                                 lambda: sim.reflect_about(PSI, sim.basis_state(0, 2))),
    "ccq.sim.expectation": Bad(lambda: sim.expectation(PSI, sim.CNOT, [0]),
                               lambda: sim.expectation(PSI, sim.Z, [3])),
    "ccq.sim.marginal_probabilities": Bad(lambda: sim.marginal_probabilities(PSI, [1]),
                                          lambda: sim.marginal_probabilities(PSI, [-1])),
    "ccq.sim.probabilities": Bad(lambda: sim.probabilities(jnp.array([NAN, 1.0])),
                                 lambda: sim.probabilities(jnp.ones(3))),
    "ccq.sim.sample": Bad(lambda: sim.sample(KEY, PSI, 0), lambda: sim.sample(KEY, PSI, 2.5),
                          lambda: sim.sample(0, PSI, 3)),
    **{f"ccq.sim.{f}": Bad(lambda f=f: getattr(sim, f)(3 * PSI, PSI),           # audit
                           lambda f=f: getattr(sim, f)(PSI, jnp.array([NAN, 1.0])),
                           lambda f=f: getattr(sim, f)(PSI, sim.basis_state(0, 2)))
       for f in ("swap_test_circuit", "swap_test_probability", "swap_test_state")},
    "ccq.sim.apply_kraus": Bad(lambda: sim.apply_kraus(RHO, sim.depolarizing_kraus(0.1), [3]),
                               lambda: sim.apply_kraus(RHO, [2 * sim.X], [0])),
    "ccq.sim.apply_unitary_dm": Bad(lambda: sim.apply_unitary_dm(RHO, sim.CNOT, [0]),
                                    lambda: sim.apply_unitary_dm(RHO, sim.X, [4])),
    "ccq.sim.bell_state": Covered("no arguments"),
    "ccq.sim.density_matrix": Bad(lambda: sim.density_matrix(jnp.array([NAN, 1.0])),
                                  lambda: sim.density_matrix(3 * PSI)),
    "ccq.sim.depolarizing_kraus": Fuzz(sim.depolarizing_kraus, {"p": 0.1},
                                       {"p": outside(0, 4 / 3)}),      # CP up to p = 4/3
    "ccq.sim.fidelity": Bad(lambda: sim.fidelity(2 * RHO, RHO),                  # audit
                            lambda: sim.fidelity(RHO, jnp.eye(3) / 3),
                            lambda: sim.fidelity(RHO * NAN, RHO)),
    "ccq.sim.trace_distance": Bad(lambda: sim.trace_distance(2 * RHO, RHO),
                                  lambda: sim.trace_distance(RHO, jnp.eye(3) / 3)),
    "ccq.sim.partial_trace": Bad(lambda: sim.partial_trace(sim.bell_state(), [2]),
                                 lambda: sim.partial_trace(jnp.ones((3, 3)), [0])),
    "ccq.sim.werner_state": Fuzz(sim.werner_state, {"fidelity": 0.9}, {"fidelity": PROB}),
    "ccq.sim.dephasing_kraus": Fuzz(sim.dephasing_kraus, {"p": 0.1}, {"p": PROB}),
    "ccq.sim.amplitude_damping_kraus": Fuzz(sim.amplitude_damping_kraus, {"gamma": 0.1},
                                            {"gamma": PROB}),
    "ccq.sim.erasure_replaced_kraus": Fuzz(sim.erasure_replaced_kraus, {"p": 0.1}, {"p": PROB}),
    "ccq.sim.apply_channel_each": Bad(
        lambda: sim.apply_channel_each(RHO, sim.dephasing_kraus(0.1), [3]),
        lambda: sim.apply_channel_each(RHO, [2 * sim.X], [0])),
    "ccq.sim.apply_channel_trajectory": Bad(
        lambda: sim.apply_channel_trajectory(KEY, PSI, sim.dephasing_kraus(0.1), 3),
        lambda: sim.apply_channel_trajectory(KEY, 3 * PSI, sim.dephasing_kraus(0.1), 0),
        lambda: sim.apply_channel_trajectory(0, PSI, sim.dephasing_kraus(0.1), 0)),
    "ccq.sim.channel_trajectory": Bad(
        lambda: sim.channel_trajectory(KEY, 3 * PSI, [(sim.dephasing_kraus(0.1), 0)]),
        lambda: sim.channel_trajectory(KEY, PSI, [(sim.dephasing_kraus(0.1), 5)])),
    "ccq.sim.trajectory_density": Bad(
        lambda: sim.trajectory_density(KEY, PSI, [(sim.dephasing_kraus(0.1), 0)], 0),
        lambda: sim.trajectory_density(KEY, PSI, [(sim.dephasing_kraus(0.1), 0)], 2.5),
        lambda: sim.trajectory_density(KEY, jnp.full(2, NAN), [(sim.dephasing_kraus(0.1), 0)],
                                       10)),
    # ---- ccq.sketches
    **{f"ccq.sketches.{f}": Fuzz(getattr(sketches, f), {"key": KEY, "x": jnp.ones(8), "k": 4},
                                 {"k": bad_count()},
                                 (lambda f=f: getattr(sketches, f)(0, jnp.ones(8), 4),
                                  lambda f=f: getattr(sketches, f)(KEY, jnp.full(8, NAN), 4)))
       for f in ("gaussian_sketch", "simhash")},
    # ---- ccq.bounds (each bound's domains: test_every_bound_refuses_values_outside...)
    "ccq.bounds.Bound": Bad(
        lambda: bounds.Bound("x", 1, "s", "maybe", "src"),
        lambda: bounds.Bound("x", 1, "s", "exact", "src", quantity="apples"),
        lambda: bounds.Bound("x", 1, "s", "exact", "src", ranges={"q": (0, 1)})),
    "ccq.bounds.KINDS": Covered("a constant"),
    "ccq.bounds.QUANTITIES": Covered("a constant"),
    "ccq.bounds.NAMED_RANGES": Covered("a constant"),
    "ccq.bounds.Crossover": Covered("a record returned by crossover"),
    "ccq.bounds.crossover": Bad(                                                 # audit
        lambda: bounds.crossover(bounds.get("gapip.swap_qubits"), bounds.get("gapip.exact_bits"),
                                 "tau", P=-5, delta=0.05, b=8),
        lambda: bounds.crossover(bounds.get("gapip.swap_qubits"), bounds.get("gapip.exact_bits"),
                                 "tau", P=NAN, delta=0.05, b=8),
        lambda: bounds.crossover(bounds.get("gapip.swap_qubits"), bounds.get("gapip.exact_bits"),
                                 "nope", P=16, delta=0.05, b=8)),
    "ccq.bounds.crossover_formula": Bad(
        lambda: bounds.crossover_formula(bounds.get("swap.acceptance"),
                                         bounds.get("swap.acceptance"), "nope")),
    "ccq.bounds.registry": Covered("no arguments"),
    "ccq.bounds.get": Bad(lambda: bounds.get("no.such.bound")),
    # ---- ccq.compress
    "ccq.compress.Compressor": Covered("a record built by the factories below"),
    "ccq.compress.CompressState": Covered("a record built by Compressor.init"),
    "ccq.compress.Comm": Covered("built by the compressors inside a named-axis trace; "
                                 "not called by users"),
    "ccq.compress.bit_count": Bad(lambda: compress.bit_count(jnp.zeros(3, jnp.uint32)),
                                  lambda: compress.bit_count(jnp.zeros((2, 2), jnp.uint32))),
    "ccq.compress.wrap": Bad(lambda: compress.wrap(lambda tx: tx, "top_k")),
    "ccq.compress.as_aggregator": Bad(lambda: compress.as_aggregator("top_k")),
    "ccq.compress.link_bits": Bad(
        lambda: compress.link_bits(compress.top_k(2), {"w": jnp.ones(4)}, n_workers=0)),
    "ccq.compress.worker_axis": Bad(lambda: compress.worker_axis({"w": jnp.ones((3, 2))}, 2),
                                    lambda: compress.worker_axis({"w": jnp.ones((2, 2))}, 0)),
    "ccq.compress.no_compression": Fuzz(compress.no_compression, {},
                                        {"n_workers": bad_count()}),
    "ccq.compress.top_k": Fuzz(compress.top_k, {"k": 2}, {"k": bad_count(),
                                                         "n_workers": bad_count()}),
    "ccq.compress.qsgd": Fuzz(compress.qsgd, {}, {"levels": bad_count(), "bucket": bad_count(),
                                                  "n_workers": bad_count()}),
    "ccq.compress.sign_mv": Fuzz(compress.sign_mv, {}, {"n_workers": bad_count()}),
    "ccq.compress.error_feedback": Bad(lambda: compress.error_feedback("top_k")),
    "ccq.compress.power_sgd": Fuzz(compress.power_sgd, {}, {"rank": bad_count(),
                                                           "n_workers": bad_count()}),
    "ccq.compress.lq_sgd": Fuzz(compress.lq_sgd, {}, {"rank": bad_count(), "bits": bad_count(),
                                                     "alpha": POSITIVE}),
    "ccq.compress.gram_schmidt": Bad(lambda: compress.gram_schmidt(jnp.full((4, 2), NAN)),
                                     lambda: compress.gram_schmidt(jnp.ones(4))),
    "ccq.compress.log_encode": Fuzz(compress.log_encode, {"x": jnp.ones(4), "bits": 4},
                                    {"bits": bad_count(), "alpha": POSITIVE},
                                    (lambda: compress.log_encode(jnp.full(4, NAN), 4),)),
    "ccq.compress.log_decode": Fuzz(compress.log_decode, {"codes": jnp.zeros(4, jnp.int32),
                                                          "scale": 1.0, "bits": 4},
                                    {"bits": bad_count(), "alpha": POSITIVE, "scale": outside(0)}),
    "ccq.compress.log_levels": Fuzz(compress.log_levels, {"bits": 4}, {"bits": bad_count()}),
    "ccq.compress.log_roundtrip": Fuzz(compress.log_roundtrip, {"x": jnp.ones(4), "bits": 4},
                                       {"bits": bad_count(), "alpha": POSITIVE}),
    "ccq.compress.log_roundtrip_bound": Fuzz(compress.log_roundtrip_bound,
                                             {"x": jnp.ones(4), "bits": 4},
                                             {"bits": bad_count(), "alpha": POSITIVE}),
    # ---- ccq.collectives
    "ccq.collectives.CODES": Covered("a constant"),
    "ccq.collectives.LINKS": Covered("a constant"),
    "ccq.collectives.PHASES": Covered("a constant"),
    "ccq.collectives.Link": Covered("a record built by classical_link / superdense_link"),
    "ccq.collectives.RingCost": Covered("a record returned by ring_cost"),
    "ccq.collectives.classical_link": Fuzz(collectives.classical_link, {},
                                           {"bits": bad_count(), "scale": POSITIVE}),
    "ccq.collectives.ring_aggregator": Bad(lambda: collectives.ring_aggregator("nope")),
    "ccq.collectives.ring_allreduce": Bad(
        lambda: collectives.ring_allreduce(jnp.ones(3), "i", link="nope")),
    "ccq.collectives.ring_cost": Fuzz(collectives.ring_cost, {"n_workers": 4, "payload_bits": 64},
                                      {"n_workers": bad_count(1), "payload_bits": bad_count(0)}),
    "ccq.collectives.superdense_link": Fuzz(collectives.superdense_link, {},
                                            {"fidelity": PROB, "bits": bad_count(),
                                             "depolarizing": PROB},
                                            (lambda: collectives.superdense_link(code="nope"),)),
    # ---- ccq.attacks
    "ccq.attacks.ATTACKS": Covered("a constant"),
    "ccq.attacks.invert": Bad(lambda: _invert(lr=NAN), lambda: _invert(steps=-1),  # audit
                              lambda: _invert(observed=_nan_grad()),                # audit
                              lambda: _invert(attack="nope"), lambda: _invert(batch=0)),
    "ccq.attacks.infer_labels": Bad(lambda: attacks.infer_labels(jnp.ones(4), 0),
                                    lambda: attacks.infer_labels(jnp.ones(4), 5),
                                    lambda: attacks.infer_labels(jnp.array([NAN, 1.0]), 1)),
    "ccq.attacks.soft_label_loss": Bad(lambda: attacks.soft_label_loss("model")),
    "ccq.attacks.OPTIMIZERS": Covered("a constant"),
    "ccq.attacks.dp_message": Bad(lambda: attacks.dp_message(_mlp()[0], -1.0, 1.0),
                                  lambda: attacks.dp_message(_mlp()[0], 1.0, NAN)),
    "ccq.attacks.dp_epsilon": Fuzz(attacks.dp_epsilon, {"noise_multiplier": 1.0,
                                                        "sampling_rate": 0.1, "steps": 10},
                                   {"noise_multiplier": outside(0, lo_open=True),
                                    "sampling_rate": outside(0, 1, lo_open=True),
                                    "steps": bad_count(),
                                    "delta": outside(0, 1, lo_open=True, hi_open=True)}),
    "ccq.attacks.replay": Bad(lambda: attacks.replay("top_k", {"w": jnp.zeros(2)},
                                                     [{"w": jnp.zeros(2)}], [KEY])),
    "ccq.attacks.invert_rounds": Bad(
        lambda: attacks.invert_rounds(KEY, _mlp()[0], [], [], batch=1, n_features=4,
                                      n_classes=3),
        lambda: attacks.invert_rounds(KEY, _mlp()[0], [_mlp()[1]], [_mlp()[2]], batch=1,
                                      n_features=4, n_classes=3, steps=-1)),
    "ccq.attacks.transmitted": Bad(lambda: attacks.transmitted(compress.top_k(2), {}, {}, 0)),
    "ccq.attacks.total_variation": Bad(lambda: attacks.total_variation(jnp.ones(4)),
                                       lambda: attacks.total_variation(jnp.full((2, 2), NAN))),
    "ccq.attacks.mse": Bad(lambda: attacks.mse(jnp.ones((4, 4)), jnp.ones((4, 3)))),
    "ccq.attacks.psnr": Bad(lambda: attacks.psnr(jnp.ones((4, 4)), jnp.ones((1, 4))),  # audit
                            lambda: attacks.psnr(jnp.ones((4, 4)), jnp.ones((4, 4)), eps=-1)),
    "ccq.attacks.ssim": Bad(lambda: attacks.ssim(jnp.ones((2, 2)), jnp.ones((2, 2))),  # audit
                            lambda: attacks.ssim(jnp.ones((8, 8)), jnp.ones((8, 7)))),
    "ccq.attacks.match_batch": Bad(lambda: attacks.match_batch(np.ones((2, 3)), np.ones((3, 3)))),
    "ccq.attacks.label_accuracy": Bad(lambda: attacks.label_accuracy([1, 2], [1]),   # audit
                                      lambda: attacks.label_accuracy([], [])),
}


def _public_names() -> set[str]:
    names = set()
    for n in ccq.__all__:
        names.add(f"ccq.{n}")
        obj = getattr(ccq, n)
        if isinstance(obj, types.ModuleType) and hasattr(obj, "__path__"):   # a subpackage
            for m in getattr(obj, "__all__", ()):
                names.add(f"ccq.{n}.{m}")
    return names


SUBPACKAGES = {f"ccq.{n}" for n in ccq.__all__
               if hasattr(getattr(ccq, n), "__path__")}


def test_every_public_name_has_an_entry():
    names = _public_names()
    missing = sorted(names - set(ENTRY_POINTS) - SUBPACKAGES)
    assert not missing, f"public names without a fuzz entry in tests/test_fuzz.py: {missing}"
    stale = sorted(set(ENTRY_POINTS) - names)
    assert not stale, f"entries for names that are no longer public: {stale}"


def _raises_clearly(thunk):
    try:
        out = thunk()
    except (ValueError, TypeError, KeyError) as err:     # KeyError: an unknown name looked up
        assert str(err), "an error must say what is wrong"
        return None
    return out


BAD_CASES = [(name, i, thunk) for name, e in sorted(ENTRY_POINTS.items())
             for i, thunk in enumerate(e.thunks if isinstance(e, Bad) else
                                       e.extra if isinstance(e, Fuzz) else ())]


@pytest.mark.parametrize("name,i,thunk", BAD_CASES, ids=[f"{n}[{i}]" for n, i, _ in BAD_CASES])
def test_bad_call_raises_a_clear_error(name, i, thunk):
    out = _raises_clearly(thunk)
    assert out is None, f"{name} case {i}: returned {out!r} instead of raising"


FUZZ = sorted((n, e) for n, e in ENTRY_POINTS.items() if isinstance(e, Fuzz))


@pytest.mark.parametrize("name,entry", FUZZ, ids=[n for n, _ in FUZZ])
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_fuzzed_parameter_raises_a_clear_error(name, entry, data):
    param = data.draw(st.sampled_from(sorted(entry.params)), label="parameter")
    value = data.draw(entry.params[param], label=param)
    sig = inspect.signature(entry.fn)
    args = dict(entry.valid) | {param: value}
    bound = sig.bind_partial(**args)
    out = _raises_clearly(lambda: entry.fn(*bound.args, **bound.kwargs))
    assert out is None, f"{name}({param}={value!r}) returned {out!r} instead of raising"


def _outside_values(bound, symbol):
    import sympy as sp

    dom = bound.domain(symbol)
    values = [NAN, INF]
    lo, hi = dom.inf, dom.sup
    if lo.is_finite:
        values.append(float(lo) - 1.0)
        if isinstance(dom, sp.Interval) and dom.left_open:
            values.append(float(lo))
    if hi.is_finite:
        values.append(float(hi) + 1.0)
        if isinstance(dom, sp.Interval) and dom.right_open:
            values.append(float(hi))
    if isinstance(dom, sp.FiniteSet):
        values.append(float(min(dom)) + 0.5)
    if bound.is_integer(symbol):
        values.append(bounds._bound.value_in(dom, 0.5) + 0.5)
    return values


@pytest.mark.parametrize("name", sorted(registry()))
def test_every_bound_refuses_values_outside_its_domains(name):
    """``ae.error(M=10, a=2)``, ``tieaudit.quantum_copies(eps=5)``, ``edge_outcome_probability(
    parity=5)`` of the audit, and every other symbol of every bound, in evaluate and numeric."""
    b = registry()[name]
    valid = bounds._bound.point_in_domain(b, {})
    for symbol in b.symbols:
        for value in _outside_values(b, symbol):
            point = valid | {symbol: value}
            for form in (b, b.numeric):
                with pytest.raises(ValueError, match=symbol):
                    form(**point)


AUDIT_DOMAINS = [("ae.error", {"M": 10, "a": 2}),
                 ("tieaudit.quantum_copies", {"eps": 5, "delta": 0.05}),
                 ("tieaudit.edge_outcome_probability", {"parity": 5, "P": 8})]


@pytest.mark.parametrize("name,values", AUDIT_DOMAINS)
def test_audit_bound_cases(name, values):
    b = bounds.get(name)
    for form in (b, b.numeric):
        with pytest.raises(ValueError, match="outside"):
            form(**values)


def test_audit_array_cases_and_probability_results():
    from ccq.protocols.ghz_verify import verified_ghz_sum_vector
    from ccq.protocols.superdense import mutual_information, transmit_symbols

    x = jnp.array([[1, 3], [2, 3], [0, 3]])
    fn = verified_ghz_sum_vector(2, 3)
    for bad in (2.0, -1.0, NAN):                                                 # audit
        with pytest.raises(ValueError, match="pass_z"):
            fn(KEY, x, pass_z=jnp.full(4, bad))
    with pytest.raises(ValueError, match="symbols"):                             # audit
        transmit_symbols(KEY, jnp.array([0, 5]), 0.9)
    with pytest.raises(ValueError, match="fidelity"):                            # audit
        transmit_symbols(KEY, jnp.array([0, 1]), jnp.array([0.9, 1.5]))
    for m in (np.ones((4, 4)), np.eye(3), np.full((4, 4), NAN)):                  # audit
        with pytest.raises(ValueError, match="channel"):
            mutual_information(m)
    # a probability computed in complex64 stays in [0, 1] (it was 1.0000001 and 1.0000062)
    psi = sim.amplitude_encode(jnp.arange(1.0, 17.0))
    assert float(sim.swap_test_probability(psi, psi)) <= 1.0
    w = sim.werner_state(0.8)
    assert 0.0 <= float(sim.fidelity(w, w)) <= 1.0
