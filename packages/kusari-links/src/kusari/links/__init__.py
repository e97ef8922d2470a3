"""Links of kusari: Parameter, Link, Chain, ChainList, Sequential and the standard layers."""

from .__about__ import __version__ as __version__

__all__ = ["__version__"]
