"""MSVAG: M-SVAG, sign-free variance-adapted momentum SGD."""

from __future__ import annotations

import contextlib
import types
from typing import final

import numpy

from kusari.devices import Array

from ._gradient_method import GradientMethod
from ._hyperparameter import (
    Hyperparameter,
    HyperparameterField,
    HyperparameterProxy,
    check_decay_rate,
    check_non_negative,
)
from ._protocols import UpdatableParameter
from ._rule_utils import arrays_to_update, zeros_state
from ._update_rule import UpdateRule

__all__ = ["MSVAG", "MSVAGHyperparameter", "MSVAGRule"]


class MSVAGHyperparameter(Hyperparameter):
    """Hyperparameters of :class:`MSVAG`.

    Args:
        parent: The set to fall back to.
        lr: Learning rate (default 0.1).
        beta: Decay rate of the moment averages, in ``[0, 1)`` (default 0.9).
        eta: Schedule multiplier, ``>= 0`` (default 1.0).
        weight_decay_rate: Decoupled weight decay rate, ``>= 0`` (default 0).

    Example:
        >>> from kusari.optimizers import MSVAGHyperparameter
        >>> MSVAGHyperparameter(beta=0.5).beta
        0.5
    """

    lr = HyperparameterField(0.1, check=check_non_negative, doc="Learning rate.")
    beta = HyperparameterField(0.9, check=check_decay_rate, doc="Moment decay rate.")
    eta = HyperparameterField(1.0, check=check_non_negative, doc="Schedule multiplier.")
    weight_decay_rate = HyperparameterField(
        0.0, check=check_non_negative, doc="Decoupled weight decay rate."
    )

    def __init__(
        self,
        parent: MSVAGHyperparameter | None = None,
        *,
        lr: float | None = None,
        beta: float | None = None,
        eta: float | None = None,
        weight_decay_rate: float | None = None,
    ) -> None:
        super().__init__(parent, lr=lr, beta=beta, eta=eta, weight_decay_rate=weight_decay_rate)


_DEFAULTS = MSVAGHyperparameter()


def _quiet(xp: types.ModuleType) -> contextlib.AbstractContextManager[object]:
    # 0 / 0 is expected where a gradient element has always been 0; NumPy would warn.
    if xp is numpy:
        return numpy.errstate(invalid="ignore", divide="ignore")
    return contextlib.nullcontext()


def msvag_step(
    xp: types.ModuleType,
    array: Array,
    grad: Array,
    m: Array,
    v: Array,
    *,
    t: int,
    lr: float,
    beta: float,
    eta: float,
    weight_decay_rate: float,
) -> None:
    """One M-SVAG step at update ``t`` (``t >= 1``), in place.

    With ``b = beta ** t`` and
    ``rho = min(0.9999, (1-beta)**2 (1-b**2) / ((1-b)**2 (1-beta**2)))``:
    ``m``, ``v`` are the moment averages, ``mt = m / (1-b)``, ``vt = v / (1-b)``,
    ``s = (vt - mt**2) / (1 - rho)``, ``factor = clip(mt**2 / (mt**2 + rho*s), 0, 1)``
    (NaN becomes 0) and ``array -= eta * (lr * mt * factor + weight_decay_rate * array)``.
    """
    beta_power = beta**t
    rho = ((1.0 - beta) ** 2 * (1.0 - beta_power**2)) / ((1.0 - beta_power) ** 2 * (1.0 - beta**2))
    rho = min(rho, 0.9999)
    scratch = xp.subtract(grad, m)
    scratch *= 1.0 - beta
    m += scratch
    xp.multiply(grad, grad, out=scratch)
    scratch -= v
    scratch *= 1.0 - beta
    v += scratch
    mt = xp.divide(m, 1.0 - beta_power)
    mt2 = scratch
    xp.multiply(mt, mt, out=mt2)
    denominator = xp.divide(v, 1.0 - beta_power)
    denominator -= mt2
    denominator /= 1.0 - rho
    denominator *= rho
    denominator += mt2
    factor = mt2
    with _quiet(xp):
        factor /= denominator
    # fmax/fmin ignore NaN, so 0/0 (no signal, no variance) becomes 0 as in the paper.
    xp.fmax(factor, 0.0, out=factor)
    xp.fmin(factor, 1.0, out=factor)
    mt *= lr
    mt *= factor
    if weight_decay_rate != 0:
        xp.multiply(array, weight_decay_rate, out=denominator)
        mt += denominator
    mt *= eta
    array -= mt


