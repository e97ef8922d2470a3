"""permutate: forward against numpy.take, inverse, gradients, errors."""

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


@pytest.mark.parametrize("dtype", [*FLOATS, numpy.int32])
@pytest.mark.parametrize("ind_dtype", [numpy.int32, numpy.int64])
@pytest.mark.parametrize(("axis", "indices"), [(0, [2, 0, 1]), (1, [1, 0]), (-1, [0, 1])])
@pytest.mark.parametrize("inv", [False, True])
def test_forward(dtype: Any, ind_dtype: Any, axis: int, indices: list[int], inv: bool) -> None:
    x = uniform(0, (3, 2), numpy.float64, -5, 5).astype(dtype)
    ind = numpy.array(indices, ind_dtype)
    y = F.permutate(x, ind, axis=axis, inv=inv)
    order = numpy.argsort(ind) if inv else ind
    assert y.dtype == x.dtype
    numpy.testing.assert_array_equal(y.array, numpy.take(x, order, axis=axis))


def test_inverse_undoes_the_permutation() -> None:
    x = uniform(0, (5, 2), numpy.float32)
    ind = numpy.array([3, 0, 4, 1, 2])
    y = F.permutate(F.permutate(x, ind), ind, inv=True)
    numpy.testing.assert_array_equal(y.array, x)


def test_indices_may_be_a_variable() -> None:
    x = numpy.arange(3.0)
    y = F.permutate(x, Variable(numpy.array([1, 2, 0]), requires_grad=False))
    assert data(y).tolist() == [1.0, 2.0, 0.0]


@pytest.mark.parametrize("inv", [False, True])
@pytest.mark.parametrize("axis", [0, 1])
def test_gradients(inv: bool, axis: int) -> None:
    ind = numpy.array([2, 0, 1])
    check_grads(lambda v: F.permutate(v, ind, axis, inv), [uniform(0, (3, 3), numpy.float64)])
    check_grads_float16(
        lambda v: F.permutate(v, ind, axis, inv), [uniform(0, (3, 3), numpy.float16)]
    )


@pytest.mark.parametrize(
    ("indices", "axis", "error", "message"),
    [
        (
            numpy.array([0, 0, 1]),
            0,
            ValueError,
            r"indices must be a permutation of 0..2, got \[0, 0, 1\]",
        ),
        (numpy.array([0, 1, 3]), 0, ValueError, "must be a permutation"),
        (
            numpy.array([0, 1]),
            0,
            InvalidType,
            r"Permutate \(Forward\)\n\nExpect: x.shape\[0\] == indices.shape\[0\]",
        ),
        (numpy.array([0.0, 1.0, 2.0]), 0, InvalidType, r"Expect: indices.dtype.kind == 'i'"),
        (numpy.array([[0, 1, 2]]), 0, InvalidType, r"Expect: indices.ndim == 1"),
        (numpy.array([0, 1]), 2, InvalidType, r"Expect: x.ndim > axis"),
        ([0, 1, 2], 0, TypeError, "indices must be an array or a Variable, got list"),
    ],
)
def test_invalid_arguments(indices: Any, axis: int, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        F.permutate(numpy.zeros((3, 2)), indices, axis)


@gpu
def test_gpu() -> None:
    check_on_gpu(
        F.permutate, [uniform(0, (3, 2), numpy.float32), numpy.array([2, 0, 1], numpy.int32)]
    )
