from __future__ import annotations

import io
import pathlib
from typing import Any

import numpy
import pytest

from kusari import initializers as I
from kusari.links import Chain, ChainList, Link, Parameter, Sequential
from kusari.serializers import (
    DictionarySerializer,
    NpzDeserializer,
    load_npz,
    load_safetensors,
    save_npz,
    save_safetensors,
)

from ._util import arr


class Leaf(Link):
    count: int  # persistent values are declared for mypy
    mean: Any

    def __init__(self, n_in: int | None, n_out: int = 2) -> None:
        super().__init__()
        with self.init_scope():
            self.W = Parameter(I.Normal(1.0), None if n_in is None else (n_out, n_in))
            self.b = Parameter(I.Normal(1.0), (n_out,))
        self.add_persistent("count", 0)
        self.add_persistent("mean", numpy.zeros(n_out, numpy.float32))


class Block(Chain):
    def __init__(self, n_in: int | None) -> None:
        super().__init__()
        with self.init_scope():
            self.leaf = Leaf(n_in)


class Model(Chain):
    """A Chain of a ChainList of Chains."""

    blocks: Any  # a ChainList of Block
    epoch: int

    def __init__(self, n_in: int | None = 3) -> None:
        super().__init__()
        with self.init_scope():
            self.blocks = ChainList(Block(n_in), Block(4))
            self.head = Leaf(2, 1)
            self.scale = Parameter(I.One(), (1,))
        self.add_persistent("epoch", 0)

    def forward(self, x: Any) -> Any:
        leaf: Any = self.blocks[0].leaf
        if leaf.W.array is None:
            leaf.W.initialize((2, x.shape[1]))
        return x


KEYS = [
    "scale",
    "epoch",
    "blocks/0/leaf/W",
    "blocks/0/leaf/b",
    "blocks/0/leaf/count",
    "blocks/0/leaf/mean",
    "blocks/1/leaf/W",
    "blocks/1/leaf/b",
    "blocks/1/leaf/count",
    "blocks/1/leaf/mean",
    "head/W",
    "head/b",
    "head/count",
    "head/mean",
]


def _state(link: Link) -> dict[str, Any]:
    serializer = DictionarySerializer()
    serializer.save(link)
    return {key: numpy.array(value, copy=True) for key, value in serializer.target.items()}


def _trained(n_in: int | None = 3) -> Model:
    model = Model(n_in)
    if n_in is None:
        model(numpy.zeros((1, 5), numpy.float32))
    model.epoch = 7
    leaf: Any = model.blocks[1].leaf
    leaf.count = 3
    leaf.mean[...] = [1.5, 2.5]
    return model


def test_key_paths_and_order() -> None:
    assert list(_state(Model())) == KEYS


def test_npz_round_trip_of_nested_model(tmp_path: pathlib.Path) -> None:
    source = _trained()
    file = tmp_path / "model.npz"
    save_npz(file, source)
    target = Model()
    w = arr(target.head.W.array)
    mean = target.head.mean
    load_npz(file, target)
    expected, actual = _state(source), _state(target)
    assert actual.keys() == expected.keys()
    for key in KEYS:
        numpy.testing.assert_array_equal(actual[key], expected[key], err_msg=key)
    assert target.head.W.array is w  # in place
    assert target.head.mean is mean
    assert target.epoch == 7
    assert type(target.epoch) is int


def test_lazy_parameters_are_initialized_from_the_file() -> None:
    source = _trained(None)
    leaf: Any = source.blocks[0].leaf
    assert arr(leaf.W.array).shape == (2, 5)
    buffer = io.BytesIO()
    save_npz(buffer, source)
    target = Model(None)
    target_leaf: Any = target.blocks[0].leaf
    target.cleargrads()
    assert target_leaf.W.array is None
    load_npz(io.BytesIO(buffer.getvalue()), target)
    numpy.testing.assert_array_equal(target_leaf.W.array, leaf.W.array)
    assert target_leaf.W.grad is None  # cleargrads before the load is honoured


def test_uninitialized_parameter_saved_as_none_and_loaded_back() -> None:
    buffer = io.BytesIO()
    save_npz(buffer, Model(None))
    target = Model(None)
    load_npz(io.BytesIO(buffer.getvalue()), target)
    leaf: Any = target.blocks[0].leaf
    assert leaf.W.array is None


