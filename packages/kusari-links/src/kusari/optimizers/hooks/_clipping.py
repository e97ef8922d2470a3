"""GradientClipping (by the global L2 norm) and GradientHardClipping (elementwise)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar, Literal

from kusari.devices import Array, using_device

from .._hyperparameter import Hyperparameter, check_positive
from .._protocols import UpdatableParameter
from .._update_rule import UpdateRule

if TYPE_CHECKING:
    from kusari.links import Parameter

    from .._optimizer import Optimizer

__all__ = ["GradientClipping", "GradientHardClipping"]


class GradientClipping:
    """Rescale all gradients together so that their global L2 norm is at most ``threshold``.

    The norm is taken over every initialized parameter of the optimizer's target.  When
    it exceeds ``threshold`` each gradient is multiplied by ``threshold / norm``.  On the
    CPU nothing is touched when the norm is within the threshold; on a GPU the factor is
    clipped to 1 on the device so that no synchronization is needed.

    Args:
        threshold: The largest allowed norm (``> 0``).

    Raises:
        ValueError: If ``threshold <= 0``.

    Example:
        >>> from kusari.optimizers.hooks import GradientClipping
        >>> GradientClipping(5.0).threshold
        5.0
    """

    name: ClassVar[str] = "GradientClipping"
    timing: ClassVar[Literal["pre", "post"]] = "pre"

    def __init__(self, threshold: float) -> None:
        self.threshold = check_positive("threshold", threshold)

    def __call__(self, opt: Optimizer) -> None:
        target = opt.target
        if target is None:
            raise RuntimeError("GradientClipping needs an optimizer that is set up")
        params = [p for p in target.params(include_uninit=False) if p.grad is not None]
        if not params:
            return
        by_device: dict[str, list[Parameter]] = {}
        for param in params:
            by_device.setdefault(param.device.name, []).append(param)
        if len(by_device) == 1:
            device = params[0].device
            xp = device.xp
            with using_device(device):
                norm = xp.sqrt(_sqnorm(params))
                if xp.__name__ == "numpy":
                    if float(norm) <= self.threshold:
                        return
                    rate = self.threshold / norm
                else:
                    # Stay on the device: no synchronisation, and 1 / 0 is inf, clipped to 1.
                    rate = xp.minimum(self.threshold / norm, 1.0)
        else:
            total = 0.0
            for group in by_device.values():
                with using_device(group[0].device):
                    total += float(_sqnorm(group))
            norm = math.sqrt(total)
            if norm <= self.threshold:
                return
            rate = self.threshold / norm
        for param in params:
            grad = param.grad
            assert grad is not None
            with using_device(param.device):
                grad *= rate


def _sqnorm(params: Sequence[UpdatableParameter]) -> Array:
    """The sum of squared gradient elements, as a 0-d array on the parameters' device."""
    total: Array | None = None
    for param in params:
        grad = param.grad
        assert grad is not None
        flat = grad.ravel()
        dot: Array = flat.dot(flat)
        total = dot if total is None else total + dot
    assert total is not None
    return total


class GradientHardClipping:
    """Clip every gradient element into ``[lower_bound, upper_bound]``, in place.

    Args:
        lower_bound: The smallest allowed value.
        upper_bound: The largest allowed value.

    Raises:
        ValueError: If ``lower_bound > upper_bound``.

    Example:
        >>> import numpy
        >>> from kusari.devices import CpuDevice
        >>> from kusari.optimizers.hooks import GradientHardClipping
        >>> class Param:
        ...     name, device, array = "w", CpuDevice(), numpy.zeros(3)
        ...     grad = numpy.array([-5.0, 0.5, 5.0])
        >>> param = Param()
        >>> GradientHardClipping(-1.0, 1.0)(None, param)
        >>> param.grad
        array([-1. ,  0.5,  1. ])
    """

    name: ClassVar[str] = "GradientHardClipping"
    call_for_each_param: ClassVar[bool] = True
    timing: ClassVar[Literal["pre", "post"]] = "pre"

    def __init__(self, lower_bound: float, upper_bound: float) -> None:
        if not lower_bound <= upper_bound:
            raise ValueError(
                f"lower_bound must not exceed upper_bound, got lower_bound={lower_bound!r} "
                f"and upper_bound={upper_bound!r}"
            )
        self.lower_bound = lower_bound
        self.upper_bound = upper_bound

    def __call__(self, rule: UpdateRule[Hyperparameter] | None, param: UpdatableParameter) -> None:
        grad = param.grad
        if grad is None:
            return
        param.device.xp.clip(grad, self.lower_bound, self.upper_bound, out=grad)
