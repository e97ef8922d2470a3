"""MNIST and the datasets in its format (28x28 gray images, 10 classes, 60000 + 10000).

:func:`get_mnist`, :func:`get_fashion_mnist` and :func:`get_kuzushiji_mnist` share one
reader.  The official files are gzipped IDX files; the parsed arrays are cached as
``<root>/pfnet/chainer/<name>/{train,test}.npz`` with Chainer's keys (``x``: uint8 images
flattened to 784 values, ``y``: uint8 labels), so either library reuses the other's cache.
"""

from __future__ import annotations

import gzip
from typing import Any, Literal, overload

import numpy
import numpy.typing as npt

from . import _scaling
from ._tuple_dataset import TupleDataset

__all__ = [
    "get_fashion_mnist",
    "get_fashion_mnist_labels",
    "get_kuzushiji_mnist",
    "get_kuzushiji_mnist_labels",
    "get_mnist",
    "read_idx",
]

_IDX_TYPES = {0x08: numpy.uint8}

_FASHION_LABELS = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
_KUZUSHIJI_LABELS = (
    ("o", "お"),
    ("ki", "き"),
    ("su", "す"),
    ("tsu", "つ"),
    ("na", "な"),
    ("ha", "は"),
    ("ma", "ま"),
    ("ya", "や"),
    ("re", "れ"),
    ("wo", "を"),
)

Split = tuple[Any, Any]


def read_idx(path: str, ndim: int) -> npt.NDArray[numpy.uint8]:
    """Parse a gzipped IDX file of unsigned bytes with ``ndim`` dimensions.

    The format: two zero bytes, the element type (``0x08`` for unsigned bytes), the number
    of dimensions, one big-endian int32 per dimension, then the elements in C order.

    Raises:
        ValueError: If the file is not such an IDX file or its length does not match.
    """
    try:
        with gzip.open(path, "rb") as file:
            data = file.read()
    except (OSError, EOFError) as error:
        raise ValueError(f"{path} is not a readable gzip file: {error}") from error
    header_size = 4 + 4 * ndim
    if len(data) < header_size or data[:2] != b"\0\0" or data[3] != ndim:
        raise ValueError(f"{path} is not an IDX file of {ndim} dimension(s): header {data[:4]!r}")
    if data[2] not in _IDX_TYPES:
        raise ValueError(f"{path} holds IDX element type {data[2]:#04x}; expected 0x08 (ubyte)")
    shape = tuple(int(n) for n in numpy.frombuffer(data, ">i4", ndim, 4))
    count = int(numpy.prod(shape))
    if len(data) - header_size != count:
        raise ValueError(
            f"{path} is truncated or corrupt: the header announces shape {shape} "
            f"({count} bytes) but {len(data) - header_size} bytes follow"
        )
    return numpy.frombuffer(data, numpy.uint8, count, header_size).reshape(shape)


def _load(name: str, directory: str, part: str) -> _scaling.RawArrays:
    def create() -> _scaling.RawArrays:
        images = read_idx(_scaling.download(f"{name}/{part}-images"), 3)
        labels = read_idx(_scaling.download(f"{name}/{part}-labels"), 1)
        if len(images) != len(labels):
            raise ValueError(
                f"the {name} {part} files disagree: {len(images)} images, {len(labels)} labels"
            )
        return {"x": images.reshape(len(images), -1), "y": labels}

    return _scaling.load_raw(directory, f"{part}.npz", create)


def _get(
    name: str,
    directory: str,
    caller: str,
    withlabel: bool,
    ndim: int,
    scale: float,
    dtype: npt.DTypeLike | None,
    label_dtype: npt.DTypeLike,
    rgb_format: bool,
) -> Split:
    if ndim not in (1, 2, 3) or isinstance(ndim, bool):
        raise ValueError(f"{caller}: ndim must be 1, 2 or 3, got {ndim!r}")
    splits = []
    for part in ("train", "test"):
        raw = _load(name, directory, part)
        images = raw["x"]
        if ndim == 2:
            images = images.reshape(-1, 28, 28)
        elif ndim == 3:
            images = images.reshape(-1, 1, 28, 28)
            if rgb_format:
                images = numpy.broadcast_to(images, (len(images), 3, 28, 28))
        images = _scaling.pixels(images, dtype, scale, caller)
        splits.append(_scaling.result(images, raw["y"], label_dtype, withlabel))
    return splits[0], splits[1]


