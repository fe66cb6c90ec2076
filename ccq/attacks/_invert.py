"""Gradient inversion: DLG, iDLG and Inverting Gradients, naive or adaptive, one or many rounds.

The attacker is the receiver of one worker's messages (a server, or any peer of an all-gather):
it knows the model and the parameters each message was computed at, the batch size, and sees
the messages decoded by the compressor (``observed``). It optimises dummy inputs ``x`` (pixels
kept in ``[0, 1]`` by a sigmoid) so that the gradients they produce match the messages:

* ``"dlg"`` (Zhu, Liu, Han 2019, arXiv 1906.08935): squared L2 distance, dummy soft labels
  optimised jointly.
* ``"idlg"`` (Zhao, Mopuri, Bilen 2020, arXiv 2001.02610): labels first read from the last
  layer's bias gradient (``softmax - onehot``: the true class is the negative entry; for a batch
  the ``B`` most negative entries, a heuristic that assumes distinct labels), then DLG on ``x``.
* ``"ig"`` (Geiping et al. 2020, arXiv 2003.14053): ``1 - cos`` between gradients plus
  ``tv`` times total variation, labels as in iDLG.

Optimisers: ``"adam"`` (a fixed number of steps) or ``"lbfgs"`` (``optax.lbfgs`` with its zoom
line search, as the DLG and iDLG papers use L-BFGS). Both run a fixed number of iterations
inside ``lax.scan`` (jittable); non-finite gradients are zeroed so one bad step cannot poison
the run. Which one is stronger depends on the objective (L-BFGS is far more precise on smooth
ones, its line search can stall on the piecewise-constant objectives of rounding compressors),
so experiments run both and report the better.

A **naive** attacker matches the raw gradient of its dummies to the message as if it were the
gradient. An **adaptive** attacker (``compressor=tx``) knows the compressor, its state and its
randomness (the worst case: a public seed) and matches ``tx(gradient)`` instead, optimising
through it; rounding, signs and selections pass gradients straight through (``ste=True``),
PowerSGD's power iteration and Gram-Schmidt are differentiated exactly.

A **multi-round** attacker (:func:`invert_rounds`) sees ``R`` consecutive messages of a worker
that keeps the same batch (a client whose data is this batch), computed at the ``R`` parameter
vectors the server broadcast. Its objective is the sum of the per-round objectives. The adaptive
version replays the compressor from a fresh state over the dummy gradients, so the error-feedback
residual and PowerSGD's warm-start ``Q`` evolve exactly as the victim's did: what round ``t``
leaves out is carried, and revealed, in round ``t + 1``.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import optax
from jax.flatten_util import ravel_pytree

from .._core import check_finite, check_int, check_key, check_real

__all__ = ["ATTACKS", "OPTIMIZERS", "soft_label_loss", "transmitted", "infer_labels", "invert",
           "invert_rounds", "replay", "total_variation"]

ATTACKS = ("dlg", "idlg", "ig")
OPTIMIZERS = ("adam", "lbfgs")


def soft_label_loss(model):
    """Cross-entropy of ``model.apply`` against soft labels (a probability per class)."""
    if not callable(getattr(model, "apply", None)):
        raise TypeError(f"model must be a ccq.train.Model (with .apply), got {model!r}")

    def loss(params, x, y_soft):
        return optax.softmax_cross_entropy(model.apply(params, x), y_soft).mean()

    return loss


def transmitted(tx, params, grads, key):
    """The message a single worker's gradient becomes under compressor ``tx`` (decoded).

    Examples:
        >>> from ccq.compress import top_k
        >>> g = {"w": jnp.array([0.1, -3.0])}
        >>> transmitted(top_k(1), g, g, jax.random.key(0))      # params: any tree of g's shapes
        {'w': Array([ 0., -3.], dtype=float32)}
    """
    if tx.n_workers != 1:
        raise ValueError(f"transmitted needs a single-worker compressor, got n_workers="
                         f"{tx.n_workers}")
    stacked = jax.tree_util.tree_map(lambda g: g[None], grads)
    return tx.update(stacked, tx.init(params), key=key)[0]


def infer_labels(last_bias_grad, batch: int):
    """iDLG labels: the ``batch`` most negative entries of the last layer's bias gradient.

    Examples:
        >>> infer_labels(jnp.array([0.1, -0.9, 0.3, 0.5]), 1).tolist()
        [1]
    """
    batch = check_int(batch, "batch", minimum=1, maximum=int(jnp.shape(last_bias_grad)[-1]))
    check_finite(last_bias_grad, "last_bias_grad")
    return jnp.argsort(last_bias_grad)[:batch]


def total_variation(img):
    """Mean absolute difference of neighbouring pixels of ``(..., h, w)`` images."""
    if jnp.ndim(img) < 2:
        raise ValueError(f"img must be (..., h, w) images, got shape {jnp.shape(img)}")
    check_finite(img, "img")
    return (jnp.mean(jnp.abs(jnp.diff(img, axis=-1))) + jnp.mean(jnp.abs(jnp.diff(img, axis=-2))))


def _last_bias(tree):
    return tree[-1]["b"]


def _through(compressor, inner, grads, key, t, ste: bool):
    """One single-worker round of ``compressor`` on ``grads``: ``(new buffers, decoded)``."""
    stacked = jax.tree_util.tree_map(lambda a: a[None], grads)
    decoded, _, inner, _ = compressor.round(key, stacked, inner, jnp.asarray(t, jnp.int32), ste)
    return inner, jax.tree_util.tree_map(lambda a: a[0], decoded)


def replay(compressor, params, grads_seq, keys, ste: bool = False):
    """Messages a worker sends for ``grads_seq`` from a fresh state: what the adaptive
    multi-round attacker simulates (buffers such as the error-feedback residual carried).

    Examples:
        >>> from ccq.compress import error_feedback, top_k
        >>> tx = error_feedback(top_k(1)); p = {"w": jnp.zeros(2)}
        >>> gs = [{"w": jnp.array([1.0, 0.6])}, {"w": jnp.array([0.0, 0.6])}]
        >>> [m["w"].tolist() for m in replay(tx, p, gs, [jax.random.key(0)] * 2)]
        [[1.0, 0.0], [0.0, 1.2000000476837158]]
    """
    from ..compress import Compressor

    if not isinstance(compressor, Compressor):
        raise TypeError(f"compressor must be a Compressor, got {type(compressor).__name__}")
    inner, out = compressor.init(params).inner, []
    for t, (g, k) in enumerate(zip(grads_seq, keys, strict=True)):
        inner, m = _through(compressor, inner, g, k, t, ste)
        out.append(m)
    return out


def _minimise(objective, z, optimizer: str, steps: int, lr: float):
    """``steps`` iterations of Adam or L-BFGS on ``objective(z)``; non-finite gradients -> 0."""
    clean = lambda t: jax.tree_util.tree_map(  # noqa: E731
        lambda a: jnp.where(jnp.isfinite(a), a, 0.0), t)
    if optimizer == "adam":
        opt = optax.adam(lr)

        def step(carry, _):
            z, s = carry
            u, s = opt.update(clean(jax.grad(objective)(z)), s, z)
            return (optax.apply_updates(z, u), s), None
    else:
        opt = optax.lbfgs()
        value_and_grad = optax.value_and_grad_from_state(objective)

        def step(carry, _):
            z, s = carry
            v, g = value_and_grad(z, state=s)
            u, s_new = opt.update(clean(g), s, z, value=v, grad=clean(g), value_fn=objective)
            z_new = optax.apply_updates(z, u)
            ok = jnp.all(jnp.stack([jnp.all(jnp.isfinite(a))
                                    for a in jax.tree_util.tree_leaves(z_new)]))
            # a failed line search can return NaN: keep the last finite iterate and stop there
            z = jax.tree_util.tree_map(lambda a, b: jnp.where(ok, a, b), z_new, z)
            s = jax.tree_util.tree_map(lambda a, b: jnp.where(ok, a, b), s_new, s)
            return (z, s), None

    (z, _), _ = jax.lax.scan(step, (z, opt.init(z)), None, length=steps)
    return z


def invert_rounds(key, model, params_seq, observed_seq, *, batch: int, n_features: int,
                  n_classes: int, attack: str = "ig", compressor=None, compressor_keys=None,
                  steps: int = 300, lr: float = 0.1, tv: float = 1e-3, image_shape=(8, 8),
                  optimizer: str = "adam", last_bias=_last_bias):
    """Reconstruct a batch from ``R`` messages of a worker that kept it for ``R`` rounds.

    Args:
        key: PRNG key for the dummy initialisation.
        model: a :class:`ccq.train.Model` classifier (``apply`` gives logits).
        params_seq: the ``R`` parameter pytrees the victim differentiated at (a sequence).
        observed_seq: the ``R`` decoded messages (gradient-shaped pytrees).
        batch: batch size ``B`` the attacker assumes (the true one).
        n_features, n_classes: input size and number of classes.
        attack: ``"dlg"``, ``"idlg"`` or ``"ig"``.
        compressor: ``None`` (naive attacker) or the victim's single-worker compressor
            (adaptive attacker, replayed from a fresh state); ``compressor_keys`` are the ``R``
            keys the victim's rounds used.
        steps, lr: optimiser iterations and Adam's step size (L-BFGS sets its own by line
            search).
        tv: total-variation weight (``"ig"`` only).
        image_shape: shape of one image for the TV prior.
        optimizer: ``"adam"`` or ``"lbfgs"``.
        last_bias: where the last layer's bias sits in a gradient pytree.

    Returns:
        ``(x, labels)``: reconstructions ``(B, n_features)`` in ``[0, 1]`` and labels ``(B,)``.
        Labels (iDLG, IG) are read from the first message.
    """
    check_key(key)
    batch = check_int(batch, "batch", minimum=1)
    steps = check_int(steps, "steps", minimum=1)
    if attack not in ATTACKS:
        raise ValueError(f"attack must be one of {ATTACKS}, got {attack!r}")
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {optimizer!r}")
    params_seq, observed_seq = list(params_seq), list(observed_seq)
    rounds = len(observed_seq)
    if rounds < 1 or len(params_seq) != rounds:
        raise ValueError(f"params_seq and observed_seq must be non-empty and of equal length, "
                         f"got {len(params_seq)} and {rounds}")
    if compressor is not None:
        keys = ([jax.random.key(0)] * rounds if compressor_keys is None
                else list(compressor_keys))
        if len(keys) != rounds:
            raise ValueError(f"compressor_keys must hold one key per round ({rounds}), got "
                             f"{len(keys)}")
    soft_loss = soft_label_loss(model)
    stack = lambda trees: jax.tree_util.tree_map(lambda *a: jnp.stack(a), *trees)  # noqa: E731
    params_st = stack(params_seq)
    obs_st = jnp.stack([ravel_pytree(o)[0] for o in observed_seq])
    keys_st = jnp.stack(keys) if compressor is not None else jnp.zeros((rounds,))
    known = attack in ("idlg", "ig")
    labels = infer_labels(last_bias(observed_seq[0]), batch)
    fixed_soft = jax.nn.one_hot(labels, n_classes)

    def round_loss(flat, obs):
        if attack == "ig":
            return 1.0 - jnp.dot(flat, obs) / (jnp.linalg.norm(flat) * jnp.linalg.norm(obs)
                                               + 1e-12)
        return jnp.sum((flat - obs) ** 2)

    def objective(z):
        x = jax.nn.sigmoid(z["x"])
        y_soft = fixed_soft if known else jax.nn.softmax(z["y"])

        # one scan over rounds (traced once, whatever R): the compressor's buffers (error-
        # feedback residual, warm-start Q) are carried exactly as the victim's were
        def body(inner, inp):
            p, obs, k, t = inp
            g = jax.grad(soft_loss)(p, x, y_soft)
            if compressor is not None:
                inner, g = _through(compressor, inner, g, k, t, True)
            return inner, round_loss(ravel_pytree(g)[0], obs)

        inner0 = compressor.init(params_seq[0]).inner if compressor is not None else ()
        _, losses = jax.lax.scan(body, inner0, (params_st, obs_st, keys_st,
                                                jnp.arange(rounds, dtype=jnp.int32)))
        total = jnp.sum(losses)
        if attack == "ig":
            total += tv * total_variation(x.reshape(batch, *image_shape))
        return total

    kx, ky = jax.random.split(key)
    z = {"x": jax.random.normal(kx, (batch, n_features)),
         "y": jax.random.normal(ky, (batch, n_classes))}
    z = _minimise(objective, z, optimizer, steps, lr)
    x = jax.nn.sigmoid(z["x"])
    out_labels = labels if known else jnp.argmax(z["y"], axis=-1)
    return x, out_labels


def invert(key, model, params, observed, *, batch: int, n_features: int, n_classes: int,
           attack: str = "ig", compressor=None, compressor_key=None, steps: int = 300,
           lr: float = 0.1, tv: float = 1e-3, image_shape=(8, 8), optimizer: str = "adam",
           last_bias=_last_bias):
    """Reconstruct a batch from one transmitted gradient message (:func:`invert_rounds`, R = 1).

    ``compressor_key`` is the key the victim's step used. Other arguments as in
    :func:`invert_rounds`.

    Examples:
        >>> from ccq.train import mlp_classifier
        >>> m = mlp_classifier(4, 3, (5,)); p = m.init(jax.random.key(0))
        >>> x = jnp.array([[0.9, 0.1, 0.5, 0.2]]); y = jnp.array([2])
        >>> g = jax.grad(m.loss)(p, x, y)
        >>> xr, yr = invert(jax.random.key(1), m, p, g, batch=1, n_features=4, n_classes=3,
        ...                 attack="idlg", steps=400, image_shape=(2, 2))
        >>> yr.tolist(), bool(jnp.max(jnp.abs(xr - x)) < 0.1)
        ([2], True)
        >>> xl, _ = invert(jax.random.key(1), m, p, g, batch=1, n_features=4, n_classes=3,
        ...                attack="idlg", steps=60, image_shape=(2, 2), optimizer="lbfgs")
        >>> bool(jnp.max(jnp.abs(xl - x)) < 1e-3)
        True
    """
    check_key(key)
    batch = check_int(batch, "batch", minimum=1)
    steps = check_int(steps, "steps", minimum=1)
    n_features = check_int(n_features, "n_features", minimum=1)
    n_classes = check_int(n_classes, "n_classes", minimum=2)
    if check_real(lr, "lr") <= 0:
        raise ValueError(f"lr must be > 0, got {lr!r}")
    if check_real(tv, "tv") < 0:
        raise ValueError(f"tv must be >= 0, got {tv!r}")
    check_finite(ravel_pytree(observed)[0], "observed (the transmitted gradient)")
    if attack not in ATTACKS:
        raise ValueError(f"attack must be one of {ATTACKS}, got {attack!r}")
    keys = None if compressor_key is None else [compressor_key]
    return invert_rounds(key, model, [params], [observed], batch=batch, n_features=n_features,
                         n_classes=n_classes, attack=attack, compressor=compressor,
                         compressor_keys=keys, steps=steps, lr=lr, tv=tv,
                         image_shape=image_shape, optimizer=optimizer, last_bias=last_bias)


