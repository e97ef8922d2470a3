"""Determinant (:func:`det`, :func:`batch_det`)."""

from __future__ import annotations

from typing import final

import numpy

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray, type_check
from kusari.graph.type_check import InputSpec, TypeInfoTuple

from .. import _utils
from ..array.reshape import reshape
from ..array.transpose import transpose
from . import _helpers
from .inv import Inv, inverse_array

__all__ = ["BatchDet", "batch_det", "det"]


@final
class BatchDet(FunctionNode):
    """The determinant of each matrix of a batch ``(B, N, N)``.

    The gradient is ``gy * det(a) * inv(a).T``; it needs ``a`` to be invertible.
    """

    __slots__ = ()
    input_spec = InputSpec("a", kinds="f")

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """A batch of square matrices."""
        type_check.argname(in_types, ("a",))
        (a_type,) = in_types
        type_check.expect(a_type.ndim == 3, a_type.shape[-1] == a_type.shape[-2])

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Compute the determinants (the input and the output are retained for backward)."""
        self.retain_inputs((0,))
        self.retain_outputs((0,))
        (a,) = inputs
        xp = _helpers.array_module(a)
        work = a.astype(numpy.float32) if a.dtype == numpy.float16 else a  # no half LAPACK
        return (xp.asarray(xp.linalg.det(work), dtype=a.dtype),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy * det(a) * inv(a).T``."""
        (a,) = self.get_retained_inputs()
        (y,) = self.get_retained_outputs()
        gy = _utils.first_grad(grad_outputs)
        scale = reshape(gy * y, (len(y), 1, 1))
        inverse = Inv(True).apply((a,))[0]
        return (scale * transpose(inverse, (0, 2, 1)),)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy * det(a) * inv(a).T``."""
        gy = grad_outputs[0]
        y = self.output_data[0]
        assert gy is not None
        assert y is not None
        a = self.retained_input_array(0)
        g = inverse_array(a).swapaxes(-1, -2).astype(a.dtype, copy=False)
        g *= (gy * y)[:, None, None]
        return (g,)


def batch_det(a: VariableOrArray) -> Variable:
    """Determinant of each matrix of a batch.

    Args:
        a: Floating point matrices ``(B, N, N)``.

    Returns:
        The determinants, ``(B,)``.

    Raises:
        ValueError: In backward, if a matrix is singular.
        kusari.graph.type_check.InvalidType: If ``a`` is not a batch of square floating
            point matrices.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> a = numpy.array([[[1.0, 2.0], [3.0, 4.0]], [[2.0, 0.0], [0.0, 3.0]]])
        >>> numpy.allclose(F.batch_det(a).array, [-2.0, 6.0])
        True
    """
    return BatchDet().apply((a,))[0]


def det(a: VariableOrArray) -> Variable:
    """Determinant of a square matrix.

    Args:
        a: A floating point matrix ``(N, N)``.

    Returns:
        The determinant (a scalar).

    Raises:
        ValueError: In backward, if the matrix is singular.
        kusari.graph.type_check.InvalidType: If ``a`` is not a square floating point
            matrix.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> numpy.allclose(F.det(numpy.array([[1.0, 2.0], [3.0, 4.0]])).array, -2.0)
        True
    """
    ndim = _helpers.ndim_of(a)
    if ndim != 2:
        raise _helpers.invalid_type("Det", "a.ndim == 2", f"{ndim} != 2")
    return reshape(batch_det(reshape(a, (1, *a.shape))), ())
