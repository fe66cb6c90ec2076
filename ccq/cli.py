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
import os
import sys
from pathlib import Path

from .reproduce import reproduce  # noqa: F401  (the logic lives in ccq.reproduce)

__all__ = ["main", "build_parser", "UsageError", "find_root", "discover_experiments",
           "discover_figures", "reproduce"]


def find_root(start: Path | None = None) -> Path:
    """The project root: holds ``experiments/`` and ``paper_figures/``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "experiments").is_dir() and (folder / "paper_figures").is_dir():
            return folder
    fallback = Path(__file__).resolve().parents[1]
    if (fallback / "experiments").is_dir():
        return fallback
    raise _Failure(
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


def _check_seed(seed: int) -> int:
    if not 0 <= seed < 2**63:
        raise UsageError(f"--seed must be in [0, 2^63), got {seed}")
    return seed


def _cmd_reproduce(args) -> int:
    root = find_root()
    reproduce(root, quick=args.quick, only=args.only, seed=_check_seed(args.seed),
              out_dir=Path(args.out) if args.out else None,
              results=Path(args.results) if args.results else None,
              progress=not args.no_progress, run=not args.draw_only)
    return 0


def measured_seconds(csv_path: Path) -> float:
    """Sum over the configs in a results CSV of their measured compute ``seconds`` (each config's
    rows carry the same value); 0 when the file is missing.

    Examples:
        >>> measured_seconds(Path("no/such.csv"))
        0.0
    """
    import csv

    if not csv_path.exists():
        return 0.0
    with csv_path.open(newline="") as fh:
        per_config = {r["config_hash"]: float(r.get("seconds") or 0) for r in csv.DictReader(fh)}
    return float(sum(per_config.values()))


def _cmd_list(args) -> int:
    root = find_root()
    total = 0.0
    for name, exp in discover_experiments(root).items():
        secs = measured_seconds(results_dir(root, False) / f"{name}.csv")
        total += secs
        print(f"experiment {name:28s} {len(exp.quick):4d} quick / {len(exp.grid):4d} full configs"
              f" {secs:7.0f} s  {exp.description}")
    print(f"measured compute of the committed full grids: {total:.0f} s ({total / 3600:.1f} h; "
          "the sum of each config's 'seconds' in experiments/results)")
    for name, module in discover_figures(root).items():
        doc = (module.__doc__ or "").strip().splitlines()
        print(f"figure     {name:28s} {doc[0] if doc else ''}")
    return 0


def _cmd_bounds(args) -> int:
    from ._calculator_cli import _lookup, bound_help
    from .bounds import registry

    bounds = registry()
    if args.values:
        # one spelling evaluates a bound (with domain checks): `ccq calc bound`
        raise UsageError(f"to evaluate a bound use `ccq calc bound {args.name} "
                         f"{' '.join(args.values)}`; `ccq bounds [NAME]` lists or shows bounds")
    if args.name is None:
        for name, b in bounds.items():
            print(f"{name:40s} [{b.kind} on {b.quantity}] ({', '.join(b.symbols)})")
        print(f"\n{len(bounds)} bounds; `ccq bounds NAME` shows one, "
              "`ccq calc bound NAME SYMBOL=VALUE ...` evaluates it")
        return 0
    try:
        print(bound_help(_lookup(args.name, bounds)))
    except SystemExit as e:
        raise UsageError(str(e.code).removeprefix("ccq calc: ")) from None
    return 0


def _cmd_claims(args) -> int:
    from .claims import format_claims

    root = find_root()
    print(format_claims(collect_claims(discover_experiments(root), results_dir(root, args.quick),
                                       args.quick)))
    return 0


class _Failure(SystemExit):
    """The command cannot run here (no checkout found): exit status 1."""

    status = 1


class UsageError(Exception):
    """Bad command-line input: one line on stderr, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line instead of printing usage and exiting."""

    def error(self, message):
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = _Parser(
        prog="ccq",
        description="Communication complexity in distributed learning, quantum and classical.",
        epilog="Exit status: 0 ok, 1 failure, 2 bad input (one line on stderr). "
               "`ccq calc --help` for the calculators. reproduce, list and claims read "
               "experiments/ and paper_figures/, so they need a ccq checkout (git clone; "
               "run inside it); bounds and calc work from any install.",
    )
    parser.add_argument("--version", action="version", version=f"ccq {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("reproduce", help="run experiments, redraw figures, print the claims table")
    p.add_argument("--quick", action="store_true",
                   help="small grids (minutes on 2 CPU cores), written to experiments/results/"
                   "quick and paper_figures/out/quick, stamped as quick")
    p.add_argument("--only", nargs="+", metavar="NAME", help="run only these experiments")
    p.add_argument("--seed", type=int, default=0, help="root PRNG seed in [0, 2^63) (default 0)")
    p.add_argument("--out", help="figure folder (default paper_figures/out[/quick])")
    p.add_argument("--results", help="results folder (default experiments/results[/quick])")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    p.add_argument("--draw-only", action="store_true",
                   help="run no config: redraw figures, claims and the page from the results as "
                        "they are (claims on incomplete grids say so)")
    p.set_defaults(func=_cmd_reproduce)

    p = sub.add_parser("list", help="list experiments and figures")
    p.set_defaults(func=_cmd_list)

    p = sub.add_parser("bounds", help="list the bounds, or show one (statement, quantity, "
                       "domains); evaluate with `ccq calc bound NAME s=v`")
    p.add_argument("name", nargs="?")
    p.add_argument("values", nargs="*", metavar="SYMBOL=VALUE", help=argparse.SUPPRESS)
    p.set_defaults(func=_cmd_bounds)

    sub.add_parser("calc", help="scaling calculators: `ccq calc gapip --tau 0.01 --dim 1e9`, "
                   "`ccq calc gapip --help`, `ccq calc bound NAME s=v`, `ccq calc --html FILE`",
                   add_help=False)

    p = sub.add_parser("claims", help="print the claims table from existing results")
    p.add_argument("--quick", action="store_true", help="read the quick results")
    p.set_defaults(func=_cmd_claims)
    return parser


def _run(argv: list[str]) -> int:
    if argv[:1] == ["calc"]:           # free-form --SYMBOL VALUE options: parsed by ccq.calculator
        from ._calculator_cli import calc_main

        return calc_main(argv[1:])
    parser = build_parser()
    if not argv:
        parser.print_help()
        return 0
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    from ._results import ResultsError

    try:
        return args.func(args)
    except ResultsError as err:    # a results path or schema problem: one line, no traceback
        print(f"ccq: {err}", file=sys.stderr)
        return 2


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def main(argv: list[str] | None = None) -> int:
    """Run ``ccq``; return the exit status (0 ok, 1 failure, 2 usage error).

    No traceback reaches the user: errors print one line on stderr (``CCQ_DEBUG=1`` re-raises
    unexpected ones), and a closed stdout (``ccq calc gapip | head -1``) ends quietly.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        status = _run(argv)
        sys.stdout.flush()
        return status
    except UsageError as e:
        return _error(f"ccq: error: {e}", 2)
    except SystemExit as e:            # ccq calc's one-line messages, argparse's --help/--version
        if e.code is None or isinstance(e.code, int):
            return e.code or 0
        return _error(e.code if str(e.code).startswith("ccq") else f"ccq: {e.code}",
                      getattr(e, "status", 2))
    except BrokenPipeError:
        # the reader went away (`| head`): stop quietly, as Python's docs advise
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return 1
    except KeyboardInterrupt:
        return _error("ccq: interrupted", 130)
    except OSError as e:
        where = f" {e.filename!r}" if getattr(e, "filename", None) else ""
        return _error(f"ccq: cannot access{where}: {e.strerror or e}", 1)
    except Exception as e:  # noqa: BLE001  (the user gets one line, a developer the traceback)
        if os.environ.get("CCQ_DEBUG"):
            raise
        return _error(f"ccq: internal error: {type(e).__name__}: {e} "
                      "(CCQ_DEBUG=1 shows the traceback)", 1)


def _error(message: str, status: int) -> int:
    try:
        print(_one_line(message), file=sys.stderr)
    except (BrokenPipeError, OSError):
        pass
    return status


if __name__ == "__main__":
    sys.exit(main())
