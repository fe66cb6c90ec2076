"""The ``ccq`` command: reproduce the figures and claims, list what exists, evaluate bounds,
and the scaling calculators (``ccq calc``, implemented in :mod:`ccq.calculator`).

Experiments are discovered in ``<root>/experiments/*.py`` (each defines ``EXPERIMENT``) and
figures in ``<root>/paper_figures/*.py`` (each defines ``REQUIRES`` and ``plot(results_dir,
out_dir)``); files starting with ``_`` are helpers. ``<root>`` is the nearest folder above the
working directory that holds both, else the checkout ccq was installed from.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path

__all__ = ["main", "find_root", "discover_experiments", "discover_figures", "reproduce"]


def find_root(start: Path | None = None) -> Path:
    """The project root: holds ``experiments/`` and ``paper_figures/``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "experiments").is_dir() and (folder / "paper_figures").is_dir():
            return folder
    fallback = Path(__file__).resolve().parents[1]
    if (fallback / "experiments").is_dir():
        return fallback
    raise SystemExit(
        "ccq: no experiments/ and paper_figures/ found above the working directory; "
        "run from a ccq checkout (pip install -e .)"
    )


def _import_all(root: Path, package: str) -> dict[str, object]:
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    modules = {}
    for path in sorted((root / package).glob("*.py")):
        if not path.stem.startswith("_"):
            modules[path.stem] = importlib.import_module(f"{package}.{path.stem}")
    return modules


def discover_experiments(root: Path) -> dict:
    """``{name: Experiment}`` for every experiment module under ``root/experiments``."""
    found = {}
    for stem, module in _import_all(root, "experiments").items():
        exp = getattr(module, "EXPERIMENT", None)
        if exp is None:
            raise SystemExit(f"ccq: experiments/{stem}.py defines no EXPERIMENT")
        found[exp.name] = exp
    return found


def discover_figures(root: Path) -> dict:
    """``{name: module}`` for every figure script under ``root/paper_figures``."""
    return _import_all(root, "paper_figures")


def results_dir(root: Path, quick: bool) -> Path:
    return root / "experiments" / "results" / ("quick" if quick else "")


def collect_claims(experiments: dict, rdir: Path, quick: bool | None = None) -> list:
    from .claims import collect_claims as collect

    quick = rdir.name == "quick" if quick is None else quick
    return collect(experiments, rdir, quick=quick)


def _shown(path: Path, root: Path) -> Path:
    return path.relative_to(root) if path.is_relative_to(root) else path


def reproduce(
    root: Path,
    *,
    quick: bool,
    only: list[str] | None = None,
    seed: int = 0,
    out_dir: Path | None = None,
    results: Path | None = None,
    progress: bool = True,
) -> list:
    """Run experiments, redraw figures, write and return the claims table."""
    import jax

    from .claims import format_claims, write_claims
    from .experiment import run_experiment

    experiments = discover_experiments(root)
    selected = only or list(experiments)
    unknown = set(selected) - set(experiments)
    if unknown:
        raise SystemExit(f"ccq: unknown experiment(s) {sorted(unknown)}; "
                         f"known: {sorted(experiments)}")
    rdir = Path(results) if results else results_dir(root, quick)
    out_dir = out_dir or root / "paper_figures" / "out"
    out_dir.mkdir(parents=True, exist_ok=True)
    key = jax.random.key(seed)
    for name in selected:
        t0 = time.perf_counter()
        path = run_experiment(experiments[name], key, rdir, quick=quick, progress=progress)
        print(f"[ccq] {name}: {_shown(path, root)} ({time.perf_counter() - t0:.1f} s)")
    for name, module in discover_figures(root).items():
        needs = set(getattr(module, "REQUIRES", ()))
        if not needs & set(selected):
            continue
        if not all((rdir / f"{n}.csv").exists() for n in needs):
            print(f"[ccq] figure {name}: skipped (needs results of {sorted(needs)})")
            continue
        print(f"[ccq] figure {name}: {_shown(Path(module.plot(rdir, out_dir)), root)}")
    from .calculator import write_calculator

    print(f"[ccq] calculator: {_shown(write_calculator(out_dir / 'calculator.html'), root)}")
    claims = collect_claims({n: experiments[n] for n in selected}, rdir, quick)
    write_claims(claims, out_dir / "claims.csv")
    print()
    print(format_claims(claims))
    return claims


