"""Dataset iterators of kusari: serial, multithread and multiprocess."""

from kusari.training.__about__ import __version__ as __version__

__all__ = ["__version__"]
