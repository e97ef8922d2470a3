"""Bilinear sampling of images at grid points (:func:`spatial_transformer_sampler`).

The image is padded with one ring of zeros; the grid's ``[-1, 1]`` coordinates map to the
pixel centres of the unpadded image, are clipped to the padded one, and each output value
interpolates the 2x2 pixels around its point.  Outside the clipping range, and on its
bounds, the grid gets no gradient (as in Chainer).
"""

from __future__ import annotations

from typing import Any, NamedTuple, final

import numpy

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray, grad, type_check
from kusari.graph.type_check import TypeInfoTuple

from ..math.clip import clip
from . import _shape_check
from .get_item import get_item
from .pad import pad
from .reshape import reshape

__all__ = ["SpatialTransformerSampler", "spatial_transformer_sampler"]


class _Corners(NamedTuple):
    """Where each grid point samples the padded, flattened image."""

    u: Array  # the clipped column coordinate in the padded image, (N, P)
    v: Array  # the clipped row coordinate, (N, P)
    u0: Array  # the left column, as the coordinate's dtype
    v0: Array  # the top row
    top_left: Array  # the flat index of the top-left pixel, (N, 1, P)
    u_inside: Array  # where the unclipped u lies in the clipping range
    v_inside: Array


def _corners(grid: Array, height: int, width: int) -> _Corners:
    xp = _shape_check.xp_of(grid)
    n = grid.shape[0]
    u = (grid[:, 0].reshape(n, -1) + 1) * ((width - 1) / 2) + 1
    v = (grid[:, 1].reshape(n, -1) + 1) * ((height - 1) / 2) + 1
    # Strict, as Chainer's: a point on the clipping bound gets no gradient either.
    u_inside = (u > 0) & (u < width + 1)
    v_inside = (v > 0) & (v < height + 1)
    u = u.clip(0, width + 1)
    v = v.clip(0, height + 1)
    u0 = xp.floor(u).clip(0, width)
    v0 = xp.floor(v).clip(0, height)
    top_left = (v0.astype(numpy.intp) * (width + 2) + u0.astype(numpy.intp))[:, None, :]
    return _Corners(u, v, u0, v0, top_left, u_inside, v_inside)


def _padded(x: Array) -> Array:
    xp = _shape_check.xp_of(x)
    n, c, h, w = x.shape
    flat = xp.zeros((n, c, h + 2, w + 2), x.dtype)
    flat[:, :, 1:-1, 1:-1] = x
    return flat.reshape(n, c, -1)  # type: ignore[no-any-return]


def _pixels(flat: Array, index: Array, width: int) -> tuple[Array, Array, Array, Array]:
    """The top-left, top-right, bottom-left and bottom-right pixels, ``(N, C, P)`` each."""
    xp = _shape_check.xp_of(flat)
    row = width + 2
    return tuple(
        xp.take_along_axis(flat, index + offset, axis=2) for offset in (0, 1, row, row + 1)
    )


