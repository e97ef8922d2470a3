"""The device model: :class:`Device`, :class:`CpuDevice` and :class:`CudaDevice`."""

from __future__ import annotations

import abc
import contextlib
import operator
import types
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, final, overload, runtime_checkable

import numpy

from ._array import Array, Scalar
from ._cupy import cupy_if_imported, require_cupy

if TYPE_CHECKING:
    from ._dlpack import SupportsDLPack

__all__ = ["CpuDevice", "CudaDevice", "Device", "SupportsDeviceId", "cpu_device"]

_ArrayT = TypeVar("_ArrayT", bound=Array)
_TreeT = TypeVar("_TreeT", bound=list[Any] | tuple[Any, ...] | dict[Any, Any])

_NULL_CONTEXT: AbstractContextManager[None] = contextlib.nullcontext()
_SCALAR_TYPES = (bool, int, float, complex, numpy.generic)


@runtime_checkable
class SupportsDeviceId(Protocol):
    """Anything with an integer ``id`` naming a CUDA device, such as ``cupy.cuda.Device``."""

    @property
    def id(self) -> int:
        """The CUDA device ordinal."""
        ...


class Device(abc.ABC):
    """A place where arrays live and computations run.

    kusari has two kinds: :class:`CpuDevice` (NumPy, named ``'@numpy'``) and
    :class:`CudaDevice` (CuPy, named ``'@cupy:N'``).  Get one with
    :func:`kusari.devices.get_device`.  Two devices are equal when they are of the same
    kind and have the same name, whichever objects they are; the hash is ``hash(name)``.

    A device is not a context manager: ``with device:`` raises :class:`RuntimeError`.
    Use :func:`kusari.devices.using_device` to make a device current for a block.

    Example:
        >>> import numpy
        >>> from kusari.devices import get_device
        >>> device = get_device("@numpy")
        >>> device.name, device.xp is numpy
        ('@numpy', True)
        >>> device.send([numpy.zeros(2), None])
        [array([0., 0.]), None]
    """

    __slots__ = ()

    @property
    @abc.abstractmethod
    def xp(self) -> types.ModuleType:
        """The array module of this device: :mod:`numpy` or ``cupy``."""

    @property
    @abc.abstractmethod
    def name(self) -> str:
        """The unique name of this device, the string that :func:`get_device` accepts."""

    @property
    @abc.abstractmethod
    def supported_array_types(self) -> tuple[type, ...]:
        """The array types that live on this kind of device."""

    @abc.abstractmethod
    def send_array(self, array: Array | Scalar) -> Array:
        """Return ``array`` on this device, copying only when it is elsewhere.

        Args:
            array: A NumPy or CuPy array, or a scalar (it becomes a 0-dimensional array).

        Returns:
            An array of :attr:`supported_array_types` on this device; ``array`` itself when
            it already lives here.

        Raises:
            TypeError: If ``array`` is not an array or scalar kusari supports.
        """

    @abc.abstractmethod
    def is_array_supported(self, array: object) -> bool:
        """Return whether ``array`` is an array that lives on this very device."""

    def use(self) -> None:  # noqa: B027 - a no-op unless the backend has a current device
        """Make this device the current one of its backend (a no-op on the CPU)."""

    def create_context(self) -> AbstractContextManager[object]:
        """Return a context manager that makes this device current inside its block.

        This is what :func:`kusari.devices.using_device` enters; the CPU returns a null
        context.
        """
        return _NULL_CONTEXT

    def from_dlpack(self, obj: SupportsDLPack, *, copy: bool | None = None) -> Array:
        """Import a DLPack-capable array (PyTorch, JAX, CuPy, ...) onto this device.

        Memory is shared when ``obj`` already lives on this device (unless ``copy=True``);
        otherwise the data is copied here (or, with ``copy=False``, ValueError is raised).
        See :func:`kusari.devices.from_dlpack`.

        Args:
            obj: An object implementing ``__dlpack__`` and ``__dlpack_device__``.
            copy: ``None``: share when possible; ``True``: always copy; ``False``: never.

        Returns:
            An array of this device.

        Example:
            >>> import numpy
            >>> from kusari.devices import CpuDevice
            >>> source = numpy.zeros(2)
            >>> CpuDevice().from_dlpack(source)[0] = 5.0
            >>> source
            array([5., 0.])
        """
        from ._dlpack import from_dlpack

        return from_dlpack(obj, self, copy=copy)

    def to_dlpack(self, array: Array) -> object:
        """Export an array of this device as a DLPack capsule, sharing its memory.

        Args:
            array: An array that lives on this device.

        Returns:
            The capsule (see :func:`kusari.devices.to_dlpack`).

        Raises:
            ValueError: If ``array`` is not an array of this device.
        """
        from ._dlpack import to_dlpack

        if not self.is_array_supported(array):
            kind = f"{type(array).__module__}.{type(array).__qualname__}"
            raise ValueError(f"{self.name}.to_dlpack got an array that is not on it ({kind})")
        return to_dlpack(array)

    @overload
    def send(self, arrays: None) -> None: ...
    @overload
    def send(self, arrays: _ArrayT) -> _ArrayT: ...
    @overload
    def send(self, arrays: Scalar) -> Array: ...
    @overload
    def send(self, arrays: _TreeT) -> _TreeT: ...
    def send(self, arrays: object) -> object:
        """Send an array, or a nested structure of arrays, to this device.

        Lists, tuples and dicts are rebuilt with the same shape (a tuple stays a tuple);
        ``None`` stays ``None``; scalars become 0-dimensional arrays; arrays already on this
        device are returned as they are, without a copy.  Nothing is modified in place, so
        a failure leaves the input untouched.

        Args:
            arrays: An array, a scalar, ``None``, or a list, tuple or dict of those
                (nested to any depth).

        Returns:
            The same structure with every array on this device.

        Raises:
            TypeError: If a leaf is neither an array kusari supports, a scalar nor ``None``.

        Example:
            >>> import numpy
            >>> from kusari.devices import CpuDevice
            >>> a = numpy.ones(2)
            >>> out = CpuDevice().send({"w": a, "states": (a, None)})
            >>> out["w"] is a, out["states"][0] is a, out["states"][1]
            (True, True, None)
        """
        return _send_tree(arrays, self.send_array)

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if not isinstance(other, Device):
            return NotImplemented
        return type(self) is type(other) and self.name == other.name

    def __hash__(self) -> int:
        return hash(self.name)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"

    def __str__(self) -> str:
        return self.name

    def __enter__(self) -> None:
        raise RuntimeError(
            f"a Device cannot be used as a context manager (got `with {self!r}:`); "
            f"use `with kusari.devices.using_device({self.name!r}):` instead"
        )

    def __exit__(self, *exc_info: object) -> None:  # pragma: no cover - __enter__ raises
        return None


