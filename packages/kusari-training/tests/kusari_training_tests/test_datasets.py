from __future__ import annotations

import sys

import numpy
import pytest

from kusari.datasets import (
    ConcatenatedDataset,
    DatasetMixin,
    DictDataset,
    SubDataset,
    TransformDataset,
    TupleDataset,
    get_cross_validation_datasets,
    get_cross_validation_datasets_random,
    get_digits,
    get_iris,
    split_dataset,
    split_dataset_random,
)


class Squares(DatasetMixin[int]):
    def __len__(self) -> int:
        return 6

    def get_example(self, i: int) -> int:
        return i * i


# -- TupleDataset / DictDataset ---------------------------------------------------------------


def test_tuple_dataset_single_index_gives_a_tuple_of_the_parts() -> None:
    x = numpy.arange(12).reshape(6, 2)
    t = numpy.arange(6) * 10
    dataset = TupleDataset(x, t, list("abcdef"))
    assert len(dataset) == 6
    a, b, c = dataset[2]
    assert a.tolist() == [4, 5]
    assert int(b) == 20
    assert c == "c"
    a, b, c = dataset[numpy.int64(-1)]
    assert (a.tolist(), int(b), c) == ([10, 11], 50, "f")


@pytest.mark.parametrize(
    ("index", "expected"),
    [
        (slice(1, 5, 2), [1, 3]),
        ([5, 0, 0], [5, 0, 0]),
        (numpy.array([4, 2]), [4, 2]),
        (slice(None, None, -2), [5, 3, 1]),
    ],
)
def test_tuple_dataset_several_indices_give_a_list_of_tuples(
    index: object, expected: list[int]
) -> None:
    x = numpy.arange(12).reshape(6, 2)
    t = list(range(6))
    batch = TupleDataset(x, t)[index]  # type: ignore[call-overload]
    assert [int(row[0]) // 2 for row, _ in batch] == expected
    assert [label for _, label in batch] == expected


def test_tuple_dataset_rejects_no_datasets_and_unequal_lengths() -> None:
    with pytest.raises(ValueError, match="TupleDataset needs at least one dataset"):
        TupleDataset()
    with pytest.raises(ValueError, match="dataset 1 has 2 examples and dataset 0 has 3"):
        TupleDataset([1, 2, 3], [1, 2])


def test_tuple_dataset_rejects_bad_indices() -> None:
    dataset = TupleDataset([1, 2, 3])
    with pytest.raises(TypeError, match="indices must be integers, got float"):
        dataset[[0, 1.5]]  # type: ignore[list-item]
    with pytest.raises(TypeError, match="index arrays must hold integers, got dtype float64"):
        dataset[numpy.array([0.0])]
    with pytest.raises(TypeError, match="got str"):
        dataset["a"]  # type: ignore[index]
    with pytest.raises(IndexError):
        dataset[3]


def test_dict_dataset_gives_dicts() -> None:
    dataset = DictDataset(x=numpy.arange(4.0), y=["a", "b", "c", "d"])
    assert len(dataset) == 4
    example = dataset[1]
    assert float(example["x"]) == 1.0
    assert example["y"] == "b"
    batch = dataset[[3, 0]]
    assert [(float(e["x"]), e["y"]) for e in batch] == [(3.0, "d"), (0.0, "a")]
    assert [e["y"] for e in dataset[1:3]] == ["b", "c"]
    with pytest.raises(ValueError, match="DictDataset needs at least one dataset"):
        DictDataset()
    with pytest.raises(ValueError, match="dataset b has 1 examples and dataset a has 2"):
        DictDataset(a=[1, 2], b=[1])


def test_dataset_mixin_indexing() -> None:
    squares = Squares()
    assert squares[4] == 16
    assert squares[numpy.int32(2)] == 4
    assert squares[::2] == [0, 4, 16]
    assert squares[[5, 1]] == [25, 1]
    assert squares[numpy.array([3])] == [9]


# -- SubDataset and splits --------------------------------------------------------------------


def test_sub_dataset_range_and_order() -> None:
    base = list("abcdefgh")
    sub = SubDataset(base, 2, 5)
    assert len(sub) == 3
    assert sub[:] == ["c", "d", "e"]
    assert sub[-1] == "e"
    ordered = SubDataset(base, 1, 3, order=[7, 6, 5, 4, 3, 2, 1, 0])
    assert ordered[:] == ["g", "f"]
    assert ordered[-2] == "g"


def test_sub_dataset_errors() -> None:
    with pytest.raises(ValueError, match=r"\[2, 9\) overruns the base dataset of length 8"):
        SubDataset(list(range(8)), 2, 9)
    with pytest.raises(ValueError, match=r"\[3, 2\) overruns"):
        SubDataset(list(range(8)), 3, 2)
    with pytest.raises(ValueError, match="len\\(order\\) = 2 while len\\(dataset\\) = 8"):
        SubDataset(list(range(8)), 0, 2, order=[0, 1])
    sub = SubDataset(list(range(8)), 2, 4)
    with pytest.raises(IndexError, match="SubDataset index 2 out of range for length 2"):
        sub[2]
    with pytest.raises(IndexError, match="index -3 out of range"):
        sub[-3]


def test_split_dataset_values_and_errors() -> None:
    first, rest = split_dataset(list(range(10)), 3)
    assert first[:] == [0, 1, 2]
    assert rest[:] == list(range(3, 10))
    first, rest = split_dataset(list(range(4)), 1, order=[3, 2, 1, 0])
    assert (first[:], rest[:]) == ([3], [2, 1, 0])
    empty, everything = split_dataset(list(range(3)), 0)
    assert (len(empty), everything[:]) == (0, [0, 1, 2])
    with pytest.raises(ValueError, match="first_size must be non-negative, got -1"):
        split_dataset(list(range(3)), -1)
    with pytest.raises(
        ValueError, match=r"first_size \(4\) exceeds the size of the dataset \(3\)"
    ):
        split_dataset(list(range(3)), 4)


def test_split_dataset_random_follows_the_seeded_permutation() -> None:
    first, rest = split_dataset_random(list(range(20)), 15, seed=7)
    order = numpy.random.RandomState(7).permutation(20).tolist()
    assert first[:] == order[:15]
    assert rest[:] == order[15:]
    again, _ = split_dataset_random(list(range(20)), 15, seed=7)
    assert again[:] == first[:]


def test_cross_validation_folds() -> None:
    folds = get_cross_validation_datasets(list(range(10)), 3)
    assert [validation[:] for _, validation in folds] == [[6, 7, 8, 9], [3, 4, 5], [0, 1, 2]]
    for train, validation in folds:
        assert sorted(train[:] + validation[:]) == list(range(10))
    assert folds[1][0][:] == [6, 7, 8, 9, 0, 1, 2]
    order = [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]
    reverse = get_cross_validation_datasets(list(range(10)), 2, order=order)
    assert [v[:] for _, v in reverse] == [[4, 3, 2, 1, 0], [9, 8, 7, 6, 5]]
    single = get_cross_validation_datasets(list(range(3)), 1)
    assert (single[0][0][:], single[0][1][:]) == ([], [0, 1, 2])


def test_cross_validation_errors() -> None:
    with pytest.raises(
        ValueError, match="n_folds must be between 1 and len\\(dataset\\) = 3, got 4"
    ):
        get_cross_validation_datasets(list(range(3)), 4)
    with pytest.raises(ValueError, match="got 0"):
        get_cross_validation_datasets(list(range(3)), 0)
    with pytest.raises(ValueError, match="len\\(order\\) = 2 while len\\(dataset\\) = 3"):
        get_cross_validation_datasets(list(range(3)), 2, order=[0, 1])


def test_cross_validation_random_uses_the_seeded_permutation() -> None:
    folds = get_cross_validation_datasets_random(list(range(8)), 4, seed=3)
    order = numpy.random.RandomState(3).permutation(8).tolist()
    assert [v[:] for _, v in folds] == [order[6:], order[4:6], order[2:4], order[:2]]


# -- TransformDataset / ConcatenatedDataset ---------------------------------------------------


def test_transform_dataset_applies_at_read_time() -> None:
    calls: list[int] = []

    def transform(x: int) -> int:
        calls.append(x)
        return x + 100

    dataset = TransformDataset([1, 2, 3], transform)
    assert calls == []
    assert len(dataset) == 3
    assert dataset[1] == 102
    assert dataset[[2, 0]] == [103, 101]
    assert calls == [2, 3, 1]
    with pytest.raises(TypeError, match="transform must be callable, got int"):
        TransformDataset([1], 3)  # type: ignore[arg-type]


def test_concatenated_dataset() -> None:
    dataset = ConcatenatedDataset([0, 1], [], ["a", "b", "c"])
    assert len(dataset) == 5
    assert [dataset[i] for i in range(5)] == [0, 1, "a", "b", "c"]
    assert dataset[-3] == "a"
    assert dataset[1:] == [1, "a", "b", "c"]
    with pytest.raises(IndexError, match="index 5 out of range for length 5"):
        dataset[5]
    with pytest.raises(IndexError, match="index -6 out of range"):
        dataset[-6]
    assert len(ConcatenatedDataset()) == 0


# -- bundled data -------------------------------------------------------------------------------


def test_get_digits_shapes_scale_and_split() -> None:
    pytest.importorskip("sklearn")
    train, test = get_digits()
    assert (len(train), len(test)) == (1438, 359)
    x, t = train[0]
    assert x.shape == (64,)
    assert x.dtype == numpy.float32
    assert t.dtype == numpy.int32
    xs = numpy.stack([example[0] for example in train])
    assert float(xs.min()) == 0.0
    assert float(xs.max()) == 1.0
    labels = {int(example[1]) for example in train}
    assert labels == set(range(10))
    again, _ = get_digits()
    assert numpy.array_equal(again[5][0], train[5][0])

    images, _ = get_digits(
        withlabel=False, ndim=3, scale=255.0, dtype=numpy.float64, test_ratio=0.5
    )
    assert images.shape == (899, 1, 8, 8)
    assert images.dtype == numpy.float64
    assert float(images.max()) == 255.0
    square, _ = get_digits(ndim=2, seed=1)
    assert square[0][0].shape == (8, 8)


def test_get_digits_matches_the_source_data() -> None:
    datasets = pytest.importorskip("sklearn.datasets")
    raw = datasets.load_digits()
    train, test = get_digits(test_ratio=0.25, seed=3)
    order = numpy.random.RandomState(3).permutation(1797)
    n_test = round(1797 * 0.25)
    x, t = test[0]
    numpy.testing.assert_allclose(x, raw.data[order[0]] / 16.0, rtol=1e-6)
    assert int(t) == raw.target[order[0]]
    x, t = train[0]
    assert int(t) == raw.target[order[n_test]]


def test_get_iris() -> None:
    pytest.importorskip("sklearn")
    train, test = get_iris()
    assert (len(train), len(test)) == (120, 30)
    x, t = test[0]
    assert x.shape == (4,)
    assert x.dtype == numpy.float32
    assert int(t) in {0, 1, 2}
    features, _ = get_iris(withlabel=False, test_ratio=0.0)
    assert features.shape == (150, 4)


def test_bundled_loaders_validate_arguments() -> None:
    with pytest.raises(ValueError, match="ndim must be 1, 2 or 3 for the digits images, got 4"):
        get_digits(ndim=4)
    with pytest.raises(ValueError, match=r"test_ratio must be between 0 and 1, got 1\.5"):
        get_digits(test_ratio=1.5)
    with pytest.raises(ValueError, match=r"test_ratio must be between 0 and 1, got -0\.1"):
        get_iris(test_ratio=-0.1)


def test_bundled_loaders_name_the_extra_when_scikit_learn_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "sklearn", None)
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(ImportError, match=r"pip install kusari-training\[datasets\]"):
        get_digits()
    with pytest.raises(
        ImportError, match=r"get_iris\(\) reads the data bundled with scikit-learn"
    ):
        get_iris()
