"""AdaDelta: learning-rate-free adaptive updates."""

from __future__ import annotations

import types
from typing import final

from kusari.devices import Array

from ._gradient_method import GradientMethod
from ._hyperparameter import (
    Hyperparameter,
    HyperparameterField,
    HyperparameterProxy,
    check_positive,
    check_unit_interval,
)
from ._protocols import UpdatableParameter
from ._rule_utils import arrays_to_update, zeros_state
from ._update_rule import UpdateRule

__all__ = ["AdaDelta", "AdaDeltaHyperparameter", "AdaDeltaRule"]


class AdaDeltaHyperparameter(Hyperparameter):
    """Hyperparameters of :class:`AdaDelta`.

    Args:
        parent: The set to fall back to.
        rho: Exponential decay rate of the running averages, in ``[0, 1]`` (default 0.95).
        eps: Added inside the square roots, ``> 0`` (default 1e-6); with 0 the first
            step would be ``0 / 0``.

    Example:
        >>> from kusari.optimizers import AdaDeltaHyperparameter
        >>> AdaDeltaHyperparameter(rho=0.9)
        AdaDeltaHyperparameter(rho=0.9, eps=1e-06)
    """

    rho = HyperparameterField(0.95, check=check_unit_interval, doc="Decay rate.")
    eps = HyperparameterField(1e-6, check=check_positive, doc="Offset inside the roots.")

    def __init__(
        self,
        parent: AdaDeltaHyperparameter | None = None,
        *,
        rho: float | None = None,
        eps: float | None = None,
    ) -> None:
        super().__init__(parent, rho=rho, eps=eps)


_DEFAULTS = AdaDeltaHyperparameter()


def ada_delta_step(
    xp: types.ModuleType,
    array: Array,
    grad: Array,
    msg: Array,
    msdx: Array,
    rho: float,
    eps: float,
) -> None:
    """One AdaDelta step, in place (two scratch arrays).

    ``msg = rho*msg + (1-rho)*grad**2``; ``dx = sqrt((msdx+eps) / (msg+eps)) * grad``;
    ``msdx = rho*msdx + (1-rho)*dx**2``; ``array -= dx``.
    """
    msg *= rho
    dx = xp.multiply(grad, 1.0 - rho)
    dx *= grad
    msg += dx
    xp.add(msdx, eps, out=dx)
    denominator = xp.add(msg, eps)
    dx /= denominator
    xp.sqrt(dx, out=dx)
    dx *= grad
    msdx *= rho
    xp.multiply(dx, 1.0 - rho, out=denominator)
    denominator *= dx
    msdx += denominator
    array -= dx


@final
class AdaDeltaRule(UpdateRule[AdaDeltaHyperparameter]):
    """The update rule of :class:`AdaDelta`; its state is ``msg`` and ``msdx``.

    Args:
        parent_hyperparam: The optimizer's hyperparameters (defaults when omitted).
        rho: A decay rate for this rule only.
        eps: An ``eps`` for this rule only.
    """

    is_elementwise = True

    def __init__(
        self,
        parent_hyperparam: AdaDeltaHyperparameter | None = None,
        rho: float | None = None,
        eps: float | None = None,
    ) -> None:
        super().__init__(
            AdaDeltaHyperparameter() if parent_hyperparam is None else parent_hyperparam
        )
        self.hyperparam.update(rho=rho, eps=eps)

    def init_state(self, param: UpdatableParameter) -> None:
        """Create ``msg`` and ``msdx`` (zeros)."""
        state = self.state
        assert state is not None
        state["msg"] = zeros_state(param)
        state["msdx"] = zeros_state(param)

    def update_core_cpu(self, param: UpdatableParameter) -> None:
        """Apply the update to a NumPy parameter."""
        arrays = arrays_to_update(param)
        state = self.state
        if arrays is not None and state is not None:
            hp = self.hyperparam
            ada_delta_step(param.device.xp, *arrays, state["msg"], state["msdx"], hp.rho, hp.eps)

    def update_core_gpu(self, param: UpdatableParameter) -> None:
        """Apply the update to a CuPy parameter."""
        self.update_core_cpu(param)


class AdaDelta(GradientMethod[AdaDeltaHyperparameter]):
    """AdaDelta (Zeiler, 2012): steps scaled by the ratio of two running RMS values.

    Args:
        rho: Exponential decay rate of the running averages.
        eps: Added inside the square roots for numerical stability.

    Raises:
        ValueError: If ``rho`` is outside ``[0, 1]`` or ``eps <= 0``.

    Example:
        >>> from kusari.optimizers import AdaDelta
        >>> AdaDelta().rho
        0.95
    """

    rho = HyperparameterProxy[float]()
    eps = HyperparameterProxy[float]()

    def __init__(self, rho: float = _DEFAULTS.rho, eps: float = _DEFAULTS.eps) -> None:
        super().__init__(AdaDeltaHyperparameter(rho=rho, eps=eps))

    def create_update_rule(self) -> AdaDeltaRule:
        """Return a rule whose hyperparameters fall back to this optimizer's."""
        return AdaDeltaRule(self.hyperparam)
