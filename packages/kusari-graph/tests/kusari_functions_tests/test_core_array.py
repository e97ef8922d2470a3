from __future__ import annotations

from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.graph import Variable
from kusari.graph.type_check import InvalidType

from ._corecheck import assert_forward, check_grads, rand


@pytest.mark.parametrize(
    ("shape", "target"), [((2, 3), (3, 2)), ((2, 3), (-1,)), ((6,), (1, 2, 3)), ((1,), ())]
)
def test_reshape(shape: Any, target: Any) -> None:
    x = rand(1, shape)
    assert_forward(F.reshape(x, target), x.reshape(target), numpy.float64)
    if shape != (1,):
        check_grads(lambda v: F.reshape(v, target), [x])
    with pytest.raises(InvalidType, match=r"x.size is compatible with the shape \(7,\)"):
        F.reshape(x, (7,))


def test_reshape_same_shape_returns_the_variable() -> None:
    v = Variable(rand(1, (2, 3)))
    assert F.reshape(v, (2, 3)) is v


@pytest.mark.parametrize("axes", [None, (1, 0, 2), (2, 0, 1), (-1, 0, 1)])
def test_transpose(axes: Any) -> None:
    x = rand(2, (2, 3, 4))
    assert_forward(F.transpose(x, axes), numpy.transpose(x, axes), numpy.float64)
    check_grads(lambda v: F.transpose(v, axes), [x])


def test_transpose_rejects_bad_axes() -> None:
    with pytest.raises(InvalidType, match=r"axes \(0, 0\) is a permutation of range\(x.ndim\)"):
        F.transpose(numpy.zeros((2, 3)), (0, 0))
    with pytest.raises(InvalidType, match="permutation"):
        F.transpose(numpy.zeros((2, 3)), (0, 1, 2))


INDEXES: list[Any] = [
    1,
    -1,
    slice(None, None, 2),
    (slice(None), 1),
    (Ellipsis, 2),
    (None, 0),
    (slice(1, 3), slice(None, None, -1)),
    [0, 2, 2],
    ([0, 1], [1, 2]),
    (slice(None), [3, 0, 0]),
    numpy.array([True, False, True]),
    (numpy.array([0, 2]), slice(0, 2)),
]


@pytest.mark.parametrize("index", INDEXES)
def test_get_item(index: Any) -> None:
    x = rand(3, (3, 4))
    reference = x[index]
    y = F.get_item(x, index)
    assert_forward(y, numpy.asarray(reference), numpy.float64)
    assert_forward(Variable(x)[index], numpy.asarray(reference), numpy.float64)
    check_grads(lambda v: F.get_item(v, index), [x])


def test_get_item_repeated_indices_add_up() -> None:
    x = Variable(numpy.zeros(3))
    F.sum(x[[0, 0, 2, 0]]).backward()
    numpy.testing.assert_array_equal(x.grad, [3.0, 0.0, 1.0])


def test_get_item_with_variable_index_and_scalar_result() -> None:
    x = Variable(numpy.arange(4.0))
    y = x[Variable(numpy.array([3, 1]))]
    numpy.testing.assert_array_equal(y.array, [3.0, 1.0])
    s = x[2]
    assert isinstance(s.array, numpy.ndarray)
    assert s.array.shape == ()
    s.backward()
    numpy.testing.assert_array_equal(x.grad, [0.0, 0.0, 1.0, 0.0])


def test_get_item_rejects_bad_indexes() -> None:
    x = Variable(numpy.zeros(3))
    with pytest.raises(TypeError, match=r"an index must be an int, a slice.*got float"):
        x[1.5]
    with pytest.raises(TypeError, match="got str"):
        x["a"]
    with pytest.raises(TypeError, match="got bool"):
        x[True]


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (numpy.float32, numpy.float64),
        (numpy.float64, numpy.float16),
        (numpy.float16, numpy.float32),
    ],
)
def test_cast(source: Any, target: Any) -> None:
    x = Variable(rand(4, (2, 3), source))
    y = F.cast(x, target)
    assert y.dtype == target
    numpy.testing.assert_array_equal(y.array, x.array.astype(target))  # type: ignore[union-attr]
    y.grad = numpy.ones((2, 3), target)
    y.backward()
    assert x.grad is not None
    assert x.grad.dtype == source
    numpy.testing.assert_array_equal(x.grad, numpy.ones((2, 3)))
    assert F.cast(x, source) is x


def test_broadcast_results_give_writeable_leaf_gradients() -> None:
    x = Variable(rand(6, (3,)))
    F.sum(F.broadcast_to(x, (2, 3))).backward()
    numpy.testing.assert_array_equal(x.grad, [2.0, 2.0, 2.0])
    assert x.grad is not None
    assert x.grad.flags.writeable
    y = Variable(rand(7, (2, 2)))
    F.mean(y).backward()
    assert y.grad is not None
    assert y.grad.flags.writeable
    numpy.testing.assert_array_equal(y.grad, numpy.full((2, 2), 0.25))
