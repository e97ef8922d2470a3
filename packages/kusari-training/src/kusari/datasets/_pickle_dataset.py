"""Examples stored as consecutive pickles in one file.

:class:`PickleDataset`, :class:`PickleDatasetWriter`, :func:`open_pickle_dataset` and
:func:`open_pickle_dataset_writer`.  The file format is Chainer's: the examples pickled one
after the other, nothing else, so files written by either library are read by the other.
Unpickling runs code named in the file: open only files you trust.
"""

from __future__ import annotations

import io
import os
import pickle
import threading
from typing import IO, Any

from ._mixin import DatasetMixin

__all__ = [
    "PickleDataset",
    "PickleDatasetWriter",
    "open_pickle_dataset",
    "open_pickle_dataset_writer",
]


class PickleDatasetWriter:
    """Writes examples to a binary file as consecutive pickles, for :class:`PickleDataset`.

    Args:
        writer: A binary file-like object open for writing.
        protocol: The pickle protocol.

    Example:
        >>> import io
        >>> from kusari.datasets import PickleDataset, PickleDatasetWriter
        >>> buffer = io.BytesIO()
        >>> writer = PickleDatasetWriter(buffer)
        >>> for example in [(1, "a"), (2, "b")]:
        ...     writer.write(example)
        >>> writer.flush()
        >>> PickleDataset(buffer)[1]
        (2, 'b')
    """

    __slots__ = ("_protocol", "_writer")

    def __init__(self, writer: IO[bytes], protocol: int = pickle.HIGHEST_PROTOCOL) -> None:
        if not 0 <= protocol <= pickle.HIGHEST_PROTOCOL:
            raise ValueError(
                f"protocol must be between 0 and {pickle.HIGHEST_PROTOCOL}, got {protocol}"
            )
        self._writer = writer
        self._protocol = protocol

    def write(self, x: object) -> None:
        """Append one example."""
        pickle.dump(x, self._writer, protocol=self._protocol)

    def flush(self) -> None:
        """Flush the underlying file."""
        self._writer.flush()

    def close(self) -> None:
        """Close the underlying file."""
        self._writer.close()

    def __enter__(self) -> PickleDatasetWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class PickleDataset(DatasetMixin[Any]):
    """A dataset over a file of consecutive pickles (as :class:`PickleDatasetWriter` writes).

    The file is scanned once, from its start, to find where each example begins; an
    example is unpickled each time it is read.  Reads are safe from several threads and,
    for a real file, after ``fork`` (they use positioned reads, which share no file offset).

    Args:
        reader: A seekable binary file-like object open for reading.

    Raises:
        pickle.UnpicklingError: If the file is truncated or not a sequence of pickles
            (the message gives the example number and byte offset).

    Example:
        >>> import os, tempfile
        >>> from kusari.datasets import open_pickle_dataset, open_pickle_dataset_writer
        >>> path = os.path.join(tempfile.mkdtemp(), "examples.pkl")
        >>> with open_pickle_dataset_writer(path) as writer:
        ...     for i in range(3):
        ...         writer.write({"x": i, "y": i * i})
        >>> with open_pickle_dataset(path) as dataset:
        ...     len(dataset), dataset[2], dataset[-1]["x"]
        (3, {'x': 2, 'y': 4}, 2)
    """

    __slots__ = ("_bounds", "_fileno", "_lock", "_path", "_reader")

    def __init__(self, reader: IO[bytes]) -> None:
        self._reader = reader
        self._lock = threading.Lock()
        self._path: str | None = None
        self._bounds = _scan(reader)
        self._fileno = _positional_fileno(reader)

    def __len__(self) -> int:
        return len(self._bounds) - 1

    def get_example(self, i: int) -> Any:
        """Unpickle and return the ``i``-th example (negative ``i`` counts from the end).

        Raises:
            IndexError: If ``i`` is out of range.
            ValueError: If the dataset was closed.
        """
        length = len(self._bounds) - 1
        if not -length <= i < length:
            raise IndexError(f"PickleDataset index {i} out of range for length {length}")
        if i < 0:
            i += length
        start, stop = self._bounds[i], self._bounds[i + 1]
        if self._reader.closed:
            raise ValueError("the PickleDataset is closed")
        if self._fileno is not None:
            data = os.pread(self._fileno, stop - start, start)
        else:
            with self._lock:
                self._reader.seek(start)
                data = self._reader.read(stop - start)
        return pickle.loads(data)

    def close(self) -> None:
        """Close the underlying file."""
        self._reader.close()

    def __enter__(self) -> PickleDataset:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __getstate__(self) -> dict[str, Any]:
        if self._path is None:
            raise TypeError(
                "a PickleDataset over a file object cannot be pickled; make it with "
                "open_pickle_dataset(path) to send it to other processes"
            )
        return {"path": self._path, "bounds": self._bounds}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._reader = open(state["path"], "rb")  # noqa: SIM115 - owned, closed by close()
        self._lock = threading.Lock()
        self._path = state["path"]
        self._bounds = state["bounds"]
        self._fileno = _positional_fileno(self._reader)

    def __repr__(self) -> str:
        source = self._path if self._path is not None else type(self._reader).__name__
        return f"<PickleDataset of {source}, {len(self)} examples>"


