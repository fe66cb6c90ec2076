"""The results store: a tidy CSV that a crash, a second writer or a hand edit cannot silently spoil.

Why CSV and not SQLite: figures, users and other tools read ``experiments/results/*.csv``
directly, and the committed files are reviewed as text diffs. A CSV is crash-safe enough when
every config is appended as **one** ``write`` of complete lines followed by ``fsync``, and every
row carries what is needed to check it on load:

* ``config_hash``: the hash of the experiment name, version and config fields (verified against
  the config columns when the experiment is known);
* ``config_row`` and ``config_rows``: the row's index within its config and how many rows the
  config wrote, so a config torn at a line boundary is seen as incomplete, not counted done;
* ``row_check``: a 12-hex-digit SHA-256 of the row's other cells, so a torn last line, an edited
  cell or a foreign line is found with its file and line number.

On load, a bad line is reported (``ResultsWarning``, ``path:line: reason``) and the whole
config it belongs to is left out, so the runner reruns it; nothing is glued or guessed. The
runner then rewrites the file atomically (temp file, ``fsync``, ``os.replace``) without the bad
lines and keeps them in ``<name>.rejected.csv``: nothing is lost silently.

Files written before these two columns existed ("legacy" files) load as they are (with the
hash, schema, duplicate and newline checks); :func:`upgrade_results` adds the columns in place,
idempotently, and the runner does so before it appends to one.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import math
import os
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

__all__ = ["ResultsError", "ResultsWarning", "Problem", "load_results", "check_results",
           "upgrade_results", "columns"]

HASH_COLUMN = "config_hash"
ROW_COLUMN = "config_row"
ROWS_COLUMN = "config_rows"
CHECK_COLUMN = "row_check"
SEP = "\r\n"               # csv's default line terminator, as the committed files have it


class ResultsError(ValueError):
    """A results file or folder that cannot be used; the message is one line."""


class ResultsWarning(UserWarning):
    """Lines of a results file that were left out on load (torn, edited, foreign, duplicate)."""


@dataclasses.dataclass(frozen=True)
class Problem:
    """One line of a results file left out on load, and why."""

    path: Path
    line: int          # 1-based physical line number
    reason: str
    config: str = ""   # the config hash it belongs to, when known

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


# ---------------------------------------------------------------- cells


def parse_cell(value: str):
    """A CSV cell as int, float, bool or str (floats include 'nan' and 'inf')."""
    for cast in (int, float):
        try:
            return cast(value)
        except ValueError:
            pass
    if value in ("True", "False"):
        return value == "True"
    return value


def _kind(cell: str) -> str:
    value = parse_cell(cell)
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return "empty" if cell == "" else "text"


def row_check(cells: Sequence[str]) -> str:
    """The check digits of a row: SHA-256 of its cells (``row_check`` excluded), 12 hex."""
    return hashlib.sha256("\x1f".join(cells).encode()).hexdigest()[:12]


def to_cell(value) -> str:
    """A scalar result or config value as the text written to the CSV."""
    if isinstance(value, list | dict):
        value = json.dumps(value)
    if hasattr(value, "shape") or isinstance(value, np.generic):
        arr = np.asarray(value)
        if arr.size != 1:
            raise ValueError(f"result values must be scalars, got an array of shape {arr.shape}")
        value = arr.item()
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    text = "" if value is None else str(value)
    if "\n" in text or "\r" in text:
        raise ValueError(f"result cells must be one line of text, got {text!r}")
    return text


def format_lines(rows: Sequence[Sequence[str]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator=SEP).writerows(rows)
    return buf.getvalue()


# ---------------------------------------------------------------- scan


@dataclasses.dataclass
class Scan:
    path: Path
    header: list[str]
    records: list[tuple[int, list[str]]]   # valid data lines, (line number, cells)
    problems: list[Problem]
    ends_with_newline: bool = True

    @property
    def legacy(self) -> bool:
        return bool(self.header) and CHECK_COLUMN not in self.header

    def hashes(self) -> set[str]:
        i = self.header.index(HASH_COLUMN)
        return {cells[i] for _, cells in self.records}


def _expected_config(experiment):
    """``({hash: {field: cell}}, [field names])`` over the experiment's grid and quick grid."""
    from .experiment import _jsonable, config_hash

    known, fields = {}, None
    for config in [*experiment.grid, *experiment.quick]:
        values = _jsonable(config)
        fields = fields or list(values)
        h = config_hash(experiment.name, config, experiment.version)
        known[h] = {k: to_cell(v) for k, v in values.items()}
    return known, fields or []


