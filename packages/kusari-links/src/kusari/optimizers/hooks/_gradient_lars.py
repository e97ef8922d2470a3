"""GradientLARS: layer-wise adaptive rate scaling of the gradients."""

from __future__ import annotations

from typing import ClassVar, Literal

from .._hyperparameter import Hyperparameter, check_non_negative
from .._protocols import UpdatableParameter
from .._update_rule import UpdateRule

__all__ = ["GradientLARS"]


class GradientLARS:
    """Scale each gradient by its layer's trust ratio (LARS, You et al., 2017).

    For a parameter ``p`` with gradient ``g``: ``g += weight_decay * p``, then, when
    ``||p|| > threshold``, ``g *= ||p|| / (eps + ||g|| + weight_decay * ||p||)``, with
    ``||g||`` the norm before the weight decay is added.

    Args:
        threshold: Parameters with a norm at most this are not rescaled (``>= 0``).
        weight_decay: The L2 coefficient (``>= 0``).
        eps: Keeps the ratio finite (``>= 0``).

    Raises:
        ValueError: If an argument is negative.

    Example:
        >>> import numpy
        >>> from kusari.devices import CpuDevice
        >>> from kusari.optimizers.hooks import GradientLARS
        >>> class Param:
        ...     name, device, array = "w", CpuDevice(), numpy.array([3.0, 4.0])
        ...     grad = numpy.array([0.0, 10.0])
        >>> param = Param()
        >>> GradientLARS(eps=0.0)(None, param)
        >>> param.grad
        array([0., 5.])
    """

    name: ClassVar[str] = "GradientLARS"
    call_for_each_param: ClassVar[bool] = True
    timing: ClassVar[Literal["pre", "post"]] = "pre"

    def __init__(self, threshold: float = 1e-2, weight_decay: float = 0.0, eps: float = 1e-9):
        self.threshold = check_non_negative("threshold", threshold)
        self.weight_decay = check_non_negative("weight_decay", weight_decay)
        self.eps = check_non_negative("eps", eps)

    def __call__(self, rule: UpdateRule[Hyperparameter] | None, param: UpdatableParameter) -> None:
        array, grad = param.array, param.grad
        if array is None or grad is None:
            return
        xp = param.device.xp
        p_norm = xp.linalg.norm(array)
        g_norm = xp.linalg.norm(grad)
        local_rate = p_norm / (self.eps + g_norm + self.weight_decay * p_norm)
        rate = xp.where(p_norm > self.threshold, local_rate, 1.0)
        if self.weight_decay != 0:
            decay = xp.multiply(array, self.weight_decay)
            grad += decay
        grad *= rate.astype(grad.dtype)
