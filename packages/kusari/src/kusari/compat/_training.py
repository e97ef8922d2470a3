"""Chainer names provided by the ``kusari-training`` distribution."""

from __future__ import annotations

from ._tree import ModuleTree

__all__ = ["register"]


def register(tree: ModuleTree) -> None:
    """Add the names of ``kusari.training`` and its siblings to the Chainer module tree."""
    import kusari.training  # noqa: F401  (skips this provider when the package is absent)
