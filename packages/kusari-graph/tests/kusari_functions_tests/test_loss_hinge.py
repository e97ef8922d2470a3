"""hinge: forward against NumPy, Chainer's values, gradients, errors."""

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


def _reference(x: npt.NDArray[Any], t: npt.NDArray[Any], norm: str, reduce: str) -> Any:
    sign = numpy.ones(x.shape)
    sign[numpy.arange(len(t)), t] = -1
    loss = numpy.maximum(0, 1 + sign * x.astype(numpy.float64))
    if norm == "L2":
        loss = loss**2
    return loss if reduce == "no" else loss.sum() / len(x)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("norm", ["L1", "L2"])
@pytest.mark.parametrize("reduce", ["mean", "no"])
def test_forward(dtype: Any, norm: Any, reduce: Any) -> None:
    x = uniform(0, (5, 4), dtype, -2, 2)
    t = numpy.array([0, 3, 1, 1, 2])
    assert_forward(F.hinge(x, t, norm, reduce), _reference(x, t, norm, reduce), dtype, scale=2.0)


def test_chainer_values() -> None:
    # Outputs of Chainer 7.8.1 for the same inputs.
    x = numpy.array([[0.5, -1.2, 2.0], [1.5, 0.3, -0.7]], numpy.float32)
    t = numpy.array([2, 0], numpy.int32)
    assert scalar(F.hinge(x, t)) == pytest.approx(1.55, abs=1e-6)
    assert scalar(F.hinge(x, t, "L2")) == pytest.approx(2.015, abs=1e-6)
    numpy.testing.assert_allclose(
        data(F.hinge(x, t, reduce="no")), [[1.5, 0.0, 0.0], [0.0, 1.3, 0.3]], atol=1e-6
    )


@pytest.mark.parametrize("norm", ["L1", "L2"])
@pytest.mark.parametrize("reduce", ["mean", "no"])
def test_gradients(norm: Any, reduce: Any) -> None:
    # Scores away from the kinks at -1 and 1.
    x = uniform(0, (4, 3), numpy.float64, 0.2, 0.8) * numpy.array([1, -1, 3])
    t = numpy.array([0, 2, 1, 1])
    check_grads(lambda v: F.hinge(v, t, norm, reduce), [x])


def test_gradients_float16() -> None:
    x = uniform(0, (4, 3), numpy.float16, 0.2, 0.8)
    check_grads_float16(lambda v: F.hinge(v, numpy.array([0, 2, 1, 1])), [x])


@pytest.mark.parametrize(
    ("x", "t", "options", "error", "message"),
    [
        (
            numpy.zeros((2, 3)),
            numpy.array([0.0, 1.0]),
            {},
            InvalidType,
            r"Hinge \(Forward\)\n\nExpect: t.dtype.kind in 'iu' "
            r"\(t must be an integer array of labels\)",
        ),
        (
            numpy.zeros((2, 3, 1)),
            numpy.array([0, 1]),
            {},
            InvalidType,
            r"Expect: x.ndim == 2\nActual: 3 != 2",
        ),
        (
            numpy.zeros((2, 3)),
            numpy.array([0]),
            {},
            InvalidType,
            r"Expect: x.shape\[0\] == t.shape\[0\]",
        ),
        (
            numpy.zeros((2, 3)),
            numpy.array([0, 3]),
            {},
            ValueError,
            r"every label in t must be in \[0, 3\), got \[0, 3\]",
        ),
        (
            numpy.zeros((2, 3)),
            numpy.array([0, 1]),
            {"norm": "L3"},
            ValueError,
            "norm must be 'L1' or 'L2', got 'L3'",
        ),
        (
            numpy.zeros((2, 3)),
            numpy.array([0, 1]),
            {"reduce": "sum"},
            ValueError,
            "only 'mean' and 'no' are valid for 'reduce'",
        ),
    ],
)
def test_invalid_arguments(
    x: Any, t: Any, options: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        F.hinge(x, t, **options)


@gpu
@pytest.mark.parametrize("norm", ["L1", "L2"])
def test_gpu(norm: Any) -> None:
    check_on_gpu(
        lambda v, t: F.hinge(v, t, norm),
        [uniform(0, (4, 3), numpy.float32, -2, 2), numpy.array([0, 2, 1, 1])],
    )
