"""triplet: forward against NumPy, Chainer's values, gradients, errors."""

from __future__ import annotations

from typing import Any

import numpy
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


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape", [(5, 3), (4, 3, 2)])
@pytest.mark.parametrize("margin", [0.2, 1.0])
@pytest.mark.parametrize("reduce", ["mean", "no"])
def test_forward(dtype: Any, shape: tuple[int, ...], margin: float, reduce: Any) -> None:
    a, p, n = (uniform(i, shape, dtype) for i in range(3))
    af, pf, nf = (v.astype(numpy.float64) for v in (a, p, n))
    loss = numpy.maximum(((af - pf) ** 2).sum(axis=1) - ((af - nf) ** 2).sum(axis=1) + margin, 0)
    y = F.triplet(a, p, n, margin=margin, reduce=reduce)
    assert_forward(y, loss if reduce == "no" else loss.mean(), dtype, scale=3.0)


def test_chainer_values() -> None:
    # Outputs of Chainer 7.8.1 for the same inputs.
    a = numpy.array([[0.5, -1.2, 2.0], [1.5, 0.3, -0.7]], numpy.float32)
    p = numpy.array([[0.1, 0.4, -1.0], [-0.5, 0.2, 0.6]], numpy.float32)
    n = numpy.array([[0.2, 0.2, 0.9], [-1.0, 1.1, 0.0]], numpy.float32)
    assert scalar(F.triplet(a, p, n)) == pytest.approx(4.33, abs=1e-5)
    numpy.testing.assert_allclose(
        data(F.triplet(a, p, n, margin=1.0, reduce="no")), [9.46, 0.0], atol=1e-5
    )


@pytest.mark.parametrize("reduce", ["mean", "no"])
def test_gradients(reduce: Any) -> None:
    a = uniform(0, (4, 3), numpy.float64)
    p = a + uniform(1, (4, 3), numpy.float64, -0.3, 0.3)
    n = uniform(2, (4, 3), numpy.float64, -2, 2)
    check_grads(lambda x, y, z: F.triplet(x, y, z, margin=1.0, reduce=reduce), [a, p, n])


def test_gradients_float16() -> None:
    xs = [uniform(i, (4, 3), numpy.float16) for i in range(3)]
    check_grads_float16(lambda x, y, z: F.triplet(x, y, z, margin=3.0), xs)


@pytest.mark.parametrize(
    ("shapes", "dtypes", "options", "error", "message"),
    [
        (
            [(2, 3), (2, 3), (2, 2)],
            ["f8"] * 3,
            {},
            InvalidType,
            r"Triplet \(Forward\)\n\nExpect: anchor.shape == negative.shape",
        ),
        (
            [(2, 3), (2, 3), (2, 3)],
            ["f8", "f4", "f8"],
            {},
            InvalidType,
            r"Expect: anchor.dtype == positive.dtype",
        ),
        ([(3,), (3,), (3,)], ["f8"] * 3, {}, InvalidType, r"Expect: anchor.ndim >= 2"),
        ([(2, 3)] * 3, ["i4"] * 3, {}, InvalidType, r"Expect: anchor.dtype.kind == 'f'"),
        (
            [(2, 3)] * 3,
            ["f8"] * 3,
            {"margin": -1.0},
            ValueError,
            "margin must be positive, got -1.0",
        ),
        (
            [(2, 3)] * 3,
            ["f8"] * 3,
            {"reduce": "sum"},
            ValueError,
            "only 'mean' and 'no' are valid",
        ),
    ],
)
def test_invalid_arguments(
    shapes: list[Any],
    dtypes: list[str],
    options: dict[str, Any],
    error: type[Exception],
    message: str,
) -> None:
    a, p, n = (numpy.zeros(s, d) for s, d in zip(shapes, dtypes, strict=True))
    with pytest.raises(error, match=message):
        F.triplet(a, p, n, **options)


@gpu
def test_gpu() -> None:
    check_on_gpu(
        lambda x, y, z: F.triplet(x, y, z, margin=3.0),
        [uniform(i, (4, 3), numpy.float32) for i in range(3)],
    )
