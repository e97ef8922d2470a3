"""Variable after the module split: typed operators, ``mean(weights=...)``, methods bound
from the helper modules, pickles of the old layout."""

from __future__ import annotations

import ast
import copy
import inspect
import pickle
from typing import Any, assert_type

import numpy
import numpy.typing as npt
import pytest

import kusari.functions as F
from kusari.graph import Variable, _variable
from kusari.graph.gradient_check import check_backward, check_double_backward
from kusari.graph.type_check import InvalidType

Arr = npt.NDArray[Any]


def _rng() -> numpy.random.Generator:
    return numpy.random.default_rng(7)


def _arr(v: Variable) -> Arr:
    array = v.array
    assert isinstance(array, numpy.ndarray)
    return array


# -- every installed operator has a typed stub -------------------------------------------


def _typed_stubs() -> set[str]:
    """The special methods declared under ``if TYPE_CHECKING:`` in the Variable class."""
    tree = ast.parse(inspect.getsource(_variable))
    (cls,) = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Variable"]
    names: set[str] = set()
    for node in cls.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            names |= {f.name for f in node.body if isinstance(f, ast.FunctionDef)}
    return names


def test_every_installed_operator_is_typed() -> None:
    installed = {
        name
        for name, value in vars(Variable).items()
        if name.startswith("__")
        and callable(value)
        and getattr(value, "__module__", "").startswith("kusari.functions")
    }
    # The operators kusari.functions installs (the list the stubs must cover).
    assert installed == {
        "__add__",
        "__radd__",
        "__sub__",
        "__rsub__",
        "__mul__",
        "__rmul__",
        "__truediv__",
        "__rtruediv__",
        "__floordiv__",
        "__rfloordiv__",
        "__pow__",
        "__rpow__",
        "__matmul__",
        "__rmatmul__",
        "__neg__",
        "__abs__",
        "__getitem__",
    }
    assert installed <= _typed_stubs()


