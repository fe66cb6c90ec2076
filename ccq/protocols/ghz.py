"""Secure sum mod d with a shared GHZ state, for scalars and for quantised gradient vectors.

Protocol [reconstruction, standard; ``docs/secure_aggregation.md``]: N parties share
``|GHZ_d> = d^-1/2 sum_k |k>^(x)N``. Party i applies the clock phase ``Z^(x_i)``
(``|k> -> w^(k x_i) |k>``, ``w = e^(2 pi i/d)``), giving ``d^-1/2 sum_k w^(k S) |k...k>`` with
``S = sum_i x_i``; then measures in the Fourier basis ``{F|m>}`` and announces ``m_i``. The
announcements are uniform subject to ``sum_i m_i = S (mod d)`` (we measure in ``F|m>``, which
makes the sign ``+S``; measuring in ``F^dagger|m>`` gives ``-S``), so they reveal S and nothing
else. Model: simultaneous messages (one public broadcast round) over an offline, pre-shared
GHZ state; no secret keys and no private channels.

Two samplers, same distribution (tests compare them exactly):

* ``method="statevector"``: the qudit circuit on the ``(d,)*N`` tensor (:mod:`._qudit`);
* ``method="structured"``: ``m_1..m_{N-1}`` uniform, ``m_N = S - sum (mod d)``; O(N) per
  coordinate, for large N and long vectors.

Cost (per GHZ copy, static): ``ebits = (N-1) log2 d`` (a GHZ_d share over N parties is counted
as the N-1 d-dimensional Bell pairs that make it by teleportation from one party),
``bits = N ceil(log2 d)`` (the announcements), ``rounds = 1``. Distribution of the state
(``N ceil(log2 d)`` qubits from a source) is offline and reported by
:func:`distribution_qubits`; verification doubles the copies (:mod:`.ghz_verify`).

Noise (``noise=`` a :class:`ccq.noise.Noise`): each share is one d-level carrier; in transit it
suffers the qudit depolarising channel ``(1 - p) rho + p I/d`` and dephasing (a uniformly random
non-identity ``Z^b`` w.p. p), and in memory the same dephasing for the one round it waits (at
d = 2 exactly the qubit channels). ``X^a`` leaves the Fourier outcomes' distribution unchanged
and ``Z^b`` shifts an outcome by ``b``, so the announcements are uniform subject to ``sum m = S
+ e`` with the exact error law of :func:`ccq.protocols._noise_laws.ghz_sum_error_law`
(:func:`announcement_distribution`). ``method="statevector"`` samples trajectories (a Pauli per
share per copy, ``vmap`` over copies); :func:`statevector_distribution` is the density matrix;
tests compare the three. Heralded loss of a share during distribution discards the copy and
redistributes it: :func:`ghz_cost` multiplies the ebits (and :func:`distribution_qubits` the
qubits) by the expected distributions ``1 / (1 - erasure)^(N ceil(log2 d))``.
"""

from __future__ import annotations

import functools
import math

import jax
import jax.numpy as jnp
import numpy as np

from .._core import Cost, Outcome, check_int, check_key, is_concrete
from ..noise import Noise, expected_sends
from . import _ghz_copies, _noise_laws, _qudit

__all__ = [
    "ghz_sum",
    "ghz_sum_vector",
    "aggregation_dimension",
    "announcement_distribution",
    "statevector_distribution",
    "structured_distribution",
    "coalition_state",
    "ghz_cost",
    "distribution_qubits",
    "STATEVECTOR_MAX_AMPLITUDES",
]

METHODS = ("structured", "statevector")
STATEVECTOR_MAX_AMPLITUDES = 2**16   # d**N above this: use the structured sampler
MAX_D = 2**30                        # modular sums stay inside int32


def _check_d(d) -> int:
    return check_int(d, "d", minimum=2, maximum=MAX_D)


def _check_method(method: str, d: int, n: int) -> None:
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if method == "statevector" and d**n > STATEVECTOR_MAX_AMPLITUDES:
        raise ValueError(
            f"method='statevector' needs d**N <= {STATEVECTOR_MAX_AMPLITUDES} amplitudes, "
            f"got d={d}, N={n} (d**N = {d**n}); use method='structured'"
        )


