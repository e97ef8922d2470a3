"""Adam and its variants: AdamW, AMSGrad, AdaBound and AMSBound."""

from __future__ import annotations

import math
import types
import warnings

from kusari.devices import Array, kernels

from ._gradient_method import GradientMethod
from ._hyperparameter import (
    Hyperparameter,
    HyperparameterField,
    HyperparameterProxy,
    check_decay_rate,
    check_flag,
    check_non_negative,
    check_positive,
)
from ._protocols import UpdatableParameter
from ._rule_utils import (
    all_contiguous,
    arrays_to_update,
    check_eps_representable,
    intermediate_dtype,
    zeros_state,
)
from ._update_rule import UpdateRule

__all__ = ["DEFAULTS", "Adam", "AdamHyperparameter", "AdamRule", "adam_alpha_t", "adam_step"]


class AdamHyperparameter(Hyperparameter):
    """Hyperparameters of :class:`Adam` and its variants.

    Args:
        parent: The set to fall back to.
        alpha: Step size (default 0.001).
        beta1: Decay rate of the first moment, in ``[0, 1)`` (default 0.9).
        beta2: Decay rate of the second moment, in ``[0, 1)`` (default 0.999).
        eps: Added to the denominator, ``>= 0`` (default 1e-8).
        eta: Schedule multiplier of the whole step, ``>= 0`` (default 1.0).
        weight_decay_rate: Decoupled weight decay (AdamW), ``>= 0`` (default 0).
        amsgrad: Use the running maximum of the second moment (default ``False``).
        adabound: Clip the per-element step size to AdaBound's bounds (default ``False``).
        final_lr: AdaBound's final (SGD) learning rate, ``>= 0`` (default 0.1).
        gamma: AdaBound's bound convergence speed, ``> 0`` (default 1e-3).

    Example:
        >>> from kusari.optimizers import AdamHyperparameter
        >>> hp = AdamHyperparameter(alpha=0.01)
        >>> hp.alpha, hp.beta1, hp.amsgrad
        (0.01, 0.9, False)
    """

    alpha = HyperparameterField(0.001, check=check_non_negative, doc="Step size.")
    beta1 = HyperparameterField(0.9, check=check_decay_rate, doc="First moment decay rate.")
    beta2 = HyperparameterField(0.999, check=check_decay_rate, doc="Second moment decay rate.")
    eps = HyperparameterField(1e-8, check=check_non_negative, doc="Denominator offset.")
    eta = HyperparameterField(1.0, check=check_non_negative, doc="Schedule multiplier.")
    weight_decay_rate = HyperparameterField(
        0.0, check=check_non_negative, doc="Decoupled weight decay rate."
    )
    amsgrad = HyperparameterField(False, check=check_flag, doc="Whether to use AMSGrad.")
    adabound = HyperparameterField(False, check=check_flag, doc="Whether to use AdaBound.")
    final_lr = HyperparameterField(0.1, check=check_non_negative, doc="AdaBound final rate.")
    gamma = HyperparameterField(1e-3, check=check_positive, doc="AdaBound bound speed.")

    def __init__(
        self,
        parent: AdamHyperparameter | None = None,
        *,
        alpha: float | None = None,
        beta1: float | None = None,
        beta2: float | None = None,
        eps: float | None = None,
        eta: float | None = None,
        weight_decay_rate: float | None = None,
        amsgrad: bool | None = None,
        adabound: bool | None = None,
        final_lr: float | None = None,
        gamma: float | None = None,
    ) -> None:
        super().__init__(
            parent,
            alpha=alpha,
            beta1=beta1,
            beta2=beta2,
            eps=eps,
            eta=eta,
            weight_decay_rate=weight_decay_rate,
            amsgrad=amsgrad,
            adabound=adabound,
            final_lr=final_lr,
            gamma=gamma,
        )


DEFAULTS = AdamHyperparameter()
"""Adam's default hyperparameters (the signature defaults of every variant)."""


def adam_alpha_t(hp: AdamHyperparameter, t: int) -> float:
    """Return Adam's bias-corrected step size ``alpha * sqrt(1 - beta2**t) / (1 - beta1**t)``.

    Raises:
        RuntimeError: If ``t == 0`` (no update has started yet).
    """
    if t == 0:
        raise RuntimeError(
            "cannot compute Adam's bias-corrected learning rate alpha_t before the first "
            "update (t == 0)"
        )
    fix1 = 1.0 - math.pow(hp.beta1, t)
    fix2 = 1.0 - math.pow(hp.beta2, t)
    return hp.alpha * math.sqrt(fix2) / fix1


