from __future__ import annotations

import io
import os
import pathlib
import re
import stat
import zipfile
from typing import Any

import numpy
import numpy.lib.format
import pytest

from kusari import serializers as S


class Node:
    """A small serializable tree: arrays, scalars and children, like a Link."""

    def __init__(self, children: dict[str, Node] | None = None, **values: Any) -> None:
        self.values = dict(values)
        self.children = dict(children or {})

    def serialize(self, serializer: S.AbstractSerializer) -> None:
        for name in sorted(self.values):
            self.values[name] = serializer(name, self.values[name])
        for name in sorted(self.children):
            self.children[name].serialize(serializer[name])


def _model(scale: float = 1.0) -> Node:
    return Node(
        {
            "l1": Node(W=scale * numpy.arange(6, dtype=numpy.float32).reshape(2, 3)),
            "l2": Node(
                {"0": Node(b=scale * numpy.ones(3, numpy.float32))},
                W=scale * numpy.full((3, 2), 2.0, numpy.float32),
            ),
        },
        count=int(3 * scale),
        rate=0.5 * scale,
        flag=True,
        label="abc",
    )


def _arrays(node: Node) -> dict[str, Any]:
    out = {}
    for key, value in node.values.items():
        out[key] = value.copy() if isinstance(value, numpy.ndarray) else value
    for name, child in node.children.items():
        for key, value in _arrays(child).items():
            out[f"{name}/{key}"] = value
    return out


def _assert_same_state(node: Node, expected: dict[str, Any]) -> None:
    actual = _arrays(node)
    assert actual.keys() == expected.keys()
    for key, value in expected.items():
        if isinstance(value, numpy.ndarray):
            numpy.testing.assert_array_equal(actual[key], value, err_msg=key)
            assert actual[key].dtype == value.dtype
        else:
            assert actual[key] == value
            assert type(actual[key]) is type(value)


# ----------------------------------------------------------------------------- protocol


def test_serializable_protocol() -> None:
    assert isinstance(_model(), S.Serializable)
    assert not isinstance(object(), S.Serializable)


def test_abstract_bases() -> None:
    assert issubclass(S.DictionarySerializer, S.Serializer)
    assert issubclass(S.NpzDeserializer, S.Deserializer)
    assert issubclass(S.Serializer, S.AbstractSerializer)
    with pytest.raises(TypeError, match="abstract"):
        S.Serializer()  # type: ignore[abstract]


# ------------------------------------------------------------------ DictionarySerializer


def test_dictionary_serializer_keys_and_values() -> None:
    serializer = S.DictionarySerializer()
    serializer.save(_model())
    target = serializer.target
    assert list(target) == ["count", "flag", "label", "rate", "l1/W", "l2/W", "l2/0/b"]
    assert target["count"].dtype.kind == "i"
    assert target["count"] == 3
    assert target["flag"].dtype == numpy.bool_
    assert str(target["label"]) == "abc"
    numpy.testing.assert_array_equal(target["l2/0/b"], numpy.ones(3))


def test_dictionary_serializer_does_not_copy_numpy_arrays() -> None:
    weight = numpy.zeros(3)
    serializer = S.DictionarySerializer()
    assert serializer("W", weight) is weight
    assert serializer.target["W"] is weight


def test_dictionary_serializer_paths_strip_slashes() -> None:
    serializer = S.DictionarySerializer()
    child = serializer["/a/"]["b"]
    assert child.path == "a/b/"
    child("/x", 1)
    assert list(serializer.target) == ["a/b/x"]
    assert S.DictionarySerializer(path="p/")["q"].path == "p/q/"


def test_dictionary_serializer_stores_none_as_marker() -> None:
    serializer = S.DictionarySerializer()
    assert serializer("missing", None) is None
    marker = serializer.target["missing"]
    assert marker.shape == ()
    assert marker.dtype == S.NONE_MARKER_DTYPE
    assert not marker.dtype.hasobject


@pytest.mark.parametrize("value", [{"a": 1}, [1, None], object()])
def test_dictionary_serializer_refuses_values_needing_pickle(value: object) -> None:
    serializer = S.DictionarySerializer(path="opt/")
    with pytest.raises(TypeError, match=r"cannot serialize 'opt/v': a value of type .* pickle"):
        serializer("v", value)
    assert serializer.target == {}


# ----------------------------------------------------------------------------- npz round trips


