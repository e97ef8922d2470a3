"""huber_loss: forward against NumPy, Chainer's values, gradients, errors."""

from __future__ import annotations

from typing import Any

import numpy
import numpy.typing as npt
import pytest

import kusari.functions as F
from kusari.graph.type_check import InvalidType

from ._array_loss_support import (
    FLOATS,
    assert_forward,
    check_grads,
    check_grads_float16,
    check_on_gpu,
    data,
    gpu,
    uniform,
)


def _reference(x: npt.NDArray[Any], t: npt.NDArray[Any], delta: float, reduce: str) -> Any:
    d = abs(x.astype(numpy.float64) - t.astype(numpy.float64))
    loss = numpy.where(d <= delta, 0.5 * d * d, delta * (d - 0.5 * delta))
    return loss.sum(axis=1) if reduce == "sum_along_second_axis" else loss


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 2)])
@pytest.mark.parametrize("delta", [0.5, 1.0, 3.0])
@pytest.mark.parametrize("reduce", ["sum_along_second_axis", "no"])
def test_forward(dtype: Any, shape: tuple[int, ...], delta: float, reduce: Any) -> None:
    x = uniform(0, shape, dtype, -2, 2)
    t = uniform(1, shape, dtype, -2, 2)
    assert_forward(
        F.huber_loss(x, t, delta, reduce=reduce), _reference(x, t, delta, reduce), dtype, scale=2.0
    )


def test_chainer_values() -> None:
    # Outputs of Chainer 7.8.1 for the same inputs.
    x = numpy.array([[0.5, -1.2, 2.0], [1.5, 0.3, -0.7]], numpy.float32)
    t = numpy.array([[0.1, 0.4, -1.0], [-0.5, 0.2, 0.6]], numpy.float32)
    numpy.testing.assert_allclose(data(F.huber_loss(x, t, 1.0)), [3.68, 2.305], rtol=1e-6)
    numpy.testing.assert_allclose(
        data(F.huber_loss(x, t, 0.5, reduce="no")),
        [[0.08, 0.675, 1.375], [0.875, 0.005, 0.525]],
        rtol=1e-5,
    )


@pytest.mark.parametrize("reduce", ["sum_along_second_axis", "no"])
@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 2)])
def test_gradients(reduce: Any, shape: tuple[int, ...]) -> None:
    x = uniform(0, shape, numpy.float64, -2, 2)
    t = uniform(1, shape, numpy.float64, -2, 2)
    check_grads(lambda a, b: F.huber_loss(a, b, 0.7, reduce=reduce), [x, t])


def test_gradients_float16() -> None:
    xs = [uniform(0, (3, 4), numpy.float16, -2, 2), uniform(1, (3, 4), numpy.float16, -2, 2)]
    check_grads_float16(lambda a, b: F.huber_loss(a, b, 1.0), xs)


@pytest.mark.parametrize(
    ("x", "t", "options", "error", "message"),
    [
        (
            numpy.zeros((2, 3)),
            numpy.zeros((3, 2)),
            {},
            InvalidType,
            r"HuberLoss \(Forward\)\n\nExpect: x.shape == t.shape",
        ),
        (
            numpy.zeros(2),
            numpy.zeros(2, numpy.float32),
            {"reduce": "no"},
            InvalidType,
            r"Expect: x.dtype == t.dtype",
        ),
        (numpy.zeros(3), numpy.zeros(3), {}, InvalidType, r"Expect: x.ndim >= 2\nActual: 1 < 2"),
        (
            numpy.zeros((2, 3)),
            numpy.zeros((2, 3)),
            {"reduce": "mean"},
            ValueError,
            r"only 'sum_along_second_axis' and 'no' are valid for 'reduce', but 'mean' is given",
        ),
        (
            numpy.zeros((2, 3)),
            numpy.zeros((2, 3)),
            {"delta": 0.0},
            ValueError,
            "delta must be positive, got 0.0",
        ),
    ],
)
def test_invalid_arguments(
    x: Any, t: Any, options: dict[str, Any], error: type[Exception], message: str
) -> None:
    options = {"delta": 1.0, **options}
    with pytest.raises(error, match=message):
        F.huber_loss(x, t, **options)


def test_one_dimensional_input_without_reduction() -> None:
    y = F.huber_loss(numpy.array([0.5, 3.0]), numpy.zeros(2), 1.0, reduce="no")
    assert data(y).tolist() == [0.125, 2.5]


@gpu
@pytest.mark.parametrize("reduce", ["sum_along_second_axis", "no"])
def test_gpu(reduce: Any) -> None:
    xs = [uniform(0, (3, 4), numpy.float32, -2, 2), uniform(1, (3, 4), numpy.float32, -2, 2)]
    check_on_gpu(lambda a, b: F.huber_loss(a, b, 1.0, reduce=reduce), xs)