def _cmd_reproduce(args) -> int:
    root = find_root()
    reproduce(root, quick=args.quick, only=args.only, seed=args.seed,
              out_dir=Path(args.out) if args.out else None,
              results=Path(args.results) if args.results else None,
              progress=not args.no_progress)
    return 0


def _cmd_list(args) -> int:
    root = find_root()
    for name, exp in discover_experiments(root).items():
        print(f"experiment {name:28s} {len(exp.quick):4d} quick / {len(exp.grid):4d} full configs"
              f"  {exp.description}")
    for name, module in discover_figures(root).items():
        doc = (module.__doc__ or "").strip().splitlines()
        print(f"figure     {name:28s} {doc[0] if doc else ''}")
    return 0


def _cmd_bounds(args) -> int:
    from .bounds import registry

    bounds = registry()
    if args.name is None:
        for name, b in bounds.items():
            print(f"{name:40s} [{b.kind}] {b.expr}    ({', '.join(b.symbols)})")
        return 0
    if args.name not in bounds:
        raise SystemExit(f"ccq: unknown bound {args.name!r}; `ccq bounds` lists them")
    b = bounds[args.name]
    print(f"{b.name} [{b.kind}]: {b.expr}\n{b.statement}\nsource: {b.source}")
    if args.values:
        values = {}
        for item in args.values:
            sym, _, val = item.partition("=")
            if not _:
                raise SystemExit(f"ccq: values are given as symbol=number, got {item!r}")
            values[sym] = float(val)
        print(f"value: {b(**values):.6g}")
    return 0


def _cmd_claims(args) -> int:
    from .claims import format_claims

    root = find_root()
    print(format_claims(collect_claims(discover_experiments(root), results_dir(root, args.quick),
                                       args.quick)))
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["calc"]:           # free-form --SYMBOL VALUE options: parsed by ccq.calculator
        from .calculator import calc_main

        return calc_main(argv[1:])
    parser = argparse.ArgumentParser(
        prog="ccq",
        description="Communication complexity in distributed learning, quantum and classical.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("reproduce", help="run experiments, redraw figures, print the claims table")
    p.add_argument("--quick", action="store_true", help="small grids (minutes on 2 CPU cores)")
    p.add_argument("--only", nargs="+", metavar="NAME", help="run only these experiments")
    p.add_argument("--seed", type=int, default=0, help="root PRNG seed (default 0)")
    p.add_argument("--out", help="figure folder (default paper_figures/out)")
    p.add_argument("--results", help="results folder (default experiments/results[/quick])")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    p.set_defaults(func=_cmd_reproduce)

    p = sub.add_parser("list", help="list experiments and figures")
    p.set_defaults(func=_cmd_list)

    p = sub.add_parser("bounds", help="list the bounds, or show and evaluate one")
    p.add_argument("name", nargs="?")
    p.add_argument("values", nargs="*", metavar="SYMBOL=VALUE")
    p.set_defaults(func=_cmd_bounds)

    sub.add_parser("calc", help="scaling calculators: `ccq calc gapip --tau 0.01 --dim 1e9`, "
                   "`ccq calc bound NAME s=v`, `ccq calc --html FILE` (see `ccq calc --help`)")

    p = sub.add_parser("claims", help="print the claims table from existing results")
    p.add_argument("--quick", action="store_true", help="read the quick results")
    p.set_defaults(func=_cmd_claims)

    args = parser.parse_args(argv)
    from ._results import ResultsError

    try:
        return args.func(args)
    except ResultsError as err:    # a results path or schema problem: one line, no traceback
        print(f"ccq: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
