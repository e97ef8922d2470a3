"""DeCov penalty on hidden activations (:func:`decov`)."""

from __future__ import annotations

from typing import Final, Literal

from kusari.devices import Array
from kusari.graph import Variable, VariableOrArray, as_variable, type_check
from kusari.graph.type_check import TypeInfoTuple

from ..array import _shape_check
from ..math.sum import sum as _sum
from ._checks import array_of, check_reduce
from .cross_covariance import covariance

__all__ = ["decov"]

_REDUCE: Final = ("half_squared_sum", "no")


def _check_types(in_types: TypeInfoTuple) -> None:
    type_check.argname(in_types, ("h",))
    (h_type,) = in_types
    type_check.expect(h_type.dtype.kind == "f", h_type.ndim == 2)


def decov(
    h: VariableOrArray, reduce: Literal["half_squared_sum", "no"] = "half_squared_sum"
) -> Variable:
    """The DeCov penalty of hidden activations (Cogswell et al., 2016).

    With ``C`` the ``(M, M)`` covariance of the ``M`` units over the batch, the loss is
    half the squared sum of its off-diagonal entries:
    ``(||C||_F ** 2 - ||diag(C)|| ** 2) / 2``.

    Args:
        h: ``(B, M)`` activations (floating point).
        reduce: ``"half_squared_sum"`` gives the scalar loss; ``"no"`` the matrix ``C`` with
            its diagonal set to zero.

    Returns:
        The loss or the matrix, of ``h``'s dtype.

    Raises:
        ValueError: If ``reduce`` is unknown.
        kusari.graph.type_check.InvalidType: If ``h`` is not a 2-D floating point array.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> h = numpy.array([[1.0, 1.0], [-1.0, -1.0]])
        >>> F.decov(h, reduce="no").array.tolist()
        [[0.0, 1.0], [1.0, 0.0]]
        >>> float(F.decov(h).array)
        1.0
    """
    check_reduce(reduce, _REDUCE)
    h_array = array_of(h)
    _shape_check.run_type_check(_check_types, (h_array,), "DeCov")
    hv = as_variable(h)
    c = covariance(hv, hv)
    xp = _shape_check.xp_of(h_array)
    off_diagonal: Array = 1 - xp.eye(h_array.shape[1], dtype=h_array.dtype)
    c = c * off_diagonal
    if reduce == "no":
        return c
    return _sum(c * c) * 0.5
