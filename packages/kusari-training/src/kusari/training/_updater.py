"""The updater interface: what the :class:`Trainer` drives at every iteration."""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING

from kusari.optimizers import Optimizer
from kusari.serializers import AbstractSerializer

if TYPE_CHECKING:
    from ._trainer import Trainer

__all__ = ["Updater"]


class Updater(abc.ABC):
    """Base class of updaters: one :meth:`update` is one training iteration.

    Subclasses provide the iteration count and the epoch bookkeeping that triggers read
    (usually from their main iterator), the optimizers, and serialization.

    Attributes:
        iteration: The number of completed updates.
    """

    iteration: int

    @property
    @abc.abstractmethod
    def epoch(self) -> int:
        """The number of completed epochs."""

    @property
    @abc.abstractmethod
    def epoch_detail(self) -> float:
        """The number of epochs done, with the fraction of the current one."""

    @property
    @abc.abstractmethod
    def previous_epoch_detail(self) -> float | None:
        """``epoch_detail`` before the last update (``None`` before the first)."""

    @property
    @abc.abstractmethod
    def is_new_epoch(self) -> bool:
        """Whether the last update completed an epoch."""

    def connect_trainer(self, trainer: Trainer) -> None:  # noqa: B027 - optional hook
        """Called once by the trainer that drives this updater (a no-op here).

        Args:
            trainer: The trainer.
        """

    def finalize(self) -> None:  # noqa: B027 - optional hook
        """Release resources after training (a no-op here)."""

    @abc.abstractmethod
    def get_optimizer(self, name: str) -> Optimizer:
        """Return the optimizer called ``name`` (``'main'`` for the default one)."""

    @abc.abstractmethod
    def get_all_optimizers(self) -> dict[str, Optimizer]:
        """Return every optimizer by name."""

    @abc.abstractmethod
    def update(self) -> None:
        """Run one iteration and count it."""

    @abc.abstractmethod
    def serialize(self, serializer: AbstractSerializer) -> None:
        """Save or load the updater's state (iterators, optimizers, models, iteration).

        Args:
            serializer: The serializer or deserializer.
        """