def _check_values(x, name: str, d: int, ndim: int) -> None:
    if np.ndim(x) != ndim:
        want = "(N,)" if ndim == 1 else "(N, P)"
        raise ValueError(f"{name} must have shape {want}, got shape {np.shape(x)}")
    if np.shape(x)[0] < 2:
        raise ValueError(f"{name} needs at least 2 parties (axis 0), got shape {np.shape(x)}")
    if ndim == 2 and np.shape(x)[1] < 1:
        raise ValueError(f"{name} must have at least one coordinate, got shape {np.shape(x)}")
    if not jnp.issubdtype(jnp.asarray(x).dtype, jnp.integer):
        raise ValueError(f"{name} must hold integers, got dtype {jnp.asarray(x).dtype}")
    if is_concrete(x):
        arr = np.asarray(x)
        bad = (arr < 0) | (arr >= d)
        if bad.any():
            idx = tuple(np.argwhere(bad)[0].tolist())
            raise ValueError(f"{name} values must lie in [0, {d}), got {arr[idx]} at {idx}")


def _sum_mod(v, d: int):
    """Sum along axis 0 modulo d by a pairwise tree (no int32 overflow for d <= 2**30)."""
    v = v % d
    while v.shape[0] > 1:
        if v.shape[0] % 2:
            v = jnp.concatenate([v, jnp.zeros_like(v[:1])])
        v = (v[0::2] + v[1::2]) % d
    return v[0]


def _redistributions(n: int, d: int, noise) -> float:
    """Expected distributions of one copy when each of its qubits is lost w.p. erasure."""
    e = _noise_laws.as_noise(noise).erasure
    if e == 1:
        raise ValueError("noise.erasure must be < 1 (no copy would ever arrive), got 1.0")
    return 1 if e == 0 else expected_sends(e, n * math.ceil(math.log2(d)))


def ghz_cost(n_parties: int, d: int, coordinates: int = 1, noise: Noise | None = None) -> Cost:
    """Cost of ``coordinates`` unverified GHZ secure sums (one GHZ_d copy each), in parallel.

    With heralded erasure in ``noise`` a copy with a lost share is redistributed: the ebits
    are multiplied by the expected number of distributions.

    Examples:
        >>> ghz_cost(4, 8)
        Cost(qubits=0, bits=12, ebits=9.0, rounds=1)
        >>> ghz_cost(2, 2, noise=Noise(erasure=0.5)).ebits
        4.0
    """
    n = check_int(n_parties, "n_parties", minimum=2)
    d = _check_d(d)
    coordinates = check_int(coordinates, "coordinates", minimum=1)
    one = Cost(qubits=0, bits=n * math.ceil(math.log2(d)),
               ebits=(n - 1) * math.log2(d) * _redistributions(n, d, noise), rounds=1)
    return coordinates * one


def distribution_qubits(n_parties: int, d: int, noise: Noise | None = None):
    """Qubits a source sends to hand every party its GHZ_d share (offline, per copy; with
    erasure, the expected qubits including redistributions)."""
    n, d = check_int(n_parties, "n_parties", minimum=2), _check_d(d)
    base = n * math.ceil(math.log2(d))
    r = _redistributions(n, d, noise)
    return base if r == 1 else base * r


# ---------------------------------------------------------------- exact distributions


def announcement_distribution(x, d: int, noise: Noise | None = None) -> np.ndarray:
    """Exact distribution of the announcements: ``d^-(N-1)`` on ``sum m = sum x (mod d)``.

    With ``noise``: ``d^-(N-1) law[(sum m - sum x) mod d]``, ``law`` the exact error law.

    Args:
        x: int array of shape (N,), values in [0, d).
        d: qudit dimension.
        noise: common noise on the shares (see the module docstring).

    Returns:
        float64 array of shape ``(d,) * N``.

    Examples:
        >>> p = announcement_distribution([1, 2, 3], 4)
        >>> float(p.sum()), float(p[0, 0, 2]), float(p[0, 0, 1])
        (1.0, 0.0625, 0.0)
    """
    d = _check_d(d)
    _check_values(x, "x", d, 1)
    n = len(x)
    grids = np.indices((d,) * n).sum(axis=0) % d
    if noise is not None and not _noise_laws.as_noise(noise).ideal:
        law = _noise_laws.ghz_sum_error_law(noise, n, d)
        return float(d) ** (1 - n) * law[(grids - int(np.sum(x))) % d]
    return np.where(grids == int(np.sum(x)) % d, float(d) ** (1 - n), 0.0)


