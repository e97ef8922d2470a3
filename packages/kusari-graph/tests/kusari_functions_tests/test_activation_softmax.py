"""softmax and log_softmax."""

from __future__ import annotations

from typing import Any

import numpy
import numpy.typing as npt
import pytest

import kusari.functions as F
from kusari.graph import Variable
from kusari.graph.type_check import InvalidType

from ._opcheck import FLOATS, assert_forward, check_grads, check_grads_float16, data, grad, uniform

Arr = npt.NDArray[Any]


def _softmax(x: Arr, axis: int) -> Arr:
    e = numpy.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)  # type: ignore[no-any-return]


def _log_softmax(x: Arr, axis: int) -> Arr:
    m = x.max(axis=axis, keepdims=True)
    return x - m - numpy.log(numpy.exp(x - m).sum(axis=axis, keepdims=True))  # type: ignore[no-any-return]


SHAPES_AXES = [((3,), 0), ((2, 3), 1), ((2, 3), 0), ((2, 3, 4), 1), ((2, 3, 4), -1)]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize(("shape", "axis"), SHAPES_AXES)
def test_softmax_forward(dtype: Any, shape: tuple[int, ...], axis: int) -> None:
    x = uniform(0, shape, dtype, -3, 3)
    y = F.softmax(x, axis=axis) if axis != 1 else F.softmax(x)
    assert_forward(y, _softmax(x.astype(numpy.float64), axis), dtype)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize(("shape", "axis"), SHAPES_AXES)
def test_log_softmax_forward(dtype: Any, shape: tuple[int, ...], axis: int) -> None:
    x = uniform(1, shape, dtype, -3, 3)
    y = F.log_softmax(x, axis=axis) if axis != 1 else F.log_softmax(x)
    assert_forward(y, _log_softmax(x.astype(numpy.float64), axis), dtype)


@pytest.mark.parametrize("fn", [F.softmax, F.log_softmax])
@pytest.mark.parametrize(("shape", "axis"), SHAPES_AXES)
def test_grads(fn: Any, shape: tuple[int, ...], axis: int) -> None:
    x = uniform(2, shape, numpy.float64, -2, 2)
    check_grads(lambda v: fn(v, axis=axis), [x], seed=3)


@pytest.mark.parametrize("fn", [F.softmax, F.log_softmax])
def test_grads_float16(fn: Any) -> None:
    check_grads_float16(fn, [uniform(4, (3, 4), numpy.float16, -2, 2)], seed=5, eps=1e-2)


@pytest.mark.parametrize("dtype", [numpy.float16, numpy.float32])
def test_large_inputs_are_stable(dtype: Any) -> None:
    x = numpy.array([[1000.0, 1000.0, -1000.0]], dtype)
    numpy.testing.assert_allclose(data(F.softmax(x)), numpy.array([[0.5, 0.5, 0.0]]))
    numpy.testing.assert_allclose(
        data(F.log_softmax(x)),
        numpy.array([[-numpy.log(2.0), -numpy.log(2.0), -2000.0]]),
        rtol=1e-3,
    )


def test_softmax_sums_to_one_and_grad_sums_to_zero() -> None:
    x = Variable(uniform(6, (4, 5), numpy.float64, -5, 5))
    y = F.softmax(x)
    numpy.testing.assert_allclose(data(y).sum(axis=1), 1.0)
    y.grad = uniform(7, (4, 5), numpy.float64)
    y.backward()
    assert x.grad is not None
    numpy.testing.assert_allclose(x.grad.sum(axis=1), 0.0, atol=1e-12)


def test_only_the_output_is_retained() -> None:
    x = Variable(numpy.zeros((2, 3)))
    for fn in (F.softmax, F.log_softmax):
        y = fn(x)
        assert y.creator_node is not None
        assert y.creator_node.inputs[0].data is None
        assert y.node.data is not None


@pytest.mark.parametrize(("fn", "label"), [(F.softmax, "Softmax"), (F.log_softmax, "LogSoftmax")])
def test_axis_out_of_range(fn: Any, label: str) -> None:
    with pytest.raises(
        InvalidType, match=rf"in: {label} \(Forward\)\n\nExpect: x\.ndim > 1\nActual: 1 <= 1"
    ):
        fn(numpy.zeros(3))
    with pytest.raises(InvalidType, match=r"Expect: x\.ndim >= 3\nActual: 2 < 3"):
        fn(numpy.zeros((2, 3)), axis=-3)


@pytest.mark.parametrize("fn", [F.softmax, F.log_softmax])
def test_bad_axis_type_and_dtype(fn: Any) -> None:
    with pytest.raises(TypeError, match=r"axis must be an int, got float \(1\.0\)"):
        fn(numpy.zeros((2, 3)), axis=1.0)
    with pytest.raises(InvalidType, match=r"Expect: x\.dtype\.kind == 'f'"):
        fn(numpy.zeros((2, 3), numpy.int64))


@pytest.mark.gpu
@pytest.mark.parametrize("fn", [F.softmax, F.log_softmax])
def test_gpu_matches_cpu(fn: Any) -> None:
    cupy = pytest.importorskip("cupy")
    if cupy.cuda.runtime.getDeviceCount() == 0:
        pytest.skip("no CUDA device")
    x = uniform(8, (3, 4), numpy.float32, -3, 3)
    gy = uniform(9, (3, 4), numpy.float32)
    cpu, gpu = Variable(x), Variable(cupy.asarray(x))
    y_cpu, y_gpu = fn(cpu), fn(gpu)
    y_cpu.grad, y_gpu.grad = gy, cupy.asarray(gy)
    y_cpu.backward()
    y_gpu.backward()
    numpy.testing.assert_allclose(cupy.asnumpy(y_gpu.array), data(y_cpu), rtol=1e-5, atol=1e-6)
    numpy.testing.assert_allclose(cupy.asnumpy(gpu.grad), grad(cpu), rtol=1e-5, atol=1e-6)
