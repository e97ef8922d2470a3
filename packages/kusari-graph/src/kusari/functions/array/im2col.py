"""Extracting image patches as channels (:func:`im2col`)."""

from __future__ import annotations

from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray, type_check
from kusari.graph.type_check import TypeInfoTuple

from .. import _conv_utils, _utils

__all__ = ["Im2Col", "Im2ColGrad", "im2col"]

Pair = tuple[int, int]


class _Window:
    """The window geometry shared by :class:`Im2Col` and its gradient."""

    __slots__ = ("cover_all", "dilate", "ksize", "pad", "stride")

    def __init__(
        self, ksize: Pair, stride: Pair, pad: Pair, cover_all: bool, dilate: Pair
    ) -> None:
        self.ksize = ksize
        self.stride = stride
        self.pad = pad
        self.cover_all = cover_all
        self.dilate = dilate

    def columns(self, x: Array) -> Array:
        """``(n, c * kh * kw, out_h, out_w)`` patches of ``x``."""
        col = _conv_utils.im2col(
            x, self.ksize, self.stride, self.pad, cover_all=self.cover_all, dilate=self.dilate
        )
        n, c, kh, kw, out_h, out_w = col.shape
        return col.reshape(n, c * kh * kw, out_h, out_w)

    def image(self, gy: Array, size: Pair) -> Array:
        """The adjoint of :meth:`columns`: sum the patches back onto an image of ``size``."""
        n, ckk, out_h, out_w = gy.shape
        kh, kw = self.ksize
        col = gy.reshape(n, ckk // (kh * kw), kh, kw, out_h, out_w)
        return _conv_utils.col2im(col, self.stride, self.pad, size, self.dilate)


@final
class Im2Col(FunctionNode):
    """The ``kh x kw`` patches of an image, as channels.

    Args:
        window: The window geometry.
    """

    __slots__ = ("_size", "window")

    def __init__(self, window: _Window) -> None:
        self.window = window

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """``x`` is a 4-D floating point array."""
        type_check.argname(in_types, ("x",))
        x_type = in_types[0]
        type_check.expect(x_type.dtype.kind == "f", x_type.ndim == 4)

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Extract the patches."""
        (x,) = inputs
        self._size = (x.shape[2], x.shape[3])
        return (self.window.columns(x),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Sum the patch gradients back onto the image."""
        gy = _utils.first_grad(grad_outputs)
        return (Im2ColGrad(self.window, self._size).apply((gy,))[0],)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Sum the patch gradients back onto the image."""
        gy = grad_outputs[0]
        assert gy is not None
        return (self.window.image(gy, self._size),)


@final
class Im2ColGrad(FunctionNode):
    """The gradient of :class:`Im2Col` (col2im); its own gradient is :class:`Im2Col`.

    Args:
        window: The window geometry.
        size: The image's height and width.
    """

    __slots__ = ("size", "window")

    def __init__(self, window: _Window, size: Pair) -> None:
        self.window = window
        self.size = size

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Sum the patches onto the image."""
        return (self.window.image(inputs[0], self.size),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Extract the patches of the gradient."""
        return (Im2Col(self.window).apply((_utils.first_grad(grad_outputs),))[0],)


def im2col(
    x: VariableOrArray,
    ksize: int | Pair,
    stride: int | Pair = 1,
    pad: int | Pair = 0,
    cover_all: bool = False,
    dilate: int | Pair = 1,
) -> Variable:
    """Extract the ``kh x kw`` patches of an image batch into the channel axis.

    The output element ``(n, (c * kh + i) * kw + j, y, x)`` is the input element
    ``(n, c, y * sy - ph + i * dy, x * sx - pw + j * dx)`` (0 in the padding).

    Args:
        x: A 4-D floating point input ``(n, c, h, w)``.
        ksize: The patch size (an int or ``(kh, kw)``).
        stride: The stride (an int or ``(sy, sx)``).
        pad: The zero padding on each side (an int or ``(ph, pw)``).
        cover_all: Add output positions so that the last patches cover the whole input.
        dilate: The dilation of the patch (an int or ``(dy, dx)``).

    Returns:
        The patches, of shape ``(n, c * kh * kw, out_h, out_w)``.

    Raises:
        TypeError: If a size argument is not an int or a pair of ints.
        ValueError: If a size argument is out of range, or no patch fits.
        kusari.graph.type_check.InvalidType: If ``x`` is not a 4-D floating point array.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.arange(9.0).reshape(1, 1, 3, 3)
        >>> y = F.im2col(x, 2)
        >>> y.shape
        (1, 4, 2, 2)
        >>> y.array[0, :, 0, 0].tolist()
        [0.0, 1.0, 3.0, 4.0]
    """
    window = _Window(
        _pair(ksize, "ksize", 1),
        _pair(stride, "stride", 1),
        _pair(pad, "pad", 0),
        bool(cover_all),
        _pair(dilate, "dilate", 1),
    )
    return Im2Col(window).apply((x,))[0]


def _pair(value: object, name: str, minimum: int) -> Pair:
    first, second = _conv_utils.as_tuple(value, 2, name, minimum)
    return (first, second)
