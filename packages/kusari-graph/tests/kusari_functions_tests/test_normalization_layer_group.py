"""layer_normalization and group_normalization."""

from __future__ import annotations

from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.graph.type_check import InvalidType

from ._normalization_support import (
    FLOATS,
    Arr,
    assert_forward,
    check_grads,
    check_grads_float16,
    gpu_module,
    grads_both_paths,
    host,
    rand,
)


def _layer_ref(x: Arr, gamma: Arr, beta: Arr, eps: float) -> Arr:
    x = x.astype(numpy.float64)
    mean, var = x.mean(axis=1, keepdims=True), x.var(axis=1, keepdims=True)
    out: Arr = gamma.astype(numpy.float64) * (x - mean) / numpy.sqrt(var + eps) + beta
    return out


def _group_ref(x: Arr, groups: int, gamma: Arr, beta: Arr, eps: float) -> Arr:
    x64 = x.astype(numpy.float64)
    xr = x64.reshape(x.shape[0], groups, -1)
    mean, var = xr.mean(axis=2, keepdims=True), xr.var(axis=2, keepdims=True)
    xhat = ((xr - mean) / numpy.sqrt(var + eps)).reshape(x.shape)
    kept = (1, x.shape[1]) + (1,) * (x.ndim - 2)
    out: Arr = xhat * gamma.reshape(kept) + beta.reshape(kept)
    return out


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape", [(1, 4), (3, 5)])
def test_layer_forward(dtype: Any, shape: tuple[int, ...]) -> None:
    x = rand(0, shape, dtype) * 3 + 1
    gamma, beta = rand(1, shape[1:], dtype), rand(2, shape[1:], dtype)
    y = F.layer_normalization(x, gamma, beta, eps=1e-3)
    assert_forward(y, _layer_ref(x, gamma, beta, 1e-3), dtype)


def test_layer_gradients() -> None:
    check_grads(F.layer_normalization, (rand(0, (3, 5)), rand(1, (5,)), rand(2, (5,))))


def test_layer_gradients_float16() -> None:
    inputs = [rand(i, s, numpy.float16) for i, s in enumerate([(3, 4), (4,), (4,)])]
    check_grads_float16(F.layer_normalization, inputs)


def test_layer_fast_path_matches_the_differentiable_path() -> None:
    inputs = (rand(0, (3, 5)), rand(1, (5,)), rand(2, (5,)))
    fast, slow = grads_both_paths(F.layer_normalization, inputs, rand(3, (3, 5)))
    for a, b in zip(fast, slow, strict=True):
        numpy.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_layer_errors() -> None:
    x = numpy.zeros((2, 3), numpy.float32)
    gamma = numpy.ones(3, numpy.float32)
    with pytest.raises(InvalidType, match=r"x.ndim == 2"):
        F.layer_normalization(numpy.zeros((2, 3, 1), numpy.float32), gamma, gamma)
    with pytest.raises(InvalidType, match=r"x.shape\[1\] == gamma.shape\[0\]"):
        F.layer_normalization(x.T, gamma, gamma)
    with pytest.raises(InvalidType, match=r"x.dtype == gamma.dtype"):
        F.layer_normalization(x, gamma.astype(numpy.float64), gamma)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize(("shape", "groups"), [((2, 4), 2), ((2, 6, 3), 3), ((1, 4, 2, 2), 1)])
def test_group_forward(dtype: Any, shape: tuple[int, ...], groups: int) -> None:
    x = rand(0, shape, dtype) * 2 - 1
    gamma, beta = rand(1, shape[1:2], dtype), rand(2, shape[1:2], dtype)
    y = F.group_normalization(x, groups, gamma, beta, eps=1e-3)
    assert_forward(y, _group_ref(x, groups, gamma, beta, 1e-3), dtype)


@pytest.mark.parametrize(("shape", "groups"), [((2, 4, 3), 2), ((3, 4), 4)])
def test_group_gradients(shape: tuple[int, ...], groups: int) -> None:
    inputs = (rand(0, shape), rand(1, shape[1:2]), rand(2, shape[1:2]))
    check_grads(lambda x, g, b: F.group_normalization(x, groups, g, b), inputs)


def test_group_fast_path_matches_the_differentiable_path() -> None:
    inputs = (rand(0, (2, 4, 3)), rand(1, (4,)), rand(2, (4,)))
    fast, slow = grads_both_paths(
        lambda x, g, b: F.group_normalization(x, 2, g, b), inputs, rand(3, (2, 4, 3))
    )
    for a, b in zip(fast, slow, strict=True):
        numpy.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_group_errors() -> None:
    x = numpy.zeros((2, 4, 3), numpy.float32)
    gamma = numpy.ones(4, numpy.float32)
    with pytest.raises(ValueError, match=r"channels 4 is not divisible by groups \(3\)"):
        F.group_normalization(x, 3, gamma, gamma)
    with pytest.raises(ValueError, match="groups must be positive"):
        F.group_normalization(x, 0, gamma, gamma)
    with pytest.raises(TypeError, match="groups must be an int, got float"):
        F.group_normalization(x, 2.0, gamma, gamma)  # type: ignore[arg-type]
    with pytest.raises(InvalidType, match=r"x.shape\[1\] == gamma.shape\[0\]"):
        F.group_normalization(x, 1, gamma[:3], gamma[:3])
    with pytest.raises(InvalidType, match=r"x.ndim >= 2"):
        F.group_normalization(numpy.zeros(4, numpy.float32), 2, gamma, gamma)


@pytest.mark.gpu
def test_gpu_matches_cpu() -> None:
    cupy = gpu_module()
    inputs = [rand(i, s, numpy.float32) for i, s in enumerate([(2, 4, 3), (4,), (4,)])]
    y_cpu = F.group_normalization(inputs[0], 2, inputs[1], inputs[2])
    gx, gg, gb = (cupy.asarray(a) for a in inputs)
    y_gpu = F.group_normalization(gx, 2, gg, gb)
    numpy.testing.assert_allclose(host(y_gpu), host(y_cpu), rtol=1e-5, atol=1e-5)
    x2 = [rand(i, s, numpy.float32) for i, s in enumerate([(3, 4), (4,), (4,)])]
    y_cpu = F.layer_normalization(x2[0], x2[1], x2[2])
    y_gpu = F.layer_normalization(*[cupy.asarray(a) for a in x2])
    numpy.testing.assert_allclose(host(y_gpu), host(y_cpu), rtol=1e-5, atol=1e-5)
