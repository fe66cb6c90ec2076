"""A theorem as data: a sympy expression with its statement, its kind and its source."""

from __future__ import annotations

import dataclasses
import functools
import math

import sympy as sp

__all__ = ["Bound", "KINDS"]

KINDS = ("exact", "upper", "lower", "sufficient")


@dataclasses.dataclass(frozen=True)
class Bound:
    """A closed-form quantity: ``expr`` in named sympy symbols.

    Args:
        name: stable identifier, e.g. ``"swap.acceptance"``.
        expr: sympy expression.
        statement: the theorem in words, including the model (one-way, public coins, ...).
        kind: ``"exact"`` (an identity), ``"upper"``/``"lower"`` (a bound on a quantity) or
            ``"sufficient"`` (a resource that provably suffices, e.g. a sample size).
        source: where it comes from (arXiv id, textbook) or ``"derived in proofs/<file>"``.

    Examples:
        >>> F = sp.Symbol("F", nonnegative=True)
        >>> b = Bound("demo", (1 + F) / 2, "acceptance", "exact", "textbook")
        >>> b(F=0.5)
        0.75
    """

    name: str
    expr: sp.Expr
    statement: str
    kind: str
    source: str

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {self.kind!r}")

    @property
    def symbols(self) -> tuple[str, ...]:
        """Names of the free symbols, sorted."""
        return tuple(sorted(s.name for s in self.expr.free_symbols))

    @functools.cached_property
    def numeric(self):
        """The expression as a numpy function of keyword arguments (vectorised)."""
        syms = sorted(self.expr.free_symbols, key=lambda s: s.name)
        f = sp.lambdify(syms, self.expr, modules="numpy")
        names = [s.name for s in syms]

        def evaluate(**values):
            missing = set(names) - set(values)
            if missing:
                raise ValueError(f"bound {self.name!r} needs values for {sorted(missing)}")
            return f(*(values[n] for n in names))

        return evaluate

    def __call__(self, **values) -> float:
        """Evaluate at the given symbol values (floats or numpy arrays)."""
        out = self.numeric(**values)
        return float(out) if getattr(out, "ndim", 0) == 0 else out

    def ceil(self, **values) -> int:
        """The bound rounded up to an integer resource count."""
        return int(math.ceil(self(**values) - 1e-9))