def adam_step(
    xp: types.ModuleType,
    array: Array,
    grad: Array,
    m: Array,
    v: Array,
    vhat: Array | None,
    *,
    alpha_t: float,
    beta1: float,
    beta2: float,
    eps: float,
    eta: float,
    weight_decay_rate: float,
    bounds: tuple[float, float] | None,
) -> None:
    """One Adam step in place, with one scratch array (two for float16 parameters).

    ``m += (1-beta1) * (grad - m)``; ``v += (1-beta2) * (grad**2 - v)``;
    ``vhat = max(vhat, v)`` for AMSGrad (``vhat`` given), else ``vhat = v``;
    ``step = alpha_t / (sqrt(vhat) + eps)``, clipped to ``bounds`` for AdaBound;
    ``array -= eta * (step * m + weight_decay_rate * array)``.

    float16 parameters are computed in float32 (the state stays float16).
    """
    work = intermediate_dtype(array.dtype)
    if grad.dtype != work:
        grad = grad.astype(work)
    scratch = xp.subtract(grad, m, dtype=work)
    scratch *= 1.0 - beta1
    m += scratch
    xp.multiply(grad, grad, out=scratch)
    scratch -= v
    scratch *= 1.0 - beta2
    v += scratch
    if vhat is not None:
        xp.maximum(vhat, v, out=vhat)
    else:
        vhat = v
    xp.sqrt(vhat, out=scratch, dtype=work)
    scratch += eps
    xp.divide(alpha_t, scratch, out=scratch)
    if bounds is not None:
        xp.clip(scratch, bounds[0], bounds[1], out=scratch)
    scratch *= m
    if weight_decay_rate != 0:
        array *= 1.0 - eta * weight_decay_rate
    if eta != 1.0:
        scratch *= eta
    array -= scratch


class AdamRule(UpdateRule[AdamHyperparameter]):
    """The update rule of :class:`Adam`; its state is ``m``, ``v`` and, for AMSGrad, ``vhat``.

    Args:
        parent_hyperparam: The optimizer's hyperparameters (defaults when omitted).
        alpha: Per-rule overrides of the fields of :class:`AdamHyperparameter`; ``None``
            keeps the parent's value.
        beta1: See ``alpha``.
        beta2: See ``alpha``.
        eps: See ``alpha``.
        eta: See ``alpha``.
        weight_decay_rate: See ``alpha``.
        amsgrad: See ``alpha``.
        adabound: See ``alpha``.
        final_lr: See ``alpha``.
        gamma: See ``alpha``.
    """

    is_elementwise = True

    def __init__(
        self,
        parent_hyperparam: AdamHyperparameter | None = None,
        alpha: float | None = None,
        beta1: float | None = None,
        beta2: float | None = None,
        eps: float | None = None,
        eta: float | None = None,
        weight_decay_rate: float | None = None,
        amsgrad: bool | None = None,
        adabound: bool | None = None,
        final_lr: float | None = None,
        gamma: float | None = None,
    ) -> None:
        super().__init__(AdamHyperparameter() if parent_hyperparam is None else parent_hyperparam)
        self.hyperparam.update(
            alpha=alpha,
            beta1=beta1,
            beta2=beta2,
            eps=eps,
            eta=eta,
            weight_decay_rate=weight_decay_rate,
            amsgrad=amsgrad,
            adabound=adabound,
            final_lr=final_lr,
            gamma=gamma,
        )
        # AdaBound scales final_lr by alpha / initial_alpha, so that schedules that change
        # alpha (e.g. ExponentialShift) move the bounds along.
        self.initial_alpha = self.hyperparam.alpha

    def init_state(self, param: UpdatableParameter) -> None:
        """Create ``m``, ``v`` and (with ``amsgrad``) ``vhat``, zeros like the parameter."""
        state = self.state
        assert state is not None
        state["m"] = zeros_state(param)
        state["v"] = zeros_state(param)
        if self.hyperparam.amsgrad:
            state["vhat"] = zeros_state(param)

    @property
    def alpha_t(self) -> float:
        """The bias-corrected step size of the current update (needs ``t >= 1``)."""
        return adam_alpha_t(self.hyperparam, self.t)

    @property
    def lr(self) -> float:
        """Deprecated alias of :attr:`alpha_t` (as in Chainer 6 and later)."""
        warnings.warn(
            "AdamRule.lr is deprecated; use AdamRule.alpha_t", DeprecationWarning, stacklevel=2
        )
        return self.alpha_t

    @property
    def bounds(self) -> tuple[float, float]:
        """AdaBound's ``(lower, upper)`` bounds of the step size for the current update.

        ``final_lr * (1 - 1 / (gamma * t + 1))`` and ``final_lr * (1 + 1 / (gamma * t))``,
        with ``final_lr`` scaled by ``alpha / initial_alpha``.

        Raises:
            RuntimeError: If ``t == 0``.
        """
        if self.t == 0:
            raise RuntimeError("cannot compute AdaBound's bounds before the first update (t == 0)")
        hp = self.hyperparam
        final_lr = hp.final_lr * hp.alpha / self.initial_alpha
        lower = final_lr * (1.0 - 1.0 / (hp.gamma * self.t + 1))
        upper = final_lr * (1.0 + 1.0 / (hp.gamma * self.t))
        return lower, upper

    def _step(self, param: UpdatableParameter, on_gpu: bool) -> None:
        arrays = arrays_to_update(param)
        state = self.state
        if arrays is None or state is None:
            return
        array, grad = arrays
        hp = self.hyperparam
        check_eps_representable("Adam", hp.eps, intermediate_dtype(array.dtype))
        vhat = state["vhat"] if hp.amsgrad else None
        bounds = self.bounds if hp.adabound else None
        if on_gpu and bounds is None and all_contiguous(array, state["m"], state["v"], vhat):
            kernels.adam_update(
                array,
                grad,
                state["m"],
                state["v"],
                vhat,
                alpha_t=self.alpha_t,
                beta1=hp.beta1,
                beta2=hp.beta2,
                eps=hp.eps,
                eta=hp.eta,
                weight_decay_rate=hp.weight_decay_rate,
                amsgrad=vhat is not None,
            )
            return
        adam_step(
            param.device.xp,
            array,
            grad,
            state["m"],
            state["v"],
            vhat,
            alpha_t=self.alpha_t,
            beta1=hp.beta1,
            beta2=hp.beta2,
            eps=hp.eps,
            eta=hp.eta,
            weight_decay_rate=hp.weight_decay_rate,
            bounds=bounds,
        )

    def update_core_cpu(self, param: UpdatableParameter) -> None:
        """Apply the update to a NumPy parameter.

        Raises:
            ValueError: If ``eps`` is non-zero but rounds to 0 in the compute dtype.
            KeyError: If ``amsgrad`` was switched on after the state was created.
        """
        self._step(param, on_gpu=False)

    def update_core_gpu(self, param: UpdatableParameter) -> None:
        """Apply the update to a CuPy parameter.

        Adam, AdamW and AMSGrad run the fused ``adam_update`` kernel; AdaBound (not in the
        kernel) runs the in-place CuPy sequence.
        """
        self._step(param, on_gpu=True)


