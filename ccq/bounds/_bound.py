"""A theorem as data: a sympy expression, its statement, kind, what it bounds and its source.

A :class:`Bound` knows

* **what** it is about (``quantity``: qubits, bits, ebits, rounds, error, ...) and whether it is an
  identity, an upper or lower bound, or a resource that suffices (``kind``);
* the **domain** of each symbol: the sympy assumptions (``positive``, ``integer``), explicit
  ``ranges`` given by the author, and a few conventional ranges fixed by the naming contract
  (``delta`` in (0, 1), ``tau`` in (0, 1], fidelities and probabilities in [0, 1]). Evaluating
  outside the domain raises a ``ValueError`` that names the symbol, the value and the range;
* two numeric forms: :attr:`Bound.numeric` (numpy, vectorised) and :attr:`Bound.jax` (pure
  ``jax.numpy``, so it works under ``jax.jit`` and ``jax.vmap``; no validation there, since traced
  values have no concrete value to check).

:func:`crossover` finds where two bounds meet in one symbol, exactly (``sympy.solve``) where sympy
can and numerically (``scipy.optimize.brentq`` on a log-spaced scan) always, and says which.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import sys
from collections.abc import Mapping
from typing import Any

import numpy as np
import sympy as sp

__all__ = ["Bound", "KINDS", "QUANTITIES", "NAMED_RANGES", "Crossover", "crossover", "value_in",
           "point_in_domain", "symbolically_equal",
           "crossover_formula"]

KINDS = ("exact", "upper", "lower", "sufficient")

#: what a bound is about; ``value`` for anything else (a rate, an overlap, a threshold)
QUANTITIES = ("qubits", "bits", "ebits", "rounds", "error", "probability", "shots", "queries",
              "copies", "repetitions", "ratio", "fidelity", "seconds", "value")

#: ranges fixed by the naming contract, used when a bound does not give its own range
NAMED_RANGES: dict[str, sp.Set] = {
    "delta": sp.Interval.open(0, 1),
    "tau": sp.Interval.Lopen(0, 1),
    "F": sp.Interval(0, 1),
    "f": sp.Interval(0, 1),
    "overlap": sp.Interval(0, 1),
    "p": sp.Interval(0, 1),
}


def _as_set(value) -> sp.Set:
    if isinstance(value, sp.Set):
        return value
    lo, hi = value
    return sp.Interval(sp.sympify(lo), sp.sympify(hi))


def _assumption_set(symbol: sp.Symbol) -> sp.Set:
    if symbol.is_positive:
        return sp.Interval.open(0, sp.oo)
    if symbol.is_nonnegative:
        return sp.Interval(0, sp.oo)
    if symbol.is_negative:
        return sp.Interval.open(-sp.oo, 0)
    if symbol.is_nonpositive:
        return sp.Interval(-sp.oo, 0)
    return sp.Reals


#: closed ends of a domain accept values this far outside (relative to max(1, |end|)), so a
#: measured fidelity of 1.0000000000000004 is not rejected for float round-off; open ends are strict
CLOSED_END_TOLERANCE = 1e-9


def _in_set(x: np.ndarray, s: sp.Set) -> np.ndarray:
    """Vectorised membership of float array ``x`` in an interval or a union of intervals."""
    if isinstance(s, sp.Union):
        out = np.zeros(x.shape, dtype=bool)
        for part in s.args:
            out |= _in_set(x, part)
        return out
    if s == sp.Reals:
        return np.ones(x.shape, dtype=bool)
    if isinstance(s, sp.FiniteSet):
        return np.isin(x, [float(v) for v in s])
    if not isinstance(s, sp.Interval):
        return np.array([bool(s.contains(sp.Float(v))) for v in x.ravel()]).reshape(x.shape)
    lo, hi = float(s.start), float(s.end)
    tol = CLOSED_END_TOLERANCE
    ok = (x > lo) if s.left_open else (x >= lo - tol * max(1.0, abs(lo)) if np.isfinite(lo)
                                       else np.ones(x.shape, dtype=bool))
    return ok & ((x < hi) if s.right_open else (x <= hi + tol * max(1.0, abs(hi))
                                                if np.isfinite(hi) else True))


def _is_traced(value) -> bool:
    # a tracer exists only once jax is imported: never import it here (seconds, `ccq calc`)
    jax = sys.modules.get("jax")
    return jax is not None and isinstance(value, jax.core.Tracer)


@dataclasses.dataclass(frozen=True)
class Bound:
    """A closed-form quantity: ``expr`` in named sympy symbols.

    Args:
        name: stable identifier, ``<topic>.<what>``, e.g. ``"swap.acceptance"``.
        expr: sympy expression.
        statement: the theorem in words, including the model (one-way, public coins, ...).
        kind: ``"exact"`` (an identity), ``"upper"``/``"lower"`` (a bound on a quantity) or
            ``"sufficient"`` (a resource that provably suffices, e.g. a sample size).
        source: where it comes from (arXiv id, textbook) or ``"derived in proofs/<file>"``.
        quantity: what the expression counts, one of :data:`QUANTITIES` (default ``"value"``).
        ranges: ``{symbol name: (lo, hi)}`` (closed) or ``{name: sympy.Interval}``; intersected
            with what the symbol's assumptions allow. Symbols without an entry use
            :data:`NAMED_RANGES` when their name is there.

    Examples:
        >>> F = sp.Symbol("F", nonnegative=True)
        >>> b = Bound("demo", (1 + F) / 2, "acceptance", "exact", "textbook",
        ...           quantity="probability")
        >>> b(F=0.5)
        0.75
        >>> b.domain("F")
        Interval(0, 1)
        >>> b(F=2.0)
        Traceback (most recent call last):
        ...
        ValueError: bound 'demo': F=2.0 is outside [0, 1]
    """

    name: str
    expr: sp.Expr
    statement: str
    kind: str
    source: str
    quantity: str = "value"
    ranges: Any = ()

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {self.kind!r}")
        if self.quantity not in QUANTITIES:
            raise ValueError(f"quantity must be one of {QUANTITIES}, got {self.quantity!r}")
        object.__setattr__(self, "expr", sp.sympify(self.expr))
        given = dict(self.ranges) if isinstance(self.ranges, Mapping) else dict(self.ranges)
        unknown = set(given) - set(self.symbols)
        if unknown:
            raise ValueError(f"bound {self.name!r}: ranges given for {sorted(unknown)}, which are "
                             f"not symbols of the expression {self.symbols}")
        # stored as a sorted tuple of (name, Set) pairs so the frozen dataclass stays hashable
        object.__setattr__(self, "ranges",
                           tuple(sorted((k, _as_set(v)) for k, v in given.items())))

    # ------------------------------------------------------------------ symbols and domains
    @property
    def symbols(self) -> tuple[str, ...]:
        """Names of the free symbols, sorted."""
        return tuple(sorted(s.name for s in self.expr.free_symbols))

    @property
    def sympy_symbols(self) -> dict[str, sp.Symbol]:
        """``{name: Symbol}`` of the free symbols (with their assumptions)."""
        return {s.name: s for s in self.expr.free_symbols}

    def is_integer(self, name: str) -> bool:
        """Whether symbol ``name`` is declared ``integer=True``."""
        return bool(self.sympy_symbols[name].is_integer)

    def domain(self, name: str) -> sp.Set:
        """The set of allowed values of symbol ``name``: assumptions, ranges, named ranges."""
        sym = self.sympy_symbols.get(name)
        if sym is None:
            raise ValueError(f"bound {self.name!r} has no symbol {name!r}; its symbols are "
                             f"{list(self.symbols)}")
        explicit = dict(self.ranges).get(name, NAMED_RANGES.get(name, sp.Reals))
        return sp.Intersection(_assumption_set(sym), explicit)

    def validate(self, /, strict: bool = False, **values) -> None:
        """Raise ``ValueError`` unless every symbol has a value inside its domain.

        With ``strict``, values for names that are not symbols of the bound are an error too.
        Traced JAX values are not checked (they have no concrete value).
        """
        missing = set(self.symbols) - set(values)
        if missing:
            raise ValueError(f"bound {self.name!r} needs values for {sorted(missing)} "
                             f"(its symbols: {list(self.symbols)})")
        if strict:
            extra = set(values) - set(self.symbols)
            if extra:
                raise ValueError(f"bound {self.name!r} has no symbol(s) {sorted(extra)}; "
                                 f"its symbols are {list(self.symbols)}")
        for name in self.symbols:
            self.check_symbol(name, values[name])

    def check_symbol(self, name: str, value) -> None:
        """Raise ``ValueError`` unless ``value`` (a number or array) lies in ``name``'s domain."""
        if not _is_traced(value):
            try:
                x = np.asarray(value, dtype=float)
            except (TypeError, ValueError):
                raise ValueError(f"bound {self.name!r}: {name}={value!r} is not a real number "
                                 "or array of them") from None
            if x.size == 0:
                raise ValueError(f"bound {self.name!r}: {name} is an empty array")
            shown = value if x.ndim == 0 else f"array (min {x.min():g}, max {x.max():g})"
            if not np.all(np.isfinite(x)):
                raise ValueError(f"bound {self.name!r}: {name}={shown} is not finite")
            dom = self.domain(name)
            if not np.all(_in_set(x, dom)):
                raise ValueError(
                    f"bound {self.name!r}: {name}={shown} is outside {_show_set(dom)}")
            if self.is_integer(name) and not np.all(x == np.round(x)):
                raise ValueError(f"bound {self.name!r}: {name}={shown} must be an integer")

    # ------------------------------------------------------------------ numeric forms
    @functools.cached_property
    def numeric(self):
        """The expression as a numpy function of keyword arguments (vectorised).

        Concrete values are checked against the domains as in :meth:`__call__` (a value
        outside its domain raises ``ValueError``); traced JAX values pass unchecked.
        """
        syms = sorted(self.expr.free_symbols, key=lambda s: s.name)
        f = sp.lambdify(syms, self.expr, modules="numpy")
        raw = self._keyword(f)

        piecewise = self.expr.has(sp.Piecewise)

        def checked(**values):
            self.validate(**values)
            if not piecewise:
                return raw(**values)
            # numpy's select() computes every branch, also those whose condition is false,
            # whose arithmetic may warn there; the chosen branch's value is what is returned
            with np.errstate(all="ignore"):
                return raw(**values)

        checked.__name__ = raw.__name__
        return checked

    @functools.cached_property
    def jax(self):
        """The expression as a ``jax.numpy`` function of keyword arguments.

        Pure and traceable: use it inside ``jax.jit`` and ``jax.vmap`` (no validation inside).

        Examples:
            >>> import jax
            >>> F = sp.Symbol("F", nonnegative=True)
            >>> b = Bound("demo", (1 + F) / 2, "acceptance", "exact", "textbook")
            >>> float(jax.jit(lambda f: b.jax(F=f))(0.5))
            0.75
        """
        syms = sorted(self.expr.free_symbols, key=lambda s: s.name)
        raw = sp.lambdify(syms, self.expr, modules="jax")

        def f(*args):
            try:
                return raw(*args)
            except NameError as e:   # a sympy function with no jax.numpy translation
                raise NotImplementedError(
                    f"bound {self.name!r} has no JAX form ({e}); write it with functions "
                    "jax.numpy has, or evaluate it with .numeric") from e

        return self._keyword(f)

    def _keyword(self, f):
        names = list(self.symbols)

        def evaluate(**values):
            missing = set(names) - set(values)
            if missing:
                raise ValueError(f"bound {self.name!r} needs values for {sorted(missing)}")
            return f(*(values[n] for n in names))

        evaluate.__name__ = self.name.replace(".", "_")
        return evaluate

    def __call__(self, **values) -> float:
        """Evaluate at the given symbol values (floats or numpy arrays), checking the domain."""
        out = self.numeric(**values)
        return float(out) if getattr(out, "ndim", 0) == 0 else out

    def ceil(self, **values) -> int:
        """The bound rounded up to an integer resource count."""
        return int(math.ceil(self(**values) - 1e-9))

    # ------------------------------------------------------------------ rendering
    @property
    def latex(self) -> str:
        """The expression in LaTeX."""
        return sp.latex(self.expr)

    @property
    def pretty(self) -> str:
        """The expression as unicode ASCII-art (``sympy.pretty``)."""
        return sp.pretty(self.expr, use_unicode=True)