def _scan(reader: IO[bytes]) -> list[int]:
    reader.seek(0, io.SEEK_END)
    end = reader.tell()
    reader.seek(0)
    bounds = [0]
    while bounds[-1] < end:
        try:
            pickle.load(reader)
        except (pickle.UnpicklingError, EOFError, ValueError) as error:
            raise pickle.UnpicklingError(
                f"example {len(bounds) - 1} at byte {bounds[-1]} of {end} is truncated or "
                f"not a pickle: {error}"
            ) from error
        bounds.append(reader.tell())
    return bounds


def _positional_fileno(reader: IO[bytes]) -> int | None:
    if not hasattr(os, "pread") or not isinstance(reader, (io.BufferedReader, io.FileIO)):
        return None
    return reader.fileno()


def open_pickle_dataset(path: str | os.PathLike[str]) -> PickleDataset:
    """Open a file of pickled examples as a :class:`PickleDataset` (which owns the file).

    Unlike one made from a file object, this dataset can be pickled (the copy reopens the
    file), so it works with :class:`~kusari.iterators.MultiprocessIterator`.

    Args:
        path: The file, as written by :func:`open_pickle_dataset_writer`.

    Returns:
        The dataset; close it with :meth:`PickleDataset.close` or a ``with`` block.

    Example:
        >>> import os, tempfile
        >>> from kusari.datasets import open_pickle_dataset, open_pickle_dataset_writer
        >>> path = os.path.join(tempfile.mkdtemp(), "squares.pkl")
        >>> with open_pickle_dataset_writer(path) as writer:
        ...     for i in range(4):
        ...         writer.write(i * i)
        >>> with open_pickle_dataset(path) as dataset:
        ...     dataset[1:]
        [1, 4, 9]
    """
    reader = open(path, "rb")  # noqa: SIM115 - owned by the dataset
    try:
        dataset = PickleDataset(reader)
    except BaseException:
        reader.close()
        raise
    dataset._path = os.path.abspath(os.fspath(path))
    return dataset


def open_pickle_dataset_writer(
    path: str | os.PathLike[str], protocol: int = pickle.HIGHEST_PROTOCOL
) -> PickleDatasetWriter:
    """Create (or truncate) a file and return a :class:`PickleDatasetWriter` on it.

    Args:
        path: The file to write.
        protocol: The pickle protocol.

    Returns:
        The writer; close it with :meth:`PickleDatasetWriter.close` or a ``with`` block.

    Example:
        >>> import os, tempfile
        >>> from kusari.datasets import open_pickle_dataset_writer
        >>> path = os.path.join(tempfile.mkdtemp(), "out.pkl")
        >>> with open_pickle_dataset_writer(path) as writer:
        ...     writer.write([1, 2, 3])
        >>> os.path.getsize(path) > 0
        True
    """
    if not 0 <= protocol <= pickle.HIGHEST_PROTOCOL:
        raise ValueError(
            f"protocol must be between 0 and {pickle.HIGHEST_PROTOCOL}, got {protocol}"
        )
    return PickleDatasetWriter(open(path, "wb"), protocol)
