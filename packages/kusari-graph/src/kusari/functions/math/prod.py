"""Product of elements along axes (:func:`prod`)."""

from __future__ import annotations

from typing import final

import numpy

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from ..array.reshape import reshape
from ..array.transpose import transpose
from . import _helpers
from .cumprod import others_replaced
from .cumsum import reversed_along

__all__ = ["Prod", "prod"]


def _layout(
    shape: tuple[int, ...], axis: tuple[int, ...] | None
) -> tuple[tuple[int, ...], tuple[int, ...], int]:
    """The permutation that puts the reduced axes last, the kept shape and the reduced size."""
    reduced = tuple(range(len(shape))) if axis is None else axis
    kept = tuple(i for i in range(len(shape)) if i not in reduced)
    size = 1
    for i in reduced:
        size *= shape[i]
    return kept + reduced, tuple(shape[i] for i in kept), size


@final
class Prod(FunctionNode):
    """The product over ``axis`` (all axes when ``None``).

    The gradient of each element is the product of all the others, computed without
    division, so zeros are handled exactly.  The differentiable pass (double backprop)
    builds the reduced elements with each one replaced by 1, which costs ``n`` times the
    memory of the input for ``n`` reduced elements.

    Args:
        axis: The axes to reduce (normalized, sorted), or ``None`` for all.
        keepdims: Keep the reduced axes with length one.
    """

    __slots__ = ("axis", "keepdims")
    input_spec = InputSpec("x", kinds="f")

    def __init__(self, axis: tuple[int, ...] | None = None, keepdims: bool = False) -> None:
        self.axis = axis
        self.keepdims = keepdims

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Multiply (the input is retained for backward)."""
        self.retain_inputs((0,))
        (x,) = inputs
        return (_helpers.array_module(x).asarray(x.prod(axis=self.axis, keepdims=self.keepdims)),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy`` times the product of the other elements."""
        gy = _utils.first_grad(grad_outputs)
        (x,) = self.get_retained_inputs()
        perm, kept_shape, n = _layout(x.shape, self.axis)
        rows = reshape(transpose(x, perm), (*kept_shape, n))
        others = Prod((len(kept_shape) + 1,)).apply((others_replaced(rows, n),))[0]
        g = others * reshape(gy, (*kept_shape, 1))
        shape_t = tuple(x.shape[i] for i in perm)
        return (transpose(reshape(g, shape_t), tuple(int(i) for i in numpy.argsort(perm))),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy`` times the products of the elements before and after each one."""
        gy = grad_outputs[0]
        assert gy is not None
        x = self.retained_input_array(0)
        xp = _helpers.array_module(x)
        perm, kept_shape, n = _layout(x.shape, self.axis)
        rows = x.transpose(perm).reshape(*kept_shape, n)
        before = xp.ones_like(rows)
        after = xp.ones_like(rows)
        if n > 1:
            before[..., 1:] = xp.cumprod(rows[..., :-1], axis=-1)
            last = rows.ndim - 1
            after[..., :-1] = reversed_along(
                xp.cumprod(reversed_along(rows[..., 1:], last), axis=-1), last
            )
        before *= after
        before *= gy.reshape(*kept_shape, 1)
        shape_t = tuple(x.shape[i] for i in perm)
        return (before.reshape(shape_t).transpose(tuple(int(i) for i in numpy.argsort(perm))),)


def prod(
    x: VariableOrArray, axis: int | tuple[int, ...] | None = None, keepdims: bool = False
) -> Variable:
    """Product of the elements of a floating point input.

    Args:
        x: The input.
        axis: The axis or axes to reduce; all when ``None``.
        keepdims: Keep the reduced axes with length one.

    Returns:
        The product.

    Raises:
        TypeError: If ``axis`` is not None, an int or a tuple of ints.
        ValueError: If an axis is repeated.
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point or an axis is
            out of range.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.array([[1.0, 2.0], [3.0, 4.0]])
        >>> F.prod(x).array.tolist(), F.prod(x, axis=1).array.tolist()
        (24.0, [2.0, 12.0])
    """
    axes = _helpers.check_axes("Prod", _helpers.ndim_of(x), axis)
    return Prod(axes, keepdims).apply((x,))[0]
