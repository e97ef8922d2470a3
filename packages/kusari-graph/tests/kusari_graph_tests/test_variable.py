from __future__ import annotations

import copy
import pickle
import re
from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.graph import Variable, VariableNode, as_array, as_variable

from ._numeric import present


def f32(*values: float) -> numpy.ndarray[Any, Any]:
    return numpy.array(values, numpy.float32)


# -- construction --------------------------------------------------------------------------


def test_constructor_accepts_arrays_and_none() -> None:
    a = f32(1, 2)
    x = Variable(a, name="x", requires_grad=False)
    assert x.array is a
    assert x.data is a
    assert x.name == "x"
    assert x.requires_grad is False
    assert Variable().array is None
    assert Variable(None).requires_grad is True


@pytest.mark.parametrize(
    ("value", "type_name"),
    [([1.0, 2.0], "list"), (1.5, "float"), (numpy.float32(1), "numpy.float32"), ("a", "str")],
)
def test_constructor_rejects_non_arrays_naming_the_type(value: object, type_name: str) -> None:
    with pytest.raises(TypeError, match=rf"got {re.escape(type_name)}; wrap scalars"):
        Variable(value)  # type: ignore[arg-type]


def test_constructor_volatile_raises_with_hint() -> None:
    with pytest.raises(ValueError, match=r"volatile.*no_backprop_mode"):
        Variable(f32(1), volatile=True)  # type: ignore[arg-type]


def test_constructor_unknown_keyword_is_type_error() -> None:
    with pytest.raises(TypeError, match="unexpected keyword arguments: foo"):
        Variable(f32(1), foo=1)  # type: ignore[arg-type]


def test_constructor_name_must_be_str() -> None:
    with pytest.raises(TypeError, match="name must be a str or None, got int"):
        Variable(f32(1), name=3)  # type: ignore[arg-type]


def test_constructor_grad_is_checked() -> None:
    x = Variable(f32(1, 2), grad=f32(3, 4))
    numpy.testing.assert_array_equal(x.grad, f32(3, 4))
    with pytest.raises(ValueError, match=r"shape \(3,\) but the array has shape \(2,\)"):
        Variable(f32(1, 2), grad=f32(1, 2, 3))


# -- array ---------------------------------------------------------------------------------


def shape_of(node: VariableNode) -> object:
    return node.shape


def array_of(x: Variable) -> object:
    return x.array


def test_array_setter_updates_node_info_and_retained_data() -> None:
    x = Variable(f32(1, 2))
    x.retain_data()
    new = numpy.zeros((3, 1), numpy.float64)
    x.array = new
    node = x.node
    assert node.shape == (3, 1)
    assert node.dtype == numpy.dtype(numpy.float64)
    assert node.data is new
    x.data = None
    assert array_of(x) is None
    assert shape_of(node) is None


def test_array_setter_rejects_non_arrays() -> None:
    x = Variable(f32(1))
    with pytest.raises(TypeError, match="must be an array or None, got list"):
        x.array = [1.0]  # type: ignore[assignment]
    numpy.testing.assert_array_equal(x.array, f32(1))


def test_shape_properties() -> None:
    x = Variable(numpy.zeros((2, 3), numpy.float16))
    assert (x.shape, x.ndim, x.size, len(x)) == ((2, 3), 2, 6, 2)
    assert x.dtype == numpy.dtype(numpy.float16)
    assert x.xp is numpy
    assert x.device.name == "@numpy"
    assert Variable(numpy.array([4.5])).item() == 4.5


def test_uninitialized_variable_properties_raise_clearly() -> None:
    x = Variable(name="w")
    for attribute in ("shape", "ndim", "size", "dtype"):
        with pytest.raises(RuntimeError, match=f"Variable 'w' is uninitialized.*no {attribute}"):
            getattr(x, attribute)
    with pytest.raises(RuntimeError, match="uninitialized"):
        len(x)
    assert x.device.name == "@numpy"


