"""Batch normalization in training mode (:func:`batch_normalization`)."""

from __future__ import annotations

from typing import final

import numpy

from kusari.devices import Array, get_array_module, is_array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph import type_check as _tc

from ..array.broadcast_to import broadcast_to
from ..array.cast import cast
from . import _common as C

__all__ = ["BatchNormalization", "BatchNormalizationGrad", "batch_normalization"]


def _bn_grad_arrays(
    x: Array,
    gamma: Array,
    gy: Array,
    axes: tuple[int, ...],
    mean: Array,
    inv_std: Array,
    want_gx: bool,
) -> tuple[Array | None, Array, Array]:
    """``(gx, ggamma, gbeta)`` of a batch normalization, on arrays."""
    ct = mean.dtype
    kept = mean.shape
    m = x.size // gamma.size
    gyc = gy if gy.dtype == ct else gy.astype(ct)
    xhat = (x if x.dtype == ct else x.astype(ct)) - mean
    xhat *= inv_std
    gbeta = gyc.sum(axis=axes, keepdims=True)
    ggamma = (gyc * xhat).sum(axis=axes, keepdims=True)
    gx: Array | None = None
    if want_gx:
        xhat *= ggamma * (1.0 / m)
        xhat += gbeta * (1.0 / m)
        gx = gyc - xhat
        gx *= gamma.reshape(kept).astype(ct, copy=False) * inv_std
        if gx.dtype != x.dtype:
            gx = gx.astype(x.dtype)
    return (
        gx,
        ggamma.reshape(gamma.shape).astype(gamma.dtype, copy=False),
        gbeta.reshape(gamma.shape).astype(gamma.dtype, copy=False),
    )


