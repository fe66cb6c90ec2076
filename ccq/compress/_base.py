"""The shape every compressor shares: an optax transformation, stacked or per device.

A compressor is an :class:`optax.GradientTransformationExtraArgs` written once, per worker: its
``worker_round`` encodes this worker's gradient and talks to the others only through a
:class:`Comm` (``mean``: ring all-reduce of float messages; ``gather``: all-gather of codes).
It then runs in two ways with the same code:

* **stacked simulation** (``axis_name=None``, the default): ``update`` takes the gradients of
  ``N`` workers stacked on a leading axis and runs ``worker_round`` under
  ``jax.vmap(..., axis_name=...)``; it returns the gradient every worker applies (no worker
  axis), so it is the first link of an optax chain:
  ``optax.chain(power_sgd(2, n_workers=4), optax.sgd(0.1))``.
* **per device** (``axis_name="data"``): ``update`` is called inside ``jax.shard_map`` (or any
  map with that axis name), one worker per device, on this worker's gradient (the params'
  shapes); the communication is ccq's own ring all-reduce (:func:`ccq.ring_allreduce`, with
  the compressor's ``link``) and an all-gather; the state is per device.

Its state (:class:`CompressState`) holds the step count, the PRNG key (stochastic transforms
keep their key, as in optax), exact bit counters, the number of skipped steps, the
compressor's buffers and a shape template of the params (zero-size arrays) that every update
is checked against, so a gradient without the worker axis is a clear ``ValueError``.

Bit counters are exact integers: two uint32 words ``[hi, lo]`` (value ``hi * 2^32 + lo``, exact
to ``2^64``) because int64 needs ``jax_enable_x64``, which would change every other dtype of a
user's program; :func:`bit_count` turns a counter into a Python int. ``bits`` / ``total_bits``
count the payload each worker sent (what the codec produces); ``link_bits`` /
``total_link_bits`` the channel uses on one directed ring link, from the arrays that actually
crossed it (padded ring chunks, the fixed-point scale exchange, all-gathered codes).

Every compressor also exposes ``round(key, worker_updates, inner, count, ste=False)``: the
stacked communication round, returning each worker's decoded message (what a receiver
reconstructs from that worker), the aggregate, the new buffers and the payload bits (float).
:func:`error_feedback` and the adaptive gradient-inversion attacker are built on it;
``ste=True`` replaces rounding, signs and selections by straight-through versions.

optax wrappers that need the transformation inside them to keep the updates' shapes
(``apply_if_finite``, ``conditionally_mask``, ``conditionally_transform``, ``MultiSteps``) take
a per-device compressor as it is; around a stacked one they raise a ``ValueError`` naming
:func:`wrap`, which runs them on a view that keeps the worker axis.

Non-finite input (the documented safe result): if any worker's gradient holds NaN or inf, the
step is skipped: the aggregate is zero, all buffers keep their old values, ``skipped`` counts it
and no bits are charged (the finiteness vote is one scalar ``pmin`` per step, control traffic
not counted). A compressor never turns a finite gradient into NaN.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optax

from .._core import check_int, check_key

__all__ = ["Compressor", "CompressState", "Comm", "as_aggregator", "bit_count", "link_bits",
           "worker_axis", "wrap"]

AXIS = "_ccq_workers"     # the vmap axis of the stacked simulation


class CompressState(NamedTuple):
    """State of every compressor.

    Attributes:
        count: steps taken (int32).
        key: PRNG key; step ``t`` uses ``fold_in(key, t)`` unless ``update`` is given a key.
        bits: payload bits each worker sent this step (uint32 ``[hi, lo]``, :func:`bit_count`).
        total_bits: cumulative payload bits per worker (same form).
        skipped: steps skipped because some worker's gradient was not finite.
        inner: the compressor's buffers ``(shared, local)``; ``local`` has a leading worker
            axis in the stacked simulation.
        link_bits: channel uses on one directed ring link this step (same form).
        total_link_bits: cumulative channel uses per directed link (same form).
        shapes: the params' shapes as zero-size arrays ``(0, *shape)``.
    """

    count: jax.Array
    key: jax.Array
    bits: jax.Array
    total_bits: jax.Array
    skipped: jax.Array
    inner: Any
    link_bits: Any = None
    total_link_bits: Any = None
    shapes: Any = None


class Compressor(optax.GradientTransformationExtraArgs):
    """An optax transformation with a communication round and its accounting.

    Built by the factories of :mod:`ccq.compress`; the attributes are set by :func:`_make`.

    Attributes:
        name: label used in results.
        allreducible: True if the messages of different workers can be summed on the way
            (ring all-reduce, per-link ``2 (N - 1) ceil(S / N)``); False if receivers need every
            worker's message (all-gather, per-link ``(N - 1) S``).
        n_workers: the size of the leading worker axis ``update`` expects (stacked).
        axis_name: the mapped axis of the per-device form (None: stacked simulation).
        link: the ring link of the all-reduces (:func:`ccq.collectives.classical_link` ...).
        round: the stacked communication round (see the module docstring).
        worker_round: the same round for one worker talking through a :class:`Comm`.
        payload_bits: ``payload_bits(params) -> int``, the bits one worker sends in one
            compressed step (static: shapes and hyperparameters only).
        phases: ``phases(params) -> list[int]``, payload bits of each sequential collective
            of one step (PowerSGD: the P round then the Q round).
    """


def bit_words(n) -> jax.Array:
    """A non-negative integer below ``2^64`` as the two uint32 words ``[hi, lo]``."""
    n = int(n)
    if not 0 <= n < 2**64:
        raise ValueError(f"bit counts must be in [0, 2^64), got {n}")
    return jnp.array([n >> 32, n & 0xFFFFFFFF], jnp.uint32)


def _add_words(a, b):
    lo = a[..., 1] + b[..., 1]                      # uint32 wraps modulo 2^32
    carry = (lo < a[..., 1]).astype(jnp.uint32)
    return jnp.stack([a[..., 0] + b[..., 0] + carry, lo], axis=-1)


def _words_float(w):
    return w[..., 0].astype(jnp.float32) * 2.0**32 + w[..., 1].astype(jnp.float32)


def bit_count(words) -> int:
    """The exact Python int held by a two-word counter (``state.bits``, ``state.total_bits``).

    Examples:
        >>> bit_count(bit_words(2**53 + 1))
        9007199254740993
    """
    w = np.asarray(words).astype(np.uint64)
    if w.shape != (2,):
        raise ValueError(f"a bit counter has shape (2,), got {w.shape}")
    return (int(w[0]) << 32) | int(w[1])


def _shape_template(params):
    return jax.tree_util.tree_map(lambda p: jnp.zeros((0, *jnp.shape(p)), jnp.float32), params)


def _check_shapes(updates, template, n_workers: int | None):
    """Every leaf must be the param's shape, with a leading ``n_workers`` axis if stacked."""
    t_leaves, t_def = jax.tree_util.tree_flatten(template)
    u_leaves, u_def = jax.tree_util.tree_flatten(updates)
    if t_def != u_def:
        raise ValueError(f"updates must have the params' tree structure {t_def}, got {u_def}")
    for u, t in zip(u_leaves, t_leaves, strict=True):
        want = t.shape[1:] if n_workers is None else (n_workers, *t.shape[1:])
        if tuple(jnp.shape(u)) != want:
            where = ("per-device updates must have the params' shapes" if n_workers is None
                     else f"worker_updates must have a leading worker axis of size "
                          f"n_workers={n_workers} before the params' shapes")
            raise ValueError(f"{where}: expected a leaf of shape {want}, got {jnp.shape(u)}")