def test_len_of_scalar_variable_is_type_error() -> None:
    with pytest.raises(TypeError, match="0-dimensional"):
        len(Variable(numpy.array(1.0)))


# -- gradient ------------------------------------------------------------------------------


def test_grad_setter_checks_type_dtype_and_shape() -> None:
    x = Variable(f32(1, 2), name="x")
    with pytest.raises(TypeError, match="gradient must be an array, got list"):
        x.grad = [1.0, 2.0]  # type: ignore[assignment]
    with pytest.raises(TypeError, match="dtype float64 but the array has dtype float32"):
        x.grad = numpy.zeros(2)
    with pytest.raises(ValueError, match=r"shape \(3,\) but the array has shape \(2,\)"):
        x.grad = f32(1, 2, 3)
    assert x.grad is None
    g = f32(5, 6)
    x.grad = g
    assert x.grad is g
    x.grad = None
    assert x.grad is None


def test_grad_var_is_built_lazily_and_shares_the_array() -> None:
    x = Variable(f32(1, 2))
    g = f32(3, 4)
    x.grad = g
    gv = x.grad_var
    assert isinstance(gv, Variable)
    assert gv.array is g
    assert x.grad_var is gv
    assert x.grad is g
    x.grad_var = Variable(f32(7, 8))
    numpy.testing.assert_array_equal(x.grad, f32(7, 8))
    with pytest.raises(TypeError, match="grad_var must be a Variable or None, got numpy"):
        x.grad_var = f32(1, 2)  # type: ignore[assignment]
    with pytest.raises(ValueError, match="shape"):
        x.grad_var = Variable(f32(1))


def test_cleargrad_and_grad_valid_protocol() -> None:
    x = Variable(f32(1), grad=f32(2))
    x._grad_valid = False
    with pytest.raises(RuntimeError, match=r"Variable\.grad\. Either it must be set manually"):
        _ = x.grad
    with pytest.raises(RuntimeError, match=r"Variable\.grad_var\. Either"):
        _ = x.grad_var
    x.cleargrad()
    assert x.grad is None


def test_zerograd_warns_and_fills_zeros() -> None:
    x = Variable(f32(1, 2))
    with pytest.warns(DeprecationWarning, match="zerograd is deprecated"):
        x.zerograd()
    numpy.testing.assert_array_equal(x.grad, f32(0, 0))
    g = x.grad
    assert g is not None
    g += 3
    with pytest.warns(DeprecationWarning, match="zerograd is deprecated"):
        x.zerograd()
    assert x.grad is g
    numpy.testing.assert_array_equal(g, f32(0, 0))


def test_addgrad_is_out_of_place() -> None:
    a = Variable(f32(0, 0), grad=f32(1, 2))
    b = Variable(f32(0, 0), grad=f32(10, 20))
    before = a.grad
    a.addgrad(b)
    numpy.testing.assert_array_equal(a.grad, f32(11, 22))
    assert a.grad is not before
    numpy.testing.assert_array_equal(before, f32(1, 2))
    c = Variable(f32(0, 0))
    c.addgrad(b)
    numpy.testing.assert_array_equal(c.grad, f32(10, 20))
    assert c.grad is not b.grad
    c.addgrad(Variable(f32(0, 0)))  # no gradient: nothing happens
    numpy.testing.assert_array_equal(c.grad, f32(10, 20))


def test_addgrad_initializes_uninitialized_variable() -> None:
    u = Variable()
    u.addgrad(Variable(f32(0, 0), grad=f32(1, 2)))
    assert u.array is not None
    assert u.array.shape == (2,)
    numpy.testing.assert_array_equal(u.grad, f32(1, 2))
    with pytest.raises(TypeError, match=r"addgrad\(\) needs a Variable, got numpy"):
        u.addgrad(f32(1, 2))  # type: ignore[arg-type]


