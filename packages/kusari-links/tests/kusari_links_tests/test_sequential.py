from __future__ import annotations

import functools
import pickle
from typing import Any

import numpy
import pytest

from kusari.links import ChainList, Link, Parameter, Sequential

from ._util import arr


class Scale(Link):
    def __init__(self, factor: float = 2.0) -> None:
        super().__init__()
        with self.init_scope():
            self.s = Parameter(factor, (1,))

    def forward(self, x: Any) -> Any:
        return x * self.s.array


class Other(Scale):
    pass


def split(x: Any) -> tuple[Any, Any]:
    return x, x + 1


def add(a: Any, b: Any) -> Any:
    return a + b


def test_forward_chains_layers_and_unpacks_tuples() -> None:
    net = Sequential(Scale(2.0), split, add, numpy.negative)
    out = net(numpy.array([1.0], numpy.float32))
    numpy.testing.assert_array_equal(out, [-5.0])  # -(2 + 3)


def test_forward_with_several_inputs() -> None:
    numpy.testing.assert_array_equal(Sequential(add)(numpy.ones(1), numpy.ones(1)), [2.0])


def test_empty_sequential_refuses_forward() -> None:
    with pytest.raises(RuntimeError, match="Sequential does not have any layer"):
        Sequential()(1)


def test_children_are_only_links_named_by_link_index() -> None:
    first, second = Scale(), Scale()
    net = Sequential(numpy.exp, first, numpy.log, second)
    assert len(net) == 4
    assert list(net.children()) == [first, second]
    assert (first.name, second.name) == ("0", "1")
    assert [path for path, _ in net.namedparams()] == ["/0/s", "/1/s"]
    assert list(net) == [numpy.exp, first, numpy.log, second]
    assert list(reversed(net)) == [second, numpy.log, first, numpy.exp]
    assert first in net
    assert numpy.abs not in net
    assert net[1] is first
    assert net[-1] is second
    assert net[1:3] == [first, numpy.log]


def test_not_callable_layer_is_refused() -> None:
    with pytest.raises(TypeError, match="every layer of a Sequential must be callable, got 3"):
        Sequential(3)  # type: ignore[arg-type]
    net = Sequential(numpy.exp)
    with pytest.raises(TypeError, match="must be callable"):
        net[0] = "x"  # type: ignore[assignment]
    assert list(net) == [numpy.exp]


def test_setitem_delitem_keep_children_in_sync() -> None:
    a, b, c = Scale(), Scale(), Scale()
    net = Sequential(a, numpy.exp, b)
    net[1] = c
    assert list(net.children()) == [a, c, b]
    assert [link.name for link in net.children()] == ["0", "1", "2"]
    del net[0]
    assert list(net.children()) == [c, b]
    assert (c.name, b.name) == ("0", "1")
    net[0] = numpy.exp
    assert list(net.children()) == [b]
    assert b.name == "0"


def test_append_insert_extend() -> None:
    a, b, c = Scale(), Scale(), Scale()
    net = Sequential(a)
    net.append(numpy.exp)
    net.insert(0, b)
    net.insert(-1, c)
    assert list(net) == [b, a, c, numpy.exp]
    assert [link.name for link in (b, a, c)] == ["0", "1", "2"]
    net.extend(Sequential(numpy.log))
    net.extend([numpy.abs])
    assert list(net)[-2:] == [numpy.log, numpy.abs]
    with pytest.raises(IndexError, match="insert index 9 is out of range for 6 layers"):
        net.insert(9, numpy.exp)
    with pytest.raises(IndexError, match="insert index -7"):
        net.insert(-7, numpy.exp)
    net.insert(6, numpy.sqrt)
    assert net[-1] is numpy.sqrt
    net.add_link(Scale())
    assert len(list(net.children())) == 4
    with pytest.raises(TypeError, match="add_link\\(\\) takes a Link, got ufunc"):
        net.add_link(numpy.exp)  # type: ignore[arg-type]


def test_remove_pop_clear_index_count() -> None:
    a, b = Scale(), Scale()
    net = Sequential(numpy.exp, a, numpy.exp, b)
    assert net.count(numpy.exp) == 2
    assert net.index(numpy.exp) == 0
    assert net.index(numpy.exp, 1) == 2
    assert net.index(b) == 3
    net.remove(numpy.exp)
    assert list(net) == [a, numpy.exp, b]
    with pytest.raises(ValueError, match="is not a layer of this Sequential"):
        net.remove(numpy.log)
    assert net.pop() is b
    assert list(net.children()) == [a]
    assert net.pop(0) is a
    assert list(net.children()) == []
    net.clear()
    assert len(net) == 0


