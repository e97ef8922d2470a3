"""GradientNoise: add annealed Gaussian noise to the gradients."""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any, ClassVar, Literal, TypeAlias

import numpy

from kusari.devices import Array

from .._hyperparameter import Hyperparameter, check_non_negative
from .._protocols import UpdatableParameter
from .._update_rule import UpdateRule

__all__ = ["GradientNoise", "NoiseFunction", "exponential_decay_noise"]

NoiseFunction: TypeAlias = Callable[
    [types.ModuleType, tuple[int, ...], numpy.dtype[Any], "GradientNoise", UpdateRule[Any]],
    Array,
]
"""``noise_func(xp, shape, dtype, hook, rule)`` returning the noise array to add."""


def exponential_decay_noise(
    xp: types.ModuleType,
    shape: tuple[int, ...],
    dtype: numpy.dtype[Any],
    hook: GradientNoise,
    rule: UpdateRule[Any],
) -> Array:
    """Gaussian noise with variance ``eta / (1 + t) ** 0.55`` (Neelakantan et al., 2015).

    ``t`` is the update count of ``rule``; the noise is drawn from ``xp.random``.

    Args:
        xp: The array module of the parameter.
        shape: The gradient's shape.
        dtype: The gradient's dtype.
        hook: The hook (its ``eta`` is used).
        rule: The parameter's update rule.

    Returns:
        A new array of noise.

    Example:
        >>> import numpy
        >>> from kusari.optimizers import SGDRule
        >>> from kusari.optimizers.hooks import GradientNoise, exponential_decay_noise
        >>> numpy.random.seed(0)
        >>> hook = GradientNoise(0.3)
        >>> noise = exponential_decay_noise(numpy, (2,), numpy.dtype("f"), hook, SGDRule())
        >>> noise.dtype, noise.shape
        (dtype('float32'), (2,))
    """
    std = numpy.sqrt(hook.eta / numpy.power(1 + rule.t, 0.55))
    noise: Array = xp.random.normal(0, std, shape).astype(dtype)
    return noise


class GradientNoise:
    """Add noise ``noise_func(xp, shape, dtype, hook, rule)`` to every gradient.

    Args:
        eta: The noise scale used by ``noise_func`` (``>= 0``).
        noise_func: Makes the noise; :func:`exponential_decay_noise` by default.

    Raises:
        ValueError: If ``eta`` is negative.

    Example:
        >>> from kusari.optimizers.hooks import GradientNoise
        >>> GradientNoise(0.01).eta
        0.01
    """

    name: ClassVar[str] = "GradientNoise"
    call_for_each_param: ClassVar[bool] = True
    timing: ClassVar[Literal["pre", "post"]] = "pre"

    def __init__(self, eta: float, noise_func: NoiseFunction = exponential_decay_noise) -> None:
        self.eta = check_non_negative("eta", eta)
        self.noise_func = noise_func

    def __call__(self, rule: UpdateRule[Hyperparameter], param: UpdatableParameter) -> None:
        grad = param.grad
        if grad is None:
            return
        noise = self.noise_func(param.device.xp, grad.shape, grad.dtype, self, rule)
        grad += noise
