"""The HDF5 serializers (``kusari-links[hdf5]``), and files exchanged with Chainer 7.8.1.

``data/chainer_hdf5_v7.h5`` was written by Chainer 7.8.1 (NumPy 1.26, h5py 3.11) with
``chainer.serializers.save_hdf5`` from the model of :func:`chainer_style_model` filled by
:func:`fill` with ``scale=1`` (the same code, with ``chainer``/``chainer.links`` names and
Chainer's ``SpectralNormalization``).  ``data/kusari_hdf5_v0.h5`` was written once by
kusari's :func:`save_hdf5` from the same model filled with ``scale=2``; Chainer 7.8.1
loaded it with ``load_hdf5`` into its model (``count`` 5, ``ratio`` 0.25, ``nothing``
None, ``bn.N`` 7, ``l1.W_u`` [0.6, -0.8]) and computed, in test mode,
``KUSARI_FILE_OUTPUT_IN_CHAINER`` below.
"""

from __future__ import annotations

import io
import os
import pathlib
import stat
import sys
from typing import Any

import numpy
import numpy.typing as npt
import pytest

from kusari.graph import Variable, using_config
from kusari.links import BatchNormalization, Chain, ChainList, Linear
from kusari.links.hooks import SpectralNormalization
from kusari.serializers import (
    HDF5Deserializer,
    HDF5Serializer,
    load_hdf5,
    load_npz,
    save_hdf5,
    save_npz,
)

h5py: Any = pytest.importorskip("h5py")

DATA = pathlib.Path(__file__).parent / "data"
X = numpy.array([[1.0, -2.0, 0.5], [0.0, 1.0, 2.0]], numpy.float32)
# Chainer 7.8.1, test mode, on data/chainer_hdf5_v7.h5 (its own file) ...
CHAINER_FILE_OUTPUT = [
    [-2.2518997192382812, -3.1916685104370117],
    [3.0856025218963623, 7.212184906005859],
]
# ... and on data/kusari_hdf5_v0.h5 (the file kusari wrote).
KUSARI_FILE_OUTPUT_IN_CHAINER = [
    [-0.9068590402603149, 0.8711986541748047],
    [6.482666015625, 15.107948303222656],
]

Arr = npt.NDArray[Any]


class Model(Chain):
    l1: Linear
    bn: BatchNormalization
    layers: ChainList
    count: int
    ratio: float
    nothing: Any

    def __init__(self, lazy: bool = False) -> None:
        super().__init__()
        with self.init_scope():
            self.l1 = Linear(None, 2) if lazy else Linear(3, 2)
            self.bn = BatchNormalization(2)
            self.layers = ChainList(Linear(2, 2))
        self.l1.add_hook(SpectralNormalization())
        self.add_persistent("count", 0)
        self.add_persistent("ratio", 0.0)
        self.add_persistent("nothing", None)

    def forward(self, x: Any) -> Variable:
        out: Variable = self.layers[0](self.bn(self.l1(x)))
        return out


def chainer_style_model() -> Model:
    return Model()


def fill(model: Model, scale: float) -> Model:
    first = model.layers[0]
    assert isinstance(first, Linear)
    first_b, l1_b, gamma, beta = first.b, model.l1.b, model.bn.gamma, model.bn.beta
    assert first_b is not None
    assert l1_b is not None
    assert gamma is not None
    assert beta is not None
    arrays: list[tuple[Any, Any]] = [
        (
            model.l1.W.array,
            (numpy.arange(6, dtype=numpy.float32).reshape(2, 3) / 10 - 0.2) * scale,
        ),
        (l1_b.array, [0.5 * scale, -0.5]),
        (getattr(model.l1, "W_u"), [0.6, -0.8]),  # noqa: B009
        (gamma.array, [1.5, 2.0]),
        (beta.array, [0.1, 0.2 * scale]),
        (model.bn.avg_mean, [0.3, 0.4]),
        (model.bn.avg_var, [2.0, 3.0 * scale]),
        (first.W.array, numpy.array([[1, 2], [3, 4]], numpy.float32) * scale),
        (first_b.array, [0.0, 1.0]),
    ]
    for target, value in arrays:
        target[...] = value
    model.bn.N = 7
    model.count = 5
    model.ratio = 0.25
    return model