@final
class MSVAGRule(UpdateRule[MSVAGHyperparameter]):
    """The update rule of :class:`MSVAG`; its state is ``m`` and ``v``.

    Args:
        parent_hyperparam: The optimizer's hyperparameters (defaults when omitted).
        lr: A learning rate for this rule only.
        beta: A decay rate for this rule only.
        eta: A schedule multiplier for this rule only.
        weight_decay_rate: A weight decay rate for this rule only.
    """

    is_elementwise = True

    def __init__(
        self,
        parent_hyperparam: MSVAGHyperparameter | None = None,
        lr: float | None = None,
        beta: float | None = None,
        eta: float | None = None,
        weight_decay_rate: float | None = None,
    ) -> None:
        super().__init__(MSVAGHyperparameter() if parent_hyperparam is None else parent_hyperparam)
        self.hyperparam.update(lr=lr, beta=beta, eta=eta, weight_decay_rate=weight_decay_rate)

    def init_state(self, param: UpdatableParameter) -> None:
        """Create ``m`` and ``v`` (zeros)."""
        state = self.state
        assert state is not None
        state["m"] = zeros_state(param)
        state["v"] = zeros_state(param)

    def update_core_cpu(self, param: UpdatableParameter) -> None:
        """Apply the update to a NumPy parameter."""
        arrays = arrays_to_update(param)
        state = self.state
        if arrays is not None and state is not None:
            hp = self.hyperparam
            msvag_step(
                param.device.xp,
                *arrays,
                state["m"],
                state["v"],
                t=self.t,
                lr=hp.lr,
                beta=hp.beta,
                eta=hp.eta,
                weight_decay_rate=hp.weight_decay_rate,
            )

    def update_core_gpu(self, param: UpdatableParameter) -> None:
        """Apply the update to a CuPy parameter."""
        self.update_core_cpu(param)


class MSVAG(GradientMethod[MSVAGHyperparameter]):
    """M-SVAG (Balles and Hennig, 2018, "Dissecting Adam").

    Momentum SGD whose per-element step is damped by the estimated relative variance of
    the gradient.  The bias correction uses ``beta ** t`` with the rule's update count
    ``t``, so it survives saving and loading the optimizer.

    Args:
        lr: Learning rate.
        beta: Exponential decay rate of the first and second moments.
        eta: Schedule multiplier.
        weight_decay_rate: Decoupled weight decay rate.

    Raises:
        ValueError: If a hyperparameter is out of range.

    Example:
        >>> from kusari.optimizers import MSVAG
        >>> MSVAG().lr
        0.1
    """

    lr = HyperparameterProxy[float]()
    beta = HyperparameterProxy[float]()
    eta = HyperparameterProxy[float]()
    weight_decay_rate = HyperparameterProxy[float]()

    def __init__(
        self,
        lr: float = _DEFAULTS.lr,
        beta: float = _DEFAULTS.beta,
        eta: float = _DEFAULTS.eta,
        weight_decay_rate: float = _DEFAULTS.weight_decay_rate,
    ) -> None:
        super().__init__(
            MSVAGHyperparameter(lr=lr, beta=beta, eta=eta, weight_decay_rate=weight_decay_rate)
        )

    def create_update_rule(self) -> MSVAGRule:
        """Return a rule whose hyperparameters fall back to this optimizer's."""
        return MSVAGRule(self.hyperparam)
