"""The experiment runner: tidy CSV, resume, provenance, device-count independence."""

import dataclasses
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from ccq.experiment import Experiment, config_hash, load_results, run_experiment, run_trials

ROOT = Path(__file__).resolve().parents[1]


@dataclasses.dataclass(frozen=True)
class Cfg:
    n: int
    scale: float


calls = []


def _trial(key, scale, *, n):
    return jnp.sum(scale * jax.random.normal(key, (n,)))


def _run(key, c: Cfg):
    calls.append(c)
    out = run_trials(_trial, key, 10, c.scale, n=c.n)
    return {"mean": out.mean(), "first": out[0]}


def make(configs):
    return Experiment("toy", _run, grid=configs, quick=configs[:1])


def test_rows_are_tidy_keyed_and_resumed(tmp_path):
    calls.clear()
    configs = [Cfg(3, 1.0), Cfg(4, 2.0)]
    path = run_experiment(make(configs[:1]), jax.random.key(0), tmp_path, progress=False)
    assert len(calls) == 1
    # an "interrupted" run that finished one config: a rerun does only the other one
    run_experiment(make(configs), jax.random.key(0), tmp_path, progress=False)
    assert calls == [configs[0], configs[1]]
    run_experiment(make(configs), jax.random.key(0), tmp_path, progress=False)
    assert len(calls) == 2
    rows = load_results(path)
    assert [r["config_hash"] for r in rows] == [config_hash("toy", c) for c in configs]
    assert {"n", "scale", "mean", "first", "seconds"} <= set(rows[0])
    prov = json.loads((tmp_path / "toy.provenance.json").read_text())
    assert {"git_commit", "versions", "devices", "argv", "time_utc"} <= set(prov[-1])


def test_rows_of_a_config_do_not_depend_on_other_configs(tmp_path):
    a = run_experiment(make([Cfg(3, 1.0)]), jax.random.key(1), tmp_path / "a", progress=False)
    b = run_experiment(make([Cfg(5, 1.0), Cfg(3, 1.0)]), jax.random.key(1), tmp_path / "b",
                       progress=False)
    row_a = load_results(a)[0]
    row_b = [r for r in load_results(b) if r["n"] == 3][0]
    assert row_a["mean"] == row_b["mean"]


def test_changed_columns_are_refused(tmp_path):
    run_experiment(make([Cfg(3, 1.0)]), jax.random.key(0), tmp_path, progress=False)
    other = Experiment("toy", lambda k, c: {"different": 1.0}, grid=[Cfg(9, 1.0)], quick=[])
    with pytest.raises(ValueError, match="bump the experiment's version"):
        run_experiment(other, jax.random.key(0), tmp_path, progress=False)


def test_trials_are_sharded_across_the_four_forced_devices():
    assert jax.device_count() == 4, "tests/conftest.py forces 4 CPU devices"
    out = run_trials(_trial, jax.random.key(2), 10, 1.0, n=3)
    assert out.shape == (10,)
    reference = jax.vmap(lambda k: _trial(k, 1.0, n=3))(jax.random.split(jax.random.key(2), 10))
    np.testing.assert_allclose(np.asarray(out), np.asarray(reference), atol=1e-6)


def test_results_are_identical_on_one_device():
    """Same key, same result, whatever the number of devices (run in a fresh process)."""
    code = textwrap.dedent("""
        import jax, jax.numpy as jnp, numpy as np
        from ccq.experiment import run_trials
        f = lambda k, s, *, n: jnp.sum(s * jax.random.normal(k, (n,)))
        out = run_trials(f, jax.random.key(2), 10, 1.0, n=3)
        print(jax.device_count(), repr(np.asarray(out).tolist()))
    """)
    outs = {}
    for count in (1, 4):
        env = {**os.environ, "XLA_FLAGS": f"--xla_force_host_platform_device_count={count}"}
        res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             env=env, cwd=ROOT, check=True)
        devices, values = res.stdout.strip().split(" ", 1)
        assert int(devices) == count
        outs[count] = np.array(eval(values))
    np.testing.assert_allclose(outs[1], outs[4], atol=1e-6)


def test_keys_not_seeds():
    with pytest.raises(TypeError, match="PRNG key"):
        run_trials(_trial, 0, 3, 1.0, n=2)
