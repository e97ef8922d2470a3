"""``create_multi_node_evaluator``: evaluation results averaged over the processes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeVar

from ._communicator import CommunicatorBase

__all__ = ["create_multi_node_evaluator"]


class _EvaluatorLike(Protocol):
    def evaluate(self) -> Mapping[str, Any]: ...


_E = TypeVar("_E", bound=_EvaluatorLike)


def _mean_over_processes(results: list[dict[str, Any]]) -> dict[str, Any]:
    keys = sorted({key for result in results for key in result})
    means: dict[str, Any] = {}
    for key in keys:
        values = [result[key] for result in results if key in result]
        total = values[0]
        for value in values[1:]:
            total = total + value
        means[key] = total / len(values)
    return means


def create_multi_node_evaluator(actual_evaluator: _E, communicator: CommunicatorBase) -> _E:
    """Make ``actual_evaluator`` report the mean over the processes of what each computes.

    Each process evaluates its own share of the validation set (see
    :func:`scatter_dataset`); the evaluator's ``evaluate`` then returns, on every process,
    the mean over the processes of each reported value (a value only some processes
    reported, e.g. when a share is empty, is averaged over those that did).  As in
    ChainerMN, this is a mean of per-process means: with shares of equal length it equals
    the mean over the whole set.

    The same object is returned with ``evaluate`` replaced, so it stays an
    :class:`~kusari.training.extensions.Evaluator` (its type and everything else unchanged).
    Every process must run the evaluation (it ends in a collective): put the extension on
    every process, and reporting ones (``PrintReport``, ``LogReport``) on rank 0 only.

    Args:
        actual_evaluator: An object with an ``evaluate()`` method returning a mapping of
            names to numbers or arrays, such as ``kusari.training.extensions.Evaluator``.
        communicator: The communicator.

    Returns:
        ``actual_evaluator``.

    Raises:
        TypeError: If ``actual_evaluator`` has no ``evaluate`` method, or ``communicator``
            is not a communicator.

    Example:
        >>> from kusari.distributed import create_communicator, create_multi_node_evaluator
        >>> class Fixed:
        ...     def evaluate(self):
        ...         return {"main/loss": 0.5}
        >>> evaluator = create_multi_node_evaluator(Fixed(), create_communicator("mpi"))
        >>> evaluator.evaluate()
        {'main/loss': 0.5}
    """
    original: Callable[[], Mapping[str, Any]] | None = getattr(actual_evaluator, "evaluate", None)
    if not callable(original):
        raise TypeError(
            "actual_evaluator must have an evaluate() method (a kusari.training.extensions."
            f"Evaluator, say), got {type(actual_evaluator).__name__}"
        )
    if not isinstance(communicator, CommunicatorBase):
        raise TypeError(
            "communicator must come from kusari.distributed.create_communicator, got "
            f"{type(communicator).__name__}"
        )
    local_evaluate = original

    def evaluate() -> dict[str, Any]:
        local = dict(local_evaluate())
        return _mean_over_processes(communicator.allgather_obj(local))

    setattr(actual_evaluator, "evaluate", evaluate)  # noqa: B010  (an instance attribute)
    return actual_evaluator
