"""``DeviceResident``: the base of objects that own arrays (``Link`` derives from it)."""

from __future__ import annotations

import contextvars
import types
import warnings
from typing import Protocol, Self

import numpy

from ._array import Array
from ._device import CpuDevice, CudaDevice, Device, cpu_device
from ._lookup import DeviceSpec, get_device

__all__ = ["DeviceMovable", "DeviceResident", "DeviceResidentsVisitor"]

# True while kusari itself calls a subclass's legacy to_cpu()/to_gpu() override from
# to_device(): the base implementations reached through super() then neither warn nor start
# another round of legacy calls.
_in_legacy_call: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "kusari_devices_in_legacy_call", default=False
)


class DeviceMovable(Protocol):
    """An object that moves its own arrays between devices, such as a kusari ``Variable``."""

    @property
    def device(self) -> Device:
        """The device the object's arrays are on."""
        ...

    def to_device(self, device: Device, /) -> object:
        """Move the object's arrays to ``device`` in place (the return value is ignored)."""
        ...


class DeviceResidentsVisitor:
    """Walks a tree of :class:`DeviceResident` objects; subclass it and override the hooks.

    A resident describes itself to a visitor in
    :meth:`DeviceResident.device_resident_accept`, calling, in this order:

    1. :meth:`visit_device_resident` with itself (the base implementation of
       ``device_resident_accept`` does exactly this, so overrides call ``super()`` first);
    2. :meth:`visit_variable` for every variable it owns (``Link``: its parameters);
    3. :meth:`visit_array` for every array it owns directly (``Link``: its persistent
       arrays), storing the returned array in place of the visited one;
    4. ``child.device_resident_accept(visitor)`` for every child resident (``Chain``,
       ``ChainList``), in the same order as parameter iteration.

    The base class's hooks do nothing (``visit_array`` returns its argument), so a visitor
    overrides only what it needs.

    Example:
        >>> import numpy
        >>> from kusari.devices import DeviceResident, DeviceResidentsVisitor
        >>> class Counter(DeviceResidentsVisitor):
        ...     def __init__(self) -> None:
        ...         self.arrays = 0
        ...     def visit_array(self, array):
        ...         self.arrays += 1
        ...         return array
        >>> class Holder(DeviceResident):
        ...     def __init__(self) -> None:
        ...         super().__init__()
        ...         self.state = numpy.zeros(3)
        ...     def device_resident_accept(self, visitor):
        ...         super().device_resident_accept(visitor)
        ...         self.state = visitor.visit_array(self.state)
        >>> counter = Counter()
        >>> Holder().device_resident_accept(counter)
        >>> counter.arrays
        1
    """

    __slots__ = ()

    def visit_device_resident(self, resident: DeviceResident) -> None:
        """Visit one resident, before its variables, arrays and children."""

    def visit_variable(self, variable: DeviceMovable) -> None:
        """Visit a variable that the current resident owns."""

    def visit_array(self, array: Array) -> Array:
        """Visit an array that the current resident owns; return what it must store."""
        return array


class _ToDeviceVisitor(DeviceResidentsVisitor):
    __slots__ = ("_device", "_legacy", "_legacy_method", "_skip", "_skip_between_gpus")

    def __init__(
        self,
        device: Device,
        *,
        skip: DeviceResident | None,
        skip_between_gpus: bool,
        collect_legacy: bool,
    ) -> None:
        self._device = device
        self._skip = skip
        self._skip_between_gpus = skip_between_gpus
        self._legacy_method = _legacy_method_name(device) if collect_legacy else None
        self._legacy: list[DeviceResident] = []

    def visit_device_resident(self, resident: DeviceResident) -> None:
        if not (self._skip_between_gpus and isinstance(resident._device, CudaDevice)):
            resident._device = self._device
        method = self._legacy_method
        if method is not None and resident is not self._skip and _overrides(resident, method):
            self._legacy.append(resident)

    def visit_variable(self, variable: DeviceMovable) -> None:
        if self._skip_between_gpus and isinstance(variable.device, CudaDevice):
            return
        variable.to_device(self._device)

    def visit_array(self, array: Array) -> Array:
        value: object = array  # a CuPy array is an ``Array`` to mypy too
        if self._skip_between_gpus and not isinstance(value, numpy.ndarray):
            return array
        return self._device.send_array(array)

    def call_legacy_overrides(self) -> None:
        if not self._legacy:
            return
        device = self._device
        token = _in_legacy_call.set(True)
        try:
            for resident in self._legacy:
                if isinstance(device, CudaDevice):
                    resident.to_gpu(device.device_id)
                else:
                    resident.to_cpu()
        finally:
            _in_legacy_call.reset(token)


