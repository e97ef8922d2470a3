from __future__ import annotations

import copy
import pickle
import re
from typing import Any

import numpy
import pytest

from kusari import initializers as I
from kusari.links import Link, Parameter, ParameterLink, Sequential

from ._util import Bag, arr


class Rule:
    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled

    def update(self, param: Parameter) -> None:
        arr(param.array)[...] -= arr(param.grad)


class Affine(Bag):
    def __init__(self, n_in: int | None = 3, n_out: int = 2) -> None:
        super().__init__()
        with self.init_scope():
            self.W = Parameter(I.Normal(1.0), None if n_in is None else (n_out, n_in))
            self.b = Parameter(0.0, (n_out,))
        self.n_out = n_out

    def forward(self, x: Any) -> Any:
        if self.W.array is None:
            self.W.initialize((self.n_out, x.shape[1]))
        return x @ arr(self.W.array).T + self.b.array


# ----------------------------------------------------------------------------- registration


def test_init_scope_registers_parameters_with_names() -> None:
    link = Affine()
    assert link.W.name == "W"
    assert link.b.name == "b"
    assert [name for name, _ in link.namedparams()] == ["/W", "/b"]
    assert not link.within_init_scope


def test_within_init_scope_flag() -> None:
    link = Bag()
    seen = []
    with link.init_scope():
        seen.append(link.within_init_scope)
        with link.init_scope():
            seen.append(link.within_init_scope)
        seen.append(link.within_init_scope)
    seen.append(link.within_init_scope)
    assert seen == [True, True, True, False]


def test_init_scope_is_restored_after_an_error() -> None:
    link = Bag()
    with pytest.raises(ZeroDivisionError), link.init_scope():
        _ = 1 / 0
    assert not link.within_init_scope


def test_assignment_outside_scope_is_not_registered() -> None:
    link = Bag()
    link.W = Parameter(0.0, (2,))
    assert list(link.params()) == []
    assert link.W.name is None


def test_init_scope_before_link_init_is_refused() -> None:
    class Early(Link):
        def __init__(self) -> None:
            with self.init_scope():
                self.W = Parameter(0.0, (1,))
            super().__init__()

    with pytest.raises(RuntimeError, match=r"Early.init_scope\(\) was used before Link.__init__"):
        Early()


def test_non_parameters_in_scope_are_plain_attributes() -> None:
    link = Bag()
    with link.init_scope():
        link.size = 3
        link.buffer = numpy.zeros(2)
    assert list(link.params()) == []
    assert link.size == 3


def test_reassigning_replaces_the_parameter() -> None:
    link = Bag()
    with link.init_scope():
        link.W = Parameter(0.0, (2,))
        link.W = Parameter(1.0, (3,))
    assert [p.shape for p in link.params()] == [(3,)]


def test_delattr_unregisters() -> None:
    link = Affine()
    del link.W
    assert [name for name, _ in link.namedparams()] == ["/b"]
    assert not hasattr(link, "W")
    link.add_persistent("count", 1)
    del link.count
    assert link._persistent == set()


def test_add_param() -> None:
    link = Bag()
    link.add_param("W", (2, 3))
    link.add_param("b", 3, dtype=numpy.float64)
    link.add_param("u")
    link.add_param("c", (2,), initializer=I.One(numpy.float16))
    assert link.W.shape == (2, 3)
    assert numpy.isnan(arr(link.W.array)).all()
    assert link.W.dtype == numpy.float32
    assert link.b.dtype == numpy.float64
    assert link.u.array is None
    assert link.c.dtype == numpy.float16
    numpy.testing.assert_array_equal(link.c.array, [1, 1])
    assert [name for name, _ in link.namedparams()] == ["/W", "/b", "/c", "/u"]


