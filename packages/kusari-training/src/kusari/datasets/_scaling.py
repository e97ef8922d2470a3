"""What the image loaders share: pixel scaling, label casting and the npz cache of raw arrays."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import numpy
import numpy.typing as npt

from kusari.graph import get_dtype

from ._download import cache_or_load_file, cached_download, get_dataset_directory
from ._tuple_dataset import TupleDataset
from ._urls import DATASET_URLS

__all__ = ["download", "load_raw", "pixels", "result"]

RawArrays = dict[str, npt.NDArray[Any]]


def download(key: str) -> str:
    """Download (once) the file of ``DATASET_URLS[key]`` and return its local path."""
    return cached_download(DATASET_URLS[key])


def load_raw(directory: str, name: str, create: Callable[[], RawArrays]) -> RawArrays:
    """The arrays cached in ``<root>/<directory>/<name>``, made by ``create`` the first time."""

    def creator(path: str) -> RawArrays:
        arrays = create()
        numpy.savez_compressed(path, **arrays)  # type: ignore[arg-type]
        return arrays

    def loader(path: str) -> RawArrays:
        with numpy.load(path, allow_pickle=False) as archive:
            return {key: archive[key] for key in archive.files}

    return cache_or_load_file(
        os.path.join(get_dataset_directory(directory), name), creator, loader
    )


def pixels(
    images: npt.NDArray[Any], dtype: npt.DTypeLike | None, scale: float, caller: str
) -> npt.NDArray[Any]:
    """8-bit pixels as ``dtype`` (``config.dtype`` when ``None``) in ``[0, scale]``.

    The cast comes first and the product is taken in ``dtype``, as Chainer does, so the
    values match Chainer's to the last bit.
    """
    resolved = get_dtype(dtype)
    if resolved.kind != "f":
        raise TypeError(
            f"{caller}: dtype must be a floating-point type (pixels are scaled by "
            f"scale / 255), got {resolved}"
        )
    result = images.astype(resolved, order="C")
    result *= scale / 255.0
    return result


def result(
    images: npt.NDArray[Any],
    labels: npt.NDArray[Any],
    label_dtype: npt.DTypeLike,
    withlabel: bool,
) -> TupleDataset | npt.NDArray[Any]:
    """``TupleDataset(images, labels)`` or the images alone."""
    if withlabel:
        return TupleDataset(images, labels.astype(label_dtype))
    return images
