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


# ---------------------------------------------------------------- fault injection
# A toy experiment of several rows per config, cheap enough to run dozens of times. Each test
# ends by comparing the final file with an undisturbed run: full, correct, duplicate-free.

import random  # noqa: E402
import signal  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

from ccq.experiment import ResultsError, ResultsWarning, check_results  # noqa: E402

FAULT_MODULE = '''
import dataclasses, os, time
from ccq.experiment import Experiment

@dataclasses.dataclass(frozen=True)
class Cfg:
    n: int
    tag: str

def run(key, c):
    log = os.environ.get("CCQ_TEST_CALLS")
    if log:
        with open(log, "a") as fh:
            fh.write(f"{c.n}\\n")
    time.sleep(float(os.environ.get("CCQ_TEST_SLEEP", "0")))
    return [{"i": i, "value": c.n * 1000 + i + 0.25, "label": f"{c.tag}-{i}"}
            for i in range(1 + c.n % 4)]

EXPERIMENT = Experiment("faulty", run, grid=[Cfg(n, "t" + str(n)) for n in range(12)],
                        quick=[])
'''

CHILD = '''
import os, sys, time, jax
sys.path[:0] = [sys.argv[1], sys.argv[2]]
import ccq.experiment as ex
from faultmod import EXPERIMENT
if os.environ.get("CCQ_TEST_SLOW_WRITE"):
    # widen the window inside an append: half the bytes, a pause, the rest (a torn write
    # is what a power cut or a full disk leaves; SIGKILL alone rarely tears one write)
    def _append(path, text):
        data = text.encode()
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        half = len(data) // 2
        os.write(fd, data[:half]); time.sleep(0.02); os.write(fd, data[half:]); os.fsync(fd)
        os.close(fd)
    ex._append = _append
ex.run_experiment(EXPERIMENT, jax.random.key(0), sys.argv[3], progress=False)
'''


@pytest.fixture()
def faulty(tmp_path):
    (tmp_path / "faultmod.py").write_text(FAULT_MODULE)
    sys.path.insert(0, str(tmp_path))
    import faultmod

    yield faultmod, tmp_path
    sys.path.remove(str(tmp_path))
    sys.modules.pop("faultmod", None)


def _content(path):
    with warnings.catch_warnings():
        warnings.simplefilter("error", ResultsWarning)   # a clean file: nothing left out
        rows = load_results(path)
    return sorted(tuple(sorted((k, v) for k, v in r.items() if k != "seconds")) for r in rows)


def _reference(faultmod, tmp_path):
    return _content(run_experiment(faultmod.EXPERIMENT, jax.random.key(0), tmp_path / "ref",
                                   progress=False))


def _assert_full_and_correct(path, reference):
    assert not check_results(path)
    got = _content(path)
    assert got == reference
    hashes = [r["config_hash"] for r in load_results(path)]
    assert len(set(hashes)) == 12                        # every config, once
    assert len(got) == len(set(got))                     # no duplicated row


def _child(tmp_path, out_dir, **env):
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(ROOT), str(tmp_path), str(out_dir)],
        env={**os.environ, **env}, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _finish(proc):
    _, err = proc.communicate()
    return proc.returncode, err.decode()


def test_kill_9_at_random_points_during_appends(faulty):
    faultmod, tmp_path = faulty
    reference = _reference(faultmod, tmp_path)
    out = tmp_path / "killed"
    rng = random.Random(15)
    killed = 0
    for _ in range(4):
        proc = _child(tmp_path, out, CCQ_TEST_SLOW_WRITE="1", CCQ_TEST_SLEEP="0.01")
        deadline = time.time() + 60
        # wait until the child is past its imports and writing, then kill at a random moment
        while not (out / "faulty.csv").exists() and proc.poll() is None and time.time() < deadline:
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, 0.3))
        proc.send_signal(signal.SIGKILL)
        _finish(proc)
        killed += proc.returncode == -signal.SIGKILL       # it was still running: interrupted
    assert killed >= 1
    rc, err = _finish(_child(tmp_path, out))
    assert rc == 0, err
    _assert_full_and_correct(out / "faulty.csv", reference)


def test_torn_final_lines_at_every_kind_of_offset(faulty):
    faultmod, tmp_path = faulty
    reference = _reference(faultmod, tmp_path)
    full = (tmp_path / "ref" / "faulty.csv").read_bytes()
    rng = random.Random(7)
    ends = [i + 1 for i, b in enumerate(full) if b == ord("\n")]
    offsets = rng.sample(range(1, len(full)), 12) + rng.sample(ends, 6) + [len(full) - 2]
    for k, cut in enumerate(offsets):
        out = tmp_path / f"torn{k}"
        out.mkdir()
        (out / "faulty.csv").write_bytes(full[:cut])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResultsWarning)
            run_experiment(faultmod.EXPERIMENT, jax.random.key(0), out, progress=False)
        _assert_full_and_correct(out / "faulty.csv", reference)


