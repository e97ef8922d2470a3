"""CUDA helpers in Chainer's ``chainer.backends.cuda`` style, with CuPy imported lazily.

``import kusari.devices.cuda`` never imports CuPy.  The attributes ``available``,
``cupy`` and ``ndarray`` are computed on first access:

* ``available`` is ``True`` when CuPy imports *and* sees at least one CUDA device (Chainer
  only checked the import; kusari also checks for a device so that "available" means
  "usable");
* ``cupy`` is the ``cupy`` module (:class:`RuntimeError` with install hints without it);
* ``ndarray`` is ``cupy.ndarray``, or a placeholder class no object is an instance of, so
  ``isinstance(x, cuda.ndarray)`` works everywhere.

New code should prefer :func:`kusari.devices.get_device` and the :class:`Device` methods;
the functions here keep Chainer's legacy helpers (``get_device_from_id`` returns a
``cupy.cuda.Device`` or :data:`DummyDevice`, usable in ``with``).

Example:
    >>> from kusari.devices import cuda
    >>> isinstance(cuda.available, bool)
    True
    >>> with cuda.get_device_from_id(None):  # the dummy device: a no-op context
    ...     pass
"""

from __future__ import annotations

import functools
import types
from typing import TYPE_CHECKING, Any, Protocol, final

from . import _cupy
from ._cuda_legacy import clear_memo as clear_memo
from ._cuda_legacy import copy as copy
from ._cuda_legacy import fuse as fuse
from ._cuda_legacy import get_max_workspace_size as get_max_workspace_size
from ._cuda_legacy import memoize as memoize
from ._cuda_legacy import set_max_workspace_size as set_max_workspace_size
from ._cuda_legacy import should_use_cudnn as should_use_cudnn
from ._cuda_legacy import should_use_cudnn_tensor_core as should_use_cudnn_tensor_core
from ._lookup import get_array_module as get_array_module
from ._transfer import to_cpu as to_cpu
from ._transfer import to_gpu as to_gpu

__all__ = [
    "DummyDevice",
    "LegacyDevice",
    "available",
    "check_cuda_available",
    "clear_memo",
    "copy",
    "cupy",
    "elementwise",
    "fuse",
    "get_array_module",
    "get_device_from_array",
    "get_device_from_id",
    "get_max_workspace_size",
    "is_available",
    "memoize",
    "ndarray",
    "raw",
    "reduce",
    "set_max_workspace_size",
    "should_use_cudnn",
    "should_use_cudnn_tensor_core",
    "to_cpu",
    "to_gpu",
]

if TYPE_CHECKING:
    available: bool
    cupy: types.ModuleType
    ndarray: type


class LegacyDevice(Protocol):
    """What Chainer's legacy helpers return: ``cupy.cuda.Device`` or :data:`DummyDevice`."""

    @property
    def id(self) -> int:
        """The CUDA ordinal, ``-1`` for the dummy device."""
        ...

    def use(self) -> None:
        """Make the device current."""

    def synchronize(self) -> None:
        """Wait for the device's work to finish."""

    def __enter__(self) -> object: ...
    def __exit__(self, *exc_info: object) -> None: ...


@final
class _DummyDeviceType:
    """The CPU placeholder of the legacy helpers: ``id == -1``, a no-op context manager."""

    __slots__ = ()

    @property
    def id(self) -> int:
        return -1

    def __int__(self) -> int:
        return -1

    def __index__(self) -> int:
        return -1

    def use(self) -> None:
        """Do nothing."""

    def synchronize(self) -> None:
        """Do nothing."""

    def __enter__(self) -> _DummyDeviceType:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _DummyDeviceType)

    def __hash__(self) -> int:
        return hash(-1)

    def __repr__(self) -> str:
        return "DummyDevice"


DummyDevice = _DummyDeviceType()
"""The CPU stand-in that :func:`get_device_from_id` returns for ``None`` or a negative id."""


class _NoCupyArray:
    """Stands in for ``cupy.ndarray`` without CuPy; nothing is an instance of it."""

    __slots__ = ()

    def __new__(cls) -> _NoCupyArray:
        raise RuntimeError(_cupy.unavailable_reason())


