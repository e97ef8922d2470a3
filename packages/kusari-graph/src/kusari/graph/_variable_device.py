"""The device methods of :class:`~kusari.graph.Variable`: ``to_device``, ``to_cpu``, ``to_gpu``.

They are methods of Variable, bound in its class body.  The array and the gradient move
together; a gradient held as a Variable (after double backprop) moves as a Variable.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kusari.devices import DeviceSpec, get_device

if TYPE_CHECKING:
    from ._variable import Variable

__all__ = ["to_cpu", "to_device", "to_gpu"]


def to_device(self: Variable, device: DeviceSpec) -> None:  # noqa: D417 (self)
    """Move the array and the gradient to ``device`` (no copy if already there).

    Args:
        device: Anything :func:`kusari.devices.get_device` accepts (``'@numpy'``,
            ``'@cupy:0'``, ``-1``, ...).

    Example:
        >>> import numpy
        >>> from kusari.graph import Variable
        >>> x = Variable(numpy.zeros(2))
        >>> x.to_device("@numpy")
        >>> x.device
        <CpuDevice '@numpy'>
    """
    target = get_device(device)
    data = self._data[0]
    if data is not None and not target.is_array_supported(data):
        self._set_array(target.send(data))
    grad_var = self._grad_var
    if grad_var is not None:
        grad_var.to_device(target)
    elif self._grad is not None and not target.is_array_supported(self._grad):
        self._grad = target.send(self._grad)


def to_cpu(self: Variable) -> None:
    """Move the array and the gradient to the CPU (NumPy)."""
    self.to_device("@numpy")


def to_gpu(self: Variable, device: DeviceSpec | None = None) -> None:  # noqa: D417 (self)
    """Move the array and the gradient to a CUDA device (the current one by default).

    Args:
        device: The CUDA device; the current CuPy device when ``None``.
    """
    from kusari.devices import to_gpu

    data = self._data[0]
    if data is not None:
        self._set_array(to_gpu(data, device))
    grad_var = self._grad_var
    if grad_var is not None:
        grad_var.to_gpu(device)
    elif self._grad is not None:
        self._grad = to_gpu(self._grad, device)
