"""hstack, vstack, dstack: forward against NumPy, gradients, errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.graph.type_check import InvalidType

from ._array_loss_support import FLOATS, check_grads, check_on_gpu, gpu, uniform

FUNCTIONS: list[tuple[Callable[..., Any], Callable[..., Any]]] = [
    (F.hstack, numpy.hstack),
    (F.vstack, numpy.vstack),
    (F.dstack, numpy.dstack),
]
SHAPES: dict[str, list[list[tuple[int, ...]]]] = {
    "hstack": [[(2, 3), (2, 1)], [(2,), (3,)], [(), ()], [(2, 1, 3), (2, 2, 3)]],
    "vstack": [[(2, 3), (1, 3)], [(3,), (3,)], [(), ()], [(1, 2, 3), (2, 2, 3)]],
    "dstack": [[(2, 3), (2, 3)], [(3,), (3,)], [(), ()], [(2, 3, 1), (2, 3, 2)], [(2, 3, 1, 2)]],
}
CASES = [(f, ref, shapes) for f, ref in FUNCTIONS for shapes in SHAPES[f.__name__]]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize(("fn", "reference", "shapes"), CASES)
def test_forward(
    dtype: Any, fn: Callable[..., Any], reference: Callable[..., Any], shapes: list[Any]
) -> None:
    xs = [uniform(i, s, dtype) for i, s in enumerate(shapes)]
    y = fn(xs)
    expected = reference(xs)
    assert y.dtype == numpy.dtype(dtype)
    numpy.testing.assert_array_equal(y.array, expected)


@pytest.mark.parametrize(("fn", "reference", "shapes"), CASES)
def test_gradients(
    fn: Callable[..., Any], reference: Callable[..., Any], shapes: list[Any]
) -> None:
    xs = [uniform(i, s, numpy.float64) for i, s in enumerate(shapes)]
    check_grads(lambda *vs: fn(vs), xs)


@pytest.mark.parametrize(("fn", "reference"), FUNCTIONS)
def test_mismatched_inputs(fn: Callable[..., Any], reference: Callable[..., Any]) -> None:
    with pytest.raises(InvalidType, match=r"Concat \(Forward\)"):
        fn([numpy.zeros((2, 3)), numpy.zeros((4, 5))])
    with pytest.raises(InvalidType, match=r"in_types.size\(\) > 0"):
        fn([])


@gpu
@pytest.mark.parametrize(("fn", "reference"), FUNCTIONS)
def test_gpu(fn: Callable[..., Any], reference: Callable[..., Any]) -> None:
    xs = [uniform(0, (2, 3), numpy.float32), uniform(1, (2, 3), numpy.float32)]
    check_on_gpu(lambda *vs: fn(vs), xs)