def _show_set(s: sp.Set) -> str:
    if isinstance(s, sp.Interval):
        lo = "-inf" if s.start == -sp.oo else str(s.start)
        hi = "inf" if s.end == sp.oo else str(s.end)
        return f"{'(' if s.left_open else '['}{lo}, {hi}{')' if s.right_open else ']'}"
    return str(s)


# ---------------------------------------------------------------------- crossovers
@dataclasses.dataclass(frozen=True)
class Crossover:
    """Where two bounds are equal in one symbol, the others fixed.

    Attributes:
        symbol: the symbol solved for.
        value: the root (float).
        method: ``"exact"`` when it is a sympy root of the symbolic equation, else ``"numeric"``
            (bracketed by a sign change and refined with ``brentq``).
        formula: the exact root as a sympy expression in the other symbols (``None`` if numeric).
    """

    symbol: str
    value: float
    method: str
    formula: sp.Expr | None = None


def _unified(a: Bound, b: Bound) -> tuple[sp.Expr, sp.Expr, dict[str, sp.Symbol]]:
    """Both expressions with symbols of the same name made the same object (a's wins)."""
    table = {**b.sympy_symbols, **a.sympy_symbols}
    eb = b.expr.xreplace({s: table[s.name] for s in b.expr.free_symbols})
    return a.expr, eb, table


