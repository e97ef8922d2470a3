"""Moving arrays between devices: :func:`to_cpu`, :func:`to_gpu`, :func:`to_device`, copyto."""

from __future__ import annotations

from typing import Any, TypeVar, overload

import numpy

from ._array import Array, Scalar
from ._cupy import cupy_if_imported, require_cupy
from ._device import CudaDevice, cpu_device
from ._lookup import DeviceSpec, get_device

__all__ = ["copyto", "to_cpu", "to_device", "to_gpu"]

_ArrayT = TypeVar("_ArrayT", bound=Array)
_TreeT = TypeVar("_TreeT", bound=list[Any] | tuple[Any, ...] | dict[Any, Any])


@overload
def to_cpu(array: None) -> None: ...
@overload
def to_cpu(array: _ArrayT) -> _ArrayT: ...
@overload
def to_cpu(array: Scalar) -> Array: ...
@overload
def to_cpu(array: _TreeT) -> _TreeT: ...
def to_cpu(array: object) -> object:
    """Copy an array, or a nested list/tuple/dict of arrays, to the host.

    A NumPy array is returned as it is (no copy); a CuPy array is copied with ``.get()``;
    ``None`` passes through; a scalar becomes a 0-dimensional array.

    Args:
        array: An array, scalar, ``None``, or a list, tuple or dict of those.

    Returns:
        The same structure holding NumPy arrays.

    Raises:
        TypeError: If a leaf is of an unsupported type.

    Example:
        >>> import numpy
        >>> from kusari.devices import to_cpu
        >>> a = numpy.arange(3)
        >>> to_cpu(a) is a, to_cpu([a, None])[1]
        (True, None)
    """
    return cpu_device.send(array)  # type: ignore[call-overload]


@overload
def to_gpu(array: None, device: DeviceSpec | None = None) -> None: ...
@overload
def to_gpu(array: Array | Scalar, device: DeviceSpec | None = None) -> Any: ...
@overload
def to_gpu(array: _TreeT, device: DeviceSpec | None = None) -> _TreeT: ...
def to_gpu(array: object, device: DeviceSpec | None = None) -> object:
    """Copy an array, or a nested list/tuple/dict of arrays, to a CUDA device.

    A CuPy array already on the target GPU is returned as it is; one on another GPU is
    copied there; NumPy arrays and scalars are copied from the host.

    Args:
        array: An array, scalar, ``None``, or a list, tuple or dict of those.
        device: The target GPU: an ordinal, ``'@cupy:N'``, a :class:`CudaDevice` or a
            ``cupy.cuda.Device``; ``None`` means CuPy's current device.

    Returns:
        The same structure holding CuPy arrays.  CuPy has no type information, so a single
        array comes back typed ``Any``.

    Raises:
        RuntimeError: If CuPy cannot be imported.
        ValueError: If ``device`` does not name a CUDA device.
        TypeError: If a leaf is of an unsupported type.

    Example:
        >>> from kusari.devices import cuda, to_gpu
        >>> if cuda.available:
        ...     assert to_gpu(1.0).device.id >= 0
    """
    return _cuda_target(device).send(array)  # type: ignore[call-overload]


def _cuda_target(device: DeviceSpec | None) -> CudaDevice:
    if device is None:
        cupy = require_cupy()
        return CudaDevice(int(cupy.cuda.Device().id))
    resolved = get_device(device)
    if not isinstance(resolved, CudaDevice):
        raise ValueError(f"to_gpu needs a CUDA device, got {resolved.name!r} from {device!r}")
    return resolved


@overload
def to_device(device_spec: DeviceSpec, array: None) -> None: ...
@overload
def to_device(device_spec: DeviceSpec, array: _ArrayT) -> _ArrayT: ...
@overload
def to_device(device_spec: DeviceSpec, array: Scalar) -> Array: ...
@overload
def to_device(device_spec: DeviceSpec, array: _TreeT) -> _TreeT: ...
def to_device(device_spec: DeviceSpec, array: object) -> object:
    """Send an array, or a nested list/tuple/dict of arrays, to a device.

    The same as ``get_device(device_spec).send(array)``: arrays already there are not
    copied.

    Args:
        device_spec: Any form :func:`get_device` accepts.
        array: An array, scalar, ``None``, or a list, tuple or dict of those.

    Returns:
        The same structure with every array on the device.

    Raises:
        ValueError: If ``device_spec`` is invalid.
        TypeError: If a leaf is of an unsupported type.

    Example:
        >>> import numpy
        >>> from kusari.devices import to_device
        >>> a = numpy.zeros(2)
        >>> to_device("@numpy", a) is a
        True
    """
    return get_device(device_spec).send(array)  # type: ignore[call-overload]


def copyto(dst: Array, src: Array | Scalar) -> None:
    """Copy the elements of ``src`` into ``dst``, across devices if needed.

    ``src`` is broadcast to ``dst``'s shape and cast to its dtype (``same_kind``-free, like
    assignment ``dst[...] = src``).

    Args:
        dst: The NumPy or CuPy array to write into.
        src: A NumPy or CuPy array (on any device) or a scalar.

    Raises:
        TypeError: If ``dst`` or ``src`` is not an array kusari supports.

    Example:
        >>> import numpy
        >>> from kusari.devices import copyto
        >>> dst = numpy.zeros(3)
        >>> copyto(dst, numpy.arange(3))
        >>> dst
        array([0., 1., 2.])
    """
    target: object = dst  # checked at run time, whatever the static type says
    if isinstance(target, numpy.ndarray):
        host_src = cpu_device.send_array(src)
        numpy.copyto(target, host_src, casting="unsafe")
        return
    cupy = cupy_if_imported()
    if cupy is not None and isinstance(target, cupy.ndarray):
        with target.device:
            device_src = CudaDevice(int(target.device.id)).send_array(src)
            cupy.copyto(target, device_src, casting="unsafe")
        return
    raise TypeError(
        f"copyto destination must be a numpy.ndarray or cupy.ndarray, got {type(dst).__name__}"
    )
