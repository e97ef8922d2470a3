"""Cholesky decomposition (:func:`cholesky`)."""

from __future__ import annotations

from types import ModuleType
from typing import Any, final

import numpy

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray, type_check
from kusari.graph.type_check import TypeInfoTuple

from .. import _utils
from ..array.transpose import transpose
from . import _helpers
from .inv import Inv, inverse_array
from .matmul import matmul

__all__ = ["Cholesky", "cholesky"]


def _lower_half_diagonal(n: int, dtype: numpy.dtype[Any], xp: ModuleType) -> Array:
    """The mask of ``Phi``: ones below the diagonal, halves on it, zeros above."""
    mask = numpy.tril(numpy.ones((n, n), dtype))
    mask[numpy.diag_indices(n)] = 0.5
    return xp.asarray(mask)  # type: ignore[no-any-return]


@final
class Cholesky(FunctionNode):
    """The lower-triangular ``L`` with ``L @ L.T = a``, for a symmetric positive-definite ``a``.

    Only the lower triangle of ``a`` is read.  The gradient is the symmetric matrix
    ``(S + S.T) / 2`` with ``S = L^-T Phi(L.T @ gL) L^-1``, where ``Phi`` keeps the lower
    triangle and halves the diagonal; it is built from differentiable ops, so the function
    has a double backward.
    """

    __slots__ = ()

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """A square floating point matrix."""
        type_check.argname(in_types, ("a",))
        (a_type,) = in_types
        type_check.expect(a_type.dtype.kind == "f", a_type.ndim == 2)
        type_check.expect(a_type.shape[0] == a_type.shape[1])

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Factorize (the output is retained for backward).

        Raises:
            numpy.linalg.LinAlgError: If ``a`` is not positive definite.
        """
        (a,) = inputs
        xp = _helpers.array_module(a)
        work = a.astype(numpy.float32) if a.dtype == numpy.float16 else a  # no half LAPACK
        try:
            lower = xp.linalg.cholesky(work)
        except numpy.linalg.LinAlgError:
            lower = None
        if lower is None or (
            not bool(xp.isfinite(lower).all()) and bool(xp.isfinite(a).all())
        ):  # CuPy reports no error, it returns NaN
            raise numpy.linalg.LinAlgError(
                "cholesky: the matrix a is not positive definite (only its lower triangle is read)"
            )
        self.retain_outputs((0,))
        return (lower.astype(a.dtype, copy=False),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``(S + S.T) / 2`` with ``S = L^-T Phi(L.T @ gL) L^-1``."""
        (lower,) = self.get_retained_outputs()
        gy = _utils.first_grad(grad_outputs)
        array = lower.array
        assert array is not None
        mask = _lower_half_diagonal(len(array), array.dtype, _helpers.array_module(array))
        inverse = Inv(False).apply((lower,))[0]
        phi = matmul(lower, gy, transa=True) * mask
        s = matmul(matmul(inverse, phi, transa=True), inverse)
        return ((s + transpose(s)) * 0.5,)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``(S + S.T) / 2`` with ``S = L^-T Phi(L.T @ gL) L^-1``."""
        gy = grad_outputs[0]
        lower = self.output_data[0]
        assert gy is not None
        assert lower is not None
        xp = _helpers.array_module(lower)
        inverse = inverse_array(lower).astype(lower.dtype, copy=False)
        phi = lower.T @ gy
        phi *= _lower_half_diagonal(len(lower), lower.dtype, xp)
        s = inverse.T @ phi @ inverse
        s += s.T
        s *= lower.dtype.type(0.5)
        return (s,)


def cholesky(a: VariableOrArray) -> Variable:
    """Cholesky decomposition of a symmetric positive-definite matrix.

    Returns the lower-triangular ``L`` with ``L @ L.T == a``.  Only the lower triangle of
    ``a`` is read, so its gradient is symmetrized: it is the gradient for a perturbation
    that keeps ``a`` symmetric.  float16 matrices are factorized in float32.

    Args:
        a: A floating point matrix ``(N, N)``.

    Returns:
        ``L``, of the shape and dtype of ``a``.

    Raises:
        numpy.linalg.LinAlgError: If ``a`` is not positive definite (a ``ValueError``).
        kusari.graph.type_check.InvalidType: If ``a`` is not a square floating point
            matrix.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> a = numpy.array([[4.0, 2.0], [2.0, 5.0]])
        >>> F.cholesky(a).array.tolist()
        [[2.0, 0.0], [1.0, 2.0]]
    """
    return Cholesky().apply((a,))[0]