def crossover_formula(a: Bound, b: Bound, symbol: str, max_degree: int = 2) -> list[sp.Expr]:
    """Exact roots of ``a == b`` in ``symbol`` as sympy expressions of the other symbols.

    Solved only when the equation, with denominators cleared, is a polynomial of degree at most
    ``max_degree`` in ``symbol`` (its coefficients may hold logs, ceilings, ... of the other
    symbols): then ``sympy.solve`` is fast and the formula readable. Otherwise the list is empty
    and :func:`crossover` reports numeric roots (general ``sympy.solve`` can take minutes and
    return pages of radicals).

    Examples:
        >>> tau, P = sp.symbols("tau P", positive=True)
        >>> q = Bound("q", sp.log(P) / tau, "quantum", "upper", "demo", quantity="qubits")
        >>> c = Bound("c", 1 / tau**2, "classical", "upper", "demo", quantity="bits")
        >>> crossover_formula(q, c, "tau")
        [1/log(P)]
    """
    ea, eb, table = _unified(a, b)
    if symbol not in table:
        raise ValueError(f"neither {a.name!r} nor {b.name!r} has a symbol {symbol!r}")
    x = table[symbol]
    numerator = sp.numer(sp.together(ea - eb))
    try:
        degree = sp.Poly(numerator, x).degree()
    except (sp.PolynomialError, sp.GeneratorsNeeded):
        return []
    if not 1 <= degree <= max_degree:
        return []
    try:
        roots = sp.solve(sp.Eq(ea, eb), x)
    except (NotImplementedError, TypeError, ValueError):
        return []
    return [r for r in roots if not isinstance(r, dict | tuple)]


