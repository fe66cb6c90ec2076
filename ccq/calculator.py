"""Scaling calculators compiled from the sympy bounds: ``ccq calc`` and a self-contained HTML page.

Per-topic tables (:data:`TOPICS`) say what each method of a task (GapIP, TieAudit, ring all-reduce,
...) costs, resource by resource, as bound names of ``ccq.bounds`` (``gapip.ae_qubits``), constants,
or formulas over bound names (``"N * securagg.pairwise_mask_bits / P"``,
``"ceiling(qmodel.inference_shots)"``: the integer budgets the protocols use). A method's total is
its whole cost as the protocol counts it (``tests/test_calculator_crosscheck.py`` compares it with
each protocol's own ``Cost``). A name that is not in ``ccq.bounds`` yet is skipped with a note.

* :func:`evaluate_topic` : every method's cost at given parameters, the winner (or a tie) and the
  crossovers (a numeric scan, with sympy's exact formula attached where it finds one);
* :func:`calc_main` : the ``ccq calc`` command (:mod:`ccq._calculator_cli`);
* :func:`calculator_html` / :func:`write_calculator` : the interactive page
  (:mod:`ccq._calculator_page`), its JavaScript generated from the same sympy expressions.

Cost convention (``docs/cost_model.md``): a method's total is the sum of its topic's ``metric``
resources, one qubit counted like one bit; offline resources (ebit distribution, pre-shared keys)
are part of it where a topic lists them; ebits and rounds are shown beside it, not added. Nothing
here imports jax.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
from collections.abc import Mapping

import numpy as np
import sympy as sp
from sympy.printing.numpy import NumPyPrinter

from .bounds import QUANTITIES, Bound, crossover, crossover_formula, registry
from .bounds._bound import _show_set

__all__ = ["Method", "Topic", "TOPICS", "DEFAULTS", "SLIDERS", "SYMBOLS", "INTEGERS", "ALIASES",
           "COUNTS", "NETWORKS", "evaluate_topic", "check_params", "topic_symbols", "format_topic",
           "format_count", "javascript_function", "calculator_html", "write_calculator",
           "calc_main"]

# ---------------------------------------------------------------------------------- parameters
#: starting value of each symbol (the naming contract's symbols and the ones bounds use today)
DEFAULTS: dict[str, float] = {
    "tau": 0.05, "P": 2**20, "delta": 0.01, "eps": 0.1, "N": 8, "S": 2**20 * 32, "F": 0.95,
    "b": 8, "r": 4, "n": 1000, "m": 1000, "d": 256, "f": 0.1, "copies": 100, "L": 4,
    "overlap": 0.5, "gap": 0.1, "p": 0.75, "z": 1.96, "a": 0.5, "M": 100, "ip": 0.0,
    "k": 1000, "bucket": 512, "levels": 16, "eta": 0.01, "shots": 100, "parity": 1,
}

#: slider range and scale of each symbol: (low, high, logarithmic)
SLIDERS: dict[str, tuple[float, float, bool]] = {
    "tau": (1e-4, 1, True), "P": (2, 1e12, True), "delta": (1e-12, 0.5, True),
    "eps": (1e-4, 0.5, True), "N": (2, 2**30, True), "S": (1, 1e12, True), "F": (0.25, 1, False),
    "b": (1, 32, False), "r": (1, 1024, True), "n": (1, 1e6, True), "m": (1, 1e6, True),
    "d": (2, 1e6, True), "f": (0, 1, False), "copies": (1, 1e6, True), "L": (1, 1000, True),
    "overlap": (0, 1, False), "gap": (1e-4, 1, True), "p": (0.5, 1, False), "z": (0.5, 5, False),
    "a": (0, 1, False), "M": (1, 1e6, True), "ip": (-1, 1, False),
    "k": (1, 1e9, True), "bucket": (1, 1e6, True), "levels": (1, 1024, True),
    "eta": (0, 1, False), "shots": (1, 1e6, True), "parity": (-1, 1, False),
}

#: grid points of the crossover scan, the same in Python and in the page (roots closer than one
#: grid step, a factor (hi/lo)^(1/400) apart, could be missed by both alike)
CROSSOVER_POINTS = 401

#: what each symbol means and its unit (a topic may say more in ``Topic.symbols``)
SYMBOLS: dict[str, tuple[str, str]] = {
    "tau": ("promised margin: |<g,h>| >= tau", "unitless, in (0, 1]"),
    "P": ("vector dimension", "entries"),
    "delta": ("allowed failure probability", "probability"),
    "eps": ("accuracy: additive error or distance", "unitless"),
    "N": ("number of parties", "parties"),
    "S": ("payload each worker all-reduces", "bits"),
    "F": ("fidelity of each shared pair or copy", "unitless, in [0, 1]"),
    "b": ("bits per transmitted entry", "bits"),
    "r": ("rank of the low-rank factors", "rank"),
    "n": ("rows of the gradient matrix", "entries"),
    "m": ("columns of the gradient matrix", "entries"),
    "d": ("qudit dimension", "levels"),
    "f": ("tolerated corrupted fraction", "fraction"),
    "L": ("layers of the model", "layers"),
    "k": ("entries kept by top-k", "entries"),
    "bucket": ("QSGD bucket size", "entries"),
    "levels": ("QSGD quantisation levels", "levels"),
    "eta": ("test-failure probability of one copy", "probability"),
    "shots": ("shots per Grover power", "shots"),
    "overlap": ("squared overlap |<u,v>|^2", "unitless, in [0, 1]"),
    "gap": ("gap between two acceptance probabilities", "probability"),
    "p": ("success probability of one run", "probability"),
    "z": ("normal quantile", "standard deviations"),
    "a": ("amplitude a = sin^2(theta)", "probability"),
    "M": ("Grover applications", "queries"),
    "ip": ("inner product", "unitless, in [-1, 1]"),
    "parity": ("parity bit", "+-1"),
    "copies": ("copies", "copies"),
}

#: symbols that count something: integers only, whatever a bound's assumptions say
INTEGERS = frozenset({"P", "N", "b", "r", "n", "m", "k", "levels", "bucket", "L", "d", "M",
                      "copies", "shots"})

#: long option names accepted by ``ccq calc`` for contract symbols
ALIASES = {"dim": "P", "margin": "tau", "workers": "N", "parties": "N", "fidelity": "F",
           "rank": "r", "bits": "b", "layers": "L", "payload": "S", "error": "delta",
           "bias": "eps"}


# ---------------------------------------------------------------------------------- topic tables
@dataclasses.dataclass(frozen=True)
class Method:
    """One way to solve a topic's task and the bounds that cost it.

    ``costs`` maps a resource (``qubits``, ``bits``, ``ebits``, ``rounds``, ``offline qubits``,
    ``offline key bits``, ``shots``, ``queries``, or ``rate`` for rate topics) to a bound name in
    ``ccq.bounds``, a constant, or a formula over bound names and their symbols
    (``"ceiling(gapip.swap_shots) * gapip.swap_qubits / gapip.swap_shots"``). The resources in
    the topic's ``metric`` add up to the method's total: make it the protocol's whole cost, and
    add a cross-check in ``tests/test_calculator_crosscheck.py``.
    """

    label: str
    family: str       # "quantum", "classical"; or "lower bound" / "reference" (never the winner)
    costs: Mapping[str, str | float]
    note: str = ""


@dataclasses.dataclass(frozen=True)
class Topic:
    """A task, its methods, the symbol on the plot's x axis and the crossovers to report."""

    name: str
    title: str
    x: str
    methods: tuple[Method, ...]
    crossovers: tuple[tuple[str, str], ...] = ()
    metric: tuple[str, ...] = ("qubits", "bits")
    better: str = "lower"             # "lower" (a cost) or "higher" (a rate)
    note: str = ""
    #: symbols fixed by others in this topic, e.g. ``{"P": "n * m"}``: every method then costs
    #: the same gradient (an n x m matrix has P = n m entries)
    subs: Mapping[str, str] = dataclasses.field(default_factory=dict)
    #: this topic's meaning and unit of a symbol, where :data:`SYMBOLS` is too general
    symbols: Mapping[str, tuple[str, str]] = dataclasses.field(default_factory=dict)

    def symbol_info(self, name: str) -> tuple[str, str]:
        """``(meaning, unit)`` of symbol ``name`` in this topic."""
        return self.symbols.get(name) or SYMBOLS.get(name, (name, ""))

    def method(self, label: str) -> Method:
        for m in self.methods:
            if m.label == label:
                return m
        raise KeyError(f"topic {self.name!r} has no method {label!r}")


