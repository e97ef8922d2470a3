"""Zero-copy exchange with PyTorch, JAX, CuPy and others through the DLPack protocol."""

from __future__ import annotations

import enum
from typing import Protocol, runtime_checkable

import numpy

from ._array import Array
from ._cupy import require_cupy
from ._device import CudaDevice, Device, cpu_device

__all__ = ["SupportsDLPack", "dlpack_device", "from_dlpack", "to_dlpack"]


@runtime_checkable
class SupportsDLPack(Protocol):
    """An array that exports itself through DLPack (``__dlpack__`` and ``__dlpack_device__``).

    NumPy and CuPy arrays, PyTorch tensors and JAX arrays all are.
    """

    def __dlpack__(self, *, stream: int | None = None) -> object:
        """Export the array as a DLPack capsule."""
        ...

    def __dlpack_device__(self) -> tuple[int, int]:
        """Return ``(device_type, device_id)`` in DLPack's numbering."""
        ...


class _DLDeviceType(enum.IntEnum):
    # From dlpack.h; only the kinds kusari can map to one of its devices.
    CPU = 1
    CUDA = 2
    CUDA_HOST = 3
    CUDA_MANAGED = 13


def dlpack_device(obj: SupportsDLPack) -> Device:
    """Return the kusari device on which a DLPack-capable array lives.

    Pinned host memory counts as the CPU; CUDA managed memory as its CUDA device.

    Args:
        obj: An object with ``__dlpack_device__``.

    Returns:
        The device.

    Raises:
        TypeError: If ``obj`` does not implement the DLPack protocol.
        ValueError: If it lives on a kind of device kusari does not support (ROCm, ...).

    Example:
        >>> import numpy
        >>> from kusari.devices import dlpack_device
        >>> dlpack_device(numpy.zeros(2))
        <CpuDevice '@numpy'>
    """
    query = getattr(obj, "__dlpack_device__", None)
    if query is None or not hasattr(obj, "__dlpack__"):
        raise TypeError(
            f"expected an object implementing the DLPack protocol (__dlpack__ and "
            f"__dlpack_device__), got {type(obj).__module__}.{type(obj).__qualname__}"
        )
    device_type, device_id = query()
    if device_type in (_DLDeviceType.CPU, _DLDeviceType.CUDA_HOST):
        return cpu_device
    if device_type in (_DLDeviceType.CUDA, _DLDeviceType.CUDA_MANAGED):
        return CudaDevice(int(device_id))
    raise ValueError(
        f"cannot import a DLPack array from device type {int(device_type)} "
        f"(device {int(device_id)}): kusari supports CPU (1), CUDA (2), CUDA host (3) and "
        "CUDA managed (13) memory"
    )


def from_dlpack(
    obj: SupportsDLPack, device: Device | None = None, *, copy: bool | None = None
) -> Array:
    """Import a DLPack-capable array (a PyTorch tensor, a JAX array, ...) as a kusari array.

    Without ``copy=True`` the result shares memory with ``obj``: writes through one are
    seen through the other.  A CPU tensor becomes a NumPy array, a CUDA tensor a CuPy array.

    Args:
        obj: The array to import.
        device: Where the result must live; ``None`` means where ``obj`` lives.  When it
            differs from ``obj``'s device the data is copied (unless ``copy=False``).
        copy: ``None`` (default): share memory when possible, copy across devices;
            ``True``: always copy; ``False``: never copy, raise instead.

    Returns:
        A NumPy or CuPy array.

    Raises:
        TypeError: If ``obj`` does not implement the DLPack protocol.
        ValueError: If ``copy=False`` and ``obj`` is not on ``device``, or ``obj`` lives on
            an unsupported kind of device.
        RuntimeError: If ``obj`` is on a GPU and CuPy cannot be imported.
        BufferError: If the producer refuses to export (e.g. a tensor requiring grad).

    Example:
        >>> import numpy
        >>> from kusari.devices import from_dlpack
        >>> source = numpy.arange(3.0)
        >>> shared = from_dlpack(source)
        >>> shared[0] = 7.0
        >>> float(source[0])
        7.0
    """
    source_device = dlpack_device(obj)
    target = source_device if device is None else device
    if target != source_device and copy is False:
        raise ValueError(
            f"from_dlpack(copy=False) cannot share memory: the array is on "
            f"{source_device.name}, the requested device is {target.name}"
        )
    if isinstance(source_device, CudaDevice):
        cupy = require_cupy()
        with source_device.device:
            imported: Array = cupy.from_dlpack(obj)
    else:
        # NumPy's stub wants its own capsule type as the return of __dlpack__.
        imported = numpy.from_dlpack(obj)  # type: ignore[arg-type]
    if target != source_device:
        return target.send_array(imported)
    if copy:
        duplicate: Array = imported.copy()
        return duplicate
    return imported


def to_dlpack(array: Array) -> object:
    """Export a NumPy or CuPy array as a DLPack capsule (a ``PyCapsule``), sharing memory.

    Modern consumers take the array itself (``torch.from_dlpack(array)``,
    ``jax.dlpack.from_dlpack(array)``) since NumPy and CuPy arrays implement ``__dlpack__``;
    the capsule is for older APIs such as ``torch.utils.dlpack.from_dlpack(capsule)``.  A
    capsule can be consumed once.

    Args:
        array: The array to export.

    Returns:
        The DLPack capsule.

    Raises:
        TypeError: If ``array`` is not a NumPy or CuPy array.
        BufferError: If the array cannot be exported (read-only or non-native byte order
            NumPy arrays, for instance).

    Example:
        >>> import numpy
        >>> from kusari.devices import to_dlpack
        >>> type(to_dlpack(numpy.zeros(2))).__name__
        'PyCapsule'
    """
    from ._array import is_array

    if not is_array(array):
        raise TypeError(
            f"to_dlpack expects a numpy.ndarray or cupy.ndarray, got "
            f"{type(array).__module__}.{type(array).__qualname__}"
        )
    try:
        return array.__dlpack__()
    except BufferError as error:
        raise BufferError(f"cannot export the array through DLPack: {error}") from error