def test_a_last_line_without_newline_is_never_glued(faulty):
    faultmod, tmp_path = faulty
    reference = _reference(faultmod, tmp_path)
    exp = faultmod.EXPERIMENT
    out = tmp_path / "glue"
    half = dataclasses.replace(exp, grid=exp.grid[:6])
    path = run_experiment(half, jax.random.key(0), out, progress=False)
    path.write_bytes(path.read_bytes().rstrip(b"\r\n"))       # hand-saved without newline
    run_experiment(exp, jax.random.key(0), out, progress=False)
    _assert_full_and_correct(path, reference)


def test_two_concurrent_runners_produce_each_config_once(faulty):
    faultmod, tmp_path = faulty
    reference = _reference(faultmod, tmp_path)
    out, calls_log = tmp_path / "both", tmp_path / "calls.txt"
    procs = [_child(tmp_path, out, CCQ_TEST_CALLS=str(calls_log), CCQ_TEST_SLEEP="0.02")
             for _ in range(2)]
    for p in procs:
        rc, err = _finish(p)
        assert rc == 0, err
    _assert_full_and_correct(out / "faulty.csv", reference)
    assert sorted(calls_log.read_text().split()) == sorted(str(n) for n in range(12))


@pytest.mark.parametrize("legacy", [False, True])
@pytest.mark.parametrize("edit", ["hash", "config cell", "result to text", "result number"])
def test_hand_edits_are_found_and_their_config_rerun(faulty, edit, legacy):
    faultmod, tmp_path = faulty
    reference = _reference(faultmod, tmp_path)
    out = tmp_path / "edited"
    out.mkdir()
    lines = (tmp_path / "ref" / "faulty.csv").read_text().splitlines()
    if legacy:      # a file in the format before the check columns existed
        lines = [",".join(line.split(",")[:-3]) for line in lines]
    header = lines[0].split(",")
    cells = lines[5].split(",")
    column = {"hash": "config_hash", "config cell": "n", "result to text": "value",
              "result number": "value"}[edit]
    j = header.index(column)
    cells[j] = {"hash": "0123456789abcdef", "config cell": "99", "result to text": "abc",
                "result number": "1.5"}[edit]
    lines[5] = ",".join(cells)
    path = out / "faulty.csv"
    path.write_text("\r\n".join(lines) + "\r\n")
    if legacy and edit == "result number":
        pytest.skip("a plausible number edited in a legacy file has no check column to fail")
    problems = check_results(path, faultmod.EXPERIMENT)
    assert problems and all(str(path) in str(p) for p in problems)
    assert any(p.line == 6 for p in problems), problems
    with pytest.warns(ResultsWarning, match=r"faulty\.csv:6:"):
        load_results(path, faultmod.EXPERIMENT)
    run_experiment(faultmod.EXPERIMENT, jax.random.key(0), out, progress=False)
    _assert_full_and_correct(path, reference)
    assert (out / "faulty.rejected.csv").read_text().count("faulty.csv:6:") == 1


def test_paths_and_schema_are_checked_before_any_config_runs(faulty):
    faultmod, tmp_path = faulty
    exp = faultmod.EXPERIMENT
    ran = []
    counting = dataclasses.replace(exp, run=lambda k, c: ran.append(c) or exp.run(k, c))
    if os.geteuid() != 0:           # root writes anywhere: permissions cannot be tested
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        with pytest.raises(ResultsError, match="not writable"):
            run_experiment(counting, jax.random.key(0), ro, progress=False)
        with pytest.raises(ResultsError, match="cannot create the results folder"):
            run_experiment(counting, jax.random.key(0), ro / "sub", progress=False)
        ro.chmod(0o700)
    out = tmp_path / "schema"
    run_experiment(dataclasses.replace(exp, grid=exp.grid[:2]), jax.random.key(0), out,
                   progress=False)

    @dataclasses.dataclass(frozen=True)
    class Wider:
        n: int
        tag: str
        extra: float = 0.5

    wider = dataclasses.replace(counting, grid=[Wider(1, "a")])
    with pytest.raises(ResultsError, match="config columns") as err:
        run_experiment(wider, jax.random.key(0), out, progress=False)
    assert "\n" not in str(err.value)
    text = (out / "faulty.csv").read_text().replace("config_hash,n,tag", "config_hash,N,tag")
    (out / "faulty.csv").write_text(text)
    with pytest.raises(ResultsError, match="config columns"):
        run_experiment(counting, jax.random.key(0), out, progress=False)
    assert ran == []


def test_upgrade_is_idempotent_and_keeps_every_cell(faulty):
    from ccq.experiment import upgrade_results

    faultmod, tmp_path = faulty
    _reference(faultmod, tmp_path)
    path = tmp_path / "ref" / "faulty.csv"
    lines = path.read_text().splitlines()
    legacy = "\r\n".join(",".join(line.split(",")[:-3]) for line in lines) + "\r\n"
    path.write_text(legacy)
    before = _content(path)
    assert upgrade_results(path) == []
    once = path.read_bytes()
    assert upgrade_results(path) == [] and path.read_bytes() == once
    assert _content(path) == before and once.decode().splitlines()[0].endswith("row_check")
