"""fixed_batch_normalization and fixed_batch_renormalization."""

from __future__ import annotations

from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.graph import Variable
from kusari.graph.type_check import InvalidType

from ._normalization_support import (
    FLOATS,
    Arr,
    assert_forward,
    check_grads,
    check_grads_float16,
    gpu_module,
    host,
    rand,
)


def _reference(x: Arr, gamma: Arr, beta: Arr, mean: Arr, var: Arr, kept: tuple[int, ...]) -> Arr:
    f = [a.astype(numpy.float64) for a in (x, gamma, beta, mean, var)]
    x64, g, b, m, v = f[0], *(a.reshape(kept) for a in f[1:])
    out: Arr = g * (x64 - m) / numpy.sqrt(v + 1e-3) + b
    return out


def _inputs(shape: tuple[int, ...], gshape: tuple[int, ...], dtype: Any) -> list[Arr]:
    var = numpy.random.default_rng(4).uniform(0.5, 2.0, gshape).astype(dtype)
    return [rand(0, shape, dtype), *(rand(i, gshape, dtype) for i in (1, 2, 3)), var]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize(
    ("shape", "gshape", "axis", "kept"),
    [
        ((5, 3), (3,), None, (1, 3)),
        ((2, 3, 2, 2), (3,), None, (1, 3, 1, 1)),
        ((4, 3, 2), (3,), (0, 2), (1, 3, 1)),
        ((4, 3, 2), (4, 3), -1, (4, 3, 1)),
    ],
)
def test_forward(
    dtype: Any, shape: tuple[int, ...], gshape: tuple[int, ...], axis: Any, kept: tuple[int, ...]
) -> None:
    inputs = _inputs(shape, gshape, dtype)
    x, gamma, beta, mean, var = inputs
    y = F.fixed_batch_normalization(x, gamma, beta, mean, var, eps=1e-3, axis=axis)
    assert_forward(y, _reference(x, gamma, beta, mean, var, kept), dtype)


def test_renormalization_inference_is_the_same() -> None:
    inputs = _inputs((5, 3), (3,), numpy.float64)
    x, gamma, beta, mean, var = inputs
    y = F.fixed_batch_renormalization(x, gamma, beta, mean, var, eps=1e-3)
    assert_forward(y, _reference(x, gamma, beta, mean, var, (1, 3)), numpy.float64)


@pytest.mark.parametrize("axis", [None, (0, 2)])
def test_gradients_of_all_five_inputs(axis: Any) -> None:
    check_grads(
        lambda x, g, b, m, v: F.fixed_batch_normalization(x, g, b, m, v, axis=axis),
        _inputs((4, 3, 2), (3,), numpy.float64),
    )


def test_gradients_of_some_inputs_only() -> None:
    x, gamma, beta, mean, var = _inputs((4, 3), (3,), numpy.float64)
    xv, vv = Variable(x), Variable(var)
    y = F.fixed_batch_normalization(xv, gamma, beta, mean, vv)
    F.sum(y).backward()
    assert xv.grad is not None
    assert vv.grad is not None
    s = 1 / numpy.sqrt(var + 2e-5)
    numpy.testing.assert_allclose(xv.grad, numpy.broadcast_to(gamma * s, x.shape))
    expected_gvar = (-0.5 * gamma * s**3 * (x - mean)).sum(axis=0)
    numpy.testing.assert_allclose(vv.grad, expected_gvar, rtol=1e-10)


def test_gradients_float16() -> None:
    check_grads_float16(F.fixed_batch_normalization, _inputs((4, 3), (3,), numpy.float16))


def test_errors() -> None:
    x, gamma, beta, mean, var = _inputs((4, 3), (3,), numpy.float32)
    with pytest.raises(InvalidType, match=r"var.shape == gamma.shape"):
        F.fixed_batch_normalization(x, gamma, beta, mean, var[:2])
    with pytest.raises(InvalidType, match=r"mean.dtype == gamma.dtype"):
        F.fixed_batch_normalization(x, gamma, beta, mean.astype(numpy.float64), var)
    with pytest.raises(InvalidType, match=r"x.shape\[1\] == gamma.shape\[0\]"):
        F.fixed_batch_normalization(x.T, gamma, beta, mean, var)
    with pytest.raises(ValueError, match="axis 5 is out of bounds"):
        F.fixed_batch_normalization(x, gamma, beta, mean, var, axis=5)


@pytest.mark.gpu
def test_gpu_matches_cpu() -> None:
    cupy = gpu_module()
    inputs = _inputs((4, 3), (3,), numpy.float32)
    x, gamma, beta, mean, var = inputs
    y_cpu = F.fixed_batch_normalization(x, gamma, beta, mean, var)
    y_gpu = F.fixed_batch_normalization(*[cupy.asarray(a) for a in inputs])
    numpy.testing.assert_allclose(host(y_gpu), host(y_cpu), rtol=1e-5, atol=1e-5)