def statevector_distribution(x, d: int, noise: Noise | None = None) -> np.ndarray:
    """The same distribution from the qudit circuit (numpy complex128): GHZ, phases, Fourier.

    With ``noise`` the shares' Pauli channel acts on the density matrix (``d**N <= 2**8``).

    Examples:
        >>> import numpy as np
        >>> x = [1, 2, 3, 7]
        >>> bool(np.allclose(statevector_distribution(x, 8), announcement_distribution(x, 8)))
        True
    """
    d = _check_d(d)
    _check_values(x, "x", d, 1)
    n = len(x)
    _check_method("statevector", d, n)
    psi = _qudit.ghz_state(n, d)
    psi = _qudit.apply_phases(psi, [_qudit.clock(d, int(xi)) for xi in x])
    if noise is not None and not _noise_laws.as_noise(noise).ideal:
        if d**n > _ghz_copies.STATEVECTOR_MAX_DIM:
            raise ValueError(f"the noisy density path needs d**N <= "
                             f"{_ghz_copies.STATEVECTOR_MAX_DIM}, got d={d}, N={n}")
        table = _noise_laws.ghz_pauli_table(_noise_laws.ghz_components(noise), d)
        rho = _ghz_copies.pauli_channel(_qudit.density(psi), d, n, table)
        return np.clip(_qudit.diag_probabilities(_qudit.fourier_dm(rho, range(n))), 0, None)
    return np.abs(_qudit.fourier_amplitudes(psi, range(n))) ** 2


def structured_distribution(x, d: int) -> np.ndarray:
    """Exact distribution of the structured sampler, by pushing its uniform coins through it.

    Enumerates all ``d^(N-1)`` values of the free announcements (each of probability
    ``d^-(N-1)``) and histograms what the sampler's deterministic part returns.

    Examples:
        >>> import numpy as np
        >>> bool(np.array_equal(structured_distribution([1, 2, 3], 4),
        ...                     announcement_distribution([1, 2, 3], 4)))
        True
    """
    d = _check_d(d)
    _check_values(x, "x", d, 1)
    n = len(x)
    free = np.indices((d,) * (n - 1)).reshape(n - 1, -1)
    xs = np.broadcast_to(np.asarray(x)[:, None], (n, free.shape[1]))
    m = np.asarray(_close(jnp.asarray(free, jnp.int32), jnp.asarray(xs), jnp.int32(d)))
    hist = np.zeros((d,) * n)
    np.add.at(hist, tuple(m), float(d) ** (1 - n))
    return hist


def coalition_state(x, d: int, coalition) -> np.ndarray:
    """What a coalition holds when the honest parties have announced: a classical-quantum state.

    The coalition keeps its GHZ shares unmeasured (it may later measure them any way it likes);
    the honest parties apply their phases and announce Fourier outcomes ``m_H``.

    Args:
        x: inputs, shape (N,). The coalition's phases are applied too (honest-but-curious).
        d: qudit dimension.
        coalition: indices of the colluding parties.

    Returns:
        complex128 array of shape ``(d,)*|H| + (D, D)``, ``D = d^|C|``: for each honest
        announcement the unnormalised coalition density matrix (its trace is the probability).
    """
    d = _check_d(d)
    _check_values(x, "x", d, 1)
    n = len(x)
    coalition = sorted({int(c) for c in coalition})
    if any(c < 0 or c >= n for c in coalition):
        raise ValueError(f"coalition indices must lie in [0, {n}), got {coalition}")
    honest = [i for i in range(n) if i not in coalition]
    psi = _qudit.ghz_state(n, d)
    psi = _qudit.apply_phases(psi, [_qudit.clock(d, int(xi)) for xi in x])
    psi = _qudit.fourier_amplitudes(psi, honest)
    psi = np.transpose(psi, honest + coalition).reshape((d,) * len(honest) + (-1,))
    return psi[..., :, None] * np.conj(psi[..., None, :])


# ---------------------------------------------------------------- samplers


