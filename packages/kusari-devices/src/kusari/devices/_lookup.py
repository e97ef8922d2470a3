"""Finding devices: :func:`get_device`, :func:`get_device_from_array`, :func:`using_device`."""

from __future__ import annotations

import types
from contextlib import AbstractContextManager
from typing import TypeAlias

import numpy

from ._cupy import cupy_if_imported
from ._device import CpuDevice, CudaDevice, Device, SupportsDeviceId, cpu_device

__all__ = [
    "DeviceSpec",
    "get_array_module",
    "get_device",
    "get_device_from_array",
    "using_device",
]

DeviceSpec: TypeAlias = Device | int | numpy.integer | str | SupportsDeviceId
"""What :func:`get_device` accepts (see there)."""

_ACCEPTED_FORMS = (
    "a Device, an int or numpy integer (>= 0: that CUDA device, < 0: the CPU), a string "
    "holding such an int ('-1', '0'), '@numpy', '@cupy:<id>' or a cupy.cuda.Device"
)

_ndarray = numpy.ndarray


def get_device(device_spec: DeviceSpec) -> Device:
    """Return the :class:`Device` that ``device_spec`` names.

    Accepted forms:

    * a :class:`Device`, returned as it is;
    * an ``int`` or NumPy integer: ``>= 0`` is that CUDA device, ``< 0`` is the CPU (so
      the conventional ``--device -1`` means the CPU);
    * a string holding such an integer, like ``'-1'`` or ``'0'``;
    * ``'@numpy'`` (the CPU) or ``'@cupy:<id>'``;
    * a ``cupy.cuda.Device``.

    ChainerX specifiers (``'native:0'``, ``'cuda:0'``) and ``'@intel64'`` are not supported.

    Args:
        device_spec: The device specifier.

    Returns:
        The device.

    Raises:
        ValueError: If ``device_spec`` is none of the accepted forms (the message lists them).
        RuntimeError: If it names a CUDA device and CuPy cannot be imported.

    Example:
        >>> from kusari.devices import get_device
        >>> get_device("@numpy")
        <CpuDevice '@numpy'>
        >>> get_device(-1) == get_device("-1") == get_device("@numpy")
        True
    """
    kind = type(device_spec)
    # Fast paths for the common forms; the general checks below handle the rest.
    if kind is CpuDevice or kind is CudaDevice:
        return device_spec  # type: ignore[return-value]
    if kind is str:
        return _from_str(device_spec)  # type: ignore[arg-type]
    if kind is int:
        return _from_int(device_spec)  # type: ignore[arg-type]
    if isinstance(device_spec, Device):
        return device_spec
    if isinstance(device_spec, bool):
        raise ValueError(f"invalid device specifier {device_spec!r} (a bool); {_expected()}")
    if isinstance(device_spec, (int, numpy.integer)):
        return _from_int(int(device_spec))
    if isinstance(device_spec, str):
        return _from_str(device_spec)
    cupy = cupy_if_imported()
    if cupy is not None and isinstance(device_spec, cupy.cuda.Device):
        return CudaDevice(int(device_spec.id))
    raise ValueError(
        f"invalid device specifier of type {type(device_spec).__name__}: {device_spec!r}; "
        f"{_expected()}"
    )


def _expected() -> str:
    return f"expected {_ACCEPTED_FORMS}"


def _from_int(device_id: int) -> Device:
    return cpu_device if device_id < 0 else CudaDevice(device_id)


def _from_str(spec: str) -> Device:
    if spec == "@numpy":
        return cpu_device
    if spec.startswith("@"):
        backend, colon, ordinal = spec.partition(":")
        if backend == "@cupy" and colon and ordinal.isdigit() and ordinal.isascii():
            return CudaDevice(int(ordinal))
        if backend == "@cupy":
            raise ValueError(
                f"invalid device specifier {spec!r}: '@cupy' needs a device ordinal, "
                f"like '@cupy:0'; {_expected()}"
            )
        if backend == "@intel64":
            raise ValueError(
                f"invalid device specifier {spec!r}: kusari has no iDeep (intel64) backend; "
                f"{_expected()}"
            )
        raise ValueError(f"invalid device specifier {spec!r}; {_expected()}")
    try:
        device_id = int(spec)
    except ValueError:
        raise ValueError(
            f"invalid device specifier {spec!r}: ChainerX device specifiers such as "
            f"'native:0' or 'cuda:0' are not supported by kusari; {_expected()}"
        ) from None
    return _from_int(device_id)


def get_device_from_array(*arrays: object) -> Device:
    """Return the device of the first array that is not on the CPU, else the CPU device.

    Objects that are not CuPy arrays (NumPy arrays, scalars, ``None``, ...) count as CPU.
    With NumPy inputs this never imports CuPy and costs a type check per argument.

    Args:
        *arrays: Arrays (or anything else, which counts as the CPU).

    Returns:
        A :class:`CudaDevice` for the first CuPy array, else the :class:`CpuDevice`.

    Example:
        >>> import numpy
        >>> from kusari.devices import get_device_from_array
        >>> get_device_from_array(numpy.zeros(3), None)
        <CpuDevice '@numpy'>
    """
    cupy = None
    for array in arrays:
        if type(array) is _ndarray:
            continue
        if cupy is None:
            cupy = cupy_if_imported()
            if cupy is None:
                # No CuPy array can exist before CuPy is imported.
                return cpu_device
        if isinstance(array, cupy.ndarray):
            return CudaDevice(int(array.device.id))
    return cpu_device


def get_array_module(*args: object) -> types.ModuleType:
    """Return :mod:`numpy`, or ``cupy`` if any argument is a CuPy array.

    Write device-generic code with it: ``xp = get_array_module(x)`` then ``xp.exp(x)``.
    The arguments are arrays, scalars or ``None`` (kusari's Variables are unwrapped by
    ``kusari.graph``'s own helper).  With NumPy inputs this never imports CuPy.

    Args:
        *args: Arrays, scalars or ``None``.

    Returns:
        The array module.

    Example:
        >>> import numpy
        >>> from kusari.devices import get_array_module
        >>> get_array_module(numpy.zeros(2), 1.0) is numpy
        True
    """
    cupy = None
    for arg in args:
        if type(arg) is _ndarray:
            continue
        if cupy is None:
            cupy = cupy_if_imported()
            if cupy is None:
                return numpy
        if isinstance(arg, cupy.ndarray):
            return cupy
        # cupyx.scipy.sparse matrices and other CuPy-backed objects.
        module: types.ModuleType = cupy.get_array_module(arg)
        if module is not numpy:
            return module
    return numpy


def using_device(device_spec: DeviceSpec) -> AbstractContextManager[object]:
    """Return a context manager that makes a device current inside its ``with`` block.

    On the CPU this is a shared, reusable null context (practically free); on a CUDA
    device it enters the ``cupy.cuda.Device``, so CuPy allocates and runs there.

    Args:
        device_spec: Any form :func:`get_device` accepts.

    Returns:
        The context manager.

    Raises:
        ValueError: If ``device_spec`` is not a valid specifier.

    Example:
        >>> import numpy
        >>> from kusari.devices import using_device
        >>> with using_device("@numpy"):
        ...     float(numpy.ones(3).sum())
        3.0
    """
    return get_device(device_spec).create_context()