def _send_tree(arrays: object, send_array: Callable[[Any], Array]) -> object:
    if type(arrays) is numpy.ndarray:
        return send_array(arrays)
    if arrays is None:
        return None
    if isinstance(arrays, list):
        return [_send_tree(item, send_array) for item in arrays]
    if isinstance(arrays, tuple):
        converted = [_send_tree(item, send_array) for item in arrays]
        if type(arrays) is tuple:
            return tuple(converted)
        named_tuple_class: Callable[..., object] = type(arrays)  # named tuples keep their class
        return named_tuple_class(*converted)
    if isinstance(arrays, dict):
        return type(arrays)({key: _send_tree(value, send_array) for key, value in arrays.items()})
    return send_array(arrays)


def _unsupported(device: Device, array: object) -> TypeError:
    kind = f"{type(array).__module__}.{type(array).__qualname__}"
    hint = ""
    if hasattr(array, "__dlpack__"):
        hint = (
            "; to take a DLPack-capable array (PyTorch, JAX, ...) without a copy, "
            "use kusari.devices.from_dlpack(array) first"
        )
    elif isinstance(array, (list, tuple, dict)):
        hint = "; use Device.send() for lists, tuples and dicts of arrays"
    return TypeError(
        f"{device.name} cannot receive an object of type {kind}: expected a numpy.ndarray, "
        f"a cupy.ndarray or a scalar{hint}"
    )


@final
class CpuDevice(Device):
    """The host CPU, computing with NumPy; its name is ``'@numpy'``.

    Every ``CpuDevice()`` equals every other, so there is no need to share one object.

    Example:
        >>> import numpy
        >>> from kusari.devices import CpuDevice
        >>> cpu = CpuDevice()
        >>> cpu == CpuDevice(), cpu.name
        (True, '@numpy')
        >>> cpu.send_array(3.0)
        array(3.)
    """

    __slots__ = ()

    @property
    def xp(self) -> types.ModuleType:
        """The :mod:`numpy` module."""
        return numpy

    @property
    def name(self) -> str:
        """Always ``'@numpy'``."""
        return "@numpy"

    @property
    def supported_array_types(self) -> tuple[type, ...]:
        """``(numpy.ndarray,)``."""
        return (numpy.ndarray,)

    def send_array(self, array: Array | Scalar) -> Array:
        """Return ``array`` as a NumPy array: the same object if it is one already.

        A CuPy array is copied to the host; a scalar becomes a 0-dimensional array.

        Args:
            array: A NumPy or CuPy array, or a scalar.

        Returns:
            A :class:`numpy.ndarray`.

        Raises:
            TypeError: If ``array`` is of any other type.
        """
        value: object = array  # checked at run time, whatever the static type says
        if isinstance(value, numpy.ndarray):
            return value
        if isinstance(value, _SCALAR_TYPES):
            return numpy.asarray(value)
        cupy = cupy_if_imported()
        if cupy is not None and isinstance(value, cupy.ndarray):
            with value.device:
                host: Array = value.get()
            return host
        raise _unsupported(self, value)

    def is_array_supported(self, array: object) -> bool:
        """Return whether ``array`` is a :class:`numpy.ndarray`."""
        return isinstance(array, numpy.ndarray)


