"""Padding (:func:`pad`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final, final

import numpy

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from . import _shape_check

__all__ = ["Pad", "PadGrad", "pad"]

_INDEX_MODES: Final = ("edge", "reflect", "symmetric", "wrap")
_MODES: Final = ("constant", *_INDEX_MODES)


def _pad_widths(pad_width: object, ndim: int) -> tuple[tuple[int, int], ...]:
    """NumPy's ``pad_width`` forms (``n``, ``(b, a)``, ``((b0, a0), ...)``) as pairs per axis."""
    try:
        widths = numpy.asarray(pad_width)
        if widths.dtype.kind not in "iu" or widths.ndim > 2:
            raise TypeError
        pairs = numpy.broadcast_to(widths, (ndim, 2))
    except (TypeError, ValueError):
        raise TypeError(
            "pad_width must be an int, a pair of ints or one pair per axis "
            f"({ndim} axes), got {pad_width!r}"
        ) from None
    if (pairs < 0).any():
        raise ValueError(f"pad_width must not be negative, got {pad_width!r}")
    return tuple((int(b), int(a)) for b, a in pairs)


def _interior(widths: tuple[tuple[int, int], ...], shape: tuple[int, ...]) -> tuple[slice, ...]:
    return tuple(slice(b, b + n) for (b, _), n in zip(widths, shape, strict=True))


def _scatter(gy: Array, index: Array, shape: tuple[int, ...]) -> Array:
    """Add each element of ``gy`` into the flat position ``index`` of zeros of ``shape``."""
    xp = _shape_check.xp_of(gy)
    size = 1
    for n in shape:
        size *= n
    gx = xp.zeros(size, gy.dtype)
    if xp is numpy:
        numpy.add.at(gx, index.ravel(), gy.ravel())
    else:
        import cupyx

        cupyx.scatter_add(gx, index.ravel(), gy.ravel())
    return gx.reshape(shape)  # type: ignore[no-any-return]


@final
class Pad(FunctionNode):
    """Pad the input (NumPy's ``pad``).

    In ``"constant"`` mode the padding is filled with constants; in the other modes it is
    made of input elements (the gradient of each input element collects the gradients of
    all its copies).

    Args:
        widths: The padding before and after each axis.
        mode: ``"constant"``, ``"edge"``, ``"reflect"``, ``"symmetric"`` or ``"wrap"``.
        constant_values: The fill values of ``"constant"`` mode.
    """

    __slots__ = ("_in_shape", "_index", "constant_values", "mode", "widths")
    input_spec = InputSpec("x")

    def __init__(
        self, widths: tuple[tuple[int, int], ...], mode: str, constant_values: Any = 0
    ) -> None:
        self.widths = widths
        self.mode = mode
        self.constant_values = constant_values

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Pad."""
        (x,) = inputs
        self._in_shape = x.shape
        xp = _shape_check.xp_of(x)
        if self.mode == "constant":
            self._index = None
            return (xp.pad(x, self.widths, "constant", constant_values=self.constant_values),)
        mode: Any = self.mode
        index = numpy.pad(numpy.arange(x.size).reshape(x.shape), self.widths, mode)
        self._index = xp.asarray(index)
        return (x.reshape(-1)[self._index],)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """The interior of the gradient (constant mode), or the copies added up."""
        gy = _utils.first_grad(grad_outputs)
        return (PadGrad(self).apply((gy,))[0],)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """The interior of the gradient (constant mode), or the copies added up."""
        gy = grad_outputs[0]
        assert gy is not None
        return (self.grad_array(gy),)

    def grad_array(self, gy: Array) -> Array:
        """The gradient of the input for the output gradient ``gy``."""
        if self._index is None:
            return gy[_interior(self.widths, self._in_shape)]
        return _scatter(gy, self._index, self._in_shape)

    def pad_array(self, x: Array) -> Array:
        """Pad ``x`` as forward did, with zeros as the constants (the adjoint of the gradient)."""
        if self._index is None:
            return _shape_check.xp_of(x).pad(x, self.widths, "constant")  # type: ignore[no-any-return]
        padded: Array = x.reshape(-1)[self._index]
        return padded


@final
class PadGrad(FunctionNode):
    """The gradient of :class:`Pad` (its own gradient pads again, with zeros).

    Args:
        pad: The forward function.
    """

    __slots__ = ("_pad",)

    def __init__(self, pad: Pad) -> None:
        self._pad = pad

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Take the gradient of the padded input."""
        return (self._pad.grad_array(inputs[0]),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Pad the gradient with zeros (or gather it as forward did)."""
        ggx = _utils.first_grad(grad_outputs)
        return (_PadLinear(self._pad).apply((ggx,))[0],)


@final
class _PadLinear(FunctionNode):
    """The linear part of :class:`Pad` (zero constants): the adjoint of :class:`PadGrad`."""

    __slots__ = ("_pad",)

    def __init__(self, pad: Pad) -> None:
        self._pad = pad

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Pad with zeros."""
        return (self._pad.pad_array(inputs[0]),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """The gradient of the padding."""
        return (PadGrad(self._pad).apply((_utils.first_grad(grad_outputs),))[0],)


def pad(
    x: VariableOrArray,
    pad_width: int | Sequence[int] | Sequence[Sequence[int]],
    mode: str,
    **keywords: Any,
) -> Variable:
    """Pad ``x``, as :func:`numpy.pad`.

    Args:
        x: The input.
        pad_width: The padding: an int for every side, a pair ``(before, after)`` for
            every axis, or one pair per axis.
        mode: ``"constant"`` (fill with ``constant_values``, default 0), or a mode that
            pads with input elements: ``"edge"``, ``"reflect"``, ``"symmetric"``,
            ``"wrap"``.
        **keywords: ``constant_values`` for ``"constant"`` (as for :func:`numpy.pad`);
            ``reflect_type="even"`` (the only supported type) for ``"reflect"`` and
            ``"symmetric"``.

    Returns:
        The padded Variable.

    Raises:
        TypeError: If ``pad_width`` has the wrong form, or a keyword does not belong to
            ``mode``.
        ValueError: If ``mode`` is not supported or a width is negative.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.pad(numpy.array([1.0, 2.0]), 1, "constant").array.tolist()
        [0.0, 1.0, 2.0, 0.0]
        >>> F.pad(numpy.array([1.0, 2.0]), (2, 1), "edge").array.tolist()
        [1.0, 1.0, 1.0, 2.0, 2.0]
    """
    if mode not in _MODES:
        raise ValueError(f"pad: mode must be one of {', '.join(map(repr, _MODES))}, got {mode!r}")
    allowed = {"constant": {"constant_values"}, "reflect": {"reflect_type"}}.get(mode, set())
    if mode == "symmetric":
        allowed = {"reflect_type"}
    for key in keywords:
        if key not in allowed:
            raise TypeError(f"pad: unexpected keyword argument {key!r} for mode {mode!r}")
    if keywords.get("reflect_type", "even") != "even":
        raise ValueError(
            f"pad: only reflect_type='even' is supported, got {keywords['reflect_type']!r}"
        )
    widths = _pad_widths(pad_width, len(x.shape))
    return Pad(widths, mode, keywords.get("constant_values", 0)).apply((x,))[0]