def test_save_and_load_npz_round_trip(tmp_path: pathlib.Path) -> None:
    file = tmp_path / "model.npz"
    S.save_npz(file, _model(2.0))
    assert file.exists()
    assert not (tmp_path / "model.npz.npz").exists()
    target = _model(0.0)
    w1 = target.children["l1"].values["W"]
    b0 = target.children["l2"].children["0"].values["b"]
    S.load_npz(file, target)
    _assert_same_state(target, _arrays(_model(2.0)))
    # Arrays are filled in place.
    assert target.children["l1"].values["W"] is w1
    assert target.children["l2"].children["0"].values["b"] is b0


def test_npz_is_readable_by_numpy_without_pickle(tmp_path: pathlib.Path) -> None:
    file = tmp_path / "model.npz"
    S.save_npz(str(file), _model())
    with numpy.load(file, allow_pickle=False) as archive:
        assert sorted(archive.files) == sorted(
            ["count", "flag", "label", "rate", "l1/W", "l2/W", "l2/0/b"]
        )
        numpy.testing.assert_array_equal(archive["l2/W"], numpy.full((3, 2), 2.0))
    with zipfile.ZipFile(file) as archive:
        assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_DEFLATED}


def test_save_npz_without_compression(tmp_path: pathlib.Path) -> None:
    file = tmp_path / "m.npz"
    S.save_npz(file, _model(), compression=False)
    with zipfile.ZipFile(file) as archive:
        assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_STORED}
    target = _model(0.0)
    S.load_npz(file, target)
    _assert_same_state(target, _arrays(_model()))


def test_npz_keys_that_clash_with_numpy_savez_arguments() -> None:
    node = Node(file=numpy.ones(2), allow_pickle=numpy.zeros(1))
    buffer = io.BytesIO()
    S.save_npz(buffer, node)
    target = Node(file=numpy.zeros(2), allow_pickle=numpy.ones(1))
    S.load_npz(io.BytesIO(buffer.getvalue()), target)
    numpy.testing.assert_array_equal(target.values["file"], [1, 1])
    numpy.testing.assert_array_equal(target.values["allow_pickle"], [0])


def test_save_and_load_file_objects() -> None:
    buffer = io.BytesIO()
    S.save_npz(buffer, _model(3.0))
    buffer.seek(0)
    target = _model(0.0)
    S.load_npz(buffer, target)
    _assert_same_state(target, _arrays(_model(3.0)))


def test_none_round_trip() -> None:
    buffer = io.BytesIO()
    S.save_npz(buffer, Node(state=None, other=numpy.ones(2)))
    target = Node(state=numpy.zeros(3), other=numpy.zeros(2))
    S.load_npz(io.BytesIO(buffer.getvalue()), target)
    assert target.values["state"] is None
    numpy.testing.assert_array_equal(target.values["other"], [1, 1])
    target = Node(state=None, other=numpy.zeros(2))
    S.load_npz(io.BytesIO(buffer.getvalue()), target)
    assert target.values["state"] is None


def test_load_into_none_returns_the_saved_array() -> None:
    buffer = io.BytesIO()
    S.save_npz(buffer, Node(W=numpy.arange(4.0).reshape(2, 2)))
    target = Node(W=None)
    S.load_npz(io.BytesIO(buffer.getvalue()), target)
    numpy.testing.assert_array_equal(target.values["W"], [[0, 1], [2, 3]])


def test_load_casts_same_kind_arrays() -> None:
    buffer = io.BytesIO()
    S.save_npz(buffer, Node(W=numpy.array([1.5, 2.5], numpy.float64)))
    target = Node(W=numpy.zeros(2, numpy.float32))
    S.load_npz(io.BytesIO(buffer.getvalue()), target)
    assert target.values["W"].dtype == numpy.float32
    numpy.testing.assert_array_equal(target.values["W"], [1.5, 2.5])


def test_load_refuses_unsafe_array_cast_and_leaves_model() -> None:
    buffer = io.BytesIO()
    S.save_npz(buffer, Node(a=numpy.ones(2), W=numpy.array([1.5, 2.5])))
    target = Node(a=numpy.zeros(2), W=numpy.zeros(2, numpy.int32))
    with pytest.raises(TypeError, match=r"'W' .* saved dtype float64 cannot be cast to .* int32"):
        S.load_npz(io.BytesIO(buffer.getvalue()), target)
    numpy.testing.assert_array_equal(target.values["a"], [0, 0])


# ----------------------------------------------------------------------------- scalars