def test_add_param_refuses_existing_attribute() -> None:
    link = Affine()
    with pytest.raises(AttributeError, match="cannot register a new parameter 'W': attribute"):
        link.add_param("W", (1,))
    link.other = 1
    with pytest.raises(AttributeError, match="'other'"):
        link.add_param("other")


def test_legacy_constructor_params() -> None:
    link: Any = Link(W=(2, 3), b=4, v=((2,), numpy.float64))
    assert link.W.shape == (2, 3)
    assert link.b.shape == (4,)
    assert link.v.dtype == numpy.float64
    with pytest.raises(TypeError, match=r"Link\(\*\*params\): 'x' must be a shape"):
        Link(x="big")


def test_add_persistent_and_register_persistent() -> None:
    link = Affine()
    link.add_persistent("mean", numpy.zeros(2))
    link.add_persistent("count", 0)
    assert link._persistent == {"mean", "count"}
    with pytest.raises(AttributeError, match="cannot register a new persistent value 'mean'"):
        link.add_persistent("mean", 1)
    # A parameter re-registered as persistent stops being a parameter.
    link.register_persistent("b")
    assert [name for name, _ in link.namedparams()] == ["/W"]
    assert "b" in link._persistent
    with pytest.raises(AttributeError, match="non-existent attribute 'nothing'"):
        link.register_persistent("nothing")


def test_parameter_assigned_over_persistent_becomes_parameter() -> None:
    link = Bag()
    link.add_persistent("x", 1)
    with link.init_scope():
        link.x = Parameter(0.0, (1,))
    assert link._persistent == set()
    assert [name for name, _ in link.namedparams()] == ["/x"]


# ----------------------------------------------------------------------------- iteration


def test_params_sorted_by_name_and_include_uninit() -> None:
    link = Bag()
    with link.init_scope():
        link.z = Parameter(0.0, (1,))
        link.a = Parameter(I.One())
        link.m = Parameter(0.0, (2,))
    assert [p.name for p in link.params()] == ["a", "m", "z"]
    assert [p.name for p in link.params(include_uninit=False)] == ["m", "z"]
    assert [n for n, _ in link.namedparams(include_uninit=False)] == ["/m", "/z"]


def test_links_and_namedlinks_of_plain_link() -> None:
    link = Bag()
    assert list(link.links()) == [link]
    assert list(link.links(skipself=True)) == []
    assert list(link.namedlinks()) == [("/", link)]
    assert list(link.namedlinks(skipself=True)) == []
    assert list(link.children()) == []


# ----------------------------------------------------------------------------- gradients


def test_cleargrads_and_zerograds() -> None:
    link = Affine()
    link.add_param("u", initializer=I.One())
    link.cleargrads()
    assert link.W.grad is None
    assert link.u.grad is None
    link.W.grad = numpy.ones((2, 3), numpy.float32)
    with pytest.warns(DeprecationWarning, match=r"Link.zerograds is deprecated") as record:
        link.zerograds()
    assert len(record) == 1
    numpy.testing.assert_array_equal(link.W.grad, 0)
    numpy.testing.assert_array_equal(link.b.grad, 0)
    link.u.initialize((2,))
    numpy.testing.assert_array_equal(link.u.grad, [0, 0])


def test_addgrads() -> None:
    a, b = Affine(), Affine()
    a.cleargrads()
    b.W.grad = numpy.ones((2, 3), numpy.float32)
    b.b.grad = numpy.full(2, 2.0, numpy.float32)
    a.addgrads(b)
    numpy.testing.assert_array_equal(a.W.grad, 1)
    numpy.testing.assert_array_equal(a.b.grad, 2)
    a.addgrads(b)
    numpy.testing.assert_array_equal(a.b.grad, 4)


def test_addgrads_structure_mismatch_changes_nothing() -> None:
    a, b = Affine(), Affine(4)
    a.cleargrads()
    b.cleargrads()
    b.b.grad = numpy.ones(2, numpy.float32)
    with pytest.raises(ValueError, match=r"'/W' has shape \(2, 3\) here but \(2, 4\)"):
        a.addgrads(b)
    assert a.b.grad is None
    with pytest.raises(TypeError, match="addgrads\\(\\) needs a Link, got int"):
        a.addgrads(3)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- copyparams


