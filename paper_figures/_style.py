"""Shared look of every figure, and the standalone entry point of figure scripts."""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # figures are files; no display is needed or assumed
import matplotlib.pyplot as plt  # noqa: E402

QUANTUM = "#1f4e99"
CLASSICAL = "#b5472b"
BOUND = "#444444"


def new_figure(ncols: int = 1, width: float = 5.2, height: float = 3.6):
    plt.rcParams.update({"font.size": 10, "axes.grid": True, "grid.alpha": 0.3,
                         "axes.spines.top": False, "axes.spines.right": False})
    fig, axes = plt.subplots(1, ncols, figsize=(width * ncols, height), squeeze=False)
    return fig, axes[0]


def save(fig, out_dir: Path, name: str) -> Path:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{name}.png"
    fig.tight_layout()
    fig.savefig(path, dpi=150)
    plt.close(fig)
    return path


def standalone(plot) -> None:
    """``python -m paper_figures.<name> [--quick]``: redraw one figure from existing results."""
    parser = argparse.ArgumentParser(description=plot.__module__)
    parser.add_argument("--quick", action="store_true", help="read the quick results")
    args = parser.parse_args()
    root = Path(__file__).resolve().parents[1]
    rdir = root / "experiments" / "results" / ("quick" if args.quick else "")
    print(plot(rdir, root / "paper_figures" / "out"))


def integer_grid(lo: float, hi: float, num: int = 100, log: bool = True):
    """Distinct integers from ``lo`` to ``hi`` (geometric spacing by default) to draw a bound
    whose symbol counts something (workers, parameters, copies): bounds reject fractional counts.
    """
    import numpy as np

    spaced = np.geomspace(lo, hi, num) if log else np.linspace(lo, hi, num)
    return np.unique(np.round(spaced))