TOPICS: dict[str, Topic] = {t.name: t for t in (
    Topic("gapip", "GapIP_tau: is <g,h> >= tau or <= -tau?", "tau", (
        Method("swap test (augmented)", "quantum",
               {"qubits": "ceiling(gapip.swap_shots) * gapip.swap_qubits / gapip.swap_shots",
                "rounds": 1},
               note="whole copies: ceil(gapip.swap_shots) registers of 1 + ceil(log2 P) qubits"),
        Method("projection onto Bob's state (one-way)", "quantum",
               {"qubits": "ceiling(gapip.projective_copies) * gapip.swap_qubits / gapip.swap_shots",
                "rounds": 1},
               note="whole copies: ceil(gapip.projective_copies) registers of "
                    "1 + ceil(log2 P) qubits"),
        Method("amplitude estimation", "quantum",
               {"qubits": "gapip.ae_optimal_qubits"},
               note="exact optimum over runs r, Grover applications M and where the control "
                    "lives (ccq.gapip('ae', tau, delta)): tabulated at tau in 0.002..0.5, delta "
                    "0.01 and 0.05, log-interpolated between taus; r runs of 2(M - 1) messages "
                    "(rounds: ccq.gapip(...).cost(P)); outside the table the bound's budget"),
        Method("SimHash (public coins)", "classical",
               {"bits": "2*floor(ceiling(gapip.simhash_bits)/2) + 1", "rounds": 1},
               note="an odd number of sign bits (majority vote)"),
        Method("sign sketch, real receiver (public coins)", "classical",
               {"bits": "ceiling(gapip.sign_optimal_bits)", "rounds": 1},
               note="sign bits of shared Gaussian projections at the exact optimum "
                    "(gapip.sign_optimal_bits: tabulated; Chernoff's gapip.sign_bits outside)"),
        Method("Gaussian / JL sketch", "classical",
               {"bits": "gapip.jl_bits / gapip.jl_rows * ceiling(gapip.jl_rows)", "rounds": 1},
               note="ceil(gapip.jl_rows) entries of b bits"),
        Method("AMS sketch, +-1 rows (public coins, certified)", "classical",
               {"bits": "gapip.ams_bits / gapip.ams_rows * ceiling(gapip.ams_rows)", "rounds": 1},
               note="ceil(gapip.ams_rows) entries of b bits, dithered on the full range "
                    "sqrt(P): Cantelli-certified for every unit pair (the best b is about "
                    "log2 sqrt(P) + 1; ccq.gapip('ams', ..., budget='optimal') picks it)"),
        Method("send g (b bits per entry)", "classical",
               {"bits": "P * (floor(gapip.exact_entry_bits) + 1)", "rounds": 1},
               note="b = floor(gapip.exact_entry_bits) + 1 bits per entry, so that rounding "
                    "never flips the answer (b is chosen, not a parameter)"),
        Method("classical lower bound (Gap-Hamming)", "lower bound",
               {"bits": "gapip.classical_lower"}),
    ), crossovers=(("amplitude estimation", "sign sketch, real receiver (public coins)"),
                   ("amplitude estimation", "SimHash (public coins)"),
                   ("swap test (augmented)", "SimHash (public coins)"))),
    Topic("tieaudit", "TieAudit_eps: sign consistency against a private matching (one-way)", "P", (
        Method("quantum fingerprints", "quantum", {"qubits": "tieaudit.quantum_qubits",
                                                   "rounds": 1}),
        Method("birthday sampling (public coins)", "classical",
               {"bits": "Min(tieaudit.exact_bits, ceiling(tieaudit.birthday_bits))",
                "rounds": 1},
               note="whole coordinates, never more than all P of them"),
        Method("send the sign pattern", "classical", {"bits": "tieaudit.exact_bits", "rounds": 1}),
        Method("two-way: Bob sends one edge", "classical",
               {"bits": "tieaudit.twoway_bits", "rounds": 2},
               note="two-way communication: outside the one-way model of the separation"),
        Method("two-way, public coins: Bob sends a partner", "classical",
               {"bits": "tieaudit.twoway_public_bits", "rounds": 2},
               note="two-way communication: outside the one-way model of the separation"),
        Method("one-way Bob to Alice (public coins)", "classical",
               {"bits": "tieaudit.twoway_public_bits", "rounds": 1},
               note="one-way in the other direction: the separation is Alice-to-Bob only"),
        Method("classical one-way lower bound", "lower bound",
               {"bits": "tieaudit.classical_lower"}),
    ), crossovers=(("quantum fingerprints", "birthday sampling (public coins)"),),
        symbols={"P": ("length of the sign vector", "entries"),
                 "eps": ("distance from sign consistency", "fraction of edges")}),
    Topic("ring", "Ring all-reduce: traffic per directed link", "N", (
        Method("classical ring", "classical", {"bits": "ring.classical_bits_per_link"}),
        Method("superdense ring (online + ebit distribution)", "quantum",
               {"qubits": "ring.superdense_qubits_per_link", "ebits": "ring.ebits_per_link",
                "offline qubits": "ring.ebits_per_link"},
               note="online qubits plus one qubit sent offline per consumed Bell pair: the "
                    "total equals the classical count (a tie)"),
    ), metric=("qubits", "offline qubits", "bits"),
        symbols={"N": ("workers in the ring", "workers")}),
    Topic("superdense", "Superdense coding over Werner pairs: bits per qubit sent", "F", (
        Method("superdense coding", "quantum",
               {"rate": "Piecewise((2, Eq(F, 1)), (superdense.rate, True))"},
               note="at F = 1 the rate is its limit 2 (the formula has 0 log 0 there)"),
        Method("plain qubit / bit", "classical", {"rate": 1.0}),
    ), crossovers=(("superdense coding", "plain qubit / bit"),), metric=("rate",),
        better="higher"),
    Topic("securagg", "Secure aggregation: communication per aggregated coordinate, all "
          "parties together", "N", (
        Method("GHZ zero-sum keys + pads (lower bound)", "lower bound",
               {"qubits": "ghz.key_qubits_per_coordinate",
                "bits": "ghz.key_bits_per_coordinate"},
               note="the composably secure key protocol at one GHZ copy per coordinate; finite P, "
                    "tests, error correction and noise multiply it (ghz_key_security experiment)"),
        Method("GHZ direct encoding, verified (not composably secure)", "reference",
               {"bits": "ghz.verified_bits_per_coordinate", "ebits": "ghz.ebits_per_coordinate",
                "offline qubits": "ghz.distribution_qubits_per_coordinate", "rounds": 3},
               note="2 GHZ copies per coordinate (one tested); announcements and challenge bits "
                    "online, the copies' distribution offline"),
        Method("pairwise masks (Bonawitz et al.)", "classical",
               {"bits": "N * securagg.pairwise_mask_bits / P"},
               note="N users' traffic for P coordinates, divided by P (keys and shares "
                    "amortised)"),
        Method("pre-shared one-time pads", "classical",
               {"bits": "N * securagg.otp_bits / P", "offline key bits":
                "N * securagg.otp_key_bits / P"},
               note="plus as many pre-shared key bits, counted in the total"),
    ), crossovers=(("GHZ direct encoding, verified (not composably secure)",
                  "pairwise masks (Bonawitz et al.)"),),
        metric=("qubits", "offline qubits", "bits", "offline key bits"),
        symbols={"N": ("parties (users)", "parties"), "P": ("coordinates aggregated", "entries"),
                 "b": ("bits per input entry", "bits")}),
    Topic("compress", "Gradient compression: bits per worker per step", "r", (
        Method("PowerSGD (rank r)", "classical", {"bits": "compress.powersgd_bits"}),
        Method("LQ-SGD (rank r, quantised)", "classical", {"bits": "compress.lq_sgd_bits"}),
        Method("top-k", "classical", {"bits": "compress.topk_bits"}),
        Method("QSGD", "classical", {"bits": "compress.qsgd_bits"}),
        Method("signSGD", "classical", {"bits": "compress.sign_bits"}),
    ), crossovers=(("PowerSGD (rank r)", "top-k"),), subs={"P": "n * m"},
        note="one n x m gradient matrix: P = n m entries for the entry-wise compressors"),
    Topic("qmodel", "Distributed quantum model vs shipping data (inference)", "N", (
        Method("quantum model (all shots)", "quantum",
               {"qubits": "qmodel.inference_qubits * ceiling(qmodel.inference_shots)",
                "qubits/shot": "qmodel.inference_qubits",
                "shots": "ceiling(qmodel.inference_shots)", "rounds": "qmodel.inference_rounds"},
               note="qubits per shot times the Hoeffding shot count for +-eps at 1 - delta"),
        Method("ship the data", "classical", {"bits": "qmodel.classical_data_bits + 32"},
               note="N b-bit fixed-point entries plus their 32-bit scale"),
        Method("linear sketch (linear models only)", "reference",
               {"bits": "qmodel.linear_sketch_bits"},
               note="decides sign(w.x) with margin tau for a linear model only, an easier task: "
                    "shown for reference, never the winner"),
    ), crossovers=(("quantum model (all shots)", "ship the data"),),
        symbols={"N": ("data dimension (2^qubits)", "entries"),
                 "eps": ("additive error of the model's output", "unitless"),
                 "b": ("bits per shipped real", "bits"),
                 "tau": ("margin of the linear classifier", "unitless, in (0, 1]")}),
    Topic("estimation", "Estimate a probability to +-eps: sampling vs amplitude estimation",
          "eps", (
        Method("sample mean (two-sided Hoeffding)", "classical",
               {"shots": "sampling.hoeffding_shots"},
               note="confidence 1 - delta"),
        Method("amplitude estimation (BHMT, worst case a = 1/2)", "reference",
               {"queries": "concentration.bhmt_queries_worst"},
               note="one run succeeds with probability 8/pi^2 only, so it does not solve the "
                    "task at confidence 1 - delta: shown for reference, never the winner"),
        Method("amplitude estimation boosted to 1 - delta (median)", "quantum",
               {"queries": "concentration.ae_boosted_queries_worst"}),
        Method("amplitude estimation (ae.queries)", "reference", {"queries": "ae.queries"},
               note="issue 3's count; confidence 8/pi^2 per run, like the BHMT reference"),
    ), crossovers=(("sample mean (two-sided Hoeffding)",
                    "amplitude estimation (BHMT, worst case a = 1/2)"),
                   ("sample mean (two-sided Hoeffding)",
                    "amplitude estimation boosted to 1 - delta (median)")),
        metric=("shots", "queries"),
        symbols={"eps": ("additive error of the estimated probability", "probability"),
                 "a": ("the probability being estimated", "probability"),
                 "M": ("Grover applications", "queries")}),
)}


