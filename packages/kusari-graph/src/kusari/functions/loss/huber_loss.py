"""Huber loss (:func:`huber_loss`)."""

from __future__ import annotations

from typing import Final, Literal, final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray, type_check
from kusari.graph.type_check import TypeInfoTuple

from .. import _utils
from ..array import _shape_check
from ..array.broadcast_to import broadcast_to
from ..array.expand_dims import expand_dims
from ..array.where import where
from ._checks import check_reduce

__all__ = ["HuberLoss", "huber_loss"]

_REDUCE: Final = ("sum_along_second_axis", "no")


@final
class HuberLoss(FunctionNode):
    """The Huber loss of ``x - t`` per element, optionally summed over axis 1.

    Args:
        delta: Where the loss turns from quadratic to linear (positive).
        reduce: ``"sum_along_second_axis"`` or ``"no"``.
    """

    __slots__ = ("delta", "reduce")

    def __init__(self, delta: float, reduce: str) -> None:
        self.delta = delta
        self.reduce = reduce

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """Floating point ``x`` and ``t`` of one shape and dtype (2-D or more to sum)."""
        type_check.argname(in_types, ("x", "t"))
        x_type, t_type = in_types
        type_check.expect(
            x_type.dtype.kind == "f", x_type.dtype == t_type.dtype, x_type.shape == t_type.shape
        )
        if self.reduce == "sum_along_second_axis":
            type_check.expect(x_type.ndim >= 2)

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """``d**2 / 2`` where ``|d| <= delta``, else ``delta * (|d| - delta / 2)``."""
        self.retain_inputs((0, 1))
        x, t = inputs
        xp = _shape_check.xp_of(x)
        delta = x.dtype.type(self.delta)
        diff = abs(x - t)
        loss = xp.where(diff <= delta, diff * diff * 0.5, delta * (diff - delta * 0.5))
        if self.reduce == "sum_along_second_axis":
            loss = loss.sum(axis=1)
        return (loss,)

    def _clipped(self) -> tuple[Array, Array]:
        """The difference, and where it lies in ``[-delta, delta]``."""
        diff = self.retained_input_array(0) - self.retained_input_array(1)
        return diff, abs(diff) <= diff.dtype.type(self.delta)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``±clip(x - t, -delta, delta) gy``."""
        x, t = self.get_retained_inputs()
        gy = _utils.first_grad(grad_outputs)
        if self.reduce == "sum_along_second_axis":
            gy = broadcast_to(expand_dims(gy, 1), x.shape)
        diff, inside = self._clipped()
        xp = _shape_check.xp_of(diff)
        outside = xp.sign(diff) * diff.dtype.type(self.delta)
        gx = where(inside, x - t, outside) * gy
        return tuple(gx if i == 0 else -gx for i in target_input_indexes)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``±clip(x - t, -delta, delta) gy``."""
        gy = grad_outputs[0]
        assert gy is not None
        diff, _ = self._clipped()
        delta = diff.dtype.type(self.delta)
        gx = _shape_check.xp_of(diff).clip(diff, -delta, delta)
        if self.reduce == "sum_along_second_axis":
            gy = gy.reshape((*gy.shape[:1], 1, *gy.shape[1:]))
        gx *= gy
        return tuple(gx if i == 0 else -gx for i in target_input_indexes)


def huber_loss(
    x: VariableOrArray,
    t: VariableOrArray,
    delta: float,
    reduce: Literal["sum_along_second_axis", "no"] = "sum_along_second_axis",
) -> Variable:
    """The Huber loss: quadratic for small errors, linear for large ones.

    For ``d = x - t`` each element's loss is ``d**2 / 2`` where ``|d| <= delta`` and
    ``delta * (|d| - delta / 2)`` elsewhere.

    Args:
        x: The predictions (floating point).
        t: The targets, of ``x``'s shape and dtype.
        delta: The threshold between the two regimes; it must be positive.
        reduce: ``"sum_along_second_axis"`` sums the losses over axis 1 (the output has
            shape ``x.shape[:1] + x.shape[2:]``); ``"no"`` keeps one per element.

    Returns:
        The loss, of ``x``'s dtype.

    Raises:
        ValueError: If ``reduce`` is unknown or ``delta`` is not positive.
        kusari.graph.type_check.InvalidType: If the inputs are not floating point, differ
            in shape or dtype, or have fewer than two axes to sum over axis 1.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.array([[0.5, 3.0]])
        >>> F.huber_loss(x, numpy.zeros((1, 2)), delta=1.0, reduce="no").array.tolist()
        [[0.125, 2.5]]
        >>> F.huber_loss(x, numpy.zeros((1, 2)), delta=1.0).array.tolist()
        [2.625]
    """
    check_reduce(reduce, _REDUCE)
    if not delta > 0:
        raise ValueError(f"delta must be positive, got {delta!r}")
    return HuberLoss(float(delta), reduce).apply((x, t))[0]