def _recomputed_hash(experiment, cfg_cells: Mapping[str, str]) -> str:
    from .experiment import config_hash

    values = {}
    for k, cell in cfg_cells.items():
        if cell[:1] in "[{":
            try:
                values[k] = json.loads(cell)
                continue
            except ValueError:
                pass
        values[k] = None if cell == "" else parse_cell(cell)
    return config_hash(experiment.name, values, experiment.version)


def scan(path: Path, experiment=None) -> Scan:
    """Read ``path`` line by line and sort its lines into valid records and problems.

    Raises:
        ResultsError: the header is unusable (no ``config_hash``, repeated names, or config
            columns different from ``experiment``'s config fields).
    """
    path = Path(path)
    data = path.read_bytes() if path.exists() else b""
    if not data:
        return Scan(path, [], [], [])
    raw = data.split(b"\n")
    ends = raw[-1] == b""
    if ends:
        raw.pop()
    problems: list[Problem] = []
    lines = []
    for b in raw:
        try:
            lines.append(b.rstrip(b"\r").decode("utf-8"))
        except UnicodeDecodeError:
            lines.append(None)
    if lines[0] is None or (len(lines) == 1 and not ends):
        # the header itself is torn: nothing after it was ever written with it
        return Scan(path, [], [], [Problem(path, 1, "torn header; the file holds no rows")],
                    ends)
    header = next(csv.reader([lines[0]]))
    if HASH_COLUMN not in header or len(set(header)) != len(header):
        raise ResultsError(f"{path}:1: header {header} must name {HASH_COLUMN!r} once and have "
                           "no repeated columns; is this a ccq results file?")
    if experiment is not None:
        known, fields = _expected_config(experiment)
        cfg_cols = [c for c in header[1:] if c in fields]
        missing = [f for f in fields if f not in header]
        if missing or header[1:1 + len(fields)] != fields:
            raise ResultsError(
                f"{path}: config columns {header[1:1 + len(fields)]} differ from "
                f"{experiment.name}'s config fields {fields} (missing {missing}); bump the "
                "experiment's version and move the old file away")
    else:
        known, cfg_cols = {}, []
    legacy = CHECK_COLUMN not in header
    hi = header.index(HASH_COLUMN)
    records, bad_hashes = [], set()
    for n, line in enumerate(lines[1:], start=2):
        last_torn = n == len(lines) and not ends

        def bad(reason, cells=None, n=n):
            h = cells[hi] if cells and len(cells) > hi else ""
            problems.append(Problem(path, n, reason, h))
            if h:
                bad_hashes.add(h)

        if line is None:
            bad("not UTF-8 text (foreign or torn line)")
            continue
        cells = next(csv.reader([line]), [])
        if len(cells) != len(header):
            bad(f"{len(cells)} fields, the header has {len(header)} (torn or foreign line)",
                cells)
            continue
        row = dict(zip(header, cells, strict=True))
        if not legacy:
            if row_check(cells[:-1]) != row[CHECK_COLUMN] or header[-1] != CHECK_COLUMN:
                bad("row_check does not match the row's cells (edited, torn or foreign line)",
                    cells)
                continue
        elif last_torn:
            bad("last line has no newline (possibly torn mid-write)", cells)
            continue
        if experiment is not None:
            h = row[HASH_COLUMN]
            cfg = {c: row[c] for c in cfg_cols}
            if h in known:
                if known[h] != cfg:
                    bad(f"config columns do not match config_hash {h} (edited cell or hash)",
                        cells)
                    continue
            elif (real := _recomputed_hash(experiment, cfg)) != h:
                bad(f"config_hash {h} does not match its config columns (edited hash or cell, "
                    "or a row of another version of the experiment)", cells)
                bad_hashes.add(real)        # the config the row really belongs to
                continue
        records.append((n, cells))
    if legacy:
        # no row count to tell where a config ends: a bad line may belong to the config of
        # either neighbour, so both are rerun (a rerun costs time, a torn config is wrong)
        bad_lines = {p.line for p in problems}
        bad_hashes |= {cells[hi] for n, cells in records
                       if n - 1 in bad_lines or n + 1 in bad_lines}
    if legacy:
        # a checked file's row_check already covers every cell; a legacy file has only this
        records = _check_types(path, header, records, problems, bad_hashes, hi)
    records = _complete_configs(path, header, records, problems, bad_hashes, hi, legacy)
    return Scan(path, header, records, problems, ends)


