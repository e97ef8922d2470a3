"""Order samplers: how an iterator orders the examples of each epoch."""

from __future__ import annotations

import abc
from typing import Any, TypeAlias

import numpy
import numpy.typing as npt

from kusari.serializers import AbstractSerializer

__all__ = ["OrderSampler", "ShuffleOrderSampler"]

_Order: TypeAlias = npt.NDArray[numpy.intp]


class OrderSampler(abc.ABC):
    """Base class of order samplers: called at the start of every epoch for its order.

    A sampler returns the indices of the examples in the order the next epoch visits
    them; it must keep the length of the current order.  A sampler that owns random
    state can implement ``serialize`` so that a resumed run draws the same orders.

    Example:
        >>> import numpy
        >>> from kusari.iterators import OrderSampler, SerialIterator
        >>> class Reverse(OrderSampler):
        ...     def __call__(self, current_order, current_position):
        ...         return numpy.arange(len(current_order))[::-1]
        >>> it = SerialIterator([10, 11, 12], 2, order_sampler=Reverse())
        >>> next(it), next(it)
        ([12, 11], [10, 12])
    """

    @abc.abstractmethod
    def __call__(self, current_order: _Order, current_position: int) -> _Order:
        """Return the order of the next epoch.

        Args:
            current_order: The order of the epoch that ends.
            current_position: The position of the iterator in it.

        Returns:
            An integer array as long as ``current_order``.
        """


_RandomSource: TypeAlias = numpy.random.RandomState | numpy.random.Generator


class ShuffleOrderSampler(OrderSampler):
    """Shuffles the examples at every epoch (the default of kusari's iterators).

    Args:
        random_state: Where the permutations come from: a ``numpy.random.RandomState`` or
            ``numpy.random.Generator``.  ``None`` uses NumPy's global random state, so
            ``numpy.random.seed`` controls it, as in Chainer.

    A sampler given its own random source saves that source's state with the iterator
    (in trainer snapshots), so a resumed run shuffles later epochs exactly as the
    uninterrupted run would.  The global random state is never saved or restored.

    Example:
        >>> import numpy
        >>> from kusari.iterators import ShuffleOrderSampler
        >>> sampler = ShuffleOrderSampler(numpy.random.RandomState(0))
        >>> sorted(sampler(numpy.arange(5), 0).tolist())
        [0, 1, 2, 3, 4]
    """

    def __init__(self, random_state: _RandomSource | None = None) -> None:
        if random_state is not None and not isinstance(random_state, _RandomSource):
            raise TypeError(
                "random_state must be a numpy.random.RandomState, a numpy.random.Generator "
                f"or None, got {type(random_state).__name__}"
            )
        self._random = random_state

    def __call__(self, current_order: _Order, current_position: int) -> _Order:
        """Return a random permutation of ``range(len(current_order))``."""
        random = self._random
        n = len(current_order)
        if random is None:
            # NumPy's global random state on purpose: numpy.random.seed() controls it.
            order = numpy.random.permutation(n)  # noqa: NPY002
        else:
            order = random.permutation(n)
        return order.astype(numpy.intp, copy=False)

    def serialize(self, serializer: AbstractSerializer) -> None:
        """Save or load the state of the sampler's own random source.

        Nothing is saved for the global random state.

        Args:
            serializer: The serializer or deserializer.
        """
        random = self._random
        if random is None:
            return
        if isinstance(random, numpy.random.RandomState):
            random.set_state(_serialize_tree(serializer, random.get_state(legacy=False)))
        else:
            bit_generator = random.bit_generator
            bit_generator.state = _serialize_tree(serializer, dict(bit_generator.state))


def _serialize_tree(serializer: AbstractSerializer, tree: dict[str, Any]) -> dict[str, Any]:
    # A NumPy random state is a nested dict of strings, ints (128-bit ones included, hence
    # saved as decimal strings), floats and arrays.
    result: dict[str, Any] = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            result[key] = _serialize_tree(serializer[key], value)
        elif isinstance(value, numpy.ndarray):
            result[key] = serializer(key, value.copy())
        elif isinstance(value, str):
            result[key] = serializer(key, value)
        elif isinstance(value, (int, numpy.integer)):
            result[key] = int(serializer(key, str(int(value))))
        elif isinstance(value, (float, numpy.floating)):
            result[key] = float(serializer(key, float(value)))
        else:  # pragma: no cover - NumPy's bit generators hold nothing else
            raise TypeError(f"cannot serialize random state entry {key!r} of type {type(value)}")
    return result
