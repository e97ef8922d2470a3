"""Sampling from a Gaussian with the reparameterization trick (:func:`gaussian`)."""

from __future__ import annotations

from typing import Literal, final, overload

from kusari.devices import Array, is_array
from kusari.graph import FunctionNode, Variable, VariableOrArray
from kusari.graph.type_check import InputSpec

from .. import _utils
from ..math import _helpers
from ..math.exp import exp

__all__ = ["Gaussian", "gaussian"]


@final
class Gaussian(FunctionNode):
    """``mean + exp(ln_var / 2) * eps`` with ``eps`` drawn from a standard normal.

    Args:
        eps: The noise to use (of the inputs' shape and dtype), or ``None`` to draw it.
    """

    __slots__ = ("eps",)
    input_spec = InputSpec("mean", "ln_var", kinds="f", same_dtype=True, same_shape=True)

    def __init__(self, eps: Array | None = None) -> None:
        self.eps = eps

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Sample (the log-variance is retained for backward)."""
        self.retain_inputs((1,))
        mean, ln_var = inputs
        xp = _helpers.array_module(mean)
        eps = self.eps
        if eps is None:
            eps = xp.random.standard_normal(ln_var.shape).astype(ln_var.dtype)
            self.eps = eps
        elif eps.shape != ln_var.shape:
            raise ValueError(f"eps has shape {eps.shape}, but mean has shape {ln_var.shape}")
        elif eps.dtype != ln_var.dtype:
            eps = eps.astype(ln_var.dtype)
            self.eps = eps
        noise = ln_var * ln_var.dtype.type(0.5)
        noise = xp.exp(noise, out=_helpers.out(noise))
        noise *= eps
        noise += mean
        return (noise,)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy`` for the mean and ``gy * exp(ln_var / 2) * eps / 2`` for ``ln_var``."""
        gy = _utils.first_grad(grad_outputs)
        result: list[Variable | None] = []
        for i in target_input_indexes:
            if i == 0:
                result.append(gy)
            else:
                (ln_var,) = self.get_retained_inputs()
                half_eps = self.eps * ln_var.dtype.type(0.5)
                result.append(gy * (exp(ln_var * 0.5) * half_eps))
        return tuple(result)


@overload
def gaussian(
    mean: VariableOrArray,
    ln_var: VariableOrArray,
    *,
    eps: Array | None = None,
    return_eps: Literal[False] = False,
) -> Variable: ...


@overload
def gaussian(
    mean: VariableOrArray,
    ln_var: VariableOrArray,
    *,
    eps: Array | None = None,
    return_eps: Literal[True],
) -> tuple[Variable, Array]: ...


def gaussian(
    mean: VariableOrArray,
    ln_var: VariableOrArray,
    *,
    eps: Array | None = None,
    return_eps: bool = False,
) -> Variable | tuple[Variable, Array]:
    """Draw from ``N(mean, exp(ln_var))`` so that the sample is differentiable.

    The sample is ``mean + exp(ln_var / 2) * eps`` with ``eps ~ N(0, 1)`` drawn from
    ``numpy.random`` (``cupy.random`` on a GPU), in training and test mode alike (as in
    Chainer).

    Args:
        mean: The mean.
        ln_var: The logarithm of the variance (same shape and dtype as ``mean``).
        eps: Standard normal noise to use instead of drawing it (same shape).
        return_eps: Return the noise as well.

    Returns:
        The sample, or ``(sample, eps)`` when ``return_eps`` is true.

    Raises:
        ValueError: If ``eps`` has another shape.
        TypeError: If ``eps`` is not an array.
        kusari.graph.type_check.InvalidType: If the inputs are not floating point or differ
            in dtype or shape.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> mean = numpy.zeros(2)
        >>> ln_var = numpy.log(numpy.array([4.0, 9.0]))
        >>> y = F.gaussian(mean, ln_var, eps=numpy.array([1.0, -1.0]))
        >>> numpy.allclose(y.array, [2.0, -3.0])
        True
    """
    if eps is not None and not is_array(eps):
        raise TypeError(f"eps must be an array or None, got {type(eps).__name__}")
    node = Gaussian(eps)
    (y,) = node.apply((mean, ln_var))
    if return_eps:
        assert node.eps is not None
        return y, node.eps
    return y
