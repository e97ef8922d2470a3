from __future__ import annotations

import pickle

import numpy
import pytest

from kusari.graph import type_check
from kusari.graph.type_check import InputSpec, InvalidType


def full(*arrays: object) -> type_check.TypeInfoTuple:
    return type_check.get_types(arrays, "in_types", False)


def light(*arrays: object) -> type_check.TypeInfoTuple:
    return type_check.get_types(arrays, "in_types", False, light=True)


def test_full_mode_expressions_print_and_evaluate() -> None:
    t = full(numpy.zeros((2, 3), numpy.float32), numpy.zeros(3))
    x, w = t
    cases = [
        (x.shape[0], "in_types[0].shape[0]", 2),
        (x.shape[1:], "in_types[0].shape[1:]", (3,)),
        (x.ndim + 1, "in_types[0].ndim + 1", 3),
        ((x.ndim + 1) * 2, "(in_types[0].ndim + 1) * 2", 6),
        (x.ndim * (w.ndim + 1), "in_types[0].ndim * (in_types[1].ndim + 1)", 4),
        (-x.ndim, "-in_types[0].ndim", -2),
        (2**x.ndim, "2 ** in_types[0].ndim", 4),
        (x.ndim - (w.ndim - 1), "in_types[0].ndim - (in_types[1].ndim - 1)", 2),
        (type_check.prod(x.shape), "prod(in_types[0].shape)", 6),
        (t.size(), "in_types.size()", 2),
        (x.dtype.kind, "in_types[0].dtype.kind", "f"),
    ]
    for expr, text, value in cases:
        assert str(expr) == text
        assert type_check.eval(expr) == value


def test_expect_failure_messages() -> None:
    x, w = full(numpy.zeros((2, 3), numpy.float32), numpy.zeros(3))
    with pytest.raises(InvalidType) as info:
        type_check.expect(x.dtype == w.dtype)
    assert (
        str(info.value)
        == "Expect: in_types[0].dtype == in_types[1].dtype\nActual: float32 != float64"
    )
    with pytest.raises(InvalidType, match=r"Expect: in_types\[0\].dtype == numpy.float64\nActual"):
        type_check.expect(x.dtype == numpy.float64)
    with pytest.raises(InvalidType, match=r"Expect: in_types\[0\].ndim < 2\nActual: 2 >= 2"):
        type_check.expect(x.ndim < 2)
    with pytest.raises(InvalidType, match=r"Actual: 1 < 2"):
        type_check.expect(w.ndim >= 2)
    with pytest.raises(InvalidType, match=r"Actual: 2 > 1"):
        type_check.expect(x.ndim <= 1)
    with pytest.raises(InvalidType, match=r"Actual: 1 <= 1"):
        type_check.expect(w.ndim > 1)
    with pytest.raises(InvalidType, match=r"Actual: 2 == 2"):
        type_check.expect(x.ndim != 2)
    type_check.expect(x.ndim == 2, w.shape[0] == x.shape[1])


def test_light_mode_evaluates_to_plain_values() -> None:
    t = light(numpy.zeros((2, 3), numpy.float32))
    x = t[0]
    assert isinstance(x, type_check.TypeInfo)
    assert (x.shape, x.ndim, x.size) == ((2, 3), 2, 6)
    assert x.dtype == numpy.dtype(numpy.float32)
    assert t.size() == 1
    type_check.expect(x.ndim == 2)
    with pytest.raises(InvalidType):
        type_check.expect(x.ndim == 3)
    type_check.argname(t, ("x",))  # no-op in light mode
    assert repr(x) == "TypeInfo(shape=(2, 3), dtype=float32)"


def test_expressions_refuse_bool_and_non_comparisons() -> None:
    (x,) = full(numpy.zeros(2))
    with pytest.raises(RuntimeError, match="cannot be converted to bool"):
        bool(x.ndim == 1)
    with pytest.raises(TypeError, match="needs comparisons, got the expression in_types"):
        type_check.expect(x.ndim)
    with pytest.raises(TypeError, match="unhashable"):
        hash(x)


