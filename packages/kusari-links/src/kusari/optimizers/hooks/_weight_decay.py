"""WeightDecay and Lasso: L2 and L1 regularization added to the gradients."""

from __future__ import annotations

from typing import ClassVar, Literal

from .._hyperparameter import Hyperparameter, check_non_negative
from .._protocols import UpdatableParameter
from .._rule_utils import loss_scale_of
from .._update_rule import UpdateRule

__all__ = ["Lasso", "WeightDecay"]


class WeightDecay:
    """Add L2 regularization to every gradient: ``grad += rate * param``.

    Register it with :meth:`kusari.optimizers.Optimizer.add_hook`; it runs before the
    update, once per parameter.  Under loss scaling the rate is scaled like the gradient.

    Args:
        rate: The coefficient of the L2 term (``>= 0``).

    Raises:
        ValueError: If ``rate`` is negative.

    Example:
        >>> import numpy
        >>> from kusari.devices import CpuDevice
        >>> from kusari.optimizers.hooks import WeightDecay
        >>> class Param:
        ...     name, device, array = "w", CpuDevice(), numpy.array([1.0, -2.0])
        ...     grad = numpy.zeros(2)
        >>> param = Param()
        >>> WeightDecay(0.5)(None, param)
        >>> param.grad
        array([ 0.5, -1. ])
    """

    name: ClassVar[str] = "WeightDecay"
    call_for_each_param: ClassVar[bool] = True
    timing: ClassVar[Literal["pre", "post"]] = "pre"

    def __init__(self, rate: float) -> None:
        self.rate = check_non_negative("rate", rate)

    def __call__(self, rule: UpdateRule[Hyperparameter] | None, param: UpdatableParameter) -> None:
        array, grad = param.array, param.grad
        if array is None or grad is None:
            return
        rate = self.rate
        loss_scale = loss_scale_of(param)
        if loss_scale is not None:
            rate *= loss_scale
        decay = param.device.xp.multiply(array, rate)
        grad += decay


class Lasso:
    """Add L1 regularization to every gradient: ``grad += rate * sign(param)``.

    Args:
        rate: The coefficient of the L1 term (``>= 0``).

    Raises:
        ValueError: If ``rate`` is negative.

    Example:
        >>> import numpy
        >>> from kusari.devices import CpuDevice
        >>> from kusari.optimizers.hooks import Lasso
        >>> class Param:
        ...     name, device, array = "w", CpuDevice(), numpy.array([3.0, -2.0, 0.0])
        ...     grad = numpy.zeros(3)
        >>> param = Param()
        >>> Lasso(0.1)(None, param)
        >>> param.grad
        array([ 0.1, -0.1,  0. ])
    """

    name: ClassVar[str] = "Lasso"
    call_for_each_param: ClassVar[bool] = True
    timing: ClassVar[Literal["pre", "post"]] = "pre"

    def __init__(self, rate: float) -> None:
        self.rate = check_non_negative("rate", rate)

    def __call__(self, rule: UpdateRule[Hyperparameter] | None, param: UpdatableParameter) -> None:
        array, grad = param.array, param.grad
        if array is None or grad is None:
            return
        sign = param.device.xp.sign(array)
        sign *= self.rate
        grad += sign
