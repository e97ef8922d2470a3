from __future__ import annotations

import gc
import weakref

import numpy
import pytest

import kusari.functions as F
from kusari.graph import Function, Variable, VariableNode


def test_node_refers_to_its_variable_weakly() -> None:
    x = Variable(numpy.ones(3, numpy.float32), name="x")
    node = x.node
    assert node.get_variable() is x
    assert node.get_variable_or_none() is x
    ref = weakref.ref(x)
    del x
    gc.collect()
    assert ref() is None
    assert node.get_variable_or_none() is None
    assert node.grad is None
    assert node.grad_var is None
    # No data was retained, so the rebuilt Variable has none.
    rebuilt = node.get_variable()
    assert rebuilt.array is None
    assert rebuilt.node is node
    assert rebuilt.name == "x"


def test_dropping_an_intermediate_variable_frees_its_array() -> None:
    x = Variable(numpy.ones(3, numpy.float32))
    y = x * 2  # MulConstant retains nothing
    z = F.sum(y)
    y_array = y.array
    assert y_array is not None
    wr = weakref.ref(y_array)
    del y, y_array
    gc.collect()
    assert wr() is None
    z.backward()
    numpy.testing.assert_array_equal(x.grad, numpy.full(3, 2, numpy.float32))


def test_retained_data_survives_the_variable() -> None:
    x = Variable(numpy.array([0.5], numpy.float32))
    y = F.tanh(x)  # Tanh retains its output
    node = y.node
    y_array = y.array
    del y
    gc.collect()
    assert node.data is y_array
    rebuilt = node.get_variable()
    assert rebuilt.array is y_array


def test_retain_data_of_a_dead_variable_raises() -> None:
    node = Variable(numpy.ones(1)).node
    gc.collect()
    with pytest.raises(RuntimeError, match="Variable has been released"):
        node.retain_data()


def dtype_and_shape(node: VariableNode) -> tuple[object, object]:
    return node.dtype, node.shape


def test_cached_dtype_shape_label_and_data_setter() -> None:
    x = Variable(numpy.zeros((2, 3), numpy.float32))
    node = x.node
    assert node.dtype == numpy.dtype(numpy.float32)
    assert node.shape == (2, 3)
    assert node.label == "(2, 3), float32"
    assert node.data is None
    node.retain_data()
    assert node.data is x.array
    node.data = numpy.zeros(4)
    assert dtype_and_shape(node) == (numpy.dtype(numpy.float64), (4,))
    assert Variable().node.label == "None, None"


def test_constructor_and_properties() -> None:
    x = Variable(numpy.zeros(2), requires_grad=False)
    node = VariableNode(x, "n")
    assert node.name == "n"
    assert node.requires_grad is False
    assert node.rank == 0
    assert node.get_variable() is x
    with pytest.raises(TypeError, match="unexpected keyword arguments"):
        VariableNode(x, "n", grad=None)  # type: ignore[arg-type]
    assert "VariableNode 'n'" in repr(node)


def creator_node_of(node: VariableNode) -> object:
    return node.creator_node


def test_creator_setters_and_unchain() -> None:
    x = Variable(numpy.ones(2))
    y = x * 3
    func = y.creator_node
    assert func is not None
    node = Variable(numpy.ones(2)).node
    node.set_creator_node(func)
    assert node.creator_node is func
    assert node.rank == func.rank + 1
    node.unchain()
    assert creator_node_of(node) is None
    node.set_creator(func)
    assert node.creator is func
    node.creator = None
    assert node.creator is None


def test_creator_of_old_style_function_is_the_function() -> None:
    class Twice(Function):
        def forward(self, inputs):  # type: ignore[no-untyped-def]
            return (inputs[0] * 2,)

    f = Twice()
    y = f(Variable(numpy.ones(2)))
    assert isinstance(y, Variable)
    assert y.node.creator is f
    assert y.node.creator_node is f.node
    other = Variable(numpy.ones(2)).node
    other.creator = f
    assert other.creator_node is f.node


def test_node_grad_reads_the_variable() -> None:
    x = Variable(numpy.ones(2), grad=numpy.full(2, 3.0))
    numpy.testing.assert_array_equal(x.node.grad, [3.0, 3.0])
    assert x.node.grad_var is x.grad_var


def test_old_style_marker_raises() -> None:
    node = Variable(numpy.ones(1)).node
    node._old_style_grad_generator = "Foo"
    with pytest.raises(
        RuntimeError, match='cannot twice-differentiate an old style Function "Foo"'
    ):
        node._check_old_style_gradient()
