"""Training loop of kusari: Trainer, updaters, triggers and extensions."""

from .__about__ import __version__ as __version__

__all__ = ["__version__"]