cpu_device = CpuDevice()
"""The shared :class:`CpuDevice` (any other ``CpuDevice()`` equals it)."""


@final
class CudaDevice(Device):
    """One CUDA GPU, computing with CuPy; its name is ``'@cupy:N'``.

    Args:
        device: The CUDA device ordinal, or a ``cupy.cuda.Device`` (anything with an
            integer ``id``).

    Raises:
        RuntimeError: If CuPy cannot be imported (the message says how to install it).
        ValueError: If the ordinal is negative.
        TypeError: If ``device`` is neither an integer nor has an integer ``id``.

    Example:
        >>> from kusari.devices import CudaDevice, cuda
        >>> if cuda.available:
        ...     assert CudaDevice(0).name == "@cupy:0"
    """

    __slots__ = ("_cuda_device", "_device_id", "_name")

    _cuda_device: Any
    _device_id: int
    _name: str

    def __init__(self, device: int | SupportsDeviceId) -> None:
        if isinstance(device, bool):
            raise TypeError("CudaDevice expects a device ordinal (int), got a bool")
        device_id: object
        try:
            device_id = operator.index(device)  # type: ignore[arg-type]
        except TypeError:
            device_id = getattr(device, "id", None)
            if not isinstance(device_id, int) or isinstance(device_id, bool):
                raise TypeError(
                    "CudaDevice expects a device ordinal (int) or a cupy.cuda.Device, "
                    f"got {type(device).__name__}"
                ) from None
        if device_id < 0:
            raise ValueError(f"CUDA device ordinal must be >= 0, got {device_id}")
        cupy = require_cupy()
        self._device_id = device_id
        self._name = f"@cupy:{device_id}"
        self._cuda_device = cupy.cuda.Device(device_id)

    @classmethod
    def from_device_id(cls, device_id: int) -> CudaDevice:
        """Return the device with CUDA ordinal ``device_id`` (same as ``CudaDevice(id)``)."""
        return cls(device_id)

    @classmethod
    def from_array(cls, array: Array) -> CudaDevice:
        """Return the device that holds the CuPy array ``array``.

        Raises:
            TypeError: If ``array`` is not a CuPy array.
        """
        cupy = require_cupy()
        if not isinstance(array, cupy.ndarray):
            raise TypeError(f"expected a cupy.ndarray, got {type(array).__name__}")
        return cls(int(array.device.id))

    @property
    def device_id(self) -> int:
        """The CUDA device ordinal."""
        return self._device_id

    @property
    def device(self) -> Any:
        """The wrapped ``cupy.cuda.Device``."""
        return self._cuda_device

    @property
    def xp(self) -> types.ModuleType:
        """The ``cupy`` module."""
        return require_cupy()

    @property
    def name(self) -> str:
        """``'@cupy:N'`` where ``N`` is the device ordinal."""
        return self._name

    @property
    def supported_array_types(self) -> tuple[type, ...]:
        """``(cupy.ndarray,)``."""
        return (require_cupy().ndarray,)

    def send_array(self, array: Array | Scalar) -> Array:
        """Return ``array`` as a CuPy array on this GPU.

        A CuPy array already on this GPU is returned as it is; one on another GPU is copied
        (peer to peer); a NumPy array or a scalar is copied from the host.

        Args:
            array: A NumPy or CuPy array, or a scalar.

        Returns:
            A ``cupy.ndarray`` on this device.

        Raises:
            TypeError: If ``array`` is of any other type.
        """
        cupy = require_cupy()
        value: object = array
        if isinstance(value, cupy.ndarray):
            if int(value.device.id) == self._device_id:
                same: Array = value
                return same
            with self._cuda_device:
                copied: Array = cupy.array(value, copy=True)
            return copied
        if isinstance(value, (numpy.ndarray, *_SCALAR_TYPES)):
            with self._cuda_device:
                moved: Array = cupy.asarray(value)
            return moved
        raise _unsupported(self, value)

    def is_array_supported(self, array: object) -> bool:
        """Return whether ``array`` is a CuPy array on this very GPU."""
        cupy = require_cupy()
        return isinstance(array, cupy.ndarray) and int(array.device.id) == self._device_id

    def use(self) -> None:
        """Make this GPU CuPy's current device."""
        self._cuda_device.use()

    def create_context(self) -> AbstractContextManager[object]:
        """Return the ``cupy.cuda.Device``, which makes this GPU current inside ``with``."""
        context: AbstractContextManager[object] = self._cuda_device
        return context