def _statevector_sample(key, x, d: int, components=()):
    n = x.shape[0]
    psi = _qudit.ghz_state(n, d, xp=jnp)
    psi = _qudit.apply_phases(psi, jnp.stack([_qudit.clock(d, xi, xp=jnp) for xi in x]))
    if components:        # one trajectory: a Pauli X^a Z^b drawn for every share
        key, k_noise = jax.random.split(key)
        a, b = _noise_laws.sample_paulis(k_noise, components, d, (n,))
        eye = jnp.eye(d, dtype=psi.dtype)
        for i in range(n):
            pauli = _qudit.clock(d, b[i], xp=jnp)[:, None].astype(psi.dtype) * jnp.roll(
                eye, a[i], axis=0)
            psi = _qudit.apply_one(psi, pauli, i)
    probs = jnp.abs(_qudit.fourier_amplitudes(psi, range(n))).reshape(-1) ** 2
    idx = jax.random.categorical(key, jnp.log(probs))
    return jnp.stack(jnp.unravel_index(idx, (d,) * n)).astype(jnp.int32)


def _close(free, x, d: int):
    """The structured sampler's deterministic part: N-1 free announcements, the last closes S."""
    last = (_sum_mod(x.astype(jnp.int32), d) - _sum_mod(free, d)) % d
    return jnp.concatenate([free, last[None]], axis=0)


def _structured_sample(key, x, d: int):
    """``x`` of shape (N, P): parties 0..N-2 announce uniform values, the last closes the sum."""
    free = jax.random.randint(key, (x.shape[0] - 1,) + x.shape[1:], 0, d, dtype=jnp.int32)
    return _close(free, x, d)


def _statevector_columns(key, x, d: int, components=()):
    keys = jax.random.split(key, x.shape[1])
    return jax.vmap(lambda k, col: _statevector_sample(k, col, d, components), in_axes=(0, 1),
                    out_axes=1)(keys, x)


@jax.jit
def _run_structured(key, x, d):
    m = _structured_sample(key, x, d)        # d is traced: one compilation per shape
    return m, _sum_mod(m, d)


@jax.jit
def _run_structured_noisy(key, x, d, law0):
    """Free announcements uniform; the last closes ``S + e``, ``e = 0`` w.p. ``law0``, else
    uniform on the non-zero residues (the exact error law)."""
    k_free, k_u, k_e = jax.random.split(key, 3)
    free = jax.random.randint(k_free, (x.shape[0] - 1,) + x.shape[1:], 0, d, dtype=jnp.int32)
    ok = jax.random.uniform(k_u, x.shape[1:]) < law0
    e = jnp.where(ok, 0, jax.random.randint(k_e, x.shape[1:], 1, d, dtype=jnp.int32))
    last = (_sum_mod(x.astype(jnp.int32), d) + e - _sum_mod(free, d)) % d
    m = jnp.concatenate([free, last[None]], axis=0)
    return m, _sum_mod(m, d)


@functools.partial(jax.jit, static_argnums=(2, 3))
def _run_statevector(key, x, d: int, components=()):
    m = _statevector_columns(key, x, d, components)
    return m, _sum_mod(m, d)


def _announce(key, x, d: int, method: str, noise: Noise | None = None):
    """Announcements and their sum mod d for x of shape (N, P): one GHZ copy per coordinate."""
    noisy = noise is not None and not noise.ideal
    if method == "structured":
        if noisy:
            law0 = _noise_laws.ghz_sum_error_law(noise, x.shape[0], d)[0]
            return _run_structured_noisy(key, x, jnp.int32(d), jnp.float32(law0))
        return _run_structured(key, x, jnp.int32(d))
    comps = tuple(_noise_laws.ghz_components(noise)) if noisy else ()
    return _run_statevector(key, x, d, comps)


