"""Round toward zero (:func:`fix`)."""

from __future__ import annotations

from kusari.graph import Variable, VariableOrArray

from . import _helpers
from ._rounding import rounded

__all__ = ["fix"]


def fix(x: VariableOrArray) -> Variable:
    """Round toward zero (like numpy.trunc), elementwise.

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
        >>> F.fix(numpy.array([-1.5, 0.0, 2.5])).array.tolist()
        [-1.0, 0.0, 2.0]
    """
    return rounded(x, "fix", lambda a: _helpers.array_module(a).trunc(a))
