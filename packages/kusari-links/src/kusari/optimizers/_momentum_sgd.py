"""MomentumSGD and CorrectedMomentumSGD: gradient descent with a velocity."""

from __future__ import annotations

from typing import final

from kusari.devices import Array, kernels

from ._gradient_method import GradientMethod
from ._hyperparameter import (
    Hyperparameter,
    HyperparameterField,
    HyperparameterProxy,
    check_non_negative,
    check_unit_interval,
)
from ._protocols import UpdatableParameter
from ._rule_utils import all_contiguous, arrays_to_update, zeros_state
from ._update_rule import UpdateRule

__all__ = [
    "CorrectedMomentumSGD",
    "CorrectedMomentumSGDRule",
    "MomentumSGD",
    "MomentumSGDHyperparameter",
    "MomentumSGDRule",
]


class MomentumSGDHyperparameter(Hyperparameter):
    """Hyperparameters of the momentum methods.

    Shared by :class:`MomentumSGD`, :class:`CorrectedMomentumSGD` and
    :class:`~kusari.optimizers.NesterovAG`.

    Args:
        parent: The set to fall back to.
        lr: Learning rate (default 0.01).
        momentum: Exponential decay rate of the velocity, in ``[0, 1]`` (default 0.9).

    Example:
        >>> from kusari.optimizers import MomentumSGDHyperparameter
        >>> MomentumSGDHyperparameter(lr=0.1)
        MomentumSGDHyperparameter(lr=0.1, momentum=0.9)
    """

    lr = HyperparameterField(0.01, check=check_non_negative, doc="Learning rate.")
    momentum = HyperparameterField(0.9, check=check_unit_interval, doc="Velocity decay rate.")

    def __init__(
        self,
        parent: MomentumSGDHyperparameter | None = None,
        *,
        lr: float | None = None,
        momentum: float | None = None,
    ) -> None:
        super().__init__(parent, lr=lr, momentum=momentum)


_DEFAULTS = MomentumSGDHyperparameter()


def momentum_sgd_step(array: Array, grad: Array, v: Array, lr: float, momentum: float) -> None:
    """``v = momentum * v - lr * grad; array += v``, in place."""
    v *= momentum
    step = grad * lr
    v -= step
    array += v


def corrected_momentum_sgd_step(
    array: Array, grad: Array, v: Array, lr: float, momentum: float
) -> None:
    """``v = momentum * v - grad; array += lr * v``, in place."""
    v *= momentum
    v -= grad
    step = v * lr
    array += step


class _VelocityRule(UpdateRule[MomentumSGDHyperparameter]):
    """A rule with one state array ``v``, the velocity."""

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

    def update_core_gpu(self, param: UpdatableParameter) -> None:
        """Apply the update to a CuPy parameter (the same in-place sequence)."""
        self.update_core_cpu(param)


@final
class MomentumSGDRule(_VelocityRule):
    """The update rule of :class:`MomentumSGD`.

    Args:
        parent_hyperparam: The optimizer's hyperparameters (defaults when omitted).
        lr: A learning rate for this rule only.
        momentum: A momentum for this rule only.
    """

    def update_core_cpu(self, param: UpdatableParameter) -> None:
        """Apply the update to a NumPy parameter."""
        arrays = arrays_to_update(param)
        state = self.state
        if arrays is not None and state is not None:
            hp = self.hyperparam
            momentum_sgd_step(*arrays, state["v"], hp.lr, hp.momentum)

    def update_core_gpu(self, param: UpdatableParameter) -> None:
        """Apply the update to a CuPy parameter with the fused ``momentum_sgd_update`` kernel."""
        arrays = arrays_to_update(param)
        state = self.state
        if arrays is None or state is None:
            return
        hp = self.hyperparam
        array, grad = arrays
        if all_contiguous(array, state["v"]):
            kernels.momentum_sgd_update(array, grad, state["v"], lr=hp.lr, momentum=hp.momentum)
        else:
            momentum_sgd_step(array, grad, state["v"], hp.lr, hp.momentum)


@final
class CorrectedMomentumSGDRule(_VelocityRule):
    """The update rule of :class:`CorrectedMomentumSGD`.

    Args:
        parent_hyperparam: The optimizer's hyperparameters (defaults when omitted).
        lr: A learning rate for this rule only.
        momentum: A momentum for this rule only.
    """

    def update_core_cpu(self, param: UpdatableParameter) -> None:
        """Apply the update to a NumPy parameter."""
        arrays = arrays_to_update(param)
        state = self.state
        if arrays is not None and state is not None:
            hp = self.hyperparam
            corrected_momentum_sgd_step(*arrays, state["v"], hp.lr, hp.momentum)


class MomentumSGD(GradientMethod[MomentumSGDHyperparameter]):
    """Stochastic gradient descent with momentum.

    Each step computes ``v = momentum * v - lr * grad`` and ``param += v``.

    Args:
        lr: Learning rate.
        momentum: Exponential decay rate of the velocity.

    Raises:
        ValueError: If ``lr < 0`` or ``momentum`` is outside ``[0, 1]``.

    Example:
        >>> from kusari.optimizers import MomentumSGD
        >>> opt = MomentumSGD(lr=0.1)
        >>> opt.lr, opt.momentum
        (0.1, 0.9)
    """

    lr = HyperparameterProxy[float]()
    momentum = HyperparameterProxy[float]()

    def __init__(self, lr: float = _DEFAULTS.lr, momentum: float = _DEFAULTS.momentum) -> None:
        super().__init__(MomentumSGDHyperparameter(lr=lr, momentum=momentum))

    def create_update_rule(self) -> MomentumSGDRule:
        """Return a rule whose hyperparameters fall back to this optimizer's."""
        return MomentumSGDRule(self.hyperparam)


class CorrectedMomentumSGD(GradientMethod[MomentumSGDHyperparameter]):
    """Momentum SGD with the learning rate applied after the velocity.

    Each step computes ``v = momentum * v - grad`` and ``param += lr * v``, so changing
    ``lr`` during training scales the whole velocity (Goyal et al., 2017).

    Args:
        lr: Learning rate.
        momentum: Exponential decay rate of the velocity.

    Raises:
        ValueError: If ``lr < 0`` or ``momentum`` is outside ``[0, 1]``.

    Example:
        >>> from kusari.optimizers import CorrectedMomentumSGD
        >>> CorrectedMomentumSGD(momentum=0.5).momentum
        0.5
    """

    lr = HyperparameterProxy[float]()
    momentum = HyperparameterProxy[float]()

    def __init__(self, lr: float = _DEFAULTS.lr, momentum: float = _DEFAULTS.momentum) -> None:
        super().__init__(MomentumSGDHyperparameter(lr=lr, momentum=momentum))

    def create_update_rule(self) -> CorrectedMomentumSGDRule:
        """Return a rule whose hyperparameters fall back to this optimizer's."""
        return CorrectedMomentumSGDRule(self.hyperparam)
