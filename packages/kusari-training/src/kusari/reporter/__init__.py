"""Reporting of observed values during training: Reporter, report, Summary."""

from kusari.datasets.__about__ import __version__ as __version__

__all__ = ["__version__"]