def test_layer_types() -> None:
    net = Sequential(Scale(), numpy.exp, Other(), Scale(), split, functools.partial(add, 1))
    assert net.count_by_layer_type("Scale") == 2
    assert net.count_by_layer_type("Other") == 1
    assert net.count_by_layer_type("exp") == 1
    assert net.count_by_layer_type("split") == 1
    assert net.count_by_layer_type("partial") == 1
    net.remove_by_layer_type("Scale")
    assert [type(layer).__name__ for layer in net] == ["ufunc", "Other", "function", "partial"]
    assert [link.name for link in net.children()] == ["0"]
    net.remove_by_layer_type("nothing")
    assert len(net) == 4


def test_add_and_iadd() -> None:
    a, b = Scale(), Scale()
    left = Sequential(a)
    right = Sequential(numpy.exp, b)
    both = left + right
    assert list(both) == [a, numpy.exp, b]
    assert list(left) == [a]
    assert list(left + numpy.log) == [a, numpy.log]
    assert list(numpy.log + left) == [numpy.log, a]
    left += right
    assert list(left) == [a, numpy.exp, b]
    left += numpy.abs
    assert left[-1] is numpy.abs
    with pytest.raises(TypeError, match=r"\+ takes a Sequential or a callable, got .* int"):
        left + 3  # type: ignore[operator]
    with pytest.raises(TypeError, match=r"\+= takes a Sequential or a callable"):
        left += 3  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"\+ takes a Sequential or a callable"):
        3 + left  # type: ignore[operator]


def test_flatten() -> None:
    a, b = Scale(), Scale()
    nested = Sequential(a, Sequential(numpy.exp, Sequential(b)), numpy.log)
    flat = nested.flatten()
    assert list(flat) == [a, numpy.exp, b, numpy.log]
    assert [path for path, _ in flat.namedparams()] == ["/0/s", "/1/s"]


def test_copy_modes() -> None:
    a = Scale(3.0)
    net = Sequential(a, numpy.exp)
    assert type(net.copy()) is Sequential
    shared: Any = net.copy()
    assert shared[0] is not a
    assert shared[0].s.array is a.s.array
    assert shared[1] is numpy.exp
    assert shared[0].name == "0"
    deep: Any = net.copy("copy")
    assert deep[0].s.array is not a.s.array
    numpy.testing.assert_array_equal(deep[0].s.array, [3.0])
    assert list(deep.children()) == [deep[0]]
    init: Any = net.copy("init")
    numpy.testing.assert_array_equal(init[0].s.array, [3.0])
    assert list(init.children()) == [init[0]]


def test_repeat_of_sequential() -> None:
    net = Sequential(Scale(), numpy.exp).repeat(2, mode="copy")
    assert len(net) == 2
    assert all(isinstance(layer, Sequential) for layer in net)
    assert [p for p, _ in net.namedparams()] == ["/0/0/s", "/1/0/s"]


def test_copyparams_between_sequentials() -> None:
    src = Sequential(Scale(5.0), numpy.exp)
    dst = Sequential(Scale(1.0), numpy.exp)
    dst.copyparams(src)
    layer = dst[0]
    assert isinstance(layer, Scale)
    numpy.testing.assert_array_equal(arr(layer.s.array), [5.0])


def test_pickle_round_trip() -> None:
    net = Sequential(Scale(4.0), numpy.exp, split)
    clone = pickle.loads(pickle.dumps(net))
    x = numpy.ones(1, numpy.float32)
    numpy.testing.assert_array_equal(clone(x)[1], net(x)[1])
    assert [path for path, _ in clone.namedparams()] == ["/0/s"]
    assert clone[0] is next(iter(clone.children()))


def test_pickle_refuses_lambdas_clearly() -> None:
    net = Sequential(Scale(), lambda x: x + 1, numpy.exp, lambda x: x)
    with pytest.raises(ValueError, match=r"the layers at \[1, 3\] are lambda functions"):
        pickle.dumps(net)
    # Copies, which do not pickle, still work.
    deep: Any = net.copy("copy")
    assert deep[1] is net[1]
    numpy.testing.assert_array_equal(Sequential(net).copy()(numpy.ones(1)), net(numpy.ones(1)))


def test_str() -> None:
    net = Sequential(Scale(), numpy.exp, lambda x: x * 2)
    text = str(net)
    assert text.startswith("Sequential(\n  (0): Scale(),\n  (1): <ufunc 'exp'>,\n  (2): ")
    assert "lambda x: x * 2" in text
    assert text.endswith(",\n)")
    assert str(Sequential()) == "Sequential()"


def test_is_a_chain_list() -> None:
    assert isinstance(Sequential(), ChainList)
