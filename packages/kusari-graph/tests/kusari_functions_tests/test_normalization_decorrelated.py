"""decorrelated_batch_normalization and its fixed form: references, Chainer, gradients."""

from __future__ import annotations

from typing import Any

import numpy
import numpy.typing as npt
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
    uniform,
)

Arr = npt.NDArray[Any]


def _groups_of(x: Arr, groups: int) -> list[Arr]:
    """Each group's ``(k, m)`` features: channel, then (sample, spatial) in C order."""
    n, c = x.shape[:2]
    flat = x.astype(numpy.float64).reshape(n, c, -1)
    k = c // groups
    return [
        numpy.concatenate([flat[i, g * k : (g + 1) * k] for i in range(n)], axis=1)
        for g in range(groups)
    ]


def _reference(x: Arr, groups: int, eps: float) -> tuple[Arr, Arr, Arr]:
    """Whitening by the inverse square root from an SVD (not an eigendecomposition)."""
    n, c = x.shape[:2]
    k = c // groups
    y = numpy.zeros(x.shape).reshape(n, c, -1)
    means, projections = [], []
    for g, features in enumerate(_groups_of(x, groups)):
        mean = features.mean(axis=1)
        centred = features - mean[:, None]
        cov = centred @ centred.T / centred.shape[1] + eps * numpy.eye(k)
        left, singular, _ = numpy.linalg.svd(cov)
        projection = left @ numpy.diag(singular**-0.5) @ left.T
        white = projection @ centred
        for i in range(n):
            y[i, g * k : (g + 1) * k] = white[:, i * y.shape[2] : (i + 1) * y.shape[2]]
        means.append(mean)
        projections.append(projection)
    return y.reshape(x.shape), numpy.array(means), numpy.array(projections)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize(("shape", "groups"), [((20, 4), 1), ((10, 6, 3), 2), ((8, 4, 2, 2), 4)])
def test_forward(dtype: Any, shape: tuple[int, ...], groups: int) -> None:
    x = uniform(0, shape, dtype, -2, 2)
    expected, _, _ = _reference(x, groups, 2e-5)
    y = F.decorrelated_batch_normalization(x, groups=groups)
    assert_forward(y, expected, dtype, scale=50.0 if dtype == numpy.float16 else 100.0)


def test_output_is_white() -> None:
    x = uniform(0, (200, 6), "d") @ uniform(1, (6, 6), "d")
    y = data(F.decorrelated_batch_normalization(x, groups=2, eps=0.0))
    for g in range(2):
        part = y[:, 3 * g : 3 * g + 3]
        numpy.testing.assert_allclose(part.mean(axis=0), 0.0, atol=1e-12)
        numpy.testing.assert_allclose(part.T @ part / 200, numpy.eye(3), atol=1e-10)


def test_running_statistics() -> None:
    x = uniform(0, (10, 6, 3), "d", -2, 2)
    _, mean, projection = _reference(x, 2, 1e-3)
    running_mean = numpy.ones((2, 3))
    running_projection = numpy.zeros((2, 3, 3))
    F.decorrelated_batch_normalization(
        x, 2, 1e-3, running_mean=running_mean, running_projection=running_projection, decay=0.8
    )
    numpy.testing.assert_allclose(running_mean, 0.8 + 0.2 * mean, atol=1e-12)
    m = 30
    numpy.testing.assert_allclose(running_projection, 0.2 * projection * m / (m - 1), atol=1e-10)


