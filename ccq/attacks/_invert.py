"""Gradient inversion: DLG, iDLG and Inverting Gradients, naive or adaptive to a compressor.

The attacker is the receiver of one worker's message for one step (a server, or any peer of an
all-gather): it knows the model and its parameters, the batch size, and sees the message
decoded by the compressor (``observed``). It optimises dummy inputs ``x`` (pixels kept in
``[0, 1]`` by a sigmoid) so that the gradient they produce matches the message:

* ``"dlg"`` (Zhu, Liu, Han 2019, arXiv 1906.08935): squared L2 distance, dummy soft labels
  optimised jointly. ccq uses Adam instead of the paper's L-BFGS (fixed step budget, jittable).
* ``"idlg"`` (Zhao, Mopuri, Bilen 2020, arXiv 2001.02610): labels first read from the last
  layer's bias gradient (``softmax - onehot``: the true class is the negative entry; for a batch
  the ``B`` most negative entries, a heuristic that assumes distinct labels), then DLG on ``x``.
* ``"ig"`` (Geiping et al. 2020, arXiv 2003.14053): ``1 - cos`` between gradients plus
  ``tv`` times total variation, labels as in iDLG.

A **naive** attacker matches the raw gradient of its dummies to the message as if it were the
gradient. An **adaptive** attacker (``compressor=tx``) knows the compressor, its state and its
randomness (the worst case: a public seed) and matches ``tx(gradient)`` instead, optimising
through it; rounding, signs and selections pass gradients straight through (``ste=True``),
PowerSGD's power iteration and Gram-Schmidt are differentiated exactly.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import optax
from jax.flatten_util import ravel_pytree

from .._core import check_finite, check_int, check_key, check_real

__all__ = ["ATTACKS", "soft_label_loss", "transmitted", "infer_labels", "invert",
           "total_variation"]

ATTACKS = ("dlg", "idlg", "ig")


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
        >>> transmitted(top_k(1), None, {"w": jnp.array([0.1, -3.0])}, jax.random.key(0))
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


def invert(key, model, params, observed, *, batch: int, n_features: int, n_classes: int,
           attack: str = "ig", compressor=None, compressor_key=None, steps: int = 300,
           lr: float = 0.1, tv: float = 1e-3, image_shape=(8, 8), last_bias=_last_bias):
    """Reconstruct a batch from a transmitted gradient message.

    Args:
        key: PRNG key for the dummy initialisation.
        model: a :class:`ccq.train.Model` classifier (``apply`` gives logits).
        params: the parameters the victim differentiated at.
        observed: the decoded message (a gradient-shaped pytree).
        batch: batch size ``B`` the attacker assumes (the true one).
        n_features, n_classes: input size and number of classes.
        attack: ``"dlg"``, ``"idlg"`` or ``"ig"``.
        compressor: ``None`` (naive attacker) or the victim's single-worker compressor
            (adaptive attacker); ``compressor_key`` is the key the victim's step used.
        steps, lr: Adam iterations and step size.
        tv: total-variation weight (``"ig"`` only).
        image_shape: shape of one image for the TV prior.
        last_bias: where the last layer's bias sits in a gradient pytree.

    Returns:
        ``(x, labels)``: reconstructions ``(B, n_features)`` in ``[0, 1]`` and labels ``(B,)``.

    Examples:
        >>> from ccq.train import mlp_classifier
        >>> m = mlp_classifier(4, 3, (5,)); p = m.init(jax.random.key(0))
        >>> x = jnp.array([[0.9, 0.1, 0.5, 0.2]]); y = jnp.array([2])
        >>> g = jax.grad(m.loss)(p, x, y)
        >>> xr, yr = invert(jax.random.key(1), m, p, g, batch=1, n_features=4, n_classes=3,
        ...                 attack="idlg", steps=400, image_shape=(2, 2))
        >>> yr.tolist(), bool(jnp.max(jnp.abs(xr - x)) < 0.1)
        ([2], True)
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
    soft_loss = soft_label_loss(model)
    obs_flat, _ = ravel_pytree(observed)
    if compressor is not None:
        inner0 = compressor.init(params).inner
        ckey = jax.random.key(0) if compressor_key is None else compressor_key

        def through(g):
            stacked = jax.tree_util.tree_map(lambda t: t[None], g)
            return compressor.round(ckey, stacked, inner0, jnp.zeros((), jnp.int32), True)[1]
    else:
        through = lambda g: g  # noqa: E731

    known = attack in ("idlg", "ig")
    labels = infer_labels(last_bias(observed), batch)
    fixed_soft = jax.nn.one_hot(labels, n_classes)

    def objective(z):
        x = jax.nn.sigmoid(z["x"])
        y_soft = fixed_soft if known else jax.nn.softmax(z["y"])
        g = through(jax.grad(soft_loss)(params, x, y_soft))
        flat, _ = ravel_pytree(g)
        if attack == "ig":
            cos = jnp.dot(flat, obs_flat) / (jnp.linalg.norm(flat) * jnp.linalg.norm(obs_flat)
                                              + 1e-12)
            return 1.0 - cos + tv * total_variation(x.reshape(batch, *image_shape))
        return jnp.sum((flat - obs_flat) ** 2)

    kx, ky = jax.random.split(key)
    z = {"x": jax.random.normal(kx, (batch, n_features)),
         "y": jax.random.normal(ky, (batch, n_classes))}
    opt = optax.adam(lr)

    def step(carry, _):
        z, s = carry
        g = jax.grad(objective)(z)
        g = jax.tree_util.tree_map(lambda t: jnp.where(jnp.isfinite(t), t, 0.0), g)
        u, s = opt.update(g, s, z)
        return (optax.apply_updates(z, u), s), None

    (z, _), _ = jax.lax.scan(step, (z, opt.init(z)), None, length=steps)
    x = jax.nn.sigmoid(z["x"])
    out_labels = labels if known else jnp.argmax(z["y"], axis=-1)
    return x, out_labels