def _check_types(path, header, records, problems, bad_hashes, hi):
    """Each column keeps one kind of value (number, bool, text); a cell that breaks it is bad.

    Used on legacy files only (the checked format has ``row_check``): there a cell edited to
    "abc" in a numeric column is found this way.
    """
    if not records:
        return records
    odd = set()
    for j, name in enumerate(header):
        if name in (HASH_COLUMN, ROW_COLUMN, ROWS_COLUMN, CHECK_COLUMN):
            continue            # hex text that may look like a number ("1234e567...")
        kinds = [_kind(cells[j]) for _, cells in records]
        counts = {k: kinds.count(k) for k in set(kinds) - {"empty"}}
        if len(counts) <= 1:
            continue
        major = max(counts, key=counts.get)
        for (n, cells), k in zip(records, kinds, strict=True):
            if k not in (major, "empty"):
                problems.append(Problem(path, n, f"column {name!r} holds {cells[j]!r}, a {k} "
                                        f"among {major} values (edited cell)", cells[hi]))
                bad_hashes.add(cells[hi])
                odd.add(n)
    return [r for r in records if r[0] not in odd]


def _complete_configs(path, header, records, problems, bad_hashes, hi, legacy):
    """Keep each config's first complete block of rows; report torn, broken and repeated ones."""
    ri = None if legacy else header.index(ROWS_COLUMN)
    ii = None if legacy else header.index(ROW_COLUMN)
    blocks: list[list[tuple[int, list[str]]]] = []
    for rec in records:
        # a block is one append: rows of one config, numbered 0, 1, ... in the checked format
        if blocks and blocks[-1][0][1][hi] == rec[1][hi] and (
                ii is None or rec[1][ii] == str(len(blocks[-1]))):
            blocks[-1].append(rec)
        else:
            blocks.append([rec])
    kept, seen = [], set()
    for block in blocks:
        h = block[0][1][hi]
        if h in bad_hashes:
            reason = f"config {h} has a bad line, so it is left out and will be rerun"
        elif ri is not None and (block[0][1][ii] != "0" or len(block) != int(block[0][1][ri])):
            reason = (f"config {h} has {len(block)} of its {block[0][1][ri]} rows (torn append);"
                      " it will be rerun")
        elif h in seen:
            reason = f"config {h} repeated (a second writer or a rerun); the first copy is kept"
        else:
            seen.add(h)
            kept.extend(block)
            continue
        problems.extend(Problem(path, n, reason, h) for n, _ in block)
    return kept


# ---------------------------------------------------------------- public


def check_results(path: Path | str, experiment=None) -> list[Problem]:
    """The lines of a results CSV that :func:`load_results` would leave out, and why."""
    return scan(Path(path), experiment).problems


