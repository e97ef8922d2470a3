"""CIFAR-10 and CIFAR-100: :func:`get_cifar10`, :func:`get_cifar100` (32x32 colour images).

The official archives hold Python pickles of dicts (``b'data'``: uint8 array of shape
``(n, 3072)``, ``b'labels'`` or ``b'fine_labels'``: list of ints).  They are read with an
unpickler that only rebuilds NumPy arrays, so an archive from elsewhere cannot run code.
The parsed arrays are cached as ``<root>/pfnet/chainer/cifar/cifar-10.npz`` (and
``cifar-100.npz``) with Chainer's keys ``train_x``, ``train_y``, ``test_x``, ``test_y``.
"""

from __future__ import annotations

import codecs
import io
import pickle
import tarfile
from typing import Any, Literal, overload

import numpy
import numpy.typing as npt

from . import _scaling
from ._tuple_dataset import TupleDataset

__all__ = ["get_cifar10", "get_cifar100", "unpickle_arrays"]

_RECONSTRUCT = numpy.ndarray((0,)).__reduce__()[0]
_ALLOWED_GLOBALS: dict[tuple[str, str], object] = {
    ("numpy.core.multiarray", "_reconstruct"): _RECONSTRUCT,
    ("numpy._core.multiarray", "_reconstruct"): _RECONSTRUCT,
    ("numpy", "ndarray"): numpy.ndarray,
    ("numpy", "dtype"): numpy.dtype,
    # Python 3 writes bytes in protocol 2 as _codecs.encode(str, 'latin1').
    ("_codecs", "encode"): codecs.encode,
}


class _ArrayUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str, /) -> Any:
        try:
            return _ALLOWED_GLOBALS[module, name]
        except KeyError:
            raise pickle.UnpicklingError(
                f"refusing to load {module}.{name}: only NumPy arrays, lists and dicts are "
                "expected in a dataset pickle"
            ) from None


def unpickle_arrays(data: bytes, what: str) -> dict[bytes, Any]:
    """Unpickle a dict of arrays and lists written by Python 2 (``encoding='bytes'``).

    Raises:
        ValueError: If ``data`` is not such a pickle (``what`` names it in the message).
    """
    try:
        loaded = _ArrayUnpickler(io.BytesIO(data), encoding="bytes").load()
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError) as error:
        raise ValueError(f"{what} is not a readable CIFAR batch: {error}") from error
    if not isinstance(loaded, dict):
        raise ValueError(f"{what} holds a {type(loaded).__name__}, expected a dict")
    return loaded


def _read_batches(
    path: str, members: list[str], label_key: bytes
) -> tuple[npt.NDArray[numpy.uint8], npt.NDArray[numpy.uint8]]:
    images, labels = [], []
    try:
        with tarfile.open(path, "r:gz") as archive:
            for member in members:
                try:
                    file = archive.extractfile(member)
                except KeyError:
                    raise ValueError(f"{path} has no member {member!r}") from None
                if file is None:
                    raise ValueError(f"{path}: {member!r} is not a regular file")
                batch = unpickle_arrays(file.read(), f"{member!r} in {path}")
                x = numpy.asarray(batch.get(b"data"))
                t = numpy.asarray(batch.get(label_key))
                if x.dtype != numpy.uint8 or x.ndim != 2 or x.shape[1] != 3072:
                    raise ValueError(
                        f"{member!r} in {path}: b'data' must be uint8 of shape (n, 3072), "
                        f"got {x.dtype} {x.shape}"
                    )
                if t.shape != (len(x),) or t.dtype.kind not in "iu":
                    raise ValueError(
                        f"{member!r} in {path}: {label_key!r} must hold {len(x)} integer "
                        f"labels, got {t.dtype} {t.shape}"
                    )
                images.append(x)
                labels.append(t.astype(numpy.uint8))
    except (tarfile.TarError, EOFError, OSError) as error:
        raise ValueError(f"{path} is not a readable .tar.gz archive: {error}") from error
    return numpy.concatenate(images), numpy.concatenate(labels)


def _get(
    key: str,
    members: tuple[list[str], list[str]],
    label_key: bytes,
    caller: str,
    withlabel: bool,
    ndim: int,
    scale: float,
    dtype: npt.DTypeLike | None,
) -> tuple[Any, Any]:
    if ndim not in (1, 3) or isinstance(ndim, bool):
        raise ValueError(f"{caller}: ndim must be 1 or 3, got {ndim!r}")

    def create() -> _scaling.RawArrays:
        path = _scaling.download(key)
        train_x, train_y = _read_batches(path, members[0], label_key)
        test_x, test_y = _read_batches(path, members[1], label_key)
        return {"train_x": train_x, "train_y": train_y, "test_x": test_x, "test_y": test_y}

    name = "cifar-10.npz" if key == "cifar10" else "cifar-100.npz"
    raw = _scaling.load_raw("pfnet/chainer/cifar", name, create)
    splits = []
    for part in ("train", "test"):
        images = raw[f"{part}_x"].reshape((-1, 3072) if ndim == 1 else (-1, 3, 32, 32))
        images = _scaling.pixels(images, dtype, scale, caller)
        splits.append(_scaling.result(images, raw[f"{part}_y"], numpy.int32, withlabel))
    return splits[0], splits[1]


