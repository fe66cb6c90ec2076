"""Run a grid of frozen configs into a tidy, append-only, resumable CSV with provenance.

The pipeline is the layout (after Stim/sinter and Strilanc's paper repositories):
``experiments/<name>.py`` defines an :class:`Experiment` (configs + a pure ``run(key, config)``)
-> :func:`run_experiment` appends one or more rows per config to ``<results>/<name>.csv``, each
row keyed by a hash of everything that defines the config -> ``paper_figures/<name>.py`` reads
the CSV only. A config whose hash is already in the CSV is never run again, so an interrupted
run resumes where it stopped, and rows of different configs never mix.

Crash and concurrency safety (see :mod:`ccq._results` for the file format): a config's rows are
appended with one ``write`` and ``fsync``, so they become visible all at once; each row carries
its index, its config's row count and a check of its cells, so a torn or edited line is found on
load (with file and line) and its config is rerun. A run holds ``fcntl.flock`` on
``<results>/.<name>.lock`` from its first read to its last write, so two runs of one experiment
into one folder compute and write each config once (the second waits, then finds it done).

Trials of one config run as one ``vmap`` via :func:`run_trials`; when several JAX devices are
present the trial axis is sharded across them, and the result does not depend on how many.
"""

from __future__ import annotations

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

from . import _results
from ._core import check_int, check_key
from ._results import ResultsError, ResultsWarning, check_results, columns, load_results
from ._results import upgrade_results as upgrade_results

