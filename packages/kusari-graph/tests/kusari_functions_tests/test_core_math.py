from __future__ import annotations

from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.graph import Variable
from kusari.graph.type_check import InvalidType

from ._corecheck import assert_forward, check_grads, rand

FLOATS = (numpy.float16, numpy.float32, numpy.float64)

ELEMENTWISE = [
    ("exp", F.exp, numpy.exp, (-1.0, 1.0)),
    ("log", F.log, numpy.log, (0.5, 2.0)),
    ("sin", F.sin, numpy.sin, (-2.0, 2.0)),
    ("cos", F.cos, numpy.cos, (-2.0, 2.0)),
    ("tanh", F.tanh, numpy.tanh, (-2.0, 2.0)),
    ("sigmoid", F.sigmoid, lambda x: 1 / (1 + numpy.exp(-x)), (-3.0, 3.0)),
    ("relu", F.relu, lambda x: numpy.maximum(x, 0), (-1.0, 1.0)),
]


@pytest.mark.parametrize(("name", "function", "reference", "bounds"), ELEMENTWISE)
@pytest.mark.parametrize("dtype", FLOATS)
def test_elementwise_forward(
    name: str, function: Any, reference: Any, bounds: Any, dtype: Any
) -> None:
    x = rand(1, (3, 4), dtype, *bounds)
    assert_forward(function(x), reference(x.astype(numpy.float64)), dtype)


@pytest.mark.parametrize(("name", "function", "reference", "bounds"), ELEMENTWISE)
def test_elementwise_gradients(name: str, function: Any, reference: Any, bounds: Any) -> None:
    x = rand(2, (3, 4), numpy.float64, *bounds)
    if name == "relu":
        x[numpy.abs(x) < 0.05] = 0.3  # stay away from the kink
    check_grads(function, [x])


@pytest.mark.parametrize("function", [F.exp, F.log, F.sin, F.cos, F.tanh, F.sigmoid, F.relu])
def test_elementwise_functions_need_floats(function: Any) -> None:
    with pytest.raises(InvalidType, match=r"Expect: x.dtype.kind == 'f'\nActual: i != f"):
        function(numpy.array([1, 2], numpy.int32))


def test_sigmoid_is_stable_for_large_inputs() -> None:
    y = F.sigmoid(numpy.array([-1000.0, 1000.0]))
    numpy.testing.assert_array_equal(y.array, [0.0, 1.0])


def test_relu_second_derivative_is_zero() -> None:
    from kusari.graph import grad

    x = Variable(numpy.array([-1.0, 2.0]))
    (gx,) = grad([F.sum(F.relu(x) * x)], [x], enable_double_backprop=True)
    assert gx is not None
    numpy.testing.assert_array_equal(gx.array, [0.0, 4.0])
    (ggx,) = grad([F.sum(gx)], [x])
    assert ggx is not None
    numpy.testing.assert_array_equal(ggx.array, [0.0, 2.0])


@pytest.mark.parametrize(
    ("axis", "keepdims"),
    [
        (None, False),
        (None, True),
        (0, False),
        (1, True),
        (-1, False),
        ((0, 2), False),
        ((2, 0), True),
    ],
)
@pytest.mark.parametrize("function", ["sum", "mean"])
def test_reductions(axis: Any, keepdims: bool, function: str) -> None:
    x = rand(3, (2, 3, 4))
    f = getattr(F, function)
    reference = getattr(numpy, function)
    assert_forward(
        f(x, axis=axis, keepdims=keepdims),
        reference(x, axis=axis, keepdims=keepdims),
        numpy.float64,
    )
    check_grads(lambda v: f(v, axis=axis, keepdims=keepdims), [x])
    y32 = f(x.astype(numpy.float32), axis=axis, keepdims=keepdims)
    assert y32.dtype == numpy.float32


def test_reduction_argument_errors() -> None:
    x = numpy.zeros((2, 3))
    with pytest.raises(ValueError, match="axis 2 is out of bounds for an array of dimension 2"):
        F.sum(x, axis=2)
    with pytest.raises(ValueError, match="duplicate value in axis"):
        F.mean(x, axis=(0, -2))
    with pytest.raises(TypeError, match="axis must be an int, a tuple of ints or None"):
        F.sum(x, axis=1.5)  # type: ignore[arg-type]
    with pytest.raises(InvalidType, match=r"x.dtype.kind == 'f'"):
        F.sum(numpy.zeros(2, numpy.int64))


