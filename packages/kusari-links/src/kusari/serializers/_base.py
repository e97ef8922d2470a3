"""The serialization protocol: the serializer base classes and :class:`Serializable`."""

from __future__ import annotations

import abc
from typing import Protocol, Self, TypeVar, overload, runtime_checkable

from kusari.devices import Array

__all__ = ["AbstractSerializer", "Deserializer", "Serializable", "Serializer"]

_T = TypeVar("_T")


@runtime_checkable
class Serializable(Protocol):
    """An object that saves and loads its state through a serializer.

    :class:`~kusari.links.Link`, the optimizers and the training objects implement it.
    ``serialize`` calls ``serializer(key, value)`` for each value it owns and
    ``obj.serialize(serializer[name])`` for each child; it must store back what each call
    returns (``self.t = serializer("t", self.t)``), because that is how a
    :class:`Deserializer` hands the loaded values over.

    Example:
        >>> from kusari.serializers import DictionarySerializer, Serializable
        >>> class Counter:
        ...     def __init__(self):
        ...         self.count = 0
        ...     def serialize(self, serializer):
        ...         self.count = serializer("count", self.count)
        >>> isinstance(Counter(), Serializable)
        True
        >>> serializer = DictionarySerializer()
        >>> serializer.save(Counter())
        >>> serializer.target
        {'count': array(0)}
    """

    def serialize(self, serializer: AbstractSerializer) -> None:
        """Save or load this object's state through ``serializer``."""


class AbstractSerializer(abc.ABC):
    """The interface shared by serializers (saving) and deserializers (loading).

    A serializer is a cursor into a hierarchy of keys: ``serializer[name]`` gives the
    serializer of the child ``name`` (its keys are prefixed with ``name/``), and
    ``serializer(key, value)`` saves or loads one value.
    """

    @abc.abstractmethod
    def __getitem__(self, key: str) -> Self:
        """Return the serializer of the child ``key`` (keys below it get ``key/``)."""

    @overload
    def __call__(self, key: str, value: None) -> Array | None: ...
    @overload
    def __call__(self, key: str, value: _T) -> _T: ...
    @abc.abstractmethod
    def __call__(self, key: str, value: object) -> object:
        """Save or load one value.

        Args:
            key: The name of the value below this serializer's path.
            value: The current value: an array, a scalar, a string or ``None``.

        Returns:
            For a serializer, ``value`` itself.  For a deserializer, the loaded value: the
            same array filled in place, a new scalar, or a new array when ``value`` was
            ``None`` (how uninitialized parameters get their shape).
        """


class Serializer(AbstractSerializer):
    """Base class of the serializers, which write an object's state somewhere.

    Example:
        >>> from kusari.serializers import DictionarySerializer, Serializer
        >>> isinstance(DictionarySerializer(), Serializer)
        True
    """

    def save(self, obj: Serializable) -> None:
        """Save ``obj`` by calling ``obj.serialize(self)``.

        Args:
            obj: The object to save.
        """
        obj.serialize(self)


class Deserializer(AbstractSerializer):
    """Base class of the deserializers, which load an object's state from somewhere.

    Example:
        >>> from kusari.serializers import Deserializer, NpzDeserializer
        >>> isinstance(NpzDeserializer({}), Deserializer)
        True
    """

    def load(self, obj: Serializable) -> None:
        """Load ``obj`` by calling ``obj.serialize(self)``.

        Args:
            obj: The object to load into.
        """
        obj.serialize(self)
