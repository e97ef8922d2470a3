"""Optimizers of kusari: UpdateRule, Optimizer, GradientMethod and the update rules."""

from kusari.links.__about__ import __version__ as __version__

__all__ = ["__version__"]
