"""Row and column selection shared by the tabular datasets.

Inside the package a row selection is ``None`` (every row), a ``range`` (from a slice) or
a list of non-negative ints, always within bounds; :func:`rows_argument` turns it back
into what :meth:`TabularDataset.get_examples` receives (``None``, a slice or a list).
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any, TypeAlias

import numpy
import numpy.typing as npt

__all__ = [
    "Column",
    "RowSelection",
    "column_count",
    "compose_rows",
    "is_array",
    "positions",
    "rows_argument",
    "select_rows",
    "take",
]

Column: TypeAlias = Sequence[Any] | npt.NDArray[Any]
"""One column of fetched data: a list (or any sequence) or an array."""

RowSelection: TypeAlias = range | list[int] | None


def is_array(value: object) -> bool:
    """Whether ``value`` is a NumPy or CuPy array (fancy indexing gathers rows)."""
    return isinstance(value, numpy.ndarray) or hasattr(value, "__cuda_array_interface__")


def _range_slice(rows: range) -> slice:
    # ``slice(5, -1, -1)`` would mean "up to the last element": a descending range that
    # runs down to 0 has a negative stop, which a slice spells as None.
    stop: int | None = rows.stop if rows.stop >= 0 else None
    return slice(rows.start, stop, rows.step)


def rows_argument(rows: RowSelection) -> slice | list[int] | None:
    """Return ``rows`` in the form :meth:`TabularDataset.get_examples` receives."""
    if isinstance(rows, range):
        return _range_slice(rows)
    return rows


def positions(indices: slice | Sequence[int] | None, length: int) -> RowSelection:
    """Resolve the ``indices`` argument of ``get_examples`` against ``length`` rows.

    Negative ints count from the end; bounds are left to the caller's storage.
    """
    if indices is None:
        return None
    if isinstance(indices, slice):
        return range(length)[indices]
    resolved = []
    for i in indices:
        j = operator.index(i)
        resolved.append(j + length if j < 0 else j)
    return resolved


def compose_rows(outer: RowSelection, inner: RowSelection) -> RowSelection:
    """Return the rows of the source that ``inner`` (rows of a view) selects.

    ``outer`` is the view's selection of its source's rows.
    """
    if inner is None:
        return outer
    if outer is None:
        return inner
    if isinstance(outer, range) and isinstance(inner, range):
        return outer[_range_slice(inner)]
    return [outer[i] for i in inner]


def select_rows(rows: object, length: int) -> range | list[int]:
    """Resolve the rows a user passes to ``dataset.slice[rows, ...]``.

    Accepts a slice, a list or 1-D array of ints (negative ones count from the end) or of
    bools (a mask as long as the dataset).

    Raises:
        TypeError: For any other kind of index, naming it.
        IndexError: For an int out of range.
        ValueError: For a mask whose length is not the dataset's.
    """
    if isinstance(rows, slice):
        return range(length)[rows]
    if isinstance(rows, numpy.ndarray):
        if rows.ndim != 1:
            raise TypeError(f"a row index array must be 1-dimensional, got shape {rows.shape}")
        if rows.dtype == numpy.bool_:
            return _mask(rows.tolist(), length)
        if rows.size and rows.dtype.kind not in "iu":
            raise TypeError(f"a row index array must hold ints or bools, got dtype {rows.dtype}")
        return _ints(rows.tolist(), length)
    if isinstance(rows, (list, range)):
        items = list(rows)
        if items and all(isinstance(i, (bool, numpy.bool_)) for i in items):
            return _mask(items, length)
        return _ints(items, length)
    raise TypeError(
        "rows must be a slice, a list or 1-D array of ints, or a boolean mask, got "
        f"{type(rows).__name__}" + _int_hint(rows)
    )


def _int_hint(rows: object) -> str:
    if isinstance(rows, (int, numpy.integer)):
        return f" (use dataset[{rows}] for one example, or dataset.slice[[{rows}]] for a view)"
    return ""


def _mask(mask: list[Any], length: int) -> list[int]:
    if len(mask) != length:
        raise ValueError(
            f"a boolean row mask must have one entry per example ({length}), got {len(mask)}"
        )
    return [i for i, keep in enumerate(mask) if keep]


def _ints(items: list[Any], length: int) -> list[int]:
    resolved = []
    for i in items:
        if isinstance(i, (bool, numpy.bool_)) or not isinstance(i, (int, numpy.integer)):
            raise TypeError(
                f"row indices must be ints (or all bools), got {type(i).__name__}: {i!r}"
            )
        j = int(i)
        if not -length <= j < length:
            raise IndexError(f"row index {j} is out of range for a dataset of {length} examples")
        resolved.append(j + length if j < 0 else j)
    return resolved


def take(column: Any, rows: slice | list[int] | None) -> Column:
    """Gather ``rows`` of a stored column (a list, an array or any indexable sequence)."""
    if rows is None:
        return column[:] if isinstance(column, list) or is_array(column) else list(column)
    if isinstance(rows, slice):
        if isinstance(column, list) or is_array(column):
            return column[rows]  # type: ignore[no-any-return]
        return [column[i] for i in range(len(column))[rows]]
    if is_array(column):
        return column[rows]  # type: ignore[no-any-return]
    return [column[i] for i in rows]


def column_count(columns: Sequence[Column], rows: RowSelection, length: int) -> int:
    """The number of rows of fetched ``columns`` (``rows`` decides when there are none)."""
    if columns:
        return len(columns[0])
    return length if rows is None else len(rows)
