"""Start-up time of the quick ``ccq`` commands, as a ratio against ``python -c pass``.

    python benchmarks/bench_cli.py              # prints a markdown table
    python benchmarks/bench_cli.py --repeat 9

Each command runs in a fresh interpreter (as a user runs it); the best of ``--repeat`` wall
times is kept, for the commands and for ``python -c pass`` and ``python -c "import jax"`` (what
every command paid before the imports became lazy). Only ratios are meaningful: absolute times
on a shared 2-core machine are noisy. Issue 16's target: ``--help``, ``calc`` and ``bounds``
answer in well under a second, without importing jax.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "python -c 'import jax'": [sys.executable, "-c", "import jax"],
    "ccq --help": [sys.executable, "-m", "ccq", "--help"],
    "ccq --version": [sys.executable, "-m", "ccq", "--version"],
    "ccq bounds": [sys.executable, "-m", "ccq", "bounds"],
    "ccq calc": [sys.executable, "-m", "ccq", "calc"],
    "ccq calc gapip --help": [sys.executable, "-m", "ccq", "calc", "gapip", "--help"],
    "ccq calc bound sampling.threshold_shots gap=0.1 delta=0.05":
        [sys.executable, "-m", "ccq", "calc", "bound", "sampling.threshold_shots", "gap=0.1",
         "delta=0.05"],
    "ccq calc gapip": [sys.executable, "-m", "ccq", "calc", "gapip"],
    "ccq calc securagg": [sys.executable, "-m", "ccq", "calc", "securagg"],
    "ccq calc qmodel": [sys.executable, "-m", "ccq", "calc", "qmodel"],
}


def best_time(cmd: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
    return min(times)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    base = best_time(COMMANDS["python -c pass"], args.repeat)
    print("| command | best wall time (s) | ratio to `python -c pass` |")
    print("|---|---:|---:|")
    for name, cmd in COMMANDS.items():
        t = best_time(cmd, args.repeat)
        print(f"| `{name}` | {t:.3f} | {t / base:.1f} |", flush=True)


if __name__ == "__main__":
    main()
