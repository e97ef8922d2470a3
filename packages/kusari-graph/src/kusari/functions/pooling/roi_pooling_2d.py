"""Fast R-CNN region-of-interest max pooling (:func:`roi_pooling_2d`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import Variable, VariableOrArray, type_check
from kusari.graph.type_check import TypeInfoTuple

from ._roi_common import ROIPoolingBase, check_scale

__all__ = ["ROIPooling2D", "roi_pooling_2d"]


@final
class ROIPooling2D(ROIPoolingBase):
    """Max pooling of regions given as rows ``(batch_index, x_min, y_min, x_max, y_max)``.

    Args:
        outh: The number of bins along the height.
        outw: The number of bins along the width.
        spatial_scale: The factor from region coordinates to feature-map positions.
    """

    __slots__ = ()

    def __init__(self, outh: int, outw: int, spatial_scale: float) -> None:
        super().__init__((outh, outw), spatial_scale, "max", True, 0.0)

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """``x`` is a floating point image batch, ``rois`` an ``(R, 5)`` array of its dtype."""
        type_check.expect(in_types.size() == 2)
        type_check.argname(in_types, ("x", "rois"))
        x_type, roi_type = in_types
        type_check.expect(
            x_type.dtype.kind == "f",
            x_type.ndim == 4,
            roi_type.dtype == x_type.dtype,
            roi_type.ndim == 2,
        )
        type_check.expect(roi_type.shape[1] == 5)

    def regions(self, inputs: tuple[Array, ...]) -> tuple[Array, Array]:
        """Boxes ``(y_min, x_min, y_max, x_max)`` and image indices from the rows."""
        rois = inputs[1]
        return rois[:, [2, 1, 4, 3]], rois[:, 0].astype("int64")


def roi_pooling_2d(
    x: VariableOrArray,
    rois: VariableOrArray,
    outh: int,
    outw: int,
    spatial_scale: float,
) -> Variable:
    """Region-of-interest max pooling, as in Fast R-CNN (Chainer 7's ``roi_pooling_2d``).

    Each row of ``rois`` is ``(batch_index, x_min, y_min, x_max, y_max)`` in image
    coordinates.  The corners are multiplied by ``spatial_scale`` and rounded (half to
    even); the region then spans ``y_max - y_min + 1`` rows (at least one), split into
    ``outh`` bins with ``floor``/``ceil`` bounds (likewise for the columns).  Each output is
    the maximum of its bin, or 0 for a bin outside the image.  The gradient goes to the
    first maximum of each bin; ``rois`` gets none.

    Args:
        x: The feature maps, ``(n, c, h, w)``.
        rois: The regions, ``(R, 5)``, of ``x``'s dtype.
        outh: The number of bins along the height.
        outw: The number of bins along the width.
        spatial_scale: The factor from region coordinates to feature-map positions.

    Returns:
        The pooled regions, ``(R, c, outh, outw)``.

    Raises:
        kusari.graph.type_check.InvalidType: If the dtypes or shapes do not fit.
        TypeError: If ``outh``, ``outw`` or ``spatial_scale`` is not a number.
        ValueError: If one of them is not positive.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.arange(16, dtype=numpy.float32).reshape(1, 1, 4, 4)
        >>> rois = numpy.array([[0, 0, 0, 3, 3]], numpy.float32)
        >>> F.roi_pooling_2d(x, rois, 2, 2, 1.0).array.tolist()
        [[[[5.0, 7.0], [13.0, 15.0]]]]
    """
    from ._roi_common import roi_outsize

    oh, ow = roi_outsize((outh, outw))
    return ROIPooling2D(oh, ow, check_scale(spatial_scale)).apply((x, rois))[0]
