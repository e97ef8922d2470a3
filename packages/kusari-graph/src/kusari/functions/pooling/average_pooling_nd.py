"""N-dimensional average pooling (:func:`average_pooling_nd`)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import TypeInfoTuple

from .. import _conv_utils, _utils
from . import _pooling_arrays
from .max_pooling_nd import check_pooling_types, pooling_args

__all__ = [
    "AveragePoolingND",
    "AveragePoolingNDGrad",
    "average_pooling_1d",
    "average_pooling_3d",
    "average_pooling_nd",
]


@final
class AveragePoolingND(FunctionNode):
    """Average pooling over ``ndim`` spatial axes.

    Args:
        ndim: The number of spatial axes.
        ksize: The window size.
        stride: The stride; ``None`` means ``ksize``.
        pad: The padding on both sides.
        pad_value: The value of the padding (it is averaged in, dividing by the window
            size), or ``None`` to leave the padding out (dividing by the number of input
            elements in the window).
    """

    __slots__ = ("_in_shape", "ksize", "ndim", "pad", "pad_value", "stride")

    def __init__(
        self,
        ndim: int,
        ksize: int | Sequence[int],
        stride: int | Sequence[int] | None = None,
        pad: int | Sequence[int] = 0,
        pad_value: float | None = 0,
    ) -> None:
        self.ndim = ndim
        self.ksize, self.stride, self.pad = pooling_args(ndim, ksize, stride, pad)
        if pad_value is not None and not isinstance(pad_value, (int, float)):
            raise TypeError(f"pad_value must be a number or None, got {type(pad_value).__name__}")
        self.pad_value = pad_value
        self._in_shape: tuple[int, ...] = ()

    @property
    def label(self) -> str:
        """``AveragePooling2D`` for 2 spatial axes and zero padding, else ``AveragePoolingND``."""
        return "AveragePooling2D" if self.ndim == 2 and self.pad_value == 0 else "AveragePoolingND"

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """A floating point input with ``ndim + 2`` axes and at least one window."""
        check_pooling_types(in_types, self.ndim, self.ksize, self.stride, self.pad, False)

    def divide(self, y: Array) -> Array:
        """Divide window sums in place by the window size (or the non-padding count)."""
        if self.pad_value is None and any(self.pad):
            y /= _pooling_arrays.average_divisor(
                self._in_shape[2:], self.ksize, self.stride, self.pad, y.shape[2:], y
            )
        else:
            y *= y.dtype.type(1 / math.prod(self.ksize))
        return y

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Sum over the window elements, then divide."""
        (x,) = inputs
        self._in_shape = x.shape
        pad_value = 0.0 if self.pad_value is None else float(self.pad_value)
        y = _pooling_arrays.window_sum(x, self.ksize, self.stride, self.pad, pad_value)
        return (self.divide(y),)

    def spread(self, gy: Array) -> Array:
        """The input gradient: each output's gradient divided and spread over its window."""
        return _pooling_arrays.spread(
            self.divide(gy.copy()), self._in_shape, self.ksize, self.stride, self.pad
        )

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """:class:`AveragePoolingNDGrad` (differentiable)."""
        return (AveragePoolingNDGrad(self).apply((_utils.first_grad(grad_outputs),))[0],)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Spread the divided gradient over the windows."""
        gy = grad_outputs[0]
        assert gy is not None
        return (self.spread(gy),)


@final
class AveragePoolingNDGrad(FunctionNode):
    """The gradient of :class:`AveragePoolingND` (linear; its adjoint is average pooling).

    Args:
        apool: The forward function.
    """

    __slots__ = ("apool",)

    def __init__(self, apool: AveragePoolingND) -> None:
        self.apool = apool

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Spread."""
        return (self.apool.spread(inputs[0]),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Average pooling of ``ggx`` with zero padding (the same divisor)."""
        apool = self.apool
        pad_value = None if apool.pad_value is None else 0
        func = AveragePoolingND(apool.ndim, apool.ksize, apool.stride, apool.pad, pad_value)
        return (func.apply((_utils.first_grad(grad_outputs),))[0],)


def average_pooling_nd(
    x: VariableOrArray,
    ksize: int | Sequence[int],
    stride: int | Sequence[int] | None = None,
    pad: int | Sequence[int] = 0,
    pad_value: float | None = 0,
) -> Variable:
    """N-dimensional average pooling: the mean of every window.

    The output has spatial size ``(s + 2 * p - k) // st + 1``.  With ``pad_value`` a
    number, the padding holds that value and every window is divided by its full size
    (the default, 0, biases border averages towards zero); with ``None`` the padding is
    left out and each window is divided by the number of input elements it covers.

    Args:
        x: The input, ``(n, c, *size)``, floating point.
        ksize: The window size: an int for every axis or a tuple of ``d`` ints.
        stride: The stride; ``None`` means ``ksize``.
        pad: The padding on both sides of each axis.
        pad_value: The value of the padding, or ``None`` to exclude it.

    Returns:
        The pooled Variable, ``(n, c, *out_size)``.

    Raises:
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point, has the wrong
            number of axes, or is too small for one window.
        TypeError: If ``ksize``, ``stride``, ``pad`` or ``pad_value`` has the wrong type.
        ValueError: If an argument is out of range or has the wrong length.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.ones((1, 1, 3), numpy.float32)
        >>> F.average_pooling_nd(x, 2, pad=1).array.tolist()
        [[[0.5, 1.0]]]
        >>> F.average_pooling_nd(x, 2, pad=1, pad_value=None).array.tolist()
        [[[1.0, 1.0]]]
    """
    ndim = len(x.shape) - 2
    return AveragePoolingND(ndim, ksize, stride, pad, pad_value).apply((x,))[0]


def average_pooling_1d(
    x: VariableOrArray,
    ksize: int | Sequence[int],
    stride: int | Sequence[int] | None = None,
    pad: int | Sequence[int] = 0,
    pad_value: float | None = 0,
) -> Variable:
    """1-d average pooling: :func:`average_pooling_nd` for ``x`` of shape ``(n, c, l)``.

    Args:
        x: The input, ``(n, c, l)``.
        ksize: The window size.
        stride: The stride; ``None`` means ``ksize``.
        pad: The padding on both sides.
        pad_value: The value of the padding, or ``None`` to exclude it.

    Returns:
        The pooled Variable.

    Raises:
        ValueError: If ``x`` does not have exactly 1 spatial axes.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.average_pooling_1d(numpy.arange(4.0).reshape(1, 1, 4), 2).array.tolist()
        [[[0.5, 2.5]]]
    """
    _conv_utils.check_spatial_ndim(x.shape, 1)
    return AveragePoolingND(1, ksize, stride, pad, pad_value).apply((x,))[0]


def average_pooling_3d(
    x: VariableOrArray,
    ksize: int | Sequence[int],
    stride: int | Sequence[int] | None = None,
    pad: int | Sequence[int] = 0,
    pad_value: float | None = 0,
) -> Variable:
    """3-d average pooling: :func:`average_pooling_nd` for ``x`` of shape ``(n, c, d, h, w)``.

    Args:
        x: The input, ``(n, c, d, h, w)``.
        ksize: The window size.
        stride: The stride; ``None`` means ``ksize``.
        pad: The padding on both sides.
        pad_value: The value of the padding, or ``None`` to exclude it.

    Returns:
        The pooled Variable.

    Raises:
        ValueError: If ``x`` does not have exactly 3 spatial axes.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.average_pooling_3d(numpy.ones((1, 1, 4, 4, 4)), 2).shape
        (1, 1, 2, 2, 2)
    """
    _conv_utils.check_spatial_ndim(x.shape, 3)
    return AveragePoolingND(3, ksize, stride, pad, pad_value).apply((x,))[0]