def _scan_grid(dom: sp.Set, bracket, points: int = 2001) -> np.ndarray:
    if bracket is not None:
        lo, hi = map(float, bracket)
    else:
        inf = dom.inf if isinstance(dom, sp.Interval) else sp.S(-sp.oo)
        sup = dom.sup if isinstance(dom, sp.Interval) else sp.S(sp.oo)
        lo = float(inf) if inf.is_finite else -1e12
        hi = float(sup) if sup.is_finite else 1e12
        if lo >= 0 and inf.is_finite and lo == 0:
            lo = 1e-12 * max(hi, 1.0) if hi < 1e12 else 1e-12
    if lo > 0:
        return np.geomspace(lo, hi, points)
    return np.linspace(lo, hi, points)


def crossover(a: Bound, b: Bound, symbol: str, /, *, bracket=None, exact: bool = True,
              points: int = 2001, **values) -> list[Crossover]:
    """All points in ``bracket`` (default: the symbol's domain, clipped to [1e-12, 1e12]) where
    bounds ``a`` and ``b`` are equal as functions of ``symbol``, the other symbols fixed by
    ``values``.

    Roots are found numerically (sign changes of log a - log b on a ``points``-point grid,
    log-spaced for positive brackets, refined by ``brentq``); with ``exact`` each one that
    matches a root of :func:`crossover_formula` is reported as exact, with its formula.

    Examples:
        >>> tau, P = sp.symbols("tau P", positive=True)
        >>> q = Bound("q", sp.log(P) / tau, "quantum", "upper", "demo", quantity="qubits")
        >>> c = Bound("c", 1 / tau**2, "classical", "upper", "demo", quantity="bits")
        >>> [x] = crossover(q, c, "tau", P=1e6)
        >>> x.method, round(x.value, 6), x.formula
        ('exact', 0.072382, 1/log(P))
    """
    from scipy.optimize import brentq

    ea, eb, table = _unified(a, b)
    if symbol not in table:
        raise ValueError(f"neither {a.name!r} nor {b.name!r} has a symbol {symbol!r}")
    others = {n: v for n, v in values.items() if n != symbol}
    need = (set(a.symbols) | set(b.symbols)) - {symbol}
    missing = need - set(others)
    if missing:
        raise ValueError(f"crossover of {a.name!r} and {b.name!r} in {symbol!r} needs values "
                         f"for {sorted(missing)}")
    for bd in (a, b):        # the fixed symbols must lie in their domains, as in evaluation
        for n in bd.symbols:
            if n != symbol:
                bd.check_symbol(n, others[n])
    doms = [bd.domain(symbol) for bd in (a, b) if symbol in bd.symbols]
    dom = sp.Intersection(*doms) if len(doms) > 1 else doms[0]
    fa = sp.lambdify([table[symbol]], ea.subs({table[n]: others[n] for n in a.symbols
                                                 if n != symbol}), modules="numpy")
    fb = sp.lambdify([table[symbol]], eb.subs({table[n]: others[n] for n in b.symbols
                                                 if n != symbol}), modules="numpy")

    def gap(x):
        with np.errstate(all="ignore"):
            va = np.asarray(fa(x), dtype=float) * np.ones_like(x)
            vb = np.asarray(fb(x), dtype=float) * np.ones_like(x)
            both_pos = (va > 0) & (vb > 0)
            return np.where(both_pos, np.log(np.where(both_pos, va, 1))
                            - np.log(np.where(both_pos, vb, 1)), va - vb)

    grid = _scan_grid(dom, bracket, points)
    grid = grid[_in_set(grid, dom)]
    g = gap(grid)
    roots: list[float] = []
    for i in range(len(grid) - 1):
        g0, g1 = g[i], g[i + 1]
        if not (np.isfinite(g0) and np.isfinite(g1)):
            continue
        if g0 == 0:
            roots.append(float(grid[i]))
        elif g0 * g1 < 0:
            roots.append(float(brentq(lambda x: float(gap(np.asarray(x))), grid[i], grid[i + 1],
                                      xtol=1e-14 * max(abs(grid[i]), 1e-300), rtol=1e-13)))
    formulas = []
    if exact and roots:
        for f in crossover_formula(a, b, symbol):
            try:
                v = complex(f.subs({table[n]: others[n] for n in others if n in table}).evalf())
            except (TypeError, ValueError):
                continue
            if abs(v.imag) <= 1e-9 * max(1.0, abs(v.real)):
                formulas.append((v.real, f))
    out = []
    for r in roots:
        match = [(v, f) for v, f in formulas if math.isclose(v, r, rel_tol=1e-6, abs_tol=1e-300)]
        if match:
            out.append(Crossover(symbol, match[0][0], "exact", match[0][1]))
        else:
            out.append(Crossover(symbol, r, "numeric", None))
    return out


