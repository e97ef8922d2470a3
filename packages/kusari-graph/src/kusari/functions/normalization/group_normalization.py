"""Group normalization (:func:`group_normalization`)."""

from __future__ import annotations

from typing import final

import numpy

from kusari.devices import Array, get_array_module
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph import type_check as _tc
from kusari.graph.type_check import InputSpec

from ..array.cast import cast
from ..array.reshape import reshape
from . import _common as C

__all__ = ["GroupNormalization", "group_normalization"]

_GROUP_AXES = (2,)


@final
class GroupNormalization(FunctionNode):
    """Standardize each group of channels of each sample, then scale and shift per channel.

    The inputs are ``(x, gamma, beta)`` with ``x`` of shape ``(N, C, ...)`` and the others
    ``(C,)``.

    Args:
        groups: The number of groups (it divides ``C``).
        eps: Added to the variance.
    """

    __slots__ = ("eps", "groups", "inv_std", "mean")
    input_spec = InputSpec("x", "gamma", "beta", kinds="f", same_dtype=True)

    def __init__(self, groups: int, eps: float = 1e-5) -> None:
        self.groups = groups
        self.eps = eps

    def check_type_forward(self, in_types: _tc.TypeInfoTuple) -> None:
        """``x`` has at least 2 axes; ``gamma``/``beta`` have the shape ``(C,)``."""
        _tc.argname(in_types, ("x", "gamma", "beta"))
        x_type, gamma_type, beta_type = in_types
        _tc.expect(x_type.ndim >= 2)
        _tc.expect(
            gamma_type.ndim == 1,
            gamma_type.shape == beta_type.shape,
            x_type.shape[1] == gamma_type.shape[0],
        )

    def _shapes(self, x_shape: tuple[int, ...]) -> tuple[tuple[int, ...], tuple[int, ...]]:
        grouped = (x_shape[0], self.groups, -1)
        channel = (1, x_shape[1]) + (1,) * (len(x_shape) - 2)
        return grouped, channel

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Normalize per group, then apply the per-channel scale and shift."""
        x, gamma, beta = inputs
        self.retain_inputs((0, 1))
        grouped, channel = self._shapes(x.shape)
        ct = C.compute_dtype(x.dtype)
        xr = (x if x.dtype == ct else x.astype(ct)).reshape(grouped)
        mean, y, var = C.mean_var(xr, _GROUP_AXES)
        xp = numpy if type(x) is numpy.ndarray else get_array_module(x)
        inv_std = var + self.eps
        xp.sqrt(inv_std, out=inv_std)
        xp.reciprocal(inv_std, out=inv_std)
        self.mean = mean
        self.inv_std = inv_std
        y *= inv_std
        y = y.reshape(x.shape)
        y *= gamma.reshape(channel)
        y += beta.reshape(channel)
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
        grouped, channel = self._shapes(x.shape)
        ct = C.compute_dtype(x.dtype)
        xhat, s = C.standardize_vars(reshape(cast(x, ct), grouped), _GROUP_AXES, self.eps)
        gyc = cast(gy, ct)
        axes = (0, *range(2, x.ndim))
        result: list[Variable | None] = []
        for index in target_input_indexes:
            if index == 0:
                g = reshape(gyc * reshape(cast(gamma, ct), channel), xhat.shape)
                gx = C.standardize_grad_vars(xhat, s, g, _GROUP_AXES)
                result.append(cast(reshape(gx, x.shape), x.dtype))
            elif index == 1:
                term = gyc * reshape(xhat, x.shape)
                result.append(cast(C.reduce_to(term, axes, gamma.shape), gamma.dtype))
            else:
                result.append(cast(C.reduce_to(gyc, axes, gamma.shape), gamma.dtype))
        return tuple(result)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """The gradients on arrays (no graph)."""
        gy = grad_outputs[0]
        assert gy is not None
        x = self.retained_input_array(0)
        gamma = self.retained_input_array(1)
        grouped, channel = self._shapes(x.shape)
        ct = self.mean.dtype
        xhat = (x if x.dtype == ct else x.astype(ct)).reshape(grouped) - self.mean
        xhat *= self.inv_std
        gyc = gy if gy.dtype == ct else gy.astype(ct)
        axes = (0, *range(2, x.ndim))
        result: list[Array | None] = []
        for index in target_input_indexes:
            if index == 0:
                g = (gyc * gamma.reshape(channel)).reshape(xhat.shape)
                gx = C.standardize_grad_arrays(xhat, self.inv_std, g, _GROUP_AXES)
                result.append(gx.reshape(x.shape).astype(x.dtype, copy=False))
            elif index == 1:
                ggamma = (gyc * xhat.reshape(x.shape)).sum(axis=axes)
                result.append(ggamma.astype(gamma.dtype, copy=False))
            else:
                result.append(gyc.sum(axis=axes).astype(gamma.dtype, copy=False))
        return tuple(result)


def group_normalization(
    x: VariableOrArray,
    groups: int,
    gamma: VariableOrArray,
    beta: VariableOrArray,
    eps: float = 1e-5,
) -> Variable:
    """Group normalization: standardize groups of channels per sample, then scale and shift.

    The ``C`` channels of ``x`` (shape ``(N, C, ...)``) are split into ``groups`` groups of
    ``C // groups`` consecutive channels; each group of each sample is standardized over
    its channels and spatial positions, and ``gamma``/``beta`` scale and shift each channel.

    Args:
        x: The input, floating point, with at least two axes.
        groups: The number of groups; it must divide ``C``.
        gamma: The scale, of shape ``(C,)``.
        beta: The shift, of shape ``(C,)``.
        eps: Added to the variance.

    Returns:
        The normalized output, of ``x``'s shape and dtype.

    Raises:
        TypeError: If ``groups`` is not an int.
        ValueError: If ``groups`` is not positive or does not divide the channels.
        kusari.graph.type_check.InvalidType: If the dtypes or shapes do not fit.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.array([[1.0, 3.0, 10.0, 30.0]], numpy.float32)
        >>> one = numpy.ones(4, numpy.float32)
        >>> y = F.group_normalization(x, 2, one, 0 * one, eps=0.0)
        >>> y.array.tolist()
        [[-1.0, 1.0, -1.0, 1.0]]
    """
    value: object = groups
    if not isinstance(value, (int, numpy.integer)) or isinstance(value, bool):
        raise TypeError(f"groups must be an int, got {type(value).__name__}")
    if groups <= 0:
        raise ValueError(f"groups must be positive, got {groups}")
    shape = tuple(x.shape)
    if len(shape) >= 2 and shape[1] % groups:
        raise ValueError(
            f"the number of channels {shape[1]} is not divisible by groups ({groups})"
        )
    return GroupNormalization(int(groups), eps).apply((x, gamma, beta))[0]
