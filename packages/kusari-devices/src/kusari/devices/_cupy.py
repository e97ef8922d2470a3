"""Lazy access to CuPy: nothing here imports CuPy until a caller asks for it."""

from __future__ import annotations

import importlib.util
import sys
import types

__all__ = ["CUDA_INSTALL_HINT", "cupy_if_imported", "cupy_or_none", "is_available", "require_cupy"]

CUDA_INSTALL_HINT = (
    "install CuPy for your CUDA toolkit with `pip install kusari-devices[cuda12]` "
    "(CUDA 12.x) or `pip install kusari-devices[cuda13]` (CUDA 13.x)"
)

_UNSET = object()
_cupy: object = _UNSET
_import_error: BaseException | None = None
_available: bool | None = None


def cupy_if_imported() -> types.ModuleType | None:
    """Return CuPy if something has imported it already, else ``None``, importing nothing.

    A CuPy array cannot exist before ``cupy`` is imported, so hot paths that only need to
    recognise CuPy arrays use this instead of :func:`cupy_or_none`.
    """
    module = sys.modules.get("cupy")
    # A module half-way through its own import has no ``ndarray`` yet.
    if module is None or not hasattr(module, "ndarray"):
        return None
    return module


def cupy_or_none() -> types.ModuleType | None:
    """Import CuPy on first use and return it, or ``None`` when it cannot be imported."""
    global _cupy, _import_error
    if _cupy is _UNSET:
        if importlib.util.find_spec("cupy") is None:
            _cupy = None
        else:
            try:
                _cupy = importlib.import_module("cupy")
            except Exception as error:  # CuPy raises many kinds on a broken CUDA setup.
                _import_error = error
                _cupy = None
    return _cupy if isinstance(_cupy, types.ModuleType) else None


def is_available() -> bool:
    """Return whether CuPy imports and sees at least one CUDA device (computed once)."""
    global _available
    if _available is None:
        cupy = cupy_or_none()
        if cupy is None:
            _available = False
        else:
            try:
                _available = int(cupy.cuda.runtime.getDeviceCount()) > 0
            except Exception as error:  # no driver, no device, ...
                global _import_error
                _import_error = error
                _available = False
    return _available


def require_cupy() -> types.ModuleType:
    """Return CuPy, or raise a RuntimeError saying how to install it.

    Raises:
        RuntimeError: If CuPy cannot be imported.
    """
    cupy = cupy_or_none()
    if cupy is None:
        raise RuntimeError(_unavailable_message("CuPy is not installed or cannot be imported"))
    return cupy


def unavailable_reason() -> str:
    """Describe why CUDA is unavailable (for error messages)."""
    return _unavailable_message("CUDA is not available")


def _unavailable_message(headline: str) -> str:
    detail = ""
    if _import_error is not None:
        detail = f" ({type(_import_error).__name__}: {_import_error})"
    return f"{headline}{detail}; {CUDA_INSTALL_HINT}"
