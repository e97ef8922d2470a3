"""Sphinx configuration for the kusari documentation."""

from __future__ import annotations

import importlib.metadata
import pathlib
import socket
import sys

# The project's own Sphinx extensions (op index, Chainer name coverage) live in _ext/.
sys.path.insert(0, str(pathlib.Path(__file__).parent / "_ext"))

project = "kusari"
author = "The kusari developers"
copyright = "2026, The kusari developers"
release = importlib.metadata.version("kusari")
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.intersphinx",
    "sphinx.ext.doctest",
    "sphinx.ext.viewcode",
    "kusari_autodoc",
    "kusari_op_index",
    "chainer_coverage",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "_ext"]

html_theme = "furo"
html_title = "kusari"

autodoc_default_options = {
    "members": True,
    "imported-members": True,
    "show-inheritance": True,
}
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_preserve_defaults = True
napoleon_google_docstring = True
napoleon_numpy_docstring = False
# ``Attributes:`` sections become ``:ivar:`` fields.  As ``.. attribute::`` directives they
# would describe a second time the properties that autodoc documents from the class.
napoleon_use_ivar = True


def _online(host: str) -> bool:
    """Whether ``host`` answers on port 443 within a second."""
    try:
        socket.create_connection((host, 443), timeout=1).close()
    except OSError:
        return False
    return True


# Link to the Python and NumPy docs where their inventories can be fetched.  The CI machine
# has no network, and an unreachable inventory must not turn into a -W error there.
intersphinx_mapping = {
    name: (url, None)
    for name, host, url in (
        ("python", "docs.python.org", "https://docs.python.org/3"),
        ("numpy", "numpy.org", "https://numpy.org/doc/stable/"),
    )
    if _online(host)
}

# The doctest builder runs every docstring example and every ``{doctest}`` block of the
# guides.  Printing stays NumPy's default, as under ``pytest --doctest-modules`` (the nox
# ``tests`` session runs the same docstrings), so an example passes both or neither.
# Optional third-party packages are looked up here, so that a block needing one can say
# ``:skipif: torch is None`` and is skipped, not failed, where it is not installed.
# ``DOCS_DIR`` is this folder, for examples that read the files of ``_snippets/``.
doctest_global_setup = f"""
import numpy
DOCS_DIR = {str(pathlib.Path(__file__).parent.resolve())!r}
try:
    import torch
except ImportError:
    torch = None
try:
    import safetensors
except ImportError:
    safetensors = None
try:
    import h5py
except ImportError:
    h5py = None
try:
    import mypy.api
except ImportError:
    mypy = None
"""

myst_enable_extensions = ["colon_fence"]
