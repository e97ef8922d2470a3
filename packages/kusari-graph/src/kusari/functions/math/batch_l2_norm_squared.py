"""Squared L2 norm of each sample (:func:`batch_l2_norm_squared`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray, type_check
from kusari.graph.type_check import InputSpec, TypeInfoTuple

from .. import _utils
from ..array.reshape import reshape

__all__ = ["BatchL2NormSquared", "batch_l2_norm_squared"]


@final
class BatchL2NormSquared(FunctionNode):
    """``sum(x[i] ** 2)`` for each ``i`` along the first axis; the gradient is ``2 * x * gy``."""

    __slots__ = ()
    input_spec = InputSpec("x", kinds="f")

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """``x`` has a batch axis and at least one more."""
        type_check.argname(in_types, ("x",))
        type_check.expect(in_types[0].ndim >= 2)

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Sum the squares of each sample (the input is retained for backward)."""
        self.retain_inputs((0,))
        (x,) = inputs
        rows = x.reshape(len(x), -1)
        return ((rows * rows).sum(axis=1),)

    def _column(self, ndim: int) -> tuple[int, ...]:
        shape = self.inputs[0].shape
        assert shape is not None
        return (shape[0],) + (1,) * (ndim - 1)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``2 * x * gy`` (``gy`` broadcast over each sample)."""
        (x,) = self.get_retained_inputs()
        gy = reshape(_utils.first_grad(grad_outputs), self._column(x.ndim))
        return (x * gy * 2,)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``2 * x * gy``."""
        gy = grad_outputs[0]
        assert gy is not None
        x = self.retained_input_array(0)
        gx = x * gy.reshape(self._column(x.ndim))
        gx *= x.dtype.type(2)
        return (gx,)


def batch_l2_norm_squared(x: VariableOrArray) -> Variable:
    """Squared L2 norm of each sample: ``sum(x[i] ** 2)`` over all axes but the first.

    Args:
        x: A floating point input with at least two axes.

    Returns:
        The squared norms, of shape ``(len(x),)``.

    Raises:
        kusari.graph.type_check.InvalidType: If ``x`` has fewer than two axes or is not
            floating point.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.batch_l2_norm_squared(numpy.arange(6.0).reshape(2, 3)).array.tolist()
        [5.0, 50.0]
    """
    return BatchL2NormSquared().apply((x,))[0]
