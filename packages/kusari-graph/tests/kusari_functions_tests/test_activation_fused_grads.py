"""sigmoid and tanh take the fused gradient kernels on large arrays; same values."""

from __future__ import annotations

from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.graph import Variable

from ._opcheck import data, grad, uniform


@pytest.mark.parametrize(
    ("fn", "derivative"),
    [
        (F.sigmoid, lambda y: y * (1 - y)),
        (F.tanh, lambda y: 1 - y * y),
    ],
)
@pytest.mark.parametrize("size", [100, 40000])  # below and above the kernel threshold
@pytest.mark.parametrize("dtype", [numpy.float32, numpy.float64])
def test_gradient_on_both_paths(fn: Any, derivative: Any, size: int, dtype: Any) -> None:
    x = Variable(uniform(0, (size,), dtype, -3, 3))
    y = fn(x)
    gy = uniform(1, (size,), dtype)
    y.grad = gy
    y.backward()
    expected = gy.astype(float) * derivative(data(y).astype(float))
    assert grad(x).dtype == dtype
    numpy.testing.assert_allclose(grad(x), expected, rtol=1e-6, atol=1e-7)