def test_copyparams_copies_in_place_and_persistents() -> None:
    src, dst = Affine(), Affine()
    src.add_persistent("mean", numpy.arange(2.0))
    src.add_persistent("count", 5)
    src.add_persistent("meta", {"k": [1]})
    dst.add_persistent("mean", numpy.zeros(2))
    dst.add_persistent("count", 0)
    dst.add_persistent("meta", {})
    w, mean = dst.W.array, dst.mean
    dst.cleargrads()
    dst.copyparams(src)
    assert dst.W.array is w
    numpy.testing.assert_array_equal(dst.W.array, src.W.array)
    assert dst.mean is mean
    numpy.testing.assert_array_equal(dst.mean, [0, 1])
    assert dst.count == 5
    assert dst.meta == {"k": [1]}
    assert dst.meta is not src.meta
    assert dst.W.grad is None  # gradients are not copied


def test_copyparams_without_persistent() -> None:
    src, dst = Affine(), Affine()
    src.add_persistent("count", 5)
    dst.add_persistent("count", 0)
    dst.copyparams(src, copy_persistent=False)
    assert dst.count == 0
    numpy.testing.assert_array_equal(dst.b.array, src.b.array)


def test_copyparams_initializes_lazy_parameters() -> None:
    src, dst = Affine(), Affine(None)
    dst.copyparams(src)
    numpy.testing.assert_array_equal(dst.W.array, src.W.array)


def test_copyparams_errors_leave_destination_untouched() -> None:
    src, dst = Affine(), Affine()
    before = dst.W.array.copy() if dst.W.array is not None else None
    del src.b
    with pytest.raises(ValueError, match=r"source link has no parameter at '/b'"):
        dst.copyparams(src)
    numpy.testing.assert_array_equal(dst.W.array, before)
    src2 = Affine()
    src2.add_param("extra", (1,))
    with pytest.raises(ValueError, match=r"has parameters this one lacks: \['/extra'\]"):
        dst.copyparams(src2)
    dst.add_persistent("mean", numpy.zeros(2))
    with pytest.raises(ValueError, match=r"source link has no persistent '/mean'"):
        dst.copyparams(Affine())
    src3 = Affine()
    src3.add_persistent("mean", numpy.zeros(3))
    with pytest.raises(ValueError, match=r"persistent '/mean' has shape \(2,\) here but \(3,\)"):
        dst.copyparams(src3)
    numpy.testing.assert_array_equal(dst.W.array, before)


# ----------------------------------------------------------------------------- update switches


def test_enable_disable_update() -> None:
    link = Affine()

    def enabled() -> bool:  # a call, so that mypy does not narrow the property
        return link.update_enabled

    assert not enabled()  # no rules yet
    w_rule, b_rule = Rule(), Rule()
    link.W.update_rule = w_rule
    link.b.update_rule = b_rule
    assert enabled()
    link.disable_update()
    assert (w_rule.enabled, b_rule.enabled) == (False, False)
    assert not enabled()
    b_rule.enabled = True
    assert enabled()
    link.enable_update()
    assert all(p.update_rule is not None and p.update_rule.enabled for p in link.params())


def test_count_params() -> None:
    link = Affine()
    assert link.count_params() == 8
    link.add_param("u", initializer=I.One())
    with pytest.warns(UserWarning, match=r"Parameter '/u' has not been initialized"):
        assert link.count_params() == 8


# ----------------------------------------------------------------------------- copies


