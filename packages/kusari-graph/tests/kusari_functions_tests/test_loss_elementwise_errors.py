"""squared_error, absolute_error and mean_absolute_error: forward, gradients, errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.graph import Variable
from kusari.graph.type_check import InvalidType

from ._array_loss_support import (
    FLOATS,
    assert_forward,
    check_grads,
    check_grads_float16,
    check_on_gpu,
    data,
    gpu,
    grad_array,
    scalar,
    uniform,
)

FUNCTIONS: list[tuple[Callable[..., Variable], Callable[..., Any], str]] = [
    (F.squared_error, lambda d: d * d, "SquaredError"),
    (F.absolute_error, abs, "AbsoluteError"),
    (F.mean_absolute_error, lambda d: numpy.mean(abs(d)), "MeanAbsoluteError"),
]
SHAPES = [(4, 3), (5,), (2, 3, 2)]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize(("fn", "reference", "label"), FUNCTIONS)
def test_forward(dtype: Any, shape: tuple[int, ...], fn: Any, reference: Any, label: str) -> None:
    x0 = uniform(0, shape, dtype, -2, 2)
    x1 = uniform(1, shape, dtype, -2, 2)
    diff = x0.astype(numpy.float64) - x1.astype(numpy.float64)
    assert_forward(fn(x0, x1), reference(diff), dtype)


def test_chainer_value() -> None:
    # Chainer 7.8.1 gives 1.4 for these inputs.
    x = numpy.array([[0.5, -1.2, 2.0], [1.5, 0.3, -0.7]], numpy.float32)
    t = numpy.array([[0.1, 0.4, -1.0], [-0.5, 0.2, 0.6]], numpy.float32)
    assert scalar(F.mean_absolute_error(x, t)) == pytest.approx(1.4, abs=1e-6)


def test_mean_absolute_error_of_empty_inputs_is_nan() -> None:
    assert numpy.isnan(data(F.mean_absolute_error(numpy.zeros(0), numpy.zeros(0))))


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize(("fn", "reference", "label"), FUNCTIONS)
def test_gradients(shape: tuple[int, ...], fn: Any, reference: Any, label: str) -> None:
    # Inputs kept apart so that |x0 - x1| is differentiable at the check point.
    x0 = uniform(0, shape, numpy.float64, 0.5, 1.0)
    x1 = uniform(1, shape, numpy.float64, -1.0, -0.5) * numpy.where(
        uniform(2, shape, numpy.float64) > 0, 1, -4
    )
    check_grads(fn, [x0, x1])


@pytest.mark.parametrize(("fn", "reference", "label"), FUNCTIONS)
def test_gradients_float16(fn: Any, reference: Any, label: str) -> None:
    x0 = uniform(0, (3, 4), numpy.float16, 0.5, 1.0)
    x1 = uniform(1, (3, 4), numpy.float16, -1.0, -0.5)
    check_grads_float16(fn, [x0, x1])


def test_absolute_error_gradient_is_the_sign() -> None:
    x0 = Variable(numpy.array([1.0, 0.0, -2.0]))
    x1 = Variable(numpy.array([0.0, 0.0, 1.0]))
    F.sum(F.absolute_error(x0, x1)).backward()
    numpy.testing.assert_array_equal(grad_array(x0), [1.0, 0.0, -1.0])
    numpy.testing.assert_array_equal(grad_array(x1), [-1.0, 0.0, 1.0])


@pytest.mark.parametrize(("fn", "reference", "label"), FUNCTIONS)
@pytest.mark.parametrize(
    ("x0", "x1", "message"),
    [
        (numpy.zeros((2, 3)), numpy.zeros((3, 2)), r"Expect: x0.shape == x1.shape"),
        (numpy.zeros(2), numpy.zeros(2, numpy.float32), r"Expect: x0.dtype == x1.dtype"),
        (numpy.zeros(2, int), numpy.zeros(2, int), r"Expect: x0.dtype.kind == 'f'"),
    ],
)
def test_invalid_inputs(
    fn: Any, reference: Any, label: str, x0: Any, x1: Any, message: str
) -> None:
    with pytest.raises(InvalidType, match=rf"{label} \(Forward\)\n\n{message}"):
        fn(x0, x1)


@gpu
@pytest.mark.parametrize(("fn", "reference", "label"), FUNCTIONS)
def test_gpu(fn: Any, reference: Any, label: str) -> None:
    check_on_gpu(fn, [uniform(0, (3, 4), numpy.float32), uniform(1, (3, 4), numpy.float32)])
