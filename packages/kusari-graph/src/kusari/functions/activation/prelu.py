"""Parametric ReLU (:func:`prelu`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray, type_check
from kusari.graph.type_check import InputSpec, TypeInfoTuple

from .. import _utils
from ..array.reshape import reshape
from ..math import _helpers
from ..math.sum import sum as _sum

__all__ = ["PReLU", "prelu"]


def _w_shape(x_ndim: int, w_shape: tuple[int, ...]) -> tuple[int, ...]:
    return (1, *w_shape) + (1,) * (x_ndim - 1 - len(w_shape))


def _reduced_axes(x_ndim: int, w_ndim: int) -> tuple[int, ...]:
    return (0, *range(1 + w_ndim, x_ndim))


@final
class PReLU(FunctionNode):
    """``x`` where ``x >= 0``, else ``W * x``; ``W.shape == x.shape[1:1 + W.ndim]``.

    ``W`` is shared along axis 0 and the trailing axes.
    """

    __slots__ = ()
    input_spec = InputSpec("x", "W", kinds="f", same_dtype=True)

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """``W`` covers the axes of ``x`` after the first."""
        type_check.argname(in_types, ("x", "W"))
        x_type, w_type = in_types
        w_ndim = type_check.eval(w_type.ndim)
        type_check.expect(x_type.ndim >= w_type.ndim + 1)
        type_check.expect(x_type.shape[1 : 1 + w_ndim] == w_type.shape)

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Apply (both inputs are retained for backward)."""
        self.retain_inputs((0, 1))
        x, w = inputs
        xp = _helpers.array_module(x)
        return (xp.where(x >= 0, x, x * w.reshape(_w_shape(x.ndim, w.shape))),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy * (x >= 0 ? 1 : W)`` for ``x``; ``sum(gy * x * (x < 0))`` for ``W``."""
        gy = _utils.first_grad(grad_outputs)
        x, w = self.get_retained_inputs()
        negative = (self.retained_input_array(0) < 0).astype(gy.dtype)
        result: list[Variable | None] = []
        for i in target_input_indexes:
            if i == 0:
                slope = reshape(w, _w_shape(x.ndim, w.shape)) * negative + (1 - negative)
                result.append(gy * slope)
            else:
                result.append(_sum(gy * x * negative, axis=_reduced_axes(x.ndim, w.ndim)))
        return tuple(result)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy * (x >= 0 ? 1 : W)`` for ``x``; ``sum(gy * x * (x < 0))`` for ``W``."""
        gy = grad_outputs[0]
        assert gy is not None
        x = self.retained_input_array(0)
        w = self.retained_input_array(1)
        xp = _helpers.array_module(x)
        negative = x < 0
        result: list[Array | None] = []
        for i in target_input_indexes:
            if i == 0:
                result.append(xp.where(negative, gy * w.reshape(_w_shape(x.ndim, w.shape)), gy))
            else:
                gw = gy * x
                gw *= negative
                result.append(gw.sum(axis=_reduced_axes(x.ndim, w.ndim)))
        return tuple(result)


def prelu(x: VariableOrArray, W: VariableOrArray) -> Variable:
    """Parametric ReLU: ``x`` where ``x >= 0``, else ``W * x``.

    ``W`` holds one slope per position of the axes after the first
    (``W.shape == x.shape[1:1 + W.ndim]``), shared across the batch and the trailing axes;
    it is learned (``chainer.links.PReLU``).

    Args:
        x: A floating point input with at least ``W.ndim + 1`` axes.
        W: The slopes, of the dtype of ``x``.

    Returns:
        The output, of the shape of ``x``.

    Raises:
        kusari.graph.type_check.InvalidType: If the shapes do not line up or the dtypes
            differ.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.array([[1.0, -2.0], [-1.0, 3.0]])
        >>> F.prelu(x, numpy.array([0.5, 0.25])).array.tolist()
        [[1.0, -0.5], [-0.5, 3.0]]
    """
    return PReLU().apply((x, W))[0]
