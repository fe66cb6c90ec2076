"""The ``ccq calc`` command (parsing, checks, text and JSON output) over :mod:`ccq.calculator`.

Every bad input ends in ``SystemExit("ccq calc: <one line>")`` (a usage error: ``ccq`` exits 2);
a failure to write a file ends in :class:`CommandFailed` (``ccq`` exits 1). Nothing here
imports jax.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import math
import sys
from collections.abc import Mapping

from . import calculator as calc
from .bounds import Bound, crossover, registry
from .bounds._bound import _show_set

__all__ = ["calc_main", "CommandFailed", "topic_help", "bound_help", "parse_number"]


class CommandFailed(SystemExit):
    """The command could not do its work (e.g. an unwritable file): ``ccq`` exits 1."""

    status = 1


_USAGE = """usage: ccq calc [TOPIC] [--SYMBOL VALUE | SYMBOL=VALUE ...] [--json]
       ccq calc TOPIC --help            the topic's symbols, defaults, units and meanings
       ccq calc latency --network NAME  GapIP in seconds on a preset network (km, R, B)
       ccq calc bound NAME [SYMBOL=VALUE ...] [--json]
       ccq calc bound NAME --help       the bound's statement, quantity and domains
       ccq calc crossover NAME_A NAME_B SYMBOL [SYMBOL=VALUE ...] [--json]
       ccq calc --html FILE

Scaling calculators from ccq.bounds. `ccq calc` lists the topics; `ccq calc gapip --tau 0.01
--dim 1e9` prints every method's cost (qubits, bits, rounds), the winner and the crossovers.
Symbols missing from the command line take default values (marked "(default)"); counts are
printed as integers (rounded up). Long aliases: {aliases}.
Exit status: 0 ok, 2 bad input (one line on stderr), 1 failure (e.g. a file not writable)."""


def _usage() -> str:
    return _USAGE.format(aliases=", ".join(f"--{k} = --{v}" for k, v in calc.ALIASES.items()))


def _fail(message: str) -> SystemExit:
    return SystemExit("ccq calc: " + " ".join(str(message).split()))


def parse_number(name: str, text: str) -> float | int:
    """A finite number from the command line (ints stay exact ints).

    Examples:
        >>> parse_number("P", "1e9"), parse_number("tau", "0.5"), parse_number("N", "12")
        (1000000000, 0.5, 12)
        >>> parse_number("tau", "1e400")
        Traceback (most recent call last):
        ...
        SystemExit: ccq calc: tau must be a finite number, got '1e400'
    """
    text = text.strip()
    try:
        return int(text, 10)
    except ValueError:
        pass
    try:
        x = float(text)
    except ValueError:
        raise _fail(f"{name} must be a number, got {text!r}") from None
    if not math.isfinite(x):
        raise _fail(f"{name} must be a finite number, got {text!r}")
    return int(x) if x.is_integer() and abs(x) < 2**53 else x


def _parse(argv: list[str]):
    positional, values, flags = [], {}, {"json": False, "html": None, "help": False,
                                         "network": None}
    i = 0
    while i < len(argv):
        tok = argv[i]
        if tok in ("-h", "--help"):
            flags["help"] = True
        elif tok == "--json":
            flags["json"] = True
        elif tok == "--html" or tok.startswith("--html="):
            if "=" in tok:
                flags["html"] = tok.split("=", 1)[1]
            else:
                if i + 1 >= len(argv):
                    raise _fail("--html needs a file name")
                flags["html"] = argv[i + 1]
                i += 1
            if not flags["html"]:
                raise _fail("--html needs a file name")
        elif tok.startswith("--") and len(tok) > 2:
            name, eq, val = tok[2:].partition("=")
            if not eq:
                if i + 1 >= len(argv):
                    raise _fail(f"--{name} needs a value")
                val = argv[i + 1]
                i += 1
            if name == "network":            # a preset of calc.NETWORKS: km, R and B at once
                if val not in calc.NETWORKS:
                    raise _fail(f"--network must be one of {', '.join(calc.NETWORKS)}, "
                                f"got {val!r}")
                flags["network"] = val
            else:
                values[calc.ALIASES.get(name, name)] = parse_number(name, val)
        elif "=" in tok and not tok.startswith("="):
            name, _, val = tok.partition("=")
            values[calc.ALIASES.get(name, name)] = parse_number(name, val)
        elif tok.startswith("-") and len(tok) > 1 and not _is_number(tok):
            raise _fail(f"unknown option {tok!r} (see `ccq calc --help`)")
        else:
            positional.append(tok)
        i += 1
    return positional, values, flags


def _is_number(tok: str) -> bool:
    try:
        float(tok)
    except ValueError:
        return False
    return True


def _lookup(name: str, bounds: Mapping[str, Bound]) -> Bound:
    if name not in bounds:
        close = difflib.get_close_matches(name, list(bounds), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else "; `ccq bounds` lists them"
        raise _fail(f"unknown bound {name!r}{hint}")
    return bounds[name]


def _show_value(b: Bound, value: float) -> str:
    if b.quantity in calc.COUNTS:
        shown = calc.format_count(value, b.kind)
        exact = f"{value:.6g}"
        return f"{shown} {b.quantity}" + ("" if exact == shown else f" ({exact} before rounding)")
    return f"{value:.6g}" + ("" if b.quantity == "value" else f" ({b.quantity})")


def _evaluate_bound(b: Bound, values: dict) -> float:
    try:
        b.validate(strict=True, **values)
        with _quiet():
            value = float(calc._numeric(b)(**{n: values[n] for n in b.symbols}))
    except ValueError as e:
        raise _fail(e) from None
    except (OverflowError, ZeroDivisionError) as e:
        raise _fail(f"{b.name} at {_at(values)} is beyond floating point "
                    f"({type(e).__name__})") from None
    if not math.isfinite(value):
        raise _fail(f"{b.name} is not a finite number at {_at(values)} ({value}): outside the "
                    "formula's range, or beyond floating point")
    return value


class _quiet:
    """numpy's floating-point warnings off: a non-finite result is reported as an error."""

    def __enter__(self):
        import numpy as np

        self._old = np.seterr(all="ignore")

    def __exit__(self, *exc):
        import numpy as np

        np.seterr(**self._old)


