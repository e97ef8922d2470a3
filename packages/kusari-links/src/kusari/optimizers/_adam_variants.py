"""The Adam variants with their own defaults: AdamW, AMSGrad, AdaBound and AMSBound."""

from __future__ import annotations

from typing import ClassVar, final

from ._adam import DEFAULTS, Adam

__all__ = ["AMSBound", "AMSGrad", "AdaBound", "AdamW"]


@final
class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov and Hutter, 2019).

    The same as ``Adam(..., weight_decay_rate=weight_decay_rate)``.

    Args:
        alpha: Step size.
        beta1: Exponential decay rate of the first moment.
        beta2: Exponential decay rate of the second moment.
        eps: Small value for numerical stability.
        eta: Schedule multiplier.
        weight_decay_rate: Decoupled weight decay rate.

    Example:
        >>> from kusari.optimizers import AdamW
        >>> AdamW(weight_decay_rate=0.01).weight_decay_rate
        0.01
    """

    def __init__(
        self,
        alpha: float = DEFAULTS.alpha,
        beta1: float = DEFAULTS.beta1,
        beta2: float = DEFAULTS.beta2,
        eps: float = DEFAULTS.eps,
        eta: float = DEFAULTS.eta,
        weight_decay_rate: float = DEFAULTS.weight_decay_rate,
    ) -> None:
        super().__init__(
            alpha=alpha,
            beta1=beta1,
            beta2=beta2,
            eps=eps,
            eta=eta,
            weight_decay_rate=weight_decay_rate,
        )


@final
class AMSGrad(Adam):
    """AMSGrad (Reddi et al., 2018): ``Adam(..., amsgrad=True)``.

    Args:
        alpha: Step size.
        beta1: Exponential decay rate of the first moment.
        beta2: Exponential decay rate of the second moment.
        eps: Small value for numerical stability.
        eta: Schedule multiplier.

    Example:
        >>> from kusari.optimizers import AMSGrad
        >>> AMSGrad().amsgrad
        True
    """

    def __init__(
        self,
        alpha: float = DEFAULTS.alpha,
        beta1: float = DEFAULTS.beta1,
        beta2: float = DEFAULTS.beta2,
        eps: float = DEFAULTS.eps,
        eta: float = DEFAULTS.eta,
    ) -> None:
        super().__init__(alpha=alpha, beta1=beta1, beta2=beta2, eps=eps, eta=eta, amsgrad=True)


class _BoundedAdam(Adam):
    """The constructor of AdaBound and AMSBound, which differ only in ``amsgrad``."""

    _amsgrad: ClassVar[bool]

    def __init__(
        self,
        alpha: float = DEFAULTS.alpha,
        beta1: float = DEFAULTS.beta1,
        beta2: float = DEFAULTS.beta2,
        final_lr: float = DEFAULTS.final_lr,
        gamma: float = DEFAULTS.gamma,
        eps: float = DEFAULTS.eps,
        eta: float = DEFAULTS.eta,
    ) -> None:
        super().__init__(
            alpha=alpha,
            beta1=beta1,
            beta2=beta2,
            eps=eps,
            eta=eta,
            amsgrad=self._amsgrad,
            adabound=True,
            final_lr=final_lr,
            gamma=gamma,
        )


@final
class AdaBound(_BoundedAdam):
    """AdaBound (Luo et al., 2019): ``Adam(..., adabound=True)``.

    Args:
        alpha: Step size.
        beta1: Exponential decay rate of the first moment.
        beta2: Exponential decay rate of the second moment.
        final_lr: The final (SGD) learning rate the bounds converge to.
        gamma: Convergence speed of the bounds.
        eps: Small value for numerical stability.
        eta: Schedule multiplier.

    Example:
        >>> from kusari.optimizers import AdaBound
        >>> AdaBound(final_lr=0.05).final_lr
        0.05
    """

    _amsgrad = False


@final
class AMSBound(_BoundedAdam):
    """AMSBound (Luo et al., 2019): ``Adam(..., amsgrad=True, adabound=True)``.

    Args:
        alpha: Step size.
        beta1: Exponential decay rate of the first moment.
        beta2: Exponential decay rate of the second moment.
        final_lr: The final (SGD) learning rate the bounds converge to.
        gamma: Convergence speed of the bounds.
        eps: Small value for numerical stability.
        eta: Schedule multiplier.

    Example:
        >>> from kusari.optimizers import AMSBound
        >>> opt = AMSBound()
        >>> opt.amsgrad, opt.adabound
        (True, True)
    """

    _amsgrad = True
