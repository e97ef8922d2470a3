"""batch_normalization: forward, running averages, gradients, errors."""

from __future__ import annotations

from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.graph import Variable, grad
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


def _reference(x: Arr, gamma: Arr, beta: Arr, axes: tuple[int, ...], eps: float) -> Arr:
    x = x.astype(numpy.float64)
    kept = tuple(1 if i in axes else n for i, n in enumerate(x.shape))
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)
    g = gamma.astype(numpy.float64).reshape(kept)
    b = beta.astype(numpy.float64).reshape(kept)
    out: Arr = g * (x - mean) / numpy.sqrt(var + eps) + b
    return out


# (x shape, gamma shape, axis argument, reduced axes)
CASES: list[tuple[tuple[int, ...], tuple[int, ...], Any, tuple[int, ...]]] = [
    ((5, 3), (3,), None, (0,)),
    ((4, 3, 2, 2), (3,), None, (0, 2, 3)),
    ((4, 3, 2), (3, 2), None, (0,)),
    ((4, 3, 2), (3,), (0, 2), (0, 2)),
    ((4, 3, 2), (4, 3), 2, (2,)),
    ((4, 3, 2), (4, 2), (-2,), (1,)),
]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize(("shape", "gshape", "axis", "axes"), CASES)
def test_forward(
    dtype: Any, shape: tuple[int, ...], gshape: tuple[int, ...], axis: Any, axes: tuple[int, ...]
) -> None:
    x = rand(0, shape, dtype) * 2 + 1
    gamma = rand(1, gshape, dtype)
    beta = rand(2, gshape, dtype)
    y = F.batch_normalization(x, gamma, beta, eps=1e-3, axis=axis)
    assert_forward(y, _reference(x, gamma, beta, axes, 1e-3), dtype)


def test_running_averages_use_the_unbiased_variance() -> None:
    x = rand(0, (4, 3, 2), numpy.float32)
    gamma, beta = numpy.ones(3, numpy.float32), numpy.zeros(3, numpy.float32)
    mean = numpy.full(3, 0.5, numpy.float32)
    var = numpy.full(3, 2.0, numpy.float32)
    mean_id, var_id = id(mean), id(var)
    F.batch_normalization(x, gamma, beta, running_mean=mean, running_var=var, decay=0.8)
    m = 8
    numpy.testing.assert_allclose(mean, 0.8 * 0.5 + 0.2 * x.mean(axis=(0, 2)), rtol=1e-6)
    expected_var = 0.8 * 2.0 + 0.2 * x.var(axis=(0, 2)) * m / (m - 1)
    numpy.testing.assert_allclose(var, expected_var, rtol=1e-6)
    assert (id(mean), id(var)) == (mean_id, var_id)


def test_running_variance_of_one_value_per_channel() -> None:
    # m == 1: the adjustment m / max(m - 1, 1) is 1, not a division by zero.
    x = rand(0, (1, 3))
    var = numpy.ones(3)
    F.batch_normalization(x, numpy.ones(3), numpy.zeros(3), running_var=var, decay=0.5)
    numpy.testing.assert_allclose(var, 0.5 * numpy.ones(3))


def test_float16_input_with_float32_parameters_and_statistics() -> None:
    x = rand(0, (6, 2), numpy.float16)
    gamma, beta = numpy.ones(2, numpy.float32), numpy.zeros(2, numpy.float32)
    mean = numpy.zeros(2, numpy.float32)
    y = F.batch_normalization(x, gamma, beta, running_mean=mean)
    assert y.dtype == numpy.float16
    assert mean.dtype == numpy.float32
    numpy.testing.assert_allclose(mean, 0.1 * x.astype(numpy.float32).mean(axis=0), rtol=1e-3)
    yv = Variable(x)
    gv = Variable(gamma)
    out = F.batch_normalization(yv, gv, Variable(beta))
    F.sum(out * out).backward()
    assert yv.grad is not None
    assert gv.grad is not None
    assert yv.grad.dtype == numpy.float16
    assert gv.grad.dtype == numpy.float32


@pytest.mark.parametrize(("shape", "gshape", "axis", "axes"), CASES[:5])
def test_gradients(
    shape: tuple[int, ...], gshape: tuple[int, ...], axis: Any, axes: tuple[int, ...]
) -> None:
    x, gamma, beta = rand(0, shape) * 2 + 1, rand(1, gshape), rand(2, gshape)
    check_grads(lambda a, g, b: F.batch_normalization(a, g, b, axis=axis), (x, gamma, beta))


def test_gradients_float16() -> None:
    x = rand(0, (6, 3), numpy.float16)
    check_grads_float16(
        lambda a, g, b: F.batch_normalization(a, g, b),
        (x, rand(1, (3,), numpy.float16), rand(2, (3,), numpy.float16)),
    )