#: up to this many workers :func:`_fold_sum` unrolls the fold (compile time grows with it)
UNROLL_WORKERS = 64


def _fold_sum(x) -> jax.Array:
    """Sum over the leading (worker) axis as the left fold ``x[0] + x[1] + ...``.

    On XLA's CPU backend a reduction over a major axis runs about 100x slower than this fold
    (a (4, 262144) float32 sum: 20 ms against 0.12 ms, jax 0.10.2), which made decoding the
    all-gathered messages the slowest part of a per-device step. The fold can differ from
    ``jnp.sum(x, axis=0)`` in the last bit (XLA may associate differently), so only the
    per-device form uses it; the stacked simulation keeps ``jnp.sum`` and its exact outputs.

    Examples:
        >>> _fold_sum(jnp.arange(6.0).reshape(3, 2)).tolist()
        [6.0, 9.0]
    """
    x = jnp.asarray(x)
    if x.shape[0] > UNROLL_WORKERS or x.shape[0] == 0:
        return jnp.sum(x, axis=0)
    acc = x[0]
    for i in range(1, x.shape[0]):
        acc = acc + x[i]
    return acc


def worker_axis(tree, n_workers: int) -> int:
    """Check that every leaf of ``tree`` has a leading worker axis of size ``n_workers``."""
    for leaf in jax.tree_util.tree_leaves(tree):
        if leaf.ndim == 0 or leaf.shape[0] != n_workers:
            raise ValueError(
                f"worker_updates must have a leading worker axis of size n_workers={n_workers}, "
                f"got a leaf of shape {leaf.shape}"
            )
    return n_workers


