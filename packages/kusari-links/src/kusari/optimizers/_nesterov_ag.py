"""NesterovAG: Nesterov's accelerated gradient."""

from __future__ import annotations

import types
from typing import final

from kusari.devices import Array

from ._gradient_method import GradientMethod
from ._hyperparameter import HyperparameterProxy
from ._momentum_sgd import MomentumSGDHyperparameter
from ._protocols import UpdatableParameter
from ._rule_utils import arrays_to_update, zeros_state
from ._update_rule import UpdateRule

__all__ = ["NesterovAG", "NesterovAGRule"]

_DEFAULTS = MomentumSGDHyperparameter()


def nesterov_ag_step(
    xp: types.ModuleType, array: Array, grad: Array, v: Array, lr: float, momentum: float
) -> None:
    """``v = momentum*v - lr*grad; array += momentum**2 * v - (1 + momentum) * lr * grad``."""
    v *= momentum
    scratch = xp.multiply(grad, lr)
    v -= scratch
    xp.multiply(v, momentum * momentum, out=scratch)
    array += scratch
    xp.multiply(grad, (1.0 + momentum) * lr, out=scratch)
    array -= scratch


@final
class NesterovAGRule(UpdateRule[MomentumSGDHyperparameter]):
    """The update rule of :class:`NesterovAG`.

    Args:
        parent_hyperparam: The optimizer's hyperparameters (defaults when omitted).
        lr: A learning rate for this rule only.
        momentum: A momentum for this rule only.
    """

    is_elementwise = True

    def __init__(
        self,
        parent_hyperparam: MomentumSGDHyperparameter | None = None,
        lr: float | None = None,
        momentum: float | None = None,
    ) -> None:
        super().__init__(
            MomentumSGDHyperparameter() if parent_hyperparam is None else parent_hyperparam
        )
        self.hyperparam.update(lr=lr, momentum=momentum)

    def init_state(self, param: UpdatableParameter) -> None:
        """Create the velocity ``v`` (zeros)."""
        state = self.state
        assert state is not None
        state["v"] = zeros_state(param)

    def update_core_cpu(self, param: UpdatableParameter) -> None:
        """Apply the update to a NumPy parameter."""
        arrays = arrays_to_update(param)
        state = self.state
        if arrays is not None and state is not None:
            hp = self.hyperparam
            nesterov_ag_step(param.device.xp, *arrays, state["v"], hp.lr, hp.momentum)

    def update_core_gpu(self, param: UpdatableParameter) -> None:
        """Apply the update to a CuPy parameter (the same in-place sequence)."""
        self.update_core_cpu(param)


class NesterovAG(GradientMethod[MomentumSGDHyperparameter]):
    """Nesterov's accelerated gradient (Sutskever et al., 2013 formulation).

    Each step computes ``v = momentum * v - lr * grad`` and
    ``param += momentum**2 * v - (1 + momentum) * lr * grad``.

    Args:
        lr: Learning rate.
        momentum: Exponential decay rate of the velocity.

    Raises:
        ValueError: If ``lr < 0`` or ``momentum`` is outside ``[0, 1]``.

    Example:
        >>> from kusari.optimizers import NesterovAG
        >>> NesterovAG().lr
        0.01
    """

    lr = HyperparameterProxy[float]()
    momentum = HyperparameterProxy[float]()

    def __init__(self, lr: float = _DEFAULTS.lr, momentum: float = _DEFAULTS.momentum) -> None:
        super().__init__(MomentumSGDHyperparameter(lr=lr, momentum=momentum))

    def create_update_rule(self) -> NesterovAGRule:
        """Return a rule whose hyperparameters fall back to this optimizer's."""
        return NesterovAGRule(self.hyperparam)
