"""Ring all-reduce as a real JAX collective built from ``jax.lax.ppermute``.

``ring_allreduce(x, axis_name, link)`` is called per worker inside ``jax.shard_map`` (one
worker per device) or ``jax.vmap(..., axis_name=...)`` (N simulated workers on one device);
the code is the same. Reduce-scatter then all-gather (Patarasuk-Yuan 2009): the flattened
payload is zero-padded to ``N * ceil(P / N)`` entries and cut into N chunks; in reduce-scatter
step s worker i sends chunk ``(i - s) mod N`` to worker ``i + 1``, which adds it to its own;
after N - 1 steps worker i holds the reduced chunk ``(i + 1) mod N``; in all-gather step s it
forwards chunk ``(i + 1 - s) mod N``.

Links (what a chunk is turned into before ``ppermute`` and back after it):

* ``classical_link()`` sends the entries in their dtype: equal to ``psum`` (bit-exact on
  integers; float sums differ only by summation order). ``classical_link(bits=b)`` sends b-bit
  fixed point (below).
* ``superdense_link(fidelity, bits=b, code)`` sends the same b-bit words as bit pairs
  ``(b1, b2)`` -> symbol ``2 b1 + b2``, one qubit per symbol over a pre-shared Bell pair
  (:mod:`ccq.protocols.superdense`); each received symbol is the sent one XOR an error symbol
  drawn from the Werner channel of fidelity F. At F = 1 no randomness is drawn and the result is
  bit-identical to ``classical_link(bits=b)``. ``noise=`` (a :class:`ccq.noise.Noise`) adds the
  common per-qubit channels and memory (each pair waits one round): the error symbols are then
  drawn from the exact law of
  :func:`ccq.protocols.superdense.symbol_error_distribution`, and heralded erasure resends the
  lost symbols on fresh pairs (the cost counts the expected resends and rounds per step).

Fixed point (both quantised links): ``M`` = max |x| over all workers (a ring max of one float32
per worker, ``N - 1`` extra ppermute steps and ``32 (N - 1)`` classical bits per link, reported
as side cost) or a given ``scale``; ``Q = floor((2^(b-1) - 1) / N)`` levels per sign, so the sum
of N words always fits in b-bit two's complement; ``q = clip(round_half_even(x Q / M), -Q, Q)``;
the result is ``sum(q) * M / Q``. Words wrap modulo 2^b on the wire (as hardware integers do),
which only matters when noise corrupts a word.

Non-finite input (fixed point only; the float link adds like ``psum``): a NaN or inf in any
worker's input makes the exchanged maximum non-finite (with a given ``scale``, a 1-bit vote
travels the ring instead, ``N - 1`` side bits per link), and then every entry of the result is
NaN on every worker. ``psum`` would be NaN or inf only at the entries concerned; a b-bit word
has no spare code to say which entries those are without another round, so the fixed-point
ring poisons the whole result rather than return a wrong finite number.

Codes on the symbols (superdense only): ``"parity"`` appends one check symbol (XOR of the b/2
data symbols) per word; a word whose check fails is erased (it contributes 0 and the receiver
keeps its own part); ``"repetition3"`` sends every symbol three times and takes the majority
(the first copy when all three differ). Their overhead enters the cost.

Keys: the noisy link needs ``key``, the same on every worker (replicated). The error symbols
on the link into worker i (from worker i - 1) for all 2(N - 1) steps are drawn at once from
``fold_in(key, (i - 1) mod N)`` (errors do not depend on the data), so the result depends only
on the key, never on how workers are placed on devices.
"""

from __future__ import annotations

import dataclasses
import math

import jax
import jax.numpy as jnp

from .._core import Cost, Outcome, check_in_interval, check_int, check_key
from ..noise import Noise, expected_sends
from ..protocols import _noise_laws
from ..protocols.superdense import (
    _effective_fidelity,
    effective_fidelity,
    error_symbols,
    error_symbols_from_law,
    symbol_error_distribution,
)
from ._cost import CODES, RingCost, ring_cost

