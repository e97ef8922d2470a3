"""The iterator interface (Chainer's ``chainer.dataset.Iterator``)."""

from __future__ import annotations

import abc
from typing import Generic, Self, TypeVar

from kusari.serializers import AbstractSerializer

__all__ = ["Iterator"]

_T = TypeVar("_T")


class Iterator(abc.ABC, Generic[_T]):
    """Base class of dataset iterators: each ``next`` gives a minibatch (a list of examples).

    A subclass implements :meth:`__next__`.  Iterators that drive training also keep the
    epoch bookkeeping the updaters and triggers read: ``epoch`` (completed sweeps),
    ``epoch_detail`` (fractional epochs), ``previous_epoch_detail`` (its value before the
    last batch, ``None`` before the first) and ``is_new_epoch`` (whether the last batch
    completed a sweep).  They are declared here so that code typed against the base
    class sees them; a subclass sets them.

    Use an iterator as a context manager, or call :meth:`finalize`, to release worker
    threads or processes.

    Example:
        >>> from kusari.iterators import Iterator
        >>> class Countdown(Iterator[int]):
        ...     def __init__(self, n):
        ...         self.n = n
        ...     def __next__(self):
        ...         if self.n == 0:
        ...             raise StopIteration
        ...         self.n -= 1
        ...         return [self.n]
        >>> with Countdown(3) as it:
        ...     print(list(it))
        [[2], [1], [0]]
    """

    epoch: int
    epoch_detail: float
    previous_epoch_detail: float | None
    is_new_epoch: bool

    def __iter__(self) -> Self:
        return self

    @abc.abstractmethod
    def __next__(self) -> list[_T]:
        """Return the next minibatch.

        Raises:
            StopIteration: When the iterator does not repeat and the epoch is over.
        """

    def next(self) -> list[_T]:
        """Return the next minibatch (the same as ``next(iterator)``)."""
        return self.__next__()

    def finalize(self) -> None:
        """Release what the iterator holds (worker threads or processes); a no-op here."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.finalize()

    def serialize(self, serializer: AbstractSerializer) -> None:
        """Save or load the iterator's position (nothing here; subclasses override).

        Args:
            serializer: The serializer or deserializer.
        """
