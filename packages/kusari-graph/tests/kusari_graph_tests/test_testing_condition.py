from __future__ import annotations

import unittest

import pytest

from kusari.testing import condition


@pytest.mark.parametrize(
    ("outcomes", "times", "min_success", "attempts"),
    [
        ([True], 3, 1, 1),  # stops at the first success
        ([False, False, True], 3, 1, 3),
        ([True, False, True], 3, 2, 3),
        ([True, True, True], 3, 3, 3),
    ],
)
def test_passing_runs(outcomes: list[bool], times: int, min_success: int, attempts: int) -> None:
    calls: list[int] = []

    @condition.repeat_with_success_at_least(times, min_success)
    def test() -> None:
        calls.append(1)
        assert outcomes[len(calls) - 1]

    test()
    assert len(calls) == attempts


def test_retry_reraises_the_last_failure_with_a_note() -> None:
    calls: list[int] = []

    @condition.retry(3)
    def test_flaky() -> None:
        calls.append(1)
        raise AssertionError(f"attempt {len(calls)} failed")

    with pytest.raises(AssertionError, match="attempt 3 failed") as info:
        test_flaky()
    assert len(calls) == 3
    assert info.value.__notes__ == [
        "test_retry_reraises_the_last_failure_with_a_note.<locals>.test_flaky passed 0 of 3 "
        "attempt(s); it needs 1 passing attempt(s) out of at most 3"
    ]


def test_repeat_stops_at_the_first_failure() -> None:
    calls: list[int] = []

    @condition.repeat(5)
    def test() -> None:
        calls.append(1)
        if len(calls) == 2:
            raise ValueError("second attempt")

    with pytest.raises(ValueError, match="second attempt"):
        test()
    assert len(calls) == 2


def test_skip_is_not_retried() -> None:
    calls: list[int] = []

    @condition.retry(3)
    def test() -> None:
        calls.append(1)
        raise unittest.SkipTest("not here")

    with pytest.raises(unittest.SkipTest):
        test()
    assert calls == [1]


def test_arguments_and_name_are_passed_through() -> None:
    received: list[tuple[int, str]] = []

    @condition.retry(2)
    def test_named(a: int, *, b: str) -> None:
        received.append((a, b))

    test_named(1, b="x")
    assert received == [(1, "x")]
    assert test_named.__name__ == "test_named"


def test_unittest_set_up_runs_between_attempts() -> None:
    events: list[str] = []

    class Case(unittest.TestCase):
        def setUp(self) -> None:
            events.append("setUp")

        def tearDown(self) -> None:
            events.append("tearDown")

        @condition.retry(3)
        def test_flaky(self) -> None:
            events.append("test")
            assert events.count("test") == 2

    result = unittest.TestResult()
    Case("test_flaky").run(result)
    assert result.wasSuccessful()
    assert events == ["setUp", "test", "tearDown", "setUp", "test", "tearDown"]


@pytest.mark.parametrize(
    ("times", "min_success", "message"),
    [
        (0, 1, "times must be a positive int, got 0"),
        (True, 1, "times must be a positive int, got True"),
        (3, 4, "min_success must be between 1 and times=3, got 4"),
        (3, 0, "min_success must be between 1 and times=3, got 0"),
        (3, 1.0, "min_success must be an int, got 1.0"),
    ],
)
def test_bad_arguments(times: int, min_success: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        condition.repeat_with_success_at_least(times, min_success)


@condition.retry(2)
def test_decorated_test_collected_by_pytest(tmp_path: object) -> None:
    # pytest still sees the fixture in the signature of the wrapper.
    assert tmp_path is not None
