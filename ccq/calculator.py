"""Scaling calculators compiled from the sympy bounds: ``ccq calc`` and a self-contained HTML page.

Per-topic tables (:data:`TOPICS`) say which bounds of ``ccq.bounds`` cost each method of a task
(GapIP, TieAudit, ring all-reduce, ...) in qubits, bits, ebits and rounds, by the names of the
naming contract (``gapip.ae_qubits``, ...). A name that is not in ``ccq.bounds`` yet is skipped
with a note, so the calculators run before every topic has landed and light up as they do.

* :func:`evaluate_topic` : every method's cost at given parameters, the winner and the crossovers
  (exact sympy roots where sympy finds them, else bracketed numeric roots);
* :func:`calc_main` : the ``ccq calc`` command (text or ``--json``; ``ccq calc bound NAME s=v``);
* :func:`calculator_html` / :func:`write_calculator` : the interactive page (no server, no network,
  no plotting library): sliders for the parameters, live log-log plots on a canvas, crossover
  markers, formulas. Its JavaScript is generated from the same sympy expressions with
  ``sympy.jscode``, so the page cannot drift from ``ccq.bounds``.

Cost convention (``docs/cost_model.md``): a method's *communication* is qubits + bits, one qubit
counted like one bit; ebits (pre-shared entanglement) and rounds are shown beside it, not added.
"""

from __future__ import annotations

import dataclasses
import html
import json
import math
import sys
from collections.abc import Mapping
from pathlib import Path

import sympy as sp
from sympy.printing.jscode import JavascriptCodePrinter

from .bounds import Bound, crossover, registry
from .bounds._bound import _show_set

