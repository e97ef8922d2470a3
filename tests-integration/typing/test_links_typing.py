"""User-style code: links, initializers and serializers as mypy sees them."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any, assert_type

import numpy
import numpy.typing as npt

from kusari import initializers, serializers
from kusari.links import (
    Chain,
    ChainList,
    Link,
    LinkHook,
    Parameter,
    ParameterLink,
    Sequential,
    UpdateRuleLike,
)


class Affine(Link):
    def __init__(self, n_in: int, n_out: int) -> None:
        super().__init__()
        with self.init_scope():
            self.W = Parameter(initializers.HeNormal(), (n_out, n_in))
            self.b = Parameter(0.0, (n_out,))

    def forward(self, x: npt.NDArray[numpy.float32]) -> npt.NDArray[Any]:
        w = self.W.array
        assert w is not None
        return x @ w.T


class Model(Chain):
    def __init__(self) -> None:
        super().__init__()
        with self.init_scope():
            self.first = Affine(3, 4)
            self.rest = ChainList(Affine(4, 4), Affine(4, 2))


def test_link_iteration_types() -> None:
    model = Model()
    for p in model.params():
        assert_type(p, Parameter)
    assert_type(model.params(), Iterator[Parameter])
    for path, param in model.namedparams(include_uninit=False):
        assert_type(path, str)
        assert_type(param, Parameter)
    for link in model.links(skipself=True):
        assert_type(link, Link)
    assert_type(model.namedlinks(), Iterator[tuple[str, Link]])
    assert_type(model.children(), Iterator[Link])
    assert_type(model["first"], Link)
    assert_type(model.rest[0], Link)
    assert_type(model.first.W, Parameter)
    assert_type(model.first.W.array, npt.NDArray[Any] | None)
    assert_type(model.count_params(), int)


def test_copies_keep_the_type() -> None:
    model = Model()
    assert_type(model.copy(), Model)
    assert_type(model.copy(mode="init"), Model)
    assert_type(model.to_device("@numpy"), Model)
    assert_type(model.first.repeat(2), Sequential)
    assert_type(model.add_hook(LinkHook()), Model)


def test_parameter_surface() -> None:
    p = Parameter(initializers.Zero(), name="u")
    assert_type(p.update_rule, UpdateRuleLike | None)
    assert_type(p.is_initialized, bool)
    p.initialize((2, 3))
    assert_type(p.dtype, numpy.dtype[Any])
    assert_type(ParameterLink(numpy.zeros(2, numpy.float32)).forward(), Parameter)


def test_initializers_and_serializers() -> None:
    init = initializers.get_initializer(None)
    array = initializers.generate_array(init, (2, 2), numpy)
    assert_type(array, npt.NDArray[Any])
    assert_type(initializers.get_fans((3, 4)), tuple[int, int])
    buffer = io.BytesIO()
    model = Model()
    serializers.save_npz(buffer, model)
    buffer.seek(0)
    serializers.load_npz(buffer, model, strict=False)
    saved = serializers.DictionarySerializer()
    saved.save(model)
    assert_type(saved.target, dict[str, npt.NDArray[Any]])
    assert_type(saved("t", 3), int)
    assert_type(saved["child"], serializers.DictionarySerializer)
