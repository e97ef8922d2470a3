"""Cross-covariance penalty (:func:`cross_covariance`)."""

from __future__ import annotations

from typing import Final, Literal

from kusari.graph import Variable, VariableOrArray, as_variable, type_check
from kusari.graph.type_check import TypeInfoTuple

from ..array import _shape_check
from ..math.matmul import matmul
from ..math.mean import mean
from ..math.sum import sum as _sum
from ._checks import array_of, check_reduce

__all__ = ["cross_covariance"]

_REDUCE: Final = ("half_squared_sum", "no")


def _check_types(in_types: TypeInfoTuple) -> None:
    type_check.argname(in_types, ("y", "z"))
    y_type, z_type = in_types
    type_check.expect(
        y_type.dtype.kind == "f",
        y_type.dtype == z_type.dtype,
        y_type.ndim == 2,
        z_type.ndim == 2,
        y_type.shape[0] == z_type.shape[0],
    )


def covariance(y: Variable, z: Variable) -> Variable:
    """``(y - mean(y))^T (z - mean(z)) / B`` for ``(B, M)`` and ``(B, N)`` inputs."""
    yc = y - mean(y, axis=0, keepdims=True)
    zc = z - mean(z, axis=0, keepdims=True)
    return matmul(yc, zc, transa=True) * (1.0 / max(y.shape[0], 1))


def cross_covariance(
    y: VariableOrArray,
    z: VariableOrArray,
    reduce: Literal["half_squared_sum", "no"] = "half_squared_sum",
) -> Variable:
    """The cross-covariance of two sets of features, as a penalty (Cheung et al., 2015).

    With ``C = (y - mean(y))^T (z - mean(z)) / B`` (means over the batch), the loss is
    ``sum(C ** 2) / 2``.

    Args:
        y: ``(B, M)`` features (floating point).
        z: ``(B, N)`` features of the same dtype and batch size.
        reduce: ``"half_squared_sum"`` gives the scalar loss; ``"no"`` the ``(M, N)``
            matrix ``C``.

    Returns:
        The loss or the matrix, of the inputs' dtype.

    Raises:
        ValueError: If ``reduce`` is unknown.
        kusari.graph.type_check.InvalidType: If the inputs are not 2-D floating point
            arrays of one dtype and batch size.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> y = numpy.array([[1.0], [-1.0]])
        >>> z = numpy.array([[2.0, 0.0], [-2.0, 0.0]])
        >>> F.cross_covariance(y, z, reduce="no").array.tolist()
        [[2.0, 0.0]]
        >>> float(F.cross_covariance(y, z).array)
        2.0
    """
    check_reduce(reduce, _REDUCE)
    _shape_check.run_type_check(_check_types, (array_of(y), array_of(z)), "CrossCovariance")
    c = covariance(as_variable(y), as_variable(z))
    if reduce == "no":
        return c
    return _sum(c * c) * 0.5