def _at(values: Mapping) -> str:
    return ", ".join(f"{k}={calc._fmt(v)}" for k, v in values.items()) or "no values"


def bound_help(b: Bound) -> str:
    """What ``ccq calc bound NAME --help`` prints."""
    lines = [f"{b.name} [{b.kind} on {b.quantity}] = {b.expr}", f"  {b.statement}",
             f"  source: {b.source}", "  symbols:"]
    for n in b.symbols:
        meaning, unit = calc.SYMBOLS.get(n, (n, ""))
        integer = ", integer" if b.is_integer(n) else ""
        lines.append(f"    {n:8s} in {_show_set(b.domain(n))}{integer}  {meaning}"
                     + (f" [{unit}]" if unit else ""))
    return "\n".join(lines)


def topic_help(topic: calc.Topic, bounds: Mapping[str, Bound]) -> str:
    """What ``ccq calc TOPIC --help`` prints: methods, then every symbol with its default."""
    lines = [f"ccq calc {topic.name}: {topic.title}", "", "methods:"]
    for m in topic.methods:
        resolved, missing = calc._resolve_in(topic, m, bounds)
        state = f"  (not available: {', '.join(missing)})" if missing else ""
        lines.append(f"  {m.label} [{m.family}]{state}")
        if m.note:
            lines.append(f"      {m.note}")
    lines += ["", f"compared total: {' + '.join(topic.metric)} ({topic.better} is better)",
              "", "symbols (--SYMBOL VALUE or SYMBOL=VALUE; x axis of the page: "
              f"{topic.x}):"]
    for n in calc.topic_symbols(topic, bounds):
        meaning, unit = topic.symbol_info(n)
        dom, integer = calc.symbol_domain(topic, n, bounds)
        default = calc.DEFAULTS.get(n)
        lines.append(f"  {n:8s} default {calc._fmt(default):>10s}  in {dom}"
                     + (", integer" if integer else "") + f"  {meaning}"
                     + (f" [{unit}]" if unit else ""))
    if topic.subs:
        lines.append("  fixed: " + ", ".join(f"{k} = {v}" for k, v in topic.subs.items()))
    if topic.note:
        lines += ["", topic.note]
    return "\n".join(lines)


