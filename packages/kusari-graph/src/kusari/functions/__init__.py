"""Differentiable functions of kusari (Chainer's ``chainer.functions``)."""

from kusari.graph.__about__ import __version__ as __version__

__all__ = ["__version__"]
