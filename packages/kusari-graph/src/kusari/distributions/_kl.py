"""The KL divergence registry: :func:`register_kl`, :func:`kl_divergence`, cross entropy."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from kusari.graph import Variable

from ._distribution import Distribution

__all__ = ["cross_entropy", "kl_divergence", "register_kl"]

_D1 = TypeVar("_D1", bound=Distribution)
_D2 = TypeVar("_D2", bound=Distribution)
_KLFunction = Callable[[_D1, _D2], Variable]

_REGISTRY: dict[tuple[type[Distribution], type[Distribution]], Callable[..., Variable]] = {}


def register_kl(
    dist1: type[_D1], dist2: type[_D2]
) -> Callable[[_KLFunction[_D1, _D2]], _KLFunction[_D1, _D2]]:
    """Decorator registering a function as ``KL(dist1 || dist2)`` for two classes.

    :func:`kl_divergence` picks the registered pair closest to the arguments' classes
    (exact classes first, then their base classes in method resolution order).

    Args:
        dist1: The class of the first (left) operand.
        dist2: The class of the second (right) operand.

    Returns:
        A decorator that registers the function and returns it unchanged.

    Raises:
        TypeError: If a class is not a :class:`Distribution` subclass.

    Example:
        >>> import numpy
        >>> import kusari.distributions as D
        >>> class Point(D.Distribution):
        ...     def __init__(self, at):
        ...         self.at = at
        >>> @D.register_kl(Point, Point)
        ... def _kl_point(p, q):
        ...     import kusari.functions as F
        ...     return F.absolute(p.at - q.at)
        >>> from kusari.graph import Variable
        >>> a = Point(Variable(numpy.array(1.0)))
        >>> b = Point(Variable(numpy.array(3.0)))
        >>> float(D.kl_divergence(a, b).array)
        2.0
    """
    for name, cls in (("dist1", dist1), ("dist2", dist2)):
        if not (isinstance(cls, type) and issubclass(cls, Distribution)):  # type: ignore[redundant-expr]
            raise TypeError(f"register_kl: {name} must be a Distribution subclass, got {cls!r}")

    def decorator(function: _KLFunction[_D1, _D2]) -> _KLFunction[_D1, _D2]:
        _REGISTRY[dist1, dist2] = function
        return function

    return decorator


def _lookup(cls1: type[Distribution], cls2: type[Distribution]) -> Callable[..., Variable]:
    for base1 in cls1.__mro__:
        for base2 in cls2.__mro__:
            function = _REGISTRY.get((base1, base2))
            if function is not None:
                return function
    raise NotImplementedError(
        f"no KL divergence is registered for {cls1.__name__} and {cls2.__name__}; "
        f"register one with @register_kl({cls1.__name__}, {cls2.__name__})"
    )


def kl_divergence(dist1: Distribution, dist2: Distribution) -> Variable:
    """The Kullback-Leibler divergence ``KL(dist1 || dist2)``, elementwise over the batch.

    Args:
        dist1: The first (left) operand.
        dist2: The second (right) operand.

    Returns:
        The divergence, of the operands' batch shape.

    Raises:
        TypeError: If an operand is not a :class:`Distribution`.
        NotImplementedError: If no divergence is registered for the two classes (the
            message names both).

    Example:
        >>> import numpy
        >>> import kusari.distributions as D
        >>> p = D.Normal(numpy.array([0.0]), numpy.array([1.0]))
        >>> q = D.Normal(numpy.array([1.0]), numpy.array([1.0]))
        >>> D.kl_divergence(p, q).array.tolist()
        [0.5]
    """
    for name, dist in (("dist1", dist1), ("dist2", dist2)):
        if not isinstance(dist, Distribution):
            raise TypeError(
                f"kl_divergence: {name} must be a Distribution, got {type(dist).__name__}"
            )
    return _lookup(type(dist1), type(dist2))(dist1, dist2)


def cross_entropy(dist1: Distribution, dist2: Distribution) -> Variable:
    """The cross entropy ``H(dist1, dist2) = H(dist1) + KL(dist1 || dist2)``.

    Args:
        dist1: The distribution the expectation is taken over.
        dist2: The distribution whose negative log-probability is averaged.

    Returns:
        The cross entropy, of the operands' batch shape.

    Raises:
        NotImplementedError: If ``dist1`` has no entropy or the pair has no registered
            KL divergence.

    Example:
        >>> import numpy
        >>> import kusari.distributions as D
        >>> p = D.Bernoulli(numpy.array([0.5]))
        >>> numpy.allclose(D.cross_entropy(p, p).array, numpy.log(2.0))
        True
    """
    return dist1.entropy + kl_divergence(dist1, dist2)
