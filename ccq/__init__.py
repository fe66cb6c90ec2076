"""ccq: communication complexity in distributed learning, quantum and classical, side by side.

The front doors are imported lazily (``import ccq`` stays fast and imports neither jax nor sympy;
``tests/test_cli.py`` checks it):

* cost model: :class:`ccq.Cost`, :class:`ccq.Outcome`;
* simulation kernels: :mod:`ccq.sim`; closed-form bounds: :mod:`ccq.bounds`;
* protocols: :func:`ccq.gapip`, :func:`ccq.tieaudit`, :func:`ccq.superdense_channel`,
  :func:`ccq.ghz_sum`, :func:`ccq.ring_allreduce`, :func:`ccq.ring_cost`;
* classical sketches :mod:`ccq.sketches`, compressors :mod:`ccq.compress`,
  attacks :mod:`ccq.attacks`, the experiment runner :mod:`ccq.experiment`.

Examples:
    >>> import ccq
    >>> ccq.Cost(qubits=3, rounds=1) + ccq.Cost(bits=2, rounds=1)
    Cost(qubits=3, bits=2, ebits=0, rounds=2)
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# name -> module that defines it; resolved on first access
_LAZY_ATTRS = {
    # ccq._core imports jax (seconds): `ccq --help`, `ccq calc` and `ccq bounds` never need it
    "Cost": "ccq._core",
    "Outcome": "ccq._core",
    "gapip": "ccq.protocols.gapip",
    "tieaudit": "ccq.protocols.tieaudit",
    "superdense_channel": "ccq.protocols.superdense",
    "ghz_sum": "ccq.protocols.ghz",
    "ghz_key_sum": "ccq.protocols.ghz_key",
    "ring_allreduce": "ccq.collectives",
    "ring_cost": "ccq.collectives",
    "Claim": "ccq.claims",
}
_SUBMODULES = {
    "sim", "bounds", "sketches", "protocols", "collectives", "compress", "attacks",
    "experiment", "claims", "cli", "calculator", "data", "train", "fit",
}

__all__ = [*_LAZY_ATTRS, *sorted(_SUBMODULES)]


def __getattr__(name: str):
    if name in _LAZY_ATTRS:
        value = getattr(importlib.import_module(_LAZY_ATTRS[name]), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f"ccq.{name}")
    raise AttributeError(f"module 'ccq' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
