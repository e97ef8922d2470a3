from __future__ import annotations

import io
import os
import pathlib
import pickle
import zipfile
from typing import Any

import numpy
import numpy.typing as npt
import pytest

from kusari.datasets import (
    ImageDataset,
    LabeledImageDataset,
    LabeledZippedImageDataset,
    MultiZippedImageDataset,
    PickleDataset,
    PickleDatasetWriter,
    TextDataset,
    ZippedImageDataset,
    open_pickle_dataset,
    open_pickle_dataset_writer,
    split_dataset_n,
    split_dataset_n_random,
)

# -- split_dataset_n ---------------------------------------------------------------------------


def test_split_dataset_n_drops_the_remainder_as_chainer_does() -> None:
    # Values from Chainer 7.8.1.
    assert [p[:] for p in split_dataset_n(list(range(10)), 3)] == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    reverse = list(range(9, -1, -1))
    assert [p[:] for p in split_dataset_n(list(range(10)), 3, order=reverse)] == [
        [9, 8, 7],
        [6, 5, 4],
        [3, 2, 1],
    ]
    assert [len(p) for p in split_dataset_n(list(range(10)), 11)] == [0] * 11


def test_split_dataset_n_random_matches_chainer_for_a_seed() -> None:
    parts = split_dataset_n_random(list(range(10)), 3, seed=0)
    assert [p[:] for p in parts] == [[2, 8, 4], [9, 1, 6], [7, 3, 0]]  # Chainer 7.8.1


def test_split_dataset_n_rejects_n_below_one() -> None:
    with pytest.raises(ValueError, match="n must be at least 1, got 0"):
        split_dataset_n([1, 2], 0)
    with pytest.raises(ValueError, match="n must be at least 1, got -2"):
        split_dataset_n_random([1, 2], -2, seed=0)


# -- TextDataset -------------------------------------------------------------------------------


@pytest.fixture
def texts(tmp_path: pathlib.Path) -> pathlib.Path:
    (tmp_path / "a.txt").write_text("l1\nl2\n\nl4")
    (tmp_path / "b.txt").write_text("m1\nm2\nm3\nm4\n")
    (tmp_path / "c.txt").write_text("x\n")
    (tmp_path / "crlf.txt").write_bytes(b"a\r\nb\r\n")
    (tmp_path / "u16.txt").write_text("あ\nい\n", encoding="utf-16")
    return tmp_path


def test_text_dataset_lines_keep_their_endings(texts: pathlib.Path) -> None:
    # Expected values from Chainer 7.8.1.
    with TextDataset(texts / "a.txt") as lines:
        assert len(lines) == 4
        assert lines[:] == ["l1\n", "l2\n", "\n", "l4"]
        assert lines[-1] == "l4"
        with pytest.raises(IndexError, match="TextDataset index 4 out of range for length 4"):
            lines[4]


def test_text_dataset_reads_files_in_step_and_filters(texts: pathlib.Path) -> None:
    paths: list[str | os.PathLike[str]] = [str(texts / "a.txt"), texts / "b.txt"]
    with TextDataset(paths) as pairs:
        assert (len(pairs), pairs[0], pairs[3]) == (4, ("l1\n", "m1\n"), ("l4", "m4\n"))
    with TextDataset(paths, filter_func=lambda a, b: a.strip() != "") as kept:
        assert kept[:] == [("l1\n", "m1\n"), ("l2\n", "m2\n"), ("l4", "m4\n")]
    with TextDataset(texts / "a.txt", filter_func=lambda a: a != "\n") as single:
        assert single[:] == ["l1\n", "l2\n", "l4"]


def test_text_dataset_encodings_and_newlines(texts: pathlib.Path) -> None:
    with TextDataset(texts / "u16.txt", encoding="utf-16") as lines:
        assert lines[:] == ["あ\n", "い\n"]
    with (
        TextDataset(texts / "crlf.txt") as translated,
        TextDataset(texts / "crlf.txt", newline="") as raw,
    ):
        assert translated[:] == ["a\n", "b\n"]
        assert raw[:] == ["a\r\n", "b\r\n"]
    with TextDataset(
        [texts / "u16.txt", texts / "crlf.txt"], encoding=["utf-16", "ascii"]
    ) as mixed:
        assert mixed[1] == ("い\n", "b\n")


def test_text_dataset_errors(texts: pathlib.Path) -> None:
    with pytest.raises(ValueError, match=r"same number of lines, but .*c\.txt end\(s\) after 1"):
        TextDataset([texts / "a.txt", texts / "c.txt"])
    with pytest.raises(FileNotFoundError):
        TextDataset(texts / "nope.txt")
    with pytest.raises(
        ValueError, match=r"encoding must be one value or one per path \(2\), got 3"
    ):
        TextDataset([texts / "a.txt", texts / "b.txt"], encoding=["utf-8"] * 3)
    with pytest.raises(ValueError, match="at least one path"):
        TextDataset([])
    lines = TextDataset(texts / "a.txt")
    lines.close()
    with pytest.raises(ValueError, match="the TextDataset is closed"):
        lines[0]


