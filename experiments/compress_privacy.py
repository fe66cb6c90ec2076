"""Gradient inversion against compressed, pruned and DP-SGD messages, at trained checkpoints.

Question (arXiv 2506.17974): do LQ-SGD's messages resist gradient inversion better than plain
SGD's, and is that more than what their lower bit rate or lower accuracy buys? This experiment
measures reconstruction quality per method; the claims put it on the privacy-utility axes by
joining it with ``compress_training`` (bits per message and accuracy of the same method on the
same model), so methods are compared at matched bits and at matched accuracy.

Victim: one worker of the digits 64-32-10 tanh MLP holding ``B`` test images. Checkpoints: the
parameters after 0, 100 and 1000 steps of plain SGD (``_checkpoints``). Each attacker sees the
worker's decoded message(s) at that checkpoint, compressor state fresh (zero residual: the
attacker's best case, since a residual of earlier batches would be unknown noise to it):

* ``naive``: one message, matched as if it were the gradient;
* ``adaptive``: one message, matched through the compressor (public seed, STE);
* ``multi4``: four consecutive messages of a worker that keeps the batch, parameters advancing
  by SGD with the victim's own messages (lr 0.2), matched jointly through the compressor, so
  the error-feedback residual and PowerSGD's warm start carry what one round left out. For SGD
  and DP-SGD (no compressor state) it is the naive attacker on four rounds; DP noise is fresh
  each round and secret.

The pixels of the first four images (truth and best reconstruction, B = 1) are kept in the
rows for the example image grid (``paper_figures/compress_inversion_examples``).

Every attack runs with Adam (400 steps) and L-BFGS (100 iterations, zoom line search); rows
``optimizer = "best"`` keep, per image batch, the optimiser with the higher PSNR (the worst case
for the defender). Same images, parameters, compressor randomness and dummy initialisations
across methods (``seed``), so rows differ only by method and attacker.
"""

from __future__ import annotations

import dataclasses
import functools

import jax
import jax.numpy as jnp
import numpy as np
import optax

from ccq.attacks import (
    OPTIMIZERS,
    dp_message,
    invert_rounds,
    label_accuracy,
    match_batch,
    mse,
    psnr,
    ssim,
)
from ccq.experiment import Experiment
from ccq.train import tree_size

from ._compress_setup import DP_CLIP, DP_SIGMA, METHODS, make_tx, model_and_data
from ._compress_stats import compress_privacy_claims as claims

CHECKPOINTS = (0, 100, 1000)
ROUNDS = 4           # messages the multi-round attacker sees
VICTIM_LR = 0.2      # the MLP's training learning rate (as in compress_training)
STEPS = {"adam": 400, "lbfgs": 100}
SHOWN = 4            # images per config whose pixels are stored (B = 1, best optimiser)
PRIVACY_METHODS = ("sgd", "topk10", "qsgd4", "signmv", "psgd_r1", "psgd_r2", "lq_r1_b4",
                   "lq_r2_b2", "lq_r2_b4", "prune90", "prune99", "dp05", "dp1")


@dataclasses.dataclass(frozen=True)
class Config:
    method: str          # a key of _compress_setup.METHODS
    attacker: str        # naive | adaptive | multi4
    attack: str          # dlg | idlg | ig
    batch: int
    trials: int = 8
    seed: int = 0


