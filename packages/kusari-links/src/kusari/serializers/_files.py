"""Writing a file atomically: write a temporary file beside it, then ``os.replace`` it."""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Callable
from typing import IO, Any, TypeAlias

__all__ = ["FileLike", "PathLike", "atomic_write", "atomic_write_path", "describe"]

PathLike: TypeAlias = str | os.PathLike[str]
FileLike: TypeAlias = IO[bytes]


def describe(file: PathLike | FileLike | Any) -> str:
    """Return how error messages name ``file``: its path, else the file object's name."""
    if isinstance(file, (str, os.PathLike)):
        return repr(os.fspath(file))
    name = getattr(file, "name", None)
    return repr(name) if isinstance(name, str) else f"<{type(file).__name__}>"


def atomic_write(path: PathLike, write: Callable[[IO[bytes]], None]) -> None:
    """Create or replace ``path`` with what ``write`` writes, all or nothing.

    The data goes to a new temporary file in the same folder, is flushed to disk, and
    then renamed over ``path`` with :func:`os.replace` (atomic on POSIX and Windows).  If
    ``write`` raises, or the process dies before the rename, ``path`` keeps its previous
    content; the temporary file is removed on errors.  An existing file's permission bits
    are kept; a new file gets the usual ``0o666 & ~umask``.

    Args:
        path: The file to create or replace.
        write: Called once with the temporary file opened for binary writing.
    """
    target = os.fspath(path)
    folder, base = os.path.split(os.path.abspath(target))
    descriptor, temporary = _create_temporary(folder, base)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        _replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_folder(folder)


def atomic_write_path(path: PathLike, write: Callable[[str], None]) -> None:
    """Create or replace ``path`` with the file ``write`` writes at a given path, all or nothing.

    Like :func:`atomic_write`, for writers that open files by name themselves (h5py):
    ``write`` is called with the path of a new, empty temporary file in the same folder,
    which it may overwrite; the file is then flushed to disk and renamed over ``path``.

    Args:
        path: The file to create or replace.
        write: Called once with the temporary file's path.
    """
    target = os.fspath(path)
    folder, base = os.path.split(os.path.abspath(target))
    descriptor, temporary = _create_temporary(folder, base)
    os.close(descriptor)
    try:
        write(temporary)
        descriptor = os.open(temporary, os.O_RDWR | getattr(os, "O_BINARY", 0))
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        _replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_folder(folder)


def _create_temporary(folder: str, base: str) -> tuple[int, str]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        temporary = os.path.join(folder, f".{base}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(temporary, flags, 0o666), temporary
        except FileExistsError:  # pragma: no cover - a 48-bit name collision
            continue


def _replace(temporary: str, target: str) -> None:
    # An existing file's permission bits are kept.
    with contextlib.suppress(FileNotFoundError):
        os.chmod(temporary, stat.S_IMODE(os.stat(target).st_mode))
    os.replace(temporary, target)


def _sync_folder(folder: str) -> None:
    # Makes the rename itself durable; folders cannot be opened this way on Windows.
    if os.name != "posix":  # pragma: no cover
        return
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
