"""Add a new protocol the ccq way: protocol, bound, proof, experiment, figure, claim.

A worked example of the extension contract, on a small question: Alice and Bob each hold an
n-qubit state; are the states equal, or is their overlap |<a|b>|^2 at most s? Alice sends k copies
of her state; Bob swap-tests each against his own and says "equal" when every test accepts. Equal
states always pass; far states pass all k tests with probability ((1 + s) / 2)^k at most.

In the repository each part is its own file (the comments say which); here they sit in one
script so it runs in seconds. Run: ``python examples/new_protocol.py [OUT_DIR]``.
"""

import dataclasses
import math
import sys
import tempfile
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import sympy as sp

import ccq
from ccq.bounds._bound import Bound
from ccq.claims import Claim, format_claims
from ccq.experiment import Experiment, load_results, run_experiment, run_trials
from ccq.sim import swap_test_probability

# ---- 1. the bound: ccq/bounds/equality.py (a sympy expression with its statement and source)
s_ = sp.Symbol("s", nonnegative=True)
k_, delta_ = sp.symbols("k delta", positive=True)
false_accept = Bound(
    "equality.false_accept", ((1 + s_) / 2) ** k_,
    "k independent swap tests all accept two states of overlap s with probability ((1+s)/2)^k.",
    "exact", "derived in examples/new_protocol.py (derive_copies)", quantity="probability",
    ranges={"s": (0, 1), "k": (1, sp.oo)})


# ---- 2. the proof: proofs/proof_equality.py (derive, do not restate, the copies needed)
def derive_copies():
    """Solve ((1+s)/2)^k = delta for k: the copies needed for false-accept error delta."""
    (k_star,) = sp.solve(sp.Eq(false_accept.expr, delta_), k_)
    assert sp.simplify(k_star - sp.log(delta_) / sp.log((1 + s_) / 2)) == 0
    return k_star


# ---- 3. the protocol: ccq/protocols/equality.py (a factory returning a pure function)
def equality(copies: int):
    """``fn(key, a, b) -> Outcome``: answer 1 for "equal"; the cost is static (k copies sent)."""
    copies = ccq._core.check_int(copies, "copies", minimum=1)

    def fn(key, a, b):
        p = swap_test_probability(a, b)                       # one test accepts w.p. p
        accepts = jax.random.bernoulli(key, p, (copies,))
        n_qubits = int(math.log2(a.shape[-1]))
        return ccq.Outcome(jnp.all(accepts).astype(jnp.int32),
                           ccq.Cost(qubits=copies * n_qubits, rounds=1), {"p": p})
    return fn


# ---- 4. the experiment: experiments/equality.py (configs -> tidy rows -> claims)
@dataclasses.dataclass(frozen=True)
class Config:
    overlap: float
    copies: int
    trials: int = 2000


def _pair(key, overlap):
    a = jnp.zeros(8).at[0].set(1.0)                          # 3 qubits
    b = jnp.zeros(8).at[0].set(math.sqrt(overlap)).at[1].set(math.sqrt(1 - overlap))
    return a, b


def run(key, c: Config):
    a, b = _pair(key, c.overlap)
    proto = equality(c.copies)
    out = run_trials(lambda k: proto(k, a, b).answer, key, c.trials)
    rate = float(np.mean(np.asarray(out)))
    return {"false_accept": rate, "bound": false_accept(s=c.overlap, k=c.copies),
            "band": math.sqrt(math.log(2 / 1e-6) / (2 * c.trials))}   # Hoeffding, 1e-6


def claims(rows):
    worst = max(abs(r["false_accept"] - r["bound"]) - r["band"] for r in rows)
    return [Claim("equality.false_accept", "textbook (swap test)",
                  "k swap tests accept far states w.p. ((1+s)/2)^k", "exact",
                  f"{len(rows)} configs, all within the Hoeffding band"
                  if worst <= 0 else f"outside the band by {worst:.3g}",
                  "holds" if worst <= 0 else "fails")]


EXPERIMENT = Experiment(
    name="equality", run=run, claims=claims, description="swap-test equality vs copies",
    grid=[Config(s, k) for s in (0.0, 0.5, 0.9) for k in (1, 2, 4, 8, 16)],
    quick=[Config(s, k) for s in (0.0, 0.5) for k in (1, 4)])


# ---- 5. the figure: paper_figures/equality.py (reads results only; REQUIRES names them)
REQUIRES = ("equality",)


def plot(results_dir, out_dir):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from paper_figures._style import integer_ticks, new_figure, save, series

    rows = load_results(Path(results_dir) / "equality.csv")
    fig, (ax,) = new_figure()
    for i, s in enumerate(sorted({r["overlap"] for r in rows})):
        sub = sorted((r for r in rows if r["overlap"] == s), key=lambda r: r["copies"])
        k = [r["copies"] for r in sub]
        st = series(i)
        ax.errorbar(k, [r["false_accept"] for r in sub], yerr=[r["band"] for r in sub],
                    fmt=st["marker"], color=st["color"], capsize=2,
                    label=f"measured, overlap {s:g}")
        ax.plot(k, [r["bound"] for r in sub], color=st["color"], lw=1, ls="--",
                label=f"((1+s)/2)^k, s = {s:g}")
    ax.set_xlabel("copies k")
    ax.set_ylabel("false-accept probability")
    integer_ticks(ax)
    ax.legend(fontsize=6)
    return save(fig, out_dir, "equality")


# ---- 6. put together: what `ccq reproduce --only equality` does for files in the repository
def main(out_dir: Path) -> list:
    results = out_dir / "results"
    run_experiment(EXPERIMENT, jax.random.key(0), results, quick=True, progress=False)
    print("figure:", plot(results, out_dir))
    found = claims(load_results(results / "equality.csv"))
    print(format_claims(found))
    print("copies for error 1e-3 at s = 0.5:",
          math.ceil(derive_copies().subs({s_: 0.5, delta_: 1e-3})))
    return found


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp()))
