"""select_item: forward against fancy indexing, gradients, errors."""

from __future__ import annotations

from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.graph import Variable
from kusari.graph.type_check import InvalidType

from ._array_loss_support import (
    FLOATS,
    check_grads,
    check_grads_float16,
    check_on_gpu,
    gpu,
    grad_array,
    uniform,
)


@pytest.mark.parametrize("dtype", [*FLOATS, numpy.int32])
@pytest.mark.parametrize("t_dtype", [numpy.int32, numpy.int64, numpy.uint8])
@pytest.mark.parametrize("shape", [(4, 3), (1, 1), (0, 2)])
def test_forward(dtype: Any, t_dtype: Any, shape: tuple[int, int]) -> None:
    x = uniform(0, shape, numpy.float64, -5, 5).astype(dtype)
    t = numpy.random.default_rng(1).integers(0, shape[1], shape[0]).astype(t_dtype)
    y = F.select_item(x, t)
    assert y.dtype == numpy.dtype(dtype)
    numpy.testing.assert_array_equal(y.array, x[numpy.arange(shape[0]), t])


def test_negative_labels_count_from_the_end() -> None:
    x = numpy.arange(6.0).reshape(2, 3)
    numpy.testing.assert_array_equal(F.select_item(x, numpy.array([-1, -3])).array, [2.0, 3.0])


def test_gradients() -> None:
    x = uniform(0, (4, 3), numpy.float64)
    t = numpy.array([2, 0, 1, 0], numpy.int32)
    check_grads(lambda v: F.select_item(v, t), [x])


def test_gradients_float16() -> None:
    t = numpy.array([2, 0], numpy.int32)
    check_grads_float16(lambda v: F.select_item(v, t), [uniform(0, (2, 3), numpy.float16)])


def test_gradient_values() -> None:
    x = Variable(numpy.zeros((2, 3), numpy.float32))
    y = F.select_item(x, numpy.array([1, 2]))
    y.grad = numpy.array([3.0, 4.0], numpy.float32)
    y.backward()
    numpy.testing.assert_array_equal(x.grad, [[0.0, 3.0, 0.0], [0.0, 0.0, 4.0]])
    assert grad_array(x).dtype == numpy.float32


@pytest.mark.parametrize(
    ("x", "t", "message"),
    [
        (
            numpy.zeros((2, 3)),
            numpy.array([0.0, 1.0]),
            r"SelectItem \(Forward\)\n\nExpect: t.dtype.kind in 'iu' \(t must be an integer "
            r"array of labels\)\nActual: t.dtype = float64",
        ),
        (numpy.zeros((1, 2, 3)), numpy.array([0]), r"Expect: x.ndim == 2\nActual: 3 != 2"),
        (numpy.zeros((2, 3)), numpy.array([[0, 1]]), r"Expect: t.ndim == 1\nActual: 2 != 1"),
        (numpy.zeros((2, 3)), numpy.array([0]), r"Expect: x.shape\[0\] == t.shape\[0\]"),
    ],
)
def test_invalid_inputs(x: Any, t: Any, message: str) -> None:
    with pytest.raises(InvalidType, match=message):
        F.select_item(x, t)


def test_label_out_of_range() -> None:
    with pytest.raises(IndexError, match=r"a label in t is out of range .*must be in \[-3, 3\)"):
        F.select_item(numpy.zeros((2, 3)), numpy.array([0, 3]))


@gpu
def test_gpu() -> None:
    t = numpy.array([2, 0, 1], numpy.int32)
    check_on_gpu(F.select_item, [uniform(0, (3, 4), numpy.float32), t])
