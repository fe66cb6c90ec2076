"""The command line: reproduce (one experiment, quick), list, bounds, claims."""

import csv
from pathlib import Path

import pytest

from ccq import cli

ROOT = Path(__file__).resolve().parents[1]


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


def test_help_list_and_bounds(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["--help"])
    assert exc.value.code == 0
    assert "reproduce" in capsys.readouterr().out
    cli.main(["list"])
    assert "swap_test" in capsys.readouterr().out
    cli.main(["bounds", "sampling.threshold_shots", "gap=0.1", "delta=0.05"])
    assert "value: 599.1" in capsys.readouterr().out


def test_unknown_experiment_is_named():
    with pytest.raises(SystemExit, match="unknown experiment"):
        cli.reproduce(ROOT, quick=True, only=["nope"], progress=False)
