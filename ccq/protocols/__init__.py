"""Quantum protocols: each a factory of hyperparameters returning ``fn(key, *inputs) -> Outcome``.

Each protocol module also exports the exact (sampling-free) distribution it samples from, so
tests compare sampling against exact values and fast paths against the full statevector.
"""