def test_copy_share() -> None:
    link = Affine(None)
    link.add_persistent("count", 3)
    link.name = "layer"
    shared = link.copy()
    assert shared is not link
    assert shared.name is None
    assert link.name == "layer"
    assert shared.W is not link.W
    assert shared.b.array is link.b.array
    assert shared.b.grad is None
    assert numpy.isnan(arr(link.b.grad)).all()  # the original keeps its gradient
    # Assigning an array on one side shows on the other.
    link.b.array = numpy.full(2, 9.0, numpy.float32)
    assert shared.b.array is link.b.array
    # Lazily initializing the shared parameter initializes both.
    shared(numpy.ones((1, 5), numpy.float32))
    assert link.W.array is shared.W.array
    assert link.W.shape == (2, 5)
    # Registration sets are independent.
    shared.add_param("extra", (1,))
    assert "extra" not in link._params
    assert shared.count == 3


def test_copy_copy_and_init() -> None:
    link = Affine()
    link.add_param("u", initializer=I.One())
    deep = link.copy("copy")
    assert deep.W.array is not link.W.array
    numpy.testing.assert_array_equal(deep.W.array, link.W.array)
    assert deep.u.array is None
    fresh = link.copy(mode="init")
    assert not numpy.array_equal(arr(fresh.W.array), arr(link.W.array))
    numpy.testing.assert_array_equal(fresh.b.array, [0, 0])
    assert fresh.u.array is None
    assert fresh.W.initializer is not link.W.initializer


def test_copy_copy_keeps_update_rules() -> None:
    link = Affine()
    link.W.update_rule = Rule(enabled=False)
    deep = link.copy("copy")
    assert isinstance(deep.W.update_rule, Rule)
    assert deep.W.update_rule is not link.W.update_rule
    assert deep.W.update_rule.enabled is False


def test_copy_bad_mode() -> None:
    with pytest.raises(ValueError, match="copy mode must be 'init', 'copy' or 'share', got 'x'"):
        Affine().copy("x")  # type: ignore[arg-type]


def test_repeat() -> None:
    link = Affine()
    net = link.repeat(3)
    assert isinstance(net, Sequential)
    layers = [layer for layer in net if isinstance(layer, Affine)]
    assert len(layers) == 3
    assert len(net) == 3
    assert [child.name for child in net.children()] == ["0", "1", "2"]
    assert not numpy.array_equal(arr(layers[0].W.array), arr(layers[1].W.array))
    copied: list[Any] = list(link.repeat(2, mode="copy"))
    numpy.testing.assert_array_equal(copied[0].W.array, link.W.array)
    assert copied[0].W.array is not copied[1].W.array
    shared: list[Any] = list(link.repeat(2, mode="share"))
    assert shared[0] is not shared[1]
    assert shared[0].W.array is link.W.array is shared[1].W.array
    assert len(link.repeat(0)) == 0
    assert len(link.repeat(-1)) == 0
    with pytest.raises(ValueError, match="repeat mode must be 'init', 'copy' or 'share'"):
        link.repeat(2, mode="deep")  # type: ignore[arg-type]


def test_pickle_link() -> None:
    link = Affine()
    link.add_persistent("count", 2)
    clone = pickle.loads(pickle.dumps(link))
    numpy.testing.assert_array_equal(clone.W.array, link.W.array)
    assert clone.count == 2
    assert [n for n, _ in clone.namedparams()] == ["/W", "/b"]
    with clone.init_scope():
        clone.c = Parameter(0.0, (1,))
    assert "c" in clone._params
    assert "c" not in link._params


# ----------------------------------------------------------------------------- calling


def test_call_dispatches_to_forward() -> None:
    link = Affine()
    x = numpy.ones((4, 3), numpy.float32)
    numpy.testing.assert_allclose(link(x), x @ arr(link.W.array).T + link.b.array)


def test_forward_not_implemented() -> None:
    with pytest.raises(NotImplementedError, match="Link does not implement forward"):
        Link()(1)


def test_old_style_call_override_still_works() -> None:
    class Old(Link):
        def __call__(self, x: int) -> int:
            return x + 1

    assert Old()(1) == 2


