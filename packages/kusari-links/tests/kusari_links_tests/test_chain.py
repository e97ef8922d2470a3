from __future__ import annotations

from typing import Any

import numpy
import pytest

from kusari import initializers as I
from kusari.links import Chain, ChainList, Link, Parameter

from ._util import arr


class Leaf(Link):
    def __init__(self, size: int | None = 2, value: float = 0.0) -> None:
        super().__init__()
        with self.init_scope():
            self.W = Parameter(value if size is not None else I.Constant(value), size)
            self.b = Parameter(value, (1,))

    def forward(self, x: Any) -> Any:
        if self.W.array is None:
            self.W.initialize(x.shape[-1:])
        return x * self.W.array + self.b.array


class Model(Chain):
    """A Chain of a ChainList of Chains, plus own parameters."""

    stack: Any  # a ChainList of Inner; Any lets the tests reach into the children
    helper: Leaf

    def __init__(self) -> None:
        super().__init__()
        with self.init_scope():
            self.z = Leaf(2, 1.0)
            self.a = Leaf(3, 2.0)
            self.stack = ChainList(Inner(), Inner())
            self.scale = Parameter(1.0, (1,))

    def forward(self, x: Any) -> Any:
        return self.z(x)


class Inner(Chain):
    def __init__(self) -> None:
        super().__init__()
        with self.init_scope():
            self.leaf = Leaf(None, 5.0)


PARAM_PATHS = [
    "/scale",
    "/a/W",
    "/a/b",
    "/stack/0/leaf/W",
    "/stack/0/leaf/b",
    "/stack/1/leaf/W",
    "/stack/1/leaf/b",
    "/z/W",
    "/z/b",
]
LINK_PATHS = [
    "/",
    "/a",
    "/stack",
    "/stack/0",
    "/stack/0/leaf",
    "/stack/1",
    "/stack/1/leaf",
    "/z",
]


# ----------------------------------------------------------------------------- Chain


def test_nested_iteration_order() -> None:
    model = Model()
    assert [path for path, _ in model.namedparams()] == PARAM_PATHS
    assert [path for path, _ in model.namedlinks()] == LINK_PATHS
    assert [path for path, _ in model.namedlinks(skipself=True)] == LINK_PATHS[1:]
    assert list(model.params()) == [p for _, p in model.namedparams()]
    assert list(model.links()) == [link for _, link in model.namedlinks()]
    assert list(model.links(skipself=True)) == [link for _, link in model.namedlinks()][1:]
    assert [child.name for child in model.children()] == ["a", "stack", "z"]
    uninit = [path for path, p in model.namedparams() if p.array is None]
    assert uninit == ["/stack/0/leaf/W", "/stack/1/leaf/W"]
    assert len(list(model.params(include_uninit=False))) == 7
    assert [n for n, _ in model.namedparams(include_uninit=False)] == [
        p for p in PARAM_PATHS if p not in uninit
    ]


def test_child_names() -> None:
    model = Model()
    assert model.a.name == "a"
    assert model.stack.name == "stack"
    assert model.stack[1].name == "1"
    assert model.name is None


def test_getitem() -> None:
    model = Model()
    assert model["a"] is model.a
    assert model["stack"] is model.stack
    with pytest.raises(KeyError, match=r"Model has no child link 'scale'; its children are"):
        model["scale"]


def test_duplicate_child_name_is_refused() -> None:
    model = Model()
    with pytest.raises(AttributeError, match="cannot register a new link 'a'"), model.init_scope():
        model.a = Leaf()
    with (
        pytest.raises(AttributeError, match="cannot register a new link 'forward'"),
        model.init_scope(),
    ):
        model.forward = Leaf()  # type: ignore[method-assign]


def test_links_outside_scope_are_not_children() -> None:
    model = Model()
    model.helper = Leaf()
    assert "helper" not in [c.name for c in model.children()]
    assert model.helper.name is None


