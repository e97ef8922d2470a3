"""Chainer's top-level names that belong to no single kusari package."""

from __future__ import annotations

import platform
import sys

import numpy

from .__about__ import __version__ as kusari_version
from ._tree import ModuleTree

__all__ = ["CHAINER_VERSION", "print_runtime_info", "register"]

CHAINER_VERSION = "7.8.1"
"""The Chainer release whose API kusari's compat layer follows."""


def print_runtime_info(out: object = None) -> None:
    """Print the versions of Python, NumPy and kusari, like ``chainer.print_runtime_info``.

    Args:
        out: A file-like object with ``write``; ``sys.stdout`` when omitted.

    Example:
        >>> import io
        >>> from kusari.compat._core import print_runtime_info
        >>> buffer = io.StringIO()
        >>> print_runtime_info(buffer)
        >>> "kusari" in buffer.getvalue()
        True
    """
    stream = sys.stdout if out is None else out
    lines = [
        f"Platform: {platform.platform()}",
        f"Chainer API: {CHAINER_VERSION} (kusari {kusari_version})",
        f"Python: {platform.python_version()}",
        f"NumPy: {numpy.__version__}",
    ]
    write = getattr(stream, "write", None)
    if write is None:
        raise TypeError(f"out must have a write() method, got {type(out).__name__}")
    write("\n".join(lines) + "\n")


def register(tree: ModuleTree) -> None:
    """Add the package-independent top-level names."""
    tree.export(
        "chainer",
        __version__=CHAINER_VERSION,
        __kusari_version__=kusari_version,
        print_runtime_info=print_runtime_info,
    )
