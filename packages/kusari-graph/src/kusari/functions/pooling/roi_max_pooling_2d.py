"""Region-of-interest max pooling (:func:`roi_max_pooling_2d`)."""

from __future__ import annotations

import math
from typing import final

from kusari.devices import Array
from kusari.graph import Variable, VariableOrArray, type_check
from kusari.graph.type_check import TypeInfoTuple

from ._roi_common import ROIPoolingBase, check_scale, roi_outsize

__all__ = ["ROIMaxPooling2D", "check_roi_types", "roi_max_pooling_2d"]


def check_roi_types(in_types: TypeInfoTuple) -> None:
    """``x`` (floating, 4-d), ``rois`` ``(R, 4)`` of its dtype and ``R`` integer indices."""
    type_check.expect(in_types.size() == 3)
    type_check.argname(in_types, ("x", "rois", "roi_indices"))
    x_type, roi_type, index_type = in_types
    type_check.expect(
        x_type.dtype.kind == "f",
        x_type.ndim == 4,
        roi_type.dtype == x_type.dtype,
        roi_type.ndim == 2,
        index_type.dtype.kind == "i",
        index_type.ndim == 1,
    )
    type_check.expect(
        roi_type.shape[1] == 4,
        roi_type.shape[0] == index_type.shape[0],
    )


@final
class ROIMaxPooling2D(ROIPoolingBase):
    """Max pooling of regions ``(y_min, x_min, y_max, x_max)`` of the images ``roi_indices``.

    Args:
        outsize: ``(outh, outw)``.
        spatial_scale: The factor from region coordinates to feature-map positions.
    """

    __slots__ = ()

    def __init__(self, outsize: tuple[int, int], spatial_scale: float) -> None:
        super().__init__(outsize, spatial_scale, "max", False, -math.inf)

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """See :func:`check_roi_types`."""
        check_roi_types(in_types)

    def regions(self, inputs: tuple[Array, ...]) -> tuple[Array, Array]:
        """The boxes and image indices as given."""
        return inputs[1], inputs[2]


def roi_max_pooling_2d(
    x: VariableOrArray,
    rois: VariableOrArray,
    roi_indices: Array,
    outsize: int | tuple[int, int],
    spatial_scale: float,
) -> Variable:
    """Region-of-interest max pooling.

    Region ``r`` is ``rois[r] = (y_min, x_min, y_max, x_max)`` of image ``roi_indices[r]``.
    The corners are multiplied by ``spatial_scale`` and rounded (half to even); the region
    spans ``y_max - y_min`` rows (at least one), split into ``outh`` bins with
    ``floor``/``ceil`` bounds (likewise for the columns).  Each output is the maximum of its
    bin, ``-inf`` for a bin outside the image.  The gradient goes to the first maximum of
    each bin; the regions get none.

    Args:
        x: The feature maps, ``(n, c, h, w)``.
        rois: The regions, ``(R, 4)``, of ``x``'s dtype.
        roi_indices: The image of each region, ``(R,)`` integers.
        outsize: ``(outh, outw)``, or an int for both.
        spatial_scale: The factor from region coordinates to feature-map positions.

    Returns:
        The pooled regions, ``(R, c, outh, outw)``.

    Raises:
        kusari.graph.type_check.InvalidType: If the dtypes or shapes do not fit.
        TypeError: If ``outsize`` or ``spatial_scale`` has the wrong type.
        ValueError: If one of them is not positive.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.arange(16, dtype=numpy.float32).reshape(1, 1, 4, 4)
        >>> rois = numpy.array([[0, 0, 4, 4]], numpy.float32)
        >>> F.roi_max_pooling_2d(x, rois, numpy.zeros(1, numpy.int32), 2, 1.0).array.tolist()
        [[[[5.0, 7.0], [13.0, 15.0]]]]
    """
    func = ROIMaxPooling2D(roi_outsize(outsize), check_scale(spatial_scale))
    return func.apply((x, rois, roi_indices))[0]