def test_copydata_copies_in_place_and_initializes_either_side() -> None:
    dst_array = f32(0, 0)
    dst = Variable(dst_array)
    dst.copydata(Variable(f32(1, 2)))
    assert dst.array is dst_array
    numpy.testing.assert_array_equal(dst_array, f32(1, 2))
    empty = Variable()
    empty.copydata(dst)
    numpy.testing.assert_array_equal(empty.array, f32(1, 2))
    assert empty.array is not dst_array
    other = Variable()
    dst.copydata(other)
    numpy.testing.assert_array_equal(other.array, f32(1, 2))
    both = Variable()
    both.copydata(Variable())
    assert both.array is None


# -- graph links ---------------------------------------------------------------------------


def test_creator_rank_node_and_unchain() -> None:
    x = Variable(f32(1, 2))
    assert x.creator is None
    assert x.creator_node is None
    assert x.rank == 0
    y = F.tanh(x)
    z = y * 2
    assert y.creator is y.creator_node
    assert y.rank == 1
    assert z.rank == 2
    assert isinstance(z.node, VariableNode)
    z.unchain()
    assert z.creator is None
    assert z.rank == 2  # the rank stays, as in Chainer
    z.creator_node = y.creator_node
    assert z.creator_node is y.creator_node


def test_unchain_backward_cuts_the_whole_history() -> None:
    x = Variable(f32(1, 2))
    a = x * 2
    b = F.tanh(a)
    c = b + a
    creator_of_a = a.creator_node
    assert creator_of_a is not None
    c.unchain_backward()
    assert c.creator is None
    assert b.creator is None
    assert a.creator is None
    assert creator_of_a.inputs == ()
    c.grad = f32(1, 1)
    c.backward()
    assert x.grad is None


def test_label_and_name_follow_the_node() -> None:
    x = Variable(numpy.zeros((2, 3), numpy.float32))
    assert x.label == "(2, 3), float32"
    assert Variable(numpy.array(1.0)).label == "float64"
    x.name = "x"
    assert x.node.name == "x"
    x.node.name = "renamed"
    assert x.name == "renamed"
    with pytest.raises(TypeError, match="name must be a str or None"):
        x.name = 1  # type: ignore[assignment]


# -- text ----------------------------------------------------------------------------------


def test_repr_and_str_like_chainer() -> None:
    x = Variable(numpy.array([1.0, 2.0]))
    assert repr(x) == "variable([1., 2.])"
    assert str(x) == "variable([1. 2.])"
    x.name = "x"
    assert repr(x) == "variable x([1., 2.])"
    assert str(x) == "variable x([1. 2.])"
    assert repr(Variable()) == "variable(None)"
    assert repr(Variable(numpy.zeros((0, 2)))) == "variable([], shape=(0, 2))"
    assert repr(Variable(numpy.zeros((2, 2)))) == "variable([[0., 0.],\n          [0., 0.]])"


def test_summary_and_debug_print() -> None:
    x = Variable(numpy.array([1.0, 3.0]), name="x")
    assert x.summary() == "<variable x>"
    assert re.fullmatch(r"<variable at 0x[0-9a-f]+>", Variable().summary())
    text = x.debug_print()
    assert text.splitlines()[0] == "<variable x>"
    assert "- shape: (2,)" in text
    assert "- statistics: mean=2.00000000, std=1.00000000" in text
    assert text.endswith("- grad: None")
    x.grad = numpy.zeros(2)
    assert x.debug_print().endswith("- grad: 0")
    x.grad = numpy.array([1.0, 3.0])
    assert x.debug_print().endswith("- grad: mean=2.00000000, std=1.00000000")
    assert "- shape: None" in Variable().debug_print()