__all__ = ["Link", "classical_link", "superdense_link", "ring_allreduce"]

SCALE_BITS = 32  # the scale M is exchanged as one float32 per worker


@dataclasses.dataclass(frozen=True)
class Link:
    """What one directed ring link does to a chunk. Build with :func:`classical_link` or
    :func:`superdense_link`."""

    kind: str = "classical"
    bits: int | None = None
    fidelity: float = 1.0
    depolarizing: float = 0.0
    code: str = "none"
    scale: float | None = None
    noise: Noise | None = None

    @property
    def _common_noisy(self) -> bool:
        return self.noise is not None and symbol_error_distribution(
            self.fidelity, self.depolarizing, self.noise)[0] < 1.0

    @property
    def noisy(self) -> bool:
        return self.kind == "superdense" and (
            _effective_fidelity(self.fidelity, self.depolarizing) < 1.0 or self._common_noisy)

    def levels(self, n_workers: int) -> int:
        """Q, the fixed-point levels per sign: the sum of N words fits in b bits."""
        q = (2 ** (self.bits - 1) - 1) // n_workers
        if q < 1:
            raise ValueError(
                f"bits={self.bits} leaves no fixed-point level for {n_workers} workers; "
                f"need 2^(bits-1) - 1 >= n_workers"
            )
        return q

    def cost(self, n_workers: int, length: int, dtype_bits: int = 32) -> RingCost:
        """Exact per-directed-link cost of all-reducing ``length`` entries over N workers.

        ``per_link``/``per_step`` cover the payload (padded chunks); ``side`` is the scale
        exchange of the adaptive fixed point (0 when ``scale`` is given or ``bits`` is None).
        """
        n = check_int(n_workers, "n_workers", minimum=1)
        length = check_int(length, "length", minimum=0)
        b = self.bits if self.bits is not None else dtype_bits
        chunk_entries = math.ceil(length / n)
        base = ring_cost(n, n * chunk_entries * b, self.kind, code=self.code, bits_per_entry=b)
        e = self.noise.erasure if self.noise is not None else 0.0
        if e and base.steps:    # lost symbols are resent on fresh pairs until they arrive
            f = expected_sends(e, 1)
            sym = base.per_step.qubits
            step = Cost(qubits=sym * f, ebits=sym * f,
                        rounds=_noise_laws.expected_rounds_with_resends(e, sym))
            base = RingCost(step.repeat_sequential(base.steps), step, base.steps,
                            base.ebit_distribution_qubits * f)
        side = Cost()
        if self.bits is not None and n > 1:
            # the scale exchange, or with a given scale a 1-bit "some input is not finite" vote
            side_bits = SCALE_BITS if self.scale is None else 1
            side = Cost(bits=side_bits, rounds=1).repeat_sequential(n - 1)
        return dataclasses.replace(base, side=side)


def classical_link(bits: int | None = None, scale: float | None = None) -> Link:
    """A noiseless classical link; ``bits`` = None sends entries in their dtype.

    Examples:
        >>> classical_link(bits=8).cost(4, 100).per_link
        Cost(qubits=0, bits=1200, ebits=0, rounds=6)
    """
    if bits is not None:
        bits = check_int(bits, "bits", minimum=2, maximum=30)
    if scale is not None:
        check_in_interval(scale, "scale", 0, math.inf)
    return Link("classical", bits, scale=scale)


