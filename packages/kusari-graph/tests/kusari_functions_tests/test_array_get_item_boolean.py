"""get_item with boolean masks: forward against NumPy, gradients."""

from __future__ import annotations

from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.graph import Variable

from ._array_loss_support import FLOATS, check_grads, check_on_gpu, data, gpu, uniform

MASKS: list[Any] = [
    numpy.array([[True, False, True], [False, False, True]]),
    numpy.array([True, False]),
    (slice(None), numpy.array([False, True, True])),
    numpy.zeros((2, 3), bool),
]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("mask", MASKS)
def test_forward(dtype: Any, mask: Any) -> None:
    x = uniform(0, (2, 3), dtype)
    y = F.get_item(x, mask)
    assert y.dtype == x.dtype
    numpy.testing.assert_array_equal(y.array, x[mask])


@pytest.mark.parametrize("mask", MASKS[:3])
def test_gradients(mask: Any) -> None:
    check_grads(lambda v: F.get_item(v, mask), [uniform(0, (2, 3), numpy.float64)])


def test_mask_as_a_variable_and_operator() -> None:
    x = Variable(numpy.arange(6.0).reshape(2, 3))
    mask = numpy.array([[True, False, True], [False, False, True]])
    y = x[Variable(mask, requires_grad=False)]
    assert data(y).tolist() == [0.0, 2.0, 5.0]
    F.sum(y * y).backward()
    numpy.testing.assert_array_equal(x.grad, [[0.0, 0.0, 4.0], [0.0, 0.0, 10.0]])


@gpu
def test_gpu() -> None:
    mask = MASKS[0]
    check_on_gpu(lambda v: F.get_item(v, mask), [uniform(0, (2, 3), numpy.float32)])