class Comm:
    """How one worker talks to the others in a round, and what crossed its outgoing link.

    ``mean(x)`` all-reduces a float message (the ring all-reduce with ``link``; in the stacked
    simulation with a plain classical link, ``pmean``, which sums the same numbers);
    ``gather(x, bits_per_entry)`` all-gathers a code array (``jax.lax.all_gather``; a ring
    all-gather carries ``(N - 1) S`` bits per link). ``payload`` and ``link_bits`` add up, as
    Python ints at trace time, the bits this worker sent and the channel uses on its link.
    """

    def __init__(self, axis_name, link, *, device: bool, key=None):
        from ..collectives._ring import _as_link

        self.axis = axis_name
        self.link = _as_link("classical" if link is None else link)
        self.device = device
        self.key = key
        self.n = jax.lax.axis_size(axis_name)
        self.index = jax.lax.axis_index(axis_name)
        self.payload = 0
        self.link_bits = 0
        self._calls = 0

    def mean(self, x, payload_bits_per_entry: int = 32):
        """Mean over workers of the float array ``x``."""
        from ..collectives import ring_allreduce

        x = jnp.asarray(x, jnp.float32)
        self.payload += payload_bits_per_entry * x.size
        cost = self.link.cost(self.n, x.size, 32).total
        self.link_bits += cost.bits + cost.qubits
        plain = self.link.kind == "classical" and self.link.bits is None
        if plain and not self.device:
            return jax.lax.pmean(x, self.axis)
        key = None if self.key is None else jax.random.fold_in(self.key, 1000 + self._calls)
        self._calls += 1
        return ring_allreduce(x, self.axis, self.link, key=key) / self.n

    def gather(self, x, bits_per_entry: int, extra_bits: int = 0):
        """Every worker's ``x`` stacked on a leading axis; ``x`` is a code of ``bits_per_entry``
        bits per entry (plus ``extra_bits`` of side information counted once)."""
        if self.link.noisy:
            raise ValueError("all-gathered codes need a noise-free link; a noisy superdense "
                             "link is supported for all-reducible compressors only")
        s = bits_per_entry * x.size + extra_bits
        self.payload += s
        per_link = (self.n - 1) * s
        self.link_bits += per_link if self.link.kind == "classical" else math.ceil(per_link / 2)
        return jax.lax.all_gather(x, self.axis)

    def sum_workers(self, x):
        """Sum over the leading worker axis of gathered messages (``jnp.sum(x, axis=0)``;
        per device the faster left fold, equal up to the last bit)."""
        return _fold_sum(x) if self.device else jnp.sum(x, axis=0)

    def mean_workers(self, x):
        """Mean over the leading worker axis of gathered messages (see ``sum_workers``)."""
        if not self.device:
            return jnp.mean(x, axis=0)
        return _fold_sum(x) / jnp.asarray(x.shape[0], x.dtype)

    def varying(self, tree):
        """Mark every leaf as varying over the axis (shard_map's types) so branches agree."""
        if not self.device:
            return tree

        def cast(x):
            kind = getattr(jax.typeof(x), "manual_axis_type", None)
            varying = getattr(kind, "varying", None)
            if varying is None:
                varying = getattr(jax.typeof(x), "vma", frozenset({self.axis}))
            if self.axis in varying:
                return x
            return jax.lax.pcast(x, self.axis, to="varying")

        return jax.tree_util.tree_map(cast, tree)

    def all(self, ok):
        """True on every worker iff ``ok`` on every worker (control traffic, not counted)."""
        return jax.lax.pmin(ok.astype(jnp.int32), self.axis) > 0


def _varying(tree, axis):
    """Inside shard_map, type the per-device buffers as varying over ``axis`` from the start
    (they become so after one step; optax's ``cond`` wrappers need both types equal)."""
    try:
        jax.lax.axis_index(axis)
    except NameError:                    # init outside the map: nothing to type
        return tree

    def cast(x):
        varying = getattr(getattr(jax.typeof(x), "manual_axis_type", None), "varying", None)
        if varying is None or axis in varying:
            return x
        return jax.lax.pcast(x, axis, to="varying")

    return jax.tree_util.tree_map(cast, tree)