@final
class BatchNormalization(FunctionNode):
    """Batch normalization with the statistics of the batch (training mode).

    ``y = gamma * (x - mean) / sqrt(var + eps) + beta`` with the mean and the (biased)
    variance over the reduction axes.  When running averages are given they are updated in
    place: ``avg = decay * avg + (1 - decay) * stat``, with the unbiased variance
    ``var * m / max(m - 1, 1)`` (``m`` values per channel).

    Args:
        eps: Added to the variance.
        running_mean: The running mean to update in place, or ``None``.
        running_var: The running variance to update in place, or ``None``.
        decay: The decay rate of the running averages.
        axis: The reduction axes (``None``: axis 0 and the axes after the channels).

    Attributes:
        mean: The batch mean (in the kept shape) after forward.
        inv_std: ``1 / sqrt(var + eps)`` (in the kept shape) after forward.
    """

    __slots__ = (
        "_axes",
        "axis",
        "decay",
        "eps",
        "inv_std",
        "mean",
        "running_mean",
        "running_var",
    )

    def __init__(
        self,
        eps: float = 2e-5,
        running_mean: Array | None = None,
        running_var: Array | None = None,
        decay: float = 0.9,
        axis: tuple[int, ...] | None = None,
    ) -> None:
        self.eps = eps
        self.running_mean = running_mean
        self.running_var = running_var
        self.decay = decay
        self.axis = axis

    def check_type_forward(self, in_types: _tc.TypeInfoTuple) -> None:
        """``x``, ``gamma`` and ``beta`` floating point; the channel shapes fit ``x``."""
        _tc.expect(in_types.size() == 3)
        _tc.argname(in_types, ("x", "gamma", "beta"))
        x_type, gamma_type, beta_type = in_types
        _tc.expect(
            x_type.dtype.kind == "f",
            gamma_type.dtype.kind == "f",
            gamma_type.dtype == beta_type.dtype,
        )
        C.check_channel_shapes(x_type, (gamma_type, beta_type), self.axis)

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Normalize with the batch statistics and update the running averages."""
        x, gamma, beta = inputs
        self.retain_inputs((0, 1))
        axes = self._axes = C.reduction_axes(x.ndim, gamma.ndim, self.axis)
        ct = C.compute_dtype(x.dtype, gamma.dtype)
        kept = C.kept_shape(x.shape, axes)
        mean, y, var = C.mean_var(x if x.dtype == ct else x.astype(ct), axes)
        inv_std = var + self.eps
        xp = numpy if type(x) is numpy.ndarray else get_array_module(x)
        xp.sqrt(inv_std, out=inv_std)
        xp.reciprocal(inv_std, out=inv_std)
        self.mean = mean
        self.inv_std = inv_std
        y *= gamma.reshape(kept).astype(ct, copy=False) * inv_std
        y += beta.reshape(kept).astype(ct, copy=False)
        if y.dtype != x.dtype:
            y = y.astype(x.dtype)
        self._update_running(x.size // max(gamma.size, 1), mean, var, gamma.shape)
        return (y,)

    def _update_running(self, m: int, mean: Array, var: Array, shape: tuple[int, ...]) -> None:
        decay = self.decay
        running_mean = self.running_mean
        if running_mean is not None:
            running_mean *= decay
            running_mean += ((1 - decay) * mean.reshape(shape)).astype(
                running_mean.dtype, copy=False
            )
        running_var = self.running_var
        if running_var is not None:
            adjust = m / max(m - 1.0, 1.0)
            running_var *= decay
            running_var += ((1 - decay) * adjust * var.reshape(shape)).astype(
                running_var.dtype, copy=False
            )

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """The gradients through :class:`BatchNormalizationGrad` (differentiable)."""
        x, gamma = self.get_retained_inputs()
        gy = grad_outputs[0]
        assert gy is not None
        grad = BatchNormalizationGrad(self.eps, self._axes, self.mean, self.inv_std)
        return grad.apply((x, gamma, gy))

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """The gradients on arrays (no graph)."""
        gy = grad_outputs[0]
        assert gy is not None
        return _bn_grad_arrays(
            self.retained_input_array(0),
            self.retained_input_array(1),
            gy,
            self._axes,
            self.mean,
            self.inv_std,
            0 in target_input_indexes,
        )


@final
class BatchNormalizationGrad(FunctionNode):
    """The gradients of :class:`BatchNormalization`: ``(x, gamma, gy) -> (gx, ggamma, gbeta)``.

    It is itself differentiable, which gives batch normalization its double backward.

    Args:
        eps: The ``eps`` of the forward computation.
        axes: The reduction axes (normalized).
        mean: The batch mean (kept shape).
        inv_std: ``1 / sqrt(var + eps)`` (kept shape).
    """

    __slots__ = ("axes", "eps", "inv_std", "mean")

    def __init__(self, eps: float, axes: tuple[int, ...], mean: Array, inv_std: Array) -> None:
        self.eps = eps
        self.axes = axes
        self.mean = mean
        self.inv_std = inv_std

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Compute ``(gx, ggamma, gbeta)``."""
        self.retain_inputs((0, 1, 2))
        x, gamma, gy = inputs
        gx, ggamma, gbeta = _bn_grad_arrays(x, gamma, gy, self.axes, self.mean, self.inv_std, True)
        assert gx is not None
        return gx, ggamma, gbeta

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """The second-order gradients, with differentiable functions."""
        x, gamma, gy = self.get_retained_inputs()
        ggx, gggamma, ggbeta = grad_outputs
        axes = self.axes
        ct = self.mean.dtype
        kept = self.mean.shape
        xc = cast(x, ct)
        gyc = cast(gy, ct)
        gamma_k = C.channel_var(gamma, kept, ct)
        xhat, s = C.standardize_vars(xc, axes, self.eps)
        mean = C._mean_keep
        a_m = mean(gyc * xhat, axes)
        b_m = mean(gyc, axes)
        ggxc = None if ggx is None else cast(ggx, ct)
        gg_gamma_k = None if gggamma is None else C.channel_var(gggamma, kept, ct)
        gg_beta_k = None if ggbeta is None else C.channel_var(ggbeta, kept, ct)
        c_m = d_m = None
        if ggxc is not None:
            c_m = mean(ggxc * xhat, axes)
            d_m = mean(ggxc, axes)

        result: list[Variable | None] = []
        for index in target_input_indexes:
            g: Variable | None = None
            if index == 0:
                g = self._grad_x(xhat, s, gyc, gamma_k, ggxc, gg_gamma_k, a_m, b_m, c_m, d_m)
                g = None if g is None else cast(g, x.dtype)
            elif index == 1:
                if ggxc is not None:
                    term = ggxc * s * (gyc - xhat * a_m - b_m)
                    g = cast(C.reduce_to(term, axes, gamma.shape), gamma.dtype)
            else:
                if ggxc is not None:
                    assert c_m is not None
                    assert d_m is not None
                    g = gamma_k * s * (ggxc - xhat * c_m - d_m)
                if gg_gamma_k is not None:
                    g = gg_gamma_k * xhat if g is None else g + gg_gamma_k * xhat
                if gg_beta_k is not None:
                    g = broadcast_to(gg_beta_k, x.shape) if g is None else g + gg_beta_k
                g = None if g is None else cast(g, gy.dtype)
            result.append(g)
        return tuple(result)

    def _grad_x(
        self,
        xhat: Variable,
        s: Variable,
        gy: Variable,
        gamma_k: Variable,
        ggx: Variable | None,
        gg_gamma_k: Variable | None,
        a_m: Variable,
        b_m: Variable,
        c_m: Variable | None,
        d_m: Variable | None,
    ) -> Variable | None:
        # d/dx of <ggx, gx> + <gggamma, ggamma>: through x_hat (g_xhat) and, for the gx
        # term, through the explicit inv_std factor.
        axes = self.axes
        g_xhat: Variable | None = None
        if ggx is not None:
            assert c_m is not None
            g_xhat = -(gamma_k * s) * (ggx * a_m + c_m * gy)
        if gg_gamma_k is not None:
            term = gg_gamma_k * gy
            g_xhat = term if g_xhat is None else g_xhat + term
        if g_xhat is None:
            return None
        gx = C.standardize_grad_vars(xhat, s, g_xhat, axes)
        if ggx is not None:
            assert c_m is not None
            assert d_m is not None
            e = C._mean_keep(ggx * gy, axes) - c_m * a_m - d_m * b_m
            gx = gx - gamma_k * s * s * e * xhat
        return gx


