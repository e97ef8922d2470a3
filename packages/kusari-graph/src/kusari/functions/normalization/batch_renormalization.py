"""Batch renormalization (:func:`batch_renormalization`)."""

from __future__ import annotations

from typing import final

import numpy

from kusari.devices import Array, get_array_module
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph import type_check as _tc

from ..array.cast import cast
from . import _common as C
from .batch_normalization import _check_running

__all__ = ["BatchRenormalization", "batch_renormalization"]


@final
class BatchRenormalization(FunctionNode):
    """Batch renormalization: batch normalization corrected toward the running statistics.

    ``y = gamma * (x_hat * r + d) + beta`` with ``x_hat`` standardized by the batch
    statistics, ``r = clip(sigma_batch / sigma_running, 1 / rmax, rmax)`` and
    ``d = clip((mean_batch - mean_running) / sigma_running, -dmax, dmax)``, where
    ``sigma = sqrt(var + eps)``.  ``r`` and ``d`` are constants for backward.

    Args:
        eps: Added to the variances.
        running_mean: The running mean (updated in place if ``update_statistics``).
        running_var: The running variance (likewise).
        rmax: The bound of ``r``.
        dmax: The bound of ``d``.
        decay: The decay rate of the running averages.
        update_statistics: Whether to update the running averages.
    """

    __slots__ = (
        "_axes",
        "d",
        "decay",
        "dmax",
        "eps",
        "r",
        "rmax",
        "running_mean",
        "running_var",
        "update_statistics",
    )

    def __init__(
        self,
        eps: float,
        running_mean: Array,
        running_var: Array,
        rmax: float,
        dmax: float,
        decay: float,
        update_statistics: bool,
    ) -> None:
        self.eps = eps
        self.running_mean = running_mean
        self.running_var = running_var
        self.rmax = rmax
        self.dmax = dmax
        self.decay = decay
        self.update_statistics = update_statistics

    def check_type_forward(self, in_types: _tc.TypeInfoTuple) -> None:
        """Floating point inputs; ``gamma``/``beta`` fit ``x``."""
        _tc.expect(in_types.size() == 3)
        _tc.argname(in_types, ("x", "gamma", "beta"))
        x_type, gamma_type, beta_type = in_types
        _tc.expect(
            x_type.dtype.kind == "f",
            gamma_type.dtype.kind == "f",
            gamma_type.dtype == beta_type.dtype,
        )
        C.check_channel_shapes(x_type, (gamma_type, beta_type), None)

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Renormalize, then update the running averages when asked."""
        x, gamma, beta = inputs
        self.retain_inputs((0, 1))
        axes = self._axes = C.reduction_axes(x.ndim, gamma.ndim, None)
        ct = C.compute_dtype(x.dtype, gamma.dtype)
        kept = C.kept_shape(x.shape, axes)
        xp = numpy if type(x) is numpy.ndarray else get_array_module(x)
        mean, y, var = C.mean_var(x if x.dtype == ct else x.astype(ct), axes)
        sigma = xp.sqrt(var + self.eps)
        running_mean = self.running_mean.astype(ct).reshape(kept)
        running_sigma = xp.sqrt(self.running_var.astype(ct).reshape(kept) + self.eps)
        self.r = xp.clip(sigma / running_sigma, 1.0 / self.rmax, self.rmax)
        self.d = xp.clip((mean - running_mean) / running_sigma, -self.dmax, self.dmax)
        gamma_k = gamma.reshape(kept).astype(ct, copy=False)
        y *= gamma_k * (self.r / sigma)
        y += gamma_k * self.d + beta.reshape(kept).astype(ct, copy=False)
        if y.dtype != x.dtype:
            y = y.astype(x.dtype)
        if self.update_statistics:
            m = x.size // max(gamma.size, 1)
            decay = self.decay
            self.running_mean *= decay
            self.running_mean += ((1 - decay) * mean.reshape(gamma.shape)).astype(
                self.running_mean.dtype, copy=False
            )
            adjust = m / max(m - 1.0, 1.0)
            self.running_var *= decay
            self.running_var += ((1 - decay) * adjust * var.reshape(gamma.shape)).astype(
                self.running_var.dtype, copy=False
            )
        return (y,)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """The gradients with ``r`` and ``d`` held constant, differentiable."""
        x, gamma = self.get_retained_inputs()
        gy = grad_outputs[0]
        assert gy is not None
        axes = self._axes
        ct = self.r.dtype
        kept = self.r.shape
        xhat, s = C.standardize_vars(cast(x, ct), axes, self.eps)
        gyc = cast(gy, ct)
        result: list[Variable | None] = []
        for index in target_input_indexes:
            if index == 0:
                g = gyc * (C.channel_var(gamma, kept, ct) * self.r)
                result.append(cast(C.standardize_grad_vars(xhat, s, g, axes), x.dtype))
            elif index == 1:
                term = gyc * (xhat * self.r + self.d)
                result.append(cast(C.reduce_to(term, axes, gamma.shape), gamma.dtype))
            else:
                result.append(cast(C.reduce_to(gyc, axes, gamma.shape), gamma.dtype))
        return tuple(result)


def batch_renormalization(
    x: VariableOrArray,
    gamma: VariableOrArray,
    beta: VariableOrArray,
    rmax: float,
    dmax: float,
    eps: float = 2e-5,
    running_mean: Array | None = None,
    running_var: Array | None = None,
    decay: float = 0.9,
    update_statistics: bool = False,
) -> Variable:
    """Batch renormalization (Ioffe, 2017) in training mode.

    ``y = gamma * ((x - mean) / sigma * r + d) + beta`` with the batch mean and
    ``sigma = sqrt(var + eps)`` of the batch, and the corrections
    ``r = clip(sigma / sqrt(running_var + eps), 1 / rmax, rmax)`` and
    ``d = clip((mean - running_mean) / sqrt(running_var + eps), -dmax, dmax)``, which are
    treated as constants in backward.  With ``update_statistics=True`` the running averages
    are then updated in place as in :func:`batch_normalization`.

    Args:
        x: The input, floating point.
        gamma: The scale, one per channel (axis 1, and any further axes of ``gamma``).
        beta: The shift.
        rmax: The bound of ``r`` (at least 1).
        dmax: The bound of ``d`` (at least 0).
        eps: Added to the variances.
        running_mean: The running mean (required).
        running_var: The running variance (required).
        decay: The decay rate of the running averages.
        update_statistics: Update the running averages in place.

    Returns:
        The renormalized output, of ``x``'s shape and dtype.

    Raises:
        TypeError: If ``running_mean`` or ``running_var`` is missing or not an array.
        ValueError: If a running average has the wrong shape.
        kusari.graph.type_check.InvalidType: If the dtypes or shapes do not fit.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.array([[1.0], [3.0]])
        >>> one = numpy.ones(1)
        >>> y = F.batch_renormalization(
        ...     x, one, 0 * one, rmax=1.0, dmax=0.0, eps=0.0,
        ...     running_mean=0 * one, running_var=one)
        >>> y.array.tolist()
        [[-1.0], [1.0]]
    """
    gamma_shape = tuple(gamma.shape)
    if running_mean is None:
        raise TypeError("batch_renormalization: running_mean is required")
    if running_var is None:
        raise TypeError("batch_renormalization: running_var is required")
    rm = _check_running("running_mean", running_mean, gamma_shape)
    rv = _check_running("running_var", running_var, gamma_shape)
    assert rm is not None
    assert rv is not None
    node = BatchRenormalization(eps, rm, rv, rmax, dmax, decay, update_statistics)
    return node.apply((x, gamma, beta))[0]
