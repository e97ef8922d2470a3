"""Utility functions: :func:`forget` (recompute in backward instead of storing)."""

from .forget import forget as forget

__all__ = ["forget"]