def test_add_link_and_legacy_constructor() -> None:
    chain = Chain(first=Leaf(), second=Leaf())
    assert [c.name for c in chain.children()] == ["first", "second"]
    chain.add_link("third", Leaf())
    assert [p for p, _ in chain.namedlinks(skipself=True)] == ["/first", "/second", "/third"]
    with pytest.raises(AttributeError, match="cannot register a new link 'first'"):
        chain.add_link("first", Leaf())
    with pytest.raises(TypeError, match="cannot register a non-link object as a child"):
        chain.add_link("x", 3)  # type: ignore[arg-type]


def test_delattr_unregisters_child() -> None:
    model = Model()
    del model.a
    assert [c.name for c in model.children()] == ["stack", "z"]
    assert "/a/W" not in [p for p, _ in model.namedparams()]


def test_chain_params_and_grads() -> None:
    model = Model()
    model.cleargrads()
    assert all(p.grad is None for p in model.params(include_uninit=False))
    with pytest.warns(UserWarning, match="has not been initialized") as record:
        # scale, a/W, a/b, stack/0/leaf/b, stack/1/leaf/b, z/W, z/b; the lazy Ws are skipped
        assert model.count_params() == 1 + 3 + 1 + 1 + 1 + 2 + 1
    assert [str(w.message).split("'")[1] for w in record] == ["/stack/0/leaf/W", "/stack/1/leaf/W"]
    model.stack[0].leaf.W.initialize((4,))
    model.stack[1].leaf.W.initialize((4,))
    assert model.count_params() == 18


def test_chain_copy_share_recurses() -> None:
    model = Model()
    shared = model.copy()
    assert shared.a is not model.a
    assert shared.a.name == "a"
    assert shared.stack[0] is not model.stack[0]
    assert shared.stack[0].name == "0"
    assert shared.a.W.array is model.a.W.array
    assert shared.stack[1].leaf.b.array is model.stack[1].leaf.b.array
    assert shared.scale.array is model.scale.array
    shared.stack[0].leaf(numpy.ones((1, 6), numpy.float32))
    assert model.stack[0].leaf.W.shape == (6,)
    shared.add_link("extra", Leaf())
    assert "extra" not in [c.name for c in model.children()]
    shared.stack.append(Inner())
    assert len(model.stack) == 2


def test_chain_copy_init_reinitializes_children() -> None:
    model = Model()
    for param in model.params(include_uninit=False):
        assert param.array is not None
        param.array[...] = -1
    fresh = model.copy("init")
    assert fresh.a.W.array is not model.a.W.array
    numpy.testing.assert_array_equal(fresh.a.W.array, [2, 2, 2])
    numpy.testing.assert_array_equal(fresh.stack[1].leaf.b.array, [5])
    assert fresh.stack[1].name == "1"
    assert fresh.name is None


def test_chain_copyparams_and_addgrads() -> None:
    src, dst = Model(), Model()
    src.a.W.array[...] = 7  # type: ignore[index]
    src.stack[1].leaf.W.initialize((2,))
    dst.copyparams(src)
    numpy.testing.assert_array_equal(dst.a.W.array, [7, 7, 7])
    numpy.testing.assert_array_equal(dst.stack[1].leaf.W.array, [5, 5])
    assert dst.stack[0].leaf.W.array is None
    dst.cleargrads()
    src.cleargrads()
    src.z.W.grad = numpy.ones(2, numpy.float32)
    dst.addgrads(src)
    numpy.testing.assert_array_equal(dst.z.W.grad, [1, 1])


def test_copyparams_between_different_models_fails_cleanly() -> None:
    dst = Model()
    before = [None if p.array is None else p.array.copy() for p in dst.params()]
    other = Model()
    other.stack.append(Inner())
    with pytest.raises(ValueError, match=r"source link has links this one lacks: \['/stack/2'"):
        dst.copyparams(other)
    other = Model()
    del other.z
    with pytest.raises(ValueError, match=r"source link has no link at '/z'"):
        dst.copyparams(other)
    after = [p.array for p in dst.params()]
    for b, a in zip(before, after, strict=True):
        assert (b is None and a is None) or numpy.array_equal(arr(a), arr(b))


