"""Region-of-interest average pooling (:func:`roi_average_pooling_2d`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import Variable, VariableOrArray
from kusari.graph.type_check import TypeInfoTuple

from ._roi_common import ROIPoolingBase, check_scale, roi_outsize
from .roi_max_pooling_2d import check_roi_types

__all__ = ["ROIAveragePooling2D", "roi_average_pooling_2d"]


@final
class ROIAveragePooling2D(ROIPoolingBase):
    """Average pooling of regions ``(y_min, x_min, y_max, x_max)`` of images ``roi_indices``.

    Args:
        outsize: ``(outh, outw)``.
        spatial_scale: The factor from region coordinates to feature-map positions.
    """

    __slots__ = ()

    def __init__(self, outsize: tuple[int, int], spatial_scale: float) -> None:
        super().__init__(outsize, spatial_scale, "average", False, 0.0)

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """See :func:`~kusari.functions.pooling.roi_max_pooling_2d.check_roi_types`."""
        check_roi_types(in_types)

    def regions(self, inputs: tuple[Array, ...]) -> tuple[Array, Array]:
        """The boxes and image indices as given."""
        return inputs[1], inputs[2]


def roi_average_pooling_2d(
    x: VariableOrArray,
    rois: VariableOrArray,
    roi_indices: Array,
    outsize: int | tuple[int, int],
    spatial_scale: float,
) -> Variable:
    """Region-of-interest average pooling.

    The bins are those of :func:`roi_max_pooling_2d`; each output is the mean of its bin
    (0 for a bin outside the image), and the gradient is spread evenly over the bin.

    Args:
        x: The feature maps, ``(n, c, h, w)``.
        rois: The regions ``(y_min, x_min, y_max, x_max)``, ``(R, 4)``, of ``x``'s dtype.
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
        >>> y = F.roi_average_pooling_2d(x, rois, numpy.zeros(1, numpy.int32), 2, 1.0)
        >>> y.array.tolist()
        [[[[2.5, 4.5], [10.5, 12.5]]]]
    """
    func = ROIAveragePooling2D(roi_outsize(outsize), check_scale(spatial_scale))
    return func.apply((x, rois, roi_indices))[0]
