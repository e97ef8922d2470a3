"""Gumbel-softmax sampling (:func:`gumbel_softmax`)."""

from __future__ import annotations

from kusari.graph import Variable, VariableOrArray, as_array

from ..activation.softmax import softmax
from ..math import _helpers

__all__ = ["gumbel_softmax"]


def gumbel_softmax(log_pi: VariableOrArray, tau: float = 0.1, axis: int = 1) -> Variable:
    """A differentiable, relaxed sample of a categorical distribution.

    It computes ``softmax((log_pi + g) / tau, axis)`` with Gumbel noise ``g`` drawn from
    ``numpy.random.gumbel`` (``cupy.random`` on a GPU), in training and test mode alike (as
    in Chainer).  Small ``tau`` gives nearly one-hot samples.

    Args:
        log_pi: Unnormalized log-probabilities (floating point).
        tau: The temperature; it must be positive.
        axis: The axis of the categories.

    Returns:
        The relaxed one-hot samples, of the shape and dtype of ``log_pi``.

    Raises:
        ValueError: If ``tau`` is not positive.
        TypeError: If ``tau`` is not a number or ``axis`` not an int.
        kusari.graph.type_check.InvalidType: If ``log_pi`` is not floating point or has no
            axis ``axis``.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> y = F.gumbel_softmax(numpy.log(numpy.array([[0.2, 0.3, 0.5]])), tau=0.5)
        >>> y.shape, bool(numpy.isclose(y.array.sum(), 1.0))
        ((1, 3), True)
    """
    tau = _helpers.check_float(tau, "tau")
    if not tau > 0:
        raise ValueError(f"tau must be positive, got {tau}")
    array = as_array(log_pi)
    xp = _helpers.array_module(array)
    noise = xp.random.gumbel(size=array.shape).astype(array.dtype, copy=False)
    return softmax((log_pi + noise) * (1.0 / tau), axis=axis)