@overload
def get_mnist(
    withlabel: Literal[True] = True,
    ndim: int = 1,
    scale: float = 1.0,
    dtype: npt.DTypeLike | None = None,
    label_dtype: npt.DTypeLike = numpy.int32,
    rgb_format: bool = False,
) -> tuple[TupleDataset, TupleDataset]: ...
@overload
def get_mnist(
    withlabel: Literal[False],
    ndim: int = 1,
    scale: float = 1.0,
    dtype: npt.DTypeLike | None = None,
    label_dtype: npt.DTypeLike = numpy.int32,
    rgb_format: bool = False,
) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]: ...
def get_mnist(
    withlabel: bool = True,
    ndim: int = 1,
    scale: float = 1.0,
    dtype: npt.DTypeLike | None = None,
    label_dtype: npt.DTypeLike = numpy.int32,
    rgb_format: bool = False,
) -> Split:
    """Load the MNIST handwritten digits, downloading them on the first call.

    The files come from ``DATASET_URLS['mnist/...']``; the parsed arrays are cached under
    ``get_dataset_directory('pfnet/chainer/mnist')``.

    Args:
        withlabel: Return ``(image, label)`` :class:`TupleDataset` s; ``False`` returns the
            image arrays alone.
        ndim: The shape of each image: 1 gives ``(784,)``, 2 gives ``(28, 28)`` and 3 gives
            ``(1, 28, 28)`` (channels first), or ``(3, 28, 28)`` with ``rgb_format``.
        scale: The pixel value of full ink (the images are scaled to ``[0, scale]``).
        dtype: The floating-point image dtype; ``None`` means ``config.dtype``.
        label_dtype: The label dtype.
        rgb_format: With ``ndim=3``, repeat the gray channel three times.

    Returns:
        ``(train, test)``: 60000 and 10000 examples.

    Raises:
        ValueError: If ``ndim`` is not 1, 2 or 3, or a downloaded file is corrupt.
        TypeError: If ``dtype`` is not a floating-point type.
        urllib.error.URLError: If a download fails.

    Example:
        >>> from kusari.datasets import get_mnist
        >>> train, test = get_mnist(ndim=3)  # doctest: +SKIP
        >>> len(train), len(test), train[0][0].shape  # doctest: +SKIP
        (60000, 10000, (1, 28, 28))
    """
    return _get(
        "mnist",
        "pfnet/chainer/mnist",
        "get_mnist",
        withlabel,
        ndim,
        scale,
        dtype,
        label_dtype,
        rgb_format,
    )


@overload
def get_fashion_mnist(
    withlabel: Literal[True] = True,
    ndim: int = 1,
    scale: float = 1.0,
    dtype: npt.DTypeLike | None = None,
    label_dtype: npt.DTypeLike = numpy.int32,
    rgb_format: bool = False,
) -> tuple[TupleDataset, TupleDataset]: ...
@overload
def get_fashion_mnist(
    withlabel: Literal[False],
    ndim: int = 1,
    scale: float = 1.0,
    dtype: npt.DTypeLike | None = None,
    label_dtype: npt.DTypeLike = numpy.int32,
    rgb_format: bool = False,
) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]: ...
def get_fashion_mnist(
    withlabel: bool = True,
    ndim: int = 1,
    scale: float = 1.0,
    dtype: npt.DTypeLike | None = None,
    label_dtype: npt.DTypeLike = numpy.int32,
    rgb_format: bool = False,
) -> Split:
    """Load Fashion-MNIST (Zalando's clothing images), downloading it on the first call.

    The class names are :func:`get_fashion_mnist_labels`.  The files come from
    ``DATASET_URLS['fashion-mnist/...']``; the parsed arrays are cached under
    ``get_dataset_directory('pfnet/chainer/fashion-mnist')``.

    Args:
        withlabel: Return ``(image, label)`` :class:`TupleDataset` s; ``False`` returns the
            image arrays alone.
        ndim: The shape of each image: 1 gives ``(784,)``, 2 gives ``(28, 28)`` and 3 gives
            ``(1, 28, 28)`` (channels first), or ``(3, 28, 28)`` with ``rgb_format``.
        scale: The pixel value of full ink (the images are scaled to ``[0, scale]``).
        dtype: The floating-point image dtype; ``None`` means ``config.dtype``.
        label_dtype: The label dtype.
        rgb_format: With ``ndim=3``, repeat the gray channel three times.

    Returns:
        ``(train, test)``: 60000 and 10000 examples.

    Raises:
        ValueError: If ``ndim`` is not 1, 2 or 3, or a downloaded file is corrupt.
        TypeError: If ``dtype`` is not a floating-point type.
        urllib.error.URLError: If a download fails.

    Example:
        >>> from kusari.datasets import get_fashion_mnist
        >>> train, test = get_fashion_mnist()  # doctest: +SKIP
        >>> train[0][0].shape  # doctest: +SKIP
        (784,)
    """
    return _get(
        "fashion-mnist",
        "pfnet/chainer/fashion-mnist",
        "get_fashion_mnist",
        withlabel,
        ndim,
        scale,
        dtype,
        label_dtype,
        rgb_format,
    )


