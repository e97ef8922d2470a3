"""HDF5 files in Chainer's layout: the HDF5 serializers, ``save_hdf5`` and ``load_hdf5``.

The optional dependency is imported on first use (``pip install kusari-links[hdf5]``).
The layout is Chainer's: one HDF5 group per child (``l1``, ``predictor/0``...), one
dataset per value, arrays of more than one element compressed with gzip, and ``None`` as
an empty dataset (``h5py.Empty``), so files go both ways between kusari and Chainer.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from typing import Any, Self, TypeVar, cast, overload

import numpy
import numpy.typing as npt

from kusari.devices import Array, is_array, to_cpu

from ._base import Serializable, Serializer
from ._dictionary import none_marker
from ._files import FileLike, PathLike, atomic_write_path, describe
from ._npz import IgnoreNames, NpzDeserializer

__all__ = ["HDF5Deserializer", "HDF5Serializer", "load_hdf5", "save_hdf5"]

_T = TypeVar("_T")


def _h5py() -> Any:
    try:
        import h5py
    except ImportError:
        raise ImportError(
            "the HDF5 serializers need the h5py package; install it with "
            "`pip install kusari-links[hdf5]`"
        ) from None
    return h5py


def _check_compression(compression: int | None) -> None:
    if compression is None:
        return
    if isinstance(compression, bool) or not isinstance(compression, int):
        raise TypeError(
            f"compression must be a gzip level (an int from 0 to 9) or None, got "
            f"{type(compression).__name__}"
        )
    if not 0 <= compression <= 9:
        raise ValueError(f"compression must be a gzip level from 0 to 9, got {compression}")


class HDF5Serializer(Serializer):
    """Serializer that writes an object's state into an HDF5 group (h5py).

    ``serializer[name]`` is the serializer of the child group ``name`` (created when
    missing).  Arrays are stored as datasets (CuPy arrays are copied to the host), arrays
    of more than one element with gzip compression; scalars as 0-dimensional datasets,
    strings as UTF-8 string datasets, and ``None`` as an empty dataset (``h5py.Empty``),
    as Chainer does.  A value that could only be stored with pickle is refused.  An
    existing dataset of the same name is replaced.

    Args:
        group: The ``h5py.File`` or ``h5py.Group`` to write into, opened for writing.
        compression: The gzip level (0 to 9) of the arrays, or ``None`` for none.

    Attributes:
        group: The group being written.
        compression: The gzip level, or ``None``.

    Raises:
        ImportError: If h5py is not installed.
        TypeError: If ``compression`` is not an int or ``None``.
        ValueError: If ``compression`` is not from 0 to 9.

    Example:
        >>> import io, numpy
        >>> import h5py  # doctest: +SKIP
        >>> from kusari.serializers import HDF5Serializer
        >>> with h5py.File(io.BytesIO(), "w") as f:  # doctest: +SKIP
        ...     serializer = HDF5Serializer(f)
        ...     _ = serializer["l1"]("W", numpy.zeros((2, 3), numpy.float32))
        ...     print(f["l1/W"].shape, f["l1/W"].compression)
        (2, 3) gzip
    """

    group: Any
    compression: int | None

    def __init__(self, group: Any, compression: int | None = 4) -> None:
        _h5py()
        _check_compression(compression)
        self.group = group
        self.compression = compression

    def __getitem__(self, key: str) -> Self:
        """Return the serializer of the child group ``key`` (created when missing)."""
        return type(self)(self.group.require_group(key.strip("/")), self.compression)

    @overload
    def __call__(self, key: str, value: None) -> Array | None: ...
    @overload
    def __call__(self, key: str, value: _T) -> _T: ...
    def __call__(self, key: str, value: object) -> object:
        """Write ``value`` as the dataset ``key`` of the group and return it unchanged.

        Args:
            key: The name of the value.
            value: An array (NumPy or CuPy), a scalar, a string or ``None``.

        Returns:
            ``value``.

        Raises:
            TypeError: If ``value`` could only be saved as a pickled object array.
        """
        h5py = _h5py()
        name = key.lstrip("/")
        options: dict[str, Any] = {}
        if value is None:
            data: Any = h5py.Empty("f")
        else:
            array = to_cpu(cast(Array, value)) if is_array(value) else numpy.asarray(value)
            if array.dtype.hasobject:
                raise TypeError(
                    f"cannot serialize {name!r}: a value of type {type(value).__name__} "
                    "would need pickle, which kusari never writes; save arrays, numbers, "
                    "strings or None"
                )
            if array.dtype.kind == "U":
                data = array.astype(h5py.string_dtype("utf-8"))
            else:
                data = array
                if array.size > 1 and self.compression is not None:
                    options = {"compression": "gzip", "compression_opts": self.compression}
        if name in self.group:
            del self.group[name]
        self.group.create_dataset(name, data=data, **options)
        return value


class _HDF5Entries(Mapping[str, npt.NDArray[Any]]):
    """The datasets of an HDF5 group as a read-only mapping of paths to NumPy arrays."""

    __slots__ = ("_group", "_h5py")

    def __init__(self, group: Any) -> None:
        self._group = group
        self._h5py = _h5py()

    def _dataset(self, key: str) -> Any:
        try:
            found = self._group.get(key)
        except (KeyError, TypeError, ValueError):  # a path through a dataset, a bad name
            return None
        return found if isinstance(found, self._h5py.Dataset) else None

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._dataset(key) is not None

    def __getitem__(self, key: str) -> npt.NDArray[Any]:
        dataset = self._dataset(key)
        if dataset is None:
            raise KeyError(key)
        if dataset.shape is None:  # h5py.Empty: how Chainer and kusari store None
            return none_marker()
        string = self._h5py.check_string_dtype(dataset.dtype)
        if string is not None and string.length is None:
            return numpy.asarray(dataset.asstr()[()]).astype(str)
        return numpy.asarray(dataset[()])

    def __iter__(self) -> Iterator[str]:
        names: list[str] = []

        def visit(name: str, item: object) -> None:
            if isinstance(item, self._h5py.Dataset):
                names.append(name)

        self._group.visititems(visit)
        return iter(names)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class HDF5Deserializer(NpzDeserializer):
    """Deserializer that loads an object's state from an HDF5 group (h5py).

    It reads the layout :class:`HDF5Serializer` and Chainer's ``save_hdf5`` write, and
    has the guarantees of :class:`NpzDeserializer`, which it specializes: values are
    copied in place, uninitialized parameters get the saved shapes, and :meth:`load` is
    all or nothing (a missing key, a shape mismatch or an unreadable dataset leaves the
    object unchanged).  Nothing is ever unpickled.

    Args:
        group: The ``h5py.File`` or ``h5py.Group`` to read from.
        strict: If ``True``, a missing key raises :class:`KeyError`; otherwise the value
            is left as it is.  (Second, as in Chainer's ``HDF5Deserializer``.)
        path: The prefix of every key read, such as ``'updater/model:main/'``.
        ignore_names: Keys not to load: a full key, a predicate on full keys, or a list.
        source: How error messages name the data; the group's file name by default.

    Attributes:
        group: The group read from (the root of :attr:`path`).

    Raises:
        ImportError: If h5py is not installed.
        TypeError: If ``ignore_names`` holds something that is neither a string nor a
            callable.

    Example:
        >>> import io, numpy
        >>> import h5py  # doctest: +SKIP
        >>> from kusari.serializers import HDF5Deserializer
        >>> buffer = io.BytesIO()
        >>> with h5py.File(buffer, "w") as f:  # doctest: +SKIP
        ...     _ = f.create_dataset("l1/W", data=numpy.arange(3.0))
        >>> weight = numpy.zeros(3)
        >>> with h5py.File(buffer, "r") as f:  # doctest: +SKIP
        ...     _ = HDF5Deserializer(f)["l1"]("W", weight)
        >>> weight.tolist()  # doctest: +SKIP
        [0.0, 1.0, 2.0]
    """

    group: Any

    def __init__(
        self,
        group: Any,
        strict: bool = True,
        path: str = "",
        ignore_names: IgnoreNames = None,
        *,
        source: str | None = None,
    ) -> None:
        if source is None:
            filename = getattr(getattr(group, "file", None), "filename", None)
            source = repr(filename) if isinstance(filename, str) else "the HDF5 group"
        super().__init__(
            _HDF5Entries(group), path=path, strict=strict, ignore_names=ignore_names, source=source
        )
        self.group = group


def save_hdf5(file: PathLike | FileLike, obj: Serializable, compression: int | None = 4) -> None:
    """Save ``obj`` to an HDF5 file in Chainer's layout (see :class:`HDF5Serializer`).

    A file name is written atomically: the file is built as a temporary file in the same
    folder, which then replaces ``file``, so a failed save (a value that cannot be
    stored, a full disk) never destroys the previous checkpoint.  A binary file object
    (readable, writable and seekable, such as :class:`io.BytesIO`) is written directly.

    Args:
        file: A path, or a binary file object.
        obj: The object to save (a link, an optimizer, ...).
        compression: The gzip level (0 to 9) of the arrays, or ``None`` for none.

    Raises:
        ImportError: If h5py is not installed.
        TypeError: If a value could only be saved with pickle, or ``compression`` is not
            an int or ``None``.
        ValueError: If ``compression`` is not from 0 to 9.

    Example:
        >>> import io, numpy
        >>> from kusari.links import Linear
        >>> from kusari.serializers import load_hdf5, save_hdf5
        >>> buffer = io.BytesIO()
        >>> save_hdf5(buffer, Linear(3, 2))  # doctest: +SKIP
        >>> restored = Linear(3, 2, initialW=0.0)
        >>> load_hdf5(buffer, restored)  # doctest: +SKIP
        >>> bool((restored.W.array != 0).any())  # doctest: +SKIP
        True
    """
    h5py = _h5py()
    _check_compression(compression)

    def write(target: str | FileLike) -> None:
        with h5py.File(target, "w") as root:
            HDF5Serializer(root, compression).save(obj)

    if isinstance(file, (str, os.PathLike)):
        atomic_write_path(file, write)
    else:
        write(file)


def load_hdf5(
    file: PathLike | FileLike,
    obj: Serializable,
    path: str = "",
    strict: bool = True,
    ignore_names: IgnoreNames = None,
) -> None:
    """Load ``obj`` from an HDF5 file (kusari's or Chainer's), all or nothing.

    Behaves like :func:`load_npz`: arrays are copied in place, uninitialized parameters
    are initialized with the saved shapes, and on any error -- a missing key, a shape
    mismatch, a file that is not HDF5 or a corrupted dataset -- ``obj`` is left exactly
    as it was.

    Args:
        file: A path, or a binary file object opened for reading.
        obj: The object to load into.
        path: The key prefix to load from, such as ``'updater/model:main/'``.
        strict: If ``False``, keys missing from the file are skipped.
        ignore_names: Keys not to load (see :class:`NpzDeserializer`).

    Raises:
        ImportError: If h5py is not installed.
        KeyError: A missing key with ``strict=True``, naming the full key.
        ValueError: A shape mismatch, or a file that is not a readable HDF5 file.
        TypeError: A value that cannot be cast safely to its target.
    """
    h5py = _h5py()
    source = describe(file)
    with contextlib.ExitStack() as stack:
        try:
            root = stack.enter_context(h5py.File(file, "r"))
        except (OSError, ValueError) as error:
            raise ValueError(
                f"{source} is not a readable HDF5 file; it may be corrupted or truncated "
                f"({type(error).__name__}: {error})"
            ) from error
        HDF5Deserializer(
            root, strict=strict, path=path, ignore_names=ignore_names, source=source
        ).load(obj)
