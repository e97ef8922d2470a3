"""Lines of text files as examples: :class:`TextDataset`."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from typing import IO, Any

from ._mixin import DatasetMixin

__all__ = ["TextDataset"]

PathLike = str | os.PathLike[str]


class TextDataset(DatasetMixin[Any]):
    r"""A dataset whose examples are the lines of one text file, or of several in step.

    With one path, the ``i``-th example is the ``i``-th line (a ``str`` that keeps its line
    ending).  With a list of paths, the files must have the same number of lines and the
    ``i``-th example is the tuple of their ``i``-th lines (a parallel corpus, say).  The
    files are indexed when the dataset is made and read lazily, one line per access.

    The dataset keeps its files open; :meth:`close` (or a ``with`` block) closes them.  It
    can be pickled and used after ``fork`` (each process opens its own handles), so it works
    with :class:`~kusari.iterators.MultiprocessIterator`.

    Args:
        paths: A path, or a list of paths read in step.
        encoding: The encoding of the files (one for all, or one per path); ``None`` is
            the locale's.
        errors: How decoding errors are handled (see :func:`open`), one or one per path.
        newline: The newline mode of :func:`open`, one or one per path; ``None`` translates
            ``'\r\n'`` to ``'\n'``.
        filter_func: Called with the line(s) of each position (one argument per file);
            the position is kept only if it returns true.

    Raises:
        ValueError: If the files do not have the same number of lines, or a per-path
            option list does not have one entry per path.
        FileNotFoundError: If a file does not exist.

    Example:
        >>> import os, pathlib, tempfile
        >>> from kusari.datasets import TextDataset
        >>> folder = tempfile.mkdtemp()
        >>> en, fr = os.path.join(folder, "en.txt"), os.path.join(folder, "fr.txt")
        >>> _ = pathlib.Path(en).write_text("hello\n\nbye\n")
        >>> _ = pathlib.Path(fr).write_text("bonjour\n\nau revoir\n")
        >>> with TextDataset(en) as lines:
        ...     len(lines), lines[0]
        (3, 'hello\n')
        >>> with TextDataset([en, fr], filter_func=lambda e, f: e.strip() != "") as pairs:
        ...     len(pairs), pairs[1]
        (2, ('bye\n', 'au revoir\n'))
    """

    __slots__ = (
        "_encodings",
        "_errors",
        "_files",
        "_lock",
        "_newlines",
        "_offsets",
        "_paths",
        "_pid",
        "_single",
    )

    def __init__(
        self,
        paths: PathLike | Sequence[PathLike],
        encoding: str | Sequence[str | None] | None = None,
        errors: str | Sequence[str | None] | None = None,
        newline: str | Sequence[str | None] | None = None,
        filter_func: Callable[..., object] | None = None,
    ) -> None:
        self._single = isinstance(paths, (str, os.PathLike))
        path_list = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
        if not path_list:
            raise ValueError("TextDataset needs at least one path, got an empty list")
        self._paths = [os.fspath(p) for p in path_list]
        self._encodings = _per_path(encoding, len(self._paths), "encoding")
        self._errors = _per_path(errors, len(self._paths), "errors")
        self._newlines = _per_path(newline, len(self._paths), "newline")
        self._lock = threading.Lock()
        self._files: list[IO[str]] = []
        self._pid = os.getpid()
        self._open()
        try:
            self._offsets = self._index(filter_func)
        except BaseException:
            self.close()
            raise

    def _open(self) -> None:
        self._files = []
        try:
            for path, encoding, errors, newline in zip(
                self._paths, self._encodings, self._errors, self._newlines, strict=True
            ):
                self._files.append(
                    open(path, encoding=encoding, errors=errors, newline=newline)  # noqa: SIM115
                )
        except BaseException:
            self.close()
            raise
        self._pid = os.getpid()

    def _index(self, filter_func: Callable[..., object] | None) -> list[tuple[int, ...]]:
        offsets: list[tuple[int, ...]] = []
        files = self._files
        line_count = 0
        while True:
            positions = tuple(file.tell() for file in files)
            lines = [file.readline() for file in files]
            ended = [line == "" for line in lines]
            if all(ended):
                return offsets
            if any(ended):
                shorter = [path for path, end in zip(self._paths, ended, strict=True) if end]
                raise ValueError(
                    "the files of a TextDataset must have the same number of lines, but "
                    f"{', '.join(shorter)} end(s) after {line_count} lines and the others "
                    "go on"
                )
            line_count += 1
            if filter_func is None or filter_func(*lines):
                offsets.append(positions)

    def __len__(self) -> int:
        return len(self._offsets)

    def get_example(self, i: int) -> Any:
        """Return the ``i``-th line, or tuple of lines (negative ``i`` counts from the end).

        Raises:
            IndexError: If ``i`` is out of range.
            ValueError: If the dataset was closed.
        """
        length = len(self._offsets)
        if not -length <= i < length:
            raise IndexError(f"TextDataset index {i} out of range for length {length}")
        positions = self._offsets[i]
        with self._lock:
            if self._pid != os.getpid():
                self._open()
            if not self._files:
                raise ValueError("the TextDataset is closed")
            lines = []
            for file, position in zip(self._files, positions, strict=True):
                file.seek(position)
                lines.append(file.readline())
        return lines[0] if self._single else tuple(lines)

    def close(self) -> None:
        """Close the files (reading an example afterwards raises ValueError)."""
        for file in self._files:
            file.close()
        self._files = []

    def __enter__(self) -> TextDataset:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __del__(self) -> None:
        if getattr(self, "_files", None):
            self.close()

    def __getstate__(self) -> dict[str, Any]:
        state = {name: getattr(self, name) for name in self.__slots__}
        del state["_files"], state["_lock"]
        state["_pid"] = None  # the unpickled copy opens its own handles on first read
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)
        self._lock = threading.Lock()
        self._files = []

    def __repr__(self) -> str:
        return f"<TextDataset of {self._paths}, {len(self._offsets)} examples>"


def _per_path(value: str | Sequence[str | None] | None, count: int, name: str) -> list[Any]:
    if value is None or isinstance(value, str):
        return [value] * count
    values = list(value)
    if len(values) != count:
        raise ValueError(
            f"TextDataset: {name} must be one value or one per path ({count}), got {len(values)}"
        )
    return values
