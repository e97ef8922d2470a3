"""The dataset root, downloads and the parsed-file cache (Chainer's ``chainer.dataset.download``).

Every file lands in its final place by an atomic :func:`os.replace` from a temporary file in
the same folder, so an interrupted download or conversion never leaves a half-written file
that a later call would take for a cached one, and processes that fill the same cache at the
same time can at worst do the work twice, never corrupt it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
import urllib.request
from collections.abc import Callable
from typing import TypeVar

__all__ = [
    "DOWNLOAD_TIMEOUT",
    "cache_or_load_file",
    "cached_download",
    "get_dataset_directory",
    "get_dataset_root",
    "set_dataset_root",
]

_T = TypeVar("_T")

DOWNLOAD_TIMEOUT = 60.0
"""Seconds a download may wait on the network for one read before it fails."""

_CHUNK = 1 << 20
_root_override: str | None = None


def get_dataset_root() -> str:
    """Return the folder under which datasets are downloaded and cached.

    The first that is set wins: the path given to :func:`set_dataset_root`, the environment
    variable ``KUSARI_DATASET_ROOT``, the environment variable ``CHAINER_DATASET_ROOT`` (so a
    cache filled by Chainer is reused: the file layout is the same), and
    ``~/.kusari/dataset``.  The environment is read at each call.

    Returns:
        The path of the root folder (it may not exist yet).

    Example:
        >>> from kusari.datasets import get_dataset_root, set_dataset_root
        >>> set_dataset_root("/data/kusari")
        >>> get_dataset_root()
        '/data/kusari'
        >>> set_dataset_root(None)
    """
    if _root_override is not None:
        return _root_override
    for variable in ("KUSARI_DATASET_ROOT", "CHAINER_DATASET_ROOT"):
        value = os.environ.get(variable)
        if value:
            return value
    return os.path.join(os.path.expanduser("~"), ".kusari", "dataset")


def set_dataset_root(path: str | os.PathLike[str] | None) -> None:
    """Set the dataset root folder for this process (see :func:`get_dataset_root`).

    Args:
        path: The new root; ``None`` goes back to the environment variables and the default.

    Raises:
        TypeError: If ``path`` is not a path or ``None``.

    Example:
        >>> from kusari.datasets import get_dataset_root, set_dataset_root
        >>> set_dataset_root("/tmp/datasets")
        >>> get_dataset_root()
        '/tmp/datasets'
        >>> set_dataset_root(None)
    """
    global _root_override
    if path is not None and not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"the dataset root must be a path or None, got {type(path).__name__}")
    _root_override = None if path is None else os.fspath(path)


def get_dataset_directory(dataset_name: str, create_directory: bool = True) -> str:
    """Return the folder of one dataset under the dataset root.

    Args:
        dataset_name: The dataset's folder relative to the root, e.g. ``'pfnet/chainer/mnist'``.
        create_directory: Create the folder (and its parents) if it does not exist.

    Returns:
        ``os.path.join(get_dataset_root(), dataset_name)``.

    Example:
        >>> import os, tempfile
        >>> from kusari.datasets import get_dataset_directory, set_dataset_root
        >>> root = tempfile.mkdtemp()
        >>> set_dataset_root(root)
        >>> path = get_dataset_directory("demo/data")
        >>> path == os.path.join(root, "demo", "data"), os.path.isdir(path)
        (True, True)
        >>> set_dataset_root(None)
    """
    path = os.path.join(get_dataset_root(), dataset_name)
    if create_directory:
        os.makedirs(path, exist_ok=True)
    return path


def _create_atomically(path: str, create: Callable[[str], _T]) -> _T:
    """Run ``create`` on a temporary path next to ``path``, then move the file into place.

    The temporary file has the same base name as ``path`` (inside a fresh hidden folder), so
    writers that add an extension unless it is there, such as :func:`numpy.savez`, write
    exactly the file that is moved.
    """
    folder, name = os.path.split(os.path.abspath(path))
    workspace = tempfile.mkdtemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    try:
        temporary = os.path.join(workspace, name)
        result = create(temporary)
        if not os.path.isfile(temporary):
            raise FileNotFoundError(
                f"the creator did not write the file it was given ({temporary}); "
                f"nothing was cached at {path}"
            )
        os.replace(temporary, path)
    finally:
        shutil.rmtree(workspace, ignore_errors=True)
    return result


def _download(url: str, destination: str) -> None:
    with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT) as response:
        expected = response.headers.get("Content-Length")
        received = 0
        with open(destination, "wb") as file:
            while chunk := response.read(_CHUNK):
                file.write(chunk)
                received += len(chunk)
    if expected is not None and expected.isdigit() and received != int(expected):
        raise OSError(
            f"download of {url} stopped after {received} of {int(expected)} bytes; "
            "nothing was cached, call again to retry"
        )


def cached_download(url: str) -> str:
    """Download a file once and return the path of the cached copy.

    The cache is ``<dataset root>/_dl_cache/<md5 of url>`` (Chainer's layout).  The file is
    written to a temporary name and renamed into place when complete, so a failed or
    interrupted download leaves nothing behind and is retried by the next call.  Any URL
    that :func:`urllib.request.urlopen` opens works, ``file://`` included.

    Args:
        url: The URL of the file.

    Returns:
        The path of the downloaded file.

    Raises:
        urllib.error.URLError: If the download fails (the URL is in the message).
        OSError: If the connection closed before the announced length arrived.

    Example:
        >>> import pathlib, tempfile
        >>> from kusari.datasets import cached_download, set_dataset_root
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> source = folder / "hello.txt"
        >>> _ = source.write_text("hello")
        >>> set_dataset_root(folder / "root")
        >>> path = cached_download(source.as_uri())  # doctest: +ELLIPSIS
        Downloading from file://...
        >>> pathlib.Path(path).read_text(), cached_download(source.as_uri()) == path
        ('hello', True)
        >>> set_dataset_root(None)
    """
    cache_root = os.path.join(get_dataset_root(), "_dl_cache")
    os.makedirs(cache_root, exist_ok=True)
    key = hashlib.md5(url.encode("utf-8"), usedforsecurity=False).hexdigest()
    cache_path = os.path.join(cache_root, key)
    if os.path.isfile(cache_path):
        return cache_path
    print(f"Downloading from {url}...", file=sys.stdout, flush=True)
    try:
        _create_atomically(cache_path, lambda temporary: _download(url, temporary))
    except OSError as error:
        error.add_note(f"while downloading {url} to {cache_path}")
        raise
    return cache_path


def cache_or_load_file(
    path: str | os.PathLike[str], creator: Callable[[str], _T], loader: Callable[[str], _T]
) -> _T:
    """Load a cached file, or create it first.

    If ``path`` exists, return ``loader(path)``.  Otherwise call ``creator`` with a temporary
    path that has the same file name, in a hidden folder next to ``path``; when it returns,
    the file it wrote is renamed to ``path`` and its return value is returned (as in
    Chainer, the loader is not called then).  If ``creator`` raises, nothing is cached.
    Missing parent folders of ``path`` are created.

    Args:
        path: The cache file.
        creator: Writes the file at the path it is given and returns the loaded content.
        loader: Reads the file at the path it is given.

    Returns:
        What ``creator`` or ``loader`` returned.

    Raises:
        FileNotFoundError: If ``creator`` returned without writing its file.

    Example:
        >>> import os, tempfile
        >>> import numpy
        >>> from kusari.datasets import cache_or_load_file
        >>> path = os.path.join(tempfile.mkdtemp(), "squares.npz")
        >>> def create(p):
        ...     print("creating")
        ...     numpy.savez(p, x=numpy.arange(4) ** 2)
        ...     return numpy.load(p)["x"]
        >>> load = lambda p: numpy.load(p)["x"]
        >>> cache_or_load_file(path, create, load).tolist()
        creating
        [0, 1, 4, 9]
        >>> cache_or_load_file(path, create, load).tolist()
        [0, 1, 4, 9]
    """
    target = os.fspath(path)
    if os.path.exists(target):
        return loader(target)
    os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
    return _create_atomically(target, creator)