@overload
def get_kuzushiji_mnist(
    withlabel: Literal[True] = True,
    ndim: int = 1,
    scale: float = 1.0,
    dtype: npt.DTypeLike | None = None,
    label_dtype: npt.DTypeLike = numpy.int32,
    rgb_format: bool = False,
) -> tuple[TupleDataset, TupleDataset]: ...
@overload
def get_kuzushiji_mnist(
    withlabel: Literal[False],
    ndim: int = 1,
    scale: float = 1.0,
    dtype: npt.DTypeLike | None = None,
    label_dtype: npt.DTypeLike = numpy.int32,
    rgb_format: bool = False,
) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]: ...
def get_kuzushiji_mnist(
    withlabel: bool = True,
    ndim: int = 1,
    scale: float = 1.0,
    dtype: npt.DTypeLike | None = None,
    label_dtype: npt.DTypeLike = numpy.int32,
    rgb_format: bool = False,
) -> Split:
    """Load Kuzushiji-MNIST (cursive hiragana), downloading it on the first call.

    The class names are :func:`get_kuzushiji_mnist_labels`.  The files come from
    ``DATASET_URLS['kuzushiji-mnist/...']``; the parsed arrays are cached under
    ``get_dataset_directory('pfnet/chainer/kuzushiji_mnist')``.

    Args:
        withlabel: Return ``(image, label)`` :class:`TupleDataset` s; ``False`` returns the
            image arrays alone.
        ndim: The shape of each image: 1 gives ``(784,)``, 2 gives ``(28, 28)`` and 3 gives
            ``(1, 28, 28)`` (channels first), or ``(3, 28, 28)`` with ``rgb_format``.
        scale: The pixel value of full ink (the images are scaled to ``[0, scale]``).
        dtype: The floating-point image dtype; ``None`` means ``config.dtype``.
        label_dtype: The label dtype.
        rgb_format: With ``ndim=3``, repeat the gray channel three times.

    Returns:
        ``(train, test)``: 60000 and 10000 examples.

    Raises:
        ValueError: If ``ndim`` is not 1, 2 or 3, or a downloaded file is corrupt.
        TypeError: If ``dtype`` is not a floating-point type.
        urllib.error.URLError: If a download fails.

    Example:
        >>> from kusari.datasets import get_kuzushiji_mnist
        >>> train, test = get_kuzushiji_mnist(ndim=2)  # doctest: +SKIP
        >>> train[0][0].shape  # doctest: +SKIP
        (28, 28)
    """
    return _get(
        "kuzushiji-mnist",
        "pfnet/chainer/kuzushiji_mnist",
        "get_kuzushiji_mnist",
        withlabel,
        ndim,
        scale,
        dtype,
        label_dtype,
        rgb_format,
    )


def get_fashion_mnist_labels() -> list[str]:
    """Return the names of the ten Fashion-MNIST classes, by label (a new list).

    Example:
        >>> from kusari.datasets import get_fashion_mnist_labels
        >>> get_fashion_mnist_labels()[:3]
        ['T-shirt/top', 'Trouser', 'Pullover']
    """
    return list(_FASHION_LABELS)


def get_kuzushiji_mnist_labels() -> list[tuple[str, str]]:
    """Return the ten Kuzushiji-MNIST classes, by label: (romanization, hiragana) pairs.

    Example:
        >>> from kusari.datasets import get_kuzushiji_mnist_labels
        >>> get_kuzushiji_mnist_labels()[1]
        ('ki', 'き')
    """
    return list(_KUZUSHIJI_LABELS)
