"""Layer normalization (:func:`layer_normalization`)."""

from __future__ import annotations

from typing import final

import numpy

from kusari.devices import Array, get_array_module
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph import type_check as _tc
from kusari.graph.type_check import InputSpec

from ..array.cast import cast
from ..array.reshape import reshape
from ..math.sum import sum as _sum
from . import _common as C

__all__ = ["LayerNormalization", "layer_normalization"]

_AXES = (1,)


@final
class LayerNormalization(FunctionNode):
    """``gamma * (x - mean) / sqrt(var + eps) + beta`` per row of a 2-D ``x``.

    The inputs are ``(x, gamma, beta)`` with ``x`` of shape ``(N, D)`` and the others
    ``(D,)``.

    Args:
        eps: Added to the variance.
    """

    __slots__ = ("eps", "inv_std", "mean")
    input_spec = InputSpec("x", "gamma", "beta", kinds="f", same_dtype=True)

    def __init__(self, eps: float = 1e-5) -> None:
        self.eps = eps

    def check_type_forward(self, in_types: _tc.TypeInfoTuple) -> None:
        """``x`` is 2-D and ``gamma``/``beta`` have the shape ``(x.shape[1],)``."""
        _tc.argname(in_types, ("x", "gamma", "beta"))
        x_type, gamma_type, beta_type = in_types
        _tc.expect(
            x_type.ndim == 2,
            gamma_type.ndim == 1,
            gamma_type.shape == beta_type.shape,
            x_type.shape[1] == gamma_type.shape[0],
        )

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Normalize each row, then scale and shift."""
        x, gamma, beta = inputs
        self.retain_inputs((0, 1))
        ct = C.compute_dtype(x.dtype)
        mean, y, var = C.mean_var(x if x.dtype == ct else x.astype(ct), _AXES)
        xp = numpy if type(x) is numpy.ndarray else get_array_module(x)
        inv_std = var + self.eps
        xp.sqrt(inv_std, out=inv_std)
        xp.reciprocal(inv_std, out=inv_std)
        self.mean = mean
        self.inv_std = inv_std
        y *= inv_std
        y *= gamma
        y += beta
        if y.dtype != x.dtype:
            y = y.astype(x.dtype)
        return (y,)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """The gradients, with differentiable functions (so double backward works)."""
        x, gamma = self.get_retained_inputs()
        gy = grad_outputs[0]
        assert gy is not None
        ct = C.compute_dtype(x.dtype)
        xhat, s = C.standardize_vars(cast(x, ct), _AXES, self.eps)
        gyc = cast(gy, ct)
        result: list[Variable | None] = []
        for index in target_input_indexes:
            if index == 0:
                g = gyc * reshape(cast(gamma, ct), (1, gamma.shape[0]))
                result.append(cast(C.standardize_grad_vars(xhat, s, g, _AXES), x.dtype))
            elif index == 1:
                result.append(cast(_sum(gyc * xhat, axis=0), gamma.dtype))
            else:
                result.append(cast(_sum(gyc, axis=0), gamma.dtype))
        return tuple(result)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """The gradients on arrays (no graph)."""
        gy = grad_outputs[0]
        assert gy is not None
        x = self.retained_input_array(0)
        gamma = self.retained_input_array(1)
        ct = self.mean.dtype
        xhat = (x if x.dtype == ct else x.astype(ct)) - self.mean
        xhat *= self.inv_std
        gyc = gy if gy.dtype == ct else gy.astype(ct)
        result: list[Array | None] = []
        for index in target_input_indexes:
            if index == 0:
                gx = C.standardize_grad_arrays(xhat, self.inv_std, gyc * gamma, _AXES)
                result.append(gx.astype(x.dtype, copy=False))
            elif index == 1:
                result.append((gyc * xhat).sum(axis=0).astype(gamma.dtype, copy=False))
            else:
                result.append(gyc.sum(axis=0).astype(gamma.dtype, copy=False))
        return tuple(result)


def layer_normalization(
    x: VariableOrArray, gamma: VariableOrArray, beta: VariableOrArray, eps: float = 1e-5
) -> Variable:
    """Layer normalization: standardize each row of ``x``, then scale and shift.

    ``y = gamma * (x - mean) / sqrt(var + eps) + beta`` with the mean and the (biased)
    variance of each row.  As in Chainer, ``x`` is 2-D, ``(batch, units)``; reshape other
    inputs to 2-D first.

    Args:
        x: The input, of shape ``(N, D)``.
        gamma: The scale, of shape ``(D,)`` and ``x``'s dtype.
        beta: The shift, of shape ``(D,)`` and ``x``'s dtype.
        eps: Added to the variance.

    Returns:
        The normalized output, of ``x``'s shape and dtype.

    Raises:
        kusari.graph.type_check.InvalidType: If the dtypes are not one floating point dtype
            or the shapes do not fit.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.array([[1.0, 3.0], [10.0, 20.0]], numpy.float32)
        >>> one = numpy.ones(2, numpy.float32)
        >>> y = F.layer_normalization(x, one, 0 * one, eps=0.0)
        >>> y.array.tolist()
        [[-1.0, 1.0], [-1.0, 1.0]]
    """
    return LayerNormalization(eps).apply((x, gamma, beta))[0]