def test_scalars_are_rebuilt_with_their_type() -> None:
    buffer = io.BytesIO()
    S.save_npz(buffer, Node(i=7, f=0.25, b=False, s="xyz", n=numpy.float32(1.5)))
    target = Node(i=0, f=0.0, b=True, s="", n=numpy.float32(0))
    S.load_npz(io.BytesIO(buffer.getvalue()), target)
    assert target.values == {"i": 7, "f": 0.25, "b": False, "s": "xyz", "n": 1.5}
    assert type(target.values["i"]) is int
    assert type(target.values["f"]) is float
    assert type(target.values["b"]) is bool
    assert type(target.values["n"]) is numpy.float32


def test_int_saved_loads_into_float() -> None:
    target = Node(x=0.0)
    S.NpzDeserializer({"x": numpy.array(3)}).load(target)
    assert target.values["x"] == 3.0
    assert type(target.values["x"]) is float


def test_unsafe_scalar_cast_refused_and_model_untouched() -> None:
    target = Node(a=numpy.zeros(2), x=1)
    data = {"a": numpy.ones(2), "x": numpy.array(2.5)}
    with pytest.raises(TypeError, match=r"'x' .* dtype float64 cannot be cast safely to int"):
        S.NpzDeserializer(data).load(target)
    assert target.values["x"] == 1
    numpy.testing.assert_array_equal(target.values["a"], [0, 0])


def test_scalar_target_with_array_in_file() -> None:
    target = Node(x=1)
    with pytest.raises(ValueError, match=r"'x' .* target is a int scalar .* shape \(2,\)"):
        S.NpzDeserializer({"x": numpy.array([1, 2])}).load(target)
    assert target.values["x"] == 1


# ------------------------------------------------------------------ errors: all-or-nothing


def test_missing_key_names_full_path_and_leaves_model() -> None:
    buffer = io.BytesIO()
    saved = _model(5.0)
    del saved.children["l2"].children["0"].values["b"]
    S.save_npz(buffer, saved)
    target = _model(0.0)
    before = _arrays(target)
    with pytest.raises(KeyError, match=r"'l2/0/b' is not in <BytesIO> \(loading with strict"):
        S.load_npz(io.BytesIO(buffer.getvalue()), target)
    _assert_same_state(target, before)


def test_missing_key_message_names_the_file(tmp_path: pathlib.Path) -> None:
    file = tmp_path / "ckpt.npz"
    S.save_npz(file, Node(a=numpy.ones(1)))
    with pytest.raises(KeyError, match=re.escape(f"'b' is not in {str(file)!r}")):
        S.load_npz(file, Node(a=numpy.zeros(1), b=numpy.zeros(1)))


def test_strict_false_skips_missing_keys() -> None:
    buffer = io.BytesIO()
    S.save_npz(buffer, Node(a=numpy.ones(2)))
    target = Node(a=numpy.zeros(2), b=numpy.full(2, 7.0), c=None)
    S.load_npz(io.BytesIO(buffer.getvalue()), target, strict=False)
    numpy.testing.assert_array_equal(target.values["a"], [1, 1])
    numpy.testing.assert_array_equal(target.values["b"], [7, 7])
    assert target.values["c"] is None


def test_shape_mismatch_names_path_and_both_shapes_and_leaves_model() -> None:
    buffer = io.BytesIO()
    saved = _model(5.0)
    saved.children["l2"].values["W"] = numpy.zeros((2, 3), numpy.float32)
    S.save_npz(buffer, saved)
    target = _model(0.0)
    before = _arrays(target)
    with pytest.raises(
        ValueError,
        match=r"'l2/W' from <BytesIO>: shape mismatch, the file holds \(2, 3\) .* \(3, 2\)",
    ):
        S.load_npz(io.BytesIO(buffer.getvalue()), target)
    # l1/W and the scalars come first in serialize order, yet nothing was written.
    _assert_same_state(target, before)


def test_broadcastable_shape_is_still_a_mismatch() -> None:
    target = Node(W=numpy.zeros(3))
    with pytest.raises(ValueError, match=r"holds \(1,\) but the target has shape \(3,\)"):
        S.NpzDeserializer({"W": numpy.ones(1)}).load(target)
    numpy.testing.assert_array_equal(target.values["W"], 0)


def test_lazy_target_is_not_filled_when_a_later_key_fails() -> None:
    data = {"a": numpy.ones(2), "b": numpy.ones(3)}
    target = Node(a=None, b=numpy.zeros(2))
    with pytest.raises(ValueError, match="shape mismatch"):
        S.NpzDeserializer(data).load(target)
    assert target.values["a"] is None


