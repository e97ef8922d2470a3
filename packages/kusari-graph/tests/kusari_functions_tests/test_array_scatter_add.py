"""scatter_add: forward against numpy.add.at, gradients, errors."""

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
    data,
    gpu,
    uniform,
)

CASES: list[tuple[Any, tuple[int, ...]]] = [
    ((slice(None), [0, 0, 1]), (3, 3)),
    (1, (4,)),
    (1, (1,)),
    (numpy.array([True, False, True]), (2, 4)),
    ((slice(1, None), slice(None, None, 2)), (2, 2)),
    (numpy.array([2, 0, 2]), (3, 4)),
]


@pytest.mark.parametrize("dtype", [*FLOATS, numpy.int32])
@pytest.mark.parametrize(("slices", "b_shape"), CASES)
def test_forward(dtype: Any, slices: Any, b_shape: tuple[int, ...]) -> None:
    a = uniform(0, (3, 4), numpy.float64, -5, 5).astype(dtype)
    b = uniform(1, b_shape, numpy.float64, -5, 5).astype(dtype)
    y = F.scatter_add(a, slices, b)
    expected = a.copy()
    numpy.add.at(expected, slices, numpy.broadcast_to(b, a[slices].shape))
    assert y.dtype == a.dtype
    numpy.testing.assert_allclose(data(y), expected, rtol=1e-3)


def test_input_is_not_modified() -> None:
    a = numpy.zeros(3)
    F.scatter_add(a, 0, numpy.ones(()))
    assert a.tolist() == [0.0, 0.0, 0.0]


@pytest.mark.parametrize(("slices", "b_shape"), CASES)
def test_gradients(slices: Any, b_shape: tuple[int, ...]) -> None:
    xs = [uniform(0, (3, 4), numpy.float64), uniform(1, b_shape, numpy.float64)]
    check_grads(lambda a, b: F.scatter_add(a, slices, b), xs)


def test_gradients_float16() -> None:
    xs = [uniform(0, (3, 4), numpy.float16), uniform(1, (3, 3), numpy.float16)]
    check_grads_float16(lambda a, b: F.scatter_add(a, (slice(None), [0, 0, 1]), b), xs)


def test_gradient_of_repeated_indices() -> None:
    b = Variable(numpy.ones(3))
    y = F.scatter_add(numpy.zeros(2), numpy.array([0, 0, 1]), b)
    y.grad = numpy.array([5.0, 7.0])
    y.backward()
    numpy.testing.assert_array_equal(b.grad, [5.0, 5.0, 7.0])


@pytest.mark.parametrize(
    ("b", "message"),
    [
        (numpy.ones(4, numpy.float32), r"ScatterAdd \(Forward\)\n\nExpect: a.dtype == b.dtype"),
        (
            numpy.ones(3),
            r"Expect: b.shape can be broadcast to a\[slices\].shape\nActual: b.shape = \(3,\)",
        ),
    ],
)
def test_invalid_inputs(b: Any, message: str) -> None:
    with pytest.raises(InvalidType, match=message):
        F.scatter_add(numpy.zeros((3, 4)), 1, b)


def test_invalid_index() -> None:
    with pytest.raises(TypeError, match="an index must be an int"):
        F.scatter_add(numpy.zeros(3), 1.5, numpy.ones(()))


@gpu
def test_gpu() -> None:
    xs = [uniform(0, (3, 4), numpy.float32), uniform(1, (3, 3), numpy.float32)]
    check_on_gpu(lambda a, b: F.scatter_add(a, (slice(None), [0, 0, 1]), b), xs)