def superdense_link(fidelity: float = 1.0, bits: int = 16, code: str = "none",
                    depolarizing: float = 0.0, scale: float | None = None,
                    noise: Noise | None = None) -> Link:
    """A superdense link over Werner pairs of ``fidelity`` carrying b-bit fixed-point words.

    ``noise``: common per-qubit channels, memory and heralded erasure (module docstring).

    Examples:
        >>> superdense_link(0.99, bits=8, code="parity").cost(4, 100).per_link
        Cost(qubits=750, bits=0, ebits=750, rounds=6)
        >>> superdense_link(bits=8, noise=Noise(erasure=0.5)).cost(2, 2).per_link.qubits
        16.0
    """
    check_in_interval(fidelity, "fidelity", 0, 1, closed="both")
    check_in_interval(depolarizing, "depolarizing", 0, 1, closed="both")
    bits = check_int(bits, "bits", minimum=2, maximum=30)
    if bits % 2:
        raise ValueError(f"bits must be even for a superdense link (two bits per qubit), "
                         f"got {bits}")
    if code not in CODES:
        raise ValueError(f"code must be one of {CODES}, got {code!r}")
    if scale is not None:
        check_in_interval(scale, "scale", 0, math.inf)
    noise = None if noise is None or _noise_laws.as_noise(noise).ideal else noise
    if noise is not None and noise.erasure == 1:
        raise ValueError("noise.erasure must be < 1 (every qubit is lost), got 1.0")
    return Link("superdense", bits, float(fidelity), float(depolarizing), code, scale, noise)


def _as_link(link) -> Link:
    if isinstance(link, Link):
        return link
    if link == "classical":
        return classical_link()
    if link == "superdense":
        return superdense_link()
    raise ValueError(f"link must be 'classical', 'superdense' or a Link, got {link!r}")


# ------------------------------------------------------------------ wire formats


def _wrap(q, b: int):
    """Reduce int32 ``q`` modulo 2^b into b-bit two's complement (sign-extended int32)."""
    u = q & ((1 << b) - 1)
    return jnp.where(u >= (1 << (b - 1)), u - (1 << b), u).astype(jnp.int32)


def _shifts(b: int, ndim: int):
    # bit offsets of the b/2 symbols of a word, MSB pair first, shaped to broadcast on axis -1
    return jnp.arange(b - 2, -1, -2, dtype=jnp.uint32).reshape((1,) * (ndim - 1) + (-1,))


def _words_to_symbols(words, b: int):
    u = (words & ((1 << b) - 1)).astype(jnp.uint32)[..., None]
    return ((u >> _shifts(b, u.ndim)) & 3).astype(jnp.uint8)   # (..., b/2)


def _symbols_to_words(symbols, b: int):
    shifts = _shifts(b, symbols.ndim)
    u = jnp.sum(symbols.astype(jnp.uint32) << shifts, axis=-1, dtype=jnp.uint32)
    return _wrap(u.astype(jnp.int32), b)


def _encode(symbols, code: str):
    if code == "parity":
        check = jax.lax.reduce(symbols, jnp.uint8(0), jax.lax.bitwise_xor, (symbols.ndim - 1,))
        return jnp.concatenate([symbols, check[..., None]], axis=-1)
    if code == "repetition3":
        return jnp.repeat(symbols[..., None], 3, axis=-1)
    return symbols


def _decode(received, code: str):
    """(data symbols, erased-word mask)."""
    if code == "parity":
        syndrome = jax.lax.reduce(received, jnp.uint8(0), jax.lax.bitwise_xor,
                                  (received.ndim - 1,))
        return received[..., :-1], syndrome != 0
    if code == "repetition3":
        a, b_, c = received[..., 0], received[..., 1], received[..., 2]
        data = jnp.where((a == b_) | (a == c), a, jnp.where(b_ == c, b_, a))
        return data, jnp.zeros(received.shape[:-2], bool)
    return received, jnp.zeros(received.shape[:-1], bool)


def _wire_shape(link: Link, c: int) -> tuple[int, ...]:
    k = link.bits // 2
    return {"none": (c, k), "parity": (c, k + 1), "repetition3": (c, k, 3)}[link.code]


