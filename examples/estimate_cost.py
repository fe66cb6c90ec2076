"""Estimate a protocol's cost at my parameters, before running anything.

Every cost in ccq is a closed-form bound (``ccq.bounds``, sympy) or a calculator topic that puts
the quantum and classical methods for one task side by side.
Run: ``python examples/estimate_cost.py`` (on the command line the same question is
``ccq calc gapip --tau 0.01 --P 1048576 --delta 0.05``).
"""

from ccq.bounds import registry
from ccq.calculator import evaluate_topic, format_topic

# 1. One task, every method: deciding the sign of <g, h> under the promise |<g, h>| >= tau.
result = evaluate_topic("gapip", {"tau": 0.01, "P": 2**20, "delta": 0.05})
print(format_topic(result))
print("cheapest at these parameters:", result["winner"])

# 2. One bound, by name: the shots a swap test needs to tell two overlaps apart.
bounds = registry()
shots = bounds["sampling.threshold_shots"]
print(shots.statement)
print("shots for a gap of 0.1 at 5% error:", round(shots(gap=0.1, delta=0.05), 1))
