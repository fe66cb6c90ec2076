"""Every theorem ccq relies on, as a sympy expression with its statement and source.

``ccq.bounds`` never imports the simulator or the protocols it judges. Each submodule holds the
bounds of one topic; :func:`registry` collects them all (for ``ccq bounds``, ``ccq calc`` and the
calculator page) and :func:`get` fetches one by name with a helpful error.

Examples:
    >>> from ccq.bounds import swap
    >>> swap.acceptance(overlap=1.0)
    1.0
    >>> get("sampling.threshold_shots").symbols
    ('delta', 'gap')
"""

from __future__ import annotations

import difflib
import functools
import importlib
import pkgutil

from ._bound import (
    KINDS,
    NAMED_RANGES,
    QUANTITIES,
    Bound,
    Crossover,
    crossover,
    crossover_formula,
)

__all__ = ["Bound", "KINDS", "QUANTITIES", "NAMED_RANGES", "Crossover", "crossover",
           "crossover_formula", "registry", "get"]


@functools.cache
def _registry() -> dict[str, Bound]:
    found: dict[str, Bound] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for value in vars(module).values():
            if isinstance(value, Bound):
                if value.name in found and found[value.name] is not value:
                    raise RuntimeError(f"two bounds are named {value.name!r}")
                found[value.name] = value
    return dict(sorted(found.items()))


def registry() -> dict[str, Bound]:
    """All bounds defined in ``ccq.bounds.*`` submodules, by name (a fresh dict each call)."""
    return dict(_registry())


def get(name: str) -> Bound:
    """The bound called ``name``; a ``KeyError`` naming close matches if there is none."""
    bounds = _registry()
    if name not in bounds:
        close = difflib.get_close_matches(name, list(bounds), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else "; `ccq bounds` lists them"
        raise KeyError(f"unknown bound {name!r}{hint}")
    return bounds[name]