def test_operators_type_check_and_compute() -> None:
    a = numpy.array([[3.5, -2.5], [1.0, 4.0]], numpy.float32)
    x = Variable(a)
    w = numpy.array([[1.0, 0.0], [2.0, 1.0]], numpy.float32)
    # assert_type makes mypy (run on the tests) check that each operator is typed.
    assert _arr(assert_type(x // 2, Variable)).tolist() == [[1.0, -2.0], [0.0, 2.0]]
    assert _arr(assert_type(7 // x, Variable)).tolist() == [[2.0, -3.0], [7.0, 1.0]]
    assert not (x // 2).requires_grad
    numpy.testing.assert_allclose(_arr(assert_type(x**2, Variable)), a**2)
    numpy.testing.assert_allclose(_arr(assert_type(2**x, Variable)), 2**a)
    numpy.testing.assert_allclose(_arr(assert_type(x @ w, Variable)), a @ w)
    numpy.testing.assert_allclose(_arr(assert_type(w @ x, Variable)), w @ a)
    numpy.testing.assert_array_equal(_arr(assert_type(abs(x), Variable)), numpy.abs(a))
    numpy.testing.assert_array_equal(_arr(assert_type(-x, Variable)), -a)
    numpy.testing.assert_array_equal(_arr(assert_type(x[0], Variable)), a[0])
    numpy.testing.assert_array_equal(_arr(assert_type(x[:, 1], Variable)), a[:, 1])
    numpy.testing.assert_array_equal(_arr(assert_type(x.T, Variable)), a.T)
    numpy.testing.assert_array_equal(_arr(assert_type(x + 1, Variable)), a + 1)
    numpy.testing.assert_array_equal(_arr(assert_type(1 - x, Variable)), 1 - a)
    numpy.testing.assert_allclose(_arr(assert_type(1 / x, Variable)), 1 / a)


def test_floordiv_of_two_variables_of_different_dtypes() -> None:
    x = Variable(numpy.ones(2, numpy.float32))
    y = Variable(numpy.ones(2, numpy.float64))
    with pytest.raises(InvalidType, match=r"Expect: lhs.dtype == rhs.dtype\nActual: float32"):
        x // y


# -- mean with weights ---------------------------------------------------------------------


def test_mean_signature_is_chainers() -> None:
    assert list(inspect.signature(F.mean).parameters) == ["x", "axis", "weights", "keepdims"]
    params = inspect.signature(Variable.mean).parameters
    assert list(params) == ["self", "axis", "weights", "keepdims"]
    assert params["weights"].kind is inspect.Parameter.KEYWORD_ONLY
    assert params["keepdims"].kind is inspect.Parameter.KEYWORD_ONLY


@pytest.mark.parametrize("axis", [None, 0, 1, -1])
@pytest.mark.parametrize("keepdims", [False, True])
def test_weighted_mean_matches_numpy_average(axis: int | None, keepdims: bool) -> None:
    a = _rng().standard_normal((3, 4))
    w = _rng().uniform(0.5, 2.0, a.shape if axis is None else (a.shape[axis],))
    expected: Arr = numpy.asarray(numpy.average(a, axis=axis, weights=w))
    if keepdims:
        expected = expected.reshape(1, 1) if axis is None else numpy.expand_dims(expected, axis)
    y = F.mean(a, axis, w, keepdims)
    numpy.testing.assert_allclose(_arr(y), expected, rtol=1e-12)
    assert y.shape == expected.shape
    z = Variable(a).mean(axis, weights=w, keepdims=keepdims)
    numpy.testing.assert_allclose(_arr(z), expected, rtol=1e-12)


def test_unweighted_mean_keeps_its_behaviour() -> None:
    a = numpy.arange(6.0).reshape(2, 3)
    numpy.testing.assert_array_equal(F.mean(a).array, 2.5)
    numpy.testing.assert_array_equal(F.mean(a, 1, keepdims=True).array, [[1.0], [4.0]])
    numpy.testing.assert_array_equal(F.mean(a, (0, 1), None, True).array, [[2.5]])
    numpy.testing.assert_array_equal(Variable(a).mean(0).array, [1.5, 2.5, 3.5])
    numpy.testing.assert_array_equal(Variable(a).mean(keepdims=True).array, [[2.5]])
    # F.average without weights still goes through mean (keepdims by keyword).
    numpy.testing.assert_array_equal(F.average(a, 0, None, True).array, [[1.5, 2.5, 3.5]])


def test_weighted_mean_gradients() -> None:
    a = _rng().standard_normal((3, 4))
    w = _rng().uniform(0.5, 2.0, (4,))
    gy = _rng().standard_normal((3,))
    ggx = _rng().standard_normal((3, 4))
    ggw = _rng().standard_normal((4,))

    def f(x: Variable, weights: Variable) -> Variable:
        return F.mean(x, 1, weights)

    check_backward(f, (a, w), gy)
    check_double_backward(f, (a, w), gy, (ggx, ggw))
    check_backward(lambda x: x.mean(axis=1, weights=w), a, gy)


def test_weighted_mean_errors() -> None:
    a = numpy.zeros((2, 3))
    with pytest.raises(ValueError, match="tuple axis is not supported when weights is given"):
        F.mean(a, (0, 1), numpy.ones((2, 3)))
    with pytest.raises(ValueError, match="shape"):
        F.mean(a, 1, numpy.ones(2))
    with pytest.raises(TypeError, match="positional"):
        Variable(a).mean(0, numpy.ones(2))  # type: ignore[call-arg]
    with pytest.raises(InvalidType, match="dtype"):
        F.mean(a, None, numpy.ones((2, 3), numpy.float32))


# -- the methods bound from the helper modules ---------------------------------------------


@pytest.mark.parametrize(
    ("name", "module"),
    [
        ("set_creator", "_variable_graph"),
        ("set_creator_node", "_variable_graph"),
        ("unchain", "_variable_graph"),
        ("unchain_backward", "_variable_graph"),
        ("retain_data", "_variable_graph"),
        ("zerograd", "_variable_grad"),
        ("addgrad", "_variable_grad"),
        ("copydata", "_variable_grad"),
        ("_check_grad", "_variable_grad"),
        ("to_device", "_variable_device"),
        ("to_cpu", "_variable_device"),
        ("to_gpu", "_variable_device"),
        ("summary", "_variable_text"),
        ("debug_print", "_variable_text"),
        ("__repr__", "_variable_text"),
        ("__str__", "_variable_text"),
        ("__copy__", "_variable_copy"),
        ("__reduce__", "_variable_copy"),
        ("reshape", "_variable_ops"),
        ("transpose", "_variable_ops"),
        ("mean", "_variable_ops"),
    ],
)
def test_methods_are_plain_class_attributes(name: str, module: str) -> None:
    # Bound in the class body: no wrapper call between the caller and the code, and the
    # docs (which list a class's own members) still show them under Variable.
    method = vars(Variable)[name]
    assert inspect.isfunction(method)
    assert method.__module__ == f"kusari.graph.{module}"
    assert name.startswith("_") or method.__doc__


def test_grad_methods_validate_their_argument() -> None:
    x = Variable(numpy.zeros(2))
    with pytest.raises(TypeError, match=r"addgrad\(\) needs a Variable, got numpy.ndarray"):
        x.addgrad(numpy.ones(2))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"copydata\(\) needs a Variable, got int"):
        x.copydata(3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"gradient has shape \(3,\) but the array has shape"):
        x.grad = numpy.ones(3)
    assert x.grad is None


def test_pickle_and_copy_round_trip() -> None:
    x = Variable(numpy.array([1.0, 2.0]), name="x", grad=numpy.array([0.5, 0.25]))
    y = pickle.loads(pickle.dumps(x))
    assert y.name == "x"
    assert y.requires_grad
    numpy.testing.assert_array_equal(y.array, [1.0, 2.0])
    numpy.testing.assert_array_equal(y.grad, [0.5, 0.25])
    c = copy.copy(x)
    assert c._data is x._data
    assert c.node is not x.node
    assert c.name == "x"


def test_pickles_of_the_old_layout_still_load() -> None:
    # Pickles written before the split name kusari.graph._variable._rebuild_variable.
    from kusari.graph import _variable_copy

    x = Variable(numpy.array([3.0]), name="old")
    reconstructor, args = x.__reduce__()
    assert reconstructor is _variable_copy.rebuild_variable
    old = b"ckusari.graph._variable\n_rebuild_variable\n" + pickle.dumps(args, 0)[:-1] + b"R."
    y = pickle.loads(old)
    assert isinstance(y, Variable)
    assert y.name == "old"
    numpy.testing.assert_array_equal(y.array, [3.0])


def test_force_type_converts_scalars_and_arrays() -> None:
    from kusari.graph import force_type

    scalar = force_type(numpy.float32, 3.0)
    assert type(scalar) is numpy.float32
    assert scalar == 3.0
    assert type(force_type(numpy.dtype("f"), numpy.float64(2.0))) is numpy.float32
    same = numpy.ones(2, numpy.float32)
    assert force_type(numpy.float32, same) is same
    cast = force_type(numpy.float32, numpy.ones(2))
    assert cast.dtype == numpy.float32
    assert cast.tolist() == [1.0, 1.0]
