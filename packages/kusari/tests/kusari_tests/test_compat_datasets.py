"""Chainer-style dataset code (downloads, caches, file datasets) after ``install_as_chainer()``."""

from __future__ import annotations

import gzip
import pathlib
import struct
import types
from collections.abc import Iterator

import numpy
import numpy.typing as npt
import pytest

from kusari import datasets
from kusari.compat import install_as_chainer, uninstall_chainer


@pytest.fixture
def chainer() -> Iterator[types.ModuleType]:
    module = install_as_chainer()
    yield module
    uninstall_chainer()
    datasets.set_dataset_root(None)


def _idx(array: npt.NDArray[numpy.uint8]) -> bytes:
    header = struct.pack(">BBBB", 0, 0, 0x08, array.ndim)
    return gzip.compress(header + struct.pack(f">{array.ndim}i", *array.shape) + array.tobytes())


def test_chainer_dataset_names_are_kusaris(chainer: types.ModuleType) -> None:
    import chainer.dataset.download as download

    assert download.cached_download is datasets.cached_download
    assert chainer.dataset.get_dataset_root is datasets.get_dataset_root
    for name in (
        "get_mnist",
        "get_fashion_mnist",
        "get_kuzushiji_mnist",
        "get_cifar10",
        "get_cifar100",
        "get_svhn",
        "get_ptb_words",
        "get_ptb_words_vocabulary",
        "ImageDataset",
        "LabeledImageDataset",
        "ZippedImageDataset",
        "MultiZippedImageDataset",
        "LabeledZippedImageDataset",
        "TextDataset",
        "PickleDataset",
        "PickleDatasetWriter",
        "open_pickle_dataset",
        "open_pickle_dataset_writer",
        "split_dataset_n",
        "split_dataset_n_random",
    ):
        assert getattr(chainer.datasets, name) is getattr(datasets, name)


def test_a_chainer_style_mnist_script_on_a_local_mirror(
    chainer: types.ModuleType,
    tmp_path: pathlib.Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    rng = numpy.random.default_rng(0)
    for part, n in (("train", 6), ("test", 2)):
        for kind, array in (
            ("images", rng.integers(0, 256, (n, 28, 28), dtype=numpy.uint8)),
            ("labels", numpy.arange(n, dtype=numpy.uint8) % 10),
        ):
            path = tmp_path / f"{part}-{kind}.gz"
            path.write_bytes(_idx(array))
            monkeypatch.setitem(datasets.DATASET_URLS, f"mnist/{part}-{kind}", path.as_uri())

    chainer.dataset.set_dataset_root(str(tmp_path / "root"))
    train, test = chainer.datasets.get_mnist(ndim=3)
    assert "Downloading from file://" in capsys.readouterr().out
    assert chainer.dataset.get_dataset_directory("pfnet/chainer/mnist", create_directory=False)
    assert (tmp_path / "root" / "pfnet" / "chainer" / "mnist" / "train.npz").exists()
    parts = chainer.datasets.split_dataset_n_random(train, 2, seed=0)
    assert [len(p) for p in parts] == [3, 3]
    batch = chainer.dataset.concat_examples(train[:4])
    assert batch[0].shape == (4, 1, 28, 28)
    assert batch[1].tolist() == [0, 1, 2, 3]
    assert float(batch[0].max()) <= 1.0
    assert len(test) == 2

    pickled = tmp_path / "train.pkl"
    with chainer.datasets.open_pickle_dataset_writer(str(pickled)) as writer:
        for example in train:
            writer.write(example)
    with chainer.datasets.open_pickle_dataset(str(pickled)) as reread:
        numpy.testing.assert_array_equal(reread[5][0], train[5][0])
