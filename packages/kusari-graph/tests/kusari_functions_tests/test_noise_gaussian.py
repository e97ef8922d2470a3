"""gaussian."""

from __future__ import annotations

from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.graph import Variable, using_config
from kusari.graph.type_check import InvalidType

from ._opcheck import FLOATS, assert_forward, check_grads, data, global_seed, uniform


@pytest.mark.parametrize("dtype", FLOATS)
def test_forward_with_given_eps(dtype: Any) -> None:
    mean = uniform(0, (3, 4), dtype)
    ln_var = uniform(1, (3, 4), dtype)
    eps = uniform(2, (3, 4), dtype)
    y, used = F.gaussian(mean, ln_var, eps=eps, return_eps=True)
    assert used is eps
    expected = mean.astype(float) + numpy.exp(ln_var.astype(float) / 2) * eps.astype(float)
    assert_forward(y, expected, dtype, scale=2)


def test_draws_like_chainer() -> None:
    zeros = numpy.zeros((2, 3), numpy.float32)
    with global_seed(0):
        y, eps = F.gaussian(zeros, zeros, return_eps=True)
    expected = numpy.random.RandomState(0).standard_normal((2, 3)).astype(numpy.float32)
    assert eps.dtype == numpy.float32
    numpy.testing.assert_array_equal(eps, expected)
    numpy.testing.assert_array_equal(y.array, expected)


def test_statistics() -> None:
    mean = numpy.full(20000, 2.0)
    ln_var = numpy.full(20000, numpy.log(9.0))
    y = data(F.gaussian(mean, ln_var))
    assert abs(y.mean() - 2.0) < 0.1
    assert abs(y.std() - 3.0) < 0.1


def test_samples_in_test_mode_too() -> None:
    # As in Chainer, gaussian ignores config.train.
    with using_config("train", False):
        _, eps = F.gaussian(numpy.zeros(50), numpy.zeros(50), return_eps=True)
    assert numpy.any(eps != 0)


def test_grads() -> None:
    eps = uniform(3, (3, 4), float)
    check_grads(
        lambda m, v: F.gaussian(m, v, eps=eps),
        [uniform(4, (3, 4), float), uniform(5, (3, 4), float)],
    )


def test_gradient_values() -> None:
    mean = Variable(numpy.ones(2))
    ln_var = Variable(numpy.log(numpy.array([4.0, 9.0])))
    y = F.gaussian(mean, ln_var, eps=numpy.array([1.0, -1.0]))
    F.sum(y).backward()
    numpy.testing.assert_allclose(data(y), numpy.array([3.0, -2.0]))
    assert mean.grad is not None
    assert ln_var.grad is not None
    assert mean.grad.tolist() == [1.0, 1.0]
    numpy.testing.assert_allclose(ln_var.grad, numpy.array([1.0, -1.5]))


def test_errors() -> None:
    with pytest.raises(InvalidType, match=r"Expect: mean\.dtype == ln_var\.dtype"):
        F.gaussian(numpy.zeros(2), numpy.zeros(2, numpy.float32))
    with pytest.raises(InvalidType, match=r"Expect: mean\.shape == ln_var\.shape"):
        F.gaussian(numpy.zeros(2), numpy.zeros(3))
    with pytest.raises(ValueError, match=r"eps has shape \(3,\), but mean has shape \(2,\)"):
        F.gaussian(numpy.zeros(2), numpy.zeros(2), eps=numpy.zeros(3))
    with pytest.raises(TypeError, match="eps must be an array or None, got float"):
        F.gaussian(numpy.zeros(2), numpy.zeros(2), eps=1.0)  # type: ignore[call-overload]