# ------------------------------------------------------------------ latency topic (issue 20)
# Seconds instead of counts: GapIP's whole costs (the gapip rows' formulas, as the protocols
# count them with default budgets) turned into wall-clock time by ccq.bounds.latency, on a link
# of ``km`` of fibre, ``R`` ebits/s and ``B`` classical bits/s. Kept in one block: the gapip rows
# above are edited elsewhere; tests/test_calculator_crosscheck.py checks these rows against
# ccq.latency.wall_time of each protocol's own Cost.

#: the presets of ccq.latency.PRESETS as calculator values (tests check they are the same);
#: ``ccq calc latency --network NAME`` sets km, R and B from one of them
NETWORKS: dict[str, dict[str, float]] = {
    "today_metro": {"km": 64, "R": 7.1, "B": 10e9},
    "today_long": {"km": 33, "R": 0.01, "B": 10e9},
    "today_lab": {"km": 0.002, "R": 250.0, "B": 100e9},
    "tomorrow_datacenter": {"km": 0.5, "R": 1e3, "B": 100e9},
    "hypothetical_mhz": {"km": 0.5, "R": 1e6, "B": 100e9},
}

DEFAULTS.update(NETWORKS["today_metro"])
SLIDERS.update({"km": (1e-3, 1e4, True), "R": (1e-3, 1e9, True), "B": (1e6, 1e12, True)})
SYMBOLS.update({"km": ("fibre between the parties", "km"),
                "R": ("entanglement rate of the quantum link (one ebit per teleported qubit)",
                      "ebits per second"),
                "B": ("classical bandwidth of the link", "bits per second")})

