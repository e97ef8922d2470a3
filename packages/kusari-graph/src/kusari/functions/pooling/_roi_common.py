"""The function nodes shared by the region-of-interest poolings (private)."""

from __future__ import annotations

import math
from typing import Literal, final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable

from .. import _conv_utils, _utils
from . import _roi_arrays

__all__ = ["ROIPoolingBase", "ROIPoolingGrad", "ROIPoolingGradGrad", "roi_outsize"]


def roi_outsize(outsize: object) -> tuple[int, int]:
    """``outsize`` as ``(outh, outw)``; an int means a square grid."""
    size = _conv_utils.as_tuple(outsize, 2, "outsize")
    return size[0], size[1]


def check_scale(spatial_scale: object) -> float:
    """``spatial_scale`` as a positive finite float."""
    if isinstance(spatial_scale, bool) or not isinstance(spatial_scale, (int, float)):
        raise TypeError(f"spatial_scale must be a number, got {type(spatial_scale).__name__}")
    if not (math.isfinite(spatial_scale) and spatial_scale > 0):
        raise ValueError(f"spatial_scale must be positive and finite, got {spatial_scale!r}")
    return float(spatial_scale)


class ROIPoolingBase(FunctionNode):
    """Pool ``outh x outw`` bins of every region; subclasses say how regions are given.

    Args:
        outsize: ``(outh, outw)``.
        spatial_scale: The factor from region coordinates to feature-map positions.
        mode: ``"max"`` or ``"average"``.
        inclusive: Whether a region spans ``y_max - y_min + 1`` rows (Fast R-CNN) instead
            of ``y_max - y_min``.
        empty: The output of an empty max bin.
    """

    __slots__ = (
        "_argmax",
        "_bins",
        "_x_shape",
        "empty",
        "inclusive",
        "mode",
        "outsize",
        "spatial_scale",
    )

    def __init__(
        self,
        outsize: tuple[int, int],
        spatial_scale: float,
        mode: Literal["max", "average"],
        inclusive: bool,
        empty: float,
    ) -> None:
        self.outsize = outsize
        self.spatial_scale = spatial_scale
        self.mode = mode
        self.inclusive = inclusive
        self.empty = empty
        self._bins: _roi_arrays.Bins | None = None
        self._argmax: Array | None = None
        self._x_shape: tuple[int, ...] = ()

    def regions(self, inputs: tuple[Array, ...]) -> tuple[Array, Array]:
        """``(boxes (R, 4) as y_min, x_min, y_max, x_max; image indices (R,))``."""
        raise NotImplementedError

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Pool every bin; the bins (and for max, the argmax) are kept for backward."""
        x = inputs[0]
        boxes, batch = self.regions(inputs)
        bins = _roi_arrays.roi_bins(
            boxes, batch, self.outsize, self.spatial_scale, x.shape[2:], self.inclusive
        )
        self._bins = bins
        self._x_shape = x.shape
        if self.mode == "max":
            y, self._argmax = _roi_arrays.roi_max_forward(x, bins, self.empty)
        else:
            y, _ = _roi_arrays.roi_average_forward(x, bins)
        return (y,)

    def scatter(self, g: Array) -> Array:
        """The input gradient from an output gradient ``g``."""
        assert self._bins is not None
        return _roi_arrays.roi_scatter(g, self._bins, self._x_shape, self._argmax)

    def gather(self, gx: Array) -> Array:
        """The adjoint of :meth:`scatter` (the pooling's linear part)."""
        assert self._bins is not None
        return _roi_arrays.roi_gather(gx, self._bins, self._argmax)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """:class:`ROIPoolingGrad` for ``x``; the regions get no gradient."""
        gx = ROIPoolingGrad(self).apply((_utils.first_grad(grad_outputs),))[0]
        return (gx,) + (None,) * (len(self.inputs) - 1)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Scatter the gradient back to the pooled positions."""
        gy = grad_outputs[0]
        assert gy is not None
        return (self.scatter(gy),) + (None,) * (len(self.inputs) - 1)


@final
class ROIPoolingGrad(FunctionNode):
    """The gradient of a region pooling (linear in ``gy``).

    Args:
        pool: The forward function.
    """

    __slots__ = ("pool",)

    def __init__(self, pool: ROIPoolingBase) -> None:
        self.pool = pool

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Scatter."""
        return (self.pool.scatter(inputs[0]),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Gather (:class:`ROIPoolingGradGrad`)."""
        return (ROIPoolingGradGrad(self.pool).apply((_utils.first_grad(grad_outputs),))[0],)


@final
class ROIPoolingGradGrad(FunctionNode):
    """The adjoint of :class:`ROIPoolingGrad`: the pooling's linear part (a gather).

    Args:
        pool: The forward function.
    """

    __slots__ = ("pool",)

    def __init__(self, pool: ROIPoolingBase) -> None:
        self.pool = pool

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Gather."""
        return (self.pool.gather(inputs[0]),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Scatter (:class:`ROIPoolingGrad`)."""
        return (ROIPoolingGrad(self.pool).apply((_utils.first_grad(grad_outputs),))[0],)