@final
class SpatialTransformerSampler(FunctionNode):
    """Sample ``x`` ``(N, C, H, W)`` bilinearly at the points of ``grid`` ``(N, 2, Ho, Wo)``."""

    __slots__ = ()

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """Floating point 4-D ``x`` and ``grid`` of one dtype and batch; ``grid.shape[1] == 2``."""
        type_check.argname(in_types, ("x", "grid"))
        x, grid = in_types
        type_check.expect(x.dtype.kind == "f", grid.dtype == x.dtype, x.ndim == 4, grid.ndim == 4)
        type_check.expect(grid.shape[1] == 2, x.shape[0] == grid.shape[0])

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Interpolate the four pixels around each point."""
        self.retain_inputs((0, 1))
        x, grid = inputs
        n, c, h, w = x.shape
        at = _corners(grid, h, w)
        x00, x01, x10, x11 = _pixels(_padded(x), at.top_left, w)
        a = (at.u - at.u0)[:, None, :]
        b = (at.v - at.v0)[:, None, :]
        y = (1 - b) * ((1 - a) * x00 + a * x01) + b * ((1 - a) * x10 + a * x11)
        return (y.astype(x.dtype, copy=False).reshape(n, c, *grid.shape[2:]),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Scatter ``w * gy`` to the four pixels; differentiate the weights for ``grid``."""
        x = self.retained_input_array(0)
        grid = self.retained_input_array(1)
        gy_out = grad_outputs[0]
        assert gy_out is not None
        xp: Any = _shape_check.xp_of(x)
        n, c, h, w = x.shape
        gy = gy_out.reshape(n, c, -1)
        at = _corners(grid, h, w)
        a = (at.u - at.u0)[:, None, :]
        b = (at.v - at.v0)[:, None, :]
        result: list[Array | None] = []
        if 0 in target_input_indexes:
            row = w + 2
            size = (h + 2) * row
            weights = ((1 - a) * (1 - b), a * (1 - b), (1 - a) * b, a * b)
            offsets = (0, 1, row, row + 1)
            base = (xp.arange(n) * size)[:, None, None] + at.top_left
            index = xp.concatenate([(base + o).reshape(-1) for o in offsets])
            values = xp.concatenate(
                [(wt * gy).transpose(0, 2, 1).reshape(-1, c) for wt in weights]
            )
            gx = xp.zeros((n * size, c), values.dtype)
            if xp is numpy:
                numpy.add.at(gx, index, values)
            else:
                import cupyx

                cupyx.scatter_add(gx, index, values)
            gx = gx.reshape(n, h + 2, row, c)[:, 1:-1, 1:-1].transpose(0, 3, 1, 2)
            result.append(xp.ascontiguousarray(gx).astype(x.dtype, copy=False))
        if 1 in target_input_indexes:
            x00, x01, x10, x11 = _pixels(_padded(x), at.top_left, w)
            gu = (gy * ((1 - b) * (x01 - x00) + b * (x11 - x10))).sum(axis=1)
            gv = (gy * ((1 - a) * (x10 - x00) + a * (x11 - x01))).sum(axis=1)
            gu *= at.u_inside * ((w - 1) / 2)
            gv *= at.v_inside * ((h - 1) / 2)
            ggrid = xp.stack((gu, gv), axis=1).reshape(grid.shape)
            result.append(ggrid.astype(grid.dtype, copy=False))
        return tuple(result)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """The gradient of the sampling written with differentiable functions."""
        x, grid = self.get_retained_inputs()
        gy = grad_outputs[0]
        assert gy is not None
        targets = [(x, grid)[i] for i in target_input_indexes]
        y = _differentiable_sample(x, grid)
        return tuple(grad([y], targets, [gy], enable_double_backprop=True))


def _differentiable_sample(x: Variable, grid: Variable) -> Variable:
    """:meth:`SpatialTransformerSampler.forward` with differentiable functions."""
    grid_array = grid.array
    assert grid_array is not None
    xp = _shape_check.xp_of(grid_array)
    n, c, h, w = x.shape
    at = _corners(grid_array, h, w)
    flat = reshape(pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)), "constant"), (n, c, -1))
    u = clip((grid[:, 0] + 1) * ((w - 1) / 2) + 1, 0.0, w + 1.0)
    v = clip((grid[:, 1] + 1) * ((h - 1) / 2) + 1, 0.0, h + 1.0)
    a = reshape(u, (n, 1, -1)) - at.u0[:, None, :]
    b = reshape(v, (n, 1, -1)) - at.v0[:, None, :]
    rows = xp.arange(n)[:, None, None]
    channels = xp.arange(c)[None, :, None]
    row = w + 2
    x00, x01, x10, x11 = (
        get_item(flat, (rows, channels, at.top_left + offset)) for offset in (0, 1, row, row + 1)
    )
    y = (1 - b) * ((1 - a) * x00 + a * x01) + b * ((1 - a) * x10 + a * x11)
    return reshape(y, (n, c, *grid.shape[2:]))


def spatial_transformer_sampler(
    x: VariableOrArray, grid: VariableOrArray, **kwargs: object
) -> Variable:
    """Sample images bilinearly at the points of a grid (spatial transformer networks).

    The point ``(grid[n, 0, i, j], grid[n, 1, i, j])`` is the normalized ``(x, y)``
    position of output pixel ``(i, j)`` of image ``n``: ``(-1, -1)`` is the centre of the
    top-left input pixel and ``(1, 1)`` that of the bottom-right one.  Points between
    pixels interpolate the four around them; the image is zero outside.

    Args:
        x: The ``(N, C, H, W)`` images (floating point).
        grid: The ``(N, 2, Ho, Wo)`` points, of ``x``'s dtype (see
            :func:`~kusari.functions.spatial_transformer_grid`).
        **kwargs: Chainer's removed arguments; any given raises a ``ValueError``.

    Returns:
        The ``(N, C, Ho, Wo)`` samples, of ``x``'s dtype.

    Raises:
        ValueError: If an unknown keyword is given.
        kusari.graph.type_check.InvalidType: If the shapes or dtypes do not fit.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.arange(4.0).reshape(1, 1, 2, 2)
        >>> grid = numpy.array([[[[-1.0, 0.0]], [[-1.0, 0.0]]]])  # top-left, centre
        >>> F.spatial_transformer_sampler(x, grid).array.tolist()
        [[[[0.0, 1.5]]]]
    """
    if kwargs:
        raise ValueError(
            f"spatial_transformer_sampler() got unexpected keyword arguments: {sorted(kwargs)}"
        )
    return SpatialTransformerSampler().apply((x, grid))[0]