_AE_M = "ceiling(gapip.ae_queries)"
_AE_ROUNDS = f"2*({_AE_M} - 1)"
_AE_QUBITS = (f"(2*floor(ceiling(gapip.ae_repetitions)/2) + 1) * {_AE_ROUNDS}"
              f" * (Max(1, ceiling(log({_AE_M}, 2))) + gapip.swap_qubits / gapip.swap_shots)")
_REGISTER = "gapip.swap_qubits / gapip.swap_shots"
_LATENCY_ROWS = (
    ("amplitude estimation", "quantum", _AE_QUBITS, _AE_ROUNDS,
     "canonical AE, an odd number of parallel runs: 2(M - 1) sequential messages, each "
     "teleported qubit one ebit at R plus 2 bits at B"),
    ("projection onto Bob's state (one-way)", "quantum",
     f"ceiling(gapip.projective_copies) * {_REGISTER}", "1",
     "one message of every copy: qubits / R dominates"),
    ("swap test (augmented)", "quantum", f"ceiling(gapip.swap_shots) * {_REGISTER}", "1",
     "one message of every copy"),
)
_LATENCY_CLASSICAL = (
    ("SimHash (public coins)", "2*floor(ceiling(gapip.simhash_bits)/2) + 1"),
    ("sign sketch, real receiver (public coins)", "ceiling(gapip.sign_optimal_bits)"),
    ("Gaussian / JL sketch", "gapip.jl_bits / gapip.jl_rows * ceiling(gapip.jl_rows)"),
    ("send g (b bits per entry)", "P * (floor(gapip.exact_entry_bits) + 1)"),
)
TOPICS["latency"] = Topic(
    "latency", "GapIP in seconds: quantum vs classical on a real network", "tau",
    tuple(Method(label, family,
                 {"seconds": f"({rounds}) * latency.round_seconds"
                             f" + ({qubits}) * latency.qubit_seconds",
                  "qubits": qubits, "rounds": 1 if rounds == "1" else rounds}, note=note)
          for label, family, qubits, rounds, note in _LATENCY_ROWS)
    + tuple(Method(label, "classical",
                   {"seconds": f"latency.round_seconds + ({bits}) * latency.bit_seconds",
                    "bits": bits, "rounds": 1}, note="one message at B bits per second")
            for label, bits in _LATENCY_CLASSICAL),
    crossovers=(("amplitude estimation", "SimHash (public coins)"),
                ("projection onto Bob's state (one-way)", "SimHash (public coins)")),
    metric=("seconds",),
    note="Wall-clock seconds of one GapIP_tau decision (bound budgets for error <= delta; the "
         "sign sketch at its tabulated exact optimum, as in the gapip topic; the experiment "
         "latency_gapip also tries AE's exact candidates, which this row does not): "
         "rounds x one-way fibre delay + qubits x (1/R + 2/B) + bits / B (ccq.latency). "
         "Networks (--network NAME sets km, R, B): "
         + "; ".join(f"{n}: km={v['km']:g}, R={v['R']:g}/s, B={v['B']:g} b/s"
                     for n, v in NETWORKS.items())
         + ". today_* are measured rates, tomorrow_datacenter a projection, hypothetical_mhz an "
           "assumption (sources: ccq.latency.PRESETS, docs/noise_time_interop.md). MLAE is "
           "not listed: its schedule has no closed form here (experiments/latency_gapip.py "
           "times it).",
    symbols={"P": ("vector dimension (register 1 + ceil(log2 P) qubits)", "entries")})