def is_available() -> bool:
    """Return whether CuPy imports and at least one CUDA device is present (cached).

    Example:
        >>> from kusari.devices import cuda
        >>> cuda.is_available() == cuda.available
        True
    """
    return _cupy.is_available()


def check_cuda_available() -> None:
    """Raise :class:`RuntimeError` with install hints unless CUDA is usable.

    Raises:
        RuntimeError: If CuPy is missing or sees no CUDA device.

    Example:
        >>> from kusari.devices import cuda
        >>> if not cuda.available:
        ...     try:
        ...         cuda.check_cuda_available()
        ...     except RuntimeError as error:
        ...         assert "kusari-devices[cuda12]" in str(error)
    """
    if not _cupy.is_available():
        raise RuntimeError(_cupy.unavailable_reason())


def get_device_from_id(device_id: int | None) -> LegacyDevice:
    """Return ``cupy.cuda.Device(device_id)``, or :data:`DummyDevice` for ``None`` or ``< 0``.

    Args:
        device_id: A CUDA ordinal, a negative number or ``None``.

    Returns:
        A device usable as ``with get_device_from_id(i): ...``.

    Raises:
        RuntimeError: If ``device_id >= 0`` and CUDA is not available.

    Example:
        >>> from kusari.devices import cuda
        >>> cuda.get_device_from_id(-1) is cuda.DummyDevice
        True
    """
    if device_id is None or int(device_id) < 0:
        return DummyDevice
    check_cuda_available()
    device: LegacyDevice = _cupy.require_cupy().cuda.Device(int(device_id))
    return device


def get_device_from_array(*arrays: object) -> LegacyDevice:
    """Return the ``cupy.cuda.Device`` of the first CuPy array, else :data:`DummyDevice`.

    Example:
        >>> import numpy
        >>> from kusari.devices import cuda
        >>> cuda.get_device_from_array(numpy.zeros(1)) is cuda.DummyDevice
        True
    """
    cupy_module = _cupy.cupy_if_imported()
    if cupy_module is not None:
        for array in arrays:
            if isinstance(array, cupy_module.ndarray):
                device: LegacyDevice = array.device
                return device
    return DummyDevice


@functools.cache
def elementwise(in_params: str, out_params: str, operation: str, name: str, **kwargs: Any) -> Any:
    """Build (once per argument set) a ``cupy.ElementwiseKernel``.

    Args:
        in_params: The input parameter declarations, e.g. ``'T x, T y'``.
        out_params: The output parameter declarations.
        operation: The CUDA C++ body for one element.
        name: The kernel name.
        **kwargs: More ``cupy.ElementwiseKernel`` options (hashable values).

    Returns:
        The kernel, cached on its arguments.

    Raises:
        RuntimeError: If CuPy cannot be imported.
    """
    return _cupy.require_cupy().ElementwiseKernel(in_params, out_params, operation, name, **kwargs)


@functools.cache
def reduce(
    in_params: str,
    out_params: str,
    map_expr: str,
    reduce_expr: str,
    post_map_expr: str,
    identity: str | None,
    name: str,
    **kwargs: Any,
) -> Any:
    """Build (once per argument set) a ``cupy.ReductionKernel``.

    Raises:
        RuntimeError: If CuPy cannot be imported.
    """
    return _cupy.require_cupy().ReductionKernel(
        in_params, out_params, map_expr, reduce_expr, post_map_expr, identity, name, **kwargs
    )


@functools.cache
def raw(code: str, name: str, *args: Any, **kwargs: Any) -> Any:
    """Build (once per argument set) a ``cupy.RawKernel`` named ``name`` from ``code``.

    Raises:
        RuntimeError: If CuPy cannot be imported.
    """
    return _cupy.require_cupy().RawKernel(code, name, *args, **kwargs)


def __getattr__(name: str) -> Any:
    if name == "available":
        return _cupy.is_available()
    if name == "cupy":
        return _cupy.require_cupy()
    if name == "ndarray":
        module = _cupy.cupy_or_none()
        return _NoCupyArray if module is None else module.ndarray
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
