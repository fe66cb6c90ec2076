"""Sphinx configuration of the ccq documentation: narrative chapters (Markdown, via MyST) and an
API reference generated from the docstrings (autodoc + napoleon, Google style).

Build offline, warnings as errors: ``python -m sphinx -W -b html docs docs/_build/html``
(``pip install -e ".[docs]"``).
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("JAX_PLATFORMS", "cpu")

project = "ccq"
author = "the ccq authors"
copyright = "the ccq authors"  # noqa: A001 (Sphinx's name)
release = version = "0.1.0"

extensions = ["sphinx.ext.autodoc", "sphinx.ext.napoleon", "myst_parser"]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build"]
root_doc = "index"

napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_ivar = True          # dataclass fields: documented once, by autodoc
autodoc_member_order = "bysource"
autodoc_typehints = "none"          # signatures already show them; no unresolvable cross-refs
autodoc_default_options = {"members": True, "undoc-members": False}

myst_heading_anchors = 3
# Chapters link to source files of the repository (experiments/..., ccq/...), which are not
# documentation pages; MyST would report each as a missing cross-reference.
suppress_warnings = ["myst.xref_missing"]

html_theme = "alabaster"
html_static_path: list[str] = []
