"""Decorrelated batch normalization (:func:`decorrelated_batch_normalization`, fixed form).

The channels are split into groups; within each group the features are centred and
whitened with the ZCA projection ``cov^(-1/2) = U diag(w^(-1/2)) U^T`` of their
covariance over the batch and spatial axes (Huang et al., 2018).  The eigendecomposition is
a differentiable node, so the whole function supports double backprop.
"""

from __future__ import annotations

from typing import Any

import numpy

from kusari.devices import Array
from kusari.graph import Variable, VariableOrArray, type_check
from kusari.graph.type_check import TypeInfoTuple

from ..array import _shape_check
from ..array.cast import cast
from ..array.expand_dims import expand_dims
from ..array.reshape import reshape
from ..array.transpose import transpose
from ..loss._checks import array_of
from ..math.matmul import matmul
from ..math.sum import sum as _sum
from ._eigh import eigh

__all__ = ["decorrelated_batch_normalization", "fixed_decorrelated_batch_normalization"]


def _check_x(x: Array, groups: int, label: str) -> None:
    def check(in_types: TypeInfoTuple) -> None:
        type_check.argname(in_types, ("x",))
        (x_type,) = in_types
        type_check.expect(x_type.dtype.kind == "f", x_type.ndim >= 2)
        type_check.expect(x_type.shape[1] % groups == 0)

    _shape_check.run_type_check(check, [x], label)


def _groups(groups: object) -> int:
    value = _shape_check.as_int(groups, "groups")
    if value <= 0:
        raise ValueError(f"groups must be positive, got {value}")
    return value


