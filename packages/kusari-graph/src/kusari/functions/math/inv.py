"""Matrix inverse (:func:`inv`, :func:`batch_inv`)."""

from __future__ import annotations

from typing import final

import numpy

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray, type_check
from kusari.graph.type_check import InputSpec, TypeInfoTuple

from .. import _utils
from . import _helpers
from .matmul import matmul

__all__ = ["Inv", "batch_inv", "inv", "inverse_array"]


def inverse_array(a: Array) -> Array:
    """``xp.linalg.inv(a)`` (batched), raising ValueError for singular matrices.

    float16 matrices are inverted in float32 (LAPACK has no half precision); the result
    keeps the computation dtype, the caller casts it.
    """
    xp = _helpers.array_module(a)
    if a.dtype == numpy.float16:
        a = a.astype(numpy.float32)
    try:
        y = xp.linalg.inv(a)
    except xp.linalg.LinAlgError:
        raise ValueError("Input has singular matrices.") from None
    if not bool(xp.isfinite(y).all()) and bool(xp.isfinite(a).all()):
        raise ValueError("Input has singular matrices.")  # CuPy reports no error
    return y  # type: ignore[no-any-return]


@final
class Inv(FunctionNode):
    """The inverse of a square matrix (``batched=False``) or of each matrix of a batch.

    The gradient is ``-y.T @ gy @ y.T`` (``y`` the inverse, transposed per matrix).

    Args:
        batched: Whether the input is a batch ``(B, N, N)`` rather than a matrix ``(N, N)``.
    """

    __slots__ = ("batched",)
    input_spec = InputSpec("a", kinds="f")

    def __init__(self, batched: bool = False) -> None:
        self.batched = batched

    @property
    def label(self) -> str:
        """``Inv`` or ``BatchInv``."""
        return "BatchInv" if self.batched else "Inv"

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """Square matrices: ``(N, N)``, or ``(B, N, N)`` when batched."""
        type_check.argname(in_types, ("a",))
        (a_type,) = in_types
        type_check.expect(a_type.ndim == (3 if self.batched else 2))
        type_check.expect(a_type.shape[-1] == a_type.shape[-2])

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Invert (the output is retained for backward)."""
        self.retain_outputs((0,))
        (a,) = inputs
        return (inverse_array(a).astype(a.dtype, copy=False),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``-y.T @ gy @ y.T``."""
        (y,) = self.get_retained_outputs()
        gy = _utils.first_grad(grad_outputs)
        return (-matmul(y, matmul(gy, y, transb=True), transa=True),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``-y.T @ gy @ y.T``."""
        gy = grad_outputs[0]
        y = self.output_data[0]
        assert gy is not None
        assert y is not None
        yt = y.swapaxes(-1, -2)
        return (-(yt @ gy @ yt),)


def inv(a: VariableOrArray) -> Variable:
    """Inverse of a square matrix.

    Args:
        a: A floating point matrix ``(N, N)``.

    Returns:
        Its inverse.

    Raises:
        ValueError: If the matrix is singular.
        kusari.graph.type_check.InvalidType: If ``a`` is not a square floating point
            matrix.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> y = F.inv(numpy.array([[2.0, 0.0], [0.0, 4.0]]))
        >>> y.array.tolist()
        [[0.5, 0.0], [0.0, 0.25]]
    """
    return Inv(False).apply((a,))[0]


def batch_inv(a: VariableOrArray) -> Variable:
    """Inverse of each matrix of a batch.

    Args:
        a: Floating point matrices ``(B, N, N)``.

    Returns:
        Their inverses.

    Raises:
        ValueError: If a matrix is singular.
        kusari.graph.type_check.InvalidType: If ``a`` is not a batch of square floating
            point matrices.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> a = numpy.array([[[2.0, 0.0], [0.0, 4.0]], [[1.0, 1.0], [0.0, 1.0]]])
        >>> F.batch_inv(a).array.tolist()
        [[[0.5, 0.0], [0.0, 0.25]], [[1.0, -1.0], [0.0, 1.0]]]
    """
    return Inv(True).apply((a,))[0]