def test_str_and_printable_specs() -> None:
    class WithSpecs(Link):
        @property
        def printable_specs(self) -> Any:
            yield "in_size", 3
            yield "nobias", False

    assert str(Link()) == "Link()"
    assert str(WithSpecs()) == "WithSpecs(in_size=3, nobias=False)"
    assert re.fullmatch(r"<.*Link object at 0x[0-9a-f]+>", repr(Link()))


# ----------------------------------------------------------------------------- devices


def test_device_and_xp() -> None:
    link = Affine()
    assert link.device.name == "@numpy"
    assert link.xp is numpy
    w = link.W.array
    assert link.to_device("@numpy") is link
    assert link.W.array is w


def test_to_device_moves_persistent_arrays_and_lazy_params() -> None:
    link = Affine(None)
    link.add_persistent("mean", numpy.zeros(2))
    link.add_persistent("count", 1)
    shared = link.copy()
    link.to_device(-1)
    assert link.count == 1
    link.W.initialize((2, 3))
    assert shared.W.array is None  # moving an uninitialized parameter stops sharing


def test_to_cpu_is_deprecated() -> None:
    link = Affine()
    with pytest.warns(DeprecationWarning, match=r"to_cpu is deprecated"):
        assert link.to_cpu() is link


def test_invalid_device_moves_nothing() -> None:
    link = Affine()
    with pytest.raises(ValueError, match="invalid device specifier"):
        link.to_device("cuda:0")


@pytest.mark.gpu
def test_to_gpu_and_back() -> None:
    cupy = pytest.importorskip("cupy")
    if cupy.cuda.runtime.getDeviceCount() == 0:
        pytest.skip("no CUDA device")
    link = Affine(None)
    link.add_persistent("mean", numpy.zeros(2))
    link.to_device("@cupy:0")
    assert isinstance(link.b.array, cupy.ndarray)
    assert isinstance(link.mean, cupy.ndarray)
    assert link.xp is cupy
    link.W.initialize((2, 3))
    assert isinstance(link.W.array, cupy.ndarray)
    y = link(cupy.ones((1, 3), cupy.float32))
    assert isinstance(y, cupy.ndarray)
    link.to_device("@numpy")
    assert isinstance(link.W.array, numpy.ndarray)
    assert isinstance(link.mean, numpy.ndarray)


# ----------------------------------------------------------------------------- ParameterLink


def test_parameter_link() -> None:
    a = numpy.arange(6, dtype=numpy.float32).reshape(2, 3)
    link = ParameterLink(a)
    assert link.W.array is a
    assert link.W.name == "W"
    assert numpy.isnan(arr(link.W.grad)).all()
    assert link() is link.W
    assert link.forward() is link.W
    assert [n for n, _ in link.namedparams()] == ["/W"]
    with pytest.raises(ValueError, match="volatile option is not supported"):
        link("on")
    with pytest.raises(TypeError, match="ParameterLink needs a numpy or cupy array, got list"):
        ParameterLink([1.0])  # type: ignore[arg-type]
    int_link = ParameterLink(numpy.arange(3))
    assert int_link.W.grad is None


def test_deepcopy_preserves_shared_parameters() -> None:
    link = Bag()
    shared = Parameter(0.0, (2,))
    with link.init_scope():
        link.a = shared
        link.b = shared
    clone = copy.deepcopy(link)
    assert clone.a is clone.b
    assert clone.a is not shared


def test_call_of_a_mixin_after_link_wins_over_forward() -> None:
    class CallMixin:
        def __call__(self, x: int) -> int:
            return x * 10

    class Mixed(Link, CallMixin):
        def forward(self, x: int) -> int:
            return x + 1

    class Plain(Link):
        def forward(self, x: int) -> int:
            return x + 1

    assert Mixed()(2) == 20
    assert Plain()(2) == 3
