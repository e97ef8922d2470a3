"""Cumulative product along an axis (:func:`cumprod`)."""

from __future__ import annotations

from typing import Any, final

import numpy

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from ..array.reshape import reshape
from ..array.transpose import transpose
from . import _helpers
from .cumsum import reversed_along
from .sum import sum as _sum

__all__ = ["Cumprod", "cumprod", "others_replaced", "to_last", "from_last"]


def to_last(ndim: int, axis: int) -> tuple[int, ...]:
    """The permutation that moves ``axis`` to the end."""
    return (*(i for i in range(ndim) if i != axis), axis)


def from_last(ndim: int, axis: int) -> tuple[int, ...]:
    """The inverse of :func:`to_last`."""
    return tuple(int(i) for i in numpy.argsort(to_last(ndim, axis)))


def others_replaced(x: Variable, n: int) -> Variable:
    """``X[..., i, k] = x[..., k]`` for ``k != i`` and 1 for ``k == i`` (last axis of length n).

    The ``n`` copies of ``x`` with one element replaced by 1 each, which give the products
    "of all the others" without dividing (so zeros are handled exactly).
    """
    eye = numpy.eye(n, dtype=x.dtype)
    expanded = reshape(x, (*x.shape[:-1], 1, n))
    return expanded * (1 - eye) + eye


@final
class Cumprod(FunctionNode):
    """The cumulative product along ``axis``; ``None`` multiplies the flattened input.

    The gradient is exact also where the input has zeros: the first-order pass splits each
    row at its first zero; the differentiable pass (double backprop) builds, for every
    position, the row with that element replaced by 1, which costs ``n`` times the memory
    of the input for an axis of length ``n``.

    Args:
        axis: The (non-negative) axis, or ``None``.
    """

    __slots__ = ("_in_shape", "axis")
    input_spec = InputSpec("x", kinds="f")

    def __init__(self, axis: int | None = None) -> None:
        self.axis = axis

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Multiply cumulatively (the input and the output are retained for backward)."""
        self.retain_inputs((0,))
        self.retain_outputs((0,))
        (x,) = inputs
        self._in_shape = x.shape
        return (_helpers.array_module(x).cumprod(x, axis=self.axis),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gx[i] = sum(gy[j] * prod(x[k] for k <= j if k != i) for j >= i)``."""
        gy = _utils.first_grad(grad_outputs)
        (x,) = self.get_retained_inputs()
        if self.axis is None:
            x = reshape(x, (x.size,))
        axis = 0 if self.axis is None else self.axis
        ndim = x.ndim
        perm = to_last(ndim, axis)
        xt = transpose(x, perm)
        gyt = transpose(gy, perm)
        n = xt.shape[-1]
        products = Cumprod(xt.ndim).apply((others_replaced(xt, n),))[0]
        upper = numpy.triu(numpy.ones((n, n), dtype=x.dtype))  # [i, j]: j >= i
        gyt = reshape(gyt, (*gyt.shape[:-1], 1, n))
        gxt = _sum(products * (gyt * upper), axis=-1)
        gx = transpose(gxt, from_last(ndim, axis))
        return (reshape(gx, self._in_shape) if self.axis is None else gx,)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """The same gradient in O(n): split each row at its first zero."""
        gy = grad_outputs[0]
        y = self.output_data[0]
        assert gy is not None
        assert y is not None
        x = self.retained_input_array(0)
        axis = 0 if self.axis is None else self.axis
        if self.axis is None:
            x = x.reshape(-1)
        gx = _cumprod_grad(x, y, gy, axis)
        return (gx.reshape(self._in_shape),)


def _revcumsum(a: Any, xp: Any) -> Any:
    return reversed_along(xp.cumsum(reversed_along(a, a.ndim - 1), axis=-1), a.ndim - 1)


def _cumprod_grad(x: Array, y: Array, gy: Array, axis: int) -> Array:
    xp = _helpers.array_module(x)
    perm = to_last(x.ndim, axis)
    xt, yt, gyt = (a.transpose(perm) for a in (x, y, gy))
    n = xt.shape[-1]
    index = xp.arange(n)
    zero = xt == 0
    first = xp.where(zero.any(axis=-1), zero.argmax(axis=-1), n)[..., None]
    before = index < first
    # Before the first zero every x is nonzero: gx = revcumsum(gy * y) / x.
    gxt = _revcumsum(gyt * yt, xp) / xp.where(before, xt, 1)
    gxt *= before
    # At the first zero: the products of the row with that element replaced by 1.
    at = index == first
    if bool(at.any()):
        replaced = xp.cumprod(xp.where(at, 1, xt), axis=-1)
        gxt += _revcumsum(gyt * replaced, xp) * at
    # After it, every product contains that zero.
    return gxt.transpose(from_last(x.ndim, axis))  # type: ignore[no-any-return]


def cumprod(x: VariableOrArray, axis: int | None = None) -> Variable:
    """Cumulative product along ``axis``.

    Args:
        x: A floating point input.
        axis: The axis; ``None`` flattens the input first (the result is 1-D).

    Returns:
        The cumulative products.

    Raises:
        TypeError: If ``axis`` is neither None nor an int.
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point or has no axis
            ``axis``.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.cumprod(numpy.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), axis=1).array.tolist()
        [[1.0, 2.0, 6.0], [4.0, 20.0, 120.0]]
    """
    if axis is not None:
        axis = _helpers.check_axis("Cumprod", _helpers.ndim_of(x), axis)
    return Cumprod(axis).apply((x,))[0]
