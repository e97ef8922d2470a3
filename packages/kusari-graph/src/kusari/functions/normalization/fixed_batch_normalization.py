"""Batch normalization with given statistics (:func:`fixed_batch_normalization`)."""

from __future__ import annotations

from typing import final

import numpy

from kusari.devices import Array, get_array_module
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph import type_check as _tc

from ..array.cast import cast
from ..array.reshape import reshape
from . import _common as C

__all__ = [
    "FixedBatchNormalization",
    "fixed_batch_normalization",
    "fixed_batch_renormalization",
]


@final
class FixedBatchNormalization(FunctionNode):
    """``gamma * (x - mean) / sqrt(var + eps) + beta`` with ``mean`` and ``var`` as inputs.

    The five inputs are ``(x, gamma, beta, mean, var)``; all of them get gradients.

    Args:
        eps: Added to the variance.
        axis: The reduction axes (``None``: axis 0 and the axes after the channels).
    """

    __slots__ = ("_axes", "axis", "eps")

    def __init__(self, eps: float = 2e-5, axis: tuple[int, ...] | None = None) -> None:
        self.eps = eps
        self.axis = axis

    def check_type_forward(self, in_types: _tc.TypeInfoTuple) -> None:
        """Floating point inputs; the four channel inputs share a dtype and fit ``x``."""
        _tc.expect(in_types.size() == 5)
        _tc.argname(in_types, ("x", "gamma", "beta", "mean", "var"))
        x_type, gamma_type, beta_type, mean_type, var_type = in_types
        _tc.expect(x_type.dtype.kind == "f", gamma_type.dtype.kind == "f")
        for t in (beta_type, mean_type, var_type):
            _tc.expect(t.dtype == gamma_type.dtype)
        C.check_channel_shapes(x_type, (gamma_type, beta_type, mean_type, var_type), self.axis)

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Normalize with the given statistics."""
        x, gamma, beta, mean, var = inputs
        self.retain_inputs((0, 1, 3, 4))
        axes = self._axes = C.reduction_axes(x.ndim, gamma.ndim, self.axis)
        ct = C.compute_dtype(x.dtype, gamma.dtype)
        kept = C.kept_shape(x.shape, axes)
        xp = numpy if type(x) is numpy.ndarray else get_array_module(x)
        scale = gamma.astype(ct) / xp.sqrt(var.astype(ct) + self.eps)
        shift = beta.astype(ct) - mean.astype(ct) * scale
        y = x * scale.reshape(kept) if x.dtype == ct else x.astype(ct) * scale.reshape(kept)
        y += shift.reshape(kept)
        if y.dtype != x.dtype:
            y = y.astype(x.dtype)
        return (y,)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """The gradients of all five inputs, with differentiable functions."""
        x, gamma, mean, var = self.get_retained_inputs()
        gy = grad_outputs[0]
        assert gy is not None
        axes = self._axes
        ct = C.compute_dtype(x.dtype, gamma.dtype)
        kept = C.kept_shape(x.shape, axes)
        channel = gamma.shape
        gyc = cast(gy, ct)
        gamma_k = C.channel_var(gamma, kept, ct)
        s = (C.channel_var(var, kept, ct) + self.eps) ** -0.5
        needs_xhat = any(i in target_input_indexes for i in (1, 4))
        ggamma = None
        if needs_xhat:
            xhat = (cast(x, ct) - C.channel_var(mean, kept, ct)) * s
            ggamma = C.reduce_to(gyc * xhat, axes, channel)
        gx = gyc * (gamma_k * s) if any(i in target_input_indexes for i in (0, 3)) else None
        result: list[Variable | None] = []
        for index in target_input_indexes:
            if index == 0:
                assert gx is not None
                result.append(cast(gx, x.dtype))
            elif index == 1:
                assert ggamma is not None
                result.append(cast(ggamma, gamma.dtype))
            elif index == 2:
                result.append(cast(C.reduce_to(gyc, axes, channel), gamma.dtype))
            elif index == 3:
                assert gx is not None
                result.append(cast(-C.reduce_to(gx, axes, channel), gamma.dtype))
            else:
                assert ggamma is not None
                s_c = reshape(s, channel)
                gvar = -0.5 * reshape(gamma_k, channel) * s_c * s_c * ggamma
                result.append(cast(gvar, gamma.dtype))
        return tuple(result)


def fixed_batch_normalization(
    x: VariableOrArray,
    gamma: VariableOrArray,
    beta: VariableOrArray,
    mean: VariableOrArray,
    var: VariableOrArray,
    eps: float = 2e-5,
    axis: int | tuple[int, ...] | None = None,
) -> Variable:
    """Batch normalization with fixed statistics (the inference mode of batch norm).

    ``y = gamma * (x - mean) / sqrt(var + eps) + beta``, with the per-channel ``mean`` and
    ``var`` given (usually the running averages of training).  The channel inputs have the
    shape of ``x`` without the reduction axes, as in :func:`batch_normalization`.  Every
    input is differentiable (twice).

    Args:
        x: The input, floating point.
        gamma: The scale.
        beta: The shift.
        mean: The mean to subtract.
        var: The variance to divide by (after adding ``eps``, under the square root).
        eps: Added to the variance.
        axis: The axis or axes that the statistics were reduced over; ``None`` for axis 0
            and the axes after the channel axes.

    Returns:
        The normalized output, of ``x``'s dtype and shape.

    Raises:
        kusari.graph.type_check.InvalidType: If a dtype is not floating point, the channel
            inputs differ in dtype or shape, or they do not fit ``x``.
        ValueError: If ``axis`` is out of range or repeated.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.array([[1.0, 4.0], [3.0, 8.0]], numpy.float32)
        >>> one = numpy.ones(2, numpy.float32)
        >>> mean = numpy.array([2.0, 6.0], numpy.float32)
        >>> var = numpy.array([1.0, 4.0], numpy.float32)
        >>> y = F.fixed_batch_normalization(x, one, 0 * one, mean, var, eps=0.0)
        >>> y.array.tolist()
        [[-1.0, -1.0], [1.0, 1.0]]
    """
    axes = C.check_axis_argument(axis)
    if axes is not None:
        C.reduction_axes(len(x.shape), len(gamma.shape), axes)
    return FixedBatchNormalization(eps, axes).apply((x, gamma, beta, mean, var))[0]


def fixed_batch_renormalization(
    x: VariableOrArray,
    gamma: VariableOrArray,
    beta: VariableOrArray,
    mean: VariableOrArray,
    var: VariableOrArray,
    eps: float = 2e-5,
) -> Variable:
    """Batch renormalization in inference mode: :func:`fixed_batch_normalization`.

    Args:
        x: The input.
        gamma: The scale.
        beta: The shift.
        mean: The mean to subtract.
        var: The variance.
        eps: Added to the variance.

    Returns:
        ``gamma * (x - mean) / sqrt(var + eps) + beta``.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.array([[2.0], [4.0]], numpy.float32)
        >>> one = numpy.ones(1, numpy.float32)
        >>> y = F.fixed_batch_renormalization(x, one, 0 * one, 3 * one, one, eps=0.0)
        >>> y.array.tolist()
        [[-1.0], [1.0]]
    """
    return fixed_batch_normalization(x, gamma, beta, mean, var, eps)
