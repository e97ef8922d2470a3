"""batch_renormalization: forward, corrections r and d, running averages, gradients."""

from __future__ import annotations

from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.graph.type_check import InvalidType

from ._normalization_support import FLOATS, Arr, assert_forward, check_grads, rand


def _reference(
    x: Arr, gamma: Arr, beta: Arr, rmax: float, dmax: float, eps: float, rm: Arr, rv: Arr
) -> Arr:
    x = x.astype(numpy.float64)
    mean, var = x.mean(axis=0), x.var(axis=0)
    sigma, sigma_r = numpy.sqrt(var + eps), numpy.sqrt(rv + eps)
    r = numpy.clip(sigma / sigma_r, 1 / rmax, rmax)
    d = numpy.clip((mean - rm) / sigma_r, -dmax, dmax)
    out: Arr = gamma * ((x - mean) / sigma * r + d) + beta
    return out


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize(("rmax", "dmax"), [(1.0, 0.0), (1.5, 0.3), (10.0, 10.0)])
def test_forward(dtype: Any, rmax: float, dmax: float) -> None:
    x = rand(0, (6, 3), dtype) * 2 + 1
    gamma, beta = rand(1, (3,), dtype), rand(2, (3,), dtype)
    rm = numpy.array([0.5, 0.1, -0.2], dtype)
    rv = numpy.array([2.0, 0.5, 1.0], dtype)
    y = F.batch_renormalization(
        x, gamma, beta, rmax, dmax, eps=1e-3, running_mean=rm.copy(), running_var=rv.copy()
    )
    expected = _reference(
        x,
        gamma.astype(numpy.float64),
        beta.astype(numpy.float64),
        rmax,
        dmax,
        1e-3,
        rm.astype(numpy.float64),
        rv.astype(numpy.float64),
    )
    assert_forward(y, expected, dtype)


def test_statistics_update_only_when_asked() -> None:
    x = rand(0, (5, 3)) * 2 + 1
    gamma, beta = numpy.ones(3), numpy.zeros(3)
    rm, rv = numpy.array([0.5, 0.1, -0.2]), numpy.array([2.0, 0.5, 1.0])
    rm0, rv0 = rm.copy(), rv.copy()
    F.batch_renormalization(x, gamma, beta, 1.5, 0.3, running_mean=rm, running_var=rv)
    assert rm.tolist() == rm0.tolist()
    assert rv.tolist() == rv0.tolist()
    F.batch_renormalization(
        x, gamma, beta, 1.5, 0.3, running_mean=rm, running_var=rv, update_statistics=True
    )
    numpy.testing.assert_allclose(rm, 0.9 * rm0 + 0.1 * x.mean(axis=0))
    numpy.testing.assert_allclose(rv, 0.9 * rv0 + 0.1 * x.var(axis=0) * 5 / 4)


@pytest.mark.parametrize("shape", [(6, 3), (4, 3, 2)])
def test_gradients_with_saturated_corrections(shape: tuple[int, ...]) -> None:
    # r and d are constants for backward; saturated at their bounds, they are also constant
    # for the numerical side.
    x, gamma, beta = rand(0, shape), rand(1, (3,)), rand(2, (3,))
    rm, rv = numpy.full(3, 10.0), numpy.full(3, 0.01)
    check_grads(
        lambda a, g, b: F.batch_renormalization(
            a, g, b, 1.5, 0.3, running_mean=rm, running_var=rv
        ),
        (x, gamma, beta),
    )


def test_errors() -> None:
    x, gamma, beta = rand(0, (4, 3)), numpy.ones(3), numpy.zeros(3)
    with pytest.raises(TypeError, match="running_mean is required"):
        F.batch_renormalization(x, gamma, beta, 1.0, 0.0, running_var=numpy.ones(3))
    with pytest.raises(TypeError, match="running_var is required"):
        F.batch_renormalization(x, gamma, beta, 1.0, 0.0, running_mean=numpy.ones(3))
    with pytest.raises(ValueError, match="running_var must have the shape of gamma"):
        F.batch_renormalization(
            x, gamma, beta, 1.0, 0.0, running_mean=numpy.ones(3), running_var=numpy.ones(4)
        )
    with pytest.raises(InvalidType, match=r"x.shape\[1\] == gamma.shape\[0\]"):
        F.batch_renormalization(
            x,
            numpy.ones(4),
            numpy.ones(4),
            1.0,
            0.0,
            running_mean=numpy.ones(4),
            running_var=numpy.ones(4),
        )
