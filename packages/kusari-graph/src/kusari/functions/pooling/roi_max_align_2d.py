"""Region-of-interest max align (:func:`roi_max_align_2d`)."""

from __future__ import annotations

from kusari.devices import Array
from kusari.graph import Variable, VariableOrArray

from ._roi_align import ROIAlign2D, check_sampling_ratio
from ._roi_common import check_scale, roi_outsize

__all__ = ["roi_max_align_2d"]


def roi_max_align_2d(
    x: VariableOrArray,
    rois: VariableOrArray,
    roi_indices: Array,
    outsize: int | tuple[int, int],
    spatial_scale: float,
    sampling_ratio: int | tuple[int, int] | None = None,
) -> Variable:
    """Region-of-interest max align (Mask R-CNN's RoIAlign).

    Each region is scaled by ``spatial_scale`` without rounding and split into
    ``outh x outw`` bins; each bin samples the feature map bilinearly at the centres of a
    ``gh x gw`` grid of cells and keeps the largest of its samples (``-inf`` for a bin
    with none inside the image, as in Chainer).  The gradient reaches the four pixels
    around each sample used; the regions get none.

    Args:
        x: The feature maps, ``(n, c, h, w)``.
        rois: The regions ``(y_min, x_min, y_max, x_max)``, ``(R, 4)``, of ``x``'s dtype.
        roi_indices: The image of each region, ``(R,)`` integers.
        outsize: ``(outh, outw)``, or an int for both.
        spatial_scale: The factor from region coordinates to feature-map positions.
        sampling_ratio: ``(gh, gw)`` (an int for both), or ``None`` for
            ``ceil(bin height)`` by ``ceil(bin width)`` samples, per region.

    Returns:
        The pooled regions, ``(R, c, outh, outw)``.

    Raises:
        kusari.graph.type_check.InvalidType: If the dtypes or shapes do not fit.
        TypeError: If ``outsize``, ``spatial_scale`` or ``sampling_ratio`` has the wrong
            type.
        ValueError: If one of them is not positive.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.arange(16, dtype=numpy.float32).reshape(1, 1, 4, 4)
        >>> rois = numpy.array([[0, 0, 4, 4]], numpy.float32)
        >>> y = F.roi_max_align_2d(x, rois, numpy.zeros(1, numpy.int32), 2, 1.0, 2)
        >>> y.array.tolist()
        [[[[7.5, 9.0], [13.5, 15.0]]]]
    """
    func = ROIAlign2D(
        roi_outsize(outsize),
        check_scale(spatial_scale),
        "max",
        check_sampling_ratio(sampling_ratio),
    )
    return func.apply((x, rois, roi_indices))[0]
