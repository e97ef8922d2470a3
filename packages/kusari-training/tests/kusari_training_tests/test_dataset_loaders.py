"""The downloading loaders, on tiny files in the official formats served from file:// URLs."""

from __future__ import annotations

import builtins
import gzip
import io
import os
import pathlib
import pickle
import struct
import tarfile
from collections.abc import Callable, Iterator
from typing import Any

import numpy
import numpy.typing as npt
import pytest

from kusari.datasets import (
    DATASET_URLS,
    TupleDataset,
    get_cifar10,
    get_cifar100,
    get_fashion_mnist,
    get_fashion_mnist_labels,
    get_kuzushiji_mnist,
    get_kuzushiji_mnist_labels,
    get_mnist,
    get_ptb_words,
    get_ptb_words_vocabulary,
    get_svhn,
    set_dataset_root,
)

# Pixel values 0, 1, 17, 128, 254, 255 after each loader's scaling, from Chainer 7.8.1.
CHAINER_SCALE_1 = [0.0, 0.003921568859368563, 0.06666667014360428, 0.501960813999176]
CHAINER_SCALE_1 += [0.9960784912109375, 1.0]
CHAINER_SCALE_2_5 = [0.0, 0.009803921915590763, 0.1666666716337204, 1.2549020051956177]
CHAINER_SCALE_2_5 += [2.4901962280273438, 2.5]
CHAINER_FLOAT16 = [0.0, 0.0039215087890625, 0.066650390625, 0.501953125, 0.99609375, 1.0]
CHAINER_CIFAR_SCALE_3 = [0.0, 0.0117647061124444, 0.20000000298023224, 1.5058823823928833]
CHAINER_CIFAR_SCALE_3 += [2.9882352352142334, 3.0]
PIXELS = [0, 1, 17, 128, 254, 255]


@pytest.fixture
def root(tmp_path: pathlib.Path) -> Iterator[pathlib.Path]:
    set_dataset_root(tmp_path / "root")
    yield tmp_path / "root"
    set_dataset_root(None)


