"""Run a grid of frozen configs into a tidy, append-only, resumable CSV with provenance.

The pipeline is the layout (after Stim/sinter and Strilanc's paper repositories):
``experiments/<name>.py`` defines an :class:`Experiment` (configs + a pure ``run(key, config)``)
-> :func:`run_experiment` appends one or more rows per config to ``<results>/<name>.csv``, each
row keyed by a hash of everything that defines the config -> ``paper_figures/<name>.py`` reads
the CSV only. A config whose hash is already in the CSV is never run again, so an interrupted
run resumes where it stopped, and rows of different configs never mix.

Trials of one config run as one ``vmap`` via :func:`run_trials`; when several JAX devices are
present the trial axis is sharded across them, and the result does not depend on how many.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as _dt
import functools
import hashlib
import json
import math
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import jax
import numpy as np

from ._core import check_int, check_key

__all__ = [
    "Experiment",
    "config_hash",
    "run_trials",
    "run_experiment",
    "load_results",
    "columns",
    "provenance",
]

HASH_COLUMN = "config_hash"


@dataclasses.dataclass(frozen=True)
class Experiment:
    """One question, asked over a grid of configs.

    Args:
        name: file stem of the results, ``<results_dir>/<name>.csv``.
        run: pure function ``run(key, config) -> dict | list[dict]`` of scalar values; the same
            key and config give the same rows.
        grid: the full grid of frozen dataclass configs.
        quick: the small grid for ``--quick`` (CI; the whole of ``ccq reproduce --quick`` must
            finish in minutes on two CPU cores).
        claims: optional ``claims(rows) -> list[ccq.claims.Claim]`` that reads rows only.
        version: bump when ``run`` changes meaning; it enters the config hash, so old rows are
            no longer mistaken for new ones.
        description: one line for ``ccq list``.
    """

    name: str
    run: Callable[[Any, Any], Mapping | Sequence[Mapping]]
    grid: Sequence[Any]
    quick: Sequence[Any]
    claims: Callable[[list[dict]], list] | None = None
    version: int = 1
    description: str = ""

    def configs(self, quick: bool) -> Sequence[Any]:
        return self.quick if quick else self.grid


def _jsonable(value):
    if dataclasses.is_dataclass(value):
        return {k: _jsonable(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def config_hash(experiment_name: str, config, version: int = 1) -> str:
    """A stable 16-hex-digit hash of the experiment name, its version and the config fields.

    Examples:
        >>> import dataclasses
        >>> @dataclasses.dataclass(frozen=True)
        ... class C:
        ...     n: int
        >>> config_hash("demo", C(3)) == config_hash("demo", C(3)) != config_hash("demo", C(4))
        True
    """
    payload = json.dumps(
        {"experiment": experiment_name, "version": version, "config": _jsonable(config)},
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def _trial_mesh():
    devices = jax.devices()
    return jax.sharding.Mesh(np.array(devices), ("trials",)) if len(devices) > 1 else None


@functools.lru_cache(maxsize=256)
def _compiled(fn: Callable, n_args: int, static: tuple):
    return jax.jit(jax.vmap(functools.partial(fn, **dict(static)),
                            in_axes=(0,) + (None,) * n_args))


def run_trials(fn: Callable, key, n_trials: int, *args, **static):
    """``jax.vmap`` ``fn(key, *args, **static)`` over ``n_trials`` keys, sharded over devices.

    The keys are split before any padding, so the result is identical on 1 or many devices.
    Pass values that change between configs in ``args`` (traced: one compilation serves them
    all) and shapes or hyperparameters in ``static`` (hashable; each new value compiles once).

    Args:
        fn: pure function of a key (and shared ``args``) returning a pytree of arrays.
        key: JAX PRNG key.
        n_trials: number of trials (the leading axis of every output).
        *args: array arguments shared by every trial (broadcast, not batched).
        **static: hashable keyword arguments fixed at compile time.

    Examples:
        >>> import jax
        >>> out = run_trials(lambda k: jax.random.normal(k), jax.random.key(0), 6)
        >>> out.shape
        (6,)
    """
    check_key(key)
    n_trials = check_int(n_trials, "n_trials", minimum=1)
    keys = jax.random.split(key, n_trials)
    batched = _compiled(fn, len(args), tuple(sorted(static.items())))
    mesh = _trial_mesh()
    if mesh is None:
        return batched(keys, *args)
    n_dev = mesh.devices.size
    padded = math.ceil(n_trials / n_dev) * n_dev
    # pad with repeats of the real keys (cycled: fewer trials than devices is allowed too)
    pad = jax.numpy.arange(padded - n_trials) % n_trials
    keys = jax.numpy.concatenate([keys, keys[pad]]) if padded > n_trials else keys
    keys = jax.device_put(
        keys, jax.sharding.NamedSharding(mesh, jax.sharding.PartitionSpec("trials"))
    )
    out = batched(keys, *args)
    return jax.tree_util.tree_map(lambda a: a[:n_trials], out)


# ---------------------------------------------------------------- provenance


def _git(*args: str) -> str:
    try:
        return subprocess.run(
            ["git", *args], capture_output=True, text=True, check=True, timeout=10,
            cwd=Path(__file__).resolve().parent,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def provenance() -> dict:
    """What produced a result: git commit, versions, devices, command line, time."""
    import ccq

    versions = {"python": platform.python_version(), "ccq": ccq.__version__}
    for mod in ("jax", "jaxlib", "numpy", "scipy", "sympy", "optax"):
        try:
            versions[mod] = __import__(mod).__version__
        except ImportError:
            pass
    return {
        "git_commit": _git("rev-parse", "HEAD"),
        "git_dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
        "versions": versions,
        "devices": [str(d) for d in jax.devices()],
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "argv": sys.argv,
        "time_utc": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
    }


# ---------------------------------------------------------------- CSV


def _parse(value: str):
    for cast in (int, float):
        try:
            return cast(value)
        except ValueError:
            pass
    if value in ("True", "False"):
        return value == "True"
    return value


def load_results(path: Path | str) -> list[dict]:
    """Rows of a results CSV with numbers parsed (an empty list if the file does not exist)."""
    path = Path(path)
    if not path.exists():
        return []
    with path.open(newline="") as fh:
        return [{k: _parse(v) for k, v in row.items()} for row in csv.DictReader(fh)]


def columns(rows: Sequence[Mapping], *names: str) -> list[np.ndarray]:
    """Columns of ``rows`` as numpy arrays, one per name.

    Examples:
        >>> columns([{"a": 1, "b": 2.0}, {"a": 3, "b": 4.0}], "a", "b")
        [array([1, 3]), array([2., 4.])]
    """
    return [np.array([r[n] for r in rows]) for n in names]


def _to_cell(value):
    if isinstance(value, jax.Array | np.ndarray | np.generic):
        arr = np.asarray(value)
        if arr.size != 1:
            raise ValueError(f"result values must be scalars, got an array of shape {arr.shape}")
        value = arr.item()
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    return value


def _append_rows(path: Path, rows: list[dict]) -> None:
    exists = path.exists() and path.stat().st_size > 0
    if exists:
        with path.open(newline="") as fh:
            header = next(csv.reader(fh))
        if set(header) != set(rows[0]):
            raise ValueError(
                f"{path} has columns {sorted(header)} but the new rows have {sorted(rows[0])}; "
                "bump the experiment's version or move the old file away"
            )
    else:
        header = list(rows[0])
    with path.open("a", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header)
        if not exists:
            writer.writeheader()
        writer.writerows(rows)
        fh.flush()
        os.fsync(fh.fileno())


def run_experiment(
    experiment: Experiment,
    key,
    results_dir: Path | str,
    *,
    quick: bool = False,
    progress: bool = True,
) -> Path:
    """Run every config of ``experiment`` not yet in its CSV; return the CSV path.

    Each config gets its own key, ``fold_in(key, hash)``, so adding configs to a grid never
    changes the rows of the others. Rows are appended (and fsynced) as each config finishes.

    Args:
        experiment: what to run.
        key: root JAX PRNG key.
        results_dir: folder of ``<name>.csv`` and ``<name>.provenance.json``.
        quick: run ``experiment.quick`` instead of ``experiment.grid``.
        progress: show a progress bar on stderr.
    """
    check_key(key)
    results_dir = Path(results_dir)
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / f"{experiment.name}.csv"
    done = {str(r[HASH_COLUMN]) for r in load_results(path)}
    configs = list(experiment.configs(quick))
    todo = [(config_hash(experiment.name, c, experiment.version), c) for c in configs]
    todo = [(h, c) for h, c in todo if h not in done]
    if not todo:
        return path

    from tqdm.auto import tqdm

    started = time.time()
    bar = tqdm(todo, desc=experiment.name, unit="config", disable=not progress, leave=False)
    for h, config in bar:
        t0 = time.perf_counter()
        out = experiment.run(jax.random.fold_in(key, int(h[:7], 16)), config)
        rows = [out] if isinstance(out, Mapping) else list(out)
        seconds = time.perf_counter() - t0
        base = {HASH_COLUMN: h, **_jsonable(config)}
        base = {k: json.dumps(v) if isinstance(v, list | dict) else v for k, v in base.items()}
        _append_rows(
            path,
            [{**base, **{k: _to_cell(v) for k, v in r.items()}, "seconds": round(seconds, 4)}
             for r in rows],
        )
    record = provenance() | {"experiment": experiment.name, "version": experiment.version,
                             "quick": quick, "configs_run": len(todo),
                             "wall_seconds": round(time.time() - started, 2)}
    prov_path = results_dir / f"{experiment.name}.provenance.json"
    history = json.loads(prov_path.read_text()) if prov_path.exists() else []
    prov_path.write_text(json.dumps([*history, record], indent=1) + "\n")
    return path
