"""Models, tasks and methods shared by the compress_* experiments (one registry, one label each).

Models (``MODELS``):

* ``"mlp"``: scikit-learn digits, 64-32-10 tanh MLP (2,410 parameters), the original setting.
* ``"cnn"``: digits as 8 x 8 images, conv 3x3 (16) - conv 3x3 stride 2 (32) - dense 10, tanh
  (9,930 parameters): a real convolutional model whose kernels PowerSGD views as
  ``out x (in * 9)`` matrices.
* ``"synth"``: a teacher-student task chosen so that compression matters. Inputs are Gaussian
  in 256 dimensions (16,384 examples), labels (10 classes) come from a random linear teacher
  ``argmax(x W)``; the student is a 256-256-10 tanh MLP (68,362 parameters). Its first layer's
  gradient is a 256 x 256 matrix (large: rank-1 PowerSGD sends 1/128 of it, so ratios differ
  by up to two orders of magnitude between methods), and the signal it must learn has rank 10
  (the teacher's), above ranks 1, 2 and 4, so low-rank methods have to spread it over steps.
  (A first choice, a tanh teacher on a 16/64-dim subspace, left SGD itself at 0.55 accuracy:
  too hard to separate methods.)

Methods (``METHODS``): code name -> human label; :func:`make_tx` builds the compressor.
Gradient pruning is Top-k *without* error feedback (DLG's defence); DP-SGD is a clip-and-noise
message (:func:`ccq.attacks.dp_message`) averaged by a plain 32-bit all-reduce.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import optax

from ccq.compress import error_feedback, lq_sgd, no_compression, power_sgd, qsgd, sign_mv, top_k
from ccq.data import Dataset, digits
from ccq.train import Model, mlp_classifier, tree_size

DP_CLIP = 1.0        # per-example L2 clip of the DP-SGD baseline (Abadi et al. use ~1-4)
DP_DELTA = 1e-5      # delta for epsilon (below 1 / n_train for every task here)

METHODS = {
    "sgd": "SGD (32-bit)",
    "topk1": "Top-k 1% + EF",
    "topk10": "Top-k 10% + EF",
    "qsgd4": "QSGD s=4",
    "signmv": "sign-MV + EF",
    "psgd_r1": "PowerSGD rank 1",
    "psgd_r2": "PowerSGD rank 2",
    "psgd_r4": "PowerSGD rank 4",
    "lq_r1_b4": "LQ-SGD rank 1, 4-bit",
    "lq_r2_b2": "LQ-SGD rank 2, 2-bit",
    "lq_r2_b4": "LQ-SGD rank 2, 4-bit",
    "lq_r2_b8": "LQ-SGD rank 2, 8-bit",
    "lq_r4_b4": "LQ-SGD rank 4, 4-bit",
    "prune90": "pruning 90% (no EF)",
    "prune99": "pruning 99% (no EF)",
    "dp05": "DP-SGD sigma=0.5",
    "dp1": "DP-SGD sigma=1",
}
DP_SIGMA = {"dp05": 0.5, "dp1": 1.0}


def family(method: str) -> str:
    """Coarse family of a method code (for colours and claims)."""
    for prefix, fam in (("lq", "LQ-SGD"), ("psgd", "PowerSGD"), ("topk", "Top-k"),
                        ("qsgd", "QSGD"), ("sign", "sign-MV"), ("prune", "pruning"),
                        ("dp", "DP-SGD"), ("sgd", "SGD")):
        if method.startswith(prefix):
            return fam
    raise ValueError(f"unknown method {method!r}")


def make_tx(method: str, params, n_workers: int):
    """The compressor of ``method`` for ``params`` (DP-SGD: a plain all-reduce of its message)."""
    d = tree_size(params)
    if method == "sgd" or method in DP_SIGMA:
        return no_compression(n_workers=n_workers)
    if method.startswith("topk"):
        return error_feedback(top_k(max(1, math.ceil(int(method[4:]) / 100 * d)),
                                    n_workers=n_workers))
    if method.startswith("prune"):
        return top_k(max(1, math.ceil((100 - int(method[5:])) / 100 * d)), n_workers=n_workers)
    if method == "qsgd4":
        return qsgd(4, 128, n_workers=n_workers)
    if method == "signmv":
        return error_feedback(sign_mv(n_workers=n_workers))
    if method.startswith("psgd_r"):
        return power_sgd(int(method[6:]), n_workers=n_workers)
    if method.startswith("lq_r"):
        r, b = method[4:].split("_b")
        return lq_sgd(int(r), int(b), n_workers=n_workers)
    raise ValueError(f"unknown method {method!r}; known: {sorted(METHODS)}")


def _conv3x3(x, layer, stride):
    """tanh of a 3x3 "SAME" convolution (NCHW, OIHW) as nine shifted products (im2col): under
    ``jax.vmap`` over seeds a ``lax.conv`` with batched kernels becomes a grouped convolution,
    which is very slow on CPU.

    Examples:
        >>> k = {"w": jax.random.normal(jax.random.key(0), (4, 2, 3, 3)), "b": jnp.zeros(4)}
        >>> x = jax.random.uniform(jax.random.key(1), (2, 2, 8, 8))
        >>> ref = [jax.lax.conv_general_dilated(x, k["w"], (s, s), ((1, 1), (1, 1)),
        ...        dimension_numbers=("NCHW", "OIHW", "NCHW")) for s in (1, 2)]
        >>> [bool(jnp.allclose(_conv3x3(x, k, s), jnp.tanh(r), atol=1e-5))
        ...  for s, r in zip((1, 2), ref)]
        [True, True]
    """
    n, _, h, w = x.shape
    xp = jnp.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    patches = jnp.stack([xp[:, :, i:i + h:stride, j:j + w:stride]
                         for i in range(3) for j in range(3)], axis=2)    # n, c, 9, h', w'
    kernel = layer["w"].reshape(layer["w"].shape[0], layer["w"].shape[1], 9)
    y = jnp.einsum("ncphw,ocp->nohw", patches, kernel)
    return jnp.tanh(y + layer["b"][None, :, None, None])


def cnn_classifier(n_classes: int = 10, side: int = 8) -> Model:
    """conv3x3(16) - conv3x3 stride 2 (32) - dense, tanh, on ``side x side`` one-channel images.

    Examples:
        >>> m = cnn_classifier(); p = m.init(jax.random.key(0))
        >>> m.apply(p, jnp.zeros((2, 64))).shape, tree_size(p)
        ((2, 10), 9930)

    """
    half = (side + 1) // 2

    def init(key):
        k1, k2, k3 = jax.random.split(key, 3)
        return [{"w": jax.random.normal(k1, (16, 1, 3, 3)) / 3.0, "b": jnp.zeros(16)},
                {"w": jax.random.normal(k2, (32, 16, 3, 3)) / 12.0, "b": jnp.zeros(32)},
                {"w": jax.random.normal(k3, (32 * half * half, n_classes))
                 / jnp.sqrt(32 * half * half), "b": jnp.zeros(n_classes)}]

    def apply(params, x):
        h = _conv3x3(x.reshape(-1, 1, side, side), params[0], 1)
        h = _conv3x3(h, params[1], 2).reshape(x.shape[0], -1)
        return h @ params[2]["w"] + params[2]["b"][None, :]

    def loss(params, x, y):
        return optax.softmax_cross_entropy_with_integer_labels(apply(params, x), y).mean()

    def metric(params, x, y):
        return jnp.mean(jnp.argmax(apply(params, x), axis=-1) == y)

    return Model(init, apply, loss, metric, "accuracy")


def teacher_student(key, n: int = 16384, d: int = 256, n_classes: int = 10):
    """Gaussian inputs in ``d`` dimensions labelled by a random linear teacher
    ``argmax(x W)`` (``W`` is ``d x n_classes`` Gaussian); 4/5 train, 1/5 test.

    Examples:
        >>> data = teacher_student(jax.random.key(0), n=100, d=8)
        >>> data.x_train.shape, data.n_classes
        ((80, 8), 10)
    """
    kx, kw = jax.random.split(key)
    x = jax.random.normal(kx, (n, d))
    w = jax.random.normal(kw, (d, n_classes))
    y = jnp.argmax(x @ w, axis=-1).astype(jnp.int32)
    cut = n - n // 5
    return Dataset(x[:cut], y[:cut], x[cut:], y[cut:], n_classes=n_classes)


def model_and_data(name: str):
    """``(model, data, lr)`` of a model name (data splits fixed by key 1000, as before)."""
    if name == "mlp":
        return mlp_classifier(64, 10, (32,)), digits(jax.random.key(1000)), 0.2
    if name == "cnn":
        return cnn_classifier(), digits(jax.random.key(1000)), 0.1
    if name == "synth":
        return (mlp_classifier(256, 10, (256,)), teacher_student(jax.random.key(1000)), 0.3)
    raise ValueError(f"unknown model {name!r}; known: mlp, cnn, synth")


MODELS = ("mlp", "cnn", "synth")