def ghz_sum(d: int, *, method: str = "structured", noise: Noise | None = None):
    """Secure sum mod d of one value per party over one shared GHZ_d state.

    Args:
        d: qudit dimension (2 <= d <= 2**30).
        method: ``"structured"`` (exact sampler, any N) or ``"statevector"`` (the circuit,
            ``d**N <= 2**16``; with noise, one trajectory per copy).
        noise: common noise on the shares (module docstring); the answer is then wrong with
            probability ``(1 - 1/d)(1 - lambda^N)``.

    Returns:
        ``fn(key, x) -> Outcome`` for an int array ``x`` of shape (N,), ``0 <= x_i < d``:
        ``answer = sum(x) mod d`` (computed from the announcements), ``info["announcements"]``
        the N public announcements, ``cost = ghz_cost(N, d, noise=noise)``.

    Raises:
        ValueError: ``d < 2``, an unknown method, x of the wrong shape or dtype, values outside
            ``[0, d)``.

    Examples:
        >>> import jax, jax.numpy as jnp
        >>> out = ghz_sum(8, method="statevector")(jax.random.key(0), jnp.array([3, 5, 6, 1]))
        >>> int(out.answer), int(out.info["announcements"].sum()) % 8
        (7, 7)
        >>> out.cost
        Cost(qubits=0, bits=12, ebits=9.0, rounds=1)
    """
    d = _check_d(d)
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    noise = _noise_laws.as_noise(noise)
    _noise_laws.ghz_components(noise)            # rejects amplitude damping early
    _redistributions(2, d, noise)

    def fn(key, x) -> Outcome:
        check_key(key)
        _check_values(x, "x", d, 1)
        x = jnp.asarray(x)
        _check_method(method, d, x.shape[0])
        m, total = _announce(key, x[:, None], d, method, noise)
        return Outcome(total[0], ghz_cost(x.shape[0], d, noise=noise),
                       {"announcements": m[:, 0]})

    return fn


def aggregation_dimension(b: int, n_parties: int) -> int:
    """Smallest power of two d with ``d > N (2^b - 1)``: the integer sum never wraps mod d.

    Examples:
        >>> aggregation_dimension(8, 4), aggregation_dimension(1, 3)
        (1024, 4)
    """
    b = check_int(b, "b", minimum=1, maximum=24)
    n = check_int(n_parties, "n_parties", minimum=2)
    d = 1 << math.ceil(math.log2(n * (2**b - 1) + 1))
    if d > MAX_D:
        raise ValueError(f"N (2^b - 1) must stay below 2**30, got N={n}, b={b}")
    return d


def ghz_sum_vector(b: int, n_parties: int, *, method: str = "structured",
                   noise: Noise | None = None):
    """Coordinate-wise GHZ secure sum of N b-bit quantised vectors, one GHZ copy per coordinate.

    The dimension is ``d = aggregation_dimension(b, N)``, the smallest power of two above the
    largest possible sum ``N (2^b - 1)``, so the sum mod d is the integer sum (no wrap-around)
    and each share is ``log2 d = ceil(log2(N (2^b - 1) + 1))`` qubits.

    Args:
        b: bits per quantised entry (values in ``[0, 2^b)``).
        n_parties: N.
        method: as in :func:`ghz_sum`.
        noise: as in :func:`ghz_sum` (each coordinate's sum independently wrong).

    Returns:
        ``fn(key, x) -> Outcome`` for int ``x`` of shape (N, P): ``answer`` the exact integer
        sums, shape (P,); ``info["announcements"]`` shape (N, P); cost ``ghz_cost(N, d, P)``.

    Examples:
        >>> import jax, jax.numpy as jnp
        >>> x = jnp.array([[3, 0, 1], [3, 2, 0], [1, 3, 3]])
        >>> out = ghz_sum_vector(2, 3)(jax.random.key(1), x)
        >>> out.answer.tolist(), out.info["announcements"].shape
        ([7, 5, 4], (3, 3))
    """
    n = check_int(n_parties, "n_parties", minimum=2)
    d = aggregation_dimension(b, n)
    _check_method(method, d, n)
    top = 2**b
    noise = _noise_laws.as_noise(noise)
    _noise_laws.ghz_components(noise)
    _redistributions(n, d, noise)

    def fn(key, x) -> Outcome:
        check_key(key)
        if np.ndim(x) == 2 and np.shape(x)[0] != n:
            raise ValueError(f"x must have shape (N={n}, P), got shape {np.shape(x)}")
        _check_values(x, "x", top, 2)
        x = jnp.asarray(x)
        m, total = _announce(key, x, d, method, noise)
        return Outcome(total, ghz_cost(n, d, x.shape[1], noise), {"announcements": m})

    return fn