@pytest.fixture
def serve(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[[str, bytes], pathlib.Path]:
    """Write ``data`` to a file and point ``DATASET_URLS[key]`` at it."""

    def serve(key: str, data: bytes) -> pathlib.Path:
        path = tmp_path / "server" / key.replace("/", "_")
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        monkeypatch.setitem(DATASET_URLS, key, path.as_uri())
        return path

    return serve


def idx(array: npt.NDArray[numpy.uint8]) -> bytes:
    header = struct.pack(">BBBB", 0, 0, 0x08, array.ndim)
    header += struct.pack(f">{array.ndim}i", *array.shape)
    return gzip.compress(header + array.tobytes())


def mnist_arrays(n: int, seed: int) -> tuple[npt.NDArray[numpy.uint8], npt.NDArray[numpy.uint8]]:
    rng = numpy.random.default_rng(seed)
    images = rng.integers(0, 256, (n, 28, 28), dtype=numpy.uint8)
    images[0, 0, :6] = PIXELS
    return images, rng.integers(0, 10, n, dtype=numpy.uint8)


def serve_mnist(serve: Callable[[str, bytes], pathlib.Path], name: str) -> dict[str, Any]:
    arrays = {"train": mnist_arrays(5, 0), "test": mnist_arrays(3, 1)}
    for part, (images, labels) in arrays.items():
        serve(f"{name}/{part}-images", idx(images))
        serve(f"{name}/{part}-labels", idx(labels))
    return arrays


# -- MNIST family ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "loader", "directory"),
    [
        ("mnist", get_mnist, "mnist"),
        ("fashion-mnist", get_fashion_mnist, "fashion-mnist"),
        ("kuzushiji-mnist", get_kuzushiji_mnist, "kuzushiji_mnist"),
    ],
)
def test_mnist_family_parses_scales_and_caches(
    root: pathlib.Path,
    serve: Callable[[str, bytes], pathlib.Path],
    name: str,
    loader: Callable[..., Any],
    directory: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    arrays = serve_mnist(serve, name)
    train, test = loader()
    assert isinstance(train, TupleDataset)
    assert (len(train), len(test)) == (5, 3)
    x, t = train[0]
    assert x.shape == (784,)
    assert x.dtype == numpy.float32
    assert x[:6].tolist() == CHAINER_SCALE_1
    numpy.testing.assert_allclose(x, arrays["train"][0][0].reshape(-1) / 255.0, rtol=1e-6)
    assert t.dtype == numpy.int32
    assert [int(t) for _, t in test] == arrays["test"][1].tolist()
    # Chainer's cache layout and keys.
    with numpy.load(root / "pfnet" / "chainer" / directory / "train.npz") as cached:
        assert cached["x"].shape == (5, 784)
        assert cached["x"].dtype == numpy.uint8
        assert cached["y"].tolist() == arrays["train"][1].tolist()
    # The second call reads the cache: the served files may disappear.
    for path in (root.parent / "server").iterdir():
        path.unlink()
    (root / "_dl_cache").rename(root / "gone")
    capsys.readouterr()
    again, _ = loader(withlabel=False, ndim=2)
    assert capsys.readouterr().out == ""
    assert again.shape == (5, 28, 28)
    numpy.testing.assert_array_equal(again[0], train[0][0].reshape(28, 28))


def test_mnist_shapes_dtypes_and_scales_match_chainer(
    root: pathlib.Path, serve: Callable[[str, bytes], pathlib.Path]
) -> None:
    serve_mnist(serve, "mnist")
    x3, _ = get_mnist(ndim=3)[0][0]
    assert x3.shape == (1, 28, 28)
    rgb, t = get_mnist(ndim=3, rgb_format=True, label_dtype=numpy.int64)[0][0]
    assert rgb.shape == (3, 28, 28)
    assert rgb.flags.c_contiguous
    assert t.dtype == numpy.int64
    numpy.testing.assert_array_equal(rgb[0], rgb[2])
    # rgb_format only matters for ndim=3, as in Chainer.
    assert get_mnist(ndim=1, rgb_format=True)[0][0][0].shape == (784,)
    assert get_mnist(scale=2.5)[0][0][0][:6].tolist() == CHAINER_SCALE_2_5
    assert get_mnist(dtype=numpy.float16)[0][0][0][:6].tolist() == CHAINER_FLOAT16
    assert get_mnist(dtype=numpy.float64)[0][0][0].dtype == numpy.float64


@pytest.mark.parametrize("ndim", [0, 4, True, "1"])
def test_mnist_rejects_a_bad_ndim_before_downloading(root: pathlib.Path, ndim: Any) -> None:
    with pytest.raises(ValueError, match=r"get_mnist: ndim must be 1, 2 or 3, got"):
        get_mnist(ndim=ndim)
    assert not root.exists()


def test_mnist_rejects_an_integer_dtype(
    root: pathlib.Path, serve: Callable[[str, bytes], pathlib.Path]
) -> None:
    serve_mnist(serve, "mnist")
    with pytest.raises(TypeError, match=r"dtype must be a floating-point type .* got uint8"):
        get_mnist(dtype=numpy.uint8)


def test_corrupt_idx_files_are_reported_and_not_cached(
    root: pathlib.Path, serve: Callable[[str, bytes], pathlib.Path]
) -> None:
    serve_mnist(serve, "mnist")
    images = mnist_arrays(5, 0)[0]
    serve("mnist/train-images", idx(images)[:-8])
    with pytest.raises(ValueError, match="not a readable gzip file"):
        get_mnist()
    serve("mnist/train-images", gzip.compress(b"\0\0\x08\x03" + struct.pack(">3i", 5, 28, 28)))
    set_dataset_root(root.parent / "root2")
    with pytest.raises(ValueError, match=r"truncated or corrupt: .* shape \(5, 28, 28\)"):
        get_mnist()
    serve("mnist/train-images", idx(mnist_arrays(4, 0)[0]))
    set_dataset_root(root.parent / "root3")
    with pytest.raises(ValueError, match="disagree: 4 images, 5 labels"):
        get_mnist()
    serve("mnist/train-images", idx(mnist_arrays(5, 0)[1]))
    set_dataset_root(root.parent / "root4")
    with pytest.raises(ValueError, match=r"not an IDX file of 3 dimension\(s\)"):
        get_mnist()
    assert not (root.parent / "root4" / "pfnet" / "chainer" / "mnist" / "train.npz").exists()


def test_label_names() -> None:
    # From Chainer 7.8.1.
    assert get_fashion_mnist_labels() == [
        "T-shirt/top",
        "Trouser",
        "Pullover",
        "Dress",
        "Coat",
        "Sandal",
        "Shirt",
        "Sneaker",
        "Bag",
        "Ankle boot",
    ]
    labels = get_kuzushiji_mnist_labels()
    assert len(labels) == 10
    assert labels[0] == ("o", "お")
    assert labels[9] == ("wo", "を")
    labels.clear()  # a new list each time
    assert len(get_kuzushiji_mnist_labels()) == 10


# -- CIFAR -------------------------------------------------------------------------------------


def _pickle_py2_style(batch: dict[bytes, Any], legacy_numpy_path: bool) -> bytes:
    data = pickle.dumps(batch, protocol=2)
    if legacy_numpy_path:
        # The official files name NumPy 1's module path.
        data = data.replace(b"numpy._core.multiarray", b"numpy.core.multiarray")
    return data


def cifar_archive(members: dict[str, dict[bytes, Any]], legacy_numpy_path: bool = True) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, batch in members.items():
            data = _pickle_py2_style(batch, legacy_numpy_path)
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def cifar_batch(n: int, seed: int, label_key: bytes) -> dict[bytes, Any]:
    rng = numpy.random.default_rng(seed)
    data = rng.integers(0, 256, (n, 3072), dtype=numpy.uint8)
    data[0, :6] = PIXELS
    data[0, 1024] = 77
    labels = rng.integers(0, 10, n).tolist()
    return {b"batch_label": b"x", label_key: labels, b"data": data, b"filenames": [b"a"] * n}


def test_cifar10_reads_the_official_layout(
    root: pathlib.Path, serve: Callable[[str, bytes], pathlib.Path]
) -> None:
    batches = {
        f"cifar-10-batches-py/data_batch_{i}": cifar_batch(2, i, b"labels") for i in range(1, 6)
    }
    batches["cifar-10-batches-py/test_batch"] = cifar_batch(3, 9, b"labels")
    batches["cifar-10-batches-py/batches.meta"] = {b"label_names": [b"airplane"]}
    serve("cifar10", cifar_archive(batches))
    train, test = get_cifar10()
    assert (len(train), len(test)) == (10, 3)
    x, t = train[0]
    assert x.shape == (3, 32, 32)
    assert x.dtype == numpy.float32
    assert t.dtype == numpy.int32
    assert x[0, 0, :6].tolist() == CHAINER_SCALE_1
    expected_labels = [
        label
        for i in range(1, 6)
        for label in batches[f"cifar-10-batches-py/data_batch_{i}"][b"labels"]
    ]
    assert [int(t) for _, t in train] == expected_labels
    expected = batches["cifar-10-batches-py/data_batch_2"][b"data"][0].reshape(3, 32, 32)
    numpy.testing.assert_allclose(train[2][0], expected / 255.0, rtol=1e-6)
    flat, _ = get_cifar10(ndim=1, withlabel=False, scale=3.0)
    assert flat.shape == (10, 3072)
    assert flat[0, :6].tolist() == CHAINER_CIFAR_SCALE_3
    assert flat[0, 1024].item() == 0.9058823585510254  # Chainer 7.8.1
    with numpy.load(root / "pfnet" / "chainer" / "cifar" / "cifar-10.npz") as cached:
        assert sorted(cached.files) == ["test_x", "test_y", "train_x", "train_y"]


def test_cifar100_uses_the_fine_labels_and_numpy2_pickles(
    root: pathlib.Path, serve: Callable[[str, bytes], pathlib.Path]
) -> None:
    train_batch = cifar_batch(4, 0, b"fine_labels")
    train_batch[b"coarse_labels"] = [0] * 4
    members = {
        "cifar-100-python/train": train_batch,
        "cifar-100-python/test": cifar_batch(2, 1, b"fine_labels"),
    }
    serve("cifar100", cifar_archive(members, legacy_numpy_path=False))
    train, test = get_cifar100()
    assert [int(t) for _, t in train] == train_batch[b"fine_labels"]
    assert len(test) == 2
    assert (root / "pfnet" / "chainer" / "cifar" / "cifar-100.npz").exists()


def test_cifar_rejects_a_bad_ndim(root: pathlib.Path) -> None:
    with pytest.raises(ValueError, match="get_cifar10: ndim must be 1 or 3, got 2"):
        get_cifar10(ndim=2)
    with pytest.raises(ValueError, match="get_cifar100: ndim must be 1 or 3, got 4"):
        get_cifar100(ndim=4)


class _Evil:
    def __reduce__(self) -> tuple[Any, ...]:
        return (builtins.print, ("pwned",))


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({}, "has no member 'cifar-100-python/train'"),
        (
            {"cifar-100-python/train": {b"data": _Evil(), b"fine_labels": []}},
            r"refusing to load (__builtin__|builtins)\.print",
        ),
        (
            {
                "cifar-100-python/train": {
                    b"data": numpy.zeros((2, 5), numpy.uint8),
                    b"fine_labels": [1, 2],
                }
            },
            r"b'data' must be uint8 of shape \(n, 3072\), got uint8 \(2, 5\)",
        ),
        (
            {
                "cifar-100-python/train": {
                    b"data": numpy.zeros((2, 3072), numpy.uint8),
                    b"fine_labels": [1],
                }
            },
            "must hold 2 integer labels",
        ),
    ],
)
def test_corrupt_or_hostile_cifar_archives_are_refused(
    root: pathlib.Path,
    serve: Callable[[str, bytes], pathlib.Path],
    members: dict[str, dict[bytes, Any]],
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    serve("cifar100", cifar_archive(members, legacy_numpy_path=False))
    with pytest.raises(ValueError, match=message):
        get_cifar100()
    assert "pwned" not in capsys.readouterr().out
    assert not (root / "pfnet" / "chainer" / "cifar" / "cifar-100.npz").exists()


def test_a_file_that_is_not_a_tar_gz_is_reported(
    root: pathlib.Path, serve: Callable[[str, bytes], pathlib.Path]
) -> None:
    serve("cifar10", b"this is not an archive")
    with pytest.raises(ValueError, match=r"is not a readable \.tar\.gz archive"):
        get_cifar10()


# -- SVHN --------------------------------------------------------------------------------------


def serve_svhn(
    serve: Callable[[str, bytes], pathlib.Path], parts: tuple[str, ...]
) -> dict[str, Any]:
    scipy_io = pytest.importorskip("scipy.io")
    arrays = {}
    for k, part in enumerate(parts):
        rng = numpy.random.default_rng(k)
        x = rng.integers(0, 256, (32, 32, 3, 3 + k), dtype=numpy.uint8)
        y = numpy.array([10, 1, 5, 9, 10][: 3 + k], dtype=numpy.uint8).reshape(-1, 1)
        buffer = io.BytesIO()
        scipy_io.savemat(buffer, {"X": x, "y": y})
        serve(f"svhn/{part}", buffer.getvalue())
        arrays[part] = (x, y)
    return arrays


def test_svhn_transposes_to_chw_and_maps_label_10_to_0(
    root: pathlib.Path, serve: Callable[[str, bytes], pathlib.Path]
) -> None:
    arrays = serve_svhn(serve, ("train", "test", "extra"))
    train, test = get_svhn()
    assert (len(train), len(test)) == (3, 4)
    x, t = train[1]
    assert x.shape == (3, 32, 32)
    assert x.dtype == numpy.float32
    assert t.shape == ()
    numpy.testing.assert_allclose(
        x, arrays["train"][0][:, :, :, 1].transpose(2, 0, 1) / 255.0, rtol=1e-6
    )
    assert [int(t) for _, t in test] == [0, 1, 5, 9]  # Chainer 7.8.1 maps 10 to 0
    with numpy.load(root / "pfnet" / "chainer" / "svhn" / "train.npz") as cached:
        assert cached["x"].shape == (32, 32, 3, 3)
        assert cached["y"].shape == (3, 1)
    train, test, extra = get_svhn(withlabel=False, add_extra=True, label_dtype=numpy.int64)
    assert train.shape == (3, 3, 32, 32)
    assert extra.shape == (5, 3, 32, 32)


def test_svhn_without_scipy_names_what_to_install(
    root: pathlib.Path,
    serve: Callable[[str, bytes], pathlib.Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    serve("svhn/train", b"irrelevant")
    real_import = __import__("importlib").import_module

    def fake_import(name: str, package: str | None = None) -> Any:
        if name.startswith("scipy"):
            raise ImportError("No module named 'scipy'")
        return real_import(name, package)

    monkeypatch.setattr("importlib.import_module", fake_import)
    with pytest.raises(
        ImportError, match=r"SciPy, which is not installed; install it with: pip install scipy"
    ):
        get_svhn()


def test_svhn_reports_a_corrupt_mat_file(
    root: pathlib.Path, serve: Callable[[str, bytes], pathlib.Path]
) -> None:
    pytest.importorskip("scipy.io")
    serve("svhn/train", b"not a matlab file at all")
    with pytest.raises(ValueError, match="is not a readable MATLAB file"):
        get_svhn()


# -- PTB ---------------------------------------------------------------------------------------


def serve_ptb(serve: Callable[[str, bytes], pathlib.Path], valid: str = " dog sat\n") -> None:
    serve("ptb/train", b" the cat sat \n a dog <unk> the\n")
    serve("ptb/valid", valid.encode())
    serve("ptb/test", b" the a\n")


def test_ptb_words_match_chainer(
    root: pathlib.Path, serve: Callable[[str, bytes], pathlib.Path]
) -> None:
    serve_ptb(serve)
    train, valid, test = get_ptb_words()
    # From Chainer 7.8.1 on the same three files.
    assert train.dtype == numpy.int32
    assert train.tolist() == [0, 1, 2, 3, 4, 5, 6, 0, 3]
    assert valid.tolist() == [5, 2, 3]
    assert test.tolist() == [0, 4, 3]
    vocabulary = get_ptb_words_vocabulary()
    assert vocabulary == {"the": 0, "cat": 1, "sat": 2, "<eos>": 3, "a": 4, "dog": 5, "<unk>": 6}
    ptb = root / "pfnet" / "chainer" / "ptb"
    assert (ptb / "vocab.txt").read_text().split("\n") == [*vocabulary, ""]
    assert sorted(os.listdir(ptb)) == ["test.npz", "train.npz", "valid.npz", "vocab.txt"]


def test_ptb_word_outside_the_vocabulary_is_reported(
    root: pathlib.Path, serve: Callable[[str, bytes], pathlib.Path]
) -> None:
    serve_ptb(serve, valid=" dog zebra\n")
    with pytest.raises(
        ValueError, match="the word 'zebra' of the PTB valid split is not in the vocabulary"
    ):
        get_ptb_words()
    assert not (root / "pfnet" / "chainer" / "ptb" / "valid.npz").exists()
