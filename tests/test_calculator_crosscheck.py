"""The calculator's totals are the protocols' own costs, and its winners are the README's.

For every topic and every method the calculator offers, the cost it prints (each resource and the
compared total) is checked against the protocol object that the experiments run: its static
``.cost(...)`` / ``Cost`` record, at several parameter points. A method that has no protocol
object must say so in :data:`NO_PROTOCOL` with the reason; a method in neither table fails
``test_every_method_is_cross_checked``, so methods added to ``ccq.calculator.TOPICS`` later are
covered (or flagged) automatically.

The bounds give real-valued budgets where a protocol rounds up to an integer (shots, copies,
sketch bits), so each check says how it rounds: ``exact`` (relative 1e-12) or ``ceil`` (the
protocol's integer budget is the bound rounded up, so the totals differ by less than one
budget unit times the per-unit cost).
"""

from __future__ import annotations

import math

import jax.numpy as jnp
import pytest

from ccq.calculator import TOPICS, evaluate_topic

# ------------------------------------------------------------------------ protocol costs


def _gapip(method, **kw):
    """The protocol at the bound's budget (``budget="bound"``): the calculator rows other than
    AE are the bound formulas of ccq.bounds.gapip."""
    def cost(p):
        from ccq.protocols.gapip import gapip

        extra = {"bits": int(p["b"])} if kw.get("bits") else {}
        c = gapip(method, p["tau"], p["delta"], "bound", **extra).cost(int(p["P"]))
        return {"qubits": c.qubits, "bits": c.bits}
    return cost


def _gapip_ams(p):
    from ccq.protocols.gapip import gapip

    c = gapip("ams", p["tau"], p["delta"], bits=int(p["b"]), P=int(p["P"])).cost(int(p["P"]))
    return {"qubits": c.qubits, "bits": c.bits}


def _tabulated(method, tau, delta, P):
    """The protocol of a table-backed calculator row (gapip.ae_optimal_qubits,
    gapip.sign_optimal_bits): its exact optimum at the largest tabulated delta <= delta (that
    budget meets the larger delta too) where tau is tabulated, the bound budget elsewhere."""
    from ccq.protocols.gapip import gapip
    from ccq.protocols.gapip_table import DELTAS, TAUS

    if tau not in TAUS:
        return gapip(method, tau, delta, "bound", P=P)
    d = max(x for x in DELTAS if x <= delta)
    return gapip(method, tau, d, "optimal", P=P)


def _gapip_tabulated(method):
    """A gapip row that reads the committed optimum table, checked at tabulated taus only (the
    row interpolates between them)."""
    def cost(p):
        from ccq.protocols.gapip_table import TAUS

        assert p["tau"] in TAUS, "check table-backed rows at tabulated taus"
        c = _tabulated(method, p["tau"], p["delta"], int(p["P"])).cost(int(p["P"]))
        return {"qubits": c.qubits, "bits": c.bits}
    return cost


