"""Selecting one element per row (:func:`select_item`)."""

from __future__ import annotations

from typing import Any, final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray, type_check
from kusari.graph.type_check import InvalidType, TypeInfoTuple

from .. import _utils
from . import _shape_check

__all__ = ["SelectItem", "SelectItemGrad", "expect_labels", "select_item"]


def expect_labels(t_type: Any, name: str = "t", hint: str = "") -> None:
    """``type_check``: ``t`` is an integer array of labels (signed or unsigned).

    Args:
        t_type: The type of the labels (light or full mode).
        name: Its name in the message.
        hint: Text appended to the explanation in the message.

    Raises:
        InvalidType: With a message that says that ``t`` must be an integer array.
    """
    dtype = type_check.eval(t_type.dtype)
    if dtype.kind not in "iu":
        raise InvalidType(
            f"{name}.dtype.kind in 'iu' ({name} must be an integer array of labels{hint})",
            f"{name}.dtype = {dtype}",
        )


def _select(x: Array, t: Array) -> Array:
    xp = _shape_check.xp_of(x)
    rows = xp.arange(x.shape[0])
    try:
        return x[rows, t]  # type: ignore[no-any-return]
    except IndexError:
        raise IndexError(
            f"select_item: a label in t is out of range for x of shape {x.shape}: labels must "
            f"be in [-{x.shape[1]}, {x.shape[1]})"
        ) from None


def _scatter(gy: Array, t: Array, shape: tuple[int, ...]) -> Array:
    xp = _shape_check.xp_of(gy)
    gx = xp.zeros(shape, gy.dtype)
    gx[xp.arange(shape[0]), t] = gy
    return gx  # type: ignore[no-any-return]


@final
class SelectItem(FunctionNode):
    """``x[i, t[i]]`` for every row ``i`` of a 2-D ``x``."""

    __slots__ = ("_in_shape",)

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """``x`` is 2-D; ``t`` is a 1-D integer array with one label per row."""
        type_check.argname(in_types, ("x", "t"))
        x_type, t_type = in_types
        expect_labels(t_type)
        type_check.expect(x_type.ndim == 2, t_type.ndim == 1, x_type.shape[0] == t_type.shape[0])

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Select (the labels are retained for backward)."""
        self.retain_inputs((1,))
        x, t = inputs
        self._in_shape = x.shape
        return (_select(x, t),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Scatter the gradient into zeros of ``x``'s shape."""
        gy = _utils.first_grad(grad_outputs)
        t = self.retained_input_array(1)
        return (SelectItemGrad(self._in_shape).apply((gy, t))[0], None)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Scatter the gradient into zeros of ``x``'s shape."""
        gy = grad_outputs[0]
        assert gy is not None
        return (_scatter(gy, self.retained_input_array(1), self._in_shape), None)


@final
class SelectItemGrad(FunctionNode):
    """The gradient of :class:`SelectItem`: ``gy[i]`` placed at ``(i, t[i])`` in zeros.

    Args:
        shape: The shape of the forward input ``x``.
    """

    __slots__ = ("shape",)

    def __init__(self, shape: tuple[int, ...]) -> None:
        self.shape = shape

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Scatter (the labels are retained for backward)."""
        self.retain_inputs((1,))
        gy, t = inputs
        return (_scatter(gy, t, self.shape),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Select from the gradient."""
        ggx = _utils.first_grad(grad_outputs)
        return (SelectItem().apply((ggx, self.retained_input_array(1)))[0], None)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Select from the gradient."""
        ggx = grad_outputs[0]
        assert ggx is not None
        return (_select(ggx, self.retained_input_array(1)), None)


def select_item(x: VariableOrArray, t: VariableOrArray) -> Variable:
    """Select one element of each row: ``y[i] = x[i, t[i]]``.

    Args:
        x: A 2-D input of shape ``(B, K)``.
        t: A 1-D integer array of ``B`` column indices in ``[-K, K)`` (negative ones count
            from the end, as in NumPy).

    Returns:
        The ``(B,)`` selected elements.

    Raises:
        IndexError: If a label is out of range (NumPy arrays only).
        kusari.graph.type_check.InvalidType: If ``t`` is not an integer array, or the
            shapes do not fit.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.array([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]], numpy.float32)
        >>> F.select_item(x, numpy.array([2, 0])).array.tolist()
        [2.0, 3.0]
    """
    return SelectItem().apply((x, t))[0]