@functools.lru_cache(maxsize=1)
def _checkpoints():
    """MLP parameters after 0, 100, 1000 steps of SGD (batch 128, lr 0.2) on digits train."""
    model, data, lr = model_and_data("mlp")
    params = model.init(jax.random.key(7))
    opt = optax.sgd(lr)

    @jax.jit
    def train(params, k):
        def step(carry, t):
            p, s = carry
            idx = jax.random.randint(jax.random.fold_in(k, t), (128,), 0,
                                     data.x_train.shape[0])
            u, s = opt.update(jax.grad(model.loss)(p, data.x_train[idx], data.y_train[idx]), s)
            return (optax.apply_updates(p, u), s), None
        return jax.lax.scan(step, (params, opt.init(params)), jnp.arange(100))[0][0]

    out, p = {0: params}, params
    for n in range(1, max(CHECKPOINTS) // 100 + 1):
        p = train(p, jax.random.fold_in(jax.random.key(8), n))
        out[100 * n] = p
    return model, data, {c: out[c] for c in CHECKPOINTS}


def _victim(model, c: Config):
    """``messages(key, params, x, y) -> (params_seq, observed_seq, compressor keys)``."""
    rounds = ROUNDS if c.attacker == "multi4" else 1
    sigma = DP_SIGMA.get(c.method)
    tx = None if sigma else make_tx(c.method, model.init(jax.random.key(0)), 1)
    dp = dp_message(model, DP_CLIP, sigma) if sigma else None

    def messages(key, params, x, y):
        state = tx.init(params) if tx is not None else None
        ps, obs, keys = [], [], []
        for t in range(rounds):
            k = jax.random.fold_in(key, t)
            if dp is not None:
                m = dp(k, params, x, y)
            else:
                g = jax.grad(model.loss)(params, x, y)
                m, state = tx.update(jax.tree_util.tree_map(lambda a: a[None], g), state, key=k)
            ps.append(params)
            obs.append(m)
            keys.append(k)
            params = jax.tree_util.tree_map(lambda p, u: p - VICTIM_LR * u, params, m)
        return ps, obs, keys

    adaptive = c.attacker != "naive" and tx is not None and c.method != "sgd"
    return messages, (tx if adaptive else None)


@functools.lru_cache(maxsize=8)
def _attack_fn(c: Config, optimizer: str):
    """Jitted ``(params, xs, ys, keys) -> (x_rec, y_rec)``, vectorised over checkpoints (params
    stacked on a leading axis) and trials: one compilation per config and optimiser."""
    model, data, _ = _checkpoints()
    messages, through = _victim(model, c)

    def one(params, x, y, k):
        k_msg, k_att = jax.random.split(k)
        ps, obs, keys = messages(k_msg, params, x, y)
        return invert_rounds(k_att, model, ps, obs, batch=c.batch, n_features=64, n_classes=10,
                             attack=c.attack, compressor=through, compressor_keys=keys,
                             steps=STEPS[optimizer], optimizer=optimizer)

    return jax.jit(jax.vmap(jax.vmap(one, in_axes=(None, 0, 0, 0)), in_axes=(0, None, None, None)))


def reconstruct(c: Config):
    """``(xs, ys, {optimizer: (x_rec, y_rec)})``; reconstructions ``(checkpoint, trial, B, 64)``
    matched to the truth."""
    _, data, ckpts = _checkpoints()
    k_img, k_att = jax.random.split(jax.random.key(c.seed))
    idx = jax.random.choice(k_img, data.x_test.shape[0], (c.trials, c.batch), replace=False)
    xs, ys = data.x_test[idx], data.y_test[idx]
    keys = jax.random.split(k_att, c.trials)
    stacked = jax.tree_util.tree_map(lambda *a: jnp.stack(a), *ckpts.values())
    out = {}
    for opt in OPTIMIZERS:
        xr, yr = (np.array(a) for a in _attack_fn(c, opt)(stacked, xs, ys, keys))
        for i in range(len(ckpts)):
            for t in range(c.trials):
                xr[i, t] = xr[i, t][match_batch(xr[i, t], np.asarray(xs[t]))]
        out[opt] = (xr, yr)
    return np.asarray(xs), np.asarray(ys), out


def _pixels(img) -> str:
    """64 pixels as a compact string cell (for the example image grid)."""
    return " ".join(f"{v:.3f}" for v in np.asarray(img).ravel())


def run(key, c: Config):
    del key     # identical images, parameters and dummies across methods: the seed fixes them
    _, _, ckpts = _checkpoints()
    xs, ys, recs = reconstruct(c)
    img = lambda a: jnp.asarray(a).reshape(*a.shape[:-1], 8, 8)  # noqa: E731
    bits = make_tx(c.method, ckpts[0], 1).payload_bits(ckpts[0])
    per_opt = {}
    for opt, (xr, yr) in recs.items():
        truth = img(jnp.broadcast_to(xs, xr.shape))    # the metrics refuse implicit broadcasting
        p, s, e = (np.asarray(f(img(xr), truth)).mean(-1) for f in (psnr, ssim, mse))
        lab = [[label_accuracy(yr[i, t], ys[t]) for t in range(c.trials)]
               for i in range(len(ckpts))]
        per_opt[opt] = (p, s, e, lab)
    rows = []
    for i, ckpt in enumerate(ckpts):
        best = [max(OPTIMIZERS, key=lambda o, t=t: per_opt[o][0][i, t])
                for t in range(c.trials)]
        for opt in (*OPTIMIZERS, "best"):
            for t in range(c.trials):
                o = best[t] if opt == "best" else opt
                p, s, e, lab = per_opt[o]
                shown = opt == "best" and t < SHOWN and c.batch == 1
                rows.append({"label": METHODS[c.method], "checkpoint": ckpt, "optimizer": opt,
                             "chosen": o, "trial": t, "psnr": float(p[i, t]),
                             "ssim": float(s[i, t]), "mse": float(e[i, t]),
                             "label_acc": float(lab[i][t]), "bits_per_message": int(bits),
                             "ratio": 32 * tree_size(ckpts[0]) / bits,
                             "truth_px": _pixels(xs[t, 0]) if shown else "",
                             "recon_px": _pixels(recs[o][0][i, t, 0]) if shown else ""})
    return rows


def _grid():
    """Priority order (the runner resumes in grid order, so a partial run answers the main
    questions first): iDLG on every method with every attacker, then IG; DLG (labels optimised,
    dominated by iDLG wherever iDLG's labels are right) and B = 4 on the core methods only, to
    keep the full grid under an hour on two cores."""
    def attackers(m):
        return ("naive", "multi4") if m == "sgd" or m in DP_SIGMA else \
            ("naive", "adaptive", "multi4")
    order = ("sgd", "lq_r2_b4", "psgd_r2", "dp1", "prune90", "topk10", "qsgd4", "signmv",
             "lq_r1_b4", "psgd_r1", "lq_r2_b2", "dp05", "prune99")
    assert sorted(order) == sorted(PRIVACY_METHODS)
    core = ("sgd", "lq_r2_b4", "psgd_r2", "dp1", "prune90")
    grid = [Config(m, a, "idlg", 1) for m in order for a in attackers(m)]
    grid += [Config(m, a, "ig", 1) for m in order for a in attackers(m)]
    grid += [Config(m, a, "dlg", 1) for m in core[:3] for a in attackers(m)]
    grid += [Config(m, a, "ig", 4) for m in core for a in attackers(m) if a != "multi4"]
    return grid


GRID = _grid()
QUICK = [Config("sgd", "naive", "idlg", 1, trials=2),
         Config("lq_r2_b4", "adaptive", "idlg", 1, trials=2)]

EXPERIMENT = Experiment(
    name="compress_privacy",
    run=run,
    grid=GRID,
    quick=QUICK,
    claims=claims,
    version=2,
    description="DLG / iDLG / IG (Adam and L-BFGS) vs 13 methods at 3 checkpoints, 1 or 4 rounds",
)