def test_corrupted_member_is_a_clear_error_and_model_untouched(tmp_path: pathlib.Path) -> None:
    file = tmp_path / "m.npz"
    S.save_npz(file, Node(a=numpy.arange(2000.0), z=numpy.arange(2000.0)))
    raw = bytearray(file.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    file.write_bytes(bytes(raw))
    target = Node(a=numpy.zeros(2000), z=numpy.zeros(2000))
    with pytest.raises(ValueError, match=r"cannot read '(a|z)' from .*m\.npz.* corrupted"):
        S.load_npz(file, target)
    numpy.testing.assert_array_equal(target.values["a"], 0)
    numpy.testing.assert_array_equal(target.values["z"], 0)


@pytest.mark.parametrize("cut", [0, 10, 0.5])
def test_truncated_file_is_a_clear_error(tmp_path: pathlib.Path, cut: float) -> None:
    file = tmp_path / "m.npz"
    S.save_npz(file, Node(a=numpy.arange(100.0)))
    raw = file.read_bytes()
    file.write_bytes(raw[: int(cut * len(raw)) if cut < 1 else int(cut)])
    target = Node(a=numpy.zeros(100))
    with pytest.raises(ValueError, match=r"m\.npz' is not a readable npz archive"):
        S.load_npz(file, target)
    numpy.testing.assert_array_equal(target.values["a"], 0)


def test_garbage_file_is_not_reported_as_pickle(tmp_path: pathlib.Path) -> None:
    file = tmp_path / "junk.npz"
    file.write_bytes(b"definitely not a zip file" * 4)
    with pytest.raises(ValueError, match=r"junk\.npz' is not a readable npz archive"):
        S.load_npz(file, Node(a=numpy.zeros(1)))


def test_npy_file_is_refused(tmp_path: pathlib.Path) -> None:
    file = tmp_path / "a.npy"
    numpy.save(file, numpy.arange(3))
    with pytest.raises(ValueError, match=r"a\.npy' holds a single \.npy array, not an npz"):
        S.load_npz(file, Node(a=numpy.zeros(3)))


def test_missing_file_raises_file_not_found(tmp_path: pathlib.Path) -> None:
    with pytest.raises(FileNotFoundError):
        S.load_npz(tmp_path / "nope.npz", Node())


def test_pickled_entries_are_refused(tmp_path: pathlib.Path) -> None:
    file = tmp_path / "chainer.npz"
    numpy.savez(file, a=numpy.ones(2), state=numpy.asarray(None))
    target = Node(a=numpy.zeros(2), state=numpy.zeros(2))
    with pytest.raises(ValueError, match=r"refusing to load 'state' .* pickled object array"):
        S.load_npz(file, target)
    numpy.testing.assert_array_equal(target.values["a"], [0, 0])
    # The pickled entry is harmless when it is not requested.
    target = Node(a=numpy.zeros(2))
    S.load_npz(file, target, strict=False)
    numpy.testing.assert_array_equal(target.values["a"], [1, 1])


def test_object_arrays_in_a_mapping_are_refused() -> None:
    with pytest.raises(ValueError, match="pickled object array"):
        S.NpzDeserializer({"x": numpy.array([1, None])}).load(Node(x=numpy.zeros(2)))


# ----------------------------------------------------------------------------- path / ignore_names


def test_path_loads_a_subtree() -> None:
    outer = Node({"updater": Node({"model:main": _model(4.0)})})
    buffer = io.BytesIO()
    S.save_npz(buffer, outer)
    target = _model(0.0)
    S.load_npz(io.BytesIO(buffer.getvalue()), target, path="updater/model:main/")
    _assert_same_state(target, _arrays(_model(4.0)))


def test_ignore_names_string_callable_and_list() -> None:
    data = {"a": numpy.ones(1), "b": numpy.ones(1), "c/x": numpy.ones(1)}

    def fresh() -> Node:
        return Node({"c": Node(x=numpy.zeros(1))}, a=numpy.zeros(1), b=numpy.zeros(1))

    target = fresh()
    S.NpzDeserializer(data, ignore_names="a").load(target)
    assert _arrays(target)["a"] == 0
    assert _arrays(target)["b"] == 1
    target = fresh()
    S.NpzDeserializer(data, ignore_names=lambda key: key.startswith("c/")).load(target)
    assert _arrays(target)["c/x"] == 0
    assert _arrays(target)["a"] == 1
    target = fresh()
    S.NpzDeserializer(data, ignore_names=["b", lambda key: key == "c/x"]).load(target)
    assert [_arrays(target)[k].item() for k in ("a", "b", "c/x")] == [1, 0, 0]


def test_ignored_names_may_be_missing() -> None:
    target = Node(a=numpy.zeros(1), extra=numpy.full(1, 5.0))
    S.load_npz(_npz_bytes(a=numpy.ones(1)), target, ignore_names=["extra"])
    assert target.values["extra"] == 5


def test_ignore_names_match_the_full_key_with_path() -> None:
    data = {"p/a": numpy.ones(1), "p/b": numpy.ones(1)}
    target = Node(a=numpy.zeros(1), b=numpy.zeros(1))
    S.NpzDeserializer(data, path="p/", ignore_names="p/a").load(target)
    assert (target.values["a"].item(), target.values["b"].item()) == (0, 1)


def test_ignore_names_type_is_checked() -> None:
    with pytest.raises(TypeError, match=r"ignore_names must be .* got an item of type int"):
        S.NpzDeserializer({}, ignore_names=[3])  # type: ignore[list-item]


def _npz_bytes(**arrays: Any) -> io.BytesIO:
    buffer = io.BytesIO()
    numpy.savez(buffer, **arrays)
    buffer.seek(0)
    return buffer


def test_files_written_by_numpy_savez_load() -> None:
    target = Node(W=numpy.zeros(2), t=0)
    S.load_npz(_npz_bytes(W=numpy.ones(2), t=numpy.array(4)), target)
    assert target.values["t"] == 4
    numpy.testing.assert_array_equal(target.values["W"], [1, 1])


# ----------------------------------------------------------------------------- direct use


def test_direct_serialize_call_is_single_pass() -> None:
    # Chainer code calls obj.serialize(deserializer) itself: no validation pass then.
    target = Node(a=numpy.zeros(1), b=numpy.zeros(2))
    deserializer = S.NpzDeserializer({"a": numpy.ones(1), "b": numpy.ones(3)})
    with pytest.raises(ValueError, match="shape mismatch"):
        target.serialize(deserializer)
    assert target.values["a"] == 1


def test_child_deserializer_shares_data_and_options() -> None:
    deserializer = S.NpzDeserializer({"x/y/z": numpy.ones(1)}, strict=False)
    child = deserializer["x"]["/y/"]
    assert child.path == "x/y/"
    assert child.strict is False
    assert child.npz is deserializer.npz
    value = numpy.zeros(1)
    assert child("z", value) is value
    assert value == 1
    assert child("missing", 5) == 5


def test_load_is_reentrant_for_nested_loads() -> None:
    class Holder:
        def __init__(self) -> None:
            self.inner = Node(a=numpy.zeros(1))

        def serialize(self, serializer: S.AbstractSerializer) -> None:
            assert isinstance(serializer, S.Deserializer)
            serializer["inner"].load(self.inner)

    holder = Holder()
    S.NpzDeserializer({"inner/a": numpy.ones(1)}).load(holder)
    assert holder.inner.values["a"] == 1


# ----------------------------------------------------------------------------- atomic save


def test_crash_mid_save_keeps_previous_file(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = tmp_path / "ckpt.npz"
    S.save_npz(file, _model(1.0))
    original = file.read_bytes()
    calls = 0
    real_write_array = numpy.lib.format.write_array

    def crash_on_third(stream: Any, array: Any, **kwargs: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise OSError("disk full")
        real_write_array(stream, array, **kwargs)

    monkeypatch.setattr(numpy.lib.format, "write_array", crash_on_third)
    with pytest.raises(OSError, match="disk full"):
        S.save_npz(file, _model(9.0))
    monkeypatch.undo()
    assert file.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ckpt.npz"]
    target = _model(0.0)
    S.load_npz(file, target)
    _assert_same_state(target, _arrays(_model(1.0)))


def test_crash_in_serialize_writes_nothing(tmp_path: pathlib.Path) -> None:
    class Broken:
        def serialize(self, serializer: S.AbstractSerializer) -> None:
            serializer("a", numpy.ones(1))
            raise RuntimeError("boom")

    file = tmp_path / "x.npz"
    with pytest.raises(RuntimeError, match="boom"):
        S.save_npz(file, Broken())
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_save_keeps_permissions_of_existing_file(tmp_path: pathlib.Path) -> None:
    file = tmp_path / "m.npz"
    S.save_npz(file, Node(a=numpy.ones(1)))
    os.chmod(file, 0o600)
    S.save_npz(file, Node(a=numpy.zeros(1)))
    assert stat.S_IMODE(os.stat(file).st_mode) == 0o600
    fresh = tmp_path / "fresh.npz"
    S.save_npz(fresh, Node(a=numpy.ones(1)))
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(os.stat(fresh).st_mode) == 0o666 & ~umask


def test_save_refuses_pickle_values_before_touching_file(tmp_path: pathlib.Path) -> None:
    file = tmp_path / "m.npz"
    S.save_npz(file, Node(a=numpy.ones(1)))
    original = file.read_bytes()
    with pytest.raises(TypeError, match="would need pickle"):
        S.save_npz(file, Node(a=numpy.ones(1), meta={"k": 1}))
    assert file.read_bytes() == original


# ----------------------------------------------------------------------------- safetensors


def test_safetensors_round_trip(tmp_path: pathlib.Path) -> None:
    pytest.importorskip("safetensors")
    model = _model(2.0)
    del model.values["label"]
    model.values["nothing"] = None
    file = tmp_path / "m.safetensors"
    S.save_safetensors(file, model, metadata={"format": "np"})
    target = _model(0.0)
    del target.values["label"]
    target.values["nothing"] = numpy.zeros(1)
    w = target.children["l1"].values["W"]
    S.load_safetensors(file, target)
    expected = _arrays(model)
    assert target.values.pop("nothing") is None
    del expected["nothing"]
    _assert_same_state(target, expected)
    assert target.children["l1"].values["W"] is w


def test_safetensors_file_objects_and_header(tmp_path: pathlib.Path) -> None:
    safetensors_numpy = pytest.importorskip("safetensors.numpy")
    buffer = io.BytesIO()
    S.save_safetensors(buffer, Node(W=numpy.ones((2, 2), numpy.float32), s=None))
    loaded = safetensors_numpy.load(buffer.getvalue())
    assert list(loaded) == ["W"]
    buffer.seek(0)
    target = Node(W=numpy.zeros((2, 2), numpy.float32), s=numpy.zeros(1))
    S.load_safetensors(buffer, target)
    assert target.values["s"] is None
    numpy.testing.assert_array_equal(target.values["W"], 1)


def test_safetensors_errors(tmp_path: pathlib.Path) -> None:
    pytest.importorskip("safetensors")
    with pytest.raises(TypeError, match=r"cannot save 'label' to safetensors: .* numeric"):
        S.save_safetensors(io.BytesIO(), Node(label="abc"))
    with pytest.raises(TypeError, match=r"'kusari\.none_keys' is reserved"):
        S.save_safetensors(io.BytesIO(), Node(), metadata={S.NONE_KEYS_METADATA: "[]"})
    file = tmp_path / "m.safetensors"
    S.save_safetensors(file, Node(a=numpy.ones(3), b=numpy.ones(2)))
    target = Node(a=numpy.zeros(3), b=numpy.zeros(4))
    with pytest.raises(ValueError, match=r"'b' from .*m\.safetensors.*\(2,\) .* \(4,\)"):
        S.load_safetensors(file, target)
    numpy.testing.assert_array_equal(target.values["a"], 0)
    file.write_bytes(file.read_bytes()[:-5])
    with pytest.raises(ValueError, match=r"m\.safetensors' is not a readable safetensors file"):
        S.load_safetensors(file, target)
    with pytest.raises(KeyError, match="'c' is not in"):
        S.load_safetensors(
            io.BytesIO(_safetensors_bytes(a=numpy.ones(3))), Node(a=target.values["a"], c=1)
        )
    numpy.testing.assert_array_equal(target.values["a"], 0)


def _safetensors_bytes(**arrays: Any) -> bytes:
    buffer = io.BytesIO()
    S.save_safetensors(buffer, Node(**arrays))
    return buffer.getvalue()


def test_safetensors_missing_dependency(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "safetensors", None)
    monkeypatch.setitem(sys.modules, "safetensors.numpy", None)
    with pytest.raises(ImportError, match=r"pip install kusari-links\[safetensors\]"):
        S.save_safetensors(io.BytesIO(), Node())
    with pytest.raises(ImportError, match="need the safetensors package"):
        S.load_safetensors(io.BytesIO(), Node())