def state(model: Model) -> dict[str, Arr]:
    buffer = io.BytesIO()
    save_npz(buffer, model)
    with numpy.load(io.BytesIO(buffer.getvalue())) as npz:
        return {key: npz[key] for key in npz.files}


def assert_same_state(got: Model, expected: Model) -> None:
    got_state, expected_state = state(got), state(expected)
    assert sorted(got_state) == sorted(expected_state)
    for key, value in expected_state.items():
        numpy.testing.assert_array_equal(got_state[key], value, err_msg=key)


def test_loads_a_file_written_by_chainer() -> None:
    model = Model()
    model.nothing = numpy.zeros(2)
    load_hdf5(DATA / "chainer_hdf5_v7.h5", model)
    assert_same_state(model, fill(Model(), 1.0))
    assert model.nothing is None
    assert (model.count, model.bn.N, model.ratio) == (5, 7, 0.25)
    assert type(model.count) is int
    assert type(model.ratio) is float
    with using_config("train", False):
        y = model(X)
    numpy.testing.assert_allclose(numpy.asarray(y.array), CHAINER_FILE_OUTPUT, rtol=1e-6)


def test_writes_the_layout_chainer_wrote(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "model.h5"
    save_hdf5(path, fill(Model(), 2.0))

    def layout(file: Any) -> dict[str, Any]:
        entries: dict[str, Any] = {}

        def visit(name: str, item: Any) -> None:
            if isinstance(item, h5py.Group):
                entries[name] = "group"
            else:
                entries[name] = (item.shape, item.dtype.str, item.compression)

        file.visititems(visit)
        return entries

    with h5py.File(path, "r") as ours, h5py.File(DATA / "chainer_hdf5_v7.h5", "r") as chainers:
        assert layout(ours) == layout(chainers)
        assert ours["l1/W"].compression_opts == chainers["l1/W"].compression_opts == 4
        assert ours["nothing"].shape is None  # h5py.Empty, as Chainer stores None
    with h5py.File(path, "r") as ours, h5py.File(DATA / "kusari_hdf5_v0.h5", "r") as committed:
        assert layout(ours) == layout(committed)
        for name in ("l1/W", "bn/avg_var", "layers/0/W", "count", "ratio", "bn/N"):
            numpy.testing.assert_array_equal(ours[name][()], committed[name][()], err_msg=name)


def test_the_file_chainer_loaded_gives_chainers_output() -> None:
    model = Model()
    load_hdf5(DATA / "kusari_hdf5_v0.h5", model)
    assert_same_state(model, fill(Model(), 2.0))
    with using_config("train", False):
        y = model(X)
    numpy.testing.assert_allclose(numpy.asarray(y.array), KUSARI_FILE_OUTPUT_IN_CHAINER, rtol=1e-6)


def test_round_trip_with_strings_bools_and_lazy_parameters(tmp_path: pathlib.Path) -> None:
    source = fill(Model(), 3.0)
    source.add_persistent("label", "héllo")
    source.add_persistent("flag", True)
    path = tmp_path / "model.h5"
    save_hdf5(path, source)
    target = Model(lazy=True)  # l1.W uninitialized: it takes the saved shape
    target.add_persistent("label", "")
    target.add_persistent("flag", False)
    load_hdf5(path, target)
    assert target.l1.W.shape == (2, 3)
    assert_same_state(target, source)
    assert getattr(target, "label") == "héllo"  # noqa: B009
    assert getattr(target, "flag") is True  # noqa: B009


def test_file_objects_and_compression_levels() -> None:
    source = fill(Model(), 1.5)
    buffer = io.BytesIO()
    save_hdf5(buffer, source, compression=None)
    with h5py.File(io.BytesIO(buffer.getvalue()), "r") as file:
        assert file["l1/W"].compression is None
    target = Model()
    load_hdf5(io.BytesIO(buffer.getvalue()), target)
    assert_same_state(target, source)
    buffer = io.BytesIO()
    save_hdf5(buffer, source, compression=9)
    with h5py.File(io.BytesIO(buffer.getvalue()), "r") as file:
        assert (file["l1/W"].compression, file["l1/W"].compression_opts) == ("gzip", 9)
        assert file["count"].compression is None  # scalars cannot be chunked


@pytest.mark.parametrize(
    ("compression", "error", "message"),
    [
        (10, ValueError, "compression must be a gzip level from 0 to 9, got 10"),
        (-1, ValueError, "compression must be a gzip level from 0 to 9, got -1"),
        ("gzip", TypeError, r"compression must be a gzip level \(an int from 0 to 9\) or None"),
        (True, TypeError, "got bool"),
    ],
)
def test_bad_compression_is_refused_before_writing(
    tmp_path: pathlib.Path, compression: Any, error: type[Exception], message: str
) -> None:
    path = tmp_path / "model.h5"
    with pytest.raises(error, match=message):
        save_hdf5(path, Model(), compression=compression)
    assert list(tmp_path.iterdir()) == []


def test_path_strict_and_ignore_names(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "snapshot.h5"
    with h5py.File(path, "w") as file:
        HDF5Serializer(file)["updater"]["model:main"].save(fill(Model(), 2.0))
    target = Model()
    load_hdf5(path, target, path="updater/model:main/")
    assert_same_state(target, fill(Model(), 2.0))

    partial = Model()
    before = state(partial)
    load_hdf5(
        path,
        partial,
        path="updater/model:main/",
        ignore_names=["updater/model:main/l1/W", lambda key: key.endswith("/count")],
    )
    numpy.testing.assert_array_equal(partial.l1.W.array, before["l1/W"])
    assert partial.count == 0
    numpy.testing.assert_array_equal(partial.bn.avg_var, [2.0, 6.0])

    with h5py.File(path, "a") as file:
        del file["updater/model:main/bn/avg_var"]
    lenient = Model()
    load_hdf5(path, lenient, path="updater/model:main/", strict=False)
    numpy.testing.assert_array_equal(lenient.bn.avg_var, [1.0, 1.0])
    numpy.testing.assert_array_equal(lenient.bn.avg_mean, numpy.array([0.3, 0.4], numpy.float32))


def test_missing_key_names_it_and_leaves_the_model(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "model.h5"
    save_hdf5(path, fill(Model(), 2.0))
    with h5py.File(path, "a") as file:
        del file["layers/0/b"]
    model = fill(Model(), 1.0)
    before = state(model)
    with pytest.raises(KeyError, match=r"'layers/0/b' is not in '.*model\.h5' \(loading with"):
        load_hdf5(path, model)
    after = state(model)
    for key, value in before.items():
        numpy.testing.assert_array_equal(after[key], value, err_msg=key)


def test_shape_mismatch_leaves_the_model(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "model.h5"
    save_hdf5(path, fill(Model(), 2.0))
    with h5py.File(path, "a") as file:
        del file["layers/0/W"]
        file["layers/0/W"] = numpy.zeros((3, 2), numpy.float32)
    model = fill(Model(), 1.0)
    before = state(model)
    with pytest.raises(ValueError, match=r"'layers/0/W'.*the file holds \(3, 2\) but the target"):
        load_hdf5(path, model)
    after = state(model)
    for key, value in before.items():
        numpy.testing.assert_array_equal(after[key], value, err_msg=key)


def test_a_corrupt_file_is_a_clear_error(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "model.h5"
    save_hdf5(path, fill(Model(), 2.0))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    model = fill(Model(), 1.0)
    before = state(model)
    with pytest.raises(ValueError, match=r"model\.h5' is not a readable HDF5 file"):
        load_hdf5(path, model)
    (tmp_path / "garbage.h5").write_bytes(b"not an hdf5 file at all")
    with pytest.raises(ValueError, match=r"garbage\.h5' is not a readable HDF5 file"):
        load_hdf5(tmp_path / "garbage.h5", model)
    after = state(model)
    for key, value in before.items():
        numpy.testing.assert_array_equal(after[key], value, err_msg=key)


def test_a_corrupt_dataset_leaves_the_model(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "model.h5"
    save_hdf5(path, fill(Model(), 2.0))
    # Damage the compressed chunk of the last array read (layers/0/W) in place.
    with h5py.File(path, "r") as file:
        offset = file["layers/0/W"].id.get_chunk_info(0).byte_offset
    with open(path, "r+b") as stream:
        stream.seek(offset)
        stream.write(b"\xff" * 8)
    model = fill(Model(), 1.0)
    before = state(model)
    with pytest.raises(ValueError, match=r"cannot read 'layers/0/W' from .*corrupted"):
        load_hdf5(path, model)
    after = state(model)
    for key, value in before.items():
        numpy.testing.assert_array_equal(after[key], value, err_msg=key)


def test_a_group_where_a_dataset_is_expected_is_missing(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "model.h5"
    with h5py.File(path, "w") as file:
        file.create_group("W")
    target = Linear(2, 2)
    with pytest.raises(KeyError, match="'W' is not in"):
        load_hdf5(path, target)


def test_save_is_atomic(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "model.h5"
    save_hdf5(path, fill(Model(), 2.0))
    os.chmod(path, 0o640)
    previous = path.read_bytes()
    bad = fill(Model(), 1.0)
    bad.nothing = numpy.array([object()])
    with pytest.raises(TypeError, match="cannot serialize 'nothing': a value of type ndarray"):
        save_hdf5(path, bad)
    assert path.read_bytes() == previous
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.h5"]
    save_hdf5(path, fill(Model(), 3.0))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.h5"]


def test_serializer_and_deserializer_objects() -> None:
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as file:
        serializer = HDF5Serializer(file, compression=1)
        weight = numpy.arange(4.0).reshape(2, 2)
        assert serializer["/a/"]("/W", weight) is weight
        serializer["a"]("W", weight * 2)  # replaces the dataset
        assert serializer("none", None) is None
        assert serializer.compression == 1
        assert serializer.group is file
    with h5py.File(buffer, "r") as file:
        deserializer = HDF5Deserializer(file, False)
        assert deserializer.strict is False
        assert deserializer.group is file
        target = numpy.zeros((2, 2))
        assert deserializer["a"]("W", target) is target
        numpy.testing.assert_array_equal(target, numpy.arange(4.0).reshape(2, 2) * 2)
        assert deserializer("none", numpy.ones(1)) is None
        assert deserializer("missing", 3) == 3
        loaded = deserializer["a"]("W", None)
        numpy.testing.assert_array_equal(loaded, target)
        assert sorted(deserializer.npz) == ["a/W", "none"]
        assert len(deserializer.npz) == 2


def test_missing_dependency(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "h5py", None)
    with pytest.raises(ImportError, match=r"pip install kusari-links\[hdf5\]"):
        save_hdf5(io.BytesIO(), Model())
    with pytest.raises(ImportError, match=r"pip install kusari-links\[hdf5\]"):
        load_hdf5(io.BytesIO(), Model())
    with pytest.raises(ImportError, match="the HDF5 serializers need the h5py package"):
        HDF5Serializer(None)


def test_hdf5_and_npz_hold_the_same_state(tmp_path: pathlib.Path) -> None:
    source = fill(Model(), 1.25)
    save_hdf5(tmp_path / "m.h5", source)
    save_npz(tmp_path / "m.npz", source)
    from_hdf5, from_npz = Model(), Model()
    load_hdf5(tmp_path / "m.h5", from_hdf5)
    load_npz(tmp_path / "m.npz", from_npz)
    assert_same_state(from_hdf5, from_npz)
