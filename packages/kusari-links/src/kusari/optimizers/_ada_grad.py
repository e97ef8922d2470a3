"""AdaGrad: per-element learning rates from the sum of squared gradients."""

from __future__ import annotations

import types
from typing import final

from kusari.devices import Array, kernels

from ._gradient_method import GradientMethod
from ._hyperparameter import (
    Hyperparameter,
    HyperparameterField,
    HyperparameterProxy,
    check_non_negative,
)
from ._protocols import UpdatableParameter
from ._rule_utils import all_contiguous, arrays_to_update, zeros_state
from ._update_rule import UpdateRule

__all__ = ["AdaGrad", "AdaGradHyperparameter", "AdaGradRule"]


class AdaGradHyperparameter(Hyperparameter):
    """Hyperparameters of :class:`AdaGrad`.

    Args:
        parent: The set to fall back to.
        lr: Learning rate (default 0.001).
        eps: Added to the denominator for numerical stability, ``>= 0`` (default 1e-8).

    Example:
        >>> from kusari.optimizers import AdaGradHyperparameter
        >>> AdaGradHyperparameter(eps=1e-6)
        AdaGradHyperparameter(lr=0.001, eps=1e-06)
    """

    lr = HyperparameterField(0.001, check=check_non_negative, doc="Learning rate.")
    eps = HyperparameterField(1e-8, check=check_non_negative, doc="Denominator offset.")

    def __init__(
        self,
        parent: AdaGradHyperparameter | None = None,
        *,
        lr: float | None = None,
        eps: float | None = None,
    ) -> None:
        super().__init__(parent, lr=lr, eps=eps)


_DEFAULTS = AdaGradHyperparameter()


def ada_grad_step(
    xp: types.ModuleType, array: Array, grad: Array, h: Array, lr: float, eps: float
) -> None:
    """``h += grad**2; array -= lr * grad / (sqrt(h) + eps)``, in place (two scratch arrays)."""
    denominator = xp.multiply(grad, grad)
    h += denominator
    xp.sqrt(h, out=denominator)
    denominator += eps
    step = xp.multiply(grad, lr)
    step /= denominator
    array -= step


@final
class AdaGradRule(UpdateRule[AdaGradHyperparameter]):
    """The update rule of :class:`AdaGrad`; its state ``h`` sums the squared gradients.

    Args:
        parent_hyperparam: The optimizer's hyperparameters (defaults when omitted).
        lr: A learning rate for this rule only.
        eps: An ``eps`` for this rule only.
    """

    is_elementwise = True

    def __init__(
        self,
        parent_hyperparam: AdaGradHyperparameter | None = None,
        lr: float | None = None,
        eps: float | None = None,
    ) -> None:
        super().__init__(
            AdaGradHyperparameter() if parent_hyperparam is None else parent_hyperparam
        )
        self.hyperparam.update(lr=lr, eps=eps)

    def init_state(self, param: UpdatableParameter) -> None:
        """Create ``h`` (zeros)."""
        state = self.state
        assert state is not None
        state["h"] = zeros_state(param)

    def update_core_cpu(self, param: UpdatableParameter) -> None:
        """Apply the update to a NumPy parameter."""
        arrays = arrays_to_update(param)
        state = self.state
        if arrays is not None and state is not None:
            hp = self.hyperparam
            ada_grad_step(param.device.xp, *arrays, state["h"], hp.lr, hp.eps)

    def update_core_gpu(self, param: UpdatableParameter) -> None:
        """Apply the update to a CuPy parameter with the fused ``adagrad_update`` kernel."""
        arrays = arrays_to_update(param)
        state = self.state
        if arrays is None or state is None:
            return
        hp = self.hyperparam
        array, grad = arrays
        if all_contiguous(array, state["h"]):
            kernels.adagrad_update(array, grad, state["h"], lr=hp.lr, eps=hp.eps)
        else:
            ada_grad_step(param.device.xp, array, grad, state["h"], hp.lr, hp.eps)


class AdaGrad(GradientMethod[AdaGradHyperparameter]):
    """AdaGrad (Duchi et al., 2011).

    Each step computes ``h += grad**2`` and ``param -= lr * grad / (sqrt(h) + eps)``.

    Args:
        lr: Learning rate.
        eps: Added to the denominator for numerical stability.

    Raises:
        ValueError: If ``lr`` or ``eps`` is negative.

    Example:
        >>> from kusari.optimizers import AdaGrad
        >>> AdaGrad().lr, AdaGrad().eps
        (0.001, 1e-08)
    """

    lr = HyperparameterProxy[float]()
    eps = HyperparameterProxy[float]()

    def __init__(self, lr: float = _DEFAULTS.lr, eps: float = _DEFAULTS.eps) -> None:
        super().__init__(AdaGradHyperparameter(lr=lr, eps=eps))

    def create_update_rule(self) -> AdaGradRule:
        """Return a rule whose hyperparameters fall back to this optimizer's."""
        return AdaGradRule(self.hyperparam)