def test_argname_names_the_inputs() -> None:
    t = full(numpy.zeros(2), numpy.zeros(3))
    type_check.argname(t, ("x", "W"))
    with pytest.raises(InvalidType, match=r"Expect: x.shape == W.shape\nActual: \(2,\) != \(3,\)"):
        type_check.expect(t[0].shape == t[1].shape)
    with pytest.raises(InvalidType, match=r"Invalid number of arguments\nExpect: 1 argument"):
        type_check.argname(t, ("x",))


def test_expect_broadcast_shapes() -> None:
    t = full(numpy.zeros((2, 3)), numpy.zeros(3), numpy.zeros(4))
    type_check.expect_broadcast_shapes(t[0].shape, t[1].shape)
    with pytest.raises(InvalidType) as info:
        type_check.expect_broadcast_shapes(t[0].shape, t[2].shape)
    assert str(info.value) == (
        "cannot broadcast inputs of the following shapes:\n"
        "in_types[0].shape = (2, 3)\nin_types[2].shape = (4,)"
    )
    type_check.expect_broadcast_shapes((2, 3), None, allow_none=True)
    type_check.expect_broadcast_shapes((2, 3), (1, 3))


def test_get_types_accepts_none_when_told() -> None:
    t = type_check.get_types((None,), "in_types", True)
    assert type_check.eval(t[0].shape) == ()
    assert type_check.eval(t[0].dtype) is None
    with pytest.raises(TypeError, match=r"in_types\[0\] is None"):
        type_check.get_types((None,), "in_types", False)
    t2 = type_check.get_types((numpy.zeros(2),), "in_types", False, shapes=[(5,)])
    assert type_check.eval(t2[0].shape) == (5,)


def test_helpers() -> None:
    assert type_check.same_types(numpy.zeros(1), numpy.zeros(2))
    assert not type_check.same_types(numpy.zeros(1), [1.0])
    v = type_check.make_variable(3, "n")
    assert str(v) == "n"
    assert type_check.eval(v) == 3
    assert type_check.eval(7) == 7
    assert str(type_check.Constant("f")) == "'f'"
    assert str(type_check.Variable(3, "n")[1:2]) == "n[1:2]"
    assert str(type_check.Variable((1, 2), "s")[::2]) == "s[::2]"


def test_invalid_type_pickles() -> None:
    error = InvalidType("a == b", "1 != 2")
    clone = pickle.loads(pickle.dumps(error))
    assert isinstance(clone, InvalidType)
    assert (clone.expect, clone.actual, str(clone)) == ("a == b", "1 != 2", str(error))
    assert str(InvalidType("", "", msg="custom")) == "custom"


def test_input_spec() -> None:
    spec = InputSpec("x", "y", kinds="fc", same_dtype=True, same_shape=True)
    assert repr(spec) == "InputSpec('x', 'y', kinds='fc', same_dtype=True, same_shape=True)"
    a = numpy.zeros(2)
    assert spec.check((a, a))
    assert not spec.check((a, numpy.zeros(3)))
    assert not spec.check((a,))
    with pytest.raises(InvalidType, match=r"Expect: x.shape == y.shape\nActual: \(2,\) != \(3,\)"):
        spec.raise_error((a, numpy.zeros(3)), "Op")
    ints = numpy.zeros(2, numpy.int64)
    with pytest.raises(InvalidType, match=r"x.dtype.kind in 'fc' \(floating point or complex\)"):
        spec.raise_error((ints, ints), "Op")
    variadic = InputSpec("x", same_dtype=True, variadic=True)
    assert variadic.check((a, a, a))
    assert not variadic.check(())
    with pytest.raises(InvalidType, match=r"x.dtype == x2.dtype"):
        variadic.raise_error((a, a, numpy.zeros(2, numpy.float32)), "Op")
    with pytest.raises(ValueError, match="at least one input"):
        InputSpec()
    assert InputSpec("x").counts_only
    assert not spec.counts_only
