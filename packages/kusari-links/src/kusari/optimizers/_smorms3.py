"""SMORMS3: Simon Funk's RMSprop variant with a per-element adaptive memory."""

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
)
from ._protocols import UpdatableParameter
from ._rule_utils import arrays_to_update, zeros_state
from ._update_rule import UpdateRule

__all__ = ["SMORMS3", "SMORMS3Hyperparameter", "SMORMS3Rule"]


class SMORMS3Hyperparameter(Hyperparameter):
    """Hyperparameters of :class:`SMORMS3`.

    Args:
        parent: The set to fall back to.
        lr: Learning rate (default 0.001).
        eps: Added to the denominators, ``> 0`` (default 1e-16).

    Example:
        >>> from kusari.optimizers import SMORMS3Hyperparameter
        >>> SMORMS3Hyperparameter(lr=0.01)
        SMORMS3Hyperparameter(lr=0.01, eps=1e-16)
    """

    lr = HyperparameterField(0.001, check=check_non_negative, doc="Learning rate.")
    eps = HyperparameterField(1e-16, check=check_positive, doc="Denominator offset.")

    def __init__(
        self,
        parent: SMORMS3Hyperparameter | None = None,
        *,
        lr: float | None = None,
        eps: float | None = None,
    ) -> None:
        super().__init__(parent, lr=lr, eps=eps)


_DEFAULTS = SMORMS3Hyperparameter()


def smorms3_step(
    xp: types.ModuleType,
    array: Array,
    grad: Array,
    mem: Array,
    g: Array,
    g2: Array,
    lr: float,
    eps: float,
) -> None:
    """One SMORMS3 step, in place (three scratch arrays).

    ``r = 1 / (mem + 1)``; ``g = (1-r)*g + r*grad``; ``g2 = (1-r)*g2 + r*grad**2``;
    ``x = g**2 / (g2 + eps)``; ``array -= grad * min(x, lr) / (sqrt(g2) + eps)``;
    ``mem = 1 + mem * (1 - x)``.
    """
    r = xp.add(mem, 1.0)
    xp.reciprocal(r, out=r)
    keep = xp.subtract(1.0, r)
    g *= keep
    g2 *= keep
    mixed = xp.multiply(r, grad)
    g += mixed
    mixed *= grad
    g2 += mixed
    x = mixed
    xp.multiply(g, g, out=x)
    xp.add(g2, eps, out=keep)
    x /= keep
    xp.subtract(1.0, x, out=r)
    mem *= r
    mem += 1.0
    step = x  # x is not needed once mem is updated
    xp.minimum(x, lr, out=step)
    step *= grad
    denominator = keep
    xp.sqrt(g2, out=denominator)
    denominator += eps
    step /= denominator
    array -= step


@final
class SMORMS3Rule(UpdateRule[SMORMS3Hyperparameter]):
    """The update rule of :class:`SMORMS3`; its state is ``mem`` (ones), ``g`` and ``g2``.

    Args:
        parent_hyperparam: The optimizer's hyperparameters (defaults when omitted).
        lr: A learning rate for this rule only.
        eps: An ``eps`` for this rule only.
    """

    is_elementwise = True

    def __init__(
        self,
        parent_hyperparam: SMORMS3Hyperparameter | None = None,
        lr: float | None = None,
        eps: float | None = None,
    ) -> None:
        super().__init__(
            SMORMS3Hyperparameter() if parent_hyperparam is None else parent_hyperparam
        )
        self.hyperparam.update(lr=lr, eps=eps)

    def init_state(self, param: UpdatableParameter) -> None:
        """Create ``mem`` (ones), ``g`` and ``g2`` (zeros)."""
        state = self.state
        assert state is not None
        mem = zeros_state(param)
        mem += 1
        state["mem"] = mem
        state["g"] = zeros_state(param)
        state["g2"] = zeros_state(param)

    def update_core_cpu(self, param: UpdatableParameter) -> None:
        """Apply the update to a NumPy parameter."""
        arrays = arrays_to_update(param)
        state = self.state
        if arrays is not None and state is not None:
            hp = self.hyperparam
            smorms3_step(
                param.device.xp,
                *arrays,
                state["mem"],
                state["g"],
                state["g2"],
                hp.lr,
                hp.eps,
            )

    def update_core_gpu(self, param: UpdatableParameter) -> None:
        """Apply the update to a CuPy parameter."""
        self.update_core_cpu(param)


class SMORMS3(GradientMethod[SMORMS3Hyperparameter]):
    """SMORMS3 (Simon Funk, "RMSprop loses to SMORMS3 - Beware the Epsilon!", 2015).

    Args:
        lr: Learning rate.
        eps: Small value for numerical stability.

    Raises:
        ValueError: If ``lr < 0`` or ``eps <= 0``.

    Example:
        >>> from kusari.optimizers import SMORMS3
        >>> SMORMS3().eps
        1e-16
    """

    lr = HyperparameterProxy[float]()
    eps = HyperparameterProxy[float]()

    def __init__(self, lr: float = _DEFAULTS.lr, eps: float = _DEFAULTS.eps) -> None:
        super().__init__(SMORMS3Hyperparameter(lr=lr, eps=eps))

    def create_update_rule(self) -> SMORMS3Rule:
        """Return a rule whose hyperparameters fall back to this optimizer's."""
        return SMORMS3Rule(self.hyperparam)