# ---------------------------------------------------------------------------------- evaluation
#: a bound name inside a cost formula ("N * securagg.pairwise_mask_bits / P")
_REF = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")

#: what each cost column counts (for derived bounds' ``quantity``)
_COLUMN_QUANTITY = {"offline qubits": "qubits", "qubits/shot": "qubits",
                    "offline key bits": "bits", "rate": "value"}


def _resolve(costs: Mapping[str, str | float], bounds: Mapping[str, Bound]):
    """``({resource: Bound | float}, [missing names])``.

    A cost is a bound name, a constant, or a formula over bound names and their symbols
    (``"N * securagg.pairwise_mask_bits / P"``, ``"ceiling(qmodel.inference_shots)"``), made
    into one derived :class:`Bound` named by the formula.
    """
    out, missing = {}, []
    for key, ref in costs.items():
        if not isinstance(ref, str):
            out[key] = float(ref)
        elif ref in bounds:
            out[key] = bounds[ref]
        else:
            names = _REF.findall(ref)
            lost = [n for n in names if n not in bounds]
            if lost or not names:
                missing.extend(lost or [ref])
            else:
                out[key] = _derived(ref, tuple(bounds[n] for n in dict.fromkeys(names)),
                                    _COLUMN_QUANTITY.get(key, key))
    return out, missing


def _resolve_in(topic: Topic, method: Method, bounds: Mapping[str, Bound]):
    """:func:`_resolve` for a method of ``topic``, with the topic's ``subs`` applied."""
    out, missing = _resolve(method.costs, bounds)
    if topic.subs:
        items = tuple(sorted(topic.subs.items()))
        out = {k: _substituted(v, items) if isinstance(v, Bound) else v for k, v in out.items()}
    return out, missing


@functools.cache
def _substituted(bound: Bound, items: tuple[tuple[str, str], ...]) -> Bound:
    """``bound`` with symbols replaced by formulas in its other symbols (``P -> n * m``)."""
    syms = bound.sympy_symbols
    todo = {syms[k]: v for k, v in items if k in syms}
    if not todo:
        return bound
    local = dict(syms)
    for v in todo.values():
        for name in re.findall(r"[A-Za-z_]\w*", v):
            if name not in local:
                local[name] = sp.Symbol(name, positive=True, integer=True)
    expr = bound.expr.xreplace({s: sp.sympify(v, locals=local) for s, v in todo.items()})
    shown = ", ".join(f"{s.name} = {v}" for s, v in todo.items())
    return Bound(f"{bound.name}[{shown}]", expr, f"{bound.statement} With {shown}.", bound.kind,
                 bound.source, quantity=bound.quantity,
                 ranges={k: v for k, v in dict(bound.ranges).items()
                         if k in {s.name for s in expr.free_symbols}})


@functools.cache
def _derived(formula: str, sources: tuple[Bound, ...], quantity: str) -> Bound:
    """The Bound of a cost formula over ``sources`` (their symbols keep their assumptions)."""
    alias = {b.name: f"_ref{i}" for i, b in enumerate(sources)}
    local: dict = {}
    for b in sources:
        for name, sym in b.sympy_symbols.items():
            local.setdefault(name, sym)
    exprs = _unify([b.expr for b in sources])
    for b, e in zip(sources, exprs, strict=True):
        local[alias[b.name]] = e.xreplace({s: local[s.name] for s in e.free_symbols})
    expr = sp.sympify(_REF.sub(lambda m: alias[m.group(0)], formula), locals=local)
    stray = {s.name for s in expr.free_symbols} - {n for b in sources for n in b.symbols}
    if stray:
        raise ValueError(f"cost formula {formula!r} uses {sorted(stray)}, which no bound in it "
                         "has (its symbols would have no domain)")
    kinds = {b.kind for b in sources} - {"exact"}
    ranges = {}
    for b in sources:
        ranges.update(dict(b.ranges))
    return Bound(formula, expr, f"{formula}, from " + "; ".join(b.name for b in sources),
                 kinds.pop() if len(kinds) == 1 else ("exact" if not kinds else "upper"),
                 "; ".join(b.name for b in sources),
                 quantity=quantity if quantity in QUANTITIES else "value",
                 ranges={k: v for k, v in ranges.items() if k in {s.name for s in
                                                                 expr.free_symbols}})


def _unify(exprs):
    """Sum-ready expressions: symbols of the same name made one object (first one wins)."""
    table: dict[str, sp.Symbol] = {}
    out = []
    for e in exprs:
        for s in sorted(e.free_symbols, key=lambda s: s.name):
            table.setdefault(s.name, s)
        out.append(e.xreplace({s: table[s.name] for s in e.free_symbols}))
    return out


