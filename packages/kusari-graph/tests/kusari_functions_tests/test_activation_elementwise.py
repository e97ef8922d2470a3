"""Elementwise activations: leaky_relu, elu, selu, clipped_relu, relu6, hard_sigmoid, softplus."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy
import numpy.typing as npt
import pytest

import kusari.functions as F
from kusari.graph import Variable
from kusari.graph.type_check import InvalidType

from ._opcheck import FLOATS, assert_forward, check_grads, check_grads_float16, data, grad

Arr = npt.NDArray[Any]

SELU_ALPHA = 1.6732632423543772
SELU_SCALE = 1.0507009873554805


def _elu(x: Arr, alpha: float = 1.0, scale: float = 1.0) -> Arr:
    return scale * numpy.where(x > 0, x, alpha * numpy.expm1(numpy.minimum(x, 0)))


def _away(points: tuple[float, ...], margin: float = 0.05) -> Callable[[Arr], Arr]:
    """Move values closer than ``margin`` to a kink out of its neighbourhood."""

    def shift(x: Arr) -> Arr:
        for p in points:
            near = abs(x - p) < margin
            x = numpy.where(near, p + numpy.where(x >= p, margin, -margin) * 2, x)
        return x

    return shift


# name: (function, reference, input scale, kinks)
CASES: dict[
    str, tuple[Callable[[Any], Variable], Callable[[Arr], Arr], float, tuple[float, ...]]
] = {
    "leaky_relu": (F.leaky_relu, lambda x: numpy.where(x > 0, x, 0.2 * x), 1.0, (0.0,)),
    "leaky_relu_slope": (
        lambda x: F.leaky_relu(x, slope=-0.5),
        lambda x: numpy.where(x > 0, x, -0.5 * x),
        1.0,
        (0.0,),
    ),
    "elu": (F.elu, _elu, 2.0, (0.0,)),
    "elu_alpha": (lambda x: F.elu(x, alpha=0.5), lambda x: _elu(x, 0.5), 2.0, (0.0,)),
    "selu": (F.selu, lambda x: _elu(x, SELU_ALPHA, SELU_SCALE), 2.0, (0.0,)),
    "selu_args": (
        lambda x: F.selu(x, alpha=2.0, scale=3.0),
        lambda x: _elu(x, 2.0, 3.0),
        2.0,
        (0.0,),
    ),
    "clipped_relu": (
        lambda x: F.clipped_relu(x, 1.5),
        lambda x: numpy.clip(x, 0, 1.5),
        2.0,
        (0.0, 1.5),
    ),
    "relu6": (F.relu6, lambda x: numpy.clip(x, 0, 6), 8.0, (0.0, 6.0)),
    "hard_sigmoid": (
        F.hard_sigmoid,
        lambda x: numpy.clip(0.2 * x + 0.5, 0, 1),
        4.0,
        (-2.5, 2.5),
    ),
    "softplus": (F.softplus, lambda x: numpy.log1p(numpy.exp(x)), 3.0, ()),
    "softplus_beta": (
        lambda x: F.softplus(x, beta=2.0),
        lambda x: numpy.log1p(numpy.exp(2.0 * x)) / 2.0,
        3.0,
        (),
    ),
    "softplus_negative_beta": (
        lambda x: F.softplus(x, beta=-0.5),
        lambda x: numpy.log1p(numpy.exp(-0.5 * x)) / -0.5,
        3.0,
        (),
    ),
}


def _inputs(name: str, shape: tuple[int, ...], dtype: Any, seed: int = 0) -> Arr:
    _, _, scale, kinks = CASES[name]
    x = numpy.random.default_rng(seed).uniform(-scale, scale, shape)
    return _away(kinks)(x).astype(dtype)


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape", [(), (5,), (3, 4)])
def test_forward(name: str, dtype: Any, shape: tuple[int, ...]) -> None:
    fn, ref, _, _ = CASES[name]
    x = _inputs(name, shape, dtype)
    y = fn(x)
    assert_forward(y, ref(x.astype(numpy.float64)), dtype)
    assert not y.requires_grad


@pytest.mark.parametrize("name", sorted(CASES))
def test_grads(name: str) -> None:
    fn, _, _, _ = CASES[name]
    check_grads(fn, [_inputs(name, (3, 4), numpy.float64, seed=1)], seed=2)


@pytest.mark.parametrize("name", sorted(CASES))
def test_grads_float16(name: str) -> None:
    fn, _, _, _ = CASES[name]
    check_grads_float16(fn, [_inputs(name, (3, 4), numpy.float16, seed=3)], seed=4, eps=1e-2)


@pytest.mark.parametrize(
    ("fn", "expected"),
    [
        # Chainer's one-sided derivatives at the kinks (checked on Chainer 7.8.1).
        (F.leaky_relu, [0.2, 0.2, 1.0]),
        (F.elu, [numpy.exp(-1.0), 1.0, 1.0]),
        (lambda x: F.elu(x, 2.0), [2 * numpy.exp(-1.0), 2.0, 1.0]),
        (F.selu, [SELU_SCALE * SELU_ALPHA * numpy.exp(-1.0), SELU_SCALE * SELU_ALPHA, SELU_SCALE]),
    ],
)
def test_gradient_at_zero(fn: Callable[[Any], Variable], expected: list[float]) -> None:
    x = Variable(numpy.array([-1.0, 0.0, 1.0]))
    F.sum(fn(x)).backward()
    assert x.grad is not None
    numpy.testing.assert_allclose(x.grad, expected)


@pytest.mark.parametrize(
    ("fn", "x", "expected"),
    [
        (lambda x: F.clipped_relu(x, 2.0), [-1.0, 0.0, 1.0, 2.0, 3.0], [0, 0, 1, 0, 0]),
        (F.relu6, [-1.0, 0.0, 1.0, 6.0, 7.0], [0, 0, 1, 0, 0]),
        (F.hard_sigmoid, [-3.0, -2.5, 0.0, 2.5, 3.0], [0, 0, 0.2, 0, 0]),
    ],
)
def test_gradient_at_bounds(
    fn: Callable[[Any], Variable], x: list[float], expected: list[float]
) -> None:
    v = Variable(numpy.array(x))
    F.sum(fn(v)).backward()
    assert v.grad is not None
    numpy.testing.assert_allclose(v.grad, expected)


def test_large_inputs_do_not_overflow() -> None:
    x = numpy.array([-1000.0, 1000.0], numpy.float32)
    numpy.testing.assert_allclose(data(F.softplus(x)), numpy.array([0.0, 1000.0]))
    numpy.testing.assert_allclose(data(F.elu(x)), numpy.array([-1.0, 1000.0]))
    v = Variable(x)
    F.sum(F.elu(v) + F.softplus(v)).backward(enable_double_backprop=True)
    numpy.testing.assert_allclose(grad(v), numpy.array([0.0, 2.0]))


@pytest.mark.parametrize(
    "fn",
    [F.leaky_relu, F.elu, F.selu, F.clipped_relu, F.relu6, F.hard_sigmoid, F.softplus],
)
def test_integer_input_is_rejected(fn: Callable[[Any], Variable]) -> None:
    with pytest.raises(InvalidType, match=r"Expect: x\.dtype\.kind == 'f'\nActual: i != f"):
        fn(numpy.arange(3, dtype=numpy.int32))


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda x: F.leaky_relu(x, slope="a"),  # type: ignore[arg-type]
            TypeError,
            "slope must be a real number",
        ),
        (
            lambda x: F.elu(x, alpha=None),  # type: ignore[arg-type]
            TypeError,
            "alpha must be a real number",
        ),
        (
            lambda x: F.selu(x, scale=[1.0]),  # type: ignore[arg-type]
            TypeError,
            "scale must be a real number",
        ),
        (lambda x: F.clipped_relu(x, 0.0), ValueError, "z must be positive, got 0.0"),
        (lambda x: F.clipped_relu(x, -1), ValueError, "z must be positive, got -1.0"),
        (lambda x: F.softplus(x, beta=0), ValueError, "beta must not be 0"),
    ],
)
def test_bad_arguments(
    call: Callable[[Arr], Variable], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        call(numpy.zeros(3))


def test_leaky_relu_keeps_memory_low_for_positive_slope() -> None:
    # With a positive slope only the output is retained; the input can be freed.
    x = Variable(numpy.array([-1.0, 2.0]))
    y = F.leaky_relu(x)
    assert y.creator_node is not None
    assert y.creator_node.inputs[0].data is None
    assert y.node.data is not None


def test_selu_label() -> None:
    y = F.selu(numpy.zeros(2))
    assert y.creator_node is not None
    assert y.creator_node.label == "SELU"
    y = F.elu(numpy.zeros(2))
    assert y.creator_node is not None
    assert y.creator_node.label == "ELU"


@pytest.mark.gpu
@pytest.mark.parametrize("name", sorted(CASES))
def test_gpu_matches_cpu(name: str) -> None:
    cupy = pytest.importorskip("cupy")
    if cupy.cuda.runtime.getDeviceCount() == 0:
        pytest.skip("no CUDA device")
    fn, _, _, _ = CASES[name]
    x = _inputs(name, (3, 4), numpy.float32)
    gy = numpy.random.default_rng(5).uniform(-1, 1, (3, 4)).astype(numpy.float32)
    cpu, gpu = Variable(x), Variable(cupy.asarray(x))
    y_cpu, y_gpu = fn(cpu), fn(gpu)
    y_cpu.grad = gy
    y_gpu.grad = cupy.asarray(gy)
    y_cpu.backward()
    y_gpu.backward()
    numpy.testing.assert_allclose(cupy.asnumpy(y_gpu.array), data(y_cpu), rtol=1e-5, atol=1e-6)
    numpy.testing.assert_allclose(cupy.asnumpy(gpu.grad), grad(cpu), rtol=1e-5, atol=1e-6)
