"""The command line: reproduce (one experiment, quick), list, bounds, claims; help, version,
exit codes, one-line errors, closed pipes, no jax for the quick commands; a fuzz test."""

import contextlib
import csv
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccq import cli
from ccq.bounds import registry
from ccq.calculator import ALIASES, SYMBOLS, TOPICS

ROOT = Path(__file__).resolve().parents[1]


def run(argv):
    """``ccq ARGV`` in-process: (status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main(argv)
    return status, out.getvalue(), err.getvalue()


def ccq(*args, **kw):
    return subprocess.run([sys.executable, "-m", "ccq", *args], capture_output=True, text=True,
                          timeout=300, cwd=ROOT, **kw)


@pytest.mark.slow
def test_reproduce_quick_writes_figure_and_claims_and_resumes(tmp_path, capsys):
    claims = cli.reproduce(ROOT, quick=True, only=["swap_test"], out_dir=tmp_path / "out",
                           results=tmp_path / "results", progress=False)
    assert (tmp_path / "out" / "swap_test.png").stat().st_size > 10_000
    with (tmp_path / "out" / "claims.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert [r["id"] for r in rows] == [c.id for c in claims]
    assert {"id", "source", "claim", "claimed", "measured", "verdict"} <= set(rows[0])
    assert claims[0].verdict == "holds"
    before = (tmp_path / "results" / "swap_test.csv").read_text()
    cli.reproduce(ROOT, quick=True, only=["swap_test"], out_dir=tmp_path / "out",
                  results=tmp_path / "results", progress=False)
    assert (tmp_path / "results" / "swap_test.csv").read_text() == before


def test_help_version_list_and_bounds():
    for argv in ([], ["--help"]):
        status, out, err = run(argv)
        assert status == 0 and "reproduce" in out and "calc" in out and not err
    status, out, _ = run(["--version"])
    assert status == 0 and out.startswith("ccq ")
    status, out, _ = run(["list"])
    assert status == 0 and "swap_test" in out
    # the README's full-recompute time is the total `ccq list` measures from the results
    total = re.search(r"measured compute of the committed full grids: (\d+) s", out).group(1)
    readme = (ROOT / "README.md").read_text()
    assert f"{int(total):,} s" in readme, total
    status, out, _ = run(["bounds"])
    assert status == 0 and "sampling.threshold_shots" in out and "[sufficient on shots]" in out
    status, out, _ = run(["bounds", "sampling.threshold_shots"])
    assert status == 0 and "delta" in out and "(0, 1)" in out
    # one spelling evaluates a bound
    status, out, err = run(["bounds", "sampling.threshold_shots", "gap=0.1", "delta=0.05"])
    assert status == 2 and "ccq calc bound sampling.threshold_shots" in err and not out
    status, out, _ = run(["calc", "bound", "sampling.threshold_shots", "gap=0.1", "delta=0.05"])
    assert status == 0 and "600 shots (599.146 before rounding)" in out


def test_topic_help_lists_symbols_defaults_units_and_meanings():
    status, out, _ = run(["calc", "gapip", "--help"])
    assert status == 0
    for sym in ("tau", "P", "delta"):
        assert f"\n  {sym} " in out
    assert "promised margin" in out and "default       0.05" in out and "[entries]" in out
    status, out, _ = run(["calc", "bound", "gapip.swap_shots", "--help"])
    assert status == 0 and "tau" in out and "Buhrman" in out


@pytest.mark.parametrize(("argv", "status", "message"), [
    (["calc", "gapip", "--tau", "0"], 2, r"tau=0 is outside \(0, 1\]"),
    (["calc", "gapip", "--tau", "nan"], 2, "tau must be a finite number"),
    (["calc", "gapip", "--tau", "1e400"], 2, "tau must be a finite number"),
    (["calc", "gapip", "--tau", "abc"], 2, "tau must be a number"),
    (["calc", "gapip", "--tau", "1e-300"], 2, "beyond floating point|not finite"),
    (["calc", "gapip", "--dim", "1000.5"], 2, "P=1000.5 must be an integer"),
    (["calc", "gapip", "--tua", "0.1"], 2, "did you mean tau"),
    (["calc", "gapi"], 2, "did you mean gapip"),
    (["calc", "bound", "ae.error", "M=10", "a=2"], 2, "a=2|not a finite number"),
    (["calc", "bound", "sampling.threshold_shot"], 2, "did you mean sampling.threshold_shots"),
    (["calc", "bound", "sampling.threshold_shots", "gap=0.1"], 2, r"needs values for"),
    (["calc", "crossover", "securagg.pairwise_mask_bits", "ghz.verified_bits_per_coordinate",
      "N", "P=-5", "b=8"], 2, r"P=-5 is outside"),
    (["calc", "--html", "/proc/no/such/dir/c.html"], 1, "cannot write"),
    (["reproduce", "--seed", "2**70"], 2, "invalid int value"),
    (["reproduce", "--seed", str(2**70)], 2, r"--seed must be in \[0, 2\^63\)"),
    (["frobnicate"], 2, "invalid choice"),
    (["bounds", "nope.nothing"], 2, "unknown bound"),
])
def test_errors_are_one_line_with_documented_status(argv, status, message):
    got, out, err = run(argv)
    assert got == status, (got, out, err)
    assert err.count("\n") == 1 and err.startswith("ccq") and "Traceback" not in err, err
    assert re.search(message, err), err


def test_quick_commands_do_not_import_jax():
    code = ("import sys, io, contextlib\nfrom ccq.cli import main\n"
            "for argv in (['--help'], ['calc', 'gapip'], ['calc', 'securagg', '--json'], "
            "['bounds'], ['calc', 'bound', 'swap.acceptance', 'overlap=1']):\n"
            "    with contextlib.redirect_stdout(io.StringIO()):\n"
            "        assert main(argv) == 0, argv\n"
            "print('jax' in sys.modules, 'scipy' in sys.modules)\n")
    got = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=300, cwd=ROOT)
    assert got.stdout.split() == ["False", "False"], got.stderr


def test_subprocess_exit_codes_and_closed_pipe():
    bad = ccq("calc", "bound", "swap.acceptance", "overlap=2")
    assert bad.returncode == 2 and bad.stderr.strip().count("\n") == 0
    assert "overlap=2 is outside [0, 1]" in bad.stderr
    # `ccq calc gapip | head -1`: the reader closes the pipe, ccq ends without a traceback
    piped = subprocess.run(f"{sys.executable} -m ccq calc gapip | head -c 10", shell=True,
                           capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert piped.stdout == "gapip: Gap" and "Traceback" not in piped.stderr, piped.stderr
    assert "Error" not in piped.stderr, piped.stderr
    bare = ccq()
    assert bare.returncode == 0 and "usage: ccq" in bare.stdout


def test_unknown_experiment_is_named():
    with pytest.raises(SystemExit, match="unknown experiment"):
        cli.reproduce(ROOT, quick=True, only=["nope"], progress=False)


# ------------------------------------------------------------------------ fuzz
_SYMS = sorted(set(SYMBOLS) | set(ALIASES) | {"foo", "", "tau=1", "-", "N N"})
_VALUES = (st.sampled_from(["nan", "NaN", "inf", "-inf", "1e400", "-1e400", "1e-300", "1e300",
                            "-1", "0", "0.5", "1", "2", "3", "1000.5", "1e9", "2**20", "abc",
                            "", " ", "--", "=", "1_000", "0x10", " 7 ", "1e", "\u00e9"])
           | st.floats(allow_nan=True, allow_infinity=True).map(repr)
           | st.integers(-10**30, 10**30).map(str)
           | st.text(max_size=6))
_BOUNDS = sorted(registry())


@st.composite
def _argv(draw):
    kind = draw(st.sampled_from(["topic", "bound", "crossover", "bounds", "help"]))
    pairs = draw(st.lists(st.tuples(st.sampled_from(_SYMS), _VALUES), max_size=3))
    style = draw(st.sampled_from(["--", "="]))
    opts = ["--json"] if draw(st.booleans()) else []
    for s, v in pairs:
        opts += [f"--{s}", v] if style == "--" else [f"{s}={v}"]
    if kind == "topic":
        return ["calc", draw(st.sampled_from([*TOPICS, "gapi", "x"])), *opts]
    if kind == "bound":
        return ["calc", "bound", draw(st.sampled_from([*_BOUNDS, "nope"])), *opts]
    if kind == "crossover":
        a, b = draw(st.sampled_from(_BOUNDS)), draw(st.sampled_from(_BOUNDS))
        return ["calc", "crossover", a, b, draw(st.sampled_from(_SYMS)), *opts]
    if kind == "bounds":
        return ["bounds", draw(st.sampled_from([*_BOUNDS, "nope"])), *opts]
    return [draw(st.sampled_from(["calc", "bounds", "list"])), "--help", *opts[:1]]


@settings(max_examples=150, deadline=None)
@given(_argv())
def test_fuzz_no_traceback_and_documented_exit_codes(argv):
    status, out, err = run(argv)
    assert status in (0, 2), (argv, status, err)     # 1 only for failures (files, crashes)
    assert "Traceback" not in err and "internal error" not in err, (argv, err)
    if status == 0:
        assert not err, (argv, err)
    else:
        assert err.count("\n") == 1 and err.startswith("ccq"), (argv, err)
        assert not out, (argv, out)
    # no computed value prints as nan or inf (domains such as "(0, inf)" may)
    assert not re.search(r"(^|[:=\s])\s*-?(nan|inf)(\s|$)", out, re.IGNORECASE | re.MULTILINE), \
        (argv, out)
