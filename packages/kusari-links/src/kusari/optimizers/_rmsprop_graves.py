"""RMSpropGraves: Alex Graves's RMSprop with momentum."""

from __future__ import annotations

import types
from typing import final

from kusari.devices import Array

from ._gradient_method import GradientMethod
from ._hyperparameter import (
    Hyperparameter,
    HyperparameterField,
    HyperparameterProxy,
    check_non_negative,
    check_positive,
    check_unit_interval,
)
from ._protocols import UpdatableParameter
from ._rule_utils import arrays_to_update, zeros_state
from ._update_rule import UpdateRule

__all__ = ["RMSpropGraves", "RMSpropGravesHyperparameter", "RMSpropGravesRule"]


class RMSpropGravesHyperparameter(Hyperparameter):
    """Hyperparameters of :class:`RMSpropGraves`.

    Args:
        parent: The set to fall back to.
        lr: Learning rate (default 1e-4).
        alpha: Exponential decay rate of the moment averages, in ``[0, 1]`` (default 0.95).
        momentum: Decay rate of the step, in ``[0, 1]`` (default 0.9).
        eps: Added inside the square root, ``> 0`` (default 1e-4): the running variance
            can be exactly 0.

    Example:
        >>> from kusari.optimizers import RMSpropGravesHyperparameter
        >>> RMSpropGravesHyperparameter().lr
        0.0001
    """

    lr = HyperparameterField(1e-4, check=check_non_negative, doc="Learning rate.")
    alpha = HyperparameterField(0.95, check=check_unit_interval, doc="Moment decay rate.")
    momentum = HyperparameterField(0.9, check=check_unit_interval, doc="Step decay rate.")
    eps = HyperparameterField(1e-4, check=check_positive, doc="Offset inside the root.")

    def __init__(
        self,
        parent: RMSpropGravesHyperparameter | None = None,
        *,
        lr: float | None = None,
        alpha: float | None = None,
        momentum: float | None = None,
        eps: float | None = None,
    ) -> None:
        super().__init__(parent, lr=lr, alpha=alpha, momentum=momentum, eps=eps)


_DEFAULTS = RMSpropGravesHyperparameter()


def rmsprop_graves_step(
    xp: types.ModuleType,
    array: Array,
    grad: Array,
    n: Array,
    g: Array,
    delta: Array,
    lr: float,
    alpha: float,
    momentum: float,
    eps: float,
) -> None:
    """One RMSpropGraves step, in place (two scratch arrays).

    ``n = alpha*n + (1-alpha)*grad**2``; ``g = alpha*g + (1-alpha)*grad``;
    ``delta = momentum*delta - lr*grad / sqrt(n - g**2 + eps)``; ``array += delta``.
    """
    n *= alpha
    scratch = xp.multiply(grad, 1.0 - alpha)
    g *= alpha
    g += scratch
    scratch *= grad
    n += scratch
    denominator = scratch
    xp.multiply(g, g, out=denominator)
    xp.subtract(n, denominator, out=denominator)
    denominator += eps
    xp.sqrt(denominator, out=denominator)
    step = xp.multiply(grad, lr)
    step /= denominator
    delta *= momentum
    delta -= step
    array += delta


@final
class RMSpropGravesRule(UpdateRule[RMSpropGravesHyperparameter]):
    """The update rule of :class:`RMSpropGraves`; its state is ``n``, ``g`` and ``delta``.

    Args:
        parent_hyperparam: The optimizer's hyperparameters (defaults when omitted).
        lr: A learning rate for this rule only.
        alpha: A moment decay rate for this rule only.
        momentum: A momentum for this rule only.
        eps: An ``eps`` for this rule only.
    """

    is_elementwise = True

    def __init__(
        self,
        parent_hyperparam: RMSpropGravesHyperparameter | None = None,
        lr: float | None = None,
        alpha: float | None = None,
        momentum: float | None = None,
        eps: float | None = None,
    ) -> None:
        super().__init__(
            RMSpropGravesHyperparameter() if parent_hyperparam is None else parent_hyperparam
        )
        self.hyperparam.update(lr=lr, alpha=alpha, momentum=momentum, eps=eps)

    def init_state(self, param: UpdatableParameter) -> None:
        """Create ``n``, ``g`` and ``delta`` (zeros)."""
        state = self.state
        assert state is not None
        state["n"] = zeros_state(param)
        state["g"] = zeros_state(param)
        state["delta"] = zeros_state(param)

    def update_core_cpu(self, param: UpdatableParameter) -> None:
        """Apply the update to a NumPy parameter."""
        arrays = arrays_to_update(param)
        state = self.state
        if arrays is not None and state is not None:
            hp = self.hyperparam
            rmsprop_graves_step(
                param.device.xp,
                *arrays,
                state["n"],
                state["g"],
                state["delta"],
                hp.lr,
                hp.alpha,
                hp.momentum,
                hp.eps,
            )

    def update_core_gpu(self, param: UpdatableParameter) -> None:
        """Apply the update to a CuPy parameter."""
        self.update_core_cpu(param)


class RMSpropGraves(GradientMethod[RMSpropGravesHyperparameter]):
    """RMSprop as in Graves (2013), "Generating Sequences With Recurrent Neural Networks".

    It normalises by a running estimate of the gradient's standard deviation (not its
    RMS) and adds momentum to the step.

    Args:
        lr: Learning rate.
        alpha: Exponential decay rate of the first and second moment averages.
        momentum: Exponential decay rate of the step.
        eps: Small value inside the square root.

    Raises:
        ValueError: If a hyperparameter is out of range.

    Example:
        >>> from kusari.optimizers import RMSpropGraves
        >>> RMSpropGraves().momentum
        0.9
    """

    lr = HyperparameterProxy[float]()
    alpha = HyperparameterProxy[float]()
    momentum = HyperparameterProxy[float]()
    eps = HyperparameterProxy[float]()

    def __init__(
        self,
        lr: float = _DEFAULTS.lr,
        alpha: float = _DEFAULTS.alpha,
        momentum: float = _DEFAULTS.momentum,
        eps: float = _DEFAULTS.eps,
    ) -> None:
        super().__init__(
            RMSpropGravesHyperparameter(lr=lr, alpha=alpha, momentum=momentum, eps=eps)
        )

    def create_update_rule(self) -> RMSpropGravesRule:
        """Return a rule whose hyperparameters fall back to this optimizer's."""
        return RMSpropGravesRule(self.hyperparam)