def _emit_json(obj) -> None:
    print(json.dumps(obj, indent=2, default=float, allow_nan=False))


def calc_main(argv: list[str] | None = None, bounds: Mapping[str, Bound] | None = None) -> int:
    """``ccq calc ...``; returns the exit status, raises ``SystemExit(message)`` on bad input."""
    argv = sys.argv[1:] if argv is None else list(argv)
    positional, values, flags = _parse(argv)
    bounds = registry() if bounds is None else bounds
    if flags["help"]:
        head = positional[0] if positional else None
        if head in calc.TOPICS:
            print(topic_help(calc.TOPICS[head], bounds))
        elif head == "bound" and len(positional) == 2:
            print(bound_help(_lookup(positional[1], bounds)))
        else:
            print(_usage())
        return 0
    if flags["html"]:
        try:
            path = calc.write_calculator(flags["html"], bounds=bounds)
        except OSError as e:
            raise CommandFailed(f"ccq calc: cannot write {flags['html']!r}: "
                                f"{e.strerror or e}") from None
        print(path)
        if not positional:
            return 0
    if not positional:
        return _list(bounds, flags["json"])
    head, rest = positional[0], positional[1:]
    if head == "bound":
        return _bound(rest, values, bounds, flags["json"])
    if head == "crossover":
        return _crossover(rest, values, bounds, flags["json"])
    if flags["network"]:
        preset = calc.NETWORKS[flags["network"]]
        if head not in calc.TOPICS or not set(preset) <= set(
                calc.topic_symbols(calc.TOPICS[head], bounds)):
            raise _fail(f"--network sets {', '.join(preset)}: only for a topic that uses them "
                        "(ccq calc latency)")
        values = {**preset, **values}        # explicit values override the preset's
    return _topic(head, rest, values, bounds, flags["json"])


def _list(bounds, as_json: bool) -> int:
    listing = {}
    for name, t in calc.TOPICS.items():
        available = [m.label for m in t.methods if not calc._resolve(m.costs, bounds)[1]
                     and any(isinstance(v, str) for v in m.costs.values())]
        skipped = sorted({n for m in t.methods for n in calc._resolve(m.costs, bounds)[1]})
        listing[name] = {"title": t.title, "available": available, "skipped": skipped}
    if as_json:
        _emit_json({"topics": listing, "bounds": sorted(bounds)})
        return 0
    for name, info in listing.items():
        state = (f"{len(info['available'])} method(s)" if info["available"]
                 else "not available yet")
        print(f"{name:12s} {state:20s} {calc.TOPICS[name].title}")
    print(f"\n`ccq calc TOPIC --help` lists a topic's symbols; {len(bounds)} bounds: "
          "`ccq bounds`, `ccq calc bound NAME SYMBOL=VALUE ...`")
    return 0


def _bound(rest, values, bounds, as_json: bool) -> int:
    if len(rest) != 1:
        raise _fail("bound: give one bound name, e.g. "
                    "`ccq calc bound sampling.threshold_shots gap=0.1 delta=0.05`")
    b = _lookup(rest[0], bounds)
    value = _evaluate_bound(b, values)
    if as_json:
        _emit_json({"name": b.name, "kind": b.kind, "quantity": b.quantity,
                    "expr": str(b.expr), "latex": b.latex, "statement": b.statement,
                    "source": b.source, "values": values, "value": value,
                    "count": (int(calc.format_count(value, b.kind))
                              if b.quantity in calc.COUNTS else None),
                    "domains": {n: _show_set(b.domain(n)) for n in b.symbols}})
    else:
        print(f"{b.name} [{b.kind} on {b.quantity}] = {b.expr}")
        print(f"  at {_at(values)}: {_show_value(b, value)}")
    return 0