def _check_running(name: str, value: object, shape: tuple[int, ...]) -> Array | None:
    if value is None:
        return None
    if not is_array(value):
        raise TypeError(f"{name} must be an array (updated in place) or None, got {value!r}")
    array: Array = value  # type: ignore[assignment]
    if array.shape != shape:
        raise ValueError(f"{name} must have the shape of gamma {shape}, got {tuple(array.shape)}")
    if array.dtype.kind != "f":
        raise TypeError(f"{name} must be a floating point array, got dtype {array.dtype}")
    return array


def batch_normalization(
    x: VariableOrArray,
    gamma: VariableOrArray,
    beta: VariableOrArray,
    eps: float = 2e-5,
    running_mean: Array | None = None,
    running_var: Array | None = None,
    decay: float = 0.9,
    axis: int | tuple[int, ...] | None = None,
) -> Variable:
    """Batch normalization over a batch, with the batch's own statistics.

    ``y = gamma * (x - mean) / sqrt(var + eps) + beta``, where ``mean`` and ``var`` (the
    biased variance) are taken over the reduction axes: axis 0 and the axes after the
    ``gamma.ndim`` channel axes by default (for ``x`` of shape ``(N, C, H, W)`` and
    ``gamma`` of shape ``(C,)``: axes 0, 2 and 3), or ``axis``.  ``gamma`` and ``beta`` have
    the shape of ``x`` without those axes.

    Given running averages, they are updated in place with Chainer's rule
    ``running_mean = decay * running_mean + (1 - decay) * mean`` and
    ``running_var = decay * running_var + (1 - decay) * var * m / max(m - 1, 1)``, with
    ``m = x.size // gamma.size`` (the unbiased variance).

    Float16 inputs are normalized in float32 and the result cast back.  Backward and double
    backward are supported.

    Args:
        x: The input, floating point.
        gamma: The scale, one per channel.
        beta: The shift, one per channel (same dtype and shape as ``gamma``).
        eps: Added to the variance for stability.
        running_mean: The running mean to update in place (an array of ``gamma``'s shape),
            or ``None``.
        running_var: The running variance to update in place, or ``None``.
        decay: The decay rate of the running averages.
        axis: The axis or axes to reduce over; ``None`` for the default above.

    Returns:
        The normalized output, of ``x``'s dtype and shape.

    Raises:
        kusari.graph.type_check.InvalidType: If the dtypes are not floating point or the
            shapes of ``gamma``/``beta`` do not fit ``x``.
        ValueError: If ``axis`` is out of range or repeated, or a running average has the
            wrong shape.
        TypeError: If ``axis`` or a running average has the wrong type.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.array([[1.0, 10.0], [3.0, 30.0]], numpy.float32)
        >>> gamma = numpy.ones(2, numpy.float32)
        >>> beta = numpy.zeros(2, numpy.float32)
        >>> running_mean = numpy.zeros(2, numpy.float32)
        >>> y = F.batch_normalization(x, gamma, beta, running_mean=running_mean)
        >>> numpy.round(y.array, 3).tolist()
        [[-1.0, -1.0], [1.0, 1.0]]
        >>> running_mean.tolist()
        [0.20000000298023224, 2.0]
    """
    axes = C.check_axis_argument(axis)
    gamma_shape = tuple(gamma.shape)
    rm = _check_running("running_mean", running_mean, gamma_shape)
    rv = _check_running("running_var", running_var, gamma_shape)
    if axes is not None:
        C.reduction_axes(len(x.shape), len(gamma_shape), axes)
    return BatchNormalization(eps, rm, rv, decay, axes).apply((x, gamma, beta))[0]