def value_in(dom: sp.Set, u: float, integer: bool = False) -> float:
    """A value inside ``dom`` picked by ``u`` in [0, 1] (for tests and default points).

    Bounded intervals are covered uniformly, positive unbounded ones log-uniformly over
    [max(lo, 1e-3), 1e3] (or [lo, lo * 1e6] when lo > 1e-3); open ends are nudged inwards.
    Integer symbols are rounded into the domain.

    Examples:
        >>> value_in(sp.Interval.open(0, 1), 0.5)
        0.5
        >>> value_in(sp.Interval.open(0, sp.oo), 1.0)
        1000.0
    """
    if isinstance(dom, sp.FiniteSet):            # e.g. a sign in {-1, 1}: one of its elements
        elements = sorted(float(v) for v in dom)
        return elements[min(int(float(u) * len(elements)), len(elements) - 1)]
    dom = dom if isinstance(dom, sp.Interval) else sp.Interval(dom.inf, dom.sup)
    lo, hi = float(dom.start), float(dom.end)
    u = min(max(float(u), 0.0), 1.0)
    if math.isfinite(lo) and math.isfinite(hi):
        pad = 1e-6 * (hi - lo)
        a, c = lo + (pad if dom.left_open else 0.0), hi - (pad if dom.right_open else 0.0)
        x = a + u * (c - a)
    elif lo >= 0:
        a = max(lo, 1e-3)
        c = 1e3 if a < 1e3 else a * 1e6
        x = a * (c / a) ** u
    else:
        a = lo if math.isfinite(lo) else -1e3
        c = hi if math.isfinite(hi) else 1e3
        x = a + u * (c - a)
    if integer:
        x = float(round(x))
        while not _in_set(np.asarray([x]), dom)[0]:
            x += 1.0
    return x


