"""A decorator that runs tests with fixed global random seeds."""

from __future__ import annotations

import functools
import inspect
import random
import sys
from collections.abc import Callable
from typing import Any, TypeVar, cast

import numpy

__all__ = ["fix_random"]

_T = TypeVar("_T")

# Methods of a decorated class that are seeded: the tests and the per-test set-up hooks.
_SETUP_NAMES = frozenset({"setUp", "setup_method"})


def fix_random(seed: int = 0) -> Callable[[_T], _T]:
    """Return a decorator that seeds the global random generators around a test.

    Before the test, :mod:`numpy.random` (the legacy global generator that kusari's
    initializers draw from), Python's :mod:`random` and, when CuPy has already been
    imported, ``cupy.random`` are seeded with ``seed``; afterwards the NumPy and Python
    states are restored (CuPy's is re-seeded from fresh entropy, since CuPy cannot save it).
    Generators made with :func:`numpy.random.default_rng` are not affected.

    Applied to a class, it wraps every method whose name starts with ``test`` and the
    ``setUp`` / ``setup_method`` hooks, each seeded separately.

    Args:
        seed: The seed, an int in ``[0, 2**32)``.

    Returns:
        The decorator, for a test function, method or class.

    Raises:
        ValueError: If ``seed`` is not an int in range.
        TypeError: If the decorator is applied to something that is not callable.

    Example:
        >>> import numpy
        >>> from kusari.testing import fix_random
        >>> @fix_random(seed=42)
        ... def draw() -> float:
        ...     return float(numpy.random.uniform())
        >>> draw() == draw()
        True
    """
    if not _is_seed(seed):
        raise ValueError(f"seed must be an int in [0, 2**32), got {seed!r}")

    def decorator(target: _T) -> _T:
        if isinstance(target, type):
            for name, member in list(vars(target).items()):
                if inspect.isfunction(member) and (
                    name.startswith("test") or name in _SETUP_NAMES
                ):
                    setattr(target, name, _seeded(member, seed))
            return target
        if not callable(target):
            raise TypeError(
                f"fix_random decorates test functions and classes, got {type(target).__name__}"
            )
        return cast(_T, _seeded(cast(Callable[..., Any], target), seed))

    return decorator


def _is_seed(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**32


def _seeded(function: Callable[..., Any], seed: int) -> Callable[..., Any]:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        numpy_state = numpy.random.get_state()  # noqa: NPY002 (the global state is the point)
        python_state = random.getstate()
        cupy = sys.modules.get("cupy")
        numpy.random.seed(seed)  # noqa: NPY002
        random.seed(seed)
        if cupy is not None and hasattr(cupy, "random"):
            cupy.random.seed(seed)
        try:
            return function(*args, **kwargs)
        finally:
            numpy.random.set_state(numpy_state)  # noqa: NPY002
            random.setstate(python_state)
            if cupy is not None and hasattr(cupy, "random"):
                cupy.random.seed()

    return wrapper
