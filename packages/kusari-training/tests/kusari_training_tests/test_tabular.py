"""Tabular datasets: from_data, views, fetch/convert, concat, join, transforms, errors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy
import pytest

from kusari.datasets import DatasetMixin, TabularDataset, tabular
from kusari.iterators import SerialIterator
from kusari.training import concat_examples

A = numpy.arange(6) * 10
B = [1, 2, 3, 4, 5, 6]


def _table() -> TabularDataset[tuple[Any, ...]]:
    return tabular.from_data((("a", A), ("b", B), ("c", lambda i: f"c{i}")))


def _plain(value: Any) -> Any:
    """Columns as plain lists, for comparisons."""
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, numpy.ndarray):
        return value.tolist()
    return list(value)


class Grid(TabularDataset[tuple[Any, ...]]):
    """A user-defined table that records the arguments of get_examples."""

    def __init__(self) -> None:
        self.calls: list[tuple[object, object]] = []

    def __len__(self) -> int:
        return 5

    @property
    def keys(self) -> tuple[str, ...]:
        return ("p", "q", "r")

    @property
    def mode(self) -> type[tuple[Any, ...]]:
        return tuple

    def get_examples(
        self, indices: slice | Sequence[int] | None, key_indices: tuple[int, ...] | None
    ) -> tuple[Any, ...]:
        self.calls.append((indices, key_indices))
        data = numpy.arange(15).reshape(5, 3)
        if indices is not None:
            data = data[indices]
        if key_indices is not None:
            data = data[:, list(key_indices)]
        return tuple(data.T)


# -- from_data ------------------------------------------------------------------------------


def test_from_data_list_is_one_unnamed_column() -> None:
    column = [5, 6, 7]
    dataset = tabular.from_data(column)
    assert dataset.keys == (f"_{id(column)}",)
    assert dataset.mode is None
    assert len(dataset) == 3
    assert dataset[1] == 6
    assert dataset[1:] == [6, 7]
    assert dataset.fetch() == [5, 6, 7]
    assert dataset.fetch() is not column  # a copy: the stored list cannot be changed


def test_from_data_tuple_of_arrays_and_names() -> None:
    x = numpy.array([0.5, 1.5, 2.5])
    dataset = tabular.from_data(([0, 1, 2], ("x", x)))
    assert dataset.mode is tuple
    assert dataset.keys[1] == "x"
    assert dataset[2] == (2, 2.5)
    first, second = dataset.fetch()
    assert first == [0, 1, 2]
    assert isinstance(second, numpy.ndarray)
    assert second.tolist() == [0.5, 1.5, 2.5]


def test_from_data_dict_and_callables() -> None:
    dataset = tabular.from_data({"a": [7, 8, 9], ("b", "c"): lambda i: {"c": -i, "b": i * 2}})
    assert dataset.mode is dict
    assert dataset.keys == ("a", "b", "c")
    assert dataset[1] == {"a": 8, "b": 2, "c": -1}
    assert dataset.fetch() == {"a": [7, 8, 9], "b": [0, 2, 4], "c": [0, -1, -2]}


def test_from_data_named_callable_needs_size() -> None:
    squares = tabular.from_data(("sq", lambda i: i * i), size=10)
    assert squares.mode is None
    assert squares[5] == 25
    assert squares.slice[[9, 0]].fetch() == [81, 0]
    pairs = tabular.from_data((("a",), lambda i: (i,)), size=2)
    assert pairs.mode is tuple
    assert pairs[1] == (1,)
    with pytest.raises(ValueError, match="size must be given when the data are only callables"):
        tabular.from_data(("sq", lambda i: i))


def test_from_data_callable_runs_once_per_row_for_several_keys() -> None:
    calls: list[int] = []

    def both(i: int) -> tuple[int, int]:
        calls.append(i)
        return i, i + 100

    dataset = tabular.from_data((("a", "b"), both), size=4)
    assert dataset.slice[[3, 1]].fetch() == ([3, 1], [103, 101])
    assert calls == [3, 1]
    assert dataset.slice[:, "b"].fetch() == [100, 101, 102, 103]


@pytest.mark.parametrize(
    ("data", "size", "error", "match"),
    [
        (
            ([0, 1, 2], [1, 2]),
            None,
            ValueError,
            "column .* has 2 values, but the first column's 3",
        ),
        ([0, 1, 2], 4, ValueError, r"has 3 values, but size=4"),
        ((("a", [0]), ("a", [1])), None, ValueError, "key 'a' appears twice"),
        (3, None, TypeError, "data must be a list or an array"),
        ("abc", None, TypeError, "data must be a list or an array"),
        ((1, 2), None, TypeError, "entry 0 must be a list or an array"),
        ((("a", "b"), [0, 1]), None, TypeError, "several keys .* must be a callable"),
        (("a", 5), None, TypeError, r"the data \('a'\) must be a list, an array or a callable"),
        ({1: [0]}, None, TypeError, "key must be a str or a tuple of str, got int"),
        ([0, 1], -1, ValueError, "size must be a non-negative int, got -1"),
        (numpy.float64(1.0), None, TypeError, "data must be a list or an array"),
    ],
)
def test_from_data_rejects_bad_input(data: Any, size: Any, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        tabular.from_data(data, size=size)


def test_from_data_callable_with_wrong_output() -> None:
    short = tabular.from_data((("a", "b"), lambda i: (i,)), size=2)
    with pytest.raises(ValueError, match=r"returned a tuple of 1 values for the 2 keys"):
        short.fetch()
    other = tabular.from_data((("a", "b"), lambda i: {"a": 1, "c": 2}), size=2)
    with pytest.raises(ValueError, match=r"keys \['a', 'c'\], expected the keys \['a', 'b'\]"):
        other.fetch()
    bare = tabular.from_data((("a", "b"), lambda i: i), size=2)
    with pytest.raises(TypeError, match="must return a tuple or a dict, got int"):
        bare[0]


# -- examples -------------------------------------------------------------------------------


def test_examples_by_int_slice_list_and_array() -> None:
    dataset = _table()
    assert isinstance(dataset, DatasetMixin)
    assert dataset[0] == (0, 1, "c0")
    assert dataset[-1] == (50, 6, "c5")
    assert dataset[numpy.int64(2)] == (20, 3, "c2")
    assert dataset[1:5:2] == [(10, 2, "c1"), (30, 4, "c3")]
    assert dataset[::-2] == [(50, 6, "c5"), (30, 4, "c3"), (10, 2, "c1")]
    assert dataset[[4, -6]] == [(40, 5, "c4"), (0, 1, "c0")]
    assert dataset[numpy.array([3])] == [(30, 4, "c3")]
    assert list(dataset) == [dataset[i] for i in range(6)]
    assert dataset.get_example(3) == (30, 4, "c3")


@pytest.mark.parametrize(
    ("index", "error", "match"),
    [
        (6, IndexError, "index 6 is out of range for a dataset of 6 examples"),
        (-7, IndexError, "index -7 is out of range for a dataset of 6 examples"),
        ([0, 6], IndexError, "index 6 is out of range"),
        (1.0, TypeError, "dataset indices must be an int, a slice, .* got float"),
        ("a", TypeError, "dataset indices must be an int, a slice, .* got str"),
    ],
)
def test_bad_example_index(index: Any, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        _table()[index]


def test_user_defined_table_reads_several_rows_in_one_call() -> None:
    grid = Grid()
    assert [int(v) for v in grid[4]] == [12, 13, 14]
    assert grid.calls == [([4], None)]
    grid.calls.clear()
    assert [tuple(int(v) for v in row) for row in grid[[3, 0]]] == [(9, 10, 11), (0, 1, 2)]
    assert grid.calls == [([3, 0], None)]
    view = grid.slice[[4, 2, 0], ("r", "p")].slice[1:]
    grid.calls.clear()
    assert _plain(view.fetch()) == ([8, 2], [6, 0])
    assert grid.calls == [([2, 0], (2, 0))]


# -- slice ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (slice(1, 5, 2), [1, 3]),
        (slice(None, None, -1), [5, 4, 3, 2, 1, 0]),
        (slice(10, 20), []),
        ([4, -1, 0], [4, 5, 0]),
        ([], []),
        (numpy.array([4, 1]), [4, 1]),
        ([True, False, True, False, False, True], [0, 2, 5]),
        (numpy.array([False, True, False, False, False, True]), [1, 5]),
        (range(2, 4), [2, 3]),
    ],
)
def test_slice_rows(rows: Any, expected: list[int]) -> None:
    view = _table().slice[rows]
    assert len(view) == len(expected)
    assert view.keys == ("a", "b", "c")
    assert view.mode is tuple
    assert _plain(view.fetch()) == (
        [int(A[i]) for i in expected],
        [B[i] for i in expected],
        [f"c{i}" for i in expected],
    )


def test_slice_keeps_arrays_as_arrays() -> None:
    a, b, _ = _table().slice[::2].fetch()
    assert isinstance(a, numpy.ndarray)
    assert a.tolist() == [0, 20, 40]
    assert b == [1, 3, 5]


@pytest.mark.parametrize(
    ("keys", "expected_keys", "mode"),
    [
        ("b", ("b",), None),
        (0, ("a",), None),
        (-1, ("c",), None),
        (("c", "a"), ("c", "a"), tuple),
        (["c", 0], ("c", "a"), tuple),
        (("b",), ("b",), tuple),
        ((2, "a", -1), ("c", "a", "c"), tuple),
        (slice(1, None), ("b", "c"), tuple),
        (slice(None, None, -1), ("c", "b", "a"), tuple),
        ((), (), tuple),
    ],
)
def test_slice_columns(keys: Any, expected_keys: tuple[str, ...], mode: object) -> None:
    table = _table()
    view = table.slice[:, keys]
    assert view.keys == expected_keys
    assert view.mode is mode
    columns = dict(zip(table.keys, _plain(table.fetch()), strict=True))
    expected = tuple(columns[k] for k in expected_keys)
    if mode is None:
        assert _plain(view.fetch()) == expected[0]
        assert view[2] == columns[expected_keys[0]][2]
    else:
        assert _plain(view.fetch()) == expected
        assert view[2] == tuple(c[2] for c in expected)


def test_slice_of_slices_composes() -> None:
    # Chainer 7.8.1 gives [13, 11] for the same chain on its own tables.
    table = tabular.from_data((("a", numpy.arange(6)), ("b", [10, 11, 12, 13, 14, 15])))
    view = table.slice[1:].slice[[0, 2], ("b", "a")].slice[::-1, "b"]
    assert view.fetch() == [13, 11]
    masked = table.slice[[5, 3, 1]].slice[[True, False, True]]
    assert _plain(masked.fetch()) == ([5, 1], [15, 11])
    assert _plain(table.slice[1:5].slice[[-1]].fetch()) == ([4], [14])
    assert _plain(table.slice[::-1].slice[::-2].fetch()) == ([0, 2, 4], [10, 12, 14])


def test_slice_modes_follow_chainer() -> None:
    table = tabular.from_data({"a": [0, 1, 2], "b": [3, 4, 5]})
    assert table.slice[:, ("b",)].mode is dict
    assert table.slice[:, ("b",)][0] == {"b": 3}
    assert table.slice[:, "b"][0] == 3
    assert table.slice[:, ()][0] == {}
    unary = table.slice[:, "a"]
    assert unary.slice[1:].mode is None
    assert unary.slice[:, ("a",)].mode is tuple


@pytest.mark.parametrize(
    ("index", "error", "match"),
    [
        (2, TypeError, r"rows must be a slice, .* got int \(use dataset\[2\] for one example"),
        (1.5, TypeError, "rows must be a slice, .* got float"),
        ([1.5], TypeError, "row indices must be ints .* got float: 1.5"),
        ("a", TypeError, "rows must be a slice, .* got str"),
        ([0, 6], IndexError, "row index 6 is out of range for a dataset of 6 examples"),
        ([-7], IndexError, "row index -7 is out of range"),
        ([True, False], ValueError, r"one entry per example \(6\), got 2"),
        (numpy.zeros((2, 2), dtype=int), TypeError, "must be 1-dimensional, got shape"),
        (numpy.array([0.5]), TypeError, "must hold ints or bools, got dtype float64"),
        ((slice(None), "z"), KeyError, r"unknown key 'z'; the keys are \('a', 'b', 'c'\)"),
        ((slice(None), 3), IndexError, "column position 3 is out of range for the 3 keys"),
        ((slice(None), 1.0), TypeError, "columns must be a key, a position, .* got float"),
        ((slice(None), (1.0,)), TypeError, r"key name \(str\) or a position \(int\), got float"),
        ((slice(None), True), TypeError, "columns must be a key, .* got bool"),
        ((slice(None), "a", 1), TypeError, "slice takes rows or rows and keys, got a tuple of 3"),
    ],
)
def test_bad_slices(index: Any, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        _table().slice[index]


# -- fetch, convert, modes ------------------------------------------------------------------


def test_astuple_asdict() -> None:
    table = _table()
    as_dict = table.asdict()
    assert as_dict.mode is dict
    assert as_dict.keys == table.keys
    assert as_dict[0] == {"a": 0, "b": 1, "c": "c0"}
    assert as_dict.astuple()[0] == (0, 1, "c0")
    assert _plain(as_dict.fetch()) == {"a": A.tolist(), "b": B, "c": [f"c{i}" for i in range(6)]}
    unary = table.slice[:, "a"]
    assert unary.astuple()[1] == (10,)
    assert unary.asdict()[1] == {"a": 10}


def test_convert_makes_arrays() -> None:
    table = tabular.from_data((("a", [1, 2]), ("b", numpy.array([0.5, 1.5], numpy.float32))))
    a, b = table.convert(table.fetch())
    assert a.dtype.kind == "i"
    assert a.tolist() == [1, 2]
    assert b.dtype == numpy.float32
    assert b.tolist() == [0.5, 1.5]
    as_dict = table.asdict()
    converted = as_dict.convert(as_dict.fetch())
    assert sorted(converted) == ["a", "b"]
    assert converted["a"].tolist() == [1, 2]
    unary = table.slice[:, "a"]
    assert unary.convert(unary.fetch()).tolist() == [1, 2]
    ragged = tabular.from_data(("r", [[1, 2], [3]]))
    with pytest.raises(ValueError, match="column 'r' cannot be converted to an array"):
        ragged.convert(ragged.fetch())


def test_with_converter_receives_columns_and_is_kept_by_views() -> None:
    seen: list[tuple[tuple[Any, ...], dict[str, Any]]] = []

    def converter(*args: Any, **kwargs: Any) -> str:
        seen.append((args, kwargs))
        return "converted"

    table = tabular.from_data((("a", [1, 2, 3]), ("b", [4, 5, 6]))).with_converter(converter)
    assert table.keys == ("a", "b")
    assert table.mode is tuple
    assert table[1] == (2, 5)
    assert table.convert(table.fetch()) == "converted"
    assert seen.pop() == (([1, 2, 3], [4, 5, 6]), {})
    as_dict = table.asdict()
    as_dict.convert(as_dict.fetch())
    assert seen.pop() == ((), {"a": [1, 2, 3], "b": [4, 5, 6]})
    unary = table.slice[1:, "b"]
    unary.convert(unary.fetch())
    assert seen.pop() == (([5, 6],), {})
    other = tabular.from_data((("a", [0]), ("b", [0])))
    derived = [
        table.slice[1:],
        table.transform(("x",), lambda a, b: a),
        table.transform_batch(("x",), lambda a, b: a),
        table.concat(other),
        table.join(tabular.from_data(("z", [0, 0, 0]))),
        tabular.DelegateDataset(table),
    ]
    for dataset in derived:
        assert dataset.convert(([1],)) == "converted"
    # the first dataset's converter wins
    assert _plain(other.concat(table).convert(([1], [2]))) == ([1], [2])
    with pytest.raises(TypeError, match="converter must be callable, got int"):
        table.with_converter(3)  # type: ignore[arg-type]


# -- concat ---------------------------------------------------------------------------------


def test_concat_rows() -> None:
    first = _table()
    second = tabular.from_data(
        (("a", numpy.arange(3) * 100), ("b", [7, 8, 9]), ("c", list("xyz")))
    )
    both = first.concat(second)
    assert len(both) == 9
    assert both.keys == first.keys
    assert both.mode is tuple
    a, b, c = both.fetch()
    assert isinstance(a, numpy.ndarray)  # arrays stay arrays
    assert a.tolist() == [*A.tolist(), 0, 100, 200]
    assert b == [*B, 7, 8, 9]
    assert c == [f"c{i}" for i in range(6)] + list("xyz")
    assert both[7] == (100, 8, "y")
    # Chainer 7.8.1: ([200, 0, 0], [22, 10, 20], ...) for the same indices on its tables
    assert _plain(both.get_examples([8, 0, 6], None)) == ([200, 0, 0], [9, 1, 7], ["z", "c0", "x"])
    for rows in (slice(4, 8), slice(None, None, -3), slice(7, 2, -2), [8, 0, 6, 5, 6], [2, 1]):
        expected = range(9)[rows] if isinstance(rows, slice) else rows
        assert _plain(both.slice[rows].fetch()) == tuple(
            [column[i] for i in expected] for column in _plain(both.fetch())
        )
    assert both.slice[4:8, "b"].fetch() == [5, 6, 7, 8]
    assert both.slice[7:, ("c",)].fetch() == (["y", "z"],)
    assert _plain(first.concat(second, second).slice[-2:].fetch()) == (
        [100, 200],
        [8, 9],
        ["y", "z"],
    )
    assert first.concat().fetch()[1] == B


def test_concat_empty_selection_and_unary() -> None:
    unary = tabular.from_data(("x", [1, 2]))
    both = unary.concat(unary)
    assert both.mode is None
    assert both.fetch() == [1, 2, 1, 2]
    assert both.slice[[]].fetch() == []
    assert both.slice[5:].fetch() == []


def test_concat_gathers_alike_arrays_into_one_array() -> None:
    ints = tabular.from_data(("v", numpy.arange(3)))
    floats = tabular.from_data(("v", numpy.array([0.5, 1.5])))
    same = ints.concat(ints)
    gathered = same.slice[[4, 0, 3]].fetch()
    assert isinstance(gathered, numpy.ndarray)
    assert gathered.dtype == numpy.arange(3).dtype
    assert gathered.tolist() == [1, 0, 0]
    # different dtypes are not cast: the column is a list of the original values
    mixed = ints.concat(floats)
    assert mixed.fetch() == [0, 1, 2, 0.5, 1.5]
    assert isinstance(mixed.fetch(), list)
    assert mixed.slice[[4, 1]].fetch() == [1.5, 1]
    assert isinstance(mixed.slice[[4, 1]].fetch()[1], numpy.integer)


def test_concat_errors() -> None:
    table = _table()
    with pytest.raises(
        ValueError, match=r"same keys in the same order, but dataset 1 has \('b', 'a', 'c'\)"
    ):
        table.concat(table.slice[:, ("b", "a", "c")])
    with pytest.raises(TypeError, match="concat takes TabularDatasets, but dataset 1 is list"):
        table.concat([1, 2])  # type: ignore[arg-type]


# -- join -----------------------------------------------------------------------------------


def test_join_columns() -> None:
    table = _table()
    extra = tabular.from_data((("x", [1, 2, 3, 4, 5, 6]), ("y", numpy.ones(6))))
    joined = table.join(extra)
    assert joined.keys == ("a", "b", "c", "x", "y")
    assert joined.mode is tuple
    assert joined[2] == (20, 3, "c2", 3, 1.0)
    assert _plain(joined.slice[[1, 2], ("y", "a", "x")].fetch()) == ([1.0, 1.0], [10, 20], [2, 3])
    assert table.asdict().join(extra).mode is dict
    assert table.join(extra.asdict()).mode is tuple
    unary = table.slice[:, "a"]
    assert unary.join(extra.slice[:, "y"]).mode is tuple
    assert unary.join(extra.asdict())[0] == {"a": 0, "x": 1, "y": 1.0}
    assert table.join().keys == table.keys


def test_join_errors() -> None:
    table = _table()
    with pytest.raises(
        ValueError, match="same length, but dataset 1 has 2 examples and dataset 0 has 6"
    ):
        table.join(tabular.from_data(("x", [1, 2])))
    with pytest.raises(
        ValueError, match="key 'a' of dataset 1 is also a key of an earlier dataset"
    ):
        table.join(table.slice[:, "a"])
    with pytest.raises(TypeError, match="join takes TabularDatasets, but dataset 2 is ndarray"):
        table.join(table.slice[:, ()], numpy.zeros(6))  # type: ignore[arg-type]


# -- transforms -----------------------------------------------------------------------------


def test_transform_each_example() -> None:
    table = tabular.from_data((("a", numpy.arange(4)), ("b", [10, 11, 12, 13])))
    calls: list[tuple[int, int]] = []

    def sum_product(a: int, b: int) -> tuple[int, int]:
        calls.append((int(a), b))
        return int(a) + b, int(a) * b

    transformed = table.transform(("s", "p"), sum_product)
    assert transformed.keys == ("s", "p")
    assert len(transformed) == 4
    assert transformed.fetch() == ([10, 12, 14, 16], [0, 11, 24, 39])
    assert transformed.mode is tuple
    calls.clear()
    assert transformed.slice[[3, 1], "p"].fetch() == [39, 11]
    assert calls == [(3, 13), (1, 11)]
    as_dict = table.asdict().transform("s", lambda a, b: {"s": a + b})
    assert as_dict.mode is dict
    assert as_dict[1] == {"s": 12}
    unary = table.transform(("s",), lambda a, b: a + b)
    assert unary.mode is None
    assert unary.fetch() == [10, 12, 14, 16]
    keyword = table.asdict().transform("k", lambda **kw: sorted(kw))
    assert keyword[0] == ["a", "b"]
    single = table.slice[:, "a"].transform("d", lambda a: a * 2)
    assert single.fetch() == [0, 2, 4, 6]
    assert table.slice[[]].transform(("s", "p"), sum_product).mode is tuple


@pytest.mark.parametrize(
    ("keys", "function", "error", "match"),
    [
        (("s", "p", "q"), lambda a, b: (a, b), ValueError, r"tuple of 2 values for the 3 keys"),
        (("s",), lambda a, b: (a, b), ValueError, r"tuple of 2 values for the 1 keys"),
        (("s", "p"), lambda a, b: {"s": a, "q": b}, ValueError, r"keys \['q', 's'\], expected"),
        (
            ("s",),
            lambda a, b: {"s": a, "q": b},
            ValueError,
            r"keys \['q', 's'\], expected the keys \['s'\]",
        ),
        (("s", "p"), lambda a, b: a, TypeError, r"must return a tuple or a dict for the 2 keys"),
        (("s", "p"), lambda a, b: [a, b], TypeError, "tuple or a dict .* got list"),
        (
            ("s",),
            lambda a, b: (a,) if a == 0 else {"s": a},
            TypeError,
            "returned dict, but its first result was a tuple",
        ),
        (
            ("s",),
            lambda a, b: a if a == 0 else (a,),
            TypeError,
            "returned a tuple, but its first result was a bare value",
        ),
    ],
)
def test_transform_wrong_output(keys: Any, function: Any, error: type, match: str) -> None:
    table = tabular.from_data((("a", [0, 1, 2]), ("b", [3, 4, 5])))
    with pytest.raises(error, match=match):
        table.transform(keys, function).fetch()


def test_transform_bad_arguments() -> None:
    table = _table()
    with pytest.raises(TypeError, match="keys must be a string or a tuple of strings, got 3"):
        table.transform(3, lambda *v: v)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="transform must be callable, got NoneType"):
        table.transform("x", None)  # type: ignore[arg-type]


def test_transform_batch_columns() -> None:
    table = tabular.from_data((("a", numpy.arange(4)), ("b", [10, 11, 12, 13])))
    seen: list[tuple[str, str, int]] = []

    def batch(a: Any, b: list[int]) -> tuple[Any, list[int]]:
        seen.append((type(a).__name__, type(b).__name__, len(a)))
        return a + numpy.asarray(b), [x * 2 for x in b]

    transformed = table.transform_batch(("s", "q"), batch)
    s, q = transformed.fetch()
    assert s.tolist() == [10, 12, 14, 16]
    assert q == [20, 22, 24, 26]
    assert seen.pop() == ("ndarray", "list", 4)
    assert transformed[1] == (12, 22)
    assert _plain(transformed.slice[[2, 0]].fetch()) == ([14, 10], [24, 20])
    assert seen.pop() == ("ndarray", "list", 2)
    as_dict = table.asdict().transform_batch(("s",), lambda a, b: {"s": a})
    assert as_dict.mode is dict
    assert _plain(as_dict.fetch()) == {"s": [0, 1, 2, 3]}
    unary = table.transform_batch("s", lambda a, b: a)
    assert unary.mode is None
    assert unary.fetch().tolist() == [0, 1, 2, 3]


def test_transform_batch_wrong_output() -> None:
    table = tabular.from_data((("a", numpy.arange(4)), ("b", [10, 11, 12, 13])))
    with pytest.raises(ValueError, match="column 's' has 2 values for 4 examples"):
        table.transform_batch("s", lambda a, b: a[:2]).fetch()
    with pytest.raises(ValueError, match="tuple of 2 values for the 3 keys"):
        table.transform_batch(("s", "p", "q"), lambda a, b: (a, b)).fetch()


def test_pipeline_matches_chainer() -> None:
    # The same pipeline in Chainer 7.8.1 fetches
    # ([0.625, 0.25, 0.40625, 0.40625, 0.40625], [80, 0, 70, 30, 70]) and converts
    # transform_batch's column to [80.625, 0.25, 70.40625, 30.40625, 70.40625].
    x = numpy.arange(12, dtype=numpy.float32).reshape(6, 2) / 4
    t = numpy.array([3, 1, 4, 1, 5, 9], dtype=numpy.int32)
    table = tabular.from_data((("x", x), ("t", t), ("w", lambda i: 0.5**i)))
    stacked = table.concat(table.slice[::-2]).join(tabular.from_data(("id", list(range(9)))))
    view = stacked.slice[[8, 0, 7, 3, -2], ("w", "x", "id")].transform(
        ("y", "id"), lambda w, x, id: (float(w * x.sum()), id * 10)
    )
    assert view.fetch() == ([0.625, 0.25, 0.40625, 0.40625, 0.40625], [80, 0, 70, 30, 70])
    batched = view.transform_batch(("z",), lambda y, id: (numpy.asarray(y) + numpy.asarray(id),))
    (z,) = batched.convert(batched.fetch())
    numpy.testing.assert_array_equal(z, [80.625, 0.25, 70.40625, 30.40625, 70.40625])


# -- DelegateDataset ------------------------------------------------------------------------


class Squares(tabular.DelegateDataset):
    def __init__(self, n: int) -> None:
        super().__init__(
            tabular.from_data(
                (("x", numpy.arange(n)), ("sq", self.square), (("d", "e"), self.pair))
            )
        )

    def square(self, i: int) -> int:
        return i * i

    def pair(self, i: int) -> dict[str, str]:
        return {"e": f"e{i}", "d": f"d{i}"}


def test_delegate_dataset() -> None:
    squares = Squares(5)
    assert len(squares) == 5
    assert squares.keys == ("x", "sq", "d", "e")
    assert squares.mode is tuple
    assert squares[3] == (3, 9, "d3", "e3")
    assert squares.slice[[4, 0], ("e", "sq")].fetch() == (["e4", "e0"], [16, 0])
    with pytest.raises(TypeError, match="DelegateDataset wraps a TabularDataset, got list"):
        tabular.DelegateDataset([1, 2])  # type: ignore[arg-type]


# -- with the iterators and converters ------------------------------------------------------


def test_serial_iterator_and_concat_examples() -> None:
    # Chainer 7.8.1's concat_examples gives the same two arrays for the first batch.
    x = numpy.arange(12, dtype=numpy.float32).reshape(6, 2) / 4
    t = numpy.array([3, 1, 4, 1, 5, 9], dtype=numpy.int32)
    table = tabular.from_data((("x", x), ("t", t), ("w", lambda i: 0.5**i)))
    iterator = SerialIterator(table.slice[:, ("x", "t")], 4, shuffle=False)
    xs, ts = concat_examples(iterator.next())
    numpy.testing.assert_array_equal(xs, x[:4])
    assert xs.dtype == numpy.float32
    assert ts.dtype == numpy.int32
    assert ts.tolist() == [3, 1, 4, 1]
    batch = concat_examples(iterator.next())
    assert batch[1].tolist() == [5, 9, 3, 1]  # wraps around the epoch
    dicts = concat_examples(table.asdict()[0:3])
    assert dicts["t"].tolist() == [3, 1, 4]
    assert dicts["w"].tolist() == [1.0, 0.5, 0.25]
    shuffled = SerialIterator(table.slice[:, "t"], 6, shuffle=True)
    assert sorted(int(v) for v in shuffled.next()) == sorted(t.tolist())


def test_repr_names_keys_and_length() -> None:
    assert repr(_table().slice[1:]) == "<Slice keys=('a', 'b', 'c'), 5 examples>"