def _grouped(x: VariableOrArray, groups: int) -> Variable:
    """``(N, C, ...)`` to ``(G, C // G, N * prod(...))``."""
    n, c = x.shape[:2]
    spatial = int(numpy.prod(x.shape[2:], dtype=numpy.int64))
    xt = transpose(reshape(x, (n, groups, c // groups, spatial)), (1, 2, 0, 3))
    return reshape(xt, (groups, c // groups, n * spatial))


def _ungrouped(y: Variable, shape: tuple[int, ...]) -> Variable:
    n, c = shape[:2]
    groups = y.shape[0]
    spatial = y.shape[2] // n
    y = transpose(reshape(y, (groups, c // groups, n, spatial)), (2, 0, 1, 3))
    return reshape(y, shape)


def _work(x: VariableOrArray, dtype: numpy.dtype[Any]) -> VariableOrArray:
    # NumPy's eigh has no float16; the statistics are computed in float32.
    return cast(x, numpy.float32) if dtype == numpy.float16 else x


def _check_stat(stat: Array | None, name: str, shape: tuple[int, ...]) -> None:
    if stat is not None and tuple(stat.shape) != shape:
        raise ValueError(f"{name} must have shape {shape}, got {tuple(stat.shape)}")


def decorrelated_batch_normalization(
    x: VariableOrArray,
    groups: int = 16,
    eps: float = 2e-5,
    running_mean: Array | None = None,
    running_projection: Array | None = None,
    decay: float = 0.9,
) -> Variable:
    """Decorrelated batch normalization: ZCA whitening of channel groups over a batch.

    The ``C`` channels form ``groups`` groups of ``k = C // groups``.  For each group the
    ``k`` features are centred by their mean over the batch and spatial axes (``m``
    samples), and multiplied by ``P = (cov + eps I)^(-1/2)``, with ``cov`` their covariance
    (divided by ``m``).  The output features of a group are uncorrelated with unit variance.

    Args:
        x: The input, ``(N, C, ...)`` (floating point; float16 is whitened in float32).
        groups: The number of groups; it must divide ``C``.
        eps: Added to the diagonal of the covariance.
        running_mean: The ``(groups, k)`` running mean, updated in place to
            ``decay * running_mean + (1 - decay) * mean``, or ``None``.
        running_projection: The ``(groups, k, k)`` running projection, updated in place to
            ``decay * running_projection + (1 - decay) * P * m / (m - 1)`` (Chainer's
            unbiased correction), or ``None``.
        decay: The decay rate of the running statistics.

    Returns:
        The normalized input, of ``x``'s shape and dtype.

    Raises:
        TypeError: If ``groups`` is not an int.
        ValueError: If ``groups`` is not positive, or a running statistic has the wrong
            shape.
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point with at least
            two axes, or ``groups`` does not divide its channels.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.random.default_rng(0).normal(size=(100, 4))
        >>> y = F.decorrelated_batch_normalization(x, groups=1).array
        >>> bool(numpy.allclose(y.T @ y / 100, numpy.eye(4), atol=1e-3))
        True
    """
    n_groups = _groups(groups)
    x_array = array_of(x)
    _check_x(x_array, n_groups, "decorrelated_batch_normalization")
    dtype = x_array.dtype
    k = x_array.shape[1] // n_groups
    _check_stat(running_mean, "running_mean", (n_groups, k))
    _check_stat(running_projection, "running_projection", (n_groups, k, k))
    xt = _grouped(_work(x, dtype), n_groups)
    m = xt.shape[2]
    xp = _shape_check.xp_of(x_array)
    mean = _sum(xt, axis=2) * (1.0 / m)
    centred = xt - expand_dims(mean, 2)
    eye = xp.eye(k, dtype=xt.dtype)
    cov = matmul(centred, centred, transb=True) * (1.0 / m) + eps * eye
    w, u = eigh(cov)
    projection = matmul(u * expand_dims(w**-0.5, 1), u, transb=True)
    y = _ungrouped(matmul(projection, centred), x_array.shape)
    if running_mean is not None:
        running_mean *= decay
        running_mean += xp.asarray((1 - decay) * array_of(mean), running_mean.dtype)
    if running_projection is not None:
        correction = m / max(m - 1, 1)
        running_projection *= decay
        update = (1 - decay) * correction * array_of(projection)
        running_projection += xp.asarray(update, running_projection.dtype)
    return y if y.dtype == dtype else cast(y, dtype)


def fixed_decorrelated_batch_normalization(
    x: VariableOrArray,
    mean: VariableOrArray,
    projection: VariableOrArray,
    groups: int = 16,
) -> Variable:
    """Decorrelated batch normalization with given statistics (for inference).

    Each group of ``k = C // groups`` features is centred by ``mean`` and multiplied by
    ``projection``, as :func:`decorrelated_batch_normalization` does with the batch's.

    Args:
        x: The input, ``(N, C, ...)`` (floating point).
        mean: The ``(groups, k)`` means, of ``x``'s dtype.
        projection: The ``(groups, k, k)`` projections, of ``x``'s dtype.
        groups: The number of groups; it must divide ``C``.

    Returns:
        The normalized input, of ``x``'s shape and dtype.

    Raises:
        TypeError: If ``groups`` is not an int.
        ValueError: If ``groups`` is not positive, or ``mean`` or ``projection`` has the
            wrong shape.
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point with at least
            two axes, ``groups`` does not divide its channels, or the dtypes differ.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x = numpy.array([[1.0, 2.0], [3.0, 4.0]])
        >>> mean = numpy.array([[2.0, 3.0]])
        >>> projection = numpy.array([[[0.5, 0.0], [0.0, 2.0]]])
        >>> F.fixed_decorrelated_batch_normalization(x, mean, projection, groups=1).array.tolist()
        [[-0.5, -2.0], [0.5, 2.0]]
    """
    n_groups = _groups(groups)
    x_array = array_of(x)
    _check_x(x_array, n_groups, "fixed_decorrelated_batch_normalization")
    k = x_array.shape[1] // n_groups
    mean_array, projection_array = array_of(mean), array_of(projection)
    _check_stat(mean_array, "mean", (n_groups, k))
    _check_stat(projection_array, "projection", (n_groups, k, k))
    for name, stat in (("mean", mean_array), ("projection", projection_array)):
        if stat.dtype != x_array.dtype:
            raise type_check.InvalidType(
                f"{name}.dtype == x.dtype",
                f"{stat.dtype} != {x_array.dtype}",
                "Invalid operation is performed in: fixed_decorrelated_batch_normalization "
                f"(Forward)\n\nExpect: {name}.dtype == x.dtype\n"
                f"Actual: {stat.dtype} != {x_array.dtype}",
            )
    xt = _grouped(x, n_groups)
    y = matmul(projection, xt - expand_dims(mean, 2))
    return _ungrouped(y, x_array.shape)