def total_bound(topic: Topic, method: Method, bounds: Mapping[str, Bound]) -> Bound | None:
    """The method's compared total (sum of its ``topic.metric`` resources) as one Bound."""
    resolved, missing = _resolve_in(topic, method, bounds)
    if missing:
        return None
    parts = [resolved[k].expr if isinstance(resolved[k], Bound) else sp.Float(resolved[k])
             for k in topic.metric if k in resolved]
    if not parts:
        return None
    sources = [resolved[k] for k in topic.metric if isinstance(resolved.get(k), Bound)]
    ranges = {}
    for b in sources:
        ranges.update(dict(b.ranges))
    return Bound(f"{topic.name}:{method.label}", sp.Add(*_unify(parts)),
                 f"{' + '.join(topic.metric)} of {method.label}", "upper",
                 "; ".join(b.name for b in sources) or "constant", ranges=ranges)


def _solvable(bound: Bound, x: str) -> bool:
    """Whether sympy should look for exact roots in ``x``: only for rational functions of ``x``
    (other symbols may appear anyhow). Elsewhere -- rounding (ceiling, floor, Min, Max) or
    transcendental terms (F log F) -- ``sympy.solve`` takes seconds and rarely succeeds, so those
    crossovers are found numerically, as the page finds them."""
    sym = bound.sympy_symbols.get(x)
    return sym is None or bool(bound.expr.is_rational_function(sym))


def _mark_exact(roots: list[dict], a: Bound, b: Bound, x: str, fixed: Mapping[str, float]):
    """Attach the exact formula of ``crossover_formula`` to each numeric root it reproduces."""
    table = {**b.sympy_symbols, **a.sympy_symbols}
    for f in crossover_formula(a, b, x):
        try:
            v = complex(f.subs({table[n]: fixed[n] for n in fixed if n in table}).evalf())
        except (TypeError, ValueError):
            continue
        if abs(v.imag) > 1e-9 * max(1.0, abs(v.real)):
            continue
        for r in roots:
            if math.isclose(v.real, r["value"], rel_tol=1e-6):
                r.update(value=v.real, method="exact", formula=str(f))


@functools.cache
def _numeric(bound: Bound):
    """``bound``'s expression as a vectorised numpy function of keyword values (unchecked).

    Like ``Bound.numeric``, but printed against a small namespace: lambdify's default
    ``from numpy import *`` imports numpy's lazy submodules (f2py, ...), half a second of a
    `ccq calc` run.
    """
    syms = sorted(bound.expr.free_symbols, key=lambda s: s.name)
    printer = NumPyPrinter({"fully_qualified_modules": True, "inline": True,
                            "allow_unknown_functions": True})
    f = sp.lambdify(syms, bound.expr, modules=[{"numpy": np, "functools": functools,
                                                "math": math}], printer=printer)
    names = [s.name for s in syms]
    # floats in: numpy has no log of a Python int beyond int64 (b = 62 makes 2**b such an int)
    return lambda **values: f(*(np.asarray(values[n], float) for n in names))


def _scan_roots(a: Bound, b: Bound, x: str, fixed: Mapping[str, float]) -> list[float]:
    """Where ``a - b`` changes sign in ``x`` over the slider range: the page's own scan
    (:data:`CROSSOVER_POINTS` points, log-spaced for a log slider) refined by bisection, in numpy
    (sympy's ``subs`` on rounded expressions takes seconds)."""
    lo, hi, log = SLIDERS.get(x, (1e-12, 1e12, True))
    grid = np.geomspace(lo, hi, CROSSOVER_POINTS) if log else np.linspace(lo, hi,
                                                                          CROSSOVER_POINTS)

    def gap(v):
        with np.errstate(all="ignore"):
            out = (np.asarray(_numeric(a)(**fixed, **{x: v}), dtype=float)
                   - np.asarray(_numeric(b)(**fixed, **{x: v}), dtype=float))
        return np.broadcast_to(out, np.shape(v))

    integer = x in INTEGERS or any(x in c.symbols and c.is_integer(x) for c in (a, b))
    if integer:
        grid = np.unique(np.round(grid))
    g = gap(grid)
    ok = np.isfinite(g)
    roots = []
    for i in np.flatnonzero(ok[:-1] & ok[1:] & (np.sign(g[:-1]) * np.sign(g[1:]) < 0)):
        u, w, gu = float(grid[i]), float(grid[i + 1]), g[i]
        for _ in range(200):
            # an integer symbol's crossover is the first integer past the sign change
            mid = (math.floor((u + w) / 2) if integer else
                   math.sqrt(u * w) if log and u > 0 else (u + w) / 2)
            if mid in (u, w):
                break
            gm = float(gap(np.array([mid]))[0])
            if gm != 0 and (gm < 0) == (gu < 0):     # a tie counts as reached, as in the page
                u, gu = mid, gm
            else:
                w = mid
        roots.append(float(w))
    return roots


def _params_for(bound: Bound, params: Mapping[str, float]) -> dict[str, float]:
    return {n: params[n] for n in bound.symbols}


