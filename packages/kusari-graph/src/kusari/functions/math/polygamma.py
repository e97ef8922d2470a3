"""Polygamma functions (:func:`polygamma`)."""

from __future__ import annotations

from typing import final

import numpy

from kusari.devices import Array, is_array
from kusari.graph import FunctionNode, Variable, VariableOrArray, type_check
from kusari.graph.type_check import InputSpec, TypeInfoTuple

from .. import _utils
from . import _helpers
from ._gamma_impl import polygamma_array

__all__ = ["PolyGamma", "polygamma", "polygamma_of_order"]


def _check_orders(n: Array, x: Array) -> None:
    trailing = x.shape[x.ndim - n.ndim :]
    if n.ndim > x.ndim or any(a not in (1, b) for a, b in zip(n.shape, trailing, strict=True)):
        raise ValueError(
            f"polygamma: n must broadcast to the shape of x {x.shape}, got shape {n.shape}"
        )
    if type(n) is numpy.ndarray and n.size and int(n.min()) < 0:
        # on a GPU the check would synchronize; negative orders give NaN there
        raise ValueError(f"polygamma: every order n must be >= 0, got {int(n.min())}")


@final
class PolyGamma(FunctionNode):
    """``psi^(n)(x)``, the ``n``-th derivative of the digamma function, elementwise.

    ``n`` (integers, broadcast to the shape of ``x``) gets no gradient; the gradient for
    ``x`` is ``gy * polygamma(n + 1, x)``.
    """

    __slots__ = ()
    input_spec = InputSpec("n", "x")

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """``n`` holds integers, ``x`` floating point numbers."""
        type_check.argname(in_types, ("n", "x"))
        n_type, x_type = in_types
        type_check.expect(n_type.dtype.kind == "i", x_type.dtype.kind == "f")

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Compute ``psi^(n)(x)`` (both inputs are retained for backward).

        Raises:
            ValueError: If ``n`` does not broadcast to the shape of ``x``, or (for NumPy
                arrays) holds a negative order.
        """
        n, x = inputs
        _check_orders(n, x)
        self.retain_inputs((0, 1))
        return (polygamma_array(n, x),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``(None, gy * polygamma(n + 1, x))``."""
        n, x = self.get_retained_inputs()
        n_array = n.array
        assert n_array is not None
        gy = _utils.first_grad(grad_outputs)
        higher = _helpers.array_module(n_array).asarray(n_array + 1)  # 0-d stays an array
        return (None, gy * PolyGamma().apply((higher, x))[0])

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``(None, gy * polygamma(n + 1, x))``."""
        gy = grad_outputs[0]
        assert gy is not None
        n = self.retained_input_array(0)
        return (None, gy * polygamma_array(n + 1, self.retained_input_array(1)))


def polygamma_of_order(order: int, x: VariableOrArray) -> Variable:
    """``polygamma(order, x)`` for one Python int ``order`` (the array is made to match ``x``)."""
    data = x.array if isinstance(x, Variable) else x
    assert data is not None
    n = _helpers.array_module(data).full((), order, dtype=numpy.int64)
    return PolyGamma().apply((n, x))[0]


def polygamma(n: int | VariableOrArray, x: VariableOrArray) -> Variable:
    """Polygamma function of order ``n``, elementwise: the ``n``-th derivative of digamma.

    ``polygamma(0, x)`` is :func:`digamma`; for ``n >= 1`` it is
    ``(-1)**(n + 1) * n! * zeta(n + 1, x)``, evaluated in float64 without SciPy.  The
    orders get no gradient.

    Args:
        n: The orders, non-negative integers: an int, or an integer array (or Variable)
            that broadcasts to the shape of ``x``.
        x: A floating point input.

    Returns:
        ``psi^(n)(x)``, of the shape and dtype of ``x``.

    Raises:
        TypeError: If ``n`` is neither an int nor an array or Variable.
        ValueError: If an order is negative (checked for Python ints and NumPy arrays), or
            ``n`` does not broadcast to the shape of ``x``.
        kusari.graph.type_check.InvalidType: If ``n`` is not integer or ``x`` not floating
            point.

    Example:
        >>> import math
        >>> import numpy
        >>> import kusari.functions as F
        >>> y = F.polygamma(1, numpy.array([1.0, 0.5]))
        >>> numpy.allclose(y.array, [math.pi**2 / 6, math.pi**2 / 2])
        True
    """
    if not isinstance(n, bool) and isinstance(n, (int, numpy.integer)):
        if n < 0:
            raise ValueError(f"polygamma: every order n must be >= 0, got {int(n)}")
        return polygamma_of_order(int(n), x)
    if not isinstance(n, Variable) and not is_array(n):
        raise TypeError(
            f"polygamma: n must be an int or an integer array, got {type(n).__name__} ({n!r})"
        )
    return PolyGamma().apply((n, x))[0]  # type: ignore[arg-type]  # an int was handled above
