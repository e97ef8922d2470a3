"""RMSprop: gradients divided by a running RMS of their recent magnitudes."""

from __future__ import annotations

import types
from typing import final

from kusari.devices import Array, kernels

from ._gradient_method import GradientMethod
from ._hyperparameter import (
    Hyperparameter,
    HyperparameterField,
    HyperparameterProxy,
    check_flag,
    check_non_negative,
    check_unit_interval,
)
from ._protocols import UpdatableParameter
from ._rule_utils import (
    all_contiguous,
    arrays_to_update,
    check_eps_representable,
    zeros_state,
)
from ._update_rule import UpdateRule

__all__ = ["RMSprop", "RMSpropHyperparameter", "RMSpropRule"]


class RMSpropHyperparameter(Hyperparameter):
    """Hyperparameters of :class:`RMSprop`.

    Args:
        parent: The set to fall back to.
        lr: Learning rate (default 0.01).
        alpha: Exponential decay rate of the squared-gradient average, in ``[0, 1]``
            (default 0.99).
        eps: Added to the denominator, ``>= 0`` (default 1e-8).
        eps_inside_sqrt: Add ``eps`` inside the square root instead of after it
            (default ``False``).

    Example:
        >>> from kusari.optimizers import RMSpropHyperparameter
        >>> RMSpropHyperparameter(lr=0.1)
        RMSpropHyperparameter(lr=0.1, alpha=0.99, eps=1e-08, eps_inside_sqrt=False)
    """

    lr = HyperparameterField(0.01, check=check_non_negative, doc="Learning rate.")
    alpha = HyperparameterField(0.99, check=check_unit_interval, doc="Decay rate.")
    eps = HyperparameterField(1e-8, check=check_non_negative, doc="Denominator offset.")
    eps_inside_sqrt = HyperparameterField(
        False, check=check_flag, doc="Whether eps goes inside the square root."
    )

    def __init__(
        self,
        parent: RMSpropHyperparameter | None = None,
        *,
        lr: float | None = None,
        alpha: float | None = None,
        eps: float | None = None,
        eps_inside_sqrt: bool | None = None,
    ) -> None:
        super().__init__(parent, lr=lr, alpha=alpha, eps=eps, eps_inside_sqrt=eps_inside_sqrt)


_DEFAULTS = RMSpropHyperparameter()


def rmsprop_step(
    xp: types.ModuleType,
    array: Array,
    grad: Array,
    ms: Array,
    lr: float,
    alpha: float,
    eps: float,
    eps_inside_sqrt: bool,
) -> None:
    """``ms = alpha*ms + (1-alpha)*grad**2``; ``array -= lr * grad / (sqrt(ms) + eps)``.

    With ``eps_inside_sqrt`` the denominator is ``sqrt(ms + eps)``.  Two scratch arrays.
    """
    ms *= alpha
    scratch = xp.multiply(grad, 1.0 - alpha)
    scratch *= grad
    ms += scratch
    eps_ = grad.dtype.type(eps)
    denominator = scratch
    if eps_inside_sqrt:
        xp.add(ms, eps_, out=denominator)
        xp.sqrt(denominator, out=denominator)
    else:
        xp.sqrt(ms, out=denominator)
        denominator += eps_
    step = xp.multiply(grad, lr)
    step /= denominator
    array -= step


@final
class RMSpropRule(UpdateRule[RMSpropHyperparameter]):
    """The update rule of :class:`RMSprop`; its state ``ms`` is the squared-gradient average.

    Args:
        parent_hyperparam: The optimizer's hyperparameters (defaults when omitted).
        lr: A learning rate for this rule only.
        alpha: A decay rate for this rule only.
        eps: An ``eps`` for this rule only.
        eps_inside_sqrt: ``eps_inside_sqrt`` for this rule only.
    """

    is_elementwise = True

    def __init__(
        self,
        parent_hyperparam: RMSpropHyperparameter | None = None,
        lr: float | None = None,
        alpha: float | None = None,
        eps: float | None = None,
        eps_inside_sqrt: bool | None = None,
    ) -> None:
        super().__init__(
            RMSpropHyperparameter() if parent_hyperparam is None else parent_hyperparam
        )
        self.hyperparam.update(lr=lr, alpha=alpha, eps=eps, eps_inside_sqrt=eps_inside_sqrt)

    def init_state(self, param: UpdatableParameter) -> None:
        """Create ``ms`` (zeros)."""
        state = self.state
        assert state is not None
        state["ms"] = zeros_state(param)

    def update_core_cpu(self, param: UpdatableParameter) -> None:
        """Apply the update to a NumPy parameter.

        Raises:
            ValueError: If ``eps`` is non-zero but rounds to 0 in the gradient's dtype.
        """
        self._step(param, on_gpu=False)

    def update_core_gpu(self, param: UpdatableParameter) -> None:
        """Apply the update to a CuPy parameter with the fused ``rmsprop_update`` kernel.

        Raises:
            ValueError: If ``eps`` is non-zero but rounds to 0 in the gradient's dtype.
        """
        self._step(param, on_gpu=True)

    def _step(self, param: UpdatableParameter, on_gpu: bool) -> None:
        arrays = arrays_to_update(param)
        state = self.state
        if arrays is None or state is None:
            return
        hp = self.hyperparam
        array, grad = arrays
        check_eps_representable("RMSprop", hp.eps, grad.dtype)
        if on_gpu and all_contiguous(array, state["ms"]):
            kernels.rmsprop_update(
                array,
                grad,
                state["ms"],
                lr=hp.lr,
                alpha=hp.alpha,
                eps=hp.eps,
                eps_inside_sqrt=hp.eps_inside_sqrt,
            )
            return
        rmsprop_step(
            param.device.xp, array, grad, state["ms"], hp.lr, hp.alpha, hp.eps, hp.eps_inside_sqrt
        )


class RMSprop(GradientMethod[RMSpropHyperparameter]):
    """RMSprop (Hinton's lecture 6e).

    Each step computes ``ms = alpha * ms + (1 - alpha) * grad**2`` and
    ``param -= lr * grad / (sqrt(ms) + eps)`` (``sqrt(ms + eps)`` with
    ``eps_inside_sqrt=True``).

    Args:
        lr: Learning rate.
        alpha: Exponential decay rate of the squared-gradient average.
        eps: Small value for numerical stability.
        eps_inside_sqrt: Put ``eps`` inside the square root (as in TensorFlow).

    Raises:
        ValueError: If a hyperparameter is out of range.

    Example:
        >>> from kusari.optimizers import RMSprop
        >>> opt = RMSprop(eps_inside_sqrt=True)
        >>> opt.alpha, opt.eps_inside_sqrt
        (0.99, True)
    """

    lr = HyperparameterProxy[float]()
    alpha = HyperparameterProxy[float]()
    eps = HyperparameterProxy[float]()
    eps_inside_sqrt = HyperparameterProxy[bool]()

    def __init__(
        self,
        lr: float = _DEFAULTS.lr,
        alpha: float = _DEFAULTS.alpha,
        eps: float = _DEFAULTS.eps,
        eps_inside_sqrt: bool = _DEFAULTS.eps_inside_sqrt,
    ) -> None:
        super().__init__(
            RMSpropHyperparameter(lr=lr, alpha=alpha, eps=eps, eps_inside_sqrt=eps_inside_sqrt)
        )

    def create_update_rule(self) -> RMSpropRule:
        """Return a rule whose hyperparameters fall back to this optimizer's."""
        return RMSpropRule(self.hyperparam)
