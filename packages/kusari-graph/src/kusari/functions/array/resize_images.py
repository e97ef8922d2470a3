"""Resizing images by interpolation (:func:`resize_images`)."""

from __future__ import annotations

from typing import Any, Final, Literal, final

import numpy

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray, type_check
from kusari.graph.type_check import TypeInfoTuple

from .. import _utils
from . import _shape_check

__all__ = ["ResizeImages", "ResizeImagesGrad", "resize_images"]

_MODES: Final = ("bilinear", "nearest")


def interpolation_matrix(
    in_size: int, out_size: int, mode: str, align_corners: bool
) -> numpy.ndarray[Any, numpy.dtype[numpy.float64]]:
    """The ``(out_size, in_size)`` matrix that resizes one axis.

    Bilinear sampling reads the input at ``o * (in - 1) / (out - 1)`` with
    ``align_corners`` (0 for a single output), else at ``(o + 0.5) * in / out - 0.5``
    clipped to the input; nearest sampling takes ``floor(o * in / out)``.
    """
    matrix = numpy.zeros((out_size, in_size))
    rows = numpy.arange(out_size)
    if mode == "nearest":
        matrix[rows, numpy.floor(rows * in_size / out_size).astype(numpy.intp)] = 1.0
        return matrix
    if align_corners:
        scale = (in_size - 1) / (out_size - 1) if out_size > 1 else 0.0
        coords = rows * scale
    else:
        coords = numpy.clip((rows + 0.5) * in_size / out_size - 0.5, 0, in_size - 1)
    low = numpy.minimum(numpy.floor(coords).astype(numpy.intp), in_size - 1)
    high = numpy.minimum(low + 1, in_size - 1)
    weight = coords - low
    numpy.add.at(matrix, (rows, low), 1 - weight)
    numpy.add.at(matrix, (rows, high), weight)
    return matrix


def _check_types(in_types: TypeInfoTuple) -> None:
    type_check.argname(in_types, ("x",))
    x_type = in_types[0]
    type_check.expect(x_type.dtype.kind == "f", x_type.ndim == 4)


def _apply(rows: Array, cols: Array, x: Array) -> Array:
    """``rows @ x @ cols.T`` over the last two axes of a 4-D ``x``."""
    return rows @ x @ cols.T


class _Resize:
    """The two interpolation matrices of a resize, cached per device and dtype."""

    __slots__ = ("_cache", "cols", "rows")

    def __init__(self, rows: numpy.ndarray[Any, Any], cols: numpy.ndarray[Any, Any]) -> None:
        self.rows = rows
        self.cols = cols
        self._cache: tuple[Any, Any, Array, Array] | None = None

    def matrices(self, like: Array) -> tuple[Array, Array]:
        """The matrices in ``like``'s array module and dtype."""
        xp = _shape_check.xp_of(like)
        cache = self._cache
        if cache is None or cache[0] is not xp or cache[1] != like.dtype:
            rows = xp.asarray(self.rows, like.dtype)
            cols = xp.asarray(self.cols, like.dtype)
            cache = self._cache = (xp, like.dtype, rows, cols)
        return cache[2], cache[3]

    def resize(self, x: Array) -> Array:
        """Resize ``x``."""
        rows, cols = self.matrices(x)
        return _apply(rows, cols, x)

    def adjoint(self, gy: Array) -> Array:
        """Apply the transposed resize to ``gy`` (the gradient of :meth:`resize`)."""
        rows, cols = self.matrices(gy)
        return _apply(rows.T, cols.T, gy)


@final
class ResizeImages(FunctionNode):
    """Resize the last two axes of a 4-D input by separable interpolation.

    Args:
        resize: The interpolation matrices.
    """

    __slots__ = ("resize",)

    def __init__(self, resize: _Resize) -> None:
        self.resize = resize

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """``x`` is a 4-D floating point array."""
        _check_types(in_types)

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Interpolate."""
        return (self.resize.resize(inputs[0]),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Spread the gradient back with the transposed matrices."""
        gy = _utils.first_grad(grad_outputs)
        return (ResizeImagesGrad(self.resize).apply((gy,))[0],)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Spread the gradient back with the transposed matrices."""
        gy = grad_outputs[0]
        assert gy is not None
        return (self.resize.adjoint(gy),)


@final
class ResizeImagesGrad(FunctionNode):
    """The gradient of :class:`ResizeImages`; its own gradient resizes again.

    Args:
        resize: The interpolation matrices of the forward function.
    """

    __slots__ = ("resize",)

    def __init__(self, resize: _Resize) -> None:
        self.resize = resize

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Spread the gradient back."""
        return (self.resize.adjoint(inputs[0]),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Resize the gradient."""
        return (ResizeImages(self.resize).apply((_utils.first_grad(grad_outputs),))[0],)


def resize_images(
    x: VariableOrArray,
    output_shape: tuple[int, int],
    mode: Literal["bilinear", "nearest"] = "bilinear",
    align_corners: bool = True,
) -> Variable:
    """Resize images ``(B, C, H, W)`` to ``(B, C, out_H, out_W)`` by interpolation.

    With ``align_corners=True`` the corner pixels of input and output are aligned: output
    row ``o`` samples input row ``o * (H - 1) / (out_H - 1)``.  With ``False`` pixel centres
    are aligned: it samples ``(o + 0.5) * H / out_H - 0.5`` (clipped to the image).  The
    ``"nearest"`` mode takes input row ``floor(o * H / out_H)`` and ignores
    ``align_corners``.  These are Chainer 7's sampling rules.

    Args:
        x: A 4-D floating point input.
        output_shape: ``(out_H, out_W)``, positive ints.
        mode: ``"bilinear"`` or ``"nearest"``.
        align_corners: See above (bilinear mode only).

    Returns:
        The resized images.

    Raises:
        TypeError: If ``output_shape`` is not a pair of ints.
        ValueError: If ``mode`` is unknown or an output size is not positive.
        kusari.graph.type_check.InvalidType: If ``x`` is not a 4-D floating point array.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.array([[[[0.0, 2.0], [4.0, 6.0]]]])
        >>> F.resize_images(x, (3, 3)).array[0, 0].tolist()
        [[0.0, 1.0, 2.0], [2.0, 3.0, 4.0], [4.0, 5.0, 6.0]]
    """
    if mode not in _MODES:
        raise ValueError(f"resize_images: mode must be 'bilinear' or 'nearest', got {mode!r}")
    sizes = _shape_check.as_int_tuple(output_shape, "output_shape")
    if len(sizes) != 2 or min(sizes) <= 0:
        raise ValueError(f"output_shape must be two positive ints, got {output_shape!r}")
    shape = x.shape
    if len(shape) != 4:
        array = x.array if isinstance(x, Variable) else x
        assert array is not None
        _shape_check.run_type_check(_check_types, (array,), "ResizeImages")
    resize = _Resize(
        interpolation_matrix(shape[2], sizes[0], mode, align_corners),
        interpolation_matrix(shape[3], sizes[1], mode, align_corners),
    )
    return ResizeImages(resize).apply((x,))[0]
