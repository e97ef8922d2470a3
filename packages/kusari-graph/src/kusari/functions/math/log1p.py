"""``log(1 + x)``, accurate for small ``x`` (:func:`log1p`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from . import _helpers

__all__ = ["Log1p", "log1p"]


@final
class Log1p(FunctionNode):
    """``log(1 + x)`` elementwise; the gradient is ``gy / (1 + x)``."""

    __slots__ = ()
    input_spec = InputSpec("x", kinds="f")

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Compute ``log(1 + x)`` (the input is retained for backward)."""
        self.retain_inputs((0,))
        (x,) = inputs
        xp = _helpers.array_module(x)
        return (xp.log1p(x),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy / (1 + x)``."""
        (x,) = self.get_retained_inputs()
        gy = _utils.first_grad(grad_outputs)
        return (gy / (x + 1),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy / (1 + x)``."""
        gy = grad_outputs[0]
        assert gy is not None
        x = self.retained_input_array(0)
        return (gy / (x + x.dtype.type(1)),)


def log1p(x: VariableOrArray) -> Variable:
    """``log(1 + x)``, accurate for small ``x``, elementwise: ``log(1 + x)``.

    Args:
        x: A floating point input.

    Returns:
        ``log(1 + x)``, of the dtype of ``x``.

    Raises:
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> y = F.log1p(numpy.array([0.0, 1e-10]))
        >>> numpy.allclose(y.array, [0.0, 1e-10 - 5e-21], rtol=1e-15)
        True
    """
    return Log1p().apply((x,))[0]
