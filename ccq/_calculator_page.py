# ruff: noqa: E501  (the page template keeps long HTML/JS lines whole)
"""The calculator page: one self-contained offline HTML file generated from the sympy bounds.

:func:`calculator_html` compiles every bound a topic uses (``sympy.jscode``) and the topic tables
of :mod:`ccq.calculator` into :data:`PAGE`. The page shows one topic at a time, with a labelled
input (text field, slider, unit, one-line meaning, inline error message) for each symbol that
topic uses; its table, winner, crossovers and a log-log plot update as you type; the address
(``#topic=gapip&tau=0.05&P=1048576``) holds the topic and the parameters, so a result can be
shared and reopened; the plot exports as PNG and the table as CSV. No network, no libraries.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from pathlib import Path

import sympy as sp
from sympy.printing.jscode import JavascriptCodePrinter

from .bounds import Bound, registry
from .bounds._bound import _show_set

__all__ = ["calculator_html", "write_calculator", "javascript_function", "PAGE"]


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
    decls = " ".join(f"const {n} = v[{json.dumps(n)}];" for n in bound.symbols)
    return f"function(v) {{ {decls} return {body}; }}"


def _interval(dom: sp.Set):
    """``[lo, hi, lo_open, hi_open, shown]`` of an interval domain (None for an infinite end)."""
    if not isinstance(dom, sp.Interval):
        return None
    lo = None if dom.start == -sp.oo else float(dom.start)
    hi = None if dom.end == sp.oo else float(dom.end)
    return [lo, hi, bool(dom.left_open), bool(dom.right_open), _show_set(dom)]


def _script_json(obj) -> str:
    """JSON safe inside ``<script>``: no ``</script>`` or ``<!--`` can end the block early."""
    return (json.dumps(obj).replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("&", "\\u0026"))


def _topic_json(calc, t, bounds: Mapping[str, Bound], compiled: dict) -> dict:
    methods, missing = [], []
    for m in t.methods:
        resolved, lost = calc._resolve_in(t, m, bounds)
        refs = {k: v for k, v in resolved.items() if isinstance(v, Bound)}
        for b in refs.values():
            if b.name not in compiled:
                compiled[b.name] = (b, javascript_function(b))
        no_js = [b.name for b in refs.values() if compiled[b.name][1] is None]
        if lost or no_js:
            missing.extend(lost + no_js)
            continue
        methods.append({"label": m.label, "family": m.family, "note": m.note,
                        "costs": {k: (v.name if isinstance(v, Bound) else v)
                                  for k, v in resolved.items()}})
    if not any(isinstance(v, str) for m in methods for v in m["costs"].values()):
        methods = []                  # constants alone (e.g. a classical rate of 1) show nothing
    names = {m["label"] for m in methods}
    symbols = []
    for n in calc.topic_symbols(t, bounds):
        doms, integer = [], n in calc.INTEGERS
        for m in t.methods:
            for b in calc._resolve_in(t, m, bounds)[0].values():
                if isinstance(b, Bound) and n in b.symbols:
                    doms.append(b.domain(n))
                    integer = integer or b.is_integer(n)
        dom = sp.Intersection(*doms) if len(doms) > 1 else (doms[0] if doms else sp.Reals)
        lo, hi, log = calc.SLIDERS.get(n, (1e-3, 1e3, True))
        meaning, unit = t.symbol_info(n)
        symbols.append({"name": n, "meaning": meaning, "unit": unit,
                        "default": calc.DEFAULTS.get(n, 1.0), "integer": integer,
                        "domain": _interval(dom), "shown": _show_set(dom),
                        "lo": lo, "hi": hi, "log": log})
    return {"name": t.name, "title": t.title, "x": t.x, "metric": list(t.metric),
            "columns": calc._columns(m["costs"] for m in methods),
            "counts": [k for k in calc._columns(m["costs"] for m in methods)
                       if calc._column_quantity(k) in calc.COUNTS],
            "better": t.better, "methods": methods, "symbols": symbols, "note": t.note,
            "crossovers": [[a, b] for a, b in t.crossovers if a in names and b in names],
            "missing": sorted(set(missing)),
            # network presets (ccq.calculator.NETWORKS) for a topic that uses all their symbols
            "presets": {k: v for k, v in getattr(calc, "NETWORKS", {}).items()
                        if set(v) <= {s["name"] for s in symbols}}}


def calculator_html(bounds: Mapping[str, Bound] | None = None,
                    topics: Mapping | None = None) -> str:
    """The calculator page for ``bounds`` (default: every bound in ``ccq.bounds``) and ``topics``
    (default ``ccq.calculator.TOPICS``; methods whose bounds are missing are noted, not drawn)."""
    from . import calculator as calc

    bounds = registry() if bounds is None else dict(bounds)
    topics = calc.TOPICS if topics is None else topics
    compiled = {name: (b, javascript_function(b)) for name, b in bounds.items()}
    topic_list = [_topic_json(calc, t, bounds, compiled) for t in topics.values()]
    table = {name: {"symbols": list(b.symbols), "kind": b.kind, "quantity": b.quantity,
                    "domains": {n: _interval(b.domain(n)) for n in b.symbols},
                    "integer": {n: b.is_integer(n) for n in b.symbols}}
             for name, (b, js) in compiled.items() if js}
    functions = ",\n".join(f"{_script_json(name)}: {js}" for name, (_, js) in compiled.items()
                           if js)
    skipped = sorted(n for n, (_, js) in compiled.items() if js is None)
    formulas = "\n".join(_formula_section(b) for name, (b, js) in compiled.items()
                         if name in bounds)
    note = (f"Not compiled (no JavaScript form): {', '.join(skipped)}." if skipped
            else "Every bound compiled.")
    return (PAGE.replace("@@NOTE@@", html.escape(note))
            .replace("@@FORMULAS@@", formulas)
            .replace("@@BOUNDS@@", _script_json(table))
            .replace("@@FUNCTIONS@@", "{" + functions + "}")
            .replace("@@TOPICS@@", _script_json(topic_list))
            .replace("@@POINTS@@", str(calc.CROSSOVER_POINTS)))


def _formula_section(b: Bound) -> str:
    name = html.escape(b.name)
    doms = ", ".join(f"{html.escape(n)} ∈ {html.escape(_show_set(b.domain(n)))}"
                     for n in b.symbols)
    return (
        f'<section class="bound" id="bound:{name}"><h4>{name} '
        f'<span class="kind">[{html.escape(b.kind)} on {html.escape(b.quantity)}]</span></h4>'
        f"<pre>{html.escape(b.pretty)}</pre>"
        f'<div class="latex">LaTeX: <code>{html.escape(b.latex)}</code></div>'
        f"<p>{html.escape(b.statement)}</p><div class=\"src\">symbols: {doms}<br>"
        f"source: {html.escape(b.source)}</div></section>"
    )


def write_calculator(path: Path | str, bounds: Mapping[str, Bound] | None = None,
                     topics: Mapping | None = None) -> Path:
    """Write the calculator page to ``path``; return the path."""
    text = calculator_html(bounds, topics)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


PAGE = r"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ccq scaling calculator</title>
<style>
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, sans-serif; max-width: 1100px; margin: 0 auto; padding: .5em 1em 2em; color: #111; }
h1 { font-size: 22px; margin: .4em 0; } h2 { font-size: 18px; margin: .3em 0; } h3 { font-size: 15px; margin: .6em 0 .2em; } h4 { font: 13px monospace; margin: .2em 0; overflow-wrap: anywhere; }
nav { display: flex; flex-wrap: wrap; gap: 4px; margin: .5em 0; }
nav button { font: inherit; padding: 4px 10px; border: 1px solid #999; border-radius: 4px; background: #f4f4f4; cursor: pointer; }
nav button[aria-pressed=true] { background: #1f4e99; color: #fff; border-color: #1f4e99; }
.controls { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 320px), 1fr)); gap: 8px 18px; margin: .5em 0; }
.control { display: grid; grid-template-columns: auto 1fr; gap: 2px 8px; align-items: center; }
.control label { font-weight: 600; font-family: monospace; grid-column: 1 / 3; }
.control label .unit { font-weight: normal; color: #555; font-family: system-ui, sans-serif; }
.control input[type=text] { width: 9em; font: 14px monospace; padding: 2px 4px; }
.control input[type=range] { width: 100%; min-width: 0; }
.control .meaning { grid-column: 1 / 3; color: #555; font-size: 13px; }
.control .err { grid-column: 1 / 3; color: #b00020; font-size: 13px; }
.control input[aria-invalid=true] { border: 2px solid #b00020; background: #fff0f0; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; font: 13px monospace; margin: .3em 0; }
caption { text-align: left; font: 13px system-ui, sans-serif; color: #333; padding-bottom: 2px; }
td, th { padding: 2px 8px; text-align: right; border-bottom: 1px solid #eee; }
td:first-child, th:first-child { text-align: left; white-space: normal; min-width: 12em; }
tr.winner td, tr.winner th { background: #e3f1e3; font-weight: bold !important; }
.note { color: #555; font-size: 13px; } .bad { color: #b00020; }
#winner { font-weight: bold; }
figure { margin: .5em 0; } .plotbox { width: 100%; }
canvas { display: block; width: 100%; border: 1px solid #ddd; }
figcaption { font-size: 13px; color: #333; }
.legend { list-style: none; padding: 0; margin: .3em 0; display: flex; flex-wrap: wrap; gap: 2px 14px; font-size: 13px; }
.legend span.swatch { display: inline-block; width: 18px; height: 0; border-top: 3px solid; vertical-align: middle; margin-right: 4px; }
.buttons { display: flex; flex-wrap: wrap; gap: 6px; margin: .4em 0; }
.buttons button { font: inherit; padding: 3px 10px; }
pre { background: #f6f6f6; padding: 4px 6px; overflow-x: auto; margin: .3em 0; max-width: 100%; }
.latex, .src { font-size: 12px; color: #555; overflow-wrap: anywhere; } .kind { color: #666; font-weight: normal; }
details { margin: .5em 0; } section.bound { border-top: 1px solid #ddd; padding: .3em 0; }
</style></head><body>
<h1>ccq scaling calculator</h1>
<p class="note">Every formula is compiled from the sympy expression in <code>ccq.bounds</code>
(<code>sympy.jscode</code>), so the page cannot drift from the library; <code>ccq calc</code> prints
the same numbers. A method's total is its whole cost as the protocols count it (online and offline
resources, tests, all shots); counts are shown rounded up. Lower bounds and references are drawn but
never win. The address of this page keeps the topic and the parameters: copy it to share a result.
Generated by <code>ccq calc --html</code>; no network is used. @@NOTE@@</p>
<nav id="tabs" aria-label="topics"></nav>
<main id="topic" aria-live="polite">
<h2 id="title"></h2>
<p class="note" id="topic-note"></p>
<h3>Parameters</h3>
<div class="controls" id="controls"></div>
<h3>Costs</h3>
<div class="scroll"><table id="table"><caption id="caption"></caption><thead id="thead"></thead><tbody id="tbody"></tbody></table></div>
<p>Winner: <span id="winner" data-value=""></span></p>
<div id="crossovers"></div>
<figure><div class="plotbox" id="plotbox"><canvas id="plot" role="img" height="380"></canvas></div>
<ul class="legend" id="legend"></ul>
<figcaption id="plot-caption"></figcaption></figure>
<div class="buttons"><button type="button" id="export-png">Download plot (PNG)</button>
<button type="button" id="export-csv">Download table (CSV)</button>
<button type="button" id="reset">Reset to defaults</button></div>
<p class="note" id="missing"></p>
</main>
<details><summary>All bounds: formulas, statements, sources</summary>
@@FORMULAS@@
</details>
<script>
/* a separate script, so that even a syntax error in the page's code below is recorded */
window.__errors = [];
window.addEventListener("error", (e) => window.__errors.push(String(e.message)));
</script>
<script>
"use strict";
const BOUNDS = @@BOUNDS@@;
const FUNCTIONS = @@FUNCTIONS@@;
const TOPICS = @@TOPICS@@;
const POINTS = @@POINTS@@;   /* crossover scan points, as in Python */
const STEPS = 1000;          /* slider resolution */
const COLORS = ["#1f4e99", "#b5472b", "#2b8a3e", "#8e44ad", "#b8860b", "#16a2b8", "#555555", "#d63384"];
const state = { topic: TOPICS[0].name, text: {}, values: {}, errors: {} };

function el(tag, attrs, text) {
  const e = document.createElement(tag);
  for (const k in (attrs || {})) e.setAttribute(k, attrs[k]);
  if (text !== undefined) e.textContent = text;
  return e;
}
function topic() { return TOPICS.find((t) => t.name === state.topic); }
function fmt(x) {
  if (typeof x !== "number" || !Number.isFinite(x)) return String(x);
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  return Number(x.toPrecision(6)).toString();
}
function fmtCount(x) {
  if (!Number.isFinite(x)) return String(x);
  const n = Math.ceil(x - 1e-9);
  return Math.abs(n) < 1e15 ? String(n) : Number(n.toPrecision(6)).toString();
}
const NUMBER = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

/* ---------------------------------------------------------------- checking one input */
function check(sym, text) {
  const n = sym.name;
  if (!NUMBER.test(text)) return { error: text.trim() === "" ? n + " needs a value" : n + " must be a number, got '" + text + "'" };
  const x = Number(text);
  if (!Number.isFinite(x)) return { error: n + " must be a finite number, got '" + text.trim() + "'" };
  if (sym.integer && !Number.isInteger(x)) return { error: n + "=" + fmt(x) + " must be an integer" };
  const d = sym.domain;
  if (d) {
    const [lo, hi, lopen, ropen, shown] = d;
    if ((lo !== null && (lopen ? !(x > lo) : !(x >= lo))) || (hi !== null && (ropen ? !(x < hi) : !(x <= hi))))
      return { error: n + "=" + fmt(x) + " is outside " + shown };
  }
  return { value: x };
}
function outside(name, v) {          /* a derived bound's own domain (rarely tighter) */
  const b = BOUNDS[name];
  for (const s of b.symbols) {
    const d = b.domains[s], x = v[s];
    if (!Number.isFinite(x)) return s + "=" + x + " is not finite";
    if (!d) continue;
    const [lo, hi, lopen, ropen, shown] = d;
    if ((lo !== null && (lopen ? !(x > lo) : !(x >= lo))) || (hi !== null && (ropen ? !(x < hi) : !(x <= hi))))
      return s + "=" + fmt(x) + " is outside " + shown;
  }
  return null;
}
function costOf(ref, v) {
  if (typeof ref === "number") return ref;
  if (outside(ref, v)) return NaN;
  return FUNCTIONS[ref](v);
}
function totalOf(t, m, v) {
  let total = 0;
  for (const k of t.metric) if (k in m.costs) total += costOf(m.costs[k], v);
  return total;
}

/* ---------------------------------------------------------------- crossovers (as _scan_roots) */
function xgrid(t, k) {
  const s = t.symbols.find((q) => q.name === t.x); const out = [];
  for (let i = 0; i < k; i++) out.push(s.log ? s.lo * Math.pow(s.hi / s.lo, i / (k - 1)) : s.lo + (s.hi - s.lo) * i / (k - 1));
  if (!s.integer) return out;
  return [...new Set(out.map(Math.round))];
}
function roots(f, xs, log, integer) {
  const g = xs.map(f); const out = [];
  for (let i = 0; i + 1 < xs.length; i++) {
    if (!Number.isFinite(g[i]) || !Number.isFinite(g[i + 1]) || !(Math.sign(g[i]) * Math.sign(g[i + 1]) < 0)) continue;
    let u = xs[i], w = xs[i + 1], gu = g[i];
    for (let k = 0; k < 200; k++) {
      /* an integer symbol's crossover is the first integer past the sign change */
      const mid = integer ? Math.floor((u + w) / 2) : (log && u > 0 ? Math.sqrt(u * w) : (u + w) / 2);
      if (mid === u || mid === w) break;
      const gm = f(mid);
      if ((gm < 0) === (gu < 0) && gm !== 0) { u = mid; gu = gm; } else w = mid;
    }
    out.push(w);
  }
  return out;
}
function crossovers(t, v) {
  const s = t.symbols.find((q) => q.name === t.x);
  return t.crossovers.map(([la, lb]) => {
    const ma = t.methods.find((m) => m.label === la), mb = t.methods.find((m) => m.label === lb);
    const w = Object.assign({}, v);
    const gap = (x) => { w[t.x] = x; return totalOf(t, ma, w) - totalOf(t, mb, w); };
    return { a: la, b: lb, roots: roots(gap, xgrid(t, POINTS), s.log, s.integer) };
  });
}

/* ---------------------------------------------------------------- building a topic */
function sliderToValue(s, u) {
  let x = s.log ? s.lo * Math.pow(s.hi / s.lo, u / STEPS) : s.lo + (s.hi - s.lo) * u / STEPS;
  return s.integer ? Math.round(x) : Number(x.toPrecision(4));
}
function valueToSlider(s, x) {
  const u = s.log ? STEPS * Math.log(x / s.lo) / Math.log(s.hi / s.lo) : STEPS * (x - s.lo) / (s.hi - s.lo);
  return Math.max(0, Math.min(STEPS, Math.round(u)));
}
function buildTabs() {
  const nav = document.getElementById("tabs");
  for (const t of TOPICS) {
    const b = el("button", { type: "button", id: "tab:" + t.name, "aria-pressed": "false", title: t.title }, t.name);
    b.addEventListener("click", () => { state.topic = t.name; state.text = {}; buildTopic(); update(); });
    nav.appendChild(b);
  }
}
function buildTopic() {
  const t = topic();
  for (const b of document.querySelectorAll("#tabs button")) b.setAttribute("aria-pressed", String(b.id === "tab:" + t.name));
  document.getElementById("title").textContent = t.name + ": " + t.title;
  document.getElementById("topic-note").textContent = t.note || "";
  document.title = "ccq calculator: " + t.name;
  const box = document.getElementById("controls"); box.replaceChildren();
  for (const s of t.symbols) {
    if (!(s.name in state.text)) state.text[s.name] = String(s.default);
    const row = el("div", { class: "control" });
    const label = el("label", { for: "num:" + s.name }, s.name + " ");
    label.appendChild(el("span", { class: "unit" }, s.unit ? "[" + s.unit + "]" : ""));
    const num = el("input", { type: "text", inputmode: "decimal", id: "num:" + s.name, autocomplete: "off",
      "aria-describedby": "meaning:" + s.name + " err:" + s.name, spellcheck: "false" });
    num.value = state.text[s.name];
    const slider = el("input", { type: "range", min: "0", max: String(STEPS), step: "1", id: "slider:" + s.name,
      "aria-label": s.name + " (" + s.meaning + "), slider from " + fmt(s.lo) + " to " + fmt(s.hi) + (s.log ? ", log scale" : "") });
    const meaning = el("div", { class: "meaning", id: "meaning:" + s.name },
      s.meaning + "; in " + s.shown + (s.integer ? ", integer" : "") + "; default " + fmt(s.default));
    const err = el("div", { class: "err", id: "err:" + s.name, role: "alert" });
    num.addEventListener("input", () => { state.text[s.name] = num.value; update(); });
    slider.addEventListener("input", () => { const x = sliderToValue(s, Number(slider.value)); state.text[s.name] = String(x); num.value = String(x); update(); });
    row.append(label, num, slider, meaning, err);
    box.appendChild(row);
  }
  const names = Object.keys(t.presets || {});
  if (names.length) {       // a preset sets several symbols at once (e.g. a network's km, R, B)
    const row = el("div", { class: "control", id: "presets", role: "group", "aria-label": "presets" }, "presets: ");
    for (const name of names) {
      const b = el("button", { type: "button", id: "preset:" + name }, name);
      b.addEventListener("click", () => {
        for (const [k, x] of Object.entries(t.presets[name])) state.text[k] = String(x);
        update();
      });
      row.appendChild(b);
    }
    box.appendChild(row);
  }
  const keys = t.columns;
  const head = el("tr"); head.appendChild(el("th", { scope: "col" }, "method")); head.appendChild(el("th", { scope: "col" }, "family"));
  for (const k of keys) head.appendChild(el("th", { scope: "col" }, k));
  if (t.metric.length > 1) head.appendChild(el("th", { scope: "col" }, "total (" + t.metric.join(" + ") + ")"));
  document.getElementById("thead").replaceChildren(head);
  const body = document.getElementById("tbody"); body.replaceChildren();
  t.methods.forEach((m, i) => {
    const tr = el("tr", { id: "row:" + i });
    const name = el("th", { scope: "row", title: m.note || "" }, m.label);
    name.style.textAlign = "left"; name.style.fontWeight = "normal";
    if (m.note) { name.appendChild(el("br")); name.appendChild(el("span", { class: "note" }, m.note)); }
    tr.appendChild(name); tr.appendChild(el("td", {}, m.family));
    for (const k of keys) tr.appendChild(el("td", { id: "cell:" + i + ":" + k }, k in m.costs ? "" : "-"));
    if (t.metric.length > 1) tr.appendChild(el("td", { id: "cell:" + i + ":total" }));
    body.appendChild(tr);
  });
  document.getElementById("caption").textContent = "Cost of each method of " + t.name + " at the parameters above (" +
    (t.better === "lower" ? "lower" : "higher") + " " + t.metric.join(" + ") + " is better; counts rounded up).";
  const cx = document.getElementById("crossovers"); cx.replaceChildren();
  t.crossovers.forEach(([a, b], k) => {
    const p = el("p", {}, "Crossover " + a + " = " + b + " in " + t.x + ": ");
    p.appendChild(el("span", { id: "cross:" + k, "data-value": "[]" })); cx.appendChild(p);
  });
  document.getElementById("missing").textContent = t.missing.length ? "Not shown (not in ccq.bounds yet, or no JavaScript form): " + t.missing.join(", ") : "";
}

/* ---------------------------------------------------------------- updating */
function readInputs() {
  const t = topic(); state.values = {}; state.errors = {};
  for (const s of t.symbols) {
    const r = check(s, state.text[s.name]);
    const num = document.getElementById("num:" + s.name), err = document.getElementById("err:" + s.name);
    if (r.error) { state.errors[s.name] = r.error; num.setAttribute("aria-invalid", "true"); err.textContent = r.error; }
    else {
      state.values[s.name] = r.value; num.setAttribute("aria-invalid", "false"); err.textContent = "";
      document.getElementById("slider:" + s.name).value = valueToSlider(s, r.value);
    }
    if (document.activeElement !== num && num.value !== state.text[s.name]) num.value = state.text[s.name];
  }
  return Object.keys(state.errors).length === 0;
}
function setCell(id, x, count) {
  const c = document.getElementById(id); if (!c) return;
  c.dataset.value = String(x);
  c.textContent = Number.isFinite(x) ? (count ? fmtCount(x) : fmt(x)) : "—";
}
function update() {
  const t = topic(); const ok = readInputs(); const v = state.values;
  const totals = [];
  t.methods.forEach((m, i) => {
    for (const k in m.costs) setCell("cell:" + i + ":" + k, ok ? costOf(m.costs[k], v) : NaN, t.counts.includes(k));
    const total = ok ? totalOf(t, m, v) : NaN; totals.push(total);
    if (t.metric.length > 1) setCell("cell:" + i + ":total", total, t.metric.every((k) => t.counts.includes(k)));
    document.getElementById("row:" + i).className = "";
  });
  const w = document.getElementById("winner");
  const contenders = t.methods.map((m, i) => i).filter((i) => t.methods[i].family === "quantum" || t.methods[i].family === "classical");
  if (!ok) { w.textContent = "none: fix " + Object.keys(state.errors).join(", ") + " above"; w.dataset.value = ""; w.className = "bad"; }
  else if (contenders.length === 0) { w.textContent = "none available"; w.dataset.value = ""; w.className = ""; }
  else if (contenders.some((i) => !Number.isFinite(totals[i]))) {
    w.textContent = "none: some costs are out of range or beyond floating point at these values"; w.dataset.value = ""; w.className = "bad";
  } else {
    const best = (t.better === "lower" ? Math.min : Math.max)(...contenders.map((i) => totals[i]));
    const tie = contenders.filter((i) => Math.abs(totals[i] - best) <= 1e-12 * Math.abs(best) + 1e-12);
    w.className = "";
    if (tie.length > 1) { w.textContent = "tie between " + tie.map((i) => t.methods[i].label).join(" and "); w.dataset.value = ""; }
    else { w.textContent = t.methods[tie[0]].label; w.dataset.value = t.methods[tie[0]].label; }
    for (const i of tie) document.getElementById("row:" + i).className = "winner";
  }
  const cross = ok ? crossovers(t, v) : t.crossovers.map(([a, b]) => ({ a: a, b: b, roots: [] }));
  cross.forEach((c, k) => {
    const e = document.getElementById("cross:" + k); e.dataset.value = JSON.stringify(c.roots);
    e.textContent = !ok ? "—" : (c.roots.length ? c.roots.map((r) => t.x + "* = " + fmt(r)).join("; ") : "none in the plotted range");
  });
  draw(t, ok, cross);
  writeAddress();
  window.__updates = (window.__updates || 0) + 1;
}

/* ---------------------------------------------------------------- the plot */
function draw(t, ok, cross) {
  const canvas = document.getElementById("plot"); const box = document.getElementById("plotbox");
  const W = Math.max(280, Math.floor(box.clientWidth)), H = W < 500 ? 300 : 380;
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(W * ratio); canvas.height = Math.round(H * ratio); canvas.style.height = H + "px";
  const ctx = canvas.getContext("2d"); ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, W, H); ctx.font = "11px sans-serif";
  const legend = document.getElementById("legend"); legend.replaceChildren();
  const caption = document.getElementById("plot-caption");
  if (!ok || t.methods.length === 0) {
    ctx.fillStyle = "#b00020"; ctx.fillText(ok ? "nothing to draw" : "fix the highlighted parameters to draw", 20, H / 2);
    canvas.setAttribute("aria-label", "No plot: " + (ok ? "no method available" : "invalid parameters"));
    caption.textContent = ""; return;
  }
  const sx = t.symbols.find((q) => q.name === t.x);
  const xs = []; for (let i = 0; i < 240; i++) xs.push(sx.log ? sx.lo * Math.pow(sx.hi / sx.lo, i / 239) : sx.lo + (sx.hi - sx.lo) * i / 239);
  const v = Object.assign({}, state.values);
  const series = t.methods.map((m, i) => ({ m: m, color: COLORS[i % COLORS.length],
    ys: xs.map((x) => { v[t.x] = x; return totalOf(t, m, v); }) }));
  const ys = series.flatMap((s) => s.ys).filter((y) => Number.isFinite(y) && y > 0);
  if (!ys.length) { ctx.fillStyle = "#777"; ctx.fillText("nothing to draw (out of range)", 20, H / 2); return; }
  let ymin = Math.min(...ys), ymax = Math.max(...ys); if (ymin === ymax) { ymin /= 10; ymax *= 10; }
  const L = 56, R = 12, T = 12, B = 36;
  const lx = (x) => sx.log ? Math.log10(x) : x;
  const X = (x) => L + (W - L - R) * (lx(x) - lx(sx.lo)) / (lx(sx.hi) - lx(sx.lo));
  const Y = (y) => H - B - (H - T - B) * (Math.log10(y) - Math.log10(ymin)) / (Math.log10(ymax) - Math.log10(ymin));
  ctx.strokeStyle = "#999"; ctx.lineWidth = 1; ctx.strokeRect(L, T, W - L - R, H - T - B);
  ctx.fillStyle = "#333";
  const e0 = Math.ceil(Math.log10(ymin)), e1 = Math.floor(Math.log10(ymax)); const ystep = Math.max(1, Math.ceil((e1 - e0 + 1) / 8));
  for (let e = e0; e <= e1; e += ystep) {
    const y = Y(Math.pow(10, e)); ctx.strokeStyle = "#eee"; ctx.beginPath(); ctx.moveTo(L, y); ctx.lineTo(W - R, y); ctx.stroke();
    ctx.textAlign = "right"; ctx.fillText("1e" + e, L - 4, y + 4);
  }
  if (e1 - e0 < 1) { ctx.textAlign = "right"; ctx.fillText(fmt(ymin), L - 4, Y(ymin)); ctx.fillText(fmt(ymax), L - 4, Y(ymax) + 10); }
  ctx.textAlign = "center";
  if (sx.log) {
    const a = Math.ceil(Math.log10(sx.lo)), b = Math.floor(Math.log10(sx.hi)); const step = Math.max(1, Math.ceil((b - a + 1) / Math.max(2, Math.floor((W - L - R) / 60))));
    for (let e = a; e <= b; e += step) { const x = X(Math.pow(10, e)); ctx.strokeStyle = "#eee"; ctx.beginPath(); ctx.moveTo(x, T); ctx.lineTo(x, H - B); ctx.stroke(); ctx.fillText("1e" + e, x, H - B + 14); }
  } else {
    for (let i = 0; i <= 4; i++) { const xv = sx.lo + (sx.hi - sx.lo) * i / 4; ctx.fillText(fmt(xv), X(xv), H - B + 14); }
  }
  ctx.fillText(t.x + (sx.log ? " (log scale)" : ""), L + (W - L - R) / 2, H - 6);
  ctx.textAlign = "left";
  series.forEach((s) => {
    ctx.strokeStyle = s.color; ctx.lineWidth = 2;
    ctx.setLineDash(s.m.family === "lower bound" ? [6, 4] : (s.m.family === "reference" ? [2, 3] : []));
    ctx.beginPath(); let on = false;
    xs.forEach((x, i) => { const y = s.ys[i]; if (!(Number.isFinite(y) && y > 0)) { on = false; return; }
      const yy = Math.max(T, Math.min(H - B, Y(y))); if (on) ctx.lineTo(X(x), yy); else ctx.moveTo(X(x), yy); on = true; });
    ctx.stroke(); ctx.setLineDash([]);
    const li = el("li"); const sw = el("span", { class: "swatch" }); sw.style.borderTopColor = s.color;
    if (s.m.family !== "quantum" && s.m.family !== "classical") sw.style.borderTopStyle = "dashed";
    li.append(sw, document.createTextNode(s.m.label + " [" + s.m.family + "]")); legend.appendChild(li);
  });
  const cur = state.values[t.x];
  if (cur >= sx.lo && cur <= sx.hi) { ctx.strokeStyle = "#000"; ctx.setLineDash([3, 3]); ctx.beginPath(); ctx.moveTo(X(cur), T); ctx.lineTo(X(cur), H - B); ctx.stroke(); ctx.setLineDash([]); }
  /* crossover markers: labels placed where they overlap neither each other nor the frame */
  const placed = []; const notes = [];
  cross.forEach((c) => {
    const ma = t.methods.find((m) => m.label === c.a);
    for (const r of c.roots) {
      v[t.x] = r; const y = totalOf(t, ma, v); if (!(Number.isFinite(y) && y > 0)) continue;
      const px = X(r), py = Math.max(T, Math.min(H - B, Y(y))); const label = t.x + "*=" + fmt(r);
      ctx.strokeStyle = "#000"; ctx.lineWidth = 2; ctx.beginPath(); ctx.arc(px, py, 5, 0, 2 * Math.PI); ctx.stroke();
      const w = ctx.measureText(label).width + 4, h = 13;
      let spot = null;
      for (let k = 0; k < 40 && !spot; k++) {
        const dy = (k % 2 ? 1 : -1) * (10 + 14 * Math.floor(k / 4)); const right = (k >> 1) % 2 === 0;
        const bx = right ? px + 8 : px - 8 - w, by = py + dy - h / 2;
        if (bx < L || bx + w > W - R || by < T || by + h > H - B) continue;
        if (placed.every((p) => bx + w <= p.x || p.x + p.w <= bx || by + h <= p.y || p.y + p.h <= by)) spot = { x: bx, y: by, w: w, h: h };
      }
      if (spot) { placed.push(spot); ctx.fillStyle = "rgba(255,255,255,.85)"; ctx.fillRect(spot.x, spot.y, spot.w, spot.h); ctx.fillStyle = "#000"; ctx.fillText(label, spot.x + 2, spot.y + h - 3); }
      notes.push(c.a + " = " + c.b + " at " + label);
    }
  });
  window.__labels = placed;
  const winner = document.getElementById("winner").textContent;
  const text = "Log-log plot of " + t.metric.join(" + ") + " against " + t.x + " from " + fmt(sx.lo) + " to " + fmt(sx.hi) +
    " for " + t.methods.length + " methods (" + t.methods.map((m) => m.label).join("; ") + "), other parameters fixed. At " + t.x + " = " + fmt(cur) +
    " the winner is " + winner + ". " + (notes.length ? "Crossovers: " + notes.join("; ") + "." : "No crossover in the plotted range.");
  canvas.setAttribute("aria-label", text); caption.textContent = text;
}

/* ---------------------------------------------------------------- address, export */
function writeAddress() {
  const t = topic(); const q = new URLSearchParams(); q.set("topic", t.name);
  for (const s of t.symbols) q.set(s.name, state.text[s.name]);
  const hash = "#" + q.toString();
  if (location.hash !== hash) history.replaceState(null, "", hash);
}
function readAddress() {
  const raw = location.hash.length > 1 ? location.hash.slice(1) : location.search.slice(1);
  const q = new URLSearchParams(raw);
  const name = q.get("topic");
  if (name && TOPICS.some((t) => t.name === name)) state.topic = name;
  state.text = {};
  for (const s of topic().symbols) if (q.has(s.name)) state.text[s.name] = q.get(s.name);
}
function download(name, blob) {
  const a = el("a", { download: name }); a.href = URL.createObjectURL(blob);
  document.body.appendChild(a); a.click(); a.remove(); setTimeout(() => URL.revokeObjectURL(a.href), 5000);
}
function tableCSV() {
  const t = topic(); const quote = (s) => /[",\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  const params = t.symbols.map((s) => s.name);
  const head = ["topic", "method", "family", ...t.columns, "total", "winner", ...params];
  const rows = [head.map(quote).join(",")];
  const winner = document.getElementById("winner").dataset.value;
  t.methods.forEach((m, i) => {
    const cells = t.columns.map((k) => k in m.costs ? document.getElementById("cell:" + i + ":" + k).dataset.value : "");
    const total = Object.keys(state.errors).length ? "" : String(totalOf(t, m, state.values));
    rows.push([t.name, m.label, m.family, ...cells, total, String(m.label === winner), ...params.map((p) => state.text[p])].map(quote).join(","));
  });
  return rows.join("\n") + "\n";
}
document.getElementById("export-png").addEventListener("click", () =>
  document.getElementById("plot").toBlob((b) => download("ccq-" + state.topic + ".png", b), "image/png"));
document.getElementById("export-csv").addEventListener("click", () =>
  download("ccq-" + state.topic + ".csv", new Blob([tableCSV()], { type: "text/csv" })));
document.getElementById("reset").addEventListener("click", () => { state.text = {}; buildTopic(); update(); });
window.addEventListener("hashchange", () => { readAddress(); buildTopic(); update(); });
let resizeTimer = null;
window.addEventListener("resize", () => { clearTimeout(resizeTimer); resizeTimer = setTimeout(update, 100); });

buildTabs(); readAddress(); buildTopic(); update();
</script></body></html>
"""