#: optax wrappers that need the transformation inside them to keep the updates' shapes: a
#: branch of their ``lax.cond`` returns ``zeros_like(updates)`` or ``updates`` themselves, or
#: they accumulate params-shaped updates before it (``MultiSteps``)
SHAPE_KEEPING_WRAPPERS = ("apply_if_finite", "conditionally_mask", "conditionally_transform",
                          "MultiSteps")


def _enclosing_optax_wrapper() -> str | None:
    """The shape-keeping optax wrapper whose ``init`` or ``update`` is calling us, if any.

    Read off the Python stack (``co_qualname`` of optax's own functions), so it costs nothing
    under ``jit`` (it runs once, at trace time).
    """
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_globals.get("__name__", "").startswith("optax"):
            head = getattr(frame.f_code, "co_qualname", frame.f_code.co_name).split(".")[0]
            if head in SHAPE_KEEPING_WRAPPERS:
                return head
        frame = frame.f_back
    return None


def _refuse_shape_keeping_wrappers(n_workers: int):
    """A stacked compressor maps ``(N, *shape)`` to ``shape``: optax wrappers that need the
    shapes kept cannot hold it (their branches would differ in shape). Say so, and the fix."""
    wrapper = _enclosing_optax_wrapper()
    if wrapper is None:
        return
    fix = (f"ccq.compress.wrap(optax.{wrapper}, tx, ...), which runs the wrapper on a view "
           f"that keeps the worker axis")
    raise ValueError(
        f"optax.{wrapper} needs the transformation inside it to keep the updates' shapes, but "
        f"a stacked compressor (n_workers={n_workers}) takes worker_updates of shape "
        f"(n_workers, *shape) and returns the params' shapes, so the wrapper's branches (or "
        f"MultiSteps' params-shaped accumulator) differ in shape. Use {fix}, or the "
        f"per-device form (axis_name=...) inside jax.shard_map, which keeps the shapes and "
        f"works with optax.{wrapper} as is")


def _finite(tree) -> jax.Array:
    leaves = jax.tree_util.tree_leaves(tree)
    return jnp.all(jnp.stack([jnp.all(jnp.isfinite(x)) for x in leaves]))


