"""Copying to a device (:func:`copy`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array, Device, DeviceSpec, get_device, get_device_from_array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils

__all__ = ["Copy", "copy"]


@final
class Copy(FunctionNode):
    """Send the input to ``device``; the gradient goes back to the input's device.

    Args:
        device: The destination.
    """

    __slots__ = ("_in_device", "device")
    input_spec = InputSpec("x")

    def __init__(self, device: Device) -> None:
        self.device = device

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Send."""
        (x,) = inputs
        self._in_device = get_device_from_array(x)
        return (self.device.send(x),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Send the gradient back to the input's device."""
        gy = _utils.first_grad(grad_outputs)
        return (Copy(self._in_device).apply((gy,))[0],)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Send the gradient back to the input's device."""
        gy = grad_outputs[0]
        assert gy is not None
        return (self._in_device.send(gy),)


def copy(x: VariableOrArray, dst: DeviceSpec) -> Variable:
    """Copy ``x`` to a device, differentiably (the gradient is copied back).

    Args:
        x: The input.
        dst: The destination device: a :class:`~kusari.devices.Device`, a device spec
            such as ``"@numpy"`` or ``"@cupy:0"``, or a Chainer-style device id (``-1``
            for the CPU, ``n >= 0`` for GPU ``n``).

    Returns:
        The Variable on ``dst``.  An input already on ``dst`` is not copied (the output
        shares its array, as Chainer's ``send`` does).

    Raises:
        ValueError: If ``dst`` is not a device specifier.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> y = F.copy(numpy.arange(3.0), -1)
        >>> type(y.array).__name__, y.array.tolist()
        ('ndarray', [0.0, 1.0, 2.0])
    """
    return Copy(get_device(dst)).apply((x,))[0]
