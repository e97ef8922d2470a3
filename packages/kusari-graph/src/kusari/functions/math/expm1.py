"""``exp(x) - 1``, accurate for small ``x`` (:func:`expm1`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from . import _helpers

__all__ = ["Expm1", "expm1"]


@final
class Expm1(FunctionNode):
    """``exp(x) - 1`` elementwise; the gradient is ``gy * (y + 1)``."""

    __slots__ = ()
    input_spec = InputSpec("x", kinds="f")

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Compute ``exp(x) - 1`` (the output is retained for backward)."""
        self.retain_outputs((0,))
        (x,) = inputs
        xp = _helpers.array_module(x)
        return (xp.expm1(x),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy * (y + 1)``."""
        (y,) = self.get_retained_outputs()
        gy = _utils.first_grad(grad_outputs)
        return (gy * (y + 1),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy * (y + 1)``."""
        gy = grad_outputs[0]
        assert gy is not None
        y = self.output_data[0]
        assert y is not None
        return (gy * (y + y.dtype.type(1)),)


def expm1(x: VariableOrArray) -> Variable:
    """``exp(x) - 1``, accurate for small ``x``, elementwise: ``exp(x) - 1``.

    Args:
        x: A floating point input.

    Returns:
        ``exp(x) - 1``, of the dtype of ``x``.

    Raises:
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> y = F.expm1(numpy.array([0.0, 1e-10]))
        >>> numpy.allclose(y.array, [0.0, 1e-10 + 5e-21], rtol=1e-15)
        True
    """
    return Expm1().apply((x,))[0]
