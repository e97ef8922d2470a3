"""Scaled exponential linear unit (:func:`selu`)."""

from __future__ import annotations

from kusari.graph import Variable, VariableOrArray

from ..math import _helpers
from .elu import ELU

__all__ = ["selu"]


def selu(
    x: VariableOrArray,
    alpha: float = 1.6732632423543772,
    scale: float = 1.0507009873554805,
) -> Variable:
    """Scaled ELU: ``scale * elu(x, alpha)``, self-normalizing with the default constants.

    It is computed by a single :class:`~kusari.functions.activation.elu.ELU` node.

    Args:
        x: A floating point input.
        alpha: The ELU's ``alpha``.
        scale: The factor applied to the output.

    Returns:
        The output, of the shape and dtype of ``x``.

    Raises:
        TypeError: If ``alpha`` or ``scale`` is not a number.
        kusari.graph.type_check.InvalidType: If ``x`` is not floating point.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> y = F.selu(numpy.array([-1.0, 1.0]), alpha=2.0, scale=3.0)
        >>> numpy.allclose(y.array, [6.0 * (numpy.exp(-1.0) - 1), 3.0])
        True
    """
    alpha = _helpers.check_float(alpha, "alpha")
    scale = _helpers.check_float(scale, "scale")
    return ELU(alpha, scale).apply((x,))[0]