def point_in_domain(bound: Bound, fractions: Mapping[str, float]) -> dict[str, float]:
    """``{symbol: value}`` with each value ``value_in(domain, fractions[symbol])``."""
    return {n: value_in(bound.domain(n), fractions.get(n, 0.5), bound.is_integer(n))
            for n in bound.symbols}


def symbolically_equal(a: sp.Expr, b: sp.Expr) -> bool:
    """Whether ``a - b`` simplifies to zero, symbols matched by name.

    Tries ``simplify(a - b)``, then with logarithms expanded (``expand_log(force=True)``, valid
    where the arguments are positive, which the numeric checks at points of the domain back up),
    then ``simplify(a / b - 1)``. ``False`` means "not shown equal", not "shown different".

    Examples:
        >>> p, d = sp.symbols("p d", positive=True)
        >>> symbolically_equal(sp.log(d**2) / sp.log(4 * p * (1 - p)),
        ...                    2 * sp.log(1 / d) / sp.log(1 / (4 * p * (1 - p))))
        True
    """
    table = {s.name: s for s in sp.sympify(a).free_symbols}
    b = sp.sympify(b).xreplace({s: table[s.name] for s in sp.sympify(b).free_symbols
                                if s.name in table})
    diff = sp.sympify(a) - b
    if diff == 0 or sp.simplify(diff) == 0:
        return True
    expanded = sp.expand_log(diff, force=True)
    if sp.simplify(expanded) == 0 or sp.simplify(sp.logcombine(expanded, force=True)) == 0:
        return True
    if b != 0:
        ratio = sp.expand_log(sp.sympify(a) / b, force=True)
        if sp.simplify(ratio - 1) == 0:
            return True
    return False