def _report(problems: Sequence[Problem]) -> None:
    if problems:
        shown = "; ".join(str(p) for p in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        warnings.warn(f"{len(problems)} line(s) left out: {shown}{more}", ResultsWarning,
                      stacklevel=3)


def load_results(path: Path | str, experiment=None) -> list[dict]:
    """Rows of a results CSV with numbers parsed (an empty list if the file does not exist).

    Torn, edited, foreign and repeated lines are left out with a :class:`ResultsWarning` that
    names file and line; so is every other row of the config they belong to. With
    ``experiment``, each ``config_hash`` is also verified against the config columns.
    The check columns ``config_row``, ``config_rows`` and ``row_check`` are not returned.

    Raises:
        ResultsError: the file is not a usable results file (see :func:`scan`).
    """
    s = scan(Path(path), experiment)
    _report(s.problems)
    drop = {ROW_COLUMN, ROWS_COLUMN, CHECK_COLUMN}
    # config_hash stays text: a hash like "0012345678901234" must not become a number
    return [{k: v if k == HASH_COLUMN else parse_cell(v)
             for k, v in zip(s.header, cells, strict=True) if k not in drop}
            for _, cells in s.records]


def columns(rows: Sequence[Mapping], *names: str) -> list[np.ndarray]:
    """Columns of ``rows`` as numpy arrays, one per name.

    Examples:
        >>> columns([{"a": 1, "b": 2.0}, {"a": 3, "b": 4.0}], "a", "b")
        [array([1, 3]), array([2., 4.])]
    """
    return [np.array([r[n] for r in rows]) for n in names]


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def rewrite(s: Scan) -> None:
    """Replace ``s.path`` atomically by its valid records in the checked format.

    Bad lines are appended to ``<name>.rejected.csv`` beside it first, so nothing is lost.
    """
    path = s.path
    if s.problems:
        bad_lines = {p.line for p in s.problems}
        text = path.read_bytes().split(b"\n")
        with (path.parent / f"{path.stem}.rejected.csv").open("ab") as fh:
            for n in sorted(bad_lines):
                fh.write(b"# " + str(path).encode() + b":" + str(n).encode() + b": "
                         + next(p.reason for p in s.problems if p.line == n).encode() + b"\n")
                fh.write(text[n - 1].rstrip(b"\r") + b"\n")
            fh.flush()
            os.fsync(fh.fileno())
    header = [c for c in s.header if c not in (ROW_COLUMN, ROWS_COLUMN, CHECK_COLUMN)]
    idx = [s.header.index(c) for c in header]
    hi = s.header.index(HASH_COLUMN) if s.header else 0
    counts: dict[str, int] = {}
    for _, cells in s.records:
        counts[cells[hi]] = counts.get(cells[hi], 0) + 1
    out, seen = [], {}
    for _, cells in s.records:
        i = seen[cells[hi]] = seen.get(cells[hi], -1) + 1
        body = [cells[i_] for i_ in idx] + [str(i), str(counts[cells[hi]])]
        out.append(body + [row_check(body)])
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", newline="") as fh:
        if header:
            fh.write(format_lines([[*header, ROW_COLUMN, ROWS_COLUMN, CHECK_COLUMN], *out]))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def upgrade_results(path: Path | str, experiment=None) -> list[Problem]:
    """Bring a results CSV to the checked format in place; idempotent.

    Adds ``config_row``, ``config_rows`` and ``row_check`` to a legacy file (cells are kept as
    written) and moves bad lines to ``<name>.rejected.csv``. A clean checked file is untouched.
    Returns the problems found. Command line: ``python -m ccq.experiment upgrade FILE...``.
    """
    s = scan(Path(path), experiment)
    if s.header and (s.legacy or s.problems or not s.ends_with_newline):
        rewrite(s)
    elif not s.header and s.problems:
        rewrite(s)
    return s.problems
