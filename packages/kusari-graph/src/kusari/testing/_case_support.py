"""Pieces shared by the test-case classes: the error type, array layout, output checks."""

from __future__ import annotations

import unittest
from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

import numpy
import numpy.typing as npt

from kusari.devices import Array, Device, to_cpu
from kusari.graph import Variable
from kusari.graph._gradient_check_allclose import assert_allclose

from ._backend import BackendConfig

__all__ = [
    "TestError",
    "check_host_arrays",
    "on_device",
    "start_test",
]


class TestError(AssertionError):
    """Raised when a test case finds the code under test wrong (base of the test errors).

    :class:`FunctionTestError` and ``kusari.links.testing.LinkTestError`` derive from it;
    it is an :class:`AssertionError`, so test runners report a failure, not an error.

    Example:
        >>> from kusari.testing import FunctionTestError, TestError
        >>> issubclass(FunctionTestError, TestError), issubclass(TestError, AssertionError)
        (True, True)
    """

    __test__ = False  # not a test class, whatever its name says

    @classmethod
    def fail(cls, message: str) -> NoReturn:
        """Raise this error with ``message``.

        Args:
            message: What is wrong.

        Raises:
            TestError: Always (an instance of ``cls``).
        """
        raise cls(message)

    @classmethod
    def check(cls, condition: bool, message: str) -> None:
        """Raise this error with ``message`` unless ``condition`` holds.

        Args:
            condition: What must be true.
            message: What is wrong when it is not.

        Raises:
            TestError: If ``condition`` is false.
        """
        if not condition:
            cls.fail(message)

    @classmethod
    def check_output_variables(
        cls, outputs: object, device: Device, what: str = "forward()"
    ) -> tuple[Variable, ...]:
        """Return ``outputs`` if it is a tuple of Variables with arrays of ``device``.

        Args:
            outputs: What the code under test returned.
            device: The device of the inputs.
            what: How to name the code under test in the message.

        Returns:
            ``outputs``.

        Raises:
            TestError: If ``outputs`` is not a tuple of Variables on ``device`` (``cls``).
        """
        if not isinstance(outputs, tuple):
            cls.fail(f"{what} must return a tuple, not {type(outputs).__name__}")
        bad = [i for i, output in enumerate(outputs) if not isinstance(output, Variable)]
        if bad:
            kinds = ", ".join(type(output).__name__ for output in outputs)
            cls.fail(
                f"{what} must return a tuple of Variables; the entries at {bad} are not "
                f"(got {kinds})"
            )
        for i, output in enumerate(outputs):
            array = output.array
            cls.check(array is not None, f"{what} output [{i}] has no array")
            cls.check(
                device.is_array_supported(array),
                f"{what} output [{i}] is a {type(array).__name__}, which is not an array of "
                f"the inputs' device {device}",
            )
        return outputs

    @classmethod
    def check_outputs_match(
        cls,
        outputs: Sequence[Array],
        expected: Sequence[npt.NDArray[Any]],
        options: Mapping[str, Any] | None = None,
    ) -> None:
        """Compare ``outputs`` with ``expected``: their number, shapes, dtypes, then values.

        Args:
            outputs: The output arrays (on any device).
            expected: The expected NumPy arrays.
            options: Keyword arguments of :func:`assert_allclose` (``atol``, ``rtol``).

        Raises:
            TestError: If they do not match (``cls``); the message lists the outputs that
                differ and where each differs most.
        """
        host = [to_cpu(output) for output in outputs]
        expected_text = _shapes(expected)
        actual_text = _shapes(host)
        summary = (
            f"Expected shapes and dtypes: {expected_text}\n"
            f"Actual shapes and dtypes:   {actual_text}"
        )
        cls.check(
            len(host) == len(expected),
            f"Number of outputs ({len(host)}, {len(expected)}) does not match "
            f"(actual, expected)\n{summary}",
        )
        cls.check(
            all(
                a.shape == e.shape and a.dtype == e.dtype
                for a, e in zip(host, expected, strict=True)
            ),
            f"Shapes and/or dtypes do not match\n{summary}",
        )
        failures: list[tuple[int, str]] = []
        for index, (actual, wanted) in enumerate(zip(host, expected, strict=True)):
            try:
                assert_allclose(actual, wanted, **dict(options or {}))
            except AssertionError as failure:
                failures.append((index, str(failure)))
        if failures:
            details = "\n\n".join(
                f"Error details of output [{index}] (x: actual, y: expected):\n{text}"
                for index, text in failures
            )
            cls.fail(
                "Outputs do not match the expected values.\n"
                f"Indices of outputs that do not match: {', '.join(str(i) for i, _ in failures)}\n"
                f"{summary}\n\n{details}"
            )


def start_test(case: Any, test_name: str, backend_config: BackendConfig | None) -> BackendConfig:
    """Set ``test_name`` / ``backend_config`` on ``case``, call ``before_test``, honour skips."""
    config = BackendConfig({}) if backend_config is None else backend_config
    if not isinstance(config, BackendConfig):
        raise TypeError(
            f"{test_name}: backend_config must be a BackendConfig, got {type(config).__name__}"
        )
    reason = config.unavailable_reason
    if reason is not None:
        raise unittest.SkipTest(reason)
    case.backend_config = config
    case.test_name = test_name
    case.before_test(test_name)
    flag = "skip_" + test_name.removeprefix("test_") + "_test"
    if getattr(case, flag, False):
        raise unittest.SkipTest(f"{flag} is set")
    return config


def check_host_arrays(
    values: object, what: str, allow_none: bool = False
) -> tuple[npt.NDArray[Any] | None, ...]:
    """Return ``values`` if it is a tuple of NumPy arrays (and ``None``), else raise TypeError."""
    if not isinstance(values, tuple):
        raise TypeError(f"{what} must return a tuple, not {type(values).__name__}")
    allowed = (numpy.ndarray, type(None)) if allow_none else (numpy.ndarray,)
    bad = [i for i, value in enumerate(values) if not isinstance(value, allowed)]
    if bad:
        kinds = ", ".join(type(value).__name__ for value in values)
        expected = "numpy.ndarray or None" if allow_none else "numpy.ndarray"
        raise TypeError(
            f"{what} must return a tuple of {expected}; the entries at {bad} are not (got {kinds})"
        )
    return values


def on_device(array: npt.NDArray[Any] | None, device: Device, contiguous: str | None) -> Any:
    """Send ``array`` to ``device``; non-contiguous where possible unless ``contiguous``."""
    if array is None:
        return None
    if contiguous not in (None, "C"):
        raise ValueError(f"contiguous must be None or 'C', got {contiguous!r}")
    sent = device.send(array)
    if contiguous == "C" or array.ndim == 0 or array.size < 2:
        return device.xp.ascontiguousarray(sent)
    # Every other element of a buffer twice as wide along the last axis.
    buffer = device.xp.empty((*array.shape[:-1], 2 * array.shape[-1]), dtype=array.dtype)
    view = buffer[..., ::2]
    view[...] = sent
    return view


def _shapes(arrays: Sequence[npt.NDArray[Any]]) -> str:
    return ", ".join(f"{a.shape}:{a.dtype}" for a in arrays)