def test_fast_path_matches_the_differentiable_path() -> None:
    inputs = (rand(0, (4, 3, 2)), rand(1, (3,)), rand(2, (3,)))
    fast, slow = grads_both_paths(F.batch_normalization, inputs, rand(3, (4, 3, 2)))
    for a, b in zip(fast, slow, strict=True):
        numpy.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_second_order_gradient_of_a_gradient_penalty() -> None:
    # d/dx of sum(gx ** 2), with gx from grad(..., enable_double_backprop=True), against
    # central differences of the same penalty.
    x0, gamma, beta = rand(0, (5, 2)), rand(1, (2,)), rand(2, (2,))
    gy = rand(3, (5, 2))

    def penalty(x: Arr) -> float:
        xv = Variable(x)
        y = F.batch_normalization(xv, gamma, beta)
        (gx,) = grad([y], [xv], [gy], enable_double_backprop=True)
        assert gx is not None
        return float(host(F.sum(gx * gx)))

    xv = Variable(x0)
    y = F.batch_normalization(xv, gamma, beta)
    (gx,) = grad([y], [xv], [gy], enable_double_backprop=True)
    assert gx is not None
    F.sum(gx * gx).backward()
    assert xv.grad is not None
    numeric = numpy.zeros_like(x0)
    for index in numpy.ndindex(x0.shape):
        step = numpy.zeros_like(x0)
        step[index] = 1e-5
        numeric[index] = (penalty(x0 + step) - penalty(x0 - step)) / 2e-5
    numpy.testing.assert_allclose(xv.grad, numeric, rtol=1e-5, atol=1e-7)


def test_creator_and_grad_node() -> None:
    x = Variable(rand(0, (3, 2)))
    y = F.batch_normalization(x, numpy.ones(2), numpy.zeros(2))
    assert y.creator is not None
    assert y.creator.label == "BatchNormalization"
    (gx,) = grad([F.sum(y * y)], [x], enable_double_backprop=True)
    assert gx is not None


def test_type_errors() -> None:
    x = numpy.zeros((4, 3), numpy.float32)
    with pytest.raises(InvalidType, match=r"x.shape\[1\] == gamma.shape\[0\]"):
        F.batch_normalization(x, numpy.ones(4, numpy.float32), numpy.zeros(4, numpy.float32))
    with pytest.raises(InvalidType, match=r"x.dtype.kind == 'f'"):
        F.batch_normalization(
            numpy.zeros((4, 3), numpy.int32),
            numpy.ones(3, numpy.float32),
            numpy.zeros(3, numpy.float32),
        )
    with pytest.raises(InvalidType, match=r"beta.shape == gamma.shape"):
        F.batch_normalization(x, numpy.ones(3, numpy.float32), numpy.zeros(2, numpy.float32))
    with pytest.raises(InvalidType, match=r"x.ndim == gamma.ndim \+ 1"):
        F.batch_normalization(
            x, numpy.ones((4, 3), numpy.float32), numpy.zeros((4, 3), numpy.float32), axis=0
        )


def test_argument_errors_leave_the_running_averages_alone() -> None:
    x = numpy.ones((4, 3), numpy.float32)
    gamma, beta = numpy.ones(3, numpy.float32), numpy.zeros(3, numpy.float32)
    mean = numpy.zeros(3, numpy.float32)
    with pytest.raises(ValueError, match=r"running_var must have the shape of gamma \(3,\)"):
        F.batch_normalization(
            x, gamma, beta, running_mean=mean, running_var=numpy.ones(2, numpy.float32)
        )
    assert mean.tolist() == [0.0, 0.0, 0.0]
    with pytest.raises(TypeError, match="running_mean must be an array"):
        F.batch_normalization(x, gamma, beta, running_mean=[0.0, 0.0, 0.0])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="axis 2 is out of bounds"):
        F.batch_normalization(x, numpy.ones(4, numpy.float32), beta, axis=2)
    with pytest.raises(ValueError, match="axis repeats"):
        F.batch_normalization(x, numpy.ones((), numpy.float32), beta, axis=(0, -2))
    with pytest.raises(TypeError, match="axis must be None, an int or a tuple of ints"):
        F.batch_normalization(x, gamma, beta, axis=1.0)  # type: ignore[arg-type]
    mean4 = numpy.zeros(4, numpy.float32)
    with pytest.raises(InvalidType):
        F.batch_normalization(
            x, numpy.ones(4, numpy.float32), numpy.zeros(4, numpy.float32), running_mean=mean4
        )
    assert mean4.tolist() == [0.0] * 4


@pytest.mark.gpu
def test_gpu_matches_cpu() -> None:
    cupy = gpu_module()
    x, gamma, beta = rand(0, (4, 3, 2), numpy.float32), rand(1, (3,)), rand(2, (3,))
    gamma, beta = gamma.astype(numpy.float32), beta.astype(numpy.float32)
    mean_cpu, mean_gpu = numpy.zeros(3, numpy.float32), cupy.zeros(3, numpy.float32)
    cpu = [Variable(a) for a in (x, gamma, beta)]
    gpu = [Variable(cupy.asarray(a)) for a in (x, gamma, beta)]
    y_cpu = F.batch_normalization(cpu[0], cpu[1], cpu[2], running_mean=mean_cpu)
    y_gpu = F.batch_normalization(gpu[0], gpu[1], gpu[2], running_mean=mean_gpu)
    F.sum(y_cpu * y_cpu * cpu[0]).backward()
    F.sum(y_gpu * y_gpu * gpu[0]).backward()
    numpy.testing.assert_allclose(host(y_gpu), host(y_cpu), rtol=1e-5, atol=1e-5)
    numpy.testing.assert_allclose(host(mean_gpu), mean_cpu, rtol=1e-5)
    for c, g in zip(cpu, gpu, strict=True):
        numpy.testing.assert_allclose(host(g.grad), host(c.grad), rtol=1e-4, atol=1e-4)