def _make(
    name: str,
    *,
    init_inner: Callable,
    worker_round: Callable,
    allreducible: bool,
    n_workers: int,
    payload_bits: Callable,
    phases: Callable | None = None,
    key=None,
    axis_name=None,
    link=None,
) -> Compressor:
    """Wrap a per-worker communication round into a :class:`Compressor`.

    ``init_inner(params) -> (shared, local)``; ``worker_round(key, g, (shared, local), count,
    comm, ste) -> (decoded, agg, (shared, local))`` for one worker's gradient ``g``.
    """
    n_workers = check_int(n_workers, "n_workers", minimum=1)
    key = jax.random.key(0) if key is None else check_key(key)
    device = axis_name is not None

    def stack_local(inner, n):
        shared, local = inner
        return shared, jax.tree_util.tree_map(lambda x: jnp.broadcast_to(x, (n, *x.shape)),
                                              local)

    def init_impl(params):
        zero = bit_words(0)
        inner = init_inner(params)
        if not device:
            inner = stack_local(inner, n_workers)
        else:
            inner = _varying(inner, axis_name)
        return CompressState(jnp.zeros((), jnp.int32), key, zero, zero, jnp.zeros((), jnp.int32),
                             inner, zero, zero, _shape_template(params))

    def one_worker(k, g, inner, count, axis, ste):
        """The round of one worker, skipped as a whole if any worker's input is not finite."""
        comm = Comm(axis, link, device=device, key=k)
        ok = comm.all(_finite(g))
        safe = jax.tree_util.tree_map(lambda x: jnp.where(ok, x, jnp.zeros_like(x)), g)
        decoded, agg, new = worker_round(k, safe, inner, count, comm, ste)
        agg = jax.tree_util.tree_map(lambda a: jnp.where(ok, a, jnp.zeros_like(a)), agg)
        new = jax.tree_util.tree_map(lambda a, b: jnp.where(ok, a, b), new, inner)
        payload, linkb = comm.payload, comm.link_bits
        if isinstance(payload, tuple):          # start_after: (compressed?, if so, if not)
            sel, (p1, l1), (p0, l0) = payload
            pw = jnp.where(sel, bit_words(p1), bit_words(p0))
            lw = jnp.where(sel, bit_words(l1), bit_words(l0))
        else:
            pw, lw = bit_words(payload), bit_words(linkb)
        pw = jnp.where(ok, pw, bit_words(0))
        lw = jnp.where(ok, lw, bit_words(0))
        return decoded, agg, new, ok, pw, lw

    def stacked(k, updates, inner, count, ste):
        shared, local = inner

        def f(g, loc):
            return one_worker(k, g, (shared, loc), count, AXIS, ste)

        decoded, agg, (sh, loc), ok, pw, lw = jax.vmap(f, axis_name=AXIS)(updates, local)
        first = lambda t: jax.tree_util.tree_map(lambda x: x[0], t)  # noqa: E731
        return decoded, first(agg), (first(sh), loc), ok[0], pw[0], lw[0]

    def update_impl(updates, state, params=None, *, key=None, **extra):
        del extra
        template = state.shapes if state.shapes is not None else _shape_template(params)
        if params is not None:
            _check_shapes(params, template, None)
        _check_shapes(updates, template, None if device else n_workers)
        k = jax.random.fold_in(state.key, state.count) if key is None else key
        if device:
            _, agg, inner, ok, pw, lw = one_worker(k, updates, state.inner, state.count,
                                                   axis_name, False)
        else:
            _, agg, inner, ok, pw, lw = stacked(k, updates, state.inner, state.count, False)
        new = CompressState(state.count + 1, state.key, pw, _add_words(state.total_bits, pw),
                            state.skipped + jnp.where(ok, 0, 1).astype(jnp.int32), inner,
                            lw, _add_words(state.total_link_bits, lw), state.shapes)
        return agg, new

    def round_fn(k, worker_updates, inner, count, ste=False):
        """Stacked round (no finiteness skip): decoded messages, aggregate, buffers, bits."""
        shared, local = inner

        def f(g, loc):
            comm = Comm(AXIS, link, device=False, key=k)
            decoded, agg, new = worker_round(k, g, (shared, loc), count, comm, ste)
            payload = comm.payload
            if isinstance(payload, tuple):
                payload = jnp.where(payload[0], float(payload[1][0]), float(payload[2][0]))
            return decoded, agg, new, jnp.asarray(payload, jnp.float32)

        decoded, agg, (sh, loc), bits = jax.vmap(f, axis_name=AXIS)(worker_updates, local)
        first = lambda t: jax.tree_util.tree_map(lambda x: x[0], t)  # noqa: E731
        return decoded, first(agg), (first(sh), loc), bits[0]

    def init(params):
        if not device:
            _refuse_shape_keeping_wrappers(n_workers)
        return init_impl(params)

    def update(updates, state, params=None, *, key=None, **extra):
        if not device:
            _refuse_shape_keeping_wrappers(n_workers)
        return update_impl(updates, state, params, key=key, **extra)

    tx = Compressor(init, update)
    tx.init_unchecked = init_impl
    tx.update_unchecked = update_impl
    tx.name = name
    tx.allreducible = allreducible
    tx.n_workers = n_workers
    tx.axis_name = axis_name
    tx.link = link
    tx.key = key
    tx.round = round_fn
    tx.worker_round = worker_round
    tx.init_inner = init_inner
    tx.payload_bits = payload_bits
    tx.phases = phases or (lambda params: [payload_bits(params)])
    tx.factory = None
    return tx


def link_bits(tx: Compressor, params, n_workers: int | None = None) -> int:
    """Channel uses on one directed ring link per compressed step, from what crosses it.

    Traces one round of ``tx`` on zeros (shapes only) and adds up the arrays its :class:`Comm`
    sent: all-reduced floats cost the ring's padded chunks (``2 (N - 1) ceil(P / N)`` entries
    of 32 bits, plus the scale exchange of a fixed-point link); all-gathered codes ``(N - 1) S``.

    Examples:
        >>> from ccq.compress import top_k
        >>> params = {"w": jnp.zeros(1000)}
        >>> tx = top_k(10, n_workers=4)
        >>> tx.payload_bits(params), link_bits(tx, params)
        (420, 1260)
    """
    n = tx.n_workers if n_workers is None else check_int(n_workers, "n_workers", minimum=1)
    inner = tx.init_inner(params)
    shared, local = inner
    stacked_local = jax.tree_util.tree_map(lambda x: jnp.broadcast_to(x, (n, *x.shape)), local)
    grads = jax.tree_util.tree_map(lambda p: jnp.zeros((n, *jnp.shape(p)), jnp.float32), params)
    out = {}

    def f(g, loc):
        comm = Comm(AXIS, tx.link, device=False, key=tx.key)
        tx.worker_round(tx.key, g, (shared, loc), jnp.asarray(2**30, jnp.int32), comm, False)
        out["bits"] = comm.payload[1][1] if isinstance(comm.payload, tuple) else comm.link_bits
        return 0

    jax.eval_shape(jax.vmap(f, axis_name=AXIS), grads, stacked_local)
    return out["bits"]


