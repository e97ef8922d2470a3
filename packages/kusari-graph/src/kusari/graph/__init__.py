"""The define-by-run autograd core of kusari: Variable, FunctionNode and the backward engine."""

from .__about__ import __version__ as __version__

__all__ = ["__version__"]
