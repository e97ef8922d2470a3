"""Fixed resampling kernels: ``UpsamplingDeconvFilter`` and ``DownsamplingConvFilter``."""

from __future__ import annotations

from typing import Any

import numpy
import numpy.typing as npt

from kusari.devices import Array, get_array_module, get_device_from_array, using_device

from ._base import Initializer

__all__ = ["DownsamplingConvFilter", "UpsamplingDeconvFilter"]

_INTERPOLATIONS = ("linear",)


def _linear_kernel(size: int) -> npt.NDArray[numpy.float64]:
    """The 1-D linear interpolation kernel of ``size`` taps (a triangle, peak 1)."""
    factor = (size + 1) // 2
    center = factor - 1 if size % 2 else factor - 0.5
    kernel: npt.NDArray[numpy.float64] = 1 - numpy.abs(numpy.arange(size) - center) / factor
    return kernel


class _SamplingFilter(Initializer):
    """A kernel that resamples each channel on its own: ``W[i, i]`` is the filter."""

    interpolation: str
    _normalize: bool = False

    def __init__(self, interpolation: str = "linear", dtype: npt.DTypeLike | None = None) -> None:
        if interpolation not in _INTERPOLATIONS:
            raise ValueError(
                f"unsupported interpolation {interpolation!r}; {type(self).__name__} "
                f"supports {', '.join(map(repr, _INTERPOLATIONS))}"
            )
        super().__init__(dtype)
        self.interpolation = interpolation

    def __call__(self, array: Array) -> None:
        """Fill a ``(channels, channels, k, ..., k)`` weight with the filter.

        Args:
            array: The weight: the same number of output and input channels, and at
                least one spatial axis, all of the same size.

        Raises:
            ValueError: On a dtype mismatch, or a shape that is not
                ``(c, c, k, ..., k)``.
        """
        self.check_dtype(array)
        shape = tuple(array.shape)
        name = type(self).__name__
        if len(shape) < 3:
            raise ValueError(
                f"{name} fills a (channels, channels, k, ..., k) weight with at least one "
                f"spatial axis, got shape {shape}"
            )
        if shape[0] != shape[1]:
            raise ValueError(
                f"{name} needs as many output as input channels, got shape {shape} "
                f"({shape[0]} != {shape[1]})"
            )
        ksize = shape[2:]
        if len(set(ksize)) != 1:
            raise ValueError(
                f"{name} needs the same kernel size on every spatial axis, got {ksize}"
            )
        kernel = _linear_kernel(ksize[0])
        if self._normalize:
            kernel = kernel / kernel.sum()
        spatial: npt.NDArray[numpy.float64] = numpy.ones(())
        for _ in ksize:
            spatial = numpy.multiply.outer(spatial, kernel)
        weight = numpy.zeros(shape)
        channels = numpy.arange(shape[0])
        weight[channels, channels] = spatial
        xp: Any = get_array_module(array)
        with using_device(get_device_from_array(array)):
            array[...] = xp.asarray(weight)

    def _repr_fields(self) -> dict[str, object]:
        return {"interpolation": self.interpolation}


class UpsamplingDeconvFilter(_SamplingFilter):
    """The weight of a deconvolution that upsamples each channel by linear interpolation.

    It fills a ``(c, c, k, ..., k)`` weight with zeros except ``W[i, i]``, the outer
    product of the 1-D triangle kernel of ``k`` taps (for ``k = 4``:
    ``[0.25, 0.75, 0.75, 0.25]``).  A :class:`~kusari.links.Deconvolution2D` with
    ``ksize=2 * s - s % 2``, ``stride=s`` and ``pad=math.ceil((s - 1) / 2)`` then
    upsamples each channel by ``s`` (a constant image stays constant away from the
    borders), as in fully convolutional networks.

    Args:
        interpolation: ``'linear'``, the only method (as in Chainer).
        dtype: The dtype this initializer is for (see :class:`Initializer`).

    Attributes:
        interpolation: The interpolation method.

    Raises:
        ValueError: If ``interpolation`` is not supported.

    Example:
        >>> import numpy
        >>> from kusari.initializers import UpsamplingDeconvFilter
        >>> w = numpy.empty((1, 1, 4, 4), dtype=numpy.float32)
        >>> UpsamplingDeconvFilter()(w)
        >>> w[0, 0].tolist()[:2]
        [[0.0625, 0.1875, 0.1875, 0.0625], [0.1875, 0.5625, 0.5625, 0.1875]]
    """


class DownsamplingConvFilter(_SamplingFilter):
    """The weight of a convolution that downsamples each channel by linear interpolation.

    Like :class:`UpsamplingDeconvFilter`, with the filter normalized to sum to 1, so
    that a :class:`~kusari.links.Convolution2D` with it averages each channel (a
    constant image stays constant away from the borders).

    Args:
        interpolation: ``'linear'``, the only method (as in Chainer).
        dtype: The dtype this initializer is for (see :class:`Initializer`).

    Attributes:
        interpolation: The interpolation method.

    Raises:
        ValueError: If ``interpolation`` is not supported.

    Example:
        >>> import numpy
        >>> from kusari.initializers import DownsamplingConvFilter
        >>> w = numpy.empty((2, 2, 2, 2), dtype=numpy.float32)
        >>> DownsamplingConvFilter()(w)
        >>> w[0, 0].tolist(), w[0, 1].tolist()
        ([[0.25, 0.25], [0.25, 0.25]], [[0.0, 0.0], [0.0, 0.0]])
    """

    _normalize = True