def test_text_dataset_survives_pickling(texts: pathlib.Path) -> None:
    with TextDataset([texts / "a.txt", texts / "b.txt"]) as pairs:
        copy = pickle.loads(pickle.dumps(pairs))
    try:
        assert copy[2] == ("\n", "m3\n")
        assert len(copy) == 4
    finally:
        copy.close()


# -- PickleDataset -----------------------------------------------------------------------------


def test_pickle_dataset_round_trip_in_memory() -> None:
    buffer = io.BytesIO()
    writer = PickleDatasetWriter(buffer)
    examples: list[Any] = [(1, "a"), numpy.arange(3), {"k": 2}]
    for example in examples:
        writer.write(example)
    writer.flush()
    dataset = PickleDataset(buffer)
    assert len(dataset) == 3
    assert dataset[0] == (1, "a")
    numpy.testing.assert_array_equal(dataset[1], numpy.arange(3))
    assert dataset[-1] == {"k": 2}
    assert dataset[0:2][0] == (1, "a")
    with pytest.raises(IndexError, match="PickleDataset index 3 out of range for length 3"):
        dataset[3]
    with pytest.raises(TypeError, match="over a file object cannot be pickled"):
        pickle.dumps(dataset)


def test_pickle_dataset_file_is_chainers_format(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "p.pkl"
    with open_pickle_dataset_writer(path, protocol=4) as writer:
        for i in range(5):
            writer.write({"i": i})
    # The format is nothing but consecutive pickles (what Chainer writes and reads).
    with open(path, "rb") as file:
        assert [pickle.load(file)["i"] for _ in range(5)] == [0, 1, 2, 3, 4]
        assert file.read() == b""
    with open_pickle_dataset(path) as dataset:
        assert [example["i"] for example in dataset] == [0, 1, 2, 3, 4]
        copy = pickle.loads(pickle.dumps(dataset))
    with copy:
        assert copy[3] == {"i": 3}
    with pytest.raises(ValueError, match="the PickleDataset is closed"):
        dataset[0]


def test_pickle_dataset_reports_a_truncated_file(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "cut.pkl"
    with open_pickle_dataset_writer(path) as writer:
        writer.write("first")
        writer.write(list(range(100)))
    data = path.read_bytes()
    path.write_bytes(data[:-10])
    first_size = len(pickle.dumps("first", protocol=pickle.HIGHEST_PROTOCOL))
    with pytest.raises(pickle.UnpicklingError, match=f"example 1 at byte {first_size} of"):
        open_pickle_dataset(path)


def test_pickle_writer_rejects_a_bad_protocol(tmp_path: pathlib.Path) -> None:
    with pytest.raises(ValueError, match="protocol must be between 0 and"):
        open_pickle_dataset_writer(tmp_path / "x.pkl", protocol=99)
    assert not (tmp_path / "x.pkl").exists()


# -- image datasets ----------------------------------------------------------------------------


@pytest.fixture
def images(tmp_path: pathlib.Path) -> dict[str, npt.NDArray[numpy.uint8]]:
    image_module = pytest.importorskip("PIL.Image")
    rng = numpy.random.default_rng(0)
    arrays = {
        "rgb.png": rng.integers(0, 256, (4, 5, 3), dtype=numpy.uint8),
        "sub/g.png": rng.integers(0, 256, (4, 5), dtype=numpy.uint8),
        "rgba.png": rng.integers(0, 256, (4, 5, 4), dtype=numpy.uint8),
    }
    (tmp_path / "img" / "sub").mkdir(parents=True)
    for name, array in arrays.items():
        image_module.fromarray(array).save(tmp_path / "img" / name)
    return arrays


def chw(array: npt.NDArray[numpy.uint8]) -> npt.NDArray[numpy.uint8]:
    return array[None] if array.ndim == 2 else array.transpose(2, 0, 1)


def test_image_dataset_reads_chw_arrays(
    tmp_path: pathlib.Path, images: dict[str, npt.NDArray[numpy.uint8]]
) -> None:
    dataset = ImageDataset(list(images), root=tmp_path / "img")
    assert len(dataset) == 3
    for i, array in enumerate(images.values()):
        example = dataset[i]
        assert example.dtype == numpy.float32
        assert example.flags.c_contiguous
        numpy.testing.assert_array_equal(example, chw(array))
    assert [dataset[i].shape[0] for i in range(3)] == [3, 1, 4]  # as Chainer 7.8.1
    (tmp_path / "list.txt").write_text("rgb.png\n\nsub/g.png\n")
    listed = ImageDataset(str(tmp_path / "list.txt"), root=tmp_path / "img", dtype=numpy.uint8)
    assert len(listed) == 2
    assert listed[1].dtype == numpy.uint8
    with pytest.raises(FileNotFoundError):
        ImageDataset(["missing.png"], root=tmp_path / "img")[0]


def test_labeled_image_dataset(
    tmp_path: pathlib.Path, images: dict[str, npt.NDArray[numpy.uint8]]
) -> None:
    root = tmp_path / "img"
    dataset = LabeledImageDataset([("rgb.png", 3), ("sub/g.png", 1)], root=root)
    x, t = dataset[0]
    assert x.shape == (3, 4, 5)
    assert t.dtype == numpy.int32
    assert t.shape == ()
    assert int(t) == 3
    (tmp_path / "pairs.txt").write_text("rgb.png 3\nsub/g.png -1\n\n")
    from_file = LabeledImageDataset(tmp_path / "pairs.txt", root=root, label_dtype=numpy.int64)
    assert len(from_file) == 2
    assert int(from_file[1][1]) == -1
    assert from_file[1][1].dtype == numpy.int64
    (tmp_path / "bad.txt").write_text("rgb.png 3\nsub/g.png\n")
    with pytest.raises(
        ValueError, match=r"bad\.txt, line 2: expected '<path> <label>', got 'sub/g.png'"
    ):
        LabeledImageDataset(tmp_path / "bad.txt", root=root)
    (tmp_path / "bad2.txt").write_text("rgb.png x\n")
    with pytest.raises(ValueError, match=r"bad2\.txt, line 1: the label 'x' is not an integer"):
        LabeledImageDataset(tmp_path / "bad2.txt", root=root)


@pytest.fixture
def archives(tmp_path: pathlib.Path, images: dict[str, npt.NDArray[numpy.uint8]]) -> list[str]:
    first, second = str(tmp_path / "z1.zip"), str(tmp_path / "z2.zip")
    with zipfile.ZipFile(first, "w") as archive:
        archive.write(tmp_path / "img" / "rgb.png", "rgb.png")
        archive.writestr("sub/", "")
        archive.write(tmp_path / "img" / "sub" / "g.png", "sub/g.png")
    with zipfile.ZipFile(second, "w") as archive:
        archive.write(tmp_path / "img" / "rgba.png", "a.png")
    return [first, second]


def test_zipped_image_dataset(
    archives: list[str], images: dict[str, npt.NDArray[numpy.uint8]]
) -> None:
    with ZippedImageDataset(archives[0]) as dataset:
        assert len(dataset) == 2  # the folder entry is not an example
        numpy.testing.assert_array_equal(dataset[0], chw(images["rgb.png"]))
        numpy.testing.assert_array_equal(dataset[1], chw(images["sub/g.png"]))
        copy = pickle.loads(pickle.dumps(dataset))
    with copy:
        numpy.testing.assert_array_equal(copy[1], chw(images["sub/g.png"]))


def test_multi_zipped_image_dataset(
    archives: list[str], images: dict[str, npt.NDArray[numpy.uint8]]
) -> None:
    with MultiZippedImageDataset(archives, dtype=numpy.float64) as dataset:
        assert len(dataset) == 3
        numpy.testing.assert_array_equal(dataset[2], chw(images["rgba.png"]))
        assert dataset[-1].dtype == numpy.float64
        with pytest.raises(IndexError, match="index 3 out of range for length 3"):
            dataset[3]


def test_labeled_zipped_image_dataset(
    tmp_path: pathlib.Path, archives: list[str], images: dict[str, npt.NDArray[numpy.uint8]]
) -> None:
    (tmp_path / "labels.txt").write_text("rgb.png 5\nsub/g.png 7\n")
    with LabeledZippedImageDataset(archives[0], tmp_path / "labels.txt") as dataset:
        x, t = dataset[1]
        numpy.testing.assert_array_equal(x, chw(images["sub/g.png"]))
        assert int(t) == 7
        assert t.dtype == numpy.int32
    (tmp_path / "wrong.txt").write_text("other.png 1\n")
    with pytest.raises(ValueError, match=r"names 'other.png', which is not in .*z1\.zip"):
        LabeledZippedImageDataset(archives[0], tmp_path / "wrong.txt")


def test_a_file_that_is_not_a_zip_is_reported(
    tmp_path: pathlib.Path, images: dict[str, npt.NDArray[numpy.uint8]]
) -> None:
    (tmp_path / "fake.zip").write_bytes(b"nope")
    with pytest.raises(ValueError, match=r"fake\.zip is not a readable zip archive"):
        ZippedImageDataset(tmp_path / "fake.zip")


def test_image_datasets_without_pillow_say_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib

    real_import = importlib.import_module

    def fake_import(name: str, package: str | None = None) -> Any:
        if name.startswith("PIL"):
            raise ImportError("No module named 'PIL'")
        return real_import(name, package)

    monkeypatch.setattr(importlib, "import_module", fake_import)
    with pytest.raises(
        ImportError, match=r"ImageDataset decodes images with Pillow.*kusari-training\[image\]"
    ):
        ImageDataset(["a.png"])
    with pytest.raises(ImportError, match="ZippedImageDataset decodes images with Pillow"):
        ZippedImageDataset(os.devnull)
