"""An interactive scaling calculator: every bound in ``ccq.bounds``, compiled to JavaScript.

``ccq calculator`` (and ``ccq reproduce``) writes one self-contained HTML page: no server, no
network, no plotting library. Each bound gets a number field per symbol, its value updating as you
type, and a log-spaced sweep of one chosen symbol so the scaling can be read off. The JavaScript
is generated from the same sympy expressions the tests check (``sympy.jscode``), so the page cannot
drift from the library.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import sympy as sp

from .bounds import Bound, registry

__all__ = ["javascript_function", "calculator_html", "write_calculator"]

# a sensible starting value for common symbol names; anything else starts at 1
_DEFAULTS = {"tau": 0.05, "eps": 0.1, "delta": 0.05, "P": 2**20, "N": 8, "n": 1000, "gap": 0.1,
             "F": 0.9, "overlap": 0.5, "p": 0.5, "z": 1.96, "d": 256, "b": 8, "r": 4, "m": 100}


def javascript_function(bound: Bound) -> str | None:
    """``function(values) {...}`` evaluating the bound, or None if sympy cannot print it.

    Examples:
        >>> from ccq.bounds import swap
        >>> javascript_function(swap.acceptance)
        'function(v) { const overlap = v["overlap"]; return (1/2)*overlap + 1/2; }'
    """
    try:
        body = sp.jscode(bound.expr, strict=True)
    except (sp.printing.codeprinter.PrintMethodNotImplementedError, ValueError, TypeError):
        return None
    if "Not supported" in body:
        return None
    names = bound.symbols
    decls = " ".join(f'const {n} = v["{n}"];' for n in names)
    return f"function(v) {{ {decls} return {body}; }}"


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ccq scaling calculator</title>
<style>
body {{ font: 14px/1.45 system-ui, sans-serif; max-width: 980px; margin: 2em auto; }}
section {{ border: 1px solid #ccc; border-radius: 6px; padding: .6em 1em; margin: 1em 0; }}
h2 {{ font-size: 15px; margin: .2em 0; font-family: monospace; }}
.kind {{ color: #666; font-weight: normal; }} .src {{ color: #666; font-size: 12px; }}
label {{ margin-right: 1em; font-family: monospace; }} input {{ width: 7em; }}
.value {{ font: bold 15px monospace; }} table {{ border-collapse: collapse; font: 12px monospace; }}
td, th {{ padding: 1px 8px; text-align: right; }} code {{ background: #f4f4f4; }}
</style></head><body>
<h1>ccq scaling calculator</h1>
<p>Every bound in <code>ccq.bounds</code>, compiled from its sympy expression. Change a value to
re-evaluate; the sweep varies one symbol over a factor of 2<sup>10</sup> (log-spaced). Generated
by <code>ccq calculator</code>; {skipped}</p>
{sections}
<script>
const BOUNDS = {bounds};
function fmt(x) {{ return Number.isFinite(x) ? Number(x.toPrecision(5)).toString() : String(x); }}
function update(name) {{
  const b = BOUNDS[name]; const v = {{}};
  for (const s of b.symbols) v[s] = parseFloat(document.getElementById(name + ":" + s).value);
  document.getElementById(name + ":value").textContent = fmt(b.f(v));
  const sweep = document.getElementById(name + ":sweep").value; if (!sweep) return;
  let rows = "<tr><th>" + sweep + "</th><th>value</th></tr>";
  for (let k = 0; k <= 10; k++) {{
    const w = Object.assign({{}}, v); w[sweep] = v[sweep] * Math.pow(2, k - 5);
    rows += "<tr><td>" + fmt(w[sweep]) + "</td><td>" + fmt(b.f(w)) + "</td></tr>";
  }}
  document.getElementById(name + ":table").innerHTML = rows;
}}
for (const name in BOUNDS) update(name);
</script></body></html>
"""


def _section(bound: Bound) -> str:
    name = html.escape(bound.name)
    inputs = " ".join(
        f'<label>{s} <input id="{name}:{s}" type="number" step="any" '
        f'value="{_DEFAULTS.get(s, 1)}" oninput="update(\'{name}\')"></label>'
        for s in bound.symbols)
    options = "".join(f'<option value="{s}">{s}</option>' for s in bound.symbols)
    return (
        f'<section><h2>{name} <span class="kind">[{bound.kind}]</span></h2>'
        f"<div><code>{html.escape(str(bound.expr))}</code></div>"
        f"<p>{html.escape(bound.statement)}</p><div>{inputs}</div>"
        f'<p>value: <span class="value" id="{name}:value"></span> &nbsp; sweep '
        f'<select id="{name}:sweep" onchange="update(\'{name}\')">{options}</select></p>'
        f'<table id="{name}:table"></table>'
        f'<div class="src">source: {html.escape(bound.source)}</div></section>'
    )


def calculator_html(bounds: dict[str, Bound] | None = None) -> str:
    """The calculator page for ``bounds`` (default: every bound in ``ccq.bounds``)."""
    bounds = registry() if bounds is None else bounds
    compiled = {name: (b, javascript_function(b)) for name, b in bounds.items()}
    usable = {name: (b, js) for name, (b, js) in compiled.items() if js and b.symbols}
    skipped = sorted(set(bounds) - set(usable))
    table = ",\n".join(
        f'{json.dumps(name)}: {{"symbols": {json.dumps(list(b.symbols))}, "f": {js}}}'
        for name, (b, js) in usable.items())
    note = (f"not compiled (no JavaScript form): {', '.join(skipped)}." if skipped
            else "all bounds compiled.")
    return _PAGE.format(skipped=html.escape(note),
                        sections="\n".join(_section(b) for b, _ in usable.values()),
                        bounds="{" + table + "}")


def write_calculator(path: Path | str) -> Path:
    """Write the calculator page to ``path``; return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(calculator_html())
    return path
