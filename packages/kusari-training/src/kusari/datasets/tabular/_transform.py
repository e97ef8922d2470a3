"""Datasets computed from another one (:meth:`TabularDataset.transform`, ``transform_batch``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ._indexing import Column, column_count, positions
from ._tabular_dataset import Mode, TabularDataset, make_examples

__all__ = ["Transform", "TransformBatch", "output_mode", "unpack_output"]

_UNSET: Any = object()


def _normalize_keys(keys: object) -> tuple[str, ...]:
    if isinstance(keys, str):
        return (keys,)
    if isinstance(keys, (tuple, list)) and all(isinstance(k, str) for k in keys):
        return tuple(keys)
    raise TypeError(f"keys must be a string or a tuple of strings, got {keys!r}")


def output_mode(output: object, keys: tuple[str, ...], what: str) -> Mode:
    """The mode that the first ``output`` of a transform implies."""
    if isinstance(output, tuple):
        return tuple
    if isinstance(output, dict):
        return dict
    if len(keys) != 1:
        raise TypeError(
            f"{what} must return a tuple or a dict for the {len(keys)} keys {keys!r}, "
            f"got {type(output).__name__}"
        )
    return None


def unpack_output(output: object, mode: Mode, keys: tuple[str, ...], what: str) -> list[Any]:
    """Return the values of one transform ``output``, in the order of ``keys``."""
    if mode is tuple:
        if not isinstance(output, tuple):
            raise TypeError(
                f"{what} returned {type(output).__name__}, but its first result was a tuple"
            )
        if len(output) != len(keys):
            raise ValueError(
                f"{what} returned a tuple of {len(output)} values for the {len(keys)} keys "
                f"{keys!r}"
            )
        return list(output)
    if mode is dict:
        if not isinstance(output, dict):
            raise TypeError(
                f"{what} returned {type(output).__name__}, but its first result was a dict"
            )
        if output.keys() != set(keys):
            raise ValueError(
                f"{what} returned a dict with keys {sorted(output)}, expected the keys "
                f"{sorted(keys)}"
            )
        return [output[k] for k in keys]
    if isinstance(output, (tuple, dict)):
        raise TypeError(
            f"{what} returned a {type(output).__name__}, but its first result was a bare value"
        )
    return [output]


def _call(function: Callable[..., Any], mode: Mode, keys: tuple[str, ...], values: Any) -> Any:
    if mode is tuple:
        return function(*values)
    if mode is dict:
        return function(**dict(zip(keys, values, strict=True)))
    return function(values[0])


def _select(columns: list[Column], key_indices: tuple[int, ...] | None) -> tuple[Column, ...]:
    if key_indices is None:
        return tuple(columns)
    return tuple(columns[i] for i in key_indices)


class _Derived(TabularDataset[Any]):
    __slots__ = ("_dataset", "_function", "_keys", "_mode")

    _what = "transform"

    def __init__(
        self, dataset: TabularDataset[Any], keys: object, function: Callable[..., Any]
    ) -> None:
        if not callable(function):
            raise TypeError(f"{self._what} must be callable, got {type(function).__name__}")
        self._dataset = dataset
        self._keys = _normalize_keys(keys)
        self._function = function
        self._mode: Mode = _UNSET

    def __len__(self) -> int:
        return len(self._dataset)

    @property
    def keys(self) -> tuple[str, ...]:
        return self._keys

    @property
    def mode(self) -> Mode:
        if self._mode is _UNSET:
            self._mode = self._first_mode() if len(self._dataset) else tuple
        return self._mode

    def _first_mode(self) -> Mode:
        raise NotImplementedError

    def convert(self, data: Any) -> Any:
        return self._dataset.convert(data)


class Transform(_Derived):
    """A dataset of a function applied to each example of another."""

    __slots__ = ()

    def _first_mode(self) -> Mode:
        source = self._dataset
        values = [column[0] for column in source.get_examples([0], None)]
        output = _call(self._function, source.mode, source.keys, values)
        return output_mode(output, self._keys, self._what)

    def get_examples(
        self, indices: slice | Sequence[int] | None, key_indices: tuple[int, ...] | None
    ) -> tuple[Column, ...]:
        source = self._dataset
        rows = positions(indices, len(source))
        columns = source.get_examples(indices, None)
        count = column_count(columns, rows, len(source))
        mode = self.mode
        outputs: list[list[Any]] = [[] for _ in self._keys]
        for values in make_examples(tuple, source.keys, columns, count):
            output = _call(self._function, source.mode, source.keys, values)
            for out, value in zip(
                outputs, unpack_output(output, mode, self._keys, self._what), strict=True
            ):
                out.append(value)
        return _select(list(outputs), key_indices)


class TransformBatch(_Derived):
    """A dataset of a function applied to the columns of several examples of another."""

    __slots__ = ()

    _what = "transform_batch"

    def _first_mode(self) -> Mode:
        source = self._dataset
        output = _call(self._function, source.mode, source.keys, source.get_examples([0], None))
        return output_mode(output, self._keys, self._what)

    def get_examples(
        self, indices: slice | Sequence[int] | None, key_indices: tuple[int, ...] | None
    ) -> tuple[Column, ...]:
        source = self._dataset
        rows = positions(indices, len(source))
        columns = source.get_examples(indices, None)
        count = column_count(columns, rows, len(source))
        output = _call(self._function, source.mode, source.keys, columns)
        outputs: list[Column] = unpack_output(output, self.mode, self._keys, self._what)
        for key, column in zip(self._keys, outputs, strict=True):
            if len(column) != count:
                raise ValueError(
                    f"{self._what} must return one value per example: column {key!r} has "
                    f"{len(column)} values for {count} examples"
                )
        return _select(outputs, key_indices)