def evaluate_topic(topic: Topic | str, params: Mapping[str, float] | None = None,
                   bounds: Mapping[str, Bound] | None = None, *, crossovers: bool = True) -> dict:
    """Every method's cost at ``params`` (missing symbols take :data:`DEFAULTS`), the winner and
    the crossovers in ``topic.x``. Methods whose bounds are not in ``bounds`` are listed as
    skipped. Raises ``ValueError`` for a value outside a bound's domain.

    Examples:
        >>> out = evaluate_topic("estimation", {"eps": 0.01, "delta": 0.05})
        >>> totals = {m["label"]: m.get("total") for m in out["methods"]}
        >>> round(totals["sample mean (two-sided Hoeffding)"])
        18444
        >>> round(totals["amplitude estimation boosted to 1 - delta (median)"])
        3900
        >>> out["winner"]
        'amplitude estimation boosted to 1 - delta (median)'
    """
    topic = TOPICS[topic] if isinstance(topic, str) else topic
    bounds = registry() if bounds is None else bounds
    params = dict(params or {})
    check_params(topic, params, bounds)
    used, defaulted = {}, []
    methods, skipped = [], []
    for m in topic.methods:
        resolved, missing = _resolve_in(topic, m, bounds)
        row = {"label": m.label, "family": m.family, "note": m.note, "available": not missing,
               "missing": missing, "costs": {}, "bounds": {k: v for k, v in m.costs.items()
                                                           if isinstance(v, str)}}
        if missing:
            skipped.extend(missing)
            methods.append(row)
            continue
        for key, ref in resolved.items():
            if isinstance(ref, Bound):
                for n in ref.symbols:
                    if n not in params:
                        if n not in DEFAULTS:
                            raise ValueError(f"{ref.name} needs a value for {n!r} (no default)")
                        params[n] = DEFAULTS[n]
                        defaulted.append(n)
                    used[n] = params[n]
                values = _params_for(ref, params)
                ref.validate(**values)
                with np.errstate(all="ignore"):   # a Piecewise evaluates every branch
                    row["costs"][key] = float(_numeric(ref)(**values))
            else:
                row["costs"][key] = ref
        row["total"] = sum(row["costs"].get(k, 0.0) for k in topic.metric)
        methods.append(row)
    contenders = [r for r in methods if r["available"] and r["family"] in ("quantum", "classical")]
    pick = min if topic.better == "lower" else max
    winner, tie = None, []
    if contenders:
        best = pick(r["total"] for r in contenders)
        tie = [r["label"] for r in contenders
               if math.isclose(r["total"], best, rel_tol=1e-12, abs_tol=1e-12)]
        # a tie names no winner (superdense ring = classical ring once ebits are distributed)
        winner = tie[0] if len(tie) == 1 else None
    found = []
    if crossovers:
        for la, lb in topic.crossovers:
            ba = total_bound(topic, topic.method(la), bounds)
            bb = total_bound(topic, topic.method(lb), bounds)
            if ba is None or bb is None:
                continue
            if topic.x not in set(ba.symbols) | set(bb.symbols):
                continue
            fixed = {n: params.get(n, DEFAULTS.get(n)) for n in set(ba.symbols) | set(bb.symbols)
                     if n != topic.x}
            lo, hi, _ = SLIDERS.get(topic.x, (1e-12, 1e12, True))
            roots = [{"value": v, "method": "numeric", "formula": None}
                     for v in _scan_roots(ba, bb, topic.x, fixed)]
            if roots and _solvable(ba, topic.x) and _solvable(bb, topic.x):
                _mark_exact(roots, ba, bb, topic.x, fixed)
            found.append({"a": la, "b": lb, "symbol": topic.x, "roots": roots})
    for n, v in params.items():
        if n not in used and n not in defaulted:
            used[n] = v
    return {"topic": topic.name, "title": topic.title, "params": used,
            "defaults_used": sorted(set(defaulted)), "metric": list(topic.metric),
            "better": topic.better, "methods": methods, "winner": winner,
            "tie": tie if len(tie) > 1 else [],
            "crossovers": found, "skipped": sorted(set(skipped)), "note": topic.note}


_ORDER = ("qubits", "bits", "ebits", "rounds", "shots", "queries", "rate")


def _columns(costs_dicts) -> list[str]:
    keys = {k for c in costs_dicts for k in c}
    return sorted(keys, key=lambda k: (_ORDER.index(k) if k in _ORDER else len(_ORDER), k))


def _fmt(x) -> str:
    if isinstance(x, str):
        return x
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return str(x)
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.6g}"


#: quantities that count something: printed as integers (never "255.5 rounds")
COUNTS = frozenset({"qubits", "bits", "ebits", "rounds", "shots", "queries", "copies",
                    "repetitions"})


def format_count(x: float, kind: str = "sufficient") -> str:
    """A resource count as an integer: rounded up (what must be provisioned), or down for an
    upper bound on a count (the count cannot exceed its floor).

    Examples:
        >>> format_count(255.5), format_count(255.5, "upper"), format_count(3.0000000001)
        ('256', '255', '3')
    """
    if not math.isfinite(x):
        return str(x)
    n = math.floor(x + 1e-9) if kind == "upper" else math.ceil(x - 1e-9)
    return str(int(n))


def _cell(key: str, x) -> str:
    if isinstance(x, (int, float)) and _column_quantity(key) in COUNTS:
        return format_count(float(x))
    return _fmt(x)


def _column_quantity(key: str) -> str:
    return _COLUMN_QUANTITY.get(key, key)


