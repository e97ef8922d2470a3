"""Spatial pyramid pooling (:func:`spatial_pyramid_pooling_2d`)."""

from __future__ import annotations

import math

from kusari.graph import Variable, VariableOrArray, type_check

from ..array.concat import concat
from ..array.reshape import reshape
from .max_pooling_nd import MaxPoolingND

__all__ = ["spatial_pyramid_pooling_2d"]


def spatial_pyramid_pooling_2d(
    x: VariableOrArray,
    pyramid_height: int,
    pooling: str | None = None,
) -> Variable:
    """Spatial pyramid pooling: max pooling into ``1, 2x2, 4x4, ...`` grids, concatenated.

    Level ``l`` (``0 <= l < pyramid_height``) splits each image into ``2**l x 2**l`` bins:
    window ``ceil(h / 2**l) x ceil(w / 2**l)``, the same stride, padding
    ``(window * 2**l - h) // 2`` and ``cover_all``.  The levels are flattened per image and
    concatenated, so the output has ``c * (4**pyramid_height - 1) / 3`` channels and a
    ``1 x 1`` spatial shape, whatever the input size.

    Args:
        x: The feature maps, ``(n, c, h, w)``.
        pyramid_height: The number of levels.
        pooling: The pooling of every bin; only ``"max"`` exists (Chainer 7 requires it
            to be given).

    Returns:
        The pooled features, ``(n, c * (4**pyramid_height - 1) // 3, 1, 1)``.

    Raises:
        ValueError: If ``pooling`` is not ``"max"`` or ``pyramid_height`` is not positive.
        kusari.graph.type_check.InvalidType: If ``x`` is not a floating point 4-d array.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.arange(16, dtype=numpy.float32).reshape(1, 1, 4, 4)
        >>> F.spatial_pyramid_pooling_2d(x, 2, pooling="max").array.ravel().tolist()
        [15.0, 5.0, 7.0, 13.0, 15.0]
    """
    if pooling != "max":
        raise ValueError(f"Unsupported pooling operation: {pooling!r} (only 'max' is supported)")
    if isinstance(pyramid_height, bool) or not isinstance(pyramid_height, int):
        raise TypeError(f"pyramid_height must be an int, got {type(pyramid_height).__name__}")
    if pyramid_height < 1:
        raise ValueError(f"pyramid_height must be >= 1, got {pyramid_height}")
    if len(x.shape) != 4:
        raise type_check.InvalidType(
            "x.ndim == 4",
            f"{len(x.shape)} != 4",
            "Invalid operation is performed in: spatial_pyramid_pooling_2d (Forward)\n\n"
            f"Expect: x.ndim == 4\nActual: {len(x.shape)} != 4",
        )
    n, _, height, width = x.shape
    levels = []
    for level in range(pyramid_height):
        bins = 2**level
        ksize = (math.ceil(height / bins), math.ceil(width / bins))
        pad = ((ksize[0] * bins - height) // 2, (ksize[1] * bins - width) // 2)
        pooled = MaxPoolingND(2, ksize, ksize, pad, True).apply((x,))[0]
        levels.append(reshape(pooled, (n, pooled.size // n, 1, 1)))
    return levels[0] if len(levels) == 1 else concat(levels, axis=1)