def test_enable_disable_update_recurse() -> None:
    class Rule:
        enabled = True

        def update(self, param: Parameter) -> None:
            pass

    model = Model()
    for param in model.params():
        param.update_rule = Rule()
    model.stack.disable_update()
    enabled = {path: p.update_rule.enabled for path, p in model.namedparams()}  # type: ignore[union-attr]
    assert [path for path, on in enabled.items() if not on] == [
        "/stack/0/leaf/W",
        "/stack/0/leaf/b",
        "/stack/1/leaf/W",
        "/stack/1/leaf/b",
    ]
    assert model.update_enabled
    model.disable_update()
    assert not model.update_enabled


def test_chain_str() -> None:
    model = Model()
    assert str(model) == (
        "Model(\n"
        "  (a): Leaf(),\n"
        "  (stack): ChainList(\n"
        "    (0): Inner(\n"
        "      (leaf): Leaf(),\n"
        "    ),\n"
        "    (1): Inner(\n"
        "      (leaf): Leaf(),\n"
        "    ),\n"
        "  ),\n"
        "  (z): Leaf(),\n"
        ")"
    )
    assert str(Chain()) == "Chain()"


# ----------------------------------------------------------------------------- ChainList


def test_chain_list_basics() -> None:
    first, second = Leaf(), Leaf()
    chain_list = ChainList(first)
    chain_list.append(second)
    third = Leaf()
    chain_list.add_link(third)
    assert len(chain_list) == 3
    assert list(chain_list) == [first, second, third]
    assert chain_list[0] is first
    assert chain_list[-1] is third
    assert chain_list[1:] == [second, third]
    assert [link.name for link in chain_list] == ["0", "1", "2"]
    assert list(chain_list.children()) == [first, second, third]


def test_chain_list_setitem() -> None:
    chain_list = ChainList(Leaf(), Leaf())
    new = Leaf()
    chain_list[-1] = new
    assert chain_list[1] is new
    assert new.name == "1"
    with pytest.raises(TypeError, match="a ChainList holds Links only, got int"):
        chain_list[0] = 3  # type: ignore[assignment]
    with pytest.raises(IndexError):
        chain_list[5] = Leaf()


def test_chain_list_refuses_links_in_init_scope() -> None:
    class Holder(ChainList):
        W: Parameter
        l1: Leaf

    chain_list = Holder()
    with (
        pytest.raises(TypeError, match=r"cannot register the link 'l1' inside a .* use append"),
        chain_list.init_scope(),
    ):
        chain_list.l1 = Leaf()
    assert len(chain_list) == 0
    with chain_list.init_scope():
        chain_list.W = Parameter(0.0, (1,))
    chain_list.append(Leaf())
    assert [p for p, _ in chain_list.namedparams()] == ["/W", "/0/W", "/0/b"]


def test_chain_list_add_link_type_check() -> None:
    with pytest.raises(TypeError, match="a ChainList holds Links only, got str"):
        ChainList().append("layer")  # type: ignore[arg-type]


def test_chain_list_copy_share() -> None:
    class Holder(ChainList):
        W: Parameter

    chain_list = Holder(Leaf(), Leaf())
    with chain_list.init_scope():
        chain_list.W = Parameter(0.0, (1,))
    shared: Any = chain_list.copy()
    assert shared[0] is not chain_list[0]
    assert shared[1].name == "1"
    assert shared[0].W.array is chain_list[0].W.array  # type: ignore[attr-defined]
    assert shared.W.array is chain_list.W.array
    shared.append(Leaf())
    assert len(chain_list) == 2
    deep: Any = chain_list.copy("copy")
    assert deep.W.array is not chain_list.W.array
    assert deep[0].W.array is not shared[0].W.array


def test_chain_list_str() -> None:
    assert str(ChainList(Leaf(), ChainList())) == (
        "ChainList(\n  (0): Leaf(),\n  (1): ChainList(),\n)"
    )
