"""Sphinx configuration for the kusari documentation."""

from __future__ import annotations

import importlib.metadata
import socket

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
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]

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

doctest_global_setup = """
import numpy
numpy.set_printoptions(precision=4, suppress=True)
"""

myst_enable_extensions = ["colon_fence"]
