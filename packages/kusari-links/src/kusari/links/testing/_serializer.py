"""``save_and_load``: round-trip an object through a serializer in a temporary folder."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from typing import Any

from kusari.serializers import load_hdf5, load_npz, save_hdf5, save_npz

__all__ = ["save_and_load", "save_and_load_hdf5", "save_and_load_npz"]


def save_and_load(
    src: Any,
    dst: Any,
    filename: str,
    saver: Callable[[str, Any], object],
    loader: Callable[[str, Any], object],
) -> None:
    """Save ``src`` with ``saver`` and load the file into ``dst`` with ``loader``.

    The file lives in a temporary folder that is removed afterwards, so this checks the
    serialization code of an object (a link, an optimizer, ...) without leaving files.

    Args:
        src: The object to save.
        dst: The object to load into.
        filename: The file name inside the temporary folder.
        saver: Called as ``saver(path, src)``, such as :func:`kusari.serializers.save_npz`.
        loader: Called as ``loader(path, dst)``, such as :func:`kusari.serializers.load_npz`.

    Raises:
        ValueError: If ``filename`` is not a bare file name.

    Example:
        >>> import numpy
        >>> import kusari.links as L
        >>> from kusari import serializers
        >>> from kusari.links.testing import save_and_load
        >>> src, dst = L.Linear(2, 3), L.Linear(2, 3)
        >>> save_and_load(src, dst, "linear.npz", serializers.save_npz, serializers.load_npz)
        >>> bool(numpy.array_equal(src.W.array, dst.W.array))
        True
    """
    if not filename or os.path.basename(filename) != filename or filename in (".", ".."):
        raise ValueError(f"save_and_load: filename must be a bare file name, got {filename!r}")
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, filename)
        saver(path, src)
        loader(path, dst)


def save_and_load_npz(src: Any, dst: Any) -> None:
    """Save ``src`` to an NPZ file and load it into ``dst`` (see :func:`save_and_load`).

    Args:
        src: The object to save.
        dst: The object to load into.

    Example:
        >>> import kusari.links as L
        >>> from kusari.links.testing import save_and_load_npz
        >>> src, dst = L.Linear(2, 3), L.Linear(2, 3)
        >>> save_and_load_npz(src, dst)
        >>> bool((src.W.array == dst.W.array).all())
        True
    """
    save_and_load(src, dst, "tmp.npz", save_npz, load_npz)


def save_and_load_hdf5(src: Any, dst: Any) -> None:
    """Save ``src`` to an HDF5 file and load it into ``dst`` (needs the ``hdf5`` extra).

    Args:
        src: The object to save.
        dst: The object to load into.

    Raises:
        ModuleNotFoundError: If h5py is not installed.

    Example:
        >>> import kusari.links as L
        >>> from kusari.links.testing import save_and_load_hdf5
        >>> src, dst = L.Linear(2, 3), L.Linear(2, 3)
        >>> save_and_load_hdf5(src, dst)
        >>> bool((src.W.array == dst.W.array).all())
        True
    """
    save_and_load(src, dst, "tmp.h5", save_hdf5, load_hdf5)
