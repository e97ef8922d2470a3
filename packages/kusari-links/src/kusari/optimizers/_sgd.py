"""SGD: plain stochastic gradient descent."""

from __future__ import annotations

from typing import final

from kusari.devices import Array

from ._gradient_method import GradientMethod
from ._hyperparameter import (
    Hyperparameter,
    HyperparameterField,
    HyperparameterProxy,
    check_non_negative,
)
from ._protocols import UpdatableParameter
from ._rule_utils import arrays_to_update
from ._update_rule import UpdateRule

__all__ = ["SGD", "SGDHyperparameter", "SGDRule"]


class SGDHyperparameter(Hyperparameter):
    """Hyperparameters of :class:`SGD`.

    Args:
        parent: The set to fall back to.
        lr: Learning rate (default 0.01).

    Example:
        >>> from kusari.optimizers import SGDHyperparameter
        >>> SGDHyperparameter(lr=0.1)
        SGDHyperparameter(lr=0.1)
    """

    lr = HyperparameterField(0.01, check=check_non_negative, doc="Learning rate.")

    def __init__(
        self, parent: SGDHyperparameter | None = None, *, lr: float | None = None
    ) -> None:
        super().__init__(parent, lr=lr)


_DEFAULTS = SGDHyperparameter()


def sgd_step(array: Array, grad: Array, lr: float) -> None:
    """``array -= lr * grad``, in place."""
    step = grad * lr
    array -= step


@final
class SGDRule(UpdateRule[SGDHyperparameter]):
    """The update rule of :class:`SGD`: ``param -= lr * grad``.

    Args:
        parent_hyperparam: The optimizer's hyperparameters (defaults when omitted).
        lr: A learning rate for this rule only.
    """

    is_elementwise = True

    def __init__(
        self, parent_hyperparam: SGDHyperparameter | None = None, lr: float | None = None
    ) -> None:
        super().__init__(SGDHyperparameter() if parent_hyperparam is None else parent_hyperparam)
        self.hyperparam.update(lr=lr)

    def update_core_cpu(self, param: UpdatableParameter) -> None:
        """Apply the update to a NumPy parameter."""
        arrays = arrays_to_update(param)
        if arrays is not None:
            sgd_step(*arrays, self.hyperparam.lr)

    def update_core_gpu(self, param: UpdatableParameter) -> None:
        """Apply the update to a CuPy parameter."""
        self.update_core_cpu(param)


class SGD(GradientMethod[SGDHyperparameter]):
    """Vanilla stochastic gradient descent: ``param -= lr * grad``.

    Args:
        lr: Learning rate.

    Raises:
        ValueError: If ``lr`` is negative.

    Example:
        >>> from kusari.optimizers import SGD
        >>> SGD(lr=0.1).lr
        0.1
    """

    lr = HyperparameterProxy[float]()

    def __init__(self, lr: float = _DEFAULTS.lr) -> None:
        super().__init__(SGDHyperparameter(lr=lr))

    def create_update_rule(self) -> SGDRule:
        """Return a rule whose hyperparameters fall back to this optimizer's."""
        return SGDRule(self.hyperparam)