def wrap(wrapper: Callable, tx: Compressor, *args, **kwargs):
    """Apply an optax wrapper (``optax.apply_if_finite``, ``optax.MultiSteps``, ...) to ``tx``.

    Such wrappers assume the transformation inside them keeps the updates' shapes
    (``apply_if_finite`` and ``conditionally_mask`` return ``zeros_like(updates)`` on a
    rejected step, ``MultiSteps`` accumulates params-shaped updates). A per-device compressor
    does, so ``wrapper(tx)`` works as is and ``wrap`` returns exactly that. A stacked one takes
    ``(N, *shape)`` and returns ``shape``, so plain ``optax.apply_if_finite(tx, k)`` cannot
    work (its two branches differ in shape; ccq raises a ``ValueError`` that names this
    function). ``wrap`` runs the wrapper on a view of ``tx`` that keeps the worker axis
    everywhere (params, updates and output broadcast to ``(N, *shape)``) and takes worker 0
    of the output afterwards. With ``optax.MultiSteps`` every worker accumulates its own
    gradients for ``k`` steps and the compressor runs once on their mean (local gradient
    accumulation); put stateful optimisers after it in the chain.

    Examples:
        >>> import optax
        >>> from ccq.compress import top_k
        >>> tx = wrap(optax.apply_if_finite, top_k(1, n_workers=2), 3)
        >>> p = {"w": jnp.zeros(2)}
        >>> u, s = tx.update({"w": jnp.array([[1.0, 0.0], [jnp.nan, 0.0]])}, tx.init(p), p)
        >>> u["w"].tolist(), int(s.notfinite_count)
        ([0.0, 0.0], 1)
    """
    if not isinstance(tx, Compressor):
        raise TypeError(f"tx must be a Compressor, got {type(tx).__name__}")
    if tx.axis_name is not None:
        return wrapper(tx, *args, **kwargs)
    n = tx.n_workers
    stack = lambda t: jax.tree_util.tree_map(  # noqa: E731
        lambda a: jnp.broadcast_to(a, (n, *jnp.shape(a))), t)
    first = lambda t: jax.tree_util.tree_map(lambda a: a[0], t)  # noqa: E731

    def view_init(stacked_params):
        return tx.init_unchecked(first(stacked_params))

    def view_update(updates, state, params=None, **extra):
        agg, state = tx.update_unchecked(updates, state,
                                         None if params is None else first(params), **extra)
        return stack(agg), state

    inner = wrapper(optax.GradientTransformationExtraArgs(view_init, view_update), *args,
                    **kwargs)

    def init(params):
        return inner.init(stack(params))

    def update(updates, state, params=None, **extra):
        out, state = inner.update(updates, state, None if params is None else stack(params),
                                  **extra)
        return first(out), state

    return optax.GradientTransformationExtraArgs(init, update)


def as_aggregator(tx: Compressor):
    """Adapt a stacked compressor to :class:`ccq.train.Aggregator` for ``train_data_parallel``.

    The stats are ``bits`` (payload bits per worker this step), ``link_bits`` (channel uses per
    directed ring link this step, from what crossed it) and ``skipped``; floats for the
    training log (exact counts are in the compressor's state, :func:`bit_count`).
    """
    if not isinstance(tx, Compressor):
        raise TypeError(f"tx must be a Compressor, got {type(tx).__name__}")
    from ..train import Aggregator

    if tx.axis_name is not None:
        raise ValueError(f"as_aggregator needs a stacked compressor (axis_name=None), got "
                         f"axis_name={tx.axis_name!r}; use ccq.train.train_sharded")

    def aggregate(key, worker_grads, state):
        grads, state = tx.update(worker_grads, state, key=key)
        stats = {"bits": _words_float(state.bits), "link_bits": _words_float(state.link_bits),
                 "skipped": state.skipped}
        return grads, state, stats

    return Aggregator(tx.init, aggregate, name=tx.name)
