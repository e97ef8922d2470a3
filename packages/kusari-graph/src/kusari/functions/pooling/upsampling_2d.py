"""Two-dimensional upsampling with max-pooling indices (:func:`upsampling_2d`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray, type_check
from kusari.graph.type_check import TypeInfoTuple

from .. import _conv_utils, _utils
from . import _pooling_arrays
from .max_pooling_nd import pooling_args
from .unpooling_nd import check_outsize

__all__ = ["Upsampling2D", "Upsampling2DGrad", "upsampling_2d"]


@final
class Upsampling2D(FunctionNode):
    """Place each input element at the window position its index names (the rest zero).

    The inputs are ``x`` and the integer ``indexes`` returned by
    :func:`max_pooling_2d` with ``return_indices=True`` (same shape as ``x``).

    Args:
        ksize: The window size.
        stride: The stride; ``None`` means ``ksize``.
        pad: The padding cropped from the result.
        outsize: The spatial output shape; ``None`` derives it from the input.
        cover_all: Whether the pooling used ``cover_all``.
    """

    __slots__ = ("_index", "cover_all", "ksize", "outsize", "pad", "stride")

    def __init__(
        self,
        ksize: int | Sequence[int],
        stride: int | Sequence[int] | None = None,
        pad: int | Sequence[int] = 0,
        outsize: Sequence[int] | None = None,
        cover_all: bool = True,
    ) -> None:
        self.ksize, self.stride, self.pad = pooling_args(2, ksize, stride, pad)
        self.outsize = None if outsize is None else _conv_utils.as_tuple(outsize, 2, "outsize")
        self.cover_all = bool(cover_all)
        self._index: Array | None = None

    def _outsize(self, size: Sequence[int]) -> tuple[int, ...]:
        if self.outsize is not None:
            return self.outsize
        return _conv_utils.deconv_outsize(size, self.ksize, self.stride, self.pad, self.cover_all)

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """``x`` is a floating point 4-d array, ``indexes`` integers of the same shape."""
        type_check.expect(in_types.size() == 2)
        type_check.argname(in_types, ("x", "indexes"))
        x_type, index_type = in_types
        type_check.expect(
            x_type.dtype.kind == "f",
            x_type.ndim == 4,
            index_type.dtype.kind == "i",
            index_type.shape == x_type.shape,
        )
        size = tuple(type_check.eval(x_type.shape)[2:])
        check_outsize(size, self._outsize(size), self.ksize, self.stride, self.pad, self.cover_all)

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Scatter into zeros (values landing on one position add up)."""
        x, index = inputs
        self._index = index
        out_shape = x.shape[:2] + self._outsize(x.shape[2:])
        y = _pooling_arrays.scatter_to_windows(
            x, index, out_shape, self.ksize, self.stride, self.pad
        )
        return (y,)

    def gather(self, gy: Array) -> Array:
        """The adjoint: read ``gy`` at the indexed window positions."""
        assert self._index is not None
        return _pooling_arrays.gather_from_windows(
            gy, self._index, self.ksize, self.stride, self.pad, self.cover_all
        )

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """:class:`Upsampling2DGrad` for ``x``; ``indexes`` gets none."""
        gy = _utils.first_grad(grad_outputs)
        return (Upsampling2DGrad(self).apply((gy,))[0], None)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Gather ``gy`` at the indexed positions."""
        gy = grad_outputs[0]
        assert gy is not None
        return (self.gather(gy), None)


@final
class Upsampling2DGrad(FunctionNode):
    """The gradient of :class:`Upsampling2D`: a gather (linear; its adjoint is the scatter).

    Args:
        upsample: The forward function (it holds the indexes).
    """

    __slots__ = ("_out_shape", "upsample")

    def __init__(self, upsample: Upsampling2D) -> None:
        self.upsample = upsample
        self._out_shape: tuple[int, ...] = ()

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Gather."""
        self._out_shape = inputs[0].shape
        return (self.upsample.gather(inputs[0]),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Scatter again (an :class:`Upsampling2D` with the same indexes)."""
        u = self.upsample
        assert u._index is not None
        func = Upsampling2D(u.ksize, u.stride, u.pad, self._out_shape[2:], u.cover_all)
        return (func.apply((_utils.first_grad(grad_outputs), u._index))[0],)


def upsampling_2d(
    x: VariableOrArray,
    indexes: Array,
    ksize: int | tuple[int, int],
    stride: int | tuple[int, int] | None = None,
    pad: int | tuple[int, int] = 0,
    outsize: tuple[int, int] | None = None,
    cover_all: bool = True,
) -> Variable:
    """Upsample with max-pooling indices: the inverse routing of :func:`max_pooling_2d`.

    Each element of ``x`` goes to the position inside its ``kh x kw`` window that
    ``indexes`` names (as returned by ``max_pooling_2d(..., return_indices=True)``); all
    other positions are zero, values landing on one position add up, and positions outside
    ``outsize`` or in the padding are dropped.

    Args:
        x: The pooled images, ``(n, c, h, w)``, floating point.
        indexes: The flattened window indices, an integer array shaped like ``x``.
        ksize: The window size ``(kh, kw)`` of the pooling.
        stride: Its stride; ``None`` means ``ksize``.
        pad: Its padding.
        outsize: The output ``(oh, ow)``; pooling it must give ``(h, w)``.  By default
            ``sy * (h - 1) + kh - 2 * ph`` (``- sy + 1`` more with ``cover_all``).
        cover_all: Whether the pooling used ``cover_all``.

    Returns:
        The upsampled Variable, ``(n, c, oh, ow)``.

    Raises:
        kusari.graph.type_check.InvalidType: If ``x`` or ``indexes`` has the wrong dtype or
            shape, or ``outsize`` does not fit.
        TypeError: If ``ksize``, ``stride``, ``pad`` or ``outsize`` is not an int (pair).
        ValueError: If one of them is out of range or has the wrong length.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.array([[[[1.0, 5.0], [2.0, 0.0]]]], numpy.float32)
        >>> y, indexes = F.max_pooling_2d(x, 2, return_indices=True)
        >>> F.upsampling_2d(y, indexes, 2, outsize=(2, 2)).array[0, 0].tolist()
        [[0.0, 5.0], [0.0, 0.0]]
    """
    func = Upsampling2D(ksize, stride, pad, outsize, cover_all)
    return func.apply((x, indexes))[0]