# -- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("op", "symbol"),
    [
        (lambda a, b: a == b, "=="),
        (lambda a, b: a != b, "!="),
        (lambda a, b: a < b, "<"),
        (lambda a, b: a <= b, "<="),
        (lambda a, b: a > b, ">"),
        (lambda a, b: a >= b, ">="),
    ],
)
def test_comparisons_raise(op: Any, symbol: str) -> None:
    x = Variable(f32(1))
    with pytest.raises(TypeError, match=f"do not support comparison \\({re.escape(symbol)}\\)"):
        op(x, x)


def test_bool_and_hash_raise() -> None:
    x = Variable(f32(1))
    with pytest.raises(TypeError, match="truth value of a Variable is ambiguous"):
        bool(x)
    with pytest.raises(TypeError, match="unhashable"):
        hash(x)
    assert Variable.__array_priority__ == 200


# -- copy and pickle -----------------------------------------------------------------------


def test_shallow_copy_shares_data_list_with_a_new_node() -> None:
    x = Variable(f32(1, 2), name="x")
    y = x * 2
    c = copy.copy(y)
    assert c is not y
    assert c._data is y._data
    assert c.array is y.array
    assert c.creator is None
    assert y.creator is not None
    assert c.name == y.name
    new = f32(5, 6)
    c.array = new
    assert y.array is new  # the data list is shared


def test_deepcopy_and_pickle_roundtrip() -> None:
    x = Variable(f32(1, 2), name="x", grad=f32(3, 4), requires_grad=False)
    for clone in (copy.deepcopy(x), pickle.loads(pickle.dumps(x))):
        assert isinstance(clone, Variable)
        numpy.testing.assert_array_equal(clone.array, f32(1, 2))
        numpy.testing.assert_array_equal(clone.grad, f32(3, 4))
        assert clone.name == "x"
        assert clone.requires_grad is False
        assert clone.array is not x.array


class _Tagged(Variable):
    """A subclass with its own attributes (like kusari.links.Parameter)."""

    def __init__(self, data: Any, tag: str) -> None:
        super().__init__(data)
        self.tag = tag


def test_subclass_copy_and_pickle_keep_attributes() -> None:
    t = _Tagged(f32(1), "hello")
    c = copy.copy(t)
    assert isinstance(c, _Tagged)
    assert c.tag == "hello"
    assert c._data is t._data
    p = pickle.loads(pickle.dumps(t))
    assert isinstance(p, _Tagged)
    assert p.tag == "hello"
    numpy.testing.assert_array_equal(p.array, f32(1))


# -- helpers -------------------------------------------------------------------------------


def test_as_variable_and_as_array() -> None:
    a = f32(1)
    v = as_variable(a)
    assert v.array is a
    assert not v.requires_grad
    assert as_variable(v) is v
    assert as_array(v) is a
    assert as_array(a) is a
    with pytest.raises(RuntimeError, match="uninitialized"):
        as_array(Variable())


def test_to_device_cpu_keeps_identity() -> None:
    a = f32(1, 2)
    x = Variable(a, grad=f32(3, 4))
    g = x.grad
    x.to_device("@numpy")
    x.to_cpu()
    x.to_device(-1)
    assert x.array is a
    assert x.grad is g


def test_differentiable_methods() -> None:
    x = Variable(numpy.arange(6.0).reshape(2, 3))
    assert x.T.shape == (3, 2)
    assert x.reshape(3, 2).shape == (3, 2)
    assert x.reshape((6,)).shape == (6,)
    assert x.transpose().shape == (3, 2)
    assert x.transpose(1, 0).shape == (3, 2)
    assert x.transpose((1, 0)).shape == (3, 2)
    numpy.testing.assert_array_equal(x.mean(axis=0).array, [1.5, 2.5, 3.5])
    numpy.testing.assert_array_equal(x.mean(axis=1, keepdims=True).array, [[1.0], [4.0]])
    y = F.sum(x.T * present(x.T.array))
    y.backward()
    numpy.testing.assert_array_equal(x.grad, x.array)
