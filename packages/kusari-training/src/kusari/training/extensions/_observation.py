"""Small extensions on the observation: observe values, check for NaN, micro-averages."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kusari.devices import get_array_module
from kusari.graph import Variable
from kusari.reporter import report
from kusari.serializers import AbstractSerializer

from .._extension import PRIORITY_EDITOR, PRIORITY_WRITER, Extension, make_extension
from .._util import serialize_if_serializable
from ..triggers import TriggerLike, get_trigger

if TYPE_CHECKING:
    from .._trainer import Trainer

__all__ = [
    "FailOnNonNumber",
    "MicroAverage",
    "observe_lr",
    "observe_value",
    "unchain_variables",
]


def observe_value(
    observation_key: str, target_func: Callable[[Trainer], Any]
) -> Callable[[Trainer], None]:
    """Return an extension that puts ``target_func(trainer)`` into the observation.

    It runs every epoch by default, with writer priority (before :class:`LogReport`).

    Args:
        observation_key: The key to store the value under.
        target_func: Computes the value from the trainer.

    Returns:
        The extension.

    Example:
        >>> from kusari.training.extensions import observe_value
        >>> extension = observe_value("iteration", lambda trainer: trainer.updater.iteration)
        >>> extension.trigger, extension.priority
        ((1, 'epoch'), 300)
    """

    @make_extension(trigger=(1, "epoch"), priority=PRIORITY_WRITER)
    def _observe_value(trainer: Trainer) -> None:
        trainer.observation[observation_key] = target_func(trainer)

    return _observe_value


def observe_lr(
    optimizer_name: str = "main", observation_key: str = "lr"
) -> Callable[[Trainer], None]:
    """Return an extension that puts an optimizer's learning rate into the observation.

    Args:
        optimizer_name: The optimizer's name in the updater.
        observation_key: The key to store the rate under.

    Returns:
        The extension (see :func:`observe_value`).

    Example:
        >>> from kusari.training.extensions import observe_lr
        >>> observe_lr().default_name
        '_observe_value'
    """
    return observe_value(
        observation_key,
        lambda trainer: getattr(trainer.updater.get_optimizer(optimizer_name), "lr"),  # noqa: B009
    )


class FailOnNonNumber(Extension):
    """Stops training when a parameter (or its gradient) holds NaN or infinity.

    Args:
        check_grad: Check the gradients too.

    Example:
        >>> from kusari.training.extensions import FailOnNonNumber
        >>> FailOnNonNumber().trigger
        (1, 'iteration')
    """

    def __init__(self, *, check_grad: bool = True) -> None:
        self._check_grad = check_grad

    def __call__(self, trainer: Trainer) -> None:
        """Raise if any parameter of any optimizer's target is not finite.

        Raises:
            RuntimeError: Naming the optimizer.
        """
        for name, optimizer in trainer.updater.get_all_optimizers().items():
            target = optimizer.target
            if target is None:
                continue
            for param in target.params():
                array = param.array
                if array is not None and not get_array_module(array).isfinite(array).all():
                    raise RuntimeError(
                        f"Kill the process since parameters in optimizer '{name}' diverge. R.I.P."
                    )
                if self._check_grad:
                    try:
                        grad = param.grad
                    except RuntimeError:  # an uninitialized parameter before cleargrad()
                        grad = None
                    if grad is not None and not get_array_module(grad).isfinite(grad).all():
                        raise RuntimeError(
                            f"Kill the process since gradients in optimizer '{name}' diverge. "
                            "R.I.P."
                        )


class MicroAverage(Extension):
    """Reports ``sum(numerator) / sum(denominator)`` over each period of ``trigger``.

    For metrics like accuracy over a whole epoch, where the mean of per-batch
    accuracies (what :class:`LogReport` computes) is wrong for unequal batches: report
    the number of correct answers and of examples per batch, and this extension reports
    their ratio.

    Args:
        numerator_key: The observation key of the numerator.
        denominator_key: The observation key of the denominator.
        result_key: The key the ratio is reported under.
        trigger: When to report.

    Example:
        >>> from kusari.training.extensions import MicroAverage
        >>> MicroAverage("main/correct", "main/total", "main/accuracy").priority
        200
    """

    priority = PRIORITY_EDITOR

    def __init__(
        self,
        numerator_key: str,
        denominator_key: str,
        result_key: str,
        trigger: TriggerLike = (1, "epoch"),
    ) -> None:
        self._trigger = get_trigger(trigger)
        self._numerator_key = numerator_key
        self._denominator_key = denominator_key
        self._result_key = result_key
        self._numerator: float = 0.0
        self._denominator: float = 0.0

    def __call__(self, trainer: Trainer) -> None:
        """Accumulate both sums; when the trigger fires, report the ratio."""
        observation = trainer.observation
        if self._numerator_key not in observation or self._denominator_key not in observation:
            return
        self._numerator += float(_as_number(observation[self._numerator_key]))
        self._denominator += float(_as_number(observation[self._denominator_key]))
        if self._trigger(trainer):
            result = self._numerator / self._denominator
            self._numerator = 0.0
            self._denominator = 0.0
            report({self._result_key: result})

    def serialize(self, serializer: AbstractSerializer) -> None:
        """Save or load the running sums (Chainer's keys) and the trigger.

        Args:
            serializer: The serializer or deserializer.
        """
        serialize_if_serializable(self._trigger, serializer["_trigger"])
        self._numerator = float(serializer("_numerator", self._numerator))
        self._denominator = float(serializer("_denominator", self._denominator))


def _as_number(value: Any) -> Any:
    if isinstance(value, Variable):
        value = value.array
    return value.reshape(()) if hasattr(value, "reshape") else value


@make_extension(trigger=(1, "iteration"), priority=0)
def unchain_variables(trainer: Trainer) -> None:
    """Cut the graph behind every Variable in the observation (frees it early).

    Useful with ``config.keep_graph_on_report``; runs after the other extensions.

    Args:
        trainer: The trainer.
    """
    for value in trainer.observation.values():
        if isinstance(value, Variable):
            value.unchain_backward()
