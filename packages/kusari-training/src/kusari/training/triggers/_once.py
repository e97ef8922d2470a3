"""Firing once: :class:`OnceTrigger`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kusari.serializers import AbstractSerializer

if TYPE_CHECKING:
    from .._trainer import Trainer

__all__ = ["OnceTrigger"]


class OnceTrigger:
    """Fires at its first call only (and once more after resuming, if asked to).

    Args:
        call_on_resume: Fire again at the first call after the trainer is restored from
            a snapshot.

    Example:
        >>> from kusari.training.triggers import OnceTrigger
        >>> trigger = OnceTrigger()
        >>> trigger(None), trigger(None), trigger.finished
        (True, False, True)
    """

    def __init__(self, call_on_resume: bool = False) -> None:
        self._flag_first = True
        self._flag_resumed = call_on_resume

    @property
    def finished(self) -> bool:
        """Whether the trigger will not fire again."""
        return not (self._flag_first or self._flag_resumed)

    def __call__(self, trainer: Trainer | None) -> bool:
        """Return ``True`` the first time, ``False`` afterwards."""
        fire = not self.finished
        self._flag_first = False
        self._flag_resumed = False
        return fire

    def serialize(self, serializer: AbstractSerializer) -> None:
        """Save or load whether it has fired (Chainer's key ``_flag_first``).

        Args:
            serializer: The serializer or deserializer.
        """
        self._flag_first = bool(serializer("_flag_first", self._flag_first))
