"""Saving and loading links and optimizers (npz, safetensors)."""

from kusari.links.__about__ import __version__ as __version__

__all__ = ["__version__"]
