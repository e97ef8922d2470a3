"""cholesky: forward, symmetric gradients (Chainer 7.8.1's numbers), double backward, errors."""

from __future__ import annotations

from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.graph import Variable, VariableOrArray
from kusari.graph.type_check import InvalidType

from ._opcheck import FLOATS, assert_forward, check_grads, check_grads_float16, data, grad, uniform


def _spd(seed: int, n: int, dtype: Any = numpy.float64) -> Any:
    b = uniform(seed, (n, n), numpy.float64)
    return (b @ b.T + n * numpy.eye(n)).astype(dtype)


def _symmetrized(a: VariableOrArray) -> Variable:
    # check_backward perturbs each entry alone; cholesky reads only the lower triangle,
    # so the checks go through a symmetric input (as a symmetric perturbation would)
    return F.cholesky((a + F.transpose(a)) * 0.5)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("n", [1, 2, 5])
def test_forward(dtype: Any, n: int) -> None:
    a = _spd(n, n, dtype)
    expected = numpy.linalg.cholesky(a.astype(numpy.float64))
    y = F.cholesky(a)
    assert_forward(y, expected, dtype, scale=10)
    assert (numpy.triu(data(y), 1) == 0).all()


def test_reads_only_the_lower_triangle() -> None:
    a = _spd(0, 4)
    garbled = a + numpy.triu(uniform(1, (4, 4), numpy.float64, 5, 9), 1)
    numpy.testing.assert_array_equal(data(F.cholesky(garbled)), data(F.cholesky(a)))


def test_gradient_matches_chainer() -> None:
    a = numpy.array([[4.0, 1.2, 0.4], [1.2, 3.0, -0.5], [0.4, -0.5, 2.0]])
    gy = numpy.array([[0.3, -0.7, 0.2], [0.5, 0.1, -0.4], [-0.6, 0.8, 0.9]])
    # from Chainer 7.8.1: F.cholesky(a) with y.grad = gy, then x.grad
    expected = numpy.array(
        [
            [0.08495047810440617, 0.06043169184481915, -0.2807998565785192],
            [0.06043169184481915, 0.10701419880188465, 0.3246404851461547],
            [-0.2807998565785192, 0.3246404851461547, 0.33407711034672816],
        ]
    )
    for double in (False, True):
        x = Variable(a)
        y = F.cholesky(x)
        y.grad = gy
        y.backward(enable_double_backprop=double)
        numpy.testing.assert_allclose(grad(x), expected, rtol=1e-13)


@pytest.mark.parametrize("n", [1, 3, 4])
def test_grads(n: int) -> None:
    check_grads(_symmetrized, [_spd(n + 10, n)], seed=n, rtol=1e-3)


def test_grads_float16() -> None:
    check_grads_float16(_symmetrized, [_spd(3, 3, numpy.float16)], eps=1e-2)


def test_errors() -> None:
    with pytest.raises(
        InvalidType, match=r"in: Cholesky \(Forward\)\n\nExpect: a\.ndim == 2\nActual: 3 != 2"
    ):
        F.cholesky(numpy.zeros((2, 3, 3)))
    with pytest.raises(InvalidType, match=r"Expect: a\.ndim == 2\nActual: 1 != 2"):
        F.cholesky(numpy.ones(3))
    with pytest.raises(
        InvalidType, match=r"Expect: a\.shape\[0\] == a\.shape\[1\]\nActual: 2 != 3"
    ):
        F.cholesky(numpy.ones((2, 3)))
    with pytest.raises(InvalidType, match=r"Expect: a\.dtype\.kind == 'f'\nActual: i != f"):
        F.cholesky(numpy.eye(3, dtype=numpy.int64))
    with pytest.raises(numpy.linalg.LinAlgError, match="the matrix a is not positive definite"):
        F.cholesky(numpy.array([[1.0, 2.0], [2.0, 1.0]]))
    assert issubclass(numpy.linalg.LinAlgError, ValueError)