@overload
def get_cifar10(
    withlabel: Literal[True] = True,
    ndim: int = 3,
    scale: float = 1.0,
    dtype: npt.DTypeLike | None = None,
) -> tuple[TupleDataset, TupleDataset]: ...
@overload
def get_cifar10(
    withlabel: Literal[False],
    ndim: int = 3,
    scale: float = 1.0,
    dtype: npt.DTypeLike | None = None,
) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]: ...
def get_cifar10(
    withlabel: bool = True, ndim: int = 3, scale: float = 1.0, dtype: npt.DTypeLike | None = None
) -> tuple[Any, Any]:
    """Load CIFAR-10 (10 classes, 50000 + 10000 images), downloading it on the first call.

    The archive comes from ``DATASET_URLS['cifar10']``; the parsed arrays are cached under
    ``get_dataset_directory('pfnet/chainer/cifar')``.

    Args:
        withlabel: Return ``(image, label)`` :class:`TupleDataset` s (int32 labels);
            ``False`` returns the image arrays alone.
        ndim: 3 gives images of shape ``(3, 32, 32)`` (RGB, channels first), 1 gives
            ``(3072,)``.
        scale: The pixel value of full intensity (images are scaled to ``[0, scale]``).
        dtype: The floating-point image dtype; ``None`` means ``config.dtype``.

    Returns:
        ``(train, test)``.

    Raises:
        ValueError: If ``ndim`` is not 1 or 3, or the archive is corrupt.
        TypeError: If ``dtype`` is not a floating-point type.
        urllib.error.URLError: If the download fails.

    Example:
        >>> from kusari.datasets import get_cifar10
        >>> train, test = get_cifar10()  # doctest: +SKIP
        >>> len(train), train[0][0].shape  # doctest: +SKIP
        (50000, (3, 32, 32))
    """
    batches = [f"cifar-10-batches-py/data_batch_{i}" for i in range(1, 6)]
    members = (batches, ["cifar-10-batches-py/test_batch"])
    return _get("cifar10", members, b"labels", "get_cifar10", withlabel, ndim, scale, dtype)


@overload
def get_cifar100(
    withlabel: Literal[True] = True,
    ndim: int = 3,
    scale: float = 1.0,
    dtype: npt.DTypeLike | None = None,
) -> tuple[TupleDataset, TupleDataset]: ...
@overload
def get_cifar100(
    withlabel: Literal[False],
    ndim: int = 3,
    scale: float = 1.0,
    dtype: npt.DTypeLike | None = None,
) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]: ...
def get_cifar100(
    withlabel: bool = True, ndim: int = 3, scale: float = 1.0, dtype: npt.DTypeLike | None = None
) -> tuple[Any, Any]:
    """Load CIFAR-100 (100 fine classes), downloading it on the first call.

    The labels are the fine labels.  The archive comes from ``DATASET_URLS['cifar100']``;
    the parsed arrays are cached under ``get_dataset_directory('pfnet/chainer/cifar')``.

    Args:
        withlabel: Return ``(image, label)`` :class:`TupleDataset` s (int32 labels);
            ``False`` returns the image arrays alone.
        ndim: 3 gives images of shape ``(3, 32, 32)``, 1 gives ``(3072,)``.
        scale: The pixel value of full intensity.
        dtype: The floating-point image dtype; ``None`` means ``config.dtype``.

    Returns:
        ``(train, test)``: 50000 and 10000 examples.

    Raises:
        ValueError: If ``ndim`` is not 1 or 3, or the archive is corrupt.
        TypeError: If ``dtype`` is not a floating-point type.
        urllib.error.URLError: If the download fails.

    Example:
        >>> from kusari.datasets import get_cifar100
        >>> train, test = get_cifar100(ndim=1)  # doctest: +SKIP
        >>> train[0][0].shape  # doctest: +SKIP
        (3072,)
    """
    members = (["cifar-100-python/train"], ["cifar-100-python/test"])
    return _get("cifar100", members, b"fine_labels", "get_cifar100", withlabel, ndim, scale, dtype)
