from __future__ import annotations

import operator
from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.graph import Variable
from kusari.graph.type_check import InvalidType

from ._corecheck import assert_forward, check_grads, rand

SHAPES = [((2, 3), (2, 3)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((), (2,)), ((4,), ())]
# gradient_check cannot perturb 0-dimensional inputs yet (it gets NumPy scalars back), so
# the gradient tests broadcast (1,)-shaped operands instead.
GRAD_SHAPES = [((2, 3), (2, 3)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((1,), (2,)), ((4,), (1,))]
FLOATS = (numpy.float16, numpy.float32, numpy.float64)

BINARY = [
    ("add", operator.add, F.add),
    ("sub", operator.sub, F.sub),
    ("mul", operator.mul, F.mul),
    ("div", operator.truediv, F.div),
    ("pow", operator.pow, F.power),
]


def positive(seed: int, shape: tuple[int, ...], dtype: Any = numpy.float64) -> Any:
    return rand(seed, shape, dtype, 0.5, 2.0)


@pytest.mark.parametrize(("name", "op", "function"), BINARY)
@pytest.mark.parametrize(("shape_a", "shape_b"), SHAPES)
@pytest.mark.parametrize("dtype", FLOATS)
def test_binary_forward(
    name: str, op: Any, function: Any, shape_a: Any, shape_b: Any, dtype: Any
) -> None:
    a = positive(1, shape_a, dtype)
    b = positive(2, shape_b, dtype)
    expected = op(a.astype(numpy.float64), b.astype(numpy.float64))
    assert_forward(op(Variable(a), Variable(b)), expected, dtype)
    assert_forward(function(Variable(a), b), expected, dtype)
    assert_forward(op(a, Variable(b)), expected, dtype)


@pytest.mark.parametrize(("name", "op", "function"), BINARY)
@pytest.mark.parametrize(("shape_a", "shape_b"), GRAD_SHAPES)
def test_binary_gradients(name: str, op: Any, function: Any, shape_a: Any, shape_b: Any) -> None:
    check_grads(op, [positive(3, shape_a), positive(4, shape_b)])


@pytest.mark.parametrize(
    ("name", "op"),
    [
        ("add", lambda x: x + 1.5),
        ("radd", lambda x: 1.5 + x),
        ("sub", lambda x: x - 1.5),
        ("rsub", lambda x: 1.5 - x),
        ("mul", lambda x: x * 1.5),
        ("rmul", lambda x: 1.5 * x),
        ("div", lambda x: x / 1.5),
        ("rdiv", lambda x: 1.5 / x),
        ("pow", lambda x: x**1.5),
        ("pow_int", lambda x: x**3),
        ("pow_one", lambda x: x**1),
        ("pow_zero", lambda x: x**0),
        ("rpow", lambda x: 1.5**x),
        ("neg", lambda x: -x),
        ("abs", lambda x: abs(x)),
        ("neg_f", F.neg),
        ("abs_f", F.absolute),
    ],
)
def test_unary_and_constant_forms(name: str, op: Any) -> None:
    x = rand(5, (2, 3), numpy.float64, 0.5, 2.0)
    if name == "abs" or name == "abs_f":
        x = x * numpy.array([1, -1, 1])
    expected = {"neg_f": numpy.negative, "abs_f": numpy.abs}.get(name, op)(x)
    y = op(Variable(x))
    assert_forward(y, expected, numpy.float64)
    check_grads(op, [x])


def test_scalar_operands_keep_the_dtype() -> None:
    x = Variable(numpy.array([1.0, 2.0], numpy.float16))
    for y in (x * 2.5, 2.5 * x, x + 1, x - numpy.float64(1), 1 / x, x**2.0, 2.0**x, x / 3):
        assert y.dtype == numpy.float16
    assert (x * 2.5).array.tolist() == [2.5, 5.0]  # type: ignore[union-attr]
    i = Variable(numpy.array([1, 2], numpy.int32))
    y = i + 2.5  # the scalar is cast to int32 first, as in Chainer
    assert y.dtype == numpy.int32
    numpy.testing.assert_array_equal(y.array, [3, 4])
    numpy.testing.assert_array_equal((i * 2).array, [2, 4])


def test_array_operands_are_cast_to_the_variable_dtype() -> None:
    x = Variable(numpy.array([1.0, 2.0], numpy.float32))
    y = x + numpy.array([1.0, 1.0])  # float64 array
    assert y.dtype == numpy.float32
    z = numpy.array([1.0, 1.0]) * x  # ndarray on the left: __array_priority__
    assert isinstance(z, Variable)
    assert z.dtype == numpy.float32


def test_variables_of_different_dtypes_are_invalid() -> None:
    a = Variable(numpy.ones(2, numpy.float32))
    b = Variable(numpy.ones(2, numpy.float64))
    for op in (operator.add, operator.sub, operator.mul, operator.truediv, operator.pow):
        with pytest.raises(InvalidType, match=r"lhs.dtype == rhs.dtype"):
            op(a, b)


def test_unsupported_operands_are_type_errors() -> None:
    x = Variable(numpy.ones(2))
    with pytest.raises(TypeError, match="unsupported operand"):
        x + "a"  # type: ignore[operator]
    with pytest.raises(TypeError, match="can't multiply sequence"):
        x * [1, 2]  # type: ignore[operator]
    with pytest.raises(TypeError):
        x @ 2.0  # type: ignore[operator]
    with pytest.raises(TypeError, match="at least one operand must be a Variable or an array"):
        F.add(1.0, 2.0)
    with pytest.raises(TypeError, match="unsupported operand types: Variable and str"):
        F.mul(x, "a")  # type: ignore[arg-type]


def test_broadcast_mismatch_is_invalid() -> None:
    with pytest.raises(InvalidType, match="cannot broadcast inputs"):
        Variable(numpy.ones((2, 3))) + numpy.ones(4)


def test_integer_division_and_pow_are_refused() -> None:
    i = Variable(numpy.array([1, 2]))
    with pytest.raises(InvalidType, match="kind == 'f'"):
        i / i
    with pytest.raises(InvalidType, match="kind == 'f'"):
        i**i


def test_function_forms_with_arrays_only() -> None:
    a = numpy.array([1.0, 2.0])
    numpy.testing.assert_array_equal(F.add(a, a).array, [2.0, 4.0])
    numpy.testing.assert_array_equal(F.sub(3.0, a).array, [2.0, 1.0])
    numpy.testing.assert_array_equal(F.mul(a, 2).array, [2.0, 4.0])
    numpy.testing.assert_array_equal(F.div(2.0, a).array, [2.0, 1.0])
    numpy.testing.assert_array_equal(F.power(2.0, a).array, [2.0, 4.0])
    assert not F.add(a, a).requires_grad


def test_multi_add() -> None:
    xs = [rand(i, (2, 3)) for i in range(4)]
    assert_forward(F.add(*[Variable(x) for x in xs]), sum(xs), numpy.float64)
    check_grads(lambda *vs: F.add(*vs), xs)
    with pytest.raises(InvalidType, match=r"x.shape == x2.shape"):
        F.add(numpy.ones(2), numpy.ones(2), numpy.ones(3))
    with pytest.raises(TypeError, match="at least one input"):
        F.add()
    single = Variable(numpy.ones(2))
    assert F.add(single).array.tolist() == [1.0, 1.0]  # type: ignore[union-attr]


def test_absolute_gradient_at_zero_is_zero() -> None:
    x = Variable(numpy.array([0.0, -2.0, 3.0]))
    F.sum(abs(x)).backward()
    numpy.testing.assert_array_equal(x.grad, [0.0, -1.0, 1.0])


def test_pow_zero_exponent_gradient_is_zero_at_zero() -> None:
    x = Variable(numpy.array([0.0, 2.0]))
    F.sum(x**0).backward()
    numpy.testing.assert_array_equal(x.grad, [0.0, 0.0])
