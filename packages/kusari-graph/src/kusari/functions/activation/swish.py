"""Swish activation (:func:`swish`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray, type_check
from kusari.graph.type_check import InputSpec, TypeInfoTuple

from .. import _utils
from ..array.reshape import reshape
from ..math import _helpers
from ..math.sum import sum as _sum
from .sigmoid import sigmoid

__all__ = ["Swish", "swish"]


def _beta_shape(x_ndim: int, beta_shape: tuple[int, ...]) -> tuple[int, ...]:
    return (1, *beta_shape) + (1,) * (x_ndim - 1 - len(beta_shape))


@final
class Swish(FunctionNode):
    """``x * sigmoid(beta * x)``, with ``beta`` shared along axis 0 and the trailing axes."""

    __slots__ = ()
    input_spec = InputSpec("x", "beta", kinds="f", same_dtype=True)

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """``beta`` covers the axes of ``x`` after the first."""
        type_check.argname(in_types, ("x", "beta"))
        x_type, beta_type = in_types
        beta_ndim = type_check.eval(beta_type.ndim)
        type_check.expect(x_type.ndim >= beta_type.ndim + 1)
        type_check.expect(beta_type.shape == x_type.shape[1 : 1 + beta_ndim])

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Apply (both inputs are retained for backward)."""
        self.retain_inputs((0, 1))
        x, beta = inputs
        xp = _helpers.array_module(x)
        half = x * beta.reshape(_beta_shape(x.ndim, beta.shape))
        half *= x.dtype.type(0.5)
        y = xp.tanh(half)
        y *= x.dtype.type(0.5)
        y += x.dtype.type(0.5)
        y *= x
        return (y,)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy * (s + beta x s (1 - s))`` and ``sum(gy * x**2 s (1 - s))``.

        Here ``s = sigmoid(beta * x)``; the first is the gradient of ``x``, the second of
        ``beta``.
        """
        gy = _utils.first_grad(grad_outputs)
        x, beta = self.get_retained_inputs()
        b = reshape(beta, _beta_shape(x.ndim, beta.shape))
        s = sigmoid(x * b)
        ds = s * (1 - s)
        result: list[Variable | None] = []
        for i in target_input_indexes:
            if i == 0:
                result.append(gy * (s + b * x * ds))
            else:
                axes = (0, *range(1 + beta.ndim, x.ndim))
                result.append(_sum(gy * x * x * ds, axis=axes))
        return tuple(result)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """The same gradients on arrays."""
        gy = grad_outputs[0]
        assert gy is not None
        x = self.retained_input_array(0)
        beta = self.retained_input_array(1)
        xp = _helpers.array_module(x)
        dtype = x.dtype.type
        b = beta.reshape(_beta_shape(x.ndim, beta.shape))
        s = xp.tanh(x * b * dtype(0.5)) * dtype(0.5) + dtype(0.5)
        ds = s * (dtype(1) - s)
        result: list[Array | None] = []
        for i in target_input_indexes:
            if i == 0:
                result.append(gy * (s + b * x * ds))
            else:
                axes = (0, *range(1 + beta.ndim, x.ndim))
                result.append((gy * x * x * ds).sum(axis=axes))
        return tuple(result)


def swish(x: VariableOrArray, beta: VariableOrArray) -> Variable:
    """Swish: ``x * sigmoid(beta * x)``, with a learnable ``beta`` (``chainer.links.Swish``).

    ``beta.shape`` must equal ``x.shape[1:1 + beta.ndim]``; it is shared across the batch and
    the trailing axes.

    Args:
        x: A floating point input with at least ``beta.ndim + 1`` axes.
        beta: The parameters, of the dtype of ``x``.

    Returns:
        The output, of the shape of ``x``.

    Raises:
        kusari.graph.type_check.InvalidType: If the shapes do not line up or the dtypes
            differ.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> y = F.swish(numpy.array([[0.0, 2.0]]), numpy.array([1.0, 1.0]))
        >>> numpy.allclose(y.array, [[0.0, 2.0 / (1.0 + numpy.exp(-2.0))]])
        True
    """
    return Swish().apply((x, beta))[0]
