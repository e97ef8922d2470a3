"""Maximum of elements along axes (:func:`max`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from ..array.reshape import reshape
from . import _helpers

__all__ = ["Max", "SelectionReduce", "max"]


class SelectionReduce(FunctionNode):
    """Base of :class:`Max` and :class:`~kusari.functions.math.min.Min`.

    The gradient flows to every element equal to the result (all of them on ties), which
    is Chainer's rule.

    Args:
        axis: The axes to reduce (normalized, sorted), or ``None`` for all.
        keepdims: Keep the reduced axes with length one.
    """

    __slots__ = ("axis", "keepdims")
    input_spec = InputSpec("x", kinds="f")

    def __init__(self, axis: tuple[int, ...] | None = None, keepdims: bool = False) -> None:
        self.axis = axis
        self.keepdims = keepdims

    def _reduce(self, x: Array) -> Array:
        raise NotImplementedError

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Reduce (the input and the output are retained for backward)."""
        self.retain_inputs((0,))
        self.retain_outputs((0,))
        return (self._reduce(inputs[0]),)

    def _selected(self) -> Array:
        """Where the input equals the result (a boolean mask of the input's shape)."""
        x = self.retained_input_array(0)
        y = self.output_data[0]
        assert y is not None
        if not self.keepdims:
            y = y.reshape(_helpers.kept_shape(x.shape, self.axis))
        return x == y  # type: ignore[no-any-return]

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """The output gradient, spread to the selected elements."""
        gy = _utils.first_grad(grad_outputs)
        mask = self._selected()
        if not self.keepdims:
            gy = reshape(gy, _helpers.kept_shape(mask.shape, self.axis))
        return (gy * mask.astype(gy.dtype),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """The output gradient, spread to the selected elements."""
        gy = grad_outputs[0]
        assert gy is not None
        mask = self._selected()
        if not self.keepdims:
            gy = gy.reshape(_helpers.kept_shape(mask.shape, self.axis))
        return (gy * mask,)


@final
class Max(SelectionReduce):
    """The maximum over ``axis`` (all axes when ``None``)."""

    __slots__ = ()

    def _reduce(self, x: Array) -> Array:
        return x.max(axis=self.axis, keepdims=self.keepdims)  # type: ignore[no-any-return]


def max(
    x: VariableOrArray, axis: int | tuple[int, ...] | None = None, keepdims: bool = False
) -> Variable:
    """Maximum of the elements of a floating point input.

    The gradient goes to every element equal to the maximum.

    Args:
        x: The input.
        axis: The axis or axes to reduce; all when ``None``.
        keepdims: Keep the reduced axes with length one.

    Returns:
        The maximum.

    Raises:
        TypeError: If ``axis`` is not None, an int or a tuple of ints.
        ValueError: If an axis is repeated, or the reduction is over no element.
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point or an axis is
            out of range.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.array([[1.0, 4.0], [3.0, 2.0]])
        >>> F.max(x).array.tolist(), F.max(x, axis=1).array.tolist()
        (4.0, [4.0, 3.0])
    """
    axes = _helpers.check_axes("Max", _helpers.ndim_of(x), axis)
    return Max(axes, keepdims).apply((x,))[0]
