"""Images inside zip archives.

:class:`ZippedImageDataset`, :class:`MultiZippedImageDataset` and
:class:`LabeledZippedImageDataset`.  Each process opens the archive for itself (on first
read, after ``fork`` and after unpickling), so the datasets work with
:class:`~kusari.iterators.MultiprocessIterator`; threads share one handle under a lock, and
decode in parallel.
"""

from __future__ import annotations

import bisect
import io
import os
import threading
import zipfile
from collections.abc import Sequence
from typing import Any

import numpy
import numpy.typing as npt

from kusari.graph import get_dtype

from ._image import PathLike, read_image, read_pairs, require_pillow
from ._mixin import DatasetMixin

__all__ = ["LabeledZippedImageDataset", "MultiZippedImageDataset", "ZippedImageDataset"]


class _ZipReader:
    """The bytes of the members of one archive, with one open handle per process."""

    __slots__ = ("_file", "_lock", "_pid", "path")

    def __init__(self, path: PathLike) -> None:
        self.path = os.fspath(path)
        self._lock = threading.Lock()
        self._file: zipfile.ZipFile | None = None
        self._pid = 0
        try:
            self._handle()
        except zipfile.BadZipFile as error:
            raise ValueError(f"{self.path} is not a readable zip archive: {error}") from error

    def _handle(self) -> zipfile.ZipFile:
        if self._file is None or self._pid != os.getpid():
            # A handle inherited through fork shares its file offset with the parent.
            self._file = zipfile.ZipFile(self.path)
            self._pid = os.getpid()
        return self._file

    def names(self) -> list[str]:
        return [name for name in self._handle().namelist() if not name.endswith("/")]

    def read(self, name: str) -> bytes:
        with self._lock:
            return self._handle().read(name)

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
            self._file = None

    def __getstate__(self) -> dict[str, Any]:
        return {"path": self.path}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.path = state["path"]
        self._lock = threading.Lock()
        self._file = None
        self._pid = 0


class ZippedImageDataset(DatasetMixin[npt.NDArray[Any]]):
    """A dataset of the images in a zip archive, in the archive's order.

    Every member that is not a folder is an example (decoding a non-image member raises
    when it is read).

    Args:
        zipfilename: The archive.
        dtype: The array dtype; ``None`` means ``config.dtype``.

    Raises:
        ImportError: If Pillow is not installed.
        ValueError: If the file is not a zip archive.
        FileNotFoundError: If the archive does not exist.

    Example:
        >>> import io, os, tempfile, zipfile
        >>> import numpy
        >>> from PIL import Image
        >>> from kusari.datasets import ZippedImageDataset
        >>> path = os.path.join(tempfile.mkdtemp(), "images.zip")
        >>> png = io.BytesIO()
        >>> Image.fromarray(numpy.full((3, 5), 9, numpy.uint8)).save(png, format="PNG")
        >>> with zipfile.ZipFile(path, "w") as archive:
        ...     archive.writestr("digits/nine.png", png.getvalue())
        >>> with ZippedImageDataset(path) as dataset:
        ...     len(dataset), dataset[0].shape, float(dataset[0].max())
        (1, (1, 3, 5), 9.0)
    """

    __slots__ = ("_dtype", "_names", "_reader")

    def __init__(self, zipfilename: PathLike, dtype: npt.DTypeLike | None = None) -> None:
        require_pillow("ZippedImageDataset")
        self._dtype = get_dtype(dtype)
        self._reader = _ZipReader(zipfilename)
        self._names = self._reader.names()

    def __len__(self) -> int:
        return len(self._names)

    def get_example(self, i: int) -> npt.NDArray[Any]:
        """Decode and return the ``i``-th image of the archive."""
        return read_image(io.BytesIO(self._reader.read(self._names[i])), self._dtype)

    def close(self) -> None:
        """Close the archive (it is reopened if an example is read again)."""
        self._reader.close()

    def __enter__(self) -> ZippedImageDataset:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<ZippedImageDataset of {self._reader.path}, {len(self._names)} images>"