def _crossover(rest, values, bounds, as_json: bool) -> int:
    if len(rest) != 3:
        raise _fail("crossover: give NAME_A NAME_B SYMBOL, e.g. `ccq calc crossover "
                    "gapip.ae_qubits gapip.simhash_bits tau P=1e9 delta=0.01`")
    a, b = _lookup(rest[0], bounds), _lookup(rest[1], bounds)
    x = rest[2]
    if x not in set(a.symbols) | set(b.symbols):
        raise _fail(f"neither {a.name} nor {b.name} has a symbol {x!r}; their symbols: "
                    f"{sorted(set(a.symbols) | set(b.symbols))}")
    if x in values:
        raise _fail(f"{x} is the symbol solved for: give the others only")
    extra = set(values) - set(a.symbols) - set(b.symbols)
    if extra:
        raise _fail(f"{a.name} and {b.name} have no symbol(s) {sorted(extra)}")
    for bd in (a, b):      # every fixed value inside its domain, as for one bound
        fixed = {n: v for n, v in values.items() if n in bd.symbols}
        missing = set(bd.symbols) - set(fixed) - {x}
        if missing:
            raise _fail(f"crossover needs values for {sorted(missing)}")
        if x in bd.symbols:
            probe = calc.value_in_domain(bd, x)
            fixed[x] = probe
        try:
            bd.validate(**fixed)
        except ValueError as e:
            raise _fail(e) from None
    try:
        with _quiet():
            roots = crossover(a, b, x, **values)
    except (ValueError, OverflowError, ZeroDivisionError) as e:
        raise _fail(e) from None
    out = {"a": a.name, "b": b.name, "symbol": x, "values": values,
           "roots": [dataclasses.asdict(r) | {"formula": None if r.formula is None
                                              else str(r.formula)} for r in roots]}
    if as_json:
        _emit_json(out)
    else:
        if not roots:
            print(f"{a.name} and {b.name} do not cross in {x}")
        for r in roots:
            print(f"{x}* = {r.value:.6g} [{r.method}"
                  + (f": {r.formula}" if r.formula is not None else "") + "]")
    return 0


def _topic(head, rest, values, bounds, as_json: bool) -> int:
    if head not in calc.TOPICS:
        if head in bounds:
            raise _fail(f"{head!r} is a bound; use `ccq calc bound {head} ...`")
        close = difflib.get_close_matches(head, list(calc.TOPICS), n=2, cutoff=0.5)
        hint = f"did you mean {', '.join(close)}? " if close else ""
        raise _fail(f"unknown topic {head!r}; {hint}topics: {', '.join(calc.TOPICS)} "
                    "(or `ccq calc bound NAME ...`)")
    if rest:
        raise _fail(f"unexpected argument(s) {rest}")
    topic = calc.TOPICS[head]
    known = set(calc.topic_symbols(topic, bounds))
    unknown = set(values) - known
    if unknown:
        close = {u: difflib.get_close_matches(u, sorted(known), n=1, cutoff=0.5)
                 for u in sorted(unknown)}
        hint = "; ".join(f"{u}: did you mean {c[0]}?" for u, c in close.items() if c)
        raise _fail(f"{head}: unknown parameter(s) {sorted(unknown)}; this topic uses "
                    f"{sorted(known) or 'none yet'}" + (f" ({hint})" if hint else ""))
    try:
        with _quiet():
            result = calc.evaluate_topic(topic, values, bounds)
    except ValueError as e:
        raise _fail(f"{head}: {e}") from None
    except (OverflowError, ZeroDivisionError) as e:
        raise _fail(f"{head}: the costs at {_at(values)} are beyond floating point "
                    f"({type(e).__name__}): choose less extreme values") from None
    bad = [r["label"] for r in result["methods"] if r["available"]
           and not all(math.isfinite(v) for v in [*r["costs"].values(), r["total"]])]
    if bad:
        raise _fail(f"{head}: the costs of {bad} are not finite at {_at(values)} (beyond "
                    "floating point): choose less extreme values")
    if as_json:
        _emit_json(result)
    else:
        print(calc.format_topic(result))
    return 0
