from __future__ import annotations

from typing import Any

import numpy
import pytest

from kusari import functions as F
from kusari.graph import Variable
from kusari.graph.type_check import InvalidType

from ._conv_reference import FLOATS, check_grads, data, gpu_module, grad


def _table(dtype: Any, n_vocab: int = 5, dim: int = 3, seed: int = 0) -> Any:
    return numpy.random.default_rng(seed).uniform(-1, 1, (n_vocab, dim)).astype(dtype)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("ids", [[0, 4, 2], [[1, 1], [3, 0]], 2])
@pytest.mark.parametrize("id_dtype", [numpy.int32, numpy.int64])
def test_forward(dtype: Any, ids: Any, id_dtype: Any) -> None:
    W = _table(dtype)
    x = numpy.asarray(ids, id_dtype)
    y = F.embed_id(x, W)
    assert y.dtype == dtype
    assert y.shape == (*x.shape, 3)
    numpy.testing.assert_array_equal(data(y), W[x])


def test_ignore_label() -> None:
    W = _table(numpy.float32)
    x = numpy.array([[0, -1], [4, -1]], numpy.int32)
    y = F.embed_id(x, W, ignore_label=-1)
    numpy.testing.assert_array_equal(data(y)[:, 0], W[[0, 4]])
    numpy.testing.assert_array_equal(data(y)[:, 1], numpy.zeros((2, 3)))


def test_backward_accumulates_repeated_ids() -> None:
    W = _table(numpy.float64)
    x = numpy.array([1, 3, 1, -1, 1], numpy.int32)
    Wv = Variable(W)
    y = F.embed_id(x, Wv, ignore_label=-1)
    gy = numpy.arange(15.0).reshape(5, 3)
    y.grad = gy
    y.backward()
    expected = numpy.zeros_like(W)
    for i, row in zip(x, gy, strict=True):
        if i != -1:
            expected[i] += row
    numpy.testing.assert_allclose(grad(Wv), expected)


def test_backward_with_no_ids() -> None:
    Wv = Variable(_table(numpy.float64))
    y = F.embed_id(numpy.zeros((0,), numpy.int32), Wv)
    assert y.shape == (0, 3)
    y.grad = numpy.zeros((0, 3))
    y.backward()
    numpy.testing.assert_array_equal(grad(Wv), numpy.zeros((5, 3)))


@pytest.mark.parametrize("ignore_label", [None, 2])
def test_grads(ignore_label: int | None) -> None:
    W = _table(numpy.float64, seed=1)
    x = numpy.array([[0, 2, 2], [4, 1, 0]], numpy.int32)
    check_grads(lambda W_: F.embed_id(x, W_, ignore_label=ignore_label), (W,))


def test_grad_of_float16_table() -> None:
    W = _table(numpy.float16)
    Wv = Variable(W)
    y = F.embed_id(numpy.array([0, 0, 2]), Wv)
    y.grad = numpy.ones((3, 3), numpy.float16)
    y.backward()
    assert Wv.grad is not None
    assert grad(Wv).dtype == numpy.float16
    numpy.testing.assert_array_equal(grad(Wv)[[0, 1, 2]], [[2] * 3, [0] * 3, [1] * 3])


def test_type_errors() -> None:
    W = _table(numpy.float32)
    with pytest.raises(InvalidType, match=r"x\.dtype\.kind == 'i'"):
        F.embed_id(numpy.array([0.0]), W)
    with pytest.raises(InvalidType, match=r"x\.dtype\.kind == 'i'"):
        F.embed_id(numpy.array([0], numpy.uint8), W)
    with pytest.raises(InvalidType, match=r"W\.dtype\.kind == 'f'"):
        F.embed_id(numpy.array([0]), W.astype(numpy.int32))
    with pytest.raises(InvalidType, match=r"W\.ndim == 2"):
        F.embed_id(numpy.array([0]), W[0])
    with pytest.raises(InvalidType, match=r"EmbedIDFunction \(Forward\)"):
        F.embed_id(numpy.array([0]), W[0])


def test_out_of_range_ids() -> None:
    W = _table(numpy.float32)
    with pytest.raises(ValueError, match=r"0 <= id < len\(W\) = 5, got 5"):
        F.embed_id(numpy.array([0, 5]), W)
    with pytest.raises(ValueError, match=r"or equal ignore_label \(-1\), got -2"):
        F.embed_id(numpy.array([-2, -1]), W, ignore_label=-1)
    with pytest.raises(ValueError, match=r"got -1"):
        F.embed_id(numpy.array([-1]), W)


@pytest.mark.gpu
def test_gpu_matches_cpu() -> None:
    cupy = gpu_module()
    W = _table(numpy.float32)
    x = numpy.array([1, 3, 1, -1], numpy.int32)
    cpu, gpu = Variable(W), Variable(cupy.asarray(W))
    y_cpu = F.embed_id(x, cpu, ignore_label=-1)
    y_gpu = F.embed_id(cupy.asarray(x), gpu, ignore_label=-1)
    gy = numpy.ones((4, 3), numpy.float32)
    y_cpu.grad = gy
    y_gpu.grad = cupy.asarray(gy)
    y_cpu.backward()
    y_gpu.backward()
    numpy.testing.assert_allclose(cupy.asnumpy(data(y_gpu)), data(y_cpu))
    numpy.testing.assert_allclose(cupy.asnumpy(grad(gpu)), grad(cpu))