def _legacy_method_name(device: Device) -> str | None:
    if isinstance(device, CpuDevice):
        return "to_cpu"
    if isinstance(device, CudaDevice):
        return "to_gpu"
    return None


def _overrides(resident: DeviceResident, method: str) -> bool:
    return getattr(type(resident), method) is not getattr(DeviceResident, method)


class DeviceResident:
    """Base class of objects that own arrays on one device, such as ``kusari.links.Link``.

    A subclass describes its arrays to a :class:`DeviceResidentsVisitor` by overriding
    :meth:`device_resident_accept` (see the visitor for the protocol); everything else,
    :meth:`to_device` above all, is built on that one method.

    Compatibility with Chainer:

    * :meth:`to_cpu` and :meth:`to_gpu` still work but emit :class:`DeprecationWarning`
      (with Chainer's wording); use :meth:`to_device`.
    * A subclass that overrides ``to_cpu`` or ``to_gpu`` (old Chainer code did, to move
      arrays it keeps outside the visitor protocol) is honoured: :meth:`to_device` calls the
      override of every such resident in the tree after moving the registered arrays, and
      the ``super().to_cpu()`` inside it neither warns nor repeats that round.
    * Like Chainer, the legacy :meth:`to_gpu` leaves a resident, variable or array that is
      already on *some* GPU where it is; :meth:`to_device` always moves.

    Example:
        >>> import numpy
        >>> from kusari.devices import DeviceResident
        >>> class Buffers(DeviceResident):
        ...     def __init__(self) -> None:
        ...         super().__init__()
        ...         self.mean = numpy.zeros(4)
        ...     def device_resident_accept(self, visitor):
        ...         super().device_resident_accept(visitor)
        ...         self.mean = visitor.visit_array(self.mean)
        >>> buffers = Buffers().to_device("@numpy")
        >>> buffers.device, buffers.xp.__name__
        (<CpuDevice '@numpy'>, 'numpy')
    """

    _device: Device = cpu_device

    def __init__(self) -> None:
        self._device = cpu_device

    @property
    def device(self) -> Device:
        """The device this object's arrays are on (the CPU until moved)."""
        return self._device

    @property
    def xp(self) -> types.ModuleType:
        """The array module of :attr:`device`: :mod:`numpy` or ``cupy``."""
        return self._device.xp

    def device_resident_accept(self, visitor: DeviceResidentsVisitor) -> None:
        """Describe this object to ``visitor`` (see :class:`DeviceResidentsVisitor`).

        The base implementation calls ``visitor.visit_device_resident(self)``; subclasses
        call ``super().device_resident_accept(visitor)`` first, then visit their variables,
        arrays and children.

        Args:
            visitor: The visitor.
        """
        visitor.visit_device_resident(self)

    def to_device(self, device: DeviceSpec) -> Self:
        """Move every array of this object and of its children to ``device``, in place.

        Arrays already on ``device`` are not copied.

        Args:
            device: Any form :func:`kusari.devices.get_device` accepts.

        Returns:
            ``self``.

        Raises:
            ValueError: If ``device`` is not a valid device specifier (nothing is moved).
        """
        self._move(get_device(device), skip=None, skip_between_gpus=False)
        return self

    def to_cpu(self) -> Self:
        """Move this object to the CPU (deprecated: use ``to_device('@numpy')``).

        Returns:
            ``self``.
        """
        if not _in_legacy_call.get():
            warnings.warn(
                "to_cpu is deprecated. Please use to_device('@numpy') instead.",
                DeprecationWarning,
                stacklevel=2,
            )
        self._move(cpu_device, skip=self, skip_between_gpus=False)
        return self

    def to_gpu(self, device: DeviceSpec | None = None) -> Self:
        """Move this object to a GPU (deprecated: use ``to_device('@cupy:N')``).

        Args:
            device: The GPU (an ordinal, ``'@cupy:N'``, a ``CudaDevice`` or a
                ``cupy.cuda.Device``); ``None`` means CuPy's current device.

        Returns:
            ``self``.

        Raises:
            RuntimeError: If CuPy cannot be imported.
            ValueError: If ``device`` does not name a GPU.
        """
        if not _in_legacy_call.get():
            warnings.warn(
                "to_gpu is deprecated. Please use to_device('@cupy:N') instead.",
                DeprecationWarning,
                stacklevel=2,
            )
        from ._transfer import _cuda_target

        self._move(_cuda_target(device), skip=self, skip_between_gpus=True)
        return self

    def _move(
        self, device: Device, *, skip: DeviceResident | None, skip_between_gpus: bool
    ) -> None:
        visitor = _ToDeviceVisitor(
            device,
            skip=skip,
            skip_between_gpus=skip_between_gpus,
            collect_legacy=not _in_legacy_call.get(),
        )
        self.device_resident_accept(visitor)
        visitor.call_legacy_overrides()
