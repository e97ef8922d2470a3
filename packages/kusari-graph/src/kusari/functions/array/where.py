"""Elementwise choice between two inputs (:func:`where`)."""

from __future__ import annotations

from typing import final

import numpy

from kusari.devices import Array, Scalar, is_array
from kusari.graph import FunctionNode, Variable, VariableOrArray, type_check
from kusari.graph.type_check import TypeInfoTuple

from .. import _utils
from . import _shape_check

__all__ = ["Where", "where"]


@final
class Where(FunctionNode):
    """``condition ? x : y`` elementwise, with broadcasting of all three inputs."""

    __slots__ = ("_shapes",)

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """``condition`` is boolean; ``x`` and ``y`` share a dtype; the shapes broadcast."""
        type_check.argname(in_types, ("condition", "x", "y"))
        c_type, x_type, y_type = in_types
        type_check.expect(c_type.dtype == numpy.dtype(numpy.bool_), x_type.dtype == y_type.dtype)
        type_check.expect_broadcast_shapes(c_type.shape, x_type.shape, y_type.shape)

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Choose (the condition is retained for backward)."""
        self.retain_inputs((0,))
        condition, x, y = inputs
        self._shapes = (condition.shape, x.shape, y.shape)
        xp = _shape_check.xp_of(x)
        return (xp.where(condition, x, y),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Route the gradient to ``x`` where the condition holds and to ``y`` elsewhere."""
        # Imported here: the math package imports the array package while it initializes.
        from ..math.sum_to import sum_to

        gy = _utils.first_grad(grad_outputs)
        condition = self.retained_input_array(0)
        gy_array = gy.array
        assert gy_array is not None
        zeros = _shape_check.xp_of(gy_array).zeros((), gy.dtype)
        result: list[Variable | None] = []
        for i in target_input_indexes:
            if i == 0:
                result.append(None)
                continue
            if i == 1:
                g = Where().apply((condition, gy, zeros))[0]
            else:
                g = Where().apply((condition, zeros, gy))[0]
            result.append(sum_to(g, self._shapes[i]))
        return tuple(result)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Route the gradient to ``x`` where the condition holds and to ``y`` elsewhere."""
        gy = grad_outputs[0]
        assert gy is not None
        condition = self.retained_input_array(0)
        xp = _shape_check.xp_of(gy)
        zeros = xp.zeros((), gy.dtype)
        result: list[Array | None] = []
        for i in target_input_indexes:
            if i == 0:
                result.append(None)
                continue
            g = xp.where(condition, gy, zeros) if i == 1 else xp.where(condition, zeros, gy)
            result.append(_utils.sum_to_array(g, self._shapes[i]))
        return tuple(result)


def _operand(value: VariableOrArray | Scalar, other: VariableOrArray | Scalar) -> VariableOrArray:
    if isinstance(value, Variable) or is_array(value):
        return value  # type: ignore[return-value]
    if not _utils.is_scalar(value):
        raise TypeError(
            f"x and y must be Variables, arrays or scalars, got {type(value).__name__}"
        )
    template: Array | None = None
    if isinstance(other, Variable):
        template = other.array
    elif is_array(other):
        template = other  # type: ignore[assignment]
    if template is not None:
        return _shape_check.xp_of(template).asarray(value, dtype=template.dtype)  # type: ignore[no-any-return]
    raise TypeError("x and y cannot both be scalars; at least one must be a Variable or an array")


def where(
    condition: VariableOrArray,
    x: VariableOrArray | Scalar,
    y: VariableOrArray | Scalar,
) -> Variable:
    """Choose elementwise from ``x`` where ``condition`` is true, else from ``y``.

    The three shapes broadcast together.  The gradient flows to ``x`` where the condition
    holds and to ``y`` elsewhere; ``condition`` gets none.

    Args:
        condition: A boolean array (or Variable).
        x: The values where ``condition`` is true.
        y: The values where it is false (same dtype as ``x``).  One of ``x`` and ``y`` may
            be a Python scalar, taken in the dtype of the other (a kusari extension).

    Returns:
        The chosen values, of the broadcast shape.

    Raises:
        TypeError: If ``x`` or ``y`` has an unsupported type, or both are scalars.
        kusari.graph.type_check.InvalidType: If ``condition`` is not boolean, the dtypes of
            ``x`` and ``y`` differ, or the shapes do not broadcast.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> c = numpy.array([True, False, True])
        >>> x = numpy.array([1.0, 2.0, 3.0], numpy.float32)
        >>> F.where(c, x, -x).array.tolist()
        [1.0, -2.0, 3.0]
        >>> F.where(c, x, 0.0).array.tolist()
        [1.0, 0.0, 3.0]
    """
    if isinstance(condition, Variable):
        cond = condition.array
        assert cond is not None
    else:
        cond = condition
    return Where().apply((cond, _operand(x, y), _operand(y, x)))[0]