__all__ = [
    "Experiment",
    "config_hash",
    "run_trials",
    "run_experiment",
    "load_results",
    "check_results",
    "upgrade_results",
    "columns",
    "provenance",
    "ResultsError",
    "ResultsWarning",
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
        needs: optional ``{claim_id: predicate(config) -> bool}``: the subset of the grid a
            claim rests on. Without an entry a claim needs the whole grid, and on a partial
            grid it shows ``incomplete (k/n)`` instead of a verdict (:mod:`ccq.claims`).
    """

    name: str
    run: Callable[[Any, Any], Mapping | Sequence[Mapping]]
    grid: Sequence[Any]
    quick: Sequence[Any]
    claims: Callable[[list[dict]], list] | None = None
    version: int = 1
    description: str = ""
    needs: Mapping[str, Callable[[Any], bool]] | None = None

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


# ---------------------------------------------------------------- runner


def _lock(results_dir: Path, name: str):
    """An exclusive ``flock`` on ``<results_dir>/.<name>.lock``; waits while another holds it."""
    import fcntl

    path = results_dir / f".{name}.lock"
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as err:
        raise ResultsError(f"cannot create the lock file {path}: {err.strerror}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print(f"ccq: another run of {name} writes to {results_dir}; waiting for it",
              file=sys.stderr)
        fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def _preflight(results_dir: Path, path: Path) -> None:
    """Missing or read-only paths, found before any config is computed."""
    try:
        results_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ResultsError(f"cannot create the results folder {results_dir}: "
                           f"{err.strerror}") from None
    if not os.access(results_dir, os.W_OK | os.X_OK):
        raise ResultsError(f"the results folder {results_dir} is not writable")
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise ResultsError(f"the results file {path} is not readable and writable")


def _append(path: Path, text: str) -> None:
    """Append ``text`` with one ``write`` (looped only if the OS writes less) and ``fsync``."""
    data = text.encode()
    created = not path.exists()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        while data:
            data = data[os.write(fd, data):]
        os.fsync(fd)
    finally:
        os.close(fd)
    if created:
        _results._fsync_dir(path.parent)


def _config_rows(experiment: Experiment, h: str, config, out, seconds: float) -> list[dict]:
    rows = [out] if isinstance(out, Mapping) else list(out)
    if not rows:
        raise ValueError(f"{experiment.name}.run returned no rows for {config}")
    base = {HASH_COLUMN: h, **_jsonable(config)}
    return [{**base, **r, "seconds": round(seconds, 4)} for r in rows]


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
    changes the rows of the others. A config's rows are appended (one write, fsynced) when it
    finishes. Before any config is computed, the folder and file are checked (writable, schema
    and config columns as the experiment's, hashes verified); a damaged file is repaired
    atomically, its bad lines kept in ``<name>.rejected.csv`` and their configs rerun.

    Args:
        experiment: what to run.
        key: root JAX PRNG key.
        results_dir: folder of ``<name>.csv`` and ``<name>.provenance.json``.
        quick: run ``experiment.quick`` instead of ``experiment.grid``.
        progress: show a progress bar on stderr.

    Raises:
        ResultsError: (one line) a path is missing or read-only, or the file's columns differ
            from the experiment's.
    """
    check_key(key)
    results_dir = Path(results_dir)
    path = results_dir / f"{experiment.name}.csv"
    _preflight(results_dir, path)
    fd = _lock(results_dir, experiment.name)
    try:
        return _run_locked(experiment, key, results_dir, path, quick, progress)
    finally:
        os.close(fd)        # releases the flock


def _run_locked(experiment, key, results_dir, path, quick, progress) -> Path:
    s = _results.scan(path, experiment)
    for p in s.problems:
        print(f"ccq: {p}", file=sys.stderr)
    configs = list(experiment.configs(quick))
    todo = [(config_hash(experiment.name, c, experiment.version), c) for c in configs]
    done = s.hashes() if s.header else set()
    todo = [(h, c) for h, c in todo if h not in done]
    if s.problems or (todo and s.header and (s.legacy or not s.ends_with_newline)):
        _results.rewrite(s)          # repair or upgrade before appending
        s = _results.scan(path, experiment)
    if not todo:
        return path
    header = s.header or None

    from tqdm.auto import tqdm

    started = time.time()
    bar = tqdm(todo, desc=experiment.name, unit="config", disable=not progress, leave=False)
    for h, config in bar:
        t0 = time.perf_counter()
        out = experiment.run(jax.random.fold_in(key, int(h[:7], 16)), config)
        rows = _config_rows(experiment, h, config, out, time.perf_counter() - t0)
        names = list(rows[0])
        if header is None:
            header = [*names, _results.ROW_COLUMN, _results.ROWS_COLUMN, _results.CHECK_COLUMN]
            lines = [header]
        else:
            lines = []
        data_cols = header[:-3]
        if any(set(r) != set(data_cols) for r in rows):
            got = sorted(set().union(*map(set, rows)))
            raise ResultsError(
                f"{path} has columns {sorted(data_cols)} but {experiment.name} now writes {got};"
                " bump the experiment's version or move the old file away")
        for i, r in enumerate(rows):
            body = [_results.to_cell(r[c]) for c in data_cols] + [str(i), str(len(rows))]
            lines.append(body + [_results.row_check(body)])
        _append(path, _results.format_lines(lines))
    record = provenance() | {"experiment": experiment.name, "version": experiment.version,
                             "quick": quick, "configs_run": len(todo),
                             "wall_seconds": round(time.time() - started, 2)}
    prov_path = results_dir / f"{experiment.name}.provenance.json"
    history = json.loads(prov_path.read_text()) if prov_path.exists() else []
    tmp = prov_path.with_name(f".{prov_path.name}.tmp")
    tmp.write_text(json.dumps([*history, record], indent=1) + "\n")
    os.replace(tmp, prov_path)
    return path


def _main(argv: Sequence[str]) -> int:
    """``python -m ccq.experiment upgrade FILE...``: bring results files to the checked format."""
    if len(argv) < 2 or argv[0] != "upgrade":
        print("usage: python -m ccq.experiment upgrade FILE.csv...", file=sys.stderr)
        return 2
    for name in argv[1:]:
        problems = upgrade_results(name)
        print(f"{name}: checked format; {len(problems)} line(s) moved to .rejected.csv")
        for p in problems:
            print(f"  {p}")
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