def _tieaudit(method):
    def cost(p):
        from ccq.protocols import tieaudit as ta

        P = int(p["P"])
        c = ta.protocol_cost(method, ta.default_budget(method, p["eps"], p["delta"], P, P // 2),
                             P)
        return {"qubits": c.qubits, "bits": c.bits, "rounds": c.rounds}
    return cost


def _ring(link):
    def cost(p):
        from ccq.collectives import ring_cost

        rc = ring_cost(int(p["N"]), int(p["S"]), link)
        out = {"qubits": rc.per_link.qubits, "bits": rc.per_link.bits}
        if link == "superdense":
            out |= {"ebits": rc.per_link.ebits, "offline qubits": rc.ebit_distribution_qubits}
        return out
    return cost


def _securagg(scheme):
    def cost(p):
        from ccq.protocols import ghz, ghz_verify
        from ccq.sketches import secure_agg as sa

        N, P, b = int(p["N"]), int(p["P"]), int(p["b"])
        if scheme == "ghz":
            d = ghz.aggregation_dimension(b, N)
            c = ghz_verify.verified_cost(N, d, P)
            return {"bits": c.bits / P, "ebits": c.ebits / P, "rounds": c.rounds,
                    "offline qubits": 2 * ghz.distribution_qubits(N, d)}
        if scheme == "pairwise":
            return {"bits": sa.pairwise_mask_cost(N, P, b).bits / P}
        c = sa.otp_cost(N, P, b)
        # the pads' key: P entries of log2 d bits per user, the size of the padded vector
        return {"bits": c.bits / P, "offline key bits": N * sa.modulus_bits(b, N)}
    return cost


def _qmodel(which):
    def cost(p):
        from ccq.protocols import qmodel as qm

        model = qm.DistributedModel(int(round(math.log2(p["N"]))), int(p["L"]))
        if which == "quantum":
            # shots: Hoeffding's count for +-eps at 1 - delta, rounded up to whole shots
            shots = math.ceil(2 * math.log(2 / p["delta"]) / p["eps"] ** 2 - 1e-9)
            c = qm.inference_cost(model, shots)
            return {"qubits": c.qubits, "shots": shots, "rounds": c.rounds,
                    "qubits/shot": c.qubits / shots}
        import jax

        out = qm.ship_data(model, int(p["b"]))(jax.random.key(0), qm.init_params(
            jax.random.key(1), model), jnp.ones(model.dim))
        return {"bits": out.cost.bits}
    return cost


def _compress(name):
    def cost(p):
        from ccq import compress as cz

        n, m, r = int(p["n"]), int(p["m"]), int(p["r"])
        tx = {"powersgd": lambda: cz.power_sgd(rank=r),
              "lq": lambda: cz.lq_sgd(rank=r, bits=int(p["b"])),
              "topk": lambda: cz.top_k(int(p["k"])),
              "qsgd": lambda: cz.qsgd(int(p["levels"]), int(p["bucket"])),
              "sign": lambda: cz.sign_mv()}[name]()
        return {"bits": tx.payload_bits({"w": jnp.zeros((n, m))})}
    return cost


def _superdense(p):
    from ccq.protocols.superdense import mutual_information, superdense_channel

    return {"rate": mutual_information(superdense_channel(p["F"]))}


def _latency(method, quantum):
    """The protocol's own Cost in seconds by ccq.latency.wall_time on the calculator's link."""
    def cost(p):
        from ccq.latency import Network, fibre_latency_s, wall_time
        from ccq.protocols.gapip import gapip

        net = Network("calculator point", latency_s=fibre_latency_s(p["km"]),
                      classical_bps=p["B"], ebit_rate=p["R"], t2_s=1.0, source="test")
        extra = {"bits": int(p["b"])} if method == "jl" else {}
        proto = (_tabulated(method, p["tau"], p["delta"], int(p["P"])) if method == "sign"
                 else gapip(method, p["tau"], p["delta"], "bound", **extra))
        c = proto.cost(int(p["P"]))
        out = {"seconds": wall_time(c, net), "rounds": c.rounds}
        return out | ({"qubits": c.qubits} if quantum else {"bits": c.bits})
    return cost


#: (topic, method label) -> (protocol's cost at params, relative tolerance or "exact")
GHZ_DIRECT = "GHZ direct encoding, verified (not composably secure)"

CHECKS = {
    ("gapip", "swap test (augmented)"): (_gapip("swap"), "exact"),
    ("gapip", "amplitude estimation"): (_gapip_tabulated("ae"), "exact"),
    ("gapip", "projection onto Bob's state (one-way)"): (_gapip("projective"), "exact"),
    ("gapip", "sign sketch, real receiver (public coins)"): (_gapip_tabulated("sign"), "exact"),
    ("gapip", "SimHash (public coins)"): (_gapip("simhash"), "exact"),
    ("gapip", "Gaussian / JL sketch"): (_gapip("jl", bits=True), "exact"),
    ("gapip", "AMS sketch, +-1 rows (public coins, certified)"): (_gapip_ams, "exact"),
    ("gapip", "send g (b bits per entry)"): (_gapip("exact"), "exact"),
    ("tieaudit", "quantum fingerprints"): (_tieaudit("quantum"), "exact"),
    ("tieaudit", "birthday sampling (public coins)"): (_tieaudit("birthday"), "exact"),
    ("tieaudit", "send the sign pattern"): (_tieaudit("exact"), "exact"),
    ("tieaudit", "two-way: Bob sends one edge"): (_tieaudit("twoway"), "exact"),
    ("tieaudit", "two-way, public coins: Bob sends a partner"): (_tieaudit("twoway_public"),
                                                                 "exact"),
    ("tieaudit", "one-way Bob to Alice (public coins)"): (_tieaudit("bob_to_alice"), "exact"),
    ("ring", "classical ring"): (_ring("classical"), "exact"),
    ("ring", "superdense ring (online + ebit distribution)"): (_ring("superdense"), "exact"),
    ("securagg", "GHZ direct encoding, verified (not composably secure)"): (_securagg("ghz"),
                                                                            "exact"),
    ("securagg", "pairwise masks (Bonawitz et al.)"): (_securagg("pairwise"), "exact"),
    ("securagg", "pre-shared one-time pads"): (_securagg("otp"), "exact"),
    ("qmodel", "quantum model (all shots)"): (_qmodel("quantum"), "exact"),
    ("qmodel", "ship the data"): (_qmodel("ship"), "exact"),
    ("compress", "PowerSGD (rank r)"): (_compress("powersgd"), "exact"),
    ("compress", "LQ-SGD (rank r, quantised)"): (_compress("lq"), "exact"),
    ("compress", "top-k"): (_compress("topk"), "exact"),
    ("compress", "QSGD"): (_compress("qsgd"), "exact"),
    ("compress", "signSGD"): (_compress("sign"), "exact"),
    # the channel's mutual information is computed numerically in float32-level arithmetic
    ("superdense", "superdense coding"): (_superdense, 1e-6),
    ("latency", "amplitude estimation"): (_latency("ae", True), "exact"),
    ("latency", "projection onto Bob's state (one-way)"): (_latency("projective", True), "exact"),
    ("latency", "swap test (augmented)"): (_latency("swap", True), "exact"),
    ("latency", "SimHash (public coins)"): (_latency("simhash", False), "exact"),
    ("latency", "sign sketch, real receiver (public coins)"): (_latency("sign", False), "exact"),
    ("latency", "Gaussian / JL sketch"): (_latency("jl", False), "exact"),
    ("latency", "send g (b bits per entry)"): (_latency("exact", False), "exact"),
}

#: methods with no protocol object to run, and why
NO_PROTOCOL = {
    ("superdense", "plain qubit / bit"): "a constant: one bit per channel use",
    ("estimation", "sample mean (two-sided Hoeffding)"): "a textbook count; no ccq protocol",
    ("estimation", "amplitude estimation (BHMT, worst case a = 1/2)"): "a textbook count",
    ("estimation", "amplitude estimation boosted to 1 - delta (median)"): "a textbook count",
    ("estimation", "amplitude estimation (ae.queries)"): "a textbook count",
    ("qmodel", "linear sketch (linear models only)"): "reference: the linear SimHash bound",
    ("securagg", "GHZ zero-sum keys + pads (lower bound)"): "a lower bound (one copy per "
        "coordinate); the finite cost comes from ccq.protocols.ghz_key_plan",
}

#: parameter points per topic (beyond the defaults): small, README-sized and large
POINTS = {
    "gapip": [{"tau": 0.1, "P": 1024, "delta": 0.05}, {"tau": 0.02, "P": 2**20, "delta": 0.01},
              {"tau": 0.3, "P": 64, "delta": 0.2}],
    "tieaudit": [{"eps": 0.1, "P": 2**20, "delta": 0.05}, {"eps": 0.05, "P": 2**12,
                                                           "delta": 0.01}],
    "ring": [{"N": 8, "S": 2**20 * 32}, {"N": 64, "S": 64 * 1024}, {"N": 2, "S": 16}],
    "securagg": [{"N": 1024, "P": 2**20, "b": 16}, {"N": 8, "P": 1000, "b": 8},
                 {"N": 2, "P": 1, "b": 1}],
    "qmodel": [{"N": 16, "L": 4, "eps": 0.1, "delta": 0.01, "b": 8},
               {"N": 4096, "L": 2, "eps": 0.05, "delta": 0.05, "b": 32},
               {"N": 2**20, "L": 3, "eps": 0.2, "delta": 0.1, "b": 16}],
    "compress": [{"n": 1000, "m": 1000, "r": 4, "k": 1000, "levels": 16, "bucket": 512, "b": 8},
                 {"n": 64, "m": 300, "r": 2, "k": 50, "levels": 4, "bucket": 128, "b": 4}],
    "superdense": [{"F": 1.0}, {"F": 0.999}, {"F": 0.9}, {"F": 0.6}],
    "estimation": [{}],
    "latency": [{"tau": 0.05, "P": 2**20, "delta": 0.01, "km": 64, "R": 7.1, "B": 1e10},
                {"tau": 0.01, "P": 2**20, "delta": 0.05, "km": 0.5, "R": 1e3, "B": 1e11},
                {"tau": 0.001, "P": 10**9, "delta": 0.01, "km": 0.5, "R": 1e6, "B": 1e11},
                {"tau": 0.3, "P": 64, "delta": 0.2, "km": 0.002, "R": 250, "B": 1e11, "b": 4}],
}

CONTENDERS = ("quantum", "classical")


def _all_methods():
    return [(t.name, m.label) for t in TOPICS.values() for m in t.methods
            if m.family in CONTENDERS or (t.name, m.label) in CHECKS]


def test_every_method_is_cross_checked():
    """New methods in TOPICS need a protocol cross-check here (or a stated reason not to)."""
    unchecked = [tm for tm in _all_methods() if tm not in CHECKS and tm not in NO_PROTOCOL]
    assert not unchecked, f"add a protocol cross-check for {unchecked}"
    stale = set(CHECKS) | set(NO_PROTOCOL)
    stale -= {(t.name, m.label) for t in TOPICS.values() for m in t.methods}
    assert not stale, f"checks for methods that no longer exist: {sorted(stale)}"


@pytest.mark.parametrize("topic,label", sorted(CHECKS))
def test_calculator_total_is_the_protocols_cost(topic, label):
    check, rel = CHECKS[topic, label]
    rel = 1e-12 if rel == "exact" else rel
    for point in POINTS[topic]:
        out = evaluate_topic(topic, point, crossovers=False)
        [row] = [r for r in out["methods"] if r["label"] == label]
        assert row["available"], row["missing"]
        want = check(out["params"])
        # every resource the calculator shows that the protocol counts
        for key, got in row["costs"].items():
            if key not in want:
                continue
            assert got == pytest.approx(want[key], rel=rel, abs=1e-9), (key, point, got,
                                                                        want[key])
        # and the compared total is the sum of the protocol's metric resources
        total = sum(want.get(k, 0.0) for k in out["metric"])
        assert row["total"] == pytest.approx(total, rel=rel), point
        # a resource the protocol counts in the compared total must not be missing here
        for k in out["metric"]:
            if want.get(k, 0) > 0:
                assert k in row["costs"], (k, point)


# ------------------------------------------------------------------------ README's winners
def _winner(topic, **p):
    return evaluate_topic(topic, p)["winner"]


def test_securagg_winner_is_pairwise_masks_as_in_readme():
    # README: verified GHZ 53,251 bits vs pairwise masks 28,863 per coordinate (N = 1024,
    # P = 2^20, 16-bit); pads 26,624 bits plus as many key bits
    out = evaluate_topic("securagg", {"N": 1024, "P": 2**20, "b": 16})
    rows = {r["label"]: r for r in out["methods"]}
    assert round(rows[GHZ_DIRECT]["costs"]["bits"]) == 53251
    assert round(rows["pairwise masks (Bonawitz et al.)"]["total"]) == 28863
    assert round(rows["pre-shared one-time pads"]["costs"]["bits"]) == 26624
    assert rows[GHZ_DIRECT]["costs"]["bits"] / \
        rows["pairwise masks (Bonawitz et al.)"]["total"] == pytest.approx(1.84, abs=0.005)
    assert out["winner"] == "pairwise masks (Bonawitz et al.)"
    # the GHZ total depends on P no more than before, but it never wins at the defaults either
    assert _winner("securagg") != GHZ_DIRECT


def test_ring_superdense_ties_with_classical_once_ebits_are_counted():
    # README: online + ebit distribution = classical count, exactly
    for n in (2, 8, 64, 1024):
        out = evaluate_topic("ring", {"N": n, "S": 2**20 * 32})
        rows = {r["label"]: r for r in out["methods"]}
        sd = rows["superdense ring (online + ebit distribution)"]
        assert sd["costs"]["qubits"] * 2 == pytest.approx(rows["classical ring"]["total"])
        assert sd["total"] == pytest.approx(rows["classical ring"]["total"])
        assert out["winner"] is None and len(out["tie"]) == 2


def test_qmodel_winner_follows_shots_times_qubits():
    # README: inference is cheaper than shipping the data from N = 4096 (measured shots, exact
    # binomial tails, eps = delta = 0.05, L = 2, 32-bit entries). The calculator uses the
    # Hoeffding shot count, so its crossover sits a little higher (N* ~ 4.5e3): both agree
    # below 2^12 and from 2^13 on.
    p = {"L": 2, "eps": 0.05, "delta": 0.05, "b": 32}
    assert _winner("qmodel", N=16, **p) == "ship the data"
    assert _winner("qmodel", N=2**10, **p) == "ship the data"
    assert _winner("qmodel", N=2**13, **p) == "quantum model (all shots)"
    assert _winner("qmodel", N=2**20, **p) == "quantum model (all shots)"
    out = evaluate_topic("qmodel", {"N": 16, **p})
    [c] = out["crossovers"]
    [root] = c["roots"]
    assert 4096 <= root["value"] < 8192
    # the old per-shot row won at N = 16 with 32 qubits; the whole cost is 2952 shots of those
    rows = {r["label"]: r for r in out["methods"]}
    q = rows["quantum model (all shots)"]
    assert q["costs"]["shots"] == 2952 and q["total"] == 2952 * q["costs"]["qubits/shot"]


def test_superdense_crossover_is_the_break_even_fidelity():
    from ccq.bounds import registry

    out = evaluate_topic("superdense", {"F": 0.95})
    [c] = out["crossovers"]
    [root] = c["roots"]
    assert root["value"] == pytest.approx(float(registry()["superdense.break_even_fidelity"].expr),
                                          rel=1e-6)
    assert out["winner"] == "superdense coding"


# ------------------------------------------------------------------------ latency topic
def test_latency_networks_are_ccq_latency_presets():
    from ccq.calculator import NETWORKS
    from ccq.latency import PRESETS, fibre_latency_s

    assert set(NETWORKS) == set(PRESETS)
    for name, v in NETWORKS.items():
        net = PRESETS[name]
        assert fibre_latency_s(v["km"]) == pytest.approx(net.latency_s, rel=1e-12)
        assert (v["R"], v["B"]) == (net.qubits_per_s, net.classical_bps), name


def test_latency_winner_is_the_fastest_protocol_and_classical_on_every_preset():
    # the calculator's winner is the protocol with the smallest wall_time (re-derived from the
    # protocols' costs), and on every preset, at every (tau, P) here, it is classical: AE's
    # 2(M - 1) sequential messages and teleportation's ebit per qubit cost more time than a
    # one-message sketch (experiments/latency_gapip.py finds the same on its grid)
    from ccq.calculator import NETWORKS

    for name, net in NETWORKS.items():
        for tau in (0.3, 0.05, 0.01, 0.001):
            for P in (2**10, 2**20, 2**30):
                point = {"tau": tau, "P": P, "delta": 0.01, **net}
                out = evaluate_topic("latency", point, crossovers=False)
                times = {lab: CHECKS["latency", lab][0](out["params"])["seconds"]
                         for lab in (r["label"] for r in out["methods"])}
                assert out["winner"] == min(times, key=times.get), (name, tau, P)
                family = {r["label"]: r["family"] for r in out["methods"]}
                assert family[out["winner"]] == "classical", (name, tau, P, out["winner"])


def test_latency_quantum_wins_where_the_model_says_it_must():
    # the comparison can go the other way: with free entanglement, no fibre and a slow
    # classical link, AE (fewer qubits than SimHash's bits at small tau and large P) finishes
    # first -- once each teleported qubit's 2 classical bits cost less than the bits it saves
    point = {"tau": 1e-4, "P": 2**30, "delta": 0.01, "km": 0, "R": 1e12, "B": 1e6}
    out = evaluate_topic("latency", point, crossovers=False)
    rows = {r["label"]: r for r in out["methods"]}
    ae = rows["amplitude estimation"]
    assert 2 * ae["costs"]["qubits"] < min(r["costs"]["bits"] for r in rows.values()
                                           if r["family"] == "classical")
    assert out["winner"] == "amplitude estimation"
    # and the crossover in tau on that link (docs/noise_time_interop.md quotes 8.2e-4)
    [cross] = [c for c in evaluate_topic("latency", point)["crossovers"]
               if c["b"] == "SimHash (public coins)" and c["a"] == "amplitude estimation"]
    [root] = cross["roots"]
    assert root["value"] == pytest.approx(8.2e-4, rel=0.01)
