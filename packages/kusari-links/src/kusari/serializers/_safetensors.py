"""safetensors files: :func:`save_safetensors` and :func:`load_safetensors`.

The optional dependency is imported on first use (``pip install kusari-links[safetensors]``).
"""

from __future__ import annotations

import json
import os
import struct
from typing import IO, Any

import numpy.typing as npt

from ._base import Serializable
from ._dictionary import DictionarySerializer, is_none_marker, none_marker
from ._files import FileLike, PathLike, atomic_write, describe
from ._npz import IgnoreNames, NpzDeserializer

__all__ = ["NONE_KEYS_METADATA", "load_safetensors", "save_safetensors"]

NONE_KEYS_METADATA = "kusari.none_keys"
"""The metadata entry listing (as a JSON array) the keys whose saved value is ``None``."""


def _safetensors_numpy() -> Any:
    try:
        import safetensors.numpy
    except ImportError:
        raise ImportError(
            "save_safetensors/load_safetensors need the safetensors package; install it "
            "with `pip install kusari-links[safetensors]`"
        ) from None
    return safetensors.numpy


def save_safetensors(
    file: PathLike | FileLike,
    obj: Serializable,
    metadata: dict[str, str] | None = None,
) -> None:
    """Save ``obj`` to a safetensors file.

    The keys are the same paths as :func:`save_npz` writes.  safetensors stores numeric
    tensors only: scalars become 0-dimensional tensors, ``None`` values are listed in the
    metadata entry :data:`NONE_KEYS_METADATA`, and strings are refused.  A path is written
    atomically (temporary file, then :func:`os.replace`).

    Args:
        file: A path, or a binary file object opened for writing.
        obj: The object to save.
        metadata: Extra string metadata stored in the file header.

    Raises:
        ImportError: If safetensors is not installed.
        TypeError: If a value is not numeric, or ``metadata`` uses the reserved key.

    Example:
        >>> import io, numpy
        >>> from kusari.serializers import load_safetensors, save_safetensors
        >>> class Box:
        ...     def __init__(self, value):
        ...         self.value = value
        ...     def serialize(self, serializer):
        ...         self.value = serializer("value", self.value)
        >>> buffer = io.BytesIO()
        >>> save_safetensors(buffer, Box(numpy.arange(3.0)))  # doctest: +SKIP
        >>> restored = Box(numpy.zeros(3))
        >>> load_safetensors(io.BytesIO(buffer.getvalue()), restored)  # doctest: +SKIP
        >>> restored.value  # doctest: +SKIP
        array([0., 1., 2.])
    """
    backend = _safetensors_numpy()
    serializer = DictionarySerializer()
    serializer.save(obj)
    tensors: dict[str, npt.NDArray[Any]] = {}
    none_keys: list[str] = []
    for key, array in serializer.target.items():
        if is_none_marker(array):
            none_keys.append(key)
        elif array.dtype.kind in "biuf":
            tensors[key] = array if array.flags.c_contiguous else array.copy(order="C")
        else:
            raise TypeError(
                f"cannot save {key!r} to safetensors: it holds dtype {array.dtype}, and "
                "safetensors stores numeric tensors only (use save_npz for strings)"
            )
    header = dict(metadata or {})
    if NONE_KEYS_METADATA in header:
        raise TypeError(f"the metadata key {NONE_KEYS_METADATA!r} is reserved by kusari")
    if none_keys:
        header[NONE_KEYS_METADATA] = json.dumps(none_keys)
    payload: bytes = backend.save(tensors, metadata=header or None)

    def write(stream: IO[bytes]) -> None:
        stream.write(payload)

    if isinstance(file, (str, os.PathLike)):
        atomic_write(file, write)
    else:
        write(file)


def load_safetensors(
    file: PathLike | FileLike,
    obj: Serializable,
    path: str = "",
    strict: bool = True,
    ignore_names: IgnoreNames = None,
) -> None:
    """Load ``obj`` from a safetensors file, all or nothing.

    Behaves like :func:`load_npz` (in-place copies, lazy initialization, ``path``,
    ``strict``, ``ignore_names``, and an unchanged ``obj`` on any error).

    Args:
        file: A path, or a binary file object opened for reading.
        obj: The object to load into.
        path: The key prefix to load from.
        strict: If ``False``, keys missing from the file are skipped.
        ignore_names: Keys not to load (see :class:`NpzDeserializer`).

    Raises:
        ImportError: If safetensors is not installed.
        KeyError: A missing key with ``strict=True``.
        ValueError: A shape mismatch, or a file that is not valid safetensors data.
        TypeError: A value that cannot be cast safely to its target.
    """
    backend = _safetensors_numpy()
    source = describe(file)
    if isinstance(file, (str, os.PathLike)):
        with open(file, "rb") as stream:
            payload = stream.read()
    else:
        payload = file.read()
    try:
        tensors: dict[str, npt.NDArray[Any]] = dict(backend.load(payload))
        none_keys = _none_keys(payload)
    except Exception as error:
        raise ValueError(
            f"{source} is not a readable safetensors file; it may be corrupted or "
            f"truncated ({type(error).__name__}: {error})"
        ) from error
    for key in none_keys:
        tensors[key] = none_marker()
    deserializer = NpzDeserializer(
        tensors, path=path, strict=strict, ignore_names=ignore_names, source=source
    )
    deserializer.load(obj)


def _none_keys(payload: bytes) -> list[str]:
    # The header is an 8-byte little-endian length, then that many bytes of JSON.
    (length,) = struct.unpack("<Q", payload[:8])
    header = json.loads(payload[8 : 8 + length])
    metadata = header.get("__metadata__") or {}
    listed = metadata.get(NONE_KEYS_METADATA)
    if listed is None:
        return []
    keys = json.loads(listed)
    if not isinstance(keys, list) or not all(isinstance(key, str) for key in keys):
        raise ValueError(f"the metadata entry {NONE_KEYS_METADATA!r} is not a list of keys")
    return keys
