"""cross_covariance and decov: forward against NumPy, Chainer's values, gradients, errors."""

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

Y = numpy.array([[0.5, -1.2, 2.0], [1.5, 0.3, -0.7], [0.1, 0.4, -1.0], [-0.5, 0.2, 0.6]], "f")
Z = numpy.array([[0.2, 0.9], [-1.0, 1.1], [0.3, -0.4], [1.0, 0.0]], numpy.float32)


def _covariance(a: npt.NDArray[Any], b: npt.NDArray[Any]) -> Any:
    a = a.astype(numpy.float64)
    b = b.astype(numpy.float64)
    return (a - a.mean(axis=0)).T @ (b - b.mean(axis=0)) / len(a)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("reduce", ["half_squared_sum", "no"])
def test_cross_covariance_forward(dtype: Any, reduce: Any) -> None:
    y, z = uniform(0, (5, 3), dtype), uniform(1, (5, 2), dtype)
    c = _covariance(y, z)
    expected = c if reduce == "no" else 0.5 * (c**2).sum()
    assert_forward(F.cross_covariance(y, z, reduce), expected, dtype, scale=3.0)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("reduce", ["half_squared_sum", "no"])
def test_decov_forward(dtype: Any, reduce: Any) -> None:
    h = uniform(0, (5, 3), dtype)
    c = _covariance(h, h)
    numpy.fill_diagonal(c, 0)
    expected = c if reduce == "no" else 0.5 * (c**2).sum()
    assert_forward(F.decov(h, reduce), expected, dtype, scale=3.0)


def test_chainer_values() -> None:
    # Outputs of Chainer 7.8.1 for the same inputs.
    assert scalar(F.cross_covariance(Y, Z)) == pytest.approx(0.305039, abs=1e-6)
    numpy.testing.assert_allclose(
        data(F.cross_covariance(Y, Z, reduce="no")),
        [[-0.5175, 0.355], [-0.045625, -0.1975], [0.321875, 0.2675]],
        atol=1e-6,
    )
    assert scalar(F.decov(Y)) == pytest.approx(0.539419, abs=1e-6)
    numpy.testing.assert_allclose(
        data(F.decov(Y, reduce="no")),
        [[0.0, -0.0225, -0.2025], [-0.0225, 0.0, -0.705625], [-0.2025, -0.705625, 0.0]],
        atol=1e-6,
    )


@pytest.mark.parametrize("reduce", ["half_squared_sum", "no"])
def test_gradients(reduce: Any) -> None:
    check_grads(
        lambda y, z: F.cross_covariance(y, z, reduce),
        [uniform(0, (4, 3), "d"), uniform(1, (4, 2), "d")],
    )
    check_grads(lambda h: F.decov(h, reduce), [uniform(2, (4, 3), numpy.float64)])


def test_gradients_float16() -> None:
    xs = [uniform(0, (4, 3), numpy.float16), uniform(1, (4, 2), numpy.float16)]
    check_grads_float16(F.cross_covariance, xs)
    check_grads_float16(F.decov, xs[:1])


@pytest.mark.parametrize(
    ("y", "z", "message"),
    [
        (
            numpy.zeros((4, 3)),
            numpy.zeros((3, 2)),
            r"CrossCovariance \(Forward\)\n\nExpect: y.shape\[0\] == z.shape\[0\]",
        ),
        (numpy.zeros((4, 3)), numpy.zeros((4, 2), "f"), r"Expect: y.dtype == z.dtype"),
        (numpy.zeros(4), numpy.zeros(4), r"Expect: y.ndim == 2"),
        (numpy.zeros((4, 3), int), numpy.zeros((4, 2), int), r"Expect: y.dtype.kind == 'f'"),
    ],
)
def test_cross_covariance_invalid_inputs(y: Any, z: Any, message: str) -> None:
    with pytest.raises(InvalidType, match=message):
        F.cross_covariance(y, z)


def test_invalid_arguments() -> None:
    with pytest.raises(InvalidType, match=r"DeCov \(Forward\)\n\nExpect: h.ndim == 2"):
        F.decov(numpy.zeros(3))
    with pytest.raises(
        ValueError, match="only 'half_squared_sum' and 'no' are valid for 'reduce'"
    ):
        F.decov(numpy.zeros((2, 2)), "mean")  # type: ignore[arg-type]
    with pytest.raises(
        ValueError, match="only 'half_squared_sum' and 'no' are valid for 'reduce'"
    ):
        F.cross_covariance(numpy.zeros((2, 2)), numpy.zeros((2, 2)), "sum")  # type: ignore[arg-type]


@gpu
def test_gpu() -> None:
    check_on_gpu(
        F.cross_covariance, [uniform(0, (4, 3), numpy.float32), uniform(1, (4, 2), numpy.float32)]
    )
    check_on_gpu(F.decov, [uniform(0, (4, 3), numpy.float32)])
