"""Chainer names provided by the ``kusari-devices`` distribution."""

from __future__ import annotations

from ._tree import ModuleTree

__all__ = ["register"]


def register(tree: ModuleTree) -> None:
    """Add the names of ``kusari.devices`` to the Chainer module tree."""
    import kusari.devices  # noqa: F401  (skips this provider when the package is absent)