class MultiZippedImageDataset(DatasetMixin[npt.NDArray[Any]]):
    """The images of several zip archives, one archive after the other.

    Args:
        zipfilenames: The archives.
        dtype: The array dtype; ``None`` means ``config.dtype``.

    Raises:
        ImportError: If Pillow is not installed.
        ValueError: If a file is not a zip archive.

    Example:
        >>> import io, os, tempfile, zipfile
        >>> import numpy
        >>> from PIL import Image
        >>> from kusari.datasets import MultiZippedImageDataset
        >>> folder = tempfile.mkdtemp()
        >>> png = io.BytesIO()
        >>> Image.fromarray(numpy.zeros((2, 2), numpy.uint8)).save(png, format="PNG")
        >>> paths = [os.path.join(folder, f"{name}.zip") for name in ("a", "b")]
        >>> for path, count in zip(paths, (2, 1)):
        ...     with zipfile.ZipFile(path, "w") as archive:
        ...         for k in range(count):
        ...             archive.writestr(f"{k}.png", png.getvalue())
        >>> with MultiZippedImageDataset(paths) as dataset:
        ...     len(dataset), dataset[2].shape
        (3, (1, 2, 2))
    """

    __slots__ = ("_datasets", "_starts")

    def __init__(
        self, zipfilenames: Sequence[PathLike], dtype: npt.DTypeLike | None = None
    ) -> None:
        datasets: list[ZippedImageDataset] = []
        try:
            for name in zipfilenames:
                datasets.append(ZippedImageDataset(name, dtype))
        except BaseException:
            for dataset in datasets:
                dataset.close()
            raise
        self._datasets = datasets
        self._starts = [0]
        for dataset in datasets:
            self._starts.append(self._starts[-1] + len(dataset))

    def __len__(self) -> int:
        return self._starts[-1]

    def get_example(self, i: int) -> npt.NDArray[Any]:
        """Decode and return the ``i``-th image (negative ``i`` counts from the end).

        Raises:
            IndexError: If ``i`` is out of range.
        """
        length = self._starts[-1]
        if not -length <= i < length:
            raise IndexError(f"MultiZippedImageDataset index {i} out of range for length {length}")
        if i < 0:
            i += length
        which = bisect.bisect_right(self._starts, i) - 1
        return self._datasets[which].get_example(i - self._starts[which])

    def close(self) -> None:
        """Close the archives."""
        for dataset in self._datasets:
            dataset.close()

    def __enter__(self) -> MultiZippedImageDataset:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class LabeledZippedImageDataset(DatasetMixin[tuple[npt.NDArray[Any], npt.NDArray[Any]]]):
    r"""``(image, label)`` pairs: images in a zip archive, labels in a text file.

    Args:
        zipfilename: The archive.
        labelfilename: A text file of ``<member path> <label>`` lines (the label is the last
            field, an integer; blank lines are skipped).
        dtype: The image dtype; ``None`` means ``config.dtype``.
        label_dtype: The label dtype; each label is a 0-dimensional array.

    Raises:
        ImportError: If Pillow is not installed.
        ValueError: If the archive is not a zip file, a line of the label file is
            malformed, or it names a member the archive lacks.

    Example:
        >>> import io, os, pathlib, tempfile, zipfile
        >>> import numpy
        >>> from PIL import Image
        >>> from kusari.datasets import LabeledZippedImageDataset
        >>> folder = tempfile.mkdtemp()
        >>> png = io.BytesIO()
        >>> Image.fromarray(numpy.zeros((4, 4, 3), numpy.uint8)).save(png, format="PNG")
        >>> with zipfile.ZipFile(os.path.join(folder, "i.zip"), "w") as archive:
        ...     archive.writestr("cat.png", png.getvalue())
        >>> _ = pathlib.Path(os.path.join(folder, "labels.txt")).write_text("cat.png 3\n")
        >>> with LabeledZippedImageDataset(
        ...     os.path.join(folder, "i.zip"), os.path.join(folder, "labels.txt")
        ... ) as dataset:
        ...     image, label = dataset[0]
        ...     image.shape, int(label)
        ((3, 4, 4), 3)
    """

    __slots__ = ("_dtype", "_label_dtype", "_pairs", "_reader")

    def __init__(
        self,
        zipfilename: PathLike,
        labelfilename: PathLike,
        dtype: npt.DTypeLike | None = None,
        label_dtype: npt.DTypeLike = numpy.int32,
    ) -> None:
        require_pillow("LabeledZippedImageDataset")
        self._dtype = get_dtype(dtype)
        self._label_dtype = numpy.dtype(label_dtype)
        pairs = read_pairs(labelfilename)
        self._reader = _ZipReader(zipfilename)
        members = set(self._reader.names())
        for path, _ in pairs:
            if path not in members:
                self._reader.close()
                raise ValueError(
                    f"{os.fspath(labelfilename)} names {path!r}, which is not in "
                    f"{self._reader.path}"
                )
        self._pairs = pairs

    def __len__(self) -> int:
        return len(self._pairs)

    def get_example(self, i: int) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
        """Decode and return the ``i``-th ``(image, label)``."""
        path, label = self._pairs[i]
        image = read_image(io.BytesIO(self._reader.read(path)), self._dtype)
        return image, numpy.array(label, dtype=self._label_dtype)

    def close(self) -> None:
        """Close the archive (it is reopened if an example is read again)."""
        self._reader.close()

    def __enter__(self) -> LabeledZippedImageDataset:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
