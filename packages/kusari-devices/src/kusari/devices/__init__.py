"""Devices and array transfers for kusari: CPU (NumPy) and CUDA (CuPy) backends, fused kernels."""

from .__about__ import __version__ as __version__

__all__ = ["__version__"]
