"""Tabular datasets from lists, arrays and callables (:func:`from_data`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeAlias, overload

import numpy
import numpy.typing as npt

from ._indexing import Column, is_array, positions, rows_argument, take
from ._tabular_dataset import Mode, TabularDataset
from ._transform import output_mode, unpack_output

__all__ = ["ColumnData", "from_data"]

ColumnData: TypeAlias = Sequence[Any] | npt.NDArray[Any]
"""Stored column data: a list (or another sized, indexable sequence) or an array."""

_COLUMN, _FUNCTION, _MULTI = "column", "function", "multi"
_Entry: TypeAlias = tuple[tuple[str, ...], Any, str]
# (keys, data, kind): a stored column (_COLUMN), f(i) giving one value (_FUNCTION), or
# f(i) giving a tuple/dict of values for several keys (_MULTI).


def _is_column(value: object) -> bool:
    if is_array(value):
        return getattr(value, "ndim", 1) >= 1
    return (
        hasattr(value, "__len__")
        and hasattr(value, "__getitem__")
        and not isinstance(value, (str, bytes, tuple, dict))
    )


def _is_key_tuple(value: object) -> bool:
    return isinstance(value, tuple) and all(isinstance(k, str) for k in value)


def _is_named(value: object) -> bool:
    """``(str, list/array/callable)`` or ``((str, ...), callable)``."""
    if not isinstance(value, tuple) or len(value) != 2:
        return False
    key = value[0]
    return isinstance(key, str) or (_is_key_tuple(key) and len(key) > 0)


def _entry(key: object, column: object, where: str) -> _Entry:
    if isinstance(key, str):
        if _is_column(column):
            return (key,), column, _COLUMN
        if callable(column):
            return (key,), column, _FUNCTION
        raise TypeError(
            f"from_data: {where} ({key!r}) must be a list, an array or a callable, got "
            f"{type(column).__name__}"
        )
    if _is_key_tuple(key):
        if not callable(column):
            raise TypeError(
                f"from_data: {where} has several keys {key!r}, so it must be a callable "
                f"returning a tuple or dict, got {type(column).__name__}"
            )
        assert isinstance(key, tuple)
        return key, column, _MULTI
    raise TypeError(
        f"from_data: {where} key must be a str or a tuple of str, got {type(key).__name__}: "
        f"{key!r}"
    )


def _unnamed(column: object, where: str) -> _Entry:
    if not _is_column(column):
        raise TypeError(
            f"from_data: {where} must be a list or an array, a (key, data) pair or a "
            f"((key, ...), callable) pair, got {type(column).__name__}"
        )
    # Chainer names an unnamed column after the object's id, so that joining two
    # unnamed datasets does not produce duplicate keys.
    return (f"_{id(column)}",), column, _COLUMN


def _parse(data: object) -> tuple[list[_Entry], Mode]:
    if isinstance(data, Mapping):
        return [
            _entry(key, column, f"the data of key {key!r}") for key, column in data.items()
        ], dict
    if isinstance(data, tuple):
        if _is_named(data):
            entry = _entry(data[0], data[1], "the data")
            return [entry], (None if isinstance(data[0], str) else tuple)
        entries = []
        for i, item in enumerate(data):
            if _is_named(item):
                entries.append(_entry(item[0], item[1], f"entry {i}"))
            else:
                entries.append(_unnamed(item, f"entry {i}"))
        return entries, tuple
    return [_unnamed(data, "data")], None


class _FromData(TabularDataset[Any]):
    __slots__ = ("_entries", "_keys", "_length", "_locations", "_mode")

    def __init__(self, entries: list[_Entry], mode: Mode, length: int) -> None:
        self._entries = entries
        self._mode = mode
        self._length = length
        self._keys = tuple(key for keys, _, _ in entries for key in keys)
        self._locations = [
            (e, j) for e, (keys, _, _) in enumerate(entries) for j in range(len(keys))
        ]

    def __len__(self) -> int:
        return self._length

    @property
    def keys(self) -> tuple[str, ...]:
        return self._keys

    @property
    def mode(self) -> Mode:
        return self._mode

    def get_examples(
        self, indices: slice | Sequence[int] | None, key_indices: tuple[int, ...] | None
    ) -> tuple[Column, ...]:
        if key_indices is None:
            key_indices = tuple(range(len(self._keys)))
        rows = positions(indices, self._length)
        rows_arg = rows_argument(rows)
        computed: dict[int, list[list[Any]]] = {}
        result: list[Column] = []
        for i in key_indices:
            e, j = self._locations[i]
            keys, data, kind = self._entries[e]
            if kind == _COLUMN:
                result.append(take(data, rows_arg))
                continue
            if e not in computed:
                row_numbers = range(self._length) if rows is None else rows
                computed[e] = _call(keys, data, kind, row_numbers)
            result.append(computed[e][j])
        return tuple(result)


def _call(
    keys: tuple[str, ...], function: Callable[[int], Any], kind: str, rows: Sequence[int]
) -> list[list[Any]]:
    if kind == _FUNCTION:
        return [[function(i) for i in rows]]
    what = f"the callable for the keys {keys!r}"
    columns: list[list[Any]] = [[] for _ in keys]
    mode: Mode = None
    for i in rows:
        output = function(i)
        if mode is None:
            if not isinstance(output, (tuple, dict)):
                raise TypeError(
                    f"{what} must return a tuple or a dict, got {type(output).__name__}"
                )
            mode = output_mode(output, keys, what)
        for column, value in zip(columns, unpack_output(output, mode, keys, what), strict=True):
            column.append(value)
    return columns


def _check_size(size: object) -> int | None:
    if size is None:
        return None
    if isinstance(size, bool) or not isinstance(size, (int, numpy.integer)) or size < 0:
        raise ValueError(f"from_data: size must be a non-negative int, got {size!r}")
    return int(size)


@overload
def from_data(
    data: Mapping[str | tuple[str, ...], Any], *, size: int | None = None
) -> TabularDataset[dict[str, Any]]: ...
@overload
def from_data(
    data: tuple[str, ColumnData | Callable[[int], Any]], *, size: int | None = None
) -> TabularDataset[Any]: ...
@overload
def from_data(
    data: tuple[Any, ...], *, size: int | None = None
) -> TabularDataset[tuple[Any, ...]]: ...
@overload
def from_data(
    data: list[Any] | npt.NDArray[Any], *, size: int | None = None
) -> TabularDataset[Any]: ...
def from_data(data: object, *, size: int | None = None) -> TabularDataset[Any]:
    """Make a :class:`~kusari.datasets.TabularDataset` from lists, arrays and callables.

    ``data`` is one of:

    * a list or an array: one column (mode ``None``, an automatic key ``_<id>``);
    * ``(key, column)``: one named column, where ``column`` is a list, an array, or a
      callable ``f(i)`` returning the ``i``-th value (mode ``None``);
    * ``((key, ...), f)``: several columns computed together by ``f(i)``, which returns
      a tuple (in the order of the keys) or a dict (tuple mode);
    * a tuple of the above (or of unnamed lists/arrays): tuple mode;
    * a dict ``{key: column, (key, ...): f, ...}``: dict mode.

    Lists and arrays are indexed when examples are read (arrays by fancy indexing, so
    fetching rows of an array gives an array); callables are called then, once per row.

    Args:
        data: The columns, as above.
        size: The number of examples; needed when ``data`` holds only callables.

    Returns:
        The dataset.

    Raises:
        TypeError: If ``data`` or one of its entries is not one of the forms above.
        ValueError: If the lists and arrays differ in length (or from ``size``), if
            ``size`` is missing with only callables, or if a key appears twice.

    Example:
        >>> import numpy as np
        >>> from kusari.datasets import tabular
        >>> table = tabular.from_data((("x", np.arange(4) * 10), ("x2", lambda i: i * i)))
        >>> table.keys, len(table)
        (('x', 'x2'), 4)
        >>> x, x2 = table[3]
        >>> int(x), x2
        (30, 9)
        >>> tabular.from_data({"a": [1, 2], ("b", "c"): lambda i: (i, -i)})[1]
        {'a': 2, 'b': 1, 'c': -1}
    """
    entries, mode = _parse(data)
    seen: set[str] = set()
    for keys, _, _ in entries:
        for key in keys:
            if key in seen:
                raise ValueError(f"from_data: key {key!r} appears twice; keys must be unique")
            seen.add(key)
    length = _check_size(size)
    for keys, column, kind in entries:
        if kind != _COLUMN:
            continue
        if length is None:
            length = len(column)
        elif len(column) != length:
            expected = f"size={size}" if size is not None else f"the first column's {length}"
            raise ValueError(
                f"from_data: column {keys[0]!r} has {len(column)} values, but {expected}; "
                "all columns must have the same length"
            )
    if length is None:
        raise ValueError("from_data: size must be given when the data are only callables")
    return _FromData(entries, mode, length)
