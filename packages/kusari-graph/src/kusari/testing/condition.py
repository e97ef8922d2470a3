"""Decorators that run a flaky test several times: :func:`retry`, :func:`repeat`.

Example:
    >>> from kusari.testing import condition
    >>> attempts = []
    >>> @condition.retry(3)
    ... def test_flaky() -> None:
    ...     attempts.append(1)
    ...     assert len(attempts) >= 2, "fails the first time"
    >>> test_flaky()
    >>> len(attempts)
    2
"""

from __future__ import annotations

import functools
import unittest
from collections.abc import Callable
from typing import ParamSpec

__all__ = ["repeat", "repeat_with_success_at_least", "retry"]

_P = ParamSpec("_P")


def repeat_with_success_at_least(
    times: int, min_success: int
) -> Callable[[Callable[_P, None]], Callable[_P, None]]:
    """Run a test up to ``times`` times; it passes once ``min_success`` attempts passed.

    An attempt fails when the test raises an :class:`Exception` (an ``AssertionError``
    included); skips (:class:`unittest.SkipTest`, ``pytest.skip``) end the run at once. It
    stops as soon as the outcome is decided. When the test fails, the last failure is
    re-raised with a note counting the attempts. For a :class:`unittest.TestCase` method,
    ``tearDown`` and ``setUp`` run between attempts.

    Args:
        times: The largest number of attempts (at least 1).
        min_success: How many attempts must pass (between 1 and ``times``).

    Returns:
        The decorator; the decorated test keeps its signature, so pytest fixtures work.

    Raises:
        ValueError: If ``times`` or ``min_success`` is out of range.

    Example:
        >>> from kusari.testing.condition import repeat_with_success_at_least
        >>> outcomes = iter([True, False, True])
        >>> @repeat_with_success_at_least(3, 2)
        ... def test_mostly_passes() -> None:
        ...     assert next(outcomes)
        >>> test_mostly_passes()
    """
    if not _is_int(times) or times < 1:
        raise ValueError(f"times must be a positive int, got {times!r}")
    if not _is_int(min_success):
        raise ValueError(f"min_success must be an int, got {min_success!r}")
    if not 1 <= min_success <= times:
        raise ValueError(f"min_success must be between 1 and times={times}, got {min_success}")

    def decorator(test: Callable[_P, None]) -> Callable[_P, None]:
        @functools.wraps(test)
        def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> None:
            successes = 0
            failures: list[Exception] = []
            for attempt in range(times):
                if attempt and args and isinstance(args[0], unittest.TestCase):
                    args[0].tearDown()
                    args[0].setUp()
                try:
                    test(*args, **kwargs)
                except unittest.SkipTest:
                    raise
                except Exception as error:
                    failures.append(error)
                    if times - len(failures) < min_success:
                        break
                else:
                    successes += 1
                    if successes >= min_success:
                        return
            last = failures[-1]
            last.add_note(
                f"{test.__qualname__} passed {successes} of {successes + len(failures)} "
                f"attempt(s); it needs {min_success} passing attempt(s) out of at most {times}"
            )
            raise last

        return wrapper

    return decorator


def repeat(times: int) -> Callable[[Callable[_P, None]], Callable[_P, None]]:
    """Run a test ``times`` times; every attempt must pass.

    Args:
        times: The number of attempts (at least 1).

    Returns:
        The decorator (see :func:`repeat_with_success_at_least`).

    Example:
        >>> from kusari.testing.condition import repeat
        >>> calls = []
        >>> @repeat(3)
        ... def test_stable() -> None:
        ...     calls.append(1)
        >>> test_stable()
        >>> len(calls)
        3
    """
    return repeat_with_success_at_least(times, times)


def retry(times: int) -> Callable[[Callable[_P, None]], Callable[_P, None]]:
    """Run a test up to ``times`` times; one passing attempt is enough.

    Args:
        times: The largest number of attempts (at least 1).

    Returns:
        The decorator (see :func:`repeat_with_success_at_least`).

    Example:
        >>> from kusari.testing.condition import retry
        >>> outcomes = iter([False, True])
        >>> @retry(2)
        ... def test_flaky() -> None:
        ...     assert next(outcomes)
        >>> test_flaky()
    """
    return repeat_with_success_at_least(times, 1)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
