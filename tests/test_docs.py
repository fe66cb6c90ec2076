"""The documentation builds offline with no warnings: the chapters in docs/ and the API reference
generated from the docstrings (the command the README gives)."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_chapter_titles_name_topics_not_issues():
    for page in sorted((ROOT / "docs").glob("*.md")):
        title = page.read_text(encoding="utf-8").splitlines()[0]
        assert title.startswith("# ") and not re.search(r"\bissue\b", title, re.I), (page, title)


def test_every_chapter_is_in_the_table_of_contents():
    index = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    for page in (ROOT / "docs").glob("*.md"):
        if page.stem != "index":
            assert re.search(rf"^{page.stem}$", index, re.M), page.stem


def test_sphinx_build_has_no_warnings(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         str(ROOT / "docs"), str(tmp_path / "html")],
        capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert done.returncode == 0, (done.stdout + done.stderr)[-5000:]
    assert (tmp_path / "html" / "api.html").read_text().count("ccq.protocols.gapip") > 0
