"""The abstract :class:`TabularDataset` (Chainer's ``chainer.dataset.TabularDataset``)."""

from __future__ import annotations

import abc
import operator
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeAlias, TypeVar, overload

import numpy

from .._mixin import DatasetMixin, Index, Indices, normalize_indices
from ._indexing import Column, is_array

if TYPE_CHECKING:
    from ._views import SliceHelper

__all__ = ["Mode", "TabularDataset", "make_example", "make_examples", "pack"]

_E = TypeVar("_E")

Mode: TypeAlias = type[tuple[Any, ...]] | type[dict[str, Any]] | None
"""How examples are represented: ``tuple``, ``dict``, or ``None`` (one column, bare values)."""


def make_example(mode: Mode, keys: tuple[str, ...], values: Sequence[Any]) -> Any:
    """Return one example, with ``values`` in the order of ``keys``, in ``mode``."""
    if mode is tuple:
        return tuple(values)
    if mode is dict:
        return dict(zip(keys, values, strict=True))
    return values[0]


def make_examples(
    mode: Mode, keys: tuple[str, ...], columns: Sequence[Column], count: int
) -> list[Any]:
    """Return the examples (rows) of fetched ``columns`` in ``mode``."""
    if mode is None:
        return list(columns[0])
    if not columns:
        return [() if mode is tuple else {} for _ in range(count)]
    if mode is tuple:
        return list(zip(*columns, strict=True))
    return [dict(zip(keys, row, strict=True)) for row in zip(*columns, strict=True)]


def pack(mode: Mode, keys: tuple[str, ...], columns: Sequence[Column]) -> Any:
    """Return fetched ``columns`` as :meth:`TabularDataset.fetch` does for ``mode``."""
    if mode is tuple:
        return tuple(columns)
    if mode is dict:
        return dict(zip(keys, columns, strict=True))
    return columns[0]


def _as_array(key: str, column: Any) -> Any:
    if is_array(column):
        return column
    try:
        return numpy.asarray(column)
    except ValueError as error:
        raise ValueError(f"column {key!r} cannot be converted to an array: {error}") from error


