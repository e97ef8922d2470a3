"""Round up to the next integer (:func:`ceil`)."""

from __future__ import annotations

from kusari.graph import Variable, VariableOrArray

from . import _helpers
from ._rounding import rounded

__all__ = ["ceil"]


def ceil(x: VariableOrArray) -> Variable:
    """Round up to the next integer (numpy.ceil), elementwise.

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
        >>> F.ceil(numpy.array([-1.5, 0.0, 2.5])).array.tolist()
        [-1.0, 0.0, 3.0]
    """
    return rounded(x, "ceil", lambda a: _helpers.array_module(a).ceil(a))
