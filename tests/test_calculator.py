"""The HTML calculator: compiled from the same sympy bounds, and the JavaScript agrees with them."""

import json
import shutil
import subprocess

import pytest

from ccq.bounds import registry
from ccq.calculator import calculator_html, javascript_function


def test_every_bound_compiles_or_is_listed_as_skipped():
    page = calculator_html()
    for name in registry():
        assert (f'"{name}"' in page) or (name in page and "not compiled" in page)
    assert "<script>" in page and "http" not in page.split("<script>")[1]  # no network


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_javascript_values_equal_python_values():
    cases = []
    for name, bound in registry().items():
        js = javascript_function(bound)
        if js is None or not bound.symbols:
            continue
        values = {s: 0.3 + 0.1 * i for i, s in enumerate(bound.symbols)}
        cases.append((name, js, values, bound(**values)))
    script = "const out = [];\n" + "\n".join(
        f"out.push(({js})({json.dumps(v)}));" for _, js, v, _ in cases
    ) + "\nconsole.log(JSON.stringify(out));"
    got = json.loads(subprocess.run(["node", "-e", script], capture_output=True, text=True,
                                    check=True, timeout=60).stdout)
    for (name, _, _, expected), value in zip(cases, got, strict=True):
        assert value == pytest.approx(expected, rel=1e-9), name