class Adam(GradientMethod[AdamHyperparameter]):
    """Adam (Kingma and Ba, 2015), with AdamW, AMSGrad and AdaBound as options.

    Each step, with ``alpha_t = alpha * sqrt(1 - beta2**t) / (1 - beta1**t)``:
    ``m += (1 - beta1) * (grad - m)``, ``v += (1 - beta2) * (grad**2 - v)`` and
    ``param -= eta * (alpha_t * m / (sqrt(v) + eps) + weight_decay_rate * param)``.

    Args:
        alpha: Step size.
        beta1: Exponential decay rate of the first moment.
        beta2: Exponential decay rate of the second moment.
        eps: Small value for numerical stability.
        eta: Schedule multiplier, e.g. for warm restarts.
        weight_decay_rate: Decoupled weight decay rate (AdamW, Loshchilov and Hutter).
        amsgrad: Use AMSGrad (Reddi et al., 2018): the running maximum of ``v``.
        adabound: Use AdaBound (Luo et al., 2019): clip the step size between bounds
            that converge to ``final_lr``.
        final_lr: AdaBound's final learning rate.
        gamma: AdaBound's convergence speed of the bounds.

    Raises:
        ValueError: If a hyperparameter is out of range (naming it).

    Example:
        >>> from kusari.optimizers import Adam
        >>> opt = Adam(alpha=0.01)
        >>> opt.alpha, opt.beta2
        (0.01, 0.999)
        >>> opt.t = 1
        >>> round(opt.alpha_t, 6)
        0.003162
    """

    alpha = HyperparameterProxy[float]()
    beta1 = HyperparameterProxy[float]()
    beta2 = HyperparameterProxy[float]()
    eps = HyperparameterProxy[float]()
    eta = HyperparameterProxy[float]()
    weight_decay_rate = HyperparameterProxy[float]()
    amsgrad = HyperparameterProxy[bool]()
    adabound = HyperparameterProxy[bool]()
    final_lr = HyperparameterProxy[float]()
    gamma = HyperparameterProxy[float]()

    def __init__(
        self,
        alpha: float = DEFAULTS.alpha,
        beta1: float = DEFAULTS.beta1,
        beta2: float = DEFAULTS.beta2,
        eps: float = DEFAULTS.eps,
        eta: float = DEFAULTS.eta,
        weight_decay_rate: float = DEFAULTS.weight_decay_rate,
        amsgrad: bool = DEFAULTS.amsgrad,
        adabound: bool = DEFAULTS.adabound,
        final_lr: float = DEFAULTS.final_lr,
        gamma: float = DEFAULTS.gamma,
    ) -> None:
        super().__init__(
            AdamHyperparameter(
                alpha=alpha,
                beta1=beta1,
                beta2=beta2,
                eps=eps,
                eta=eta,
                weight_decay_rate=weight_decay_rate,
                amsgrad=amsgrad,
                adabound=adabound,
                final_lr=final_lr,
                gamma=gamma,
            )
        )

    def create_update_rule(self) -> AdamRule:
        """Return a rule whose hyperparameters fall back to this optimizer's."""
        return AdamRule(self.hyperparam)

    @property
    def alpha_t(self) -> float:
        """The bias-corrected step size at the optimizer's :attr:`t` (needs ``t >= 1``)."""
        return adam_alpha_t(self.hyperparam, self.t)

    @property
    def lr(self) -> float:
        """Deprecated alias of :attr:`alpha_t` (as in Chainer 6 and later)."""
        warnings.warn("Adam.lr is deprecated; use Adam.alpha_t", DeprecationWarning, stacklevel=2)
        return self.alpha_t
