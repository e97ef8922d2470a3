from __future__ import annotations

import random
import unittest

import numpy
import pytest

from kusari import testing


def _draw() -> tuple[float, float]:
    return float(numpy.random.uniform()), random.random()  # noqa: NPY002


def test_function_sees_the_seeded_stream() -> None:
    @testing.fix_random(seed=7)
    def draw() -> tuple[float, float]:
        return _draw()

    numpy.random.seed(7)  # noqa: NPY002
    random.seed(7)
    expected = _draw()
    assert draw() == expected
    assert draw() == expected


def test_global_state_is_restored() -> None:
    numpy.random.seed(123)  # noqa: NPY002
    random.seed(123)
    expected = _draw()
    numpy.random.seed(123)  # noqa: NPY002
    random.seed(123)

    @testing.fix_random()
    def consume() -> None:
        numpy.random.uniform(size=100)  # noqa: NPY002
        random.random()

    consume()
    assert _draw() == expected


def test_state_is_restored_when_the_test_fails() -> None:
    numpy.random.seed(5)  # noqa: NPY002
    random.seed(5)
    expected = _draw()
    numpy.random.seed(5)  # noqa: NPY002
    random.seed(5)

    @testing.fix_random()
    def failing() -> None:
        numpy.random.uniform(size=10)  # noqa: NPY002
        raise AssertionError("fails")

    with pytest.raises(AssertionError, match="fails"):
        failing()
    assert _draw() == expected


def test_class_decorator_seeds_set_up_and_each_test() -> None:
    draws: dict[str, float] = {}

    @testing.fix_random(seed=3)
    class Case(unittest.TestCase):
        def setUp(self) -> None:
            draws[f"setUp:{self._testMethodName}"] = float(numpy.random.uniform())  # noqa: NPY002

        def test_a(self) -> None:
            draws["a"] = float(numpy.random.uniform())  # noqa: NPY002

        def test_b(self) -> None:
            draws["b"] = float(numpy.random.uniform())  # noqa: NPY002

        def helper(self) -> float:
            return float(numpy.random.uniform())  # noqa: NPY002

    suite = unittest.TestSuite([Case("test_a"), Case("test_b")])
    result = unittest.TestResult()
    suite.run(result)
    assert result.wasSuccessful()
    numpy.random.seed(3)  # noqa: NPY002
    first = float(numpy.random.uniform())  # noqa: NPY002
    assert draws == {"setUp:test_a": first, "a": first, "setUp:test_b": first, "b": first}
    assert Case.helper.__qualname__.endswith("helper")
    assert not hasattr(Case.helper, "__wrapped__")


@pytest.mark.parametrize("seed", [-1, 2**32, 1.5, True])
def test_bad_seed(seed: int) -> None:
    with pytest.raises(ValueError, match="seed must be an int in"):
        testing.fix_random(seed)


def test_not_callable() -> None:
    with pytest.raises(
        TypeError, match="fix_random decorates test functions and classes, got int"
    ):
        testing.fix_random()(3)


def test_attr_marks() -> None:
    @testing.attr.gpu
    @testing.attr.slow
    def test() -> None:
        pass

    assert [mark.name for mark in test.pytestmark] == ["slow", "gpu"]  # type: ignore[attr-defined]


def test_assert_allclose_is_the_gradient_check_one() -> None:
    from kusari.graph import gradient_check

    assert testing.assert_allclose is gradient_check.assert_allclose


def test_unknown_attribute() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        testing.nope  # noqa: B018
