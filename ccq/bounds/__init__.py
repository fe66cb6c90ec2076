"""Every theorem ccq relies on, as a sympy expression with its statement and source.

``ccq.bounds`` never imports the simulator or the protocols it judges. Each submodule holds the
bounds of one topic; :func:`registry` collects them all (for ``ccq bounds`` and the calculators).

Examples:
    >>> from ccq.bounds import swap
    >>> swap.acceptance(overlap=1.0)
    1.0
"""

from __future__ import annotations

import importlib
import pkgutil

from ._bound import KINDS, Bound

__all__ = ["Bound", "KINDS", "registry"]


def registry() -> dict[str, Bound]:
    """All bounds defined in ``ccq.bounds.*`` submodules, by name."""
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
