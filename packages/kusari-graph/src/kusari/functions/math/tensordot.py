"""Tensor dot product over chosen axes (:func:`tensordot`)."""

from __future__ import annotations

from collections.abc import Sequence

from kusari.graph import Variable, VariableOrArray

from ..array.reshape import reshape
from ..array.transpose import transpose
from . import _helpers
from .matmul import matmul

__all__ = ["tensordot"]

Axes = int | tuple[Sequence[int], Sequence[int]] | Sequence[Sequence[int]]


def _normalize(axes: Axes, a_ndim: int, b_ndim: int) -> tuple[list[int], list[int]]:
    if isinstance(axes, int) and not isinstance(axes, bool):
        if axes < 0:
            raise ValueError(f"axes must not be negative, got {axes}")
        if axes > a_ndim or axes > b_ndim:
            raise ValueError(
                f"dimension of input tensors must be greater equal to dot-axes count ({axes})"
            )
        return list(range(a_ndim - axes, a_ndim)), list(range(axes))
    if not isinstance(axes, (tuple, list)) or len(axes) != 2:
        raise TypeError(f"axes must be an int or a pair of sequences of ints, got {axes!r}")
    a_axes, b_axes = ([n] if isinstance(n, int) else list(n) for n in axes)
    if len(a_axes) != len(b_axes):
        raise ValueError(f"axes must pair the same number of axes, got {axes!r}")
    a_norm = [_helpers.check_axis("TensorDot", a_ndim, i, "a") for i in a_axes]
    b_norm = [_helpers.check_axis("TensorDot", b_ndim, i, "b") for i in b_axes]
    if len(set(a_norm)) != len(a_norm) or len(set(b_norm)) != len(b_norm):
        raise ValueError(f"repeated axis in axes {axes!r}")
    return a_norm, b_norm


def tensordot(a: VariableOrArray, b: VariableOrArray, axes: Axes = 2) -> Variable:
    """Sum products over the given axes of ``a`` and ``b`` (``numpy.tensordot``).

    It transposes and reshapes both operands to matrices and multiplies them with
    :func:`~kusari.functions.matmul`, so it is differentiable twice.

    Args:
        a: The first operand.
        b: The second operand, of the dtype of ``a``.
        axes: ``n`` sums over the last ``n`` axes of ``a`` and the first ``n`` of ``b``; a
            pair ``(a_axes, b_axes)`` names the axes to pair.

    Returns:
        The free axes of ``a`` followed by those of ``b``.

    Raises:
        ValueError: If the axes do not fit the operands, or the paired lengths differ.
        TypeError: If ``axes`` has an unsupported form.
        kusari.graph.type_check.InvalidType: If an axis is out of range or the dtypes differ.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.tensordot(numpy.ones((2, 3, 4)), numpy.ones((3, 4, 5))).shape
        (2, 5)
        >>> F.tensordot(numpy.ones((3, 2)), numpy.ones((2, 3)), axes=([0], [1])).array.tolist()
        [[3.0, 3.0], [3.0, 3.0]]
    """
    a_shape, b_shape = tuple(a.shape), tuple(b.shape)
    a_axes, b_axes = _normalize(axes, len(a_shape), len(b_shape))
    for i, j in zip(a_axes, b_axes, strict=True):
        if a_shape[i] != b_shape[j]:
            raise ValueError(
                f"shape mismatch: a.shape[{i}] = {a_shape[i]} but b.shape[{j}] = {b_shape[j]}"
            )
    a_free = [i for i in range(len(a_shape)) if i not in a_axes]
    b_free = [j for j in range(len(b_shape)) if j not in b_axes]
    n = 1
    for i in a_axes:
        n *= a_shape[i]
    a_out = tuple(a_shape[i] for i in a_free)
    b_out = tuple(b_shape[j] for j in b_free)
    m = 1
    for d in a_out:
        m *= d
    k = 1
    for d in b_out:
        k *= d
    a2 = reshape(transpose(a, (*a_free, *a_axes)), (m, n))
    b2 = reshape(transpose(b, (*b_axes, *b_free)), (n, k))
    return reshape(matmul(a2, b2), a_out + b_out)
