"""contrastive: forward against NumPy, Chainer's values, gradients, errors."""

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
    scalar,
    uniform,
)


def _reference(
    x0: npt.NDArray[Any], x1: npt.NDArray[Any], y: npt.NDArray[Any], margin: float, reduce: str
) -> Any:
    d = numpy.sqrt(((x0.astype(numpy.float64) - x1) ** 2).sum(axis=1))
    loss = (y * d**2 + (1 - y) * numpy.maximum(margin - d, 0) ** 2) / 2
    return loss if reduce == "no" else loss.mean()


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("margin", [1.0, 2.5])
@pytest.mark.parametrize("reduce", ["mean", "no"])
def test_forward(dtype: Any, margin: float, reduce: Any) -> None:
    x0 = uniform(0, (6, 3), dtype)
    x1 = uniform(1, (6, 3), dtype)
    y = numpy.array([1, 0, 0, 1, 0, 1], numpy.int32)
    expected = _reference(x0, x1.astype(numpy.float64), y, margin, reduce)
    assert_forward(F.contrastive(x0, x1, y, margin, reduce), expected, dtype, scale=3.0)


def test_chainer_values() -> None:
    # Outputs of Chainer 7.8.1 for the same inputs.
    x0 = numpy.array([[0.5, -1.2, 2.0], [1.5, 0.3, -0.7]], numpy.float32)
    x1 = numpy.array([[0.1, 0.4, -1.0], [-0.5, 0.2, 0.6]], numpy.float32)
    y = numpy.array([1, 0], numpy.int32)
    assert scalar(F.contrastive(x0, x1, y)) == pytest.approx(2.93, abs=1e-5)
    numpy.testing.assert_allclose(
        data(F.contrastive(x0, x1, y, margin=3.0, reduce="no")), [5.86, 0.187598], atol=1e-5
    )


@pytest.mark.parametrize("reduce", ["mean", "no"])
def test_gradients(reduce: Any) -> None:
    x0 = uniform(0, (4, 3), numpy.float64)
    x1 = uniform(1, (4, 3), numpy.float64)
    y = numpy.array([1, 0, 0, 1])
    check_grads(lambda a, b: F.contrastive(a, b, y, margin=2.0, reduce=reduce), [x0, x1])


def test_gradients_float16() -> None:
    xs = [uniform(0, (4, 3), numpy.float16), uniform(1, (4, 3), numpy.float16)]
    check_grads_float16(
        lambda a, b: F.contrastive(a, b, numpy.array([1, 0, 0, 1]), margin=2.0), xs
    )


@pytest.mark.parametrize(
    ("x0", "x1", "y", "options", "error", "message"),
    [
        (
            numpy.zeros((2, 3)),
            numpy.zeros((2, 3)),
            numpy.array([0.0, 1.0]),
            {},
            InvalidType,
            r"Contrastive \(Forward\)\n\nExpect: y.dtype.kind in 'iu'",
        ),
        (
            numpy.zeros((2, 3)),
            numpy.zeros((2, 2)),
            numpy.array([0, 1]),
            {},
            InvalidType,
            r"Expect: x0.shape == x1.shape",
        ),
        (
            numpy.zeros((2, 3, 1)),
            numpy.zeros((2, 3, 1)),
            numpy.array([0, 1]),
            {},
            InvalidType,
            r"Expect: x0.ndim == 2",
        ),
        (
            numpy.zeros((2, 3)),
            numpy.zeros((2, 3)),
            numpy.array([0]),
            {},
            InvalidType,
            r"Expect: x1.shape\[0\] == y.shape\[0\]",
        ),
        (
            numpy.zeros((2, 3)),
            numpy.zeros((2, 3)),
            numpy.array([0, 1]),
            {"margin": 0.0},
            ValueError,
            "margin must be positive, got 0.0",
        ),
        (
            numpy.zeros((2, 3)),
            numpy.zeros((2, 3)),
            numpy.array([0, 1]),
            {"reduce": "sum"},
            ValueError,
            "only 'mean' and 'no' are valid",
        ),
    ],
)
def test_invalid_arguments(
    x0: Any, x1: Any, y: Any, options: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        F.contrastive(x0, x1, y, **options)


@gpu
def test_gpu() -> None:
    xs = [
        uniform(0, (4, 3), numpy.float32),
        uniform(1, (4, 3), numpy.float32),
        numpy.array([1, 0, 0, 1]),
    ]
    check_on_gpu(lambda a, b, y: F.contrastive(a, b, y, margin=2.0), xs)
