"""The gradient checks on CuPy arrays (skipped without CuPy and a CUDA device)."""

from __future__ import annotations

from typing import Any

import numpy
import pytest

from kusari.devices import cuda, get_array_module
from kusari.graph import FunctionNode, Variable
from kusari.graph.gradient_check import assert_allclose, check_backward, numerical_grad

pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(not cuda.available, reason="needs CuPy and a CUDA device"),
]


class _Sin(FunctionNode):
    def forward(self, inputs: tuple[Any, ...]) -> tuple[Any, ...]:
        self.retain_inputs((0,))
        xp = get_array_module(inputs[0])
        return (xp.sin(inputs[0]),)

    def backward(
        self, indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        (x,) = self.get_retained_inputs()
        (gy,) = grad_outputs
        assert gy is not None
        assert gy.array is not None
        assert x.array is not None
        xp = get_array_module(x.array)
        return (Variable(gy.array * xp.cos(x.array)),)


def test_numerical_grad_on_cupy() -> None:
    cupy = cuda.cupy
    x = cupy.asarray([0.5, -1.0, 2.0])
    (gx,) = numerical_grad(lambda: (cupy.sin(x),), (x,), (cupy.ones(3),))
    assert isinstance(gx, cupy.ndarray)
    numpy.testing.assert_allclose(gx.get(), numpy.cos([0.5, -1.0, 2.0]), rtol=1e-6)


def test_assert_allclose_on_cupy_and_variables() -> None:
    cupy = cuda.cupy
    x = cupy.arange(3.0)
    assert_allclose(x, numpy.arange(3.0))
    assert_allclose(Variable(x), x + 1e-7)
    with pytest.raises(AssertionError, match="Max absolute error: 1 at index"):
        assert_allclose(x, x + 1)


def test_check_backward_on_cupy() -> None:
    cupy = cuda.cupy
    x = cupy.random.uniform(-1, 1, (3, 2))
    gy = cupy.random.uniform(-1, 1, (3, 2))
    check_backward(lambda v: _Sin().apply((v,))[0], x, gy, detect_nondifferentiable=True)
