"""A minimal reader of Caffe's ``.caffemodel`` files: the parameter blobs of every layer.

A ``.caffemodel`` is a ``NetParameter`` protocol buffer.  Only what the pretrained models
need is decoded, straight from the wire format (no protobuf dependency): the layers (both
``layer``, field 100, and the older ``layers``, field 2, which VGG's files use), their names
and their ``blobs`` (``BlobProto``: ``data`` or ``double_data`` and the shape, ``BlobShape``
or the legacy ``num``/``channels``/``height``/``width``).  Everything else is skipped.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import Any

import numpy
import numpy.typing as npt

from ..._link import Link

__all__ = ["BatchNormSource", "CaffeFormatError", "copy_blobs", "read_caffemodel"]

Blob = npt.NDArray[numpy.float32]

_VARINT, _FIXED64, _BYTES, _FIXED32 = 0, 1, 2, 5

# NetParameter: layer (current format), layers (V1).  Layer: name, blobs.
_NET_LAYER, _NET_LAYERS_V1 = 100, 2
_LAYER_FIELDS = {_NET_LAYER: (1, 7), _NET_LAYERS_V1: (4, 6)}
# BlobProto.
_BLOB_LEGACY_DIMS = (1, 2, 3, 4)
_BLOB_DATA, _BLOB_SHAPE, _BLOB_DOUBLE_DATA = 5, 7, 8


class CaffeFormatError(ValueError):
    """The file is not a ``.caffemodel`` this reader understands, or lacks a needed layer.

    A :class:`ValueError`, so code catching Chainer's conversion errors still catches it.

    Example:
        >>> import os, tempfile
        >>> from kusari.links.model.vision import CaffeFormatError, read_caffemodel
        >>> path = os.path.join(tempfile.mkdtemp(), "cut.caffemodel")
        >>> with open(path, "wb") as f:
        ...     _ = f.write(bytes([0xA2, 0x06, 0x10]))  # a layer of 16 bytes, 0 present
        >>> try:
        ...     read_caffemodel(path)
        ... except CaffeFormatError as error:
        ...     print(str(error).split(": ", 1)[1])
        field 100 runs past the end of its message
    """


def _varint(buffer: bytes, position: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if position >= len(buffer):
            raise CaffeFormatError("truncated varint")
        byte = buffer[position]
        position += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, position
        shift += 7
        if shift > 63:
            raise CaffeFormatError("varint longer than 10 bytes")


def _fields(
    buffer: bytes, start: int = 0, end: int | None = None
) -> Iterator[tuple[int, int, int | tuple[int, int]]]:
    """``(field, wire type, value)``: an int, or ``(start, end)`` of a length-delimited value."""
    position, stop = start, len(buffer) if end is None else end
    while position < stop:
        key, position = _varint(buffer, position)
        field, wire = key >> 3, key & 7
        if wire == _VARINT:
            value, position = _varint(buffer, position)
            yield field, wire, value
        elif wire == _BYTES:
            length, position = _varint(buffer, position)
            if position + length > stop:
                raise CaffeFormatError(f"field {field} runs past the end of its message")
            yield field, wire, (position, position + length)
            position += length
        elif wire == _FIXED32:
            yield field, wire, (position, position + 4)
            position += 4
        elif wire == _FIXED64:
            yield field, wire, (position, position + 8)
            position += 8
        else:
            raise CaffeFormatError(f"unsupported wire type {wire} (field {field})")
    if position != stop:
        raise CaffeFormatError("a field runs past the end of its message")


def _span(value: int | tuple[int, int]) -> tuple[int, int]:
    if isinstance(value, int):
        raise CaffeFormatError("expected a length-delimited field, got a varint")
    return value


def _blob(buffer: bytes, start: int, end: int) -> Blob:
    floats: list[npt.NDArray[numpy.float64] | npt.NDArray[numpy.float32]] = []
    legacy = dict.fromkeys(_BLOB_LEGACY_DIMS, 0)
    shape: list[int] | None = None
    for field, wire, value in _fields(buffer, start, end):
        if field in (_BLOB_DATA, _BLOB_DOUBLE_DATA):
            # Packed (one span) or not (one fixed32/fixed64 value per field).
            itemsize = 4 if field == _BLOB_DATA else 8
            begin, finish = _span(value)
            floats.append(
                numpy.frombuffer(
                    buffer, dtype=f"<f{itemsize}", count=(finish - begin) // itemsize, offset=begin
                )
            )
        elif field == _BLOB_SHAPE:
            shape = []
            shape_start, shape_end = _span(value)
            for dim_field, dim_wire, dim in _fields(buffer, shape_start, shape_end):
                if dim_field != 1:
                    continue
                if dim_wire == _VARINT:
                    assert isinstance(dim, int)
                    shape.append(dim)
                else:  # packed
                    packed_start, packed_end = _span(dim)
                    position = packed_start
                    while position < packed_end:
                        size, position = _varint(buffer, position)
                        shape.append(size)
        elif field in legacy and wire == _VARINT:
            assert isinstance(value, int)
            legacy[field] = value
    data = (
        numpy.concatenate(floats).astype(numpy.float32)
        if floats
        else numpy.zeros(0, numpy.float32)
    )
    if shape is None:
        shape = [legacy[field] for field in _BLOB_LEGACY_DIMS]
    if int(numpy.prod(shape)) != data.size:
        raise CaffeFormatError(f"a blob of shape {tuple(shape)} holds {data.size} values")
    return data.reshape(shape)


def read_caffemodel(path: str | os.PathLike[str]) -> dict[str, list[Blob]]:
    """Read the parameter blobs of every layer of a ``.caffemodel`` file.

    Args:
        path: The file.

    Returns:
        The blobs (``float32`` arrays in Caffe's shapes) by layer name, in the file's order;
        layers without parameters are left out.

    Raises:
        CaffeFormatError: If the file is not a valid ``NetParameter`` message.
        OSError: If the file cannot be read.

    Example:
        >>> import os, tempfile
        >>> from kusari.links.model.vision import read_caffemodel
        >>> # A NetParameter holding one layer "fc" with one blob of shape (1,): 2.0.
        >>> blob = bytes([0x3A, 0x02, 0x08, 0x01, 0x2A, 0x04]) + bytes([0, 0, 0, 0x40])
        >>> layer = bytes([0x0A, 0x02]) + b"fc" + bytes([0x3A, len(blob)]) + blob
        >>> net = bytes([0xA2, 0x06, len(layer)]) + layer
        >>> path = os.path.join(tempfile.mkdtemp(), "tiny.caffemodel")
        >>> with open(path, "wb") as f:
        ...     _ = f.write(net)
        >>> {name: [b.tolist() for b in blobs] for name, blobs in read_caffemodel(path).items()}
        {'fc': [[2.0]]}
    """
    with open(path, "rb") as f:
        buffer = f.read()
    layers: dict[str, list[Blob]] = {}
    try:
        for field, wire, value in _fields(buffer):
            if field not in _LAYER_FIELDS or wire != _BYTES:
                continue
            name_field, blobs_field = _LAYER_FIELDS[field]
            start, end = _span(value)
            name = ""
            blobs = []
            for inner, inner_wire, inner_value in _fields(buffer, start, end):
                if inner == name_field and inner_wire == _BYTES:
                    begin, finish = _span(inner_value)
                    name = buffer[begin:finish].decode("utf-8")
                elif inner == blobs_field and inner_wire == _BYTES:
                    blobs.append(_blob(buffer, *_span(inner_value)))
            if blobs:
                layers[name] = blobs
    except CaffeFormatError as error:
        raise CaffeFormatError(
            f"{os.fspath(path)} is not a readable .caffemodel: {error}"
        ) from None
    return layers


BatchNormSource = tuple[str, str, str]
"""``(batch normalization link path, Caffe BatchNorm layer, Caffe Scale layer)``."""


def copy_blobs(
    model: Link,
    layers: dict[str, list[Blob]],
    blobs: Iterable[tuple[str, str, int]],
    batch_norms: Iterable[BatchNormSource] = (),
) -> None:
    """Copy Caffe blobs into ``model``'s parameters (and batch normalization statistics).

    Args:
        model: The model, with every parameter initialized.
        layers: :func:`read_caffemodel`'s result.
        blobs: ``(parameter path, layer name, blob index)``: the blob goes to the parameter
            (reshaped: Caffe stores the weights of fully connected layers as 2-D or 4-D).
        batch_norms: For each, Caffe's BatchNorm layer holds the running mean and variance
            times a factor (its third blob), and its Scale layer holds gamma and beta.

    Raises:
        CaffeFormatError: If a layer or blob is missing or has another number of values.
    """
    params = dict(model.namedparams())
    links = dict(model.namedlinks())

    def blob(layer: str, index: int, target: str) -> Blob:
        found = layers.get(layer)
        if found is None:
            raise CaffeFormatError(f"the caffemodel has no layer {layer!r} (for {target})")
        if index >= len(found):
            raise CaffeFormatError(
                f"the caffemodel's layer {layer!r} has {len(found)} blobs; {target} needs "
                f"blob {index}"
            )
        return found[index]

    def store(array: object, value: Blob, layer: str, target: str) -> None:
        assert isinstance(array, numpy.ndarray)
        if value.size != array.size:
            raise CaffeFormatError(
                f"the caffemodel's layer {layer!r} has a blob of shape {value.shape}; {target} "
                f"has the shape {array.shape}"
            )
        array[...] = value.reshape(array.shape)

    for path, layer, index in blobs:
        store(params["/" + path].array, blob(layer, index, path), layer, path)
    for path, norm_layer, scale_layer in batch_norms:
        norm: Any = links["/" + path]
        factor = float(blob(norm_layer, 2, path).reshape(-1)[0])
        scale = 0.0 if factor == 0 else 1.0 / factor
        store(norm.avg_mean, blob(norm_layer, 0, path) * scale, norm_layer, path + "/avg_mean")
        store(norm.avg_var, blob(norm_layer, 1, path) * scale, norm_layer, path + "/avg_var")
        store(params[f"/{path}/gamma"].array, blob(scale_layer, 0, path), scale_layer, path)
        store(params[f"/{path}/beta"].array, blob(scale_layer, 1, path), scale_layer, path)
