"""Start-up time of the quick ``ccq`` commands, as a ratio against ``python -c pass``.

    python benchmarks/bench_cli.py              # prints a markdown table
    python benchmarks/bench_cli.py --repeat 9

Each command runs in a fresh interpreter (as a user runs it); the best of ``--repeat`` runs is
kept, both wall time and CPU time (user + system of the child, which a busy shared machine
disturbs much less than wall time), for the commands and for ``python -c pass`` and
``python -c "import jax"`` (what every command paid before the imports became lazy). Issue 16's
target: ``--help``, ``calc`` and ``bounds`` answer in well under a second, without importing jax.
"""

from __future__ import annotations

import argparse
import os
import resource
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


def best_time(cmd: list[str], repeat: int) -> tuple[float, float]:
    """Best (wall seconds, CPU seconds) over ``repeat`` runs."""
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        walls.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return min(walls), min(cpus)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    times = {name: best_time(cmd, args.repeat) for name, cmd in COMMANDS.items()}
    base_wall, base_cpu = times["python -c pass"]
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores, best of "
          f"{args.repeat}\n")
    print("| command | wall (s) | wall / `python -c pass` | CPU (s) | CPU / `python -c pass` |")
    print("|---|---:|---:|---:|---:|")
    for name, (wall, cpu) in times.items():
        print(f"| `{name}` | {wall:.3f} | {wall / base_wall:.1f} | {cpu:.3f} | "
              f"{cpu / base_cpu:.1f} |")

if __name__ == "__main__":
    main()