__all__ = ["Method", "Topic", "TOPICS", "DEFAULTS", "SLIDERS", "ALIASES", "evaluate_topic",
           "format_topic", "javascript_function", "calculator_html", "write_calculator",
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
    "eps": (1e-4, 0.5, True), "N": (2, 1e4, True), "S": (1, 1e12, True), "F": (0.25, 1, False),
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

#: symbols the page always offers (the issue's list), used or not
ALWAYS = ("tau", "P", "eps", "delta", "N", "F", "b", "r")

#: long option names accepted by ``ccq calc`` for contract symbols
ALIASES = {"dim": "P", "margin": "tau", "workers": "N", "parties": "N", "fidelity": "F",
           "rank": "r", "bits": "b", "layers": "L", "payload": "S", "error": "delta",
           "bias": "eps"}


# ---------------------------------------------------------------------------------- topic tables
@dataclasses.dataclass(frozen=True)
class Method:
    """One way to solve a topic's task and the bounds that cost it.

    ``costs`` maps a resource (``qubits``, ``bits``, ``ebits``, ``rounds``, or ``rate`` for
    rate topics) to a bound name in ``ccq.bounds`` or to a constant.
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

    def method(self, label: str) -> Method:
        for m in self.methods:
            if m.label == label:
                return m
        raise KeyError(f"topic {self.name!r} has no method {label!r}")


TOPICS: dict[str, Topic] = {t.name: t for t in (
    Topic("gapip", "GapIP_tau: is <g,h> >= tau or <= -tau?", "tau", (
        Method("swap test (augmented)", "quantum",
               {"qubits": "gapip.swap_qubits", "rounds": 1}),
        Method("amplitude estimation", "quantum",
               {"qubits": "gapip.ae_qubits", "rounds": "gapip.ae_rounds"}),
        Method("SimHash (public coins)", "classical", {"bits": "gapip.simhash_bits", "rounds": 1}),
        Method("Gaussian / JL sketch", "classical", {"bits": "gapip.jl_bits", "rounds": 1}),
        Method("send g (b bits per entry)", "classical", {"bits": "gapip.exact_bits", "rounds": 1}),
        Method("classical lower bound (Gap-Hamming)", "lower bound",
               {"bits": "gapip.classical_lower"}),
    ), crossovers=(("amplitude estimation", "SimHash (public coins)"),
                   ("swap test (augmented)", "SimHash (public coins)"))),
    Topic("tieaudit", "TieAudit_eps: sign consistency against a private matching (one-way)", "P", (
        Method("quantum fingerprints", "quantum", {"qubits": "tieaudit.quantum_qubits",
                                                   "rounds": 1}),
        Method("birthday sampling (public coins)", "classical",
               {"bits": "tieaudit.birthday_bits", "rounds": 1}),
        Method("send the sign pattern", "classical", {"bits": "tieaudit.exact_bits", "rounds": 1}),
        Method("two-way: Bob sends one edge", "classical",
               {"bits": "tieaudit.twoway_bits", "rounds": 2},
               note="two-way communication: outside the one-way model of the separation"),
        Method("classical one-way lower bound", "lower bound",
               {"bits": "tieaudit.classical_lower"}),
    ), crossovers=(("quantum fingerprints", "birthday sampling (public coins)"),)),
    Topic("ring", "Ring all-reduce: traffic per directed link", "N", (
        Method("classical ring", "classical", {"bits": "ring.classical_bits_per_link"}),
        Method("superdense ring (online)", "quantum",
               {"qubits": "ring.superdense_qubits_per_link", "ebits": "ring.ebits_per_link"}),
        Method("superdense ring (lifetime channel uses)", "quantum",
               {"qubits": "ring.lifetime_uses_per_link"},
               note="counts the offline distribution of the Bell pairs too"),
    )),
    Topic("superdense", "Superdense coding over Werner pairs: bits per qubit sent", "F", (
        Method("superdense coding", "quantum", {"rate": "superdense.rate"}),
        Method("plain qubit / bit", "classical", {"rate": 1.0}),
    ), crossovers=(("superdense coding", "plain qubit / bit"),), metric=("rate",),
        better="higher"),
    Topic("securagg", "Secure aggregation: communication per coordinate", "N", (
        Method("GHZ zero-sum keys + pads", "quantum",
               {"qubits": "ghz.key_qubits_per_coordinate", "bits": "ghz.key_bits_per_coordinate"},
               note="limit of many coordinates; finite P and noise multiply the copies"),
        Method("pairwise masks (Bonawitz et al.)", "classical",
               {"bits": "securagg.pairwise_mask_bits"}),
        Method("pre-shared one-time pads", "classical", {"bits": "securagg.otp_bits"}),
    ), crossovers=(("GHZ zero-sum keys + pads", "pairwise masks (Bonawitz et al.)"),)),
    Topic("compress", "Gradient compression: bits per worker per step", "r", (
        Method("PowerSGD (rank r)", "classical", {"bits": "compress.powersgd_bits"}),
        Method("LQ-SGD (rank r, quantised)", "classical", {"bits": "compress.lq_sgd_bits"}),
        Method("top-k", "classical", {"bits": "compress.topk_bits"}),
        Method("QSGD", "classical", {"bits": "compress.qsgd_bits"}),
        Method("signSGD", "classical", {"bits": "compress.sign_bits"}),
    ), crossovers=(("PowerSGD (rank r)", "top-k"),)),
    Topic("qmodel", "Distributed quantum model vs shipping data (inference)", "N", (
        Method("quantum model (per shot)", "quantum", {"qubits": "qmodel.inference_qubits"}),
        Method("ship the data", "classical", {"bits": "qmodel.classical_data_bits"}),
        Method("linear sketch (linear models only)", "classical",
               {"bits": "qmodel.linear_sketch_bits"}),
    ), crossovers=(("quantum model (per shot)", "ship the data"),)),
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
        metric=("shots", "queries")),
)}


# ---------------------------------------------------------------------------------- evaluation
def _resolve(costs: Mapping[str, str | float], bounds: Mapping[str, Bound]):
    """``({resource: Bound | float}, [missing names])``."""
    out, missing = {}, []
    for key, ref in costs.items():
        if isinstance(ref, str):
            if ref in bounds:
                out[key] = bounds[ref]
            else:
                missing.append(ref)
        else:
            out[key] = float(ref)
    return out, missing


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
    resolved, missing = _resolve(method.costs, bounds)
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
    used, defaulted = {}, []
    methods, skipped = [], []
    for m in topic.methods:
        resolved, missing = _resolve(m.costs, bounds)
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
                row["costs"][key] = ref(**_params_for(ref, params))
            else:
                row["costs"][key] = ref
        row["total"] = sum(row["costs"].get(k, 0.0) for k in topic.metric)
        methods.append(row)
    contenders = [r for r in methods if r["available"] and r["family"] in ("quantum", "classical")]
    pick = min if topic.better == "lower" else max
    winner = pick(contenders, key=lambda r: r["total"])["label"] if contenders else None
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
            roots = crossover(ba, bb, topic.x, bracket=(lo, hi), points=CROSSOVER_POINTS,
                              **fixed)
            found.append({"a": la, "b": lb, "symbol": topic.x,
                          "roots": [{"value": r.value, "method": r.method,
                                     "formula": None if r.formula is None else str(r.formula)}
                                    for r in roots]})
    for n, v in params.items():
        if n not in used and n not in defaulted:
            used[n] = v
    return {"topic": topic.name, "title": topic.title, "params": used,
            "defaults_used": sorted(set(defaulted)), "metric": list(topic.metric),
            "better": topic.better, "methods": methods, "winner": winner,
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
    return f"{x:.4g}"


def format_topic(result: dict) -> str:
    """The text table ``ccq calc TOPIC`` prints."""
    lines = [f"{result['topic']}: {result['title']}"]
    shown = ", ".join(f"{k}={_fmt(v)}" + (" (default)" if k in result["defaults_used"] else "")
                      for k, v in sorted(result["params"].items()))
    lines.append(f"  at {shown}" if shown else "  (no method available yet)")
    keys = _columns(r["costs"] for r in result["methods"])
    head = f"  {'method':50s} {'family':12s}" + "".join(f"{k:>12s}" for k in keys)
    head += f"{'total (' + '+'.join(result['metric']) + ')':>22s}" if len(result["metric"]) > 1 \
        else ""
    lines.append(head)
    for r in result["methods"]:
        if not r["available"]:
            continue
        cells = "".join(f"{_fmt(r['costs'].get(k, '-')):>12s}" for k in keys)
        total = f"{_fmt(r['total']):>22s}" if len(result["metric"]) > 1 else ""
        mark = " *" if r["label"] == result["winner"] else ""
        lines.append(f"  {r['label']:50s} {r['family']:12s}{cells}{total}{mark}")
    lines.append(f"  winner ({result['better']} {'+'.join(result['metric'])}): "
                 f"{result['winner'] or 'none available yet'}")
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


# ---------------------------------------------------------------------------------- the command
_USAGE = """usage: ccq calc [TOPIC] [--SYMBOL VALUE | SYMBOL=VALUE ...] [--json]
       ccq calc bound NAME [SYMBOL=VALUE ...] [--json]
       ccq calc crossover NAME_A NAME_B SYMBOL [SYMBOL=VALUE ...] [--json]
       ccq calc --html FILE

Scaling calculators from ccq.bounds. `ccq calc` lists the topics; `ccq calc gapip --tau 0.01
--dim 1e9` prints every method's cost (qubits, bits, rounds), the winner and the crossover.
Symbols missing from the command line take default values (marked "(default)").
Long aliases: {aliases}."""


def _usage() -> str:
    return _USAGE.format(aliases=", ".join(f"--{k} = --{v}" for k, v in ALIASES.items()))


def _parse(argv: list[str]):
    positional, values, flags = [], {}, {"json": False, "html": None}
    i = 0
    while i < len(argv):
        tok = argv[i]
        if tok in ("-h", "--help"):
            flags["help"] = True
        elif tok == "--json":
            flags["json"] = True
        elif tok == "--html" or tok.startswith("--html="):
            if "=" in tok:
                flags["html"] = tok.split("=", 1)[1]
            else:
                if i + 1 >= len(argv):
                    raise SystemExit("ccq calc: --html needs a file name")
                flags["html"] = argv[i + 1]
                i += 1
        elif tok.startswith("--"):
            name, eq, val = tok[2:].partition("=")
            if not eq:
                if i + 1 >= len(argv):
                    raise SystemExit(f"ccq calc: --{name} needs a value")
                val = argv[i + 1]
                i += 1
            values[ALIASES.get(name, name)] = _number(name, val)
        elif "=" in tok:
            name, _, val = tok.partition("=")
            values[ALIASES.get(name, name)] = _number(name, val)
        else:
            positional.append(tok)
        i += 1
    return positional, values, flags


def _number(name: str, text: str) -> float:
    try:
        x = float(text)
    except ValueError:
        raise SystemExit(f"ccq calc: {name} must be a number, got {text!r}") from None
    return int(x) if x.is_integer() and abs(x) < 2**53 else x


def _bound_result(b: Bound, values: dict) -> dict:
    try:
        b.validate(strict=True, **values)
    except ValueError as e:
        raise SystemExit(f"ccq calc: {e}") from None
    value = b(**values)
    return {"name": b.name, "kind": b.kind, "quantity": b.quantity, "expr": str(b.expr),
            "latex": b.latex, "statement": b.statement, "source": b.source,
            "values": values, "value": value,
            "domains": {n: _show_set(b.domain(n)) for n in b.symbols}}


def calc_main(argv: list[str] | None = None, bounds: Mapping[str, Bound] | None = None) -> int:
    """``ccq calc ...``; returns the exit status, raises ``SystemExit(message)`` on bad input."""
    argv = sys.argv[1:] if argv is None else list(argv)
    positional, values, flags = _parse(argv)
    if flags.get("help"):
        print(_usage())
        return 0
    bounds = registry() if bounds is None else bounds
    if flags["html"]:
        print(write_calculator(flags["html"], bounds=bounds))
        if not positional:
            return 0
    emit = (lambda obj: print(json.dumps(obj, indent=2, default=float))) if flags["json"] \
        else None
    if not positional:
        listing = {name: {"title": t.title,
                          "available": [m.label for m in t.methods
                                        if not _resolve(m.costs, bounds)[1]
                                        and any(isinstance(v, str) for v in m.costs.values())],
                          "skipped": sorted({n for m in t.methods
                                             for n in _resolve(m.costs, bounds)[1]})}
                   for name, t in TOPICS.items()}
        if emit:
            emit({"topics": listing, "bounds": sorted(bounds)})
        else:
            for name, info in listing.items():
                state = (f"{len(info['available'])} method(s)" if info["available"]
                         else "not available yet")
                print(f"{name:12s} {state:20s} {TOPICS[name].title}")
            print(f"\n{len(bounds)} bounds: `ccq calc bound NAME SYMBOL=VALUE ...`")
        return 0
    head, rest = positional[0], positional[1:]
    if head == "bound":
        if len(rest) != 1:
            raise SystemExit("ccq calc bound: give one bound name, e.g. "
                             "`ccq calc bound sampling.threshold_shots gap=0.1 delta=0.05`")
        b = _lookup(rest[0], bounds)
        out = _bound_result(b, values)
        if emit:
            emit(out)
        else:
            print(f"{b.name} [{b.kind} on {b.quantity}] = {b.expr}")
            print(f"  at {', '.join(f'{k}={_fmt(v)}' for k, v in values.items())}: "
                  f"{out['value']:.6g}")
        return 0
    if head == "crossover":
        if len(rest) != 3:
            raise SystemExit("ccq calc crossover: give NAME_A NAME_B SYMBOL, e.g. `ccq calc "
                             "crossover gapip.ae_qubits gapip.simhash_bits tau P=1e9 delta=0.01`")
        a, b = _lookup(rest[0], bounds), _lookup(rest[1], bounds)
        try:
            roots = crossover(a, b, rest[2], **values)
        except ValueError as e:
            raise SystemExit(f"ccq calc: {e}") from None
        out = {"a": a.name, "b": b.name, "symbol": rest[2], "values": values,
               "roots": [dataclasses.asdict(r) | {"formula": None if r.formula is None
                                                  else str(r.formula)} for r in roots]}
        if emit:
            emit(out)
        else:
            if not roots:
                print(f"{a.name} and {b.name} do not cross in {rest[2]}")
            for r in roots:
                print(f"{rest[2]}* = {r.value:.6g} [{r.method}"
                      + (f": {r.formula}" if r.formula is not None else "") + "]")
        return 0
    if head not in TOPICS:
        if head in bounds:
            raise SystemExit(f"ccq calc: {head!r} is a bound; use `ccq calc bound {head} ...`")
        raise SystemExit(f"ccq calc: unknown topic {head!r}; topics: {', '.join(TOPICS)} "
                         "(or `ccq calc bound NAME ...`)")
    if rest:
        raise SystemExit(f"ccq calc: unexpected argument(s) {rest}")
    topic = TOPICS[head]
    known = {n for m in topic.methods for b in _resolve(m.costs, bounds)[0].values()
             if isinstance(b, Bound) for n in b.symbols}
    unknown = set(values) - known - set(DEFAULTS)
    if unknown:
        raise SystemExit(f"ccq calc {head}: unknown parameter(s) {sorted(unknown)}; "
                         f"this topic's bounds use {sorted(known) or 'none yet'}")
    unused = sorted(set(values) - known)
    try:
        result = evaluate_topic(topic, values, bounds)
    except ValueError as e:
        raise SystemExit(f"ccq calc {head}: {e}") from None
    result["unused"] = unused
    if emit:
        emit(result)
    else:
        print(format_topic(result))
        if unused:
            print(f"  note: {', '.join(unused)} not used by any bound of this topic available now")
    return 0


def _lookup(name: str, bounds: Mapping[str, Bound]) -> Bound:
    if name not in bounds:
        import difflib

        close = difflib.get_close_matches(name, list(bounds), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else "; `ccq bounds` lists them"
        raise SystemExit(f"ccq calc: unknown bound {name!r}{hint}")
    return bounds[name]


# ---------------------------------------------------------------------------------- JavaScript
class _JSPrinter(JavascriptCodePrinter):
    """``sympy.jscode`` plus the C99 functions of ``sympy.codegen.cfunctions`` that bounds use."""

    def _print_log2(self, expr):
        return f"Math.log2({self._print(expr.args[0])})"

    def _print_log10(self, expr):
        return f"Math.log10({self._print(expr.args[0])})"

    def _print_exp2(self, expr):
        return f"Math.pow(2, {self._print(expr.args[0])})"

    def _print_log1p(self, expr):
        return f"Math.log1p({self._print(expr.args[0])})"

    def _print_expm1(self, expr):
        return f"Math.expm1({self._print(expr.args[0])})"


def javascript_function(bound: Bound) -> str | None:
    """``function(values) {...}`` evaluating the bound, or None if sympy cannot print it.

    Examples:
        >>> from ccq.bounds import swap
        >>> javascript_function(swap.acceptance)
        'function(v) { const overlap = v["overlap"]; return (1/2)*overlap + 1/2; }'
    """
    try:
        body = _JSPrinter({"strict": True}).doprint(bound.expr)
    except (sp.printing.codeprinter.PrintMethodNotImplementedError, ValueError, TypeError):
        return None
    if "Not supported" in body:
        return None
    names = bound.symbols
    decls = " ".join(f'const {n} = v["{n}"];' for n in names)
    return f"function(v) {{ {decls} return {body}; }}"


def _domain_json(bound: Bound, name: str):
    dom = bound.domain(name)
    if not isinstance(dom, sp.Interval):
        return None
    lo = None if dom.start == -sp.oo else float(dom.start)
    hi = None if dom.end == sp.oo else float(dom.end)
    return [lo, hi, bool(dom.left_open), bool(dom.right_open), bound.is_integer(name),
            _show_set(dom)]


from ._calculator_page import PAGE as _PAGE  # noqa: E402  (the template is long)


def calculator_html(bounds: Mapping[str, Bound] | None = None,
                    topics: Mapping[str, Topic] | None = None) -> str:
    """The calculator page for ``bounds`` (default: every bound in ``ccq.bounds``) and ``topics``
    (default :data:`TOPICS`; methods whose bounds are missing are noted, not drawn)."""
    bounds = registry() if bounds is None else dict(bounds)
    topics = TOPICS if topics is None else topics
    compiled = {name: (b, javascript_function(b)) for name, b in bounds.items()}
    usable = {name: (b, js) for name, (b, js) in compiled.items() if js}
    skipped = sorted(set(bounds) - set(usable))
    integer = {}
    for b, _ in usable.values():
        for n in b.symbols:
            integer[n] = integer.get(n, False) or b.is_integer(n)
    bound_table = ",\n".join(
        f'{json.dumps(name)}: {{"symbols": {json.dumps(list(b.symbols))}, '
        f'"kind": {json.dumps(b.kind)}, "quantity": {json.dumps(b.quantity)}, '
        f'"domains": {json.dumps({n: _domain_json(b, n) for n in b.symbols})}, "f": {js}}}'
        for name, (b, js) in usable.items())
    topic_list, missing_notes = [], {}
    for t in topics.values():
        methods = []
        for m in t.methods:
            resolved, missing = _resolve(m.costs, {k: b for k, (b, _) in usable.items()})
            if missing:
                missing_notes.setdefault(t.name, []).extend(missing)
                continue
            methods.append({"label": m.label, "family": m.family, "note": m.note,
                            "costs": {k: (v.name if isinstance(v, Bound) else v)
                                      for k, v in resolved.items()}})
        if not any(isinstance(v, str) for m in methods for v in m["costs"].values()):
            methods = []              # constants alone (e.g. a classical rate of 1) show nothing
        names = {m["label"] for m in methods}
        topic_list.append({"name": t.name, "title": t.title, "x": t.x, "metric": list(t.metric),
                           "columns": _columns(m["costs"] for m in methods),
                           "better": t.better, "methods": methods,
                           "crossovers": [[a, b] for a, b in t.crossovers
                                          if a in names and b in names],
                           "missing": sorted(set(missing_notes.get(t.name, [])))})
    symbols = sorted({n for b, _ in usable.values() for n in b.symbols} | set(ALWAYS),
                     key=lambda s: (s not in ALWAYS, ALWAYS.index(s) if s in ALWAYS else 0,
                                    s.lower(), s))
    sliders = {s: {"lo": SLIDERS.get(s, (1e-3, 1e3, True))[0],
                   "hi": SLIDERS.get(s, (1e-3, 1e3, True))[1],
                   "log": SLIDERS.get(s, (1e-3, 1e3, True))[2],
                   "value": DEFAULTS.get(s, 1.0), "integer": integer.get(s, False)}
               for s in symbols}
    formulas = "\n".join(_formula_section(b) for b, _ in usable.values())
    note = (f"Not compiled (no JavaScript form): {', '.join(skipped)}." if skipped
            else "Every bound compiled.")
    return (_PAGE.replace("@@NOTE@@", html.escape(note))
            .replace("@@FORMULAS@@", formulas)
            .replace("@@BOUNDS@@", "{" + bound_table + "}")
            .replace("@@TOPICS@@", json.dumps(topic_list))
            .replace("@@SLIDERS@@", json.dumps(sliders))
            .replace("@@POINTS@@", str(CROSSOVER_POINTS)))


def _formula_section(b: Bound) -> str:
    name = html.escape(b.name)
    doms = ", ".join(f"{html.escape(n)} ∈ {html.escape(_show_set(b.domain(n)))}"
                     for n in b.symbols)
    return (
        f'<section class="bound" id="bound:{name}"><h3>{name} '
        f'<span class="kind">[{b.kind} on {b.quantity}]</span> = '
        f'<span class="value" id="value:{name}"></span></h3>'
        f"<pre>{html.escape(b.pretty)}</pre>"
        f'<div class="latex">LaTeX: <code>{html.escape(b.latex)}</code></div>'
        f"<p>{html.escape(b.statement)}</p><div class=\"src\">symbols: {doms}<br>"
        f"source: {html.escape(b.source)}</div></section>"
    )


def write_calculator(path: Path | str, bounds: Mapping[str, Bound] | None = None,
                     topics: Mapping[str, Topic] | None = None) -> Path:
    """Write the calculator page to ``path``; return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(calculator_html(bounds, topics), encoding="utf-8")
    return path


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