def test_chainer_values() -> None:
    # Chainer 7.8.1 with the same inputs: the first outputs, the running statistics, and
    # the gradient of sum(y ** 3).
    x = Variable(numpy.random.RandomState(0).randn(5, 4, 2))
    running_mean = numpy.zeros((2, 2))
    running_projection = numpy.tile(numpy.eye(2), (2, 1, 1))
    y = F.decorrelated_batch_normalization(
        x, groups=2, running_mean=running_mean, running_projection=running_projection
    )
    numpy.testing.assert_allclose(
        data(y)[0].ravel(),
        [
            1.15907707,
            -0.09795004,
            0.4613046,
            2.17985447,
            1.1299117,
            -1.21210119,
            1.69770619,
            -0.75709229,
        ],
        rtol=1e-7,
    )
    numpy.testing.assert_allclose(
        running_mean.ravel(), [0.01707317, 0.03943932, 0.0530843, 0.0154202], rtol=1e-6
    )
    numpy.testing.assert_allclose(
        running_projection.ravel(),
        [
            0.98695276,
            -0.01669782,
            -0.01669782,
            1.03324503,
            0.9869191,
            0.01176007,
            0.01176007,
            1.11725985,
        ],
        rtol=1e-6,
    )
    F.sum(y * y * y).backward()
    numpy.testing.assert_allclose(
        grad_array(x)[0].ravel(),
        [
            1.16792359,
            -2.58290713,
            -3.9401386,
            7.02477267,
            3.34968825,
            -1.94082955,
            10.14739826,
            -1.08001881,
        ],
        rtol=1e-6,
    )
    x.cleargrad()
    y = F.fixed_decorrelated_batch_normalization(x, running_mean, running_projection, groups=2)
    numpy.testing.assert_allclose(
        data(y)[0].ravel(),
        [
            1.70850168,
            0.34132638,
            0.94135494,
            2.26824462,
            1.80173051,
            -1.01884543,
            1.06560561,
            -0.19845084,
        ],
        rtol=1e-7,
    )
    F.sum(y * y * y).backward()
    numpy.testing.assert_allclose(
        grad_array(x)[0].ravel(),
        [
            8.59828984,
            0.08722344,
            2.60060587,
            15.94209539,
            9.65136875,
            3.07479175,
            3.92052481,
            0.16862474,
        ],
        rtol=1e-7,
    )


def test_gradients() -> None:
    x = uniform(0, (6, 4, 2), "d", -2, 2)
    check_grads(lambda v: F.decorrelated_batch_normalization(v, groups=2), [x], rtol=1e-3)
    check_grads_float16(
        lambda v: F.decorrelated_batch_normalization(v, groups=1), [uniform(0, (8, 2), "e")]
    )
    mean = uniform(1, (2, 2), "d")
    projection = uniform(2, (2, 2, 2), "d")
    check_grads(
        lambda v, m, p: F.fixed_decorrelated_batch_normalization(v, m, p, groups=2),
        [x, mean, projection],
    )


@pytest.mark.parametrize(
    ("x", "kwargs", "error", "message"),
    [
        (numpy.zeros((4, 6)), {"groups": 4}, InvalidType, r"Expect: x.shape\[1\] % 4 == 0"),
        (numpy.zeros(6), {"groups": 1}, InvalidType, r"Expect: x.ndim >= 2"),
        (numpy.zeros((4, 6), int), {"groups": 1}, InvalidType, r"x.dtype.kind == 'f'"),
        (numpy.zeros((4, 6)), {"groups": 0}, ValueError, "groups must be positive, got 0"),
        (numpy.zeros((4, 6)), {"groups": 2.0}, TypeError, "groups must be an int"),
        (
            numpy.zeros((4, 6)),
            {"groups": 2, "running_mean": numpy.zeros(6)},
            ValueError,
            r"running_mean must have shape \(2, 3\), got \(6,\)",
        ),
        (
            numpy.zeros((4, 6)),
            {"groups": 2, "running_projection": numpy.zeros((2, 3))},
            ValueError,
            r"running_projection must have shape \(2, 3, 3\), got \(2, 3\)",
        ),
    ],
)
def test_invalid(x: Any, kwargs: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        F.decorrelated_batch_normalization(x, **kwargs)


def test_fixed_invalid() -> None:
    x = numpy.zeros((4, 6))
    with pytest.raises(ValueError, match=r"mean must have shape \(2, 3\), got \(6,\)"):
        F.fixed_decorrelated_batch_normalization(x, numpy.zeros(6), numpy.zeros((2, 3, 3)), 2)
    with pytest.raises(ValueError, match=r"projection must have shape \(2, 3, 3\)"):
        F.fixed_decorrelated_batch_normalization(x, numpy.zeros((2, 3)), numpy.zeros((3, 3)), 2)
    with pytest.raises(InvalidType, match=r"Expect: mean.dtype == x.dtype"):
        F.fixed_decorrelated_batch_normalization(
            x, numpy.zeros((2, 3), numpy.float32), numpy.zeros((2, 3, 3)), 2
        )


@gpu
def test_gpu() -> None:
    x = uniform(0, (6, 4, 2), "d", -2, 2)
    check_on_gpu(lambda v: F.decorrelated_batch_normalization(v, groups=2), [x], atol=1e-10)