def test_shape_mismatch_leaves_every_parameter_as_it_was() -> None:
    buffer = io.BytesIO()
    source = _trained()
    source.head.b.array = numpy.zeros(5, numpy.float32)
    save_npz(buffer, source)
    target = Model()
    before = _state(target)
    with pytest.raises(
        ValueError, match=r"'head/b' .* the file holds \(5,\) but the target has shape \(1,\)"
    ):
        load_npz(io.BytesIO(buffer.getvalue()), target)
    after = _state(target)
    for key in KEYS:
        numpy.testing.assert_array_equal(after[key], before[key], err_msg=key)


def test_lazy_parameter_not_initialized_when_load_fails() -> None:
    source = _trained(None)
    del source.head
    buffer = io.BytesIO()
    save_npz(buffer, source)
    target = Model(None)
    with pytest.raises(KeyError, match="'head/W' is not in"):
        load_npz(io.BytesIO(buffer.getvalue()), target)
    leaf: Any = target.blocks[0].leaf
    assert leaf.W.array is None
    assert target.epoch == 0


def test_strict_false_and_ignore_names() -> None:
    source = _trained()
    del source.head
    buffer = io.BytesIO()
    save_npz(buffer, source)
    target = Model()
    head_w = arr(target.head.W.array).copy()
    load_npz(io.BytesIO(buffer.getvalue()), target, strict=False)
    numpy.testing.assert_array_equal(target.head.W.array, head_w)
    assert target.epoch == 7
    target = Model()
    load_npz(
        io.BytesIO(buffer.getvalue()),
        target,
        ignore_names=lambda key: key.startswith("head/") or key == "epoch",
    )
    assert target.epoch == 0


def test_path_loads_model_out_of_a_snapshot() -> None:
    class Updater(Chain):
        def __init__(self) -> None:
            super().__init__()
            with self.init_scope():
                self.main = _trained()

    class Snapshot(Chain):
        def __init__(self) -> None:
            super().__init__()
            with self.init_scope():
                self.updater = Updater()

    buffer = io.BytesIO()
    save_npz(buffer, Snapshot())
    target = Model()
    load_npz(io.BytesIO(buffer.getvalue()), target, path="updater/main/")
    assert target.epoch == 7


def test_corrupted_file_leaves_model_untouched(tmp_path: pathlib.Path) -> None:
    file = tmp_path / "m.npz"
    big = Model()
    big.head.W.array = numpy.random.default_rng(0).normal(size=(1, 2)).astype(numpy.float32)
    save_npz(file, big)
    raw = bytearray(file.read_bytes())
    file.write_bytes(bytes(raw[: len(raw) - 40]))
    target = Model()
    before = _state(target)
    with pytest.raises(ValueError, match=r"m\.npz"):
        load_npz(file, target)
    after = _state(target)
    for key in KEYS:
        numpy.testing.assert_array_equal(after[key], before[key], err_msg=key)


def test_sequential_round_trip() -> None:
    source = Sequential(Leaf(3), numpy.tanh, Leaf(2))
    buffer = io.BytesIO()
    save_npz(buffer, source)
    target = Sequential(Leaf(3), numpy.tanh, Leaf(2))
    load_npz(io.BytesIO(buffer.getvalue()), target)
    assert list(_state(target)) == [
        "0/W",
        "0/b",
        "0/count",
        "0/mean",
        "1/W",
        "1/b",
        "1/count",
        "1/mean",
    ]
    numpy.testing.assert_array_equal(_state(target)["1/W"], _state(source)["1/W"])


def test_safetensors_round_trip(tmp_path: pathlib.Path) -> None:
    pytest.importorskip("safetensors")
    source = _trained(None)
    file = tmp_path / "m.safetensors"
    save_safetensors(file, source)
    target = Model(None)
    load_safetensors(file, target)
    expected, actual = _state(source), _state(target)
    for key in KEYS:
        numpy.testing.assert_array_equal(actual[key], expected[key], err_msg=key)


def test_deserializer_used_directly_like_chainer() -> None:
    source = _trained()
    state = _state(source)
    target = Model()
    target.serialize(NpzDeserializer(state))
    numpy.testing.assert_array_equal(target.head.W.array, source.head.W.array)