class TabularDataset(DatasetMixin[_E], Generic[_E]):
    """A dataset of named columns, each example holding one value per column.

    A subclass implements :meth:`__len__`, :attr:`keys`, :attr:`mode` and
    :meth:`get_examples` (which returns whole columns for several rows at once); the
    rest is built on them: examples by index (``dataset[i]``, ``dataset[1:3]``), views
    (:attr:`slice`, :meth:`astuple`, :meth:`asdict`), column-major access (:meth:`fetch`,
    :meth:`convert`), stacking (:meth:`concat`, :meth:`join`) and derived columns
    (:meth:`transform`, :meth:`transform_batch`).  Views are lazy: nothing is read until
    examples are requested, and then only the requested rows and columns.

    The type argument is the type of one example: ``tuple[Any, ...]`` in tuple mode,
    ``dict[str, Any]`` in dict mode, the column's value type when there is one column.
    :func:`~kusari.datasets.tabular.from_data` builds one from lists, arrays and callables.

    Example:
        >>> import numpy as np
        >>> from kusari.datasets import TabularDataset
        >>> class Table(TabularDataset[tuple[int, ...]]):
        ...     def __len__(self):
        ...         return 4
        ...     @property
        ...     def keys(self):
        ...         return ("a", "b", "c")
        ...     @property
        ...     def mode(self):
        ...         return tuple
        ...     def get_examples(self, indices, key_indices):
        ...         data = np.arange(12).reshape(4, 3)
        ...         if indices is not None:
        ...             data = data[indices]
        ...         if key_indices is not None:
        ...             data = data[:, list(key_indices)]
        ...         return tuple(data.T)
        >>> table = Table()
        >>> [int(v) for v in table[1]]
        [3, 4, 5]
        >>> view = table.slice[[3, 2], ("c", "a")]
        >>> view.keys, len(view)
        (('c', 'a'), 2)
        >>> {k: int(v) for k, v in view.asdict()[1].items()}
        {'c': 8, 'a': 6}
    """

    @abc.abstractmethod
    def __len__(self) -> int:
        """Return the number of examples."""

    @property
    @abc.abstractmethod
    def keys(self) -> tuple[str, ...]:
        """The names of the columns, in order."""

    @property
    @abc.abstractmethod
    def mode(self) -> Mode:
        """How examples are represented: ``tuple``, ``dict``, or ``None``.

        ``None`` is for a dataset of one column whose examples are the bare values.
        """

    @abc.abstractmethod
    def get_examples(
        self, indices: slice | Sequence[int] | None, key_indices: tuple[int, ...] | None
    ) -> tuple[Column, ...]:
        """Return some rows of some columns.

        Args:
            indices: The rows: a slice, a sequence of ints, or ``None`` for every row.
            key_indices: The positions in :attr:`keys` of the columns, or ``None`` for
                every column.

        Returns:
            One list or array per requested column, each with one entry per row.
        """

    # -- examples ---------------------------------------------------------------------------

    def get_example(self, i: int) -> _E:
        """Return the ``i``-th example, in :attr:`mode`.

        Args:
            i: The index (negative ones count from the end).

        Raises:
            IndexError: If ``i`` is out of range.
        """
        length = len(self)
        j = operator.index(i)
        if not -length <= j < length:
            raise IndexError(f"index {j} is out of range for a dataset of {length} examples")
        columns = self.get_examples([j % length], None)
        result: _E = make_example(self.mode, self.keys, [column[0] for column in columns])
        return result

    @overload
    def __getitem__(self, index: Index) -> _E: ...
    @overload
    def __getitem__(self, index: Indices) -> list[_E]: ...
    def __getitem__(self, index: Index | Indices) -> _E | list[_E]:
        """Return one example, or a list of examples for a slice or a list of indices.

        Several examples are read with one :meth:`get_examples` call.
        """
        if isinstance(index, (int, numpy.integer)):
            return self.get_example(operator.index(index))
        length = len(self)
        rows: slice | list[int]
        if isinstance(index, slice):
            rows = index
        else:
            rows = normalize_indices(index, length)
            for j in rows:
                if not -length <= j < length:
                    raise IndexError(
                        f"index {j} is out of range for a dataset of {length} examples"
                    )
            rows = [j % length for j in rows]
        columns = self.get_examples(rows, None)
        count = len(range(length)[rows]) if isinstance(rows, slice) else len(rows)
        return make_examples(self.mode, self.keys, columns, count)

    def __iter__(self) -> Iterator[_E]:
        for i in range(len(self)):
            yield self.get_example(i)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} keys={self.keys!r}, {len(self)} examples>"

    # -- column-major access ----------------------------------------------------------------

    def fetch(self) -> Any:
        """Return the whole dataset column by column.

        Returns:
            In tuple mode a tuple of columns, in dict mode a dict of columns by key, with
            one column (mode ``None``) that column; each column is a list or an array.

        Example:
            >>> from kusari.datasets import tabular
            >>> table = tabular.from_data({"x": [1, 2, 3], "y": [4, 5, 6]})
            >>> table.fetch()
            {'x': [1, 2, 3], 'y': [4, 5, 6]}
        """
        return pack(self.mode, self.keys, self.get_examples(None, None))

    def convert(self, data: Any) -> Any:
        """Prepare data returned by :meth:`fetch` for a model.

        By default each column becomes an array (NumPy and CuPy arrays are kept as they
        are); :meth:`with_converter` replaces this.  Views, :meth:`concat`, :meth:`join`
        and the transforms use the converter of their (first) source.

        Args:
            data: A tuple, a dict or a single column, as :meth:`fetch` returns.

        Returns:
            ``data`` with every column an array.

        Raises:
            ValueError: If a column cannot be made into one array (ragged values).

        Example:
            >>> from kusari.datasets import tabular
            >>> table = tabular.from_data(([1, 2], [0.5, 1.5]))
            >>> x, y = table.convert(table.fetch())
            >>> x.tolist(), y.dtype.name
            ([1, 2], 'float64')
        """
        if isinstance(data, tuple):
            return tuple(_as_array(key, c) for key, c in zip(self.keys, data, strict=False))
        if isinstance(data, dict):
            return {key: _as_array(key, column) for key, column in data.items()}
        return _as_array(self.keys[0] if self.keys else "", data)

    def with_converter(self, converter: Callable[..., Any]) -> TabularDataset[_E]:
        """Return a view whose :meth:`convert` calls ``converter``.

        ``converter`` receives the columns as positional arguments in tuple mode, as
        keyword arguments in dict mode, and the single column in mode ``None``.

        Example:
            >>> from kusari.datasets import tabular
            >>> table = tabular.from_data(([1, 2], [3, 4])).with_converter(
            ...     lambda a, b: [x + y for x, y in zip(a, b)])
            >>> table.convert(table.fetch())
            [4, 6]
        """
        from ._views import WithConverter

        return WithConverter(self, converter)

    # -- views ------------------------------------------------------------------------------

    @property
    def slice(self) -> SliceHelper[_E]:
        """Views of some rows and columns: ``dataset.slice[rows]``, ``dataset.slice[rows, keys]``.

        ``rows`` is a slice, a list or 1-D array of ints, or a boolean mask; ``keys`` is a
        key name or a column position (a one-column view, mode ``None``), or a tuple or
        list of them, or a slice of the columns (the view keeps the mode).

        Raises:
            TypeError: For an index of the wrong kind.
            IndexError: For a row or column position out of range.
            KeyError: For an unknown key name.
            ValueError: For a boolean mask of the wrong length.

        Example:
            >>> from kusari.datasets import tabular
            >>> table = tabular.from_data((("a", [0, 1, 2, 3]), ("b", [4, 5, 6, 7])))
            >>> table.slice[1:3].fetch()
            ([1, 2], [5, 6])
            >>> table.slice[[True, False, False, True], "b"].fetch()
            [4, 7]
        """
        from ._views import SliceHelper

        return SliceHelper(self)

    def astuple(self) -> TabularDataset[tuple[Any, ...]]:
        """Return a view whose examples are tuples.

        Example:
            >>> from kusari.datasets import tabular
            >>> tabular.from_data({"a": [1, 2], "b": [3, 4]}).astuple()[1]
            (2, 4)
        """
        from ._views import AsMode

        return AsMode(self, tuple)

    def asdict(self) -> TabularDataset[dict[str, Any]]:
        """Return a view whose examples are dicts.

        Example:
            >>> from kusari.datasets import tabular
            >>> tabular.from_data((("a", [1, 2]), ("b", [3, 4]))).asdict()[0]
            {'a': 1, 'b': 3}
        """
        from ._views import AsMode

        return AsMode(self, dict)

    # -- stacking ---------------------------------------------------------------------------

    def concat(self, *datasets: TabularDataset[Any]) -> TabularDataset[_E]:
        """Return the rows of this dataset followed by those of ``datasets``.

        Args:
            *datasets: Tabular datasets with the same :attr:`keys` (in the same order).

        Returns:
            A dataset with this one's mode and converter.

        Raises:
            TypeError: If one of ``datasets`` is not a :class:`TabularDataset`.
            ValueError: If the keys differ.

        Example:
            >>> from kusari.datasets import tabular
            >>> a = tabular.from_data(("x", [1, 2]))
            >>> b = tabular.from_data(("x", [3]))
            >>> a.concat(b).fetch()
            [1, 2, 3]
        """
        from ._concat import Concat

        return Concat(self, *datasets)

    def join(self, *datasets: TabularDataset[Any]) -> TabularDataset[_E]:
        """Return the columns of this dataset followed by those of ``datasets``.

        Args:
            *datasets: Tabular datasets of the same length, with keys unlike this one's
                and each other's.

        Returns:
            A dataset with the first mode that is not ``None`` (else tuple mode) and this
            one's converter.

        Raises:
            TypeError: If one of ``datasets`` is not a :class:`TabularDataset`.
            ValueError: If the lengths differ or a key appears twice.

        Example:
            >>> from kusari.datasets import tabular
            >>> a = tabular.from_data({"x": [1, 2]})
            >>> b = tabular.from_data({"y": [3, 4]})
            >>> a.join(b)[1]
            {'x': 2, 'y': 4}
        """
        from ._join import Join

        return Join(self, *datasets)

    # -- transforms -------------------------------------------------------------------------

    def transform(
        self, keys: str | Sequence[str], transform: Callable[..., Any]
    ) -> TabularDataset[Any]:
        """Return a dataset of ``transform`` applied to each example.

        ``transform`` receives an example's values as positional arguments in tuple
        mode, as keyword arguments in dict mode and as one argument in mode ``None``, and
        returns a tuple (tuple mode), a dict (dict mode) or, for one key, a bare value
        (mode ``None``).  The mode is decided by calling ``transform`` on the first
        example (tuple mode for an empty dataset).  ``transform`` runs each time an
        example is read, so random augmentation differs from epoch to epoch.

        Args:
            keys: The keys of the transformed examples (a string for one key).
            transform: The function.

        Raises:
            ValueError: When read, if ``transform`` returns a tuple of the wrong length or
                a dict with other keys.
            TypeError: When read, if it returns a kind of value unlike the first one.

        Example:
            >>> from kusari.datasets import tabular
            >>> table = tabular.from_data((("a", [1, 2]), ("b", [3, 4])))
            >>> table.transform(("sum", "product"), lambda a, b: (a + b, a * b)).fetch()
            ([4, 6], [3, 8])
        """
        from ._transform import Transform

        return Transform(self, keys, transform)

    def transform_batch(
        self, keys: str | Sequence[str], transform_batch: Callable[..., Any]
    ) -> TabularDataset[Any]:
        """Return a dataset of ``transform_batch`` applied to columns of several examples.

        Like :meth:`transform`, but ``transform_batch`` receives whole columns (lists or
        arrays, as :meth:`get_examples` returns them) and returns columns, each with one
        entry per example.  The mode is decided by calling it on the first example alone.

        Args:
            keys: The keys of the transformed examples (a string for one key).
            transform_batch: The function.

        Raises:
            ValueError: When read, if a returned column has another number of rows, or
                the tuple has the wrong length, or the dict other keys.
            TypeError: When read, if it returns a kind of value unlike the first one.

        Example:
            >>> import numpy as np
            >>> from kusari.datasets import tabular
            >>> table = tabular.from_data(("x", np.arange(4.0)))
            >>> table.transform_batch("x", lambda x: x * 2 + 1).fetch().tolist()
            [1.0, 3.0, 5.0, 7.0]
        """
        from ._transform import TransformBatch

        return TransformBatch(self, keys, transform_batch)