def test_sum_to_and_broadcast_to() -> None:
    x = rand(4, (2, 3, 4))
    assert_forward(F.sum_to(x, (3, 1)), x.sum(axis=(0, 2)).reshape(3, 1), numpy.float64)
    assert_forward(F.sum_to(x, (1, 3, 4)), x.sum(axis=0, keepdims=True), numpy.float64)
    check_grads(lambda v: F.sum_to(v, (3, 1)), [x])
    same = Variable(x)
    assert F.sum_to(same, (2, 3, 4)) is same
    with pytest.raises(ValueError, match=r"shape \(5,\) cannot be broadcast to the input's shape"):
        F.sum_to(x, (5,))
    b = rand(5, (3, 1))
    assert_forward(F.broadcast_to(b, (2, 3, 4)), numpy.broadcast_to(b, (2, 3, 4)), numpy.float64)
    check_grads(lambda v: F.broadcast_to(v, (2, 3, 4)), [b])
    assert F.broadcast_to(same, (2, 3, 4)) is same
    with pytest.raises(InvalidType, match=r"x.shape can be broadcast to \(2, 2\)"):
        F.broadcast_to(b, (2, 2))


@pytest.mark.parametrize(
    ("shape_a", "shape_b", "transa", "transb"),
    [
        ((2, 3), (3, 4), False, False),
        ((3, 2), (3, 4), True, False),
        ((2, 3), (4, 3), False, True),
        ((3, 2), (4, 3), True, True),
        ((3, 3), (3, 3), True, True),
        ((5, 2, 3), (5, 3, 4), False, False),
        ((5, 2, 3), (3, 4), False, False),
        ((2, 3), (5, 3, 4), False, False),
        ((1, 2, 3), (5, 1, 3, 4), False, False),
        ((5, 3, 2), (5, 4, 3), True, True),
        ((3,), (3, 4), False, False),
        ((2, 3), (3,), False, False),
        ((3,), (3,), False, False),
        ((3,), (5, 3, 4), False, False),
    ],
)
def test_matmul(shape_a: Any, shape_b: Any, transa: bool, transb: bool) -> None:
    a = rand(6, shape_a)
    b = rand(7, shape_b)
    a_ref = a.swapaxes(-1, -2) if transa and a.ndim >= 2 else a
    b_ref = b.swapaxes(-1, -2) if transb and b.ndim >= 2 else b
    assert_forward(
        F.matmul(a, b, transa=transa, transb=transb), numpy.matmul(a_ref, b_ref), numpy.float64
    )
    check_grads(lambda u, v: F.matmul(u, v, transa=transa, transb=transb), [a, b])


def test_matmul_operator_and_errors() -> None:
    a = rand(8, (2, 3))
    b = rand(9, (3, 2))
    assert_forward(Variable(a) @ b, a @ b, numpy.float64)
    assert_forward(a @ Variable(b), a @ b, numpy.float64)
    with pytest.raises(InvalidType, match=r"(?s)a.shape\[-1\] == b.shape\[-2\].*\(3 vs 4\)"):
        F.matmul(a, rand(1, (4, 2)))
    with pytest.raises(InvalidType, match=r"a.ndim >= 1 and b.ndim >= 1"):
        F.matmul(numpy.array(1.0), b)
    with pytest.raises(InvalidType, match=r"a.dtype == b.dtype"):
        F.matmul(a, b.astype(numpy.float32))


def test_identity() -> None:
    a = rand(1, (2,))
    y = F.identity(a)
    assert isinstance(y, Variable)
    assert y.array is a
    x1 = Variable(rand(2, (2,)))
    x2 = Variable(rand(3, (3,)))
    outputs = F.identity(x1, x2)
    assert isinstance(outputs, tuple)
    assert len(outputs) == 2
    F.sum(outputs[0] * 2).backward()
    numpy.testing.assert_array_equal(x1.grad, [2.0, 2.0])
    assert x2.grad is None
    check_grads(lambda v: F.identity(v), [a])
    with pytest.raises(TypeError, match="needs at least one input"):
        F.identity()  # type: ignore[call-overload]
