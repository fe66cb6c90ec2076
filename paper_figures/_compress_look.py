"""Look shared by the compress_* figures: one colour-blind-safe colour (Okabe-Ito) and one marker
per method family, sizes for a single-column (3.4 inch) figure."""

from __future__ import annotations

import matplotlib.pyplot as plt

WIDTH = 3.4          # inches: one column of a two-column paper
FAMILIES = {         # family: (Okabe-Ito colour, marker)
    "SGD": ("#000000", "o"),
    "LQ-SGD": ("#D55E00", "D"),
    "PowerSGD": ("#0072B2", "s"),
    "Top-k": ("#009E73", "^"),
    "QSGD": ("#E69F00", "v"),
    "sign-MV": ("#56B4E9", "P"),
    "pruning": ("#CC79A7", "X"),
    "DP-SGD": ("#7F7F7F", "*"),
}


def family(label: str) -> str:
    for fam in ("LQ-SGD", "PowerSGD", "Top-k", "QSGD", "sign-MV", "pruning", "DP-SGD", "SGD"):
        if label.startswith(fam):
            return fam
    return "SGD"


def look(label: str) -> dict:
    colour, marker = FAMILIES[family(label)]
    return {"color": colour, "marker": marker}


def column_figure(nrows: int, height_each: float = 2.3):
    """A single-column figure of ``nrows`` stacked panels, 8-point text."""
    plt.rcdefaults()      # as _style.new_figure: nothing leaks from the figure drawn before
    plt.rcParams.update({"font.size": 8, "axes.grid": True, "grid.alpha": 0.3,
                         "axes.spines.top": False, "axes.spines.right": False,
                         "legend.fontsize": 6.5})
    fig, axes = plt.subplots(nrows, 1, figsize=(WIDTH, height_each * nrows), squeeze=False)
    return fig, list(axes[:, 0])


def family_legend(ax, labels, **kw):
    """One legend entry per family present (colour + marker), not one per config."""
    fams = [f for f in FAMILIES if any(family(lbl) == f for lbl in labels)]
    handles = [plt.Line2D([], [], ls="", color=FAMILIES[f][0], marker=FAMILIES[f][1], ms=5)
               for f in fams]
    ax.legend(handles, fams, **kw)
