"""broadcast: forward against numpy.broadcast_arrays, gradients, errors."""

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
    uniform,
)

SHAPES = [[(2, 3), (3,)], [(2, 1), (1, 4), ()], [(3,)], [(2, 3), (2, 3)]]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shapes", SHAPES)
def test_forward(dtype: Any, shapes: list[tuple[int, ...]]) -> None:
    xs = [uniform(i, s, dtype) for i, s in enumerate(shapes)]
    result: Any = F.broadcast(*xs)
    expected = numpy.broadcast_arrays(*xs)
    if len(xs) == 1:
        assert isinstance(result, Variable)
    ys = (result,) if isinstance(result, Variable) else result
    for y, e in zip(ys, expected, strict=True):
        assert y.dtype == numpy.dtype(dtype)
        numpy.testing.assert_array_equal(y.array, e)


def test_one_input_gives_a_variable_and_several_a_tuple() -> None:
    x = numpy.zeros(2)
    assert isinstance(F.broadcast(x), Variable)
    assert isinstance(F.broadcast(x, x), tuple)


def test_dtypes_may_differ() -> None:
    a, b = F.broadcast(numpy.zeros((2, 1), numpy.float32), numpy.arange(3))
    assert a.dtype == numpy.float32
    assert b.dtype == numpy.dtype(int)


@pytest.mark.parametrize("shapes", SHAPES)
def test_gradients(shapes: list[tuple[int, ...]]) -> None:
    xs = [uniform(i, s, numpy.float64) for i, s in enumerate(shapes)]
    check_grads(lambda *vs: F.broadcast(*vs), xs)


def test_gradients_float16() -> None:
    xs = [uniform(0, (2, 3), numpy.float16), uniform(1, (3,), numpy.float16)]
    check_grads_float16(lambda *vs: F.broadcast(*vs), xs)


def test_unused_output_gets_no_gradient() -> None:
    a = Variable(numpy.ones((2, 1)))
    b = Variable(numpy.ones(3))
    ya, _ = F.broadcast(a, b)
    F.sum(ya).backward()
    numpy.testing.assert_array_equal(a.grad, [[3.0], [3.0]])
    assert b.grad is None


@pytest.mark.parametrize(
    ("xs", "message"),
    [
        ([], r"Broadcast \(Forward\)\n\nExpect: in_types.size\(\) > 0"),
        ([numpy.zeros((2, 3)), numpy.zeros(4)], "cannot broadcast inputs of the following shapes"),
    ],
)
def test_invalid_inputs(xs: list[Any], message: str) -> None:
    with pytest.raises(InvalidType, match=message):
        F.broadcast(*xs)


@gpu
def test_gpu() -> None:
    xs = [uniform(0, (2, 3), numpy.float32), uniform(1, (3,), numpy.float32)]
    check_on_gpu(lambda *vs: F.broadcast(*vs), xs)
