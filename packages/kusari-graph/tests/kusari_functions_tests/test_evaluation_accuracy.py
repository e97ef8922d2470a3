"""accuracy and binary_accuracy."""

from __future__ import annotations

from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.graph import Variable
from kusari.graph.type_check import InvalidType

from ._opcheck import FLOATS, data


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape", [(10, 3), (6, 4, 5), (5, 3, 2, 2)])
def test_accuracy(dtype: Any, shape: tuple[int, ...]) -> None:
    rng = numpy.random.default_rng(0)
    y = rng.permutation(numpy.prod(shape)).reshape(shape).astype(dtype)
    t = rng.integers(0, shape[1], (shape[0], *shape[2:])).astype(numpy.int32)
    acc = F.accuracy(y, t)
    assert acc.dtype == dtype
    assert acc.shape == ()
    expected = (y.argmax(axis=1) == t).mean()
    numpy.testing.assert_allclose(data(acc), expected, rtol=1e-3)


@pytest.mark.parametrize("label_dtype", [numpy.int8, numpy.int32, numpy.int64])
def test_accuracy_ignore_label(label_dtype: Any) -> None:
    y = numpy.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]], numpy.float32)
    t = numpy.array([1, -1, 0, 0], label_dtype)
    assert float(data(F.accuracy(y, t))) == 0.5
    numpy.testing.assert_allclose(data(F.accuracy(y, t, ignore_label=-1)), 2 / 3)
    assert float(data(F.accuracy(y, numpy.full(4, -1, label_dtype), ignore_label=-1))) == 0.0


def test_accuracy_has_no_gradient() -> None:
    y = Variable(numpy.array([[0.1, 0.9]], numpy.float32))
    acc = F.accuracy(y, numpy.array([1], numpy.int32))
    assert acc.creator_node is not None
    assert acc.creator_node.backward((0,), (None,)) == (None,)


def test_accuracy_errors() -> None:
    y = numpy.zeros((2, 3), numpy.float32)
    with pytest.raises(
        InvalidType,
        match=r"in: Accuracy \(Forward\)\n\n"
        r"Expect: x\.shape\[0\] == t\.shape\[0\]\nActual: 2 != 3",
    ):
        F.accuracy(y, numpy.zeros(3, numpy.int32))
    with pytest.raises(InvalidType, match=r"Expect: t\.dtype\.kind == 'i'\nActual: f != i"):
        F.accuracy(y, numpy.zeros(2, numpy.float32))
    with pytest.raises(InvalidType, match=r"Expect: x\.dtype\.kind == 'f'"):
        F.accuracy(numpy.zeros((2, 3), numpy.int32), numpy.zeros(2, numpy.int32))
    with pytest.raises(InvalidType, match=r"Expect: t\.ndim == x\.ndim - 1\nActual: 2 != 1"):
        F.accuracy(y, numpy.zeros((2, 3), numpy.int32))
    with pytest.raises(
        InvalidType, match=r"Expect: x\.shape\[2\] == t\.shape\[1\]\nActual: 4 != 5"
    ):
        F.accuracy(numpy.zeros((2, 3, 4), numpy.float32), numpy.zeros((2, 5), numpy.int32))
    with pytest.raises(TypeError, match="ignore_label must be an int or None, got float"):
        F.accuracy(y, numpy.zeros(2, numpy.int32), ignore_label=1.0)  # type: ignore[arg-type]


@pytest.mark.parametrize("dtype", FLOATS)
def test_binary_accuracy(dtype: Any) -> None:
    y = numpy.array([[2.0, -1.0, 0.0], [-0.0, 0.5, -3.0]], dtype)
    t = numpy.array([[1, 0, 0], [0, -1, 1]], numpy.int32)
    acc = F.binary_accuracy(y, t)
    assert acc.dtype == dtype
    # y >= 0 predicts 1 (so 0.0 and -0.0 predict 1); the -1 label is left out
    numpy.testing.assert_allclose(data(acc), 2 / 5, rtol=1e-3)
    assert float(data(F.binary_accuracy(y, numpy.full((2, 3), -1, numpy.int32)))) == 0.0


def test_binary_accuracy_errors() -> None:
    with pytest.raises(
        InvalidType,
        match=r"in: BinaryAccuracy \(Forward\)\n\n"
        r"Expect: t\.shape == x\.shape\nActual: \(2, 2\) != \(2, 3\)",
    ):
        F.binary_accuracy(numpy.zeros((2, 3), numpy.float32), numpy.zeros((2, 2), numpy.int32))
    with pytest.raises(InvalidType, match=r"Expect: t\.dtype\.kind == 'i'"):
        F.binary_accuracy(numpy.zeros(2), numpy.zeros(2))
