"""Sign of each element: -1, 0 or 1 (:func:`sign`)."""

from __future__ import annotations

from kusari.graph import Variable, VariableOrArray

from . import _helpers
from ._rounding import rounded

__all__ = ["sign"]


def sign(x: VariableOrArray) -> Variable:
    """Sign of each element: -1, 0 or 1 (numpy.sign), elementwise.

    The result has no gradient (the derivative is zero almost everywhere): as in Chainer,
    it is a new Variable outside the graph, with ``requires_grad=False``.  The dtype of
    ``x`` is kept (integer inputs are allowed).

    Args:
        x: The input.

    Returns:
        The result, of the dtype of ``x``.

    Raises:
        TypeError: If ``x`` is neither a Variable nor an array.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.sign(numpy.array([-2.0, 0.0, 3.5])).array.tolist()
        [-1.0, 0.0, 1.0]
    """
    return rounded(x, "sign", lambda a: _helpers.array_module(a).sign(a))
