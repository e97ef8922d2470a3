"""transpose_sequence: forward against a direct loop, round trip, gradients, errors."""

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

LENGTHS = [(3, 2, 1), (2, 2), (4,), (2, 0), (1, 1, 1)]


@pytest.mark.parametrize("dtype", [*FLOATS, numpy.int32])
@pytest.mark.parametrize("lengths", LENGTHS)
@pytest.mark.parametrize("item", [(), (2,)])
def test_forward(dtype: Any, lengths: tuple[int, ...], item: tuple[int, ...]) -> None:
    xs = [
        uniform(i, (n, *item), numpy.float64, -5, 5).astype(dtype) for i, n in enumerate(lengths)
    ]
    ys = F.transpose_sequence(xs)
    assert len(ys) == lengths[0]
    for t, y in enumerate(ys):
        expected = numpy.stack([x[t] for x in xs if len(x) > t])
        assert y.dtype == numpy.dtype(dtype)
        numpy.testing.assert_array_equal(y.array, expected)


def test_round_trip() -> None:
    xs = [uniform(i, (n, 3), numpy.float32) for i, n in enumerate((3, 2, 2))]
    back = F.transpose_sequence(F.transpose_sequence(xs))
    for x, y in zip(xs, back, strict=True):
        numpy.testing.assert_array_equal(y.array, x)


def test_empty_input() -> None:
    assert F.transpose_sequence([]) == ()


@pytest.mark.parametrize("lengths", LENGTHS)
def test_gradients(lengths: tuple[int, ...]) -> None:
    xs = [uniform(i, (n, 2), numpy.float64) for i, n in enumerate(lengths)]
    check_grads(lambda *vs: F.transpose_sequence(vs), xs)


def test_gradients_float16() -> None:
    xs = [uniform(i, (n, 2), numpy.float16) for i, n in enumerate((3, 1))]
    check_grads_float16(lambda *vs: F.transpose_sequence(vs), xs)


def test_unused_time_steps_get_zero_gradient() -> None:
    xs = [Variable(numpy.ones((3, 2))), Variable(numpy.ones((1, 2)))]
    ys = F.transpose_sequence(xs)
    F.sum(ys[0]).backward()
    numpy.testing.assert_array_equal(xs[0].grad, [[1.0, 1.0], [0.0, 0.0], [0.0, 0.0]])
    numpy.testing.assert_array_equal(xs[1].grad, [[1.0, 1.0]])


@pytest.mark.parametrize(
    ("xs", "message"),
    [
        (
            [numpy.zeros((1, 2)), numpy.zeros((2, 2))],
            r"TransposeSequence \(Forward\)\n\n"
            r"Expect: in_types\[0\].shape\[0\] >= in_types\[1\].shape\[0\]",
        ),
        (
            [numpy.zeros((2, 2)), numpy.zeros((2, 3))],
            r"Expect: in_types\[0\].shape\[1:\] == in_types\[1\].shape\[1:\]",
        ),
        (
            [numpy.zeros(2), numpy.zeros(2, numpy.float32)],
            r"Expect: in_types\[0\].dtype == in_types\[1\].dtype",
        ),
        ([numpy.zeros(())], r"Expect: in_types\[0\].ndim >= 1"),
    ],
)
def test_invalid_inputs(xs: list[Any], message: str) -> None:
    with pytest.raises(InvalidType, match=message):
        F.transpose_sequence(xs)


@gpu
def test_gpu() -> None:
    xs = [uniform(i, (n, 2), numpy.float32) for i, n in enumerate((3, 2, 2))]
    check_on_gpu(lambda *vs: F.transpose_sequence(vs), xs)
