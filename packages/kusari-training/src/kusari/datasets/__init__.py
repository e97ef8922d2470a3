"""Dataset helpers of kusari: tuple/dict datasets, splits, transforms, bundled data."""

from kusari.training.__about__ import __version__ as __version__

__all__ = ["__version__"]