def _make_send(link: Link, axis_name, n: int, idx, key, c: int):
    perm = [(j, (j + 1) % n) for j in range(n)]
    b = link.bits
    errors = None
    if link.noisy:
        # every symbol this worker will receive, all 2(N-1) steps, in one draw: the error
        # symbols do not depend on the data, so drawing them up front changes nothing
        k = jax.random.fold_in(key, (idx - 1) % n)
        shape = (2 * (n - 1), *_wire_shape(link, c))
        if link._common_noisy:
            law = symbol_error_distribution(link.fidelity, link.depolarizing, link.noise)
            errors = error_symbols_from_law(k, shape, law)
        else:
            f = effective_fidelity(link.fidelity, link.depolarizing)
            errors = error_symbols(k, shape, f)

    def send(chunk, t):
        """Send ``chunk`` (int32 words or raw entries) one hop; return (received, stats)."""
        zero = jnp.zeros((), jnp.int32)
        if link.kind == "classical":
            out = jax.lax.ppermute(chunk, axis_name, perm)
            return (out if b is None else _wrap(out, b)), (zero, zero)
        wire = _encode(_words_to_symbols(chunk, b), link.code)
        got = jax.lax.ppermute(wire, axis_name, perm)
        n_err = zero
        if errors is not None:
            got = got ^ errors[t]
            n_err = jnp.sum(errors[t] != 0, dtype=jnp.int32)
        data, erased = _decode(got, link.code)
        words = jnp.where(erased, 0, _symbols_to_words(data, b))
        return words, (n_err, jnp.sum(erased, dtype=jnp.int32))

    return send


def _ring_max(m, axis_name, n: int, fused: bool = False):
    if fused:       # the same maximum; XLA schedules the exchange
        return jax.lax.pmax(m, axis_name)
    perm = [(j, (j + 1) % n) for j in range(n)]
    for _ in range(n - 1):
        m = jnp.maximum(m, jax.lax.ppermute(m, axis_name, perm))
    return m


def _hops(link: Link, axis_name, n: int, idx, key, c: int, payload):
    """The ring hop by hop: (chunks in order, received symbol errors, erased words)."""
    send = _make_send(link, axis_name, n, idx, key, c)
    errors = erased = jnp.zeros((), jnp.int32)
    # Rotate once so every step touches static positions: position p of worker i holds chunk
    # (i - p) mod N. Reduce-scatter step s sends position s and adds what arrives into
    # position s + 1; all-gather step s forwards what arrived last. Two gathers of the whole
    # payload (here and at the end) instead of a dynamic slice and update per step.
    order = (idx - jnp.arange(n)) % n
    rotated = jnp.take(payload.reshape(n, c), order, axis=0)

    cur = rotated[0]
    for s in range(n - 1):                                    # reduce-scatter
        recv, (e, z) = send(cur, s)
        cur = rotated[s + 1] + recv
        errors, erased = errors + e, erased + z
    if link.bits is not None:
        cur = _wrap(cur, link.bits)
    out = [None] * n
    out[n - 1] = cur                                          # chunk (i + 1) mod N, reduced
    for s in range(n - 1):                                    # all-gather
        cur, (e, z) = send(cur, n - 1 + s)
        out[s] = cur
        errors, erased = errors + e, erased + z
    chunks = jnp.take(jnp.stack(out), order, axis=0)         # the rotation is an involution
    return chunks.reshape(-1), errors, erased


SCHEDULES = ("auto", "hops", "fused")


