"""User-style code: tabular datasets as mypy sees them."""

from __future__ import annotations

from typing import Any, assert_type

import numpy

from kusari.datasets import TabularDataset, tabular
from kusari.datasets.tabular import Column, DelegateDataset, Mode


def check_modes() -> None:
    by_name = tabular.from_data({"x": numpy.arange(3.0), "t": [0, 1, 0]})
    assert_type(by_name, TabularDataset[dict[str, Any]])
    assert_type(by_name[0], dict[str, Any])
    assert_type(by_name[0:2], list[dict[str, Any]])

    pairs = tabular.from_data((numpy.arange(3.0), [0, 1, 0]))
    assert_type(pairs, TabularDataset[tuple[Any, ...]])
    x, t = pairs[1]
    assert_type(pairs.asdict(), TabularDataset[dict[str, Any]])
    assert_type(by_name.astuple(), TabularDataset[tuple[Any, ...]])

    single = tabular.from_data(("sq", lambda i: i * i), size=4)
    assert_type(single, TabularDataset[Any])
    mode: Mode = pairs.mode
    keys: tuple[str, ...] = pairs.keys
    columns: tuple[Column, ...] = pairs.get_examples([0, 2], (1,))
    del mode, keys, columns, x, t


def check_views_and_stacking() -> None:
    pairs = tabular.from_data((("x", numpy.arange(4.0)), ("t", [0, 1, 0, 1])))
    assert_type(pairs.slice[1:], TabularDataset[tuple[Any, ...]])
    assert_type(pairs.slice[[True, False, True, False]], TabularDataset[tuple[Any, ...]])
    assert_type(pairs.slice[:, ("t", "x")], TabularDataset[tuple[Any, ...]])
    assert_type(pairs.slice[numpy.array([0, 1]), "t"], TabularDataset[Any])
    assert_type(pairs.concat(pairs), TabularDataset[tuple[Any, ...]])
    assert_type(
        pairs.join(tabular.from_data(("w", [1, 1, 1, 1]))), TabularDataset[tuple[Any, ...]]
    )
    assert_type(pairs.with_converter(lambda x, t: (x, t)), TabularDataset[tuple[Any, ...]])


def check_transforms() -> None:
    # The mode of a transformed dataset is decided at run time, by the first result.
    pairs = tabular.from_data((("x", numpy.arange(4.0)), ("t", [0, 1, 0, 1])))
    assert_type(pairs.transform(("x", "t"), lambda x, t: (x * 2, t)), TabularDataset[Any])
    assert_type(pairs.transform_batch("x", lambda x, t: x), TabularDataset[Any])


class Squares(DelegateDataset):
    def __init__(self, n: int) -> None:
        super().__init__(tabular.from_data(("sq", self.square), size=n))

    def square(self, i: int) -> int:
        return i * i


def check_delegate() -> None:
    squares = Squares(3)
    assert_type(squares.slice[1:], TabularDataset[Any])
    length: int = len(squares)
    del length
