"""N-dimensional max pooling (:func:`max_pooling_nd`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, final, overload

import numpy

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray, type_check
from kusari.graph.type_check import TypeInfoTuple

from .. import _conv_utils, _utils
from . import _pooling_arrays

__all__ = [
    "MaxPoolingND",
    "MaxPoolingNDGrad",
    "MaxPoolingNDGradGrad",
    "max_pooling_1d",
    "max_pooling_3d",
    "max_pooling_nd",
]


def check_pooling_types(
    in_types: TypeInfoTuple,
    ndim: int,
    ksize: Sequence[int],
    stride: Sequence[int],
    pad: Sequence[int],
    cover_all: bool,
) -> None:
    """``x`` is a floating point ``(n, c, *size)`` array with at least one window."""
    type_check.expect(in_types.size() == 1)
    type_check.argname(in_types, ("x",))
    (x_type,) = in_types
    type_check.expect(x_type.dtype.kind == "f", x_type.ndim == ndim + 2)
    size = tuple(type_check.eval(x_type.shape)[2:])
    out = _conv_utils.conv_outsize(size, ksize, stride, pad, cover_all)
    if any(o <= 0 for o in out):
        raise type_check.InvalidType(
            "the window fits in the padded input (output size > 0)",
            f"x.shape[2:] = {size}, ksize = {tuple(ksize)}, stride = {tuple(stride)}, "
            f"pad = {tuple(pad)}: output size {out}",
        )


def pooling_args(
    ndim: int,
    ksize: int | Sequence[int],
    stride: int | Sequence[int] | None,
    pad: int | Sequence[int],
) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """Normalize ``ksize``, ``stride`` (``None``: ``ksize``) and ``pad`` to ``ndim``-tuples."""
    ksize_t = _conv_utils.as_tuple(ksize, ndim, "ksize")
    stride_t = ksize_t if stride is None else _conv_utils.as_tuple(stride, ndim, "stride")
    pad_t = _conv_utils.as_tuple(pad, ndim, "pad", minimum=0)
    return ksize_t, stride_t, pad_t


@final
class MaxPoolingND(FunctionNode):
    """Max pooling over ``ndim`` spatial axes (padding counts as ``-inf``).

    Args:
        ndim: The number of spatial axes.
        ksize: The window size.
        stride: The stride; ``None`` means ``ksize``.
        pad: The padding on both sides.
        cover_all: Whether the last window may hang over the end of the input.
        return_indices: Whether :func:`max_pooling_nd` also returns the argmax indices.
    """

    __slots__ = (
        "_in_shape",
        "_index",
        "cover_all",
        "ksize",
        "ndim",
        "pad",
        "return_indices",
        "stride",
    )

    def __init__(
        self,
        ndim: int,
        ksize: int | Sequence[int],
        stride: int | Sequence[int] | None = None,
        pad: int | Sequence[int] = 0,
        cover_all: bool = True,
        return_indices: bool = False,
    ) -> None:
        self.ndim = ndim
        self.ksize, self.stride, self.pad = pooling_args(ndim, ksize, stride, pad)
        self.cover_all = bool(cover_all)
        self.return_indices = bool(return_indices)
        self._index: Array | None = None
        self._in_shape: tuple[int, ...] = ()

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """A floating point input with ``ndim + 2`` axes and at least one window."""
        check_pooling_types(in_types, self.ndim, self.ksize, self.stride, self.pad, self.cover_all)

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Running maximum over the window elements; the argmax is kept for backward."""
        (x,) = inputs
        self._in_shape = x.shape
        y, self._index = _pooling_arrays.max_forward(
            x, self.ksize, self.stride, self.pad, self.cover_all
        )
        return (y,)

    @property
    def indexes(self) -> Array:
        """The flattened window index of each output's maximum (``int64``, like Chainer)."""
        index = self._index
        if index is None:
            raise RuntimeError("MaxPoolingND.indexes is available after forward")
        return index.astype(numpy.int64)

    def scatter(self, gy: Array) -> Array:
        """Route ``gy`` to the maxima: the input gradient."""
        assert self._index is not None
        return _pooling_arrays.scatter_to_windows(
            gy, self._index, self._in_shape, self.ksize, self.stride, self.pad
        )

    def gather(self, x: Array) -> Array:
        """Pick each window's recorded maximum position out of ``x``: the adjoint of scatter."""
        assert self._index is not None
        return _pooling_arrays.gather_from_windows(
            x, self._index, self.ksize, self.stride, self.pad, self.cover_all
        )

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """:class:`MaxPoolingNDGrad` (differentiable)."""
        return (MaxPoolingNDGrad(self).apply((_utils.first_grad(grad_outputs),))[0],)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Scatter ``gy`` to the maxima."""
        gy = grad_outputs[0]
        assert gy is not None
        return (self.scatter(gy),)


@final
class MaxPoolingNDGrad(FunctionNode):
    """The gradient of :class:`MaxPoolingND`: scatter to the maxima (linear in ``gy``).

    Args:
        mpool: The forward function (it holds the argmax).
    """

    __slots__ = ("mpool",)

    def __init__(self, mpool: MaxPoolingND) -> None:
        self.mpool = mpool

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Scatter."""
        return (self.mpool.scatter(inputs[0]),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Gather (:class:`MaxPoolingNDGradGrad`)."""
        ggx = _utils.first_grad(grad_outputs)
        return (MaxPoolingNDGradGrad(self.mpool).apply((ggx,))[0],)


@final
class MaxPoolingNDGradGrad(FunctionNode):
    """The adjoint of :class:`MaxPoolingNDGrad`: gather from the maxima (linear).

    Args:
        mpool: The forward function (it holds the argmax).
    """

    __slots__ = ("mpool",)

    def __init__(self, mpool: MaxPoolingND) -> None:
        self.mpool = mpool

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Gather."""
        return (self.mpool.gather(inputs[0]),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Scatter (:class:`MaxPoolingNDGrad`)."""
        g = _utils.first_grad(grad_outputs)
        return (MaxPoolingNDGrad(self.mpool).apply((g,))[0],)


def apply_max_pooling(
    x: VariableOrArray,
    ndim: int,
    ksize: int | Sequence[int],
    stride: int | Sequence[int] | None,
    pad: int | Sequence[int],
    cover_all: bool,
    return_indices: bool,
) -> Variable | tuple[Variable, Array]:
    """Apply :class:`MaxPoolingND`; with ``return_indices``, also return its indexes."""
    func = MaxPoolingND(ndim, ksize, stride, pad, cover_all, return_indices)
    y = func.apply((x,))[0]
    if return_indices:
        return y, func.indexes
    return y


@overload
def max_pooling_nd(
    x: VariableOrArray,
    ksize: int | Sequence[int],
    stride: int | Sequence[int] | None = None,
    pad: int | Sequence[int] = 0,
    cover_all: bool = True,
    return_indices: Literal[False] = False,
) -> Variable: ...


@overload
def max_pooling_nd(
    x: VariableOrArray,
    ksize: int | Sequence[int],
    stride: int | Sequence[int] | None = None,
    pad: int | Sequence[int] = 0,
    cover_all: bool = True,
    *,
    return_indices: Literal[True],
) -> tuple[Variable, Array]: ...


@overload
def max_pooling_nd(
    x: VariableOrArray,
    ksize: int | Sequence[int],
    stride: int | Sequence[int] | None,
    pad: int | Sequence[int],
    cover_all: bool,
    return_indices: Literal[True],
) -> tuple[Variable, Array]: ...


def max_pooling_nd(
    x: VariableOrArray,
    ksize: int | Sequence[int],
    stride: int | Sequence[int] | None = None,
    pad: int | Sequence[int] = 0,
    cover_all: bool = True,
    return_indices: bool = False,
) -> Variable | tuple[Variable, Array]:
    """N-dimensional max pooling: the maximum of every window.

    The padding counts as ``-inf``.  The output has spatial size
    ``(s + 2 * p - k + st - 1) // st + 1`` with ``cover_all`` (the default; every input
    element is in some window) or ``(s + 2 * p - k) // st + 1`` without.  In backward the
    gradient goes to the first maximum of each window.

    Args:
        x: The input, ``(n, c, *size)``, floating point.
        ksize: The window size: an int for every axis or a tuple of ``d`` ints.
        stride: The stride; ``None`` means ``ksize`` (non-overlapping windows).
        pad: The padding on both sides of each axis.
        cover_all: Whether the last window may hang over the end of the input.
        return_indices: Also return the index of each window's maximum (the flattened
            position inside the window, ``int64``), as :func:`upsampling_nd` takes it.

    Returns:
        The pooled Variable, ``(n, c, *out_size)``; with ``return_indices``, the pair
        ``(y, indexes)``.

    Raises:
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point, has the wrong
            number of axes, or is too small for one window.
        TypeError: If ``ksize``, ``stride`` or ``pad`` is not an int (tuple).
        ValueError: If one of them is out of range or has the wrong length.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.arange(8, dtype=numpy.float32).reshape(1, 1, 8)
        >>> F.max_pooling_nd(x, 3).array.tolist()
        [[[2.0, 5.0, 7.0]]]
    """
    return apply_max_pooling(x, len(x.shape) - 2, ksize, stride, pad, cover_all, return_indices)


@overload
def max_pooling_1d(
    x: VariableOrArray,
    ksize: int | Sequence[int],
    stride: int | Sequence[int] | None = None,
    pad: int | Sequence[int] = 0,
    cover_all: bool = True,
    return_indices: Literal[False] = False,
) -> Variable: ...


@overload
def max_pooling_1d(
    x: VariableOrArray,
    ksize: int | Sequence[int],
    stride: int | Sequence[int] | None = None,
    pad: int | Sequence[int] = 0,
    cover_all: bool = True,
    *,
    return_indices: Literal[True],
) -> tuple[Variable, Array]: ...


@overload
def max_pooling_1d(
    x: VariableOrArray,
    ksize: int | Sequence[int],
    stride: int | Sequence[int] | None,
    pad: int | Sequence[int],
    cover_all: bool,
    return_indices: Literal[True],
) -> tuple[Variable, Array]: ...


def max_pooling_1d(
    x: VariableOrArray,
    ksize: int | Sequence[int],
    stride: int | Sequence[int] | None = None,
    pad: int | Sequence[int] = 0,
    cover_all: bool = True,
    return_indices: bool = False,
) -> Variable | tuple[Variable, Array]:
    """1-d max pooling: :func:`max_pooling_nd` for ``x`` of shape ``(n, c, l)``.

    Args:
        x: The input, ``(n, c, l)``.
        ksize: The window size.
        stride: The stride; ``None`` means ``ksize``.
        pad: The padding on both sides.
        cover_all: Whether the last window may hang over the end.
        return_indices: Also return the argmax indices.

    Returns:
        The pooled Variable (and the indices with ``return_indices``).

    Raises:
        ValueError: If ``x`` does not have exactly 1 spatial axes.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.max_pooling_1d(numpy.arange(4.0).reshape(1, 1, 4), 2).array.tolist()
        [[[1.0, 3.0]]]
    """
    _conv_utils.check_spatial_ndim(x.shape, 1)
    return apply_max_pooling(x, 1, ksize, stride, pad, cover_all, return_indices)


@overload
def max_pooling_3d(
    x: VariableOrArray,
    ksize: int | Sequence[int],
    stride: int | Sequence[int] | None = None,
    pad: int | Sequence[int] = 0,
    cover_all: bool = True,
    return_indices: Literal[False] = False,
) -> Variable: ...


@overload
def max_pooling_3d(
    x: VariableOrArray,
    ksize: int | Sequence[int],
    stride: int | Sequence[int] | None = None,
    pad: int | Sequence[int] = 0,
    cover_all: bool = True,
    *,
    return_indices: Literal[True],
) -> tuple[Variable, Array]: ...


@overload
def max_pooling_3d(
    x: VariableOrArray,
    ksize: int | Sequence[int],
    stride: int | Sequence[int] | None,
    pad: int | Sequence[int],
    cover_all: bool,
    return_indices: Literal[True],
) -> tuple[Variable, Array]: ...


def max_pooling_3d(
    x: VariableOrArray,
    ksize: int | Sequence[int],
    stride: int | Sequence[int] | None = None,
    pad: int | Sequence[int] = 0,
    cover_all: bool = True,
    return_indices: bool = False,
) -> Variable | tuple[Variable, Array]:
    """3-d max pooling: :func:`max_pooling_nd` for ``x`` of shape ``(n, c, d, h, w)``.

    Args:
        x: The input, ``(n, c, d, h, w)``.
        ksize: The window size.
        stride: The stride; ``None`` means ``ksize``.
        pad: The padding on both sides.
        cover_all: Whether the last window may hang over the end.
        return_indices: Also return the argmax indices.

    Returns:
        The pooled Variable (and the indices with ``return_indices``).

    Raises:
        ValueError: If ``x`` does not have exactly 3 spatial axes.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.max_pooling_3d(numpy.ones((1, 1, 4, 4, 4)), 2).shape
        (1, 1, 2, 2, 2)
    """
    _conv_utils.check_spatial_ndim(x.shape, 3)
    return apply_max_pooling(x, 3, ksize, stride, pad, cover_all, return_indices)