def ring_allreduce(x, axis_name, link="classical", *, key=None, return_outcome: bool = False,
                   schedule: str = "auto"):
    """Sum ``x`` over the workers of ``axis_name`` with a ring of ``ppermute`` steps.

    Call it per worker inside ``jax.shard_map`` or ``jax.vmap(..., axis_name=...)``, exactly
    where ``jax.lax.psum(x, axis_name)`` would go.

    Args:
        x: this worker's array (any shape; any length: chunks are zero-padded).
        axis_name: the mapped axis naming the ring (worker i sends to worker i + 1).
        link: ``"classical"``, ``"superdense"`` (F = 1, 16-bit fixed point) or a :class:`Link`.
        key: PRNG key, the same on every worker; required when the link is noisy.
        schedule: ``"hops"`` runs the ring hop by hop (one ``ppermute`` per step, the words
            through the link's wire format); ``"fused"`` hands the same reduce-scatter and
            all-gather of the same words to XLA (``psum_scatter`` + ``all_gather``: NCCL's ring
            on GPUs), which is only possible when the link adds no noise; ``"auto"`` (default)
            fuses noise-free links. Words are integers in fixed point, and their partial sums
            never wrap (``N Q <= 2^(b-1) - 1``), so both schedules give identical fixed-point
            results; raw floats differ only by summation order. The cost is the ring's either
            way (the per-link count of the reduce-scatter and all-gather).
        return_outcome: return ``ccq.Outcome(sum, cost, info)`` with the static per-link cost
            (payload plus scale exchange) and, in ``info``, this worker's received symbol errors
            and erased words as shape-(1,) int32 arrays (concatenate over workers with
            ``out_specs=P(axis_name)``).

    Returns:
        The all-reduced array, same shape and dtype as ``x`` (or an Outcome).

    Examples:
        >>> import jax, jax.numpy as jnp
        >>> f = jax.vmap(lambda v: ring_allreduce(v, "w"), axis_name="w")
        >>> f(jnp.arange(12).reshape(4, 3))[0].tolist()
        [18, 22, 26]
    """
    link = _as_link(link)
    if schedule not in SCHEDULES:
        raise ValueError(f"schedule must be one of {SCHEDULES}, got {schedule!r}")
    if schedule == "fused" and link.noisy:
        raise ValueError("a noisy link corrupts each hop separately: use schedule='hops' "
                         "(or 'auto')")
    fused = schedule == "fused" or (schedule == "auto" and not link.noisy)
    n = jax.lax.axis_size(axis_name)
    idx = jax.lax.axis_index(axis_name)
    if link.noisy:
        if key is None:
            raise ValueError("a noisy superdense link needs key= (the same on every worker)")
        check_key(key)
    x = jnp.asarray(x)
    shape, dtype, length = x.shape, x.dtype, x.size
    if link.bits is not None and not jnp.issubdtype(dtype, jnp.floating):
        raise ValueError(f"fixed-point links quantise floating-point payloads, got {dtype}")
    c = math.ceil(length / n) if length else 0
    flat = jnp.pad(x.reshape(-1), (0, n * c - length))

    if link.bits is None:
        payload = flat
    else:
        q_levels = link.levels(n)
        if link.scale is None:
            # a non-finite input is sent as an infinite maximum (XLA's max reduction need not
            # propagate NaN; inf it does), so every worker sees it
            local = jnp.max(jnp.abs(flat), initial=0.0).astype(jnp.float32)
            local = jnp.where(jnp.isfinite(local), local, jnp.inf)
            m = _ring_max(local, axis_name, n, fused)
            poisoned = ~jnp.isfinite(m)
            m = jnp.where(m > 0, m, 1.0)
        else:
            bad = jnp.any(~jnp.isfinite(flat)).astype(jnp.int32)
            poisoned = _ring_max(bad, axis_name, n, fused) > 0
            m = jnp.float32(link.scale)
        m = jnp.where(poisoned, 1.0, m)
        flat = jnp.where(jnp.isfinite(flat), flat, 0.0)      # the cast of NaN is undefined
        payload = jnp.clip(jnp.round(flat.astype(jnp.float32) * (q_levels / m)),
                           -q_levels, q_levels).astype(jnp.int32)
    errors = erased = jnp.zeros((), jnp.int32)
    if fused and c:                 # (XLA rejects an empty reduce-scatter)
        part = jax.lax.psum_scatter(payload, axis_name, tiled=True)   # chunk idx, reduced
        if link.bits is not None:
            part = _wrap(part, link.bits)
        chunks = jax.lax.all_gather(part, axis_name, tiled=True)
    else:
        chunks, errors, erased = _hops(link, axis_name, n, idx, key, c, payload)
    flat = chunks.reshape(-1)[:length]
    if link.bits is not None:
        flat = jnp.where(poisoned, jnp.nan, flat.astype(jnp.float32) * (m / q_levels))
    y = flat.astype(dtype).reshape(shape)
    if not return_outcome:
        return y
    cost = link.cost(n, length, dtype_bits=8 * dtype.itemsize)
    return Outcome(y, cost.total,
                   {"symbol_errors": errors[None], "erased_words": erased[None]})