def format_topic(result: dict) -> str:
    """The text table ``ccq calc TOPIC`` prints (counts as integers, rounded up)."""
    lines = [f"{result['topic']}: {result['title']}"]
    shown = ", ".join(f"{k}={_fmt(v)}" + (" (default)" if k in result["defaults_used"] else "")
                      for k, v in sorted(result["params"].items()))
    lines.append(f"  at {shown}" if shown else "  (no method available yet)")
    keys = _columns(r["costs"] for r in result["methods"])
    rows = [r for r in result["methods"] if r["available"]]
    total_name = "total (" + " + ".join(result["metric"]) + ")"
    counts = all(_column_quantity(k) in COUNTS for k in result["metric"])
    cells = {r["label"]: [_cell(k, r["costs"].get(k, "-")) for k in keys]
             + ([format_count(r["total"]) if counts else _fmt(r["total"])]
                if len(result["metric"]) > 1 else []) for r in rows}
    names = keys + ([total_name] if len(result["metric"]) > 1 else [])
    widths = [max([len(n)] + [len(c[i]) for c in cells.values()]) + 2
              for i, n in enumerate(names)]
    lw = max([len("method")] + [len(r["label"]) for r in rows]) + 1
    lines.append(f"  {'method':{lw}s} {'family':12s}"
                 + "".join(f"{n:>{w}s}" for n, w in zip(names, widths, strict=True)))
    for r in rows:
        mark = " *" if r["label"] == result["winner"] else ""
        lines.append(f"  {r['label']:{lw}s} {r['family']:12s}"
                     + "".join(f"{c:>{w}s}" for c, w in zip(cells[r["label"]], widths,
                                                            strict=True)) + mark)
    shown = result["winner"] or (f"tie between {' and '.join(result['tie'])}"
                                 if result.get("tie") else "none available yet")
    lines.append(f"  winner ({result['better']} {' + '.join(result['metric'])}): {shown}")
    for c in result["crossovers"]:
        if c["roots"]:
            roots = "; ".join(f"{c['symbol']}* = {_fmt(r['value'])} [{r['method']}"
                              + (f": {r['formula']}" if r["formula"] else "") + "]"
                              for r in c["roots"])
        else:
            roots = f"none in the slider range of {c['symbol']}"
        lines.append(f"  crossover {c['a']} = {c['b']}: {roots}")
    if result["skipped"]:
        lines.append(f"  skipped (not in ccq.bounds yet): {', '.join(result['skipped'])}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------- symbols
def topic_symbols(topic: Topic, bounds: Mapping[str, Bound] | None = None) -> list[str]:
    """The symbols a topic's available methods use: its x axis first, then by name.

    Examples:
        >>> topic_symbols(TOPICS["ring"])
        ['N', 'S']
    """
    bounds = registry() if bounds is None else bounds
    used = {n for m in topic.methods for b in _resolve_in(topic, m, bounds)[0].values()
            if isinstance(b, Bound) for n in b.symbols}
    return sorted(used, key=lambda n: (n != topic.x, n.lower(), n))


def symbol_domain(topic: Topic, name: str, bounds: Mapping[str, Bound] | None = None):
    """``(domain as text, integer?)`` of a symbol: the intersection over the topic's bounds."""
    bounds = registry() if bounds is None else bounds
    doms, integer = [], False
    for m in topic.methods:
        for b in _resolve_in(topic, m, bounds)[0].values():
            if isinstance(b, Bound) and name in b.symbols:
                doms.append(b.domain(name))
                integer = integer or b.is_integer(name)
    dom = sp.Intersection(*doms) if len(doms) > 1 else (doms[0] if doms else sp.Reals)
    return _show_set(dom), integer


def value_in_domain(bound: Bound, name: str) -> float:
    """A value of ``name`` inside ``bound``'s domain (its default if that is inside)."""
    from .bounds._bound import value_in

    dom, integer = bound.domain(name), bound.is_integer(name)
    default = DEFAULTS.get(name)
    if default is not None and bool(dom.contains(sp.Float(default))):
        return default
    return value_in(dom, 0.5, integer)


def check_params(topic: Topic, params: Mapping[str, float],
                 bounds: Mapping[str, Bound] | None = None) -> None:
    """``ValueError`` naming the symbol, the value and the rule unless every given value is a
    finite number inside the symbol's domain in this topic (an integer where one is counted).

    Examples:
        >>> check_params(TOPICS["gapip"], {"tau": 2})
        Traceback (most recent call last):
        ...
        ValueError: tau=2 is outside (0, 1] (promised margin: |<g,h>| >= tau)
        >>> check_params(TOPICS["gapip"], {"P": 1000.5})
        Traceback (most recent call last):
        ...
        ValueError: P=1000.5 must be an integer (vector dimension)
    """
    bounds = registry() if bounds is None else bounds
    for name, value in params.items():
        doms, integer = [], name in INTEGERS
        for m in topic.methods:
            for b in _resolve_in(topic, m, bounds)[0].values():
                if isinstance(b, Bound) and name in b.symbols:
                    doms.append(b.domain(name))
                    integer = integer or b.is_integer(name)
        meaning = topic.symbol_info(name)[0]
        try:
            x = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{name}={value!r} is not a number ({meaning})") from None
        if not math.isfinite(x):
            raise ValueError(f"{name}={value} is not finite ({meaning})")
        if integer and not x.is_integer():
            raise ValueError(f"{name}={value} must be an integer ({meaning})")
        for dom in doms:
            if not bool(dom.contains(sp.Float(x, 30) if not x.is_integer() else sp.Integer(x))):
                raise ValueError(f"{name}={value} is outside {_show_set(dom)} ({meaning})")


def calc_main(argv: list[str] | None = None, bounds: Mapping[str, Bound] | None = None) -> int:
    """``ccq calc ...`` (see :mod:`ccq._calculator_cli`); raises ``SystemExit(message)`` on
    bad input."""
    from ._calculator_cli import calc_main as main

    return main(argv, bounds)


# ---------------------------------------------------------------------------------- the page
from ._calculator_page import (  # noqa: E402  (the page reads this module's tables)
    calculator_html,
    javascript_function,
    write_calculator,
)


def python_crossovers(topic: Topic, params: Mapping[str, float],
                      bounds: Mapping[str, Bound]) -> dict[tuple[str, str], list[float]]:
    """Crossover roots of each pair, as the page computes them (for tests)."""
    out = {}
    for la, lb in topic.crossovers:
        ba = total_bound(topic, topic.method(la), bounds)
        bb = total_bound(topic, topic.method(lb), bounds)
        if ba is None or bb is None:
            continue
        lo, hi, _ = SLIDERS.get(topic.x, (1e-12, 1e12, True))
        fixed = {n: params[n] for n in set(ba.symbols) | set(bb.symbols) if n != topic.x}
        out[la, lb] = [r.value for r in crossover(ba, bb, topic.x, bracket=(lo, hi),
                                                  points=CROSSOVER_POINTS, **fixed)]
    return out

