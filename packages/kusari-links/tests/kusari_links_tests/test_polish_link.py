"""Link after the module split: the methods bound from the helper modules."""

from __future__ import annotations

import inspect
from typing import assert_type

import numpy
import pytest

from kusari.links import Chain, Link, LinkHook, Parameter, Sequential


class _Leaf(Link):
    def __init__(self, w: numpy.ndarray) -> None:
        super().__init__()
        with self.init_scope():
            self.W = Parameter(w)


class _Pair(Chain):
    def __init__(self) -> None:
        super().__init__()
        with self.init_scope():
            self.a = _Leaf(numpy.arange(3.0, dtype=numpy.float32))
            self.b = _Leaf(numpy.ones((2, 2), numpy.float32))


@pytest.mark.parametrize(
    ("name", "module"),
    [
        ("add_param", "_link_registration"),
        ("add_persistent", "_link_registration"),
        ("register_persistent", "_link_registration"),
        ("add_hook", "_link_registration"),
        ("delete_hook", "_link_registration"),
        ("cleargrads", "_link_params"),
        ("zerograds", "_link_params"),
        ("addgrads", "_link_params"),
        ("copyparams", "_link_params"),
        ("enable_update", "_link_params"),
        ("disable_update", "_link_params"),
        ("count_params", "_link_params"),
        ("copy", "_link_copy"),
        ("_copy_shared", "_link_copy"),
        ("repeat", "_link_copy"),
        ("serialize", "_link_copy"),
    ],
)
def test_methods_are_plain_class_attributes(name: str, module: str) -> None:
    method = vars(Link)[name]
    assert inspect.isfunction(method)
    assert method.__module__ == f"kusari.links.{module}"
    assert method.__doc__


def test_copy_and_add_hook_keep_the_subclass_type() -> None:
    pair = _Pair()
    # assert_type: mypy (run on the tests) checks the self-typed helpers bind to _Pair.
    shared = assert_type(pair.copy(), _Pair)
    deep = assert_type(pair.copy("copy"), _Pair)
    assert type(shared) is _Pair
    assert type(deep) is _Pair
    assert shared.a.W is not pair.a.W
    assert shared.a.W.array is pair.a.W.array
    assert deep.a.W.array is not pair.a.W.array
    numpy.testing.assert_array_equal(deep.a.W.array, [0.0, 1.0, 2.0])
    assert assert_type(pair.add_hook(LinkHook(), "h"), _Pair) is pair
    assert list(pair.local_link_hooks) == ["h"]
    net = assert_type(pair.repeat(2, mode="copy"), Sequential)
    assert [path for path, _ in net.namedparams()] == ["/0/a/W", "/0/b/W", "/1/a/W", "/1/b/W"]


def test_copy_mode_error_names_the_modes() -> None:
    with pytest.raises(ValueError, match="copy mode must be 'init', 'copy' or 'share', got 'x'"):
        _Pair().copy("x")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="repeat mode must be 'init', 'copy' or 'share'"):
        _Pair().repeat(1, "x")  # type: ignore[arg-type]


def test_copyparams_reports_a_structure_mismatch_before_changing_anything() -> None:
    dst, src = _Pair(), _Pair()
    src.a.W.array = numpy.full(3, 7.0, numpy.float32)
    with src.b.init_scope():
        src.b.extra = Parameter(numpy.zeros(1, numpy.float32))
    with pytest.raises(
        ValueError, match=r"copyparams\(\): the source link has parameters this one lacks"
    ):
        dst.copyparams(src)
    numpy.testing.assert_array_equal(dst.a.W.array, [0.0, 1.0, 2.0])


def test_deprecated_params_argument_registers_nan_parameters() -> None:
    link = Link(W=(2, 3), b=((4,), numpy.float64))
    params = dict(link.namedparams())
    assert params["/W"].shape == (2, 3)
    assert params["/b"].dtype == numpy.float64
    w = params["/W"].array
    assert w is not None
    assert numpy.isnan(w).all()
    with pytest.raises(TypeError, match=r"Link\(\*\*params\): 'W' must be a shape"):
        Link(W="big")
