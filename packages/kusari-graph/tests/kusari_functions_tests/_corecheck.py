"""Checks for the core functions: forward against NumPy, first and second derivatives."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy
import numpy.typing as npt

from kusari.graph import Variable
from kusari.graph.gradient_check import check_backward, check_double_backward

Array = npt.NDArray[Any]

TOLERANCE = {
    numpy.dtype(numpy.float16): {"atol": 5e-3, "rtol": 5e-3},
    numpy.dtype(numpy.float32): {"atol": 1e-5, "rtol": 1e-5},
    numpy.dtype(numpy.float64): {"atol": 1e-12, "rtol": 1e-12},
}


def rand(
    seed: int,
    shape: tuple[int, ...],
    dtype: npt.DTypeLike = numpy.float64,
    low: float = -1.0,
    high: float = 1.0,
) -> Array:
    return numpy.asarray(numpy.random.default_rng(seed).uniform(low, high, shape), dtype)


def assert_forward(y: object, expected: Any, dtype: npt.DTypeLike) -> None:
    assert isinstance(y, Variable)
    expected = numpy.asarray(expected)
    assert y.dtype == numpy.dtype(dtype), (y.dtype, dtype)
    assert y.shape == expected.shape, (y.shape, expected.shape)
    tolerance = TOLERANCE[numpy.dtype(dtype)]
    numpy.testing.assert_allclose(
        numpy.asarray(y.array, numpy.float64),
        expected.astype(numpy.float64),
        atol=tolerance["atol"],
        rtol=tolerance["rtol"],
    )


def check_grads(
    func: Callable[..., Variable],
    inputs: Sequence[Array],
    *,
    seed: int = 0,
    double: bool = True,
    no_grads: Sequence[bool] | None = None,
) -> None:
    """First and (optionally) second derivatives of ``func`` in float64."""
    y = func(*[Variable(x) for x in inputs])
    gy = rand(seed + 100, y.shape)
    check_backward(func, tuple(inputs), gy, atol=1e-6, rtol=1e-5, no_grads=no_grads)
    # gradient_check cannot perturb 0-dimensional arrays yet (NumPy gives scalars back), and
    # in double backward the output gradient is perturbed too: skip it for 0-d outputs.
    if double and y.ndim > 0:
        ggx = tuple(rand(seed + 200 + i, x.shape) for i, x in enumerate(inputs))
        check_double_backward(
            func, tuple(inputs), gy, ggx, atol=1e-5, rtol=1e-4, no_grads=no_grads
        )
