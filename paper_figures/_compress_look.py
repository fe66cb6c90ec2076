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


VARIANT_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">")


def method_looks(labels) -> dict:
    """One look per method: the family's colour, and a marker of its own within the family, so
    no two methods in a figure look the same. Markers follow the order of the method registry
    (``experiments/_compress_setup.METHODS``), so a method looks the same in every figure
    whichever other methods a (partial) grid holds."""
    from experiments._compress_setup import METHODS

    registry = list(METHODS.values())
    out = {}
    for lbl in set(labels):
        fam = family(lbl)
        members = [m for m in registry if family(m) == fam]
        if len(members) <= 1 or lbl not in members:
            marker = FAMILIES[fam][1]
        else:
            marker = VARIANT_MARKERS[members.index(lbl) % len(VARIANT_MARKERS)]
        out[lbl] = {"color": FAMILIES[fam][0], "marker": marker}
    return out


def method_legend(ax, looks: dict, ncol: int = 2, offset: float = 0.3):
    """A legend of every method (in family order) under ``ax``, where it covers no data."""
    order = sorted(looks, key=lambda lbl: (list(FAMILIES).index(family(lbl)), lbl))
    handles = [plt.Line2D([], [], ls="", ms=5, **looks[lbl]) for lbl in order]
    return ax.legend(handles, order, fontsize=6.5, loc="upper center", ncol=ncol,
                     bbox_to_anchor=(0.5, -offset), frameon=False, handletextpad=0.3,
                     columnspacing=0.8)


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
