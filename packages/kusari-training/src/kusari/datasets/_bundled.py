"""Small datasets bundled with scikit-learn: :func:`get_digits` and :func:`get_iris`.

Nothing is downloaded: scikit-learn ships these files.  scikit-learn is an optional
dependency (``pip install kusari-training[datasets]``), imported on the first call.
"""

from __future__ import annotations

import importlib
from typing import Any, Literal, overload

import numpy
import numpy.typing as npt

from ._tuple_dataset import TupleDataset

__all__ = ["get_digits", "get_iris"]

_INSTALL_HINT = "pip install kusari-training[datasets]"


def _load_bundled(loader: str, caller: str) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
    try:
        module = importlib.import_module("sklearn.datasets")
    except ImportError as error:
        raise ImportError(
            f"{caller}() reads the data bundled with scikit-learn, which is not installed; "
            f"install it with: {_INSTALL_HINT}"
        ) from error
    bunch = getattr(module, loader)()
    return numpy.asarray(bunch.data), numpy.asarray(bunch.target)


def _check_ratio(test_ratio: float) -> None:
    if not 0.0 <= test_ratio <= 1.0:
        raise ValueError(f"test_ratio must be between 0 and 1, got {test_ratio}")


def _split(
    x: npt.NDArray[Any],
    t: npt.NDArray[Any],
    withlabel: bool,
    test_ratio: float,
    seed: int | None,
) -> tuple[Any, Any]:
    order = numpy.random.RandomState(seed).permutation(len(x))
    n_test = round(len(x) * test_ratio)
    train, test = order[n_test:], order[:n_test]
    if withlabel:
        return TupleDataset(x[train], t[train]), TupleDataset(x[test], t[test])
    return x[train], x[test]


@overload
def get_digits(
    withlabel: Literal[True] = True,
    ndim: int = 1,
    scale: float = 1.0,
    dtype: npt.DTypeLike = numpy.float32,
    label_dtype: npt.DTypeLike = numpy.int32,
    test_ratio: float = 0.2,
    seed: int | None = 0,
) -> tuple[TupleDataset, TupleDataset]: ...
@overload
def get_digits(
    withlabel: Literal[False],
    ndim: int = 1,
    scale: float = 1.0,
    dtype: npt.DTypeLike = numpy.float32,
    label_dtype: npt.DTypeLike = numpy.int32,
    test_ratio: float = 0.2,
    seed: int | None = 0,
) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]: ...
def get_digits(
    withlabel: bool = True,
    ndim: int = 1,
    scale: float = 1.0,
    dtype: npt.DTypeLike = numpy.float32,
    label_dtype: npt.DTypeLike = numpy.int32,
    test_ratio: float = 0.2,
    seed: int | None = 0,
) -> tuple[Any, Any]:
    """Load the 8x8 handwritten digits (1797 images, 10 classes), split for training.

    A small stand-in for MNIST that needs no download (it is bundled with scikit-learn).
    Pixel values, 0 to 16 in the source, are scaled to ``[0, scale]``.

    Args:
        withlabel: Return ``(image, label)`` :class:`TupleDataset` s; ``False`` returns the
            image arrays alone.
        ndim: The shape of each image: 1 gives ``(64,)``, 2 gives ``(8, 8)`` and 3 gives
            ``(1, 8, 8)`` (channels first, for convolutions).
        scale: The pixel value of full ink.
        dtype: The image dtype.
        label_dtype: The label dtype.
        test_ratio: The fraction of the examples that goes to the test split.
        seed: Seed of the ``numpy.random.RandomState`` permutation behind the split.

    Returns:
        ``(train, test)``.

    Raises:
        ImportError: If scikit-learn is not installed (with the install command).
        ValueError: If ``ndim`` is not 1, 2 or 3, or ``test_ratio`` is not in ``[0, 1]``.

    Example:
        >>> from kusari.datasets import get_digits
        >>> train, test = get_digits()  # doctest: +SKIP
        >>> len(train), len(test), train[0][0].shape  # doctest: +SKIP
        (1438, 359, (64,))
    """
    shapes = {1: (64,), 2: (8, 8), 3: (1, 8, 8)}
    if ndim not in shapes:
        raise ValueError(f"ndim must be 1, 2 or 3 for the digits images, got {ndim}")
    _check_ratio(test_ratio)
    data, target = _load_bundled("load_digits", "get_digits")
    x = (data * (scale / 16.0)).astype(dtype).reshape((-1, *shapes[ndim]))
    return _split(x, target.astype(label_dtype), withlabel, test_ratio, seed)


@overload
def get_iris(
    withlabel: Literal[True] = True,
    dtype: npt.DTypeLike = numpy.float32,
    label_dtype: npt.DTypeLike = numpy.int32,
    test_ratio: float = 0.2,
    seed: int | None = 0,
) -> tuple[TupleDataset, TupleDataset]: ...
@overload
def get_iris(
    withlabel: Literal[False],
    dtype: npt.DTypeLike = numpy.float32,
    label_dtype: npt.DTypeLike = numpy.int32,
    test_ratio: float = 0.2,
    seed: int | None = 0,
) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]: ...
def get_iris(
    withlabel: bool = True,
    dtype: npt.DTypeLike = numpy.float32,
    label_dtype: npt.DTypeLike = numpy.int32,
    test_ratio: float = 0.2,
    seed: int | None = 0,
) -> tuple[Any, Any]:
    """Load Fisher's iris measurements (150 flowers, 4 features, 3 classes), split.

    Args:
        withlabel: Return ``(features, label)`` :class:`TupleDataset` s; ``False`` returns
            the feature arrays alone.
        dtype: The feature dtype.
        label_dtype: The label dtype.
        test_ratio: The fraction of the examples that goes to the test split.
        seed: Seed of the ``numpy.random.RandomState`` permutation behind the split.

    Returns:
        ``(train, test)``.

    Raises:
        ImportError: If scikit-learn is not installed (with the install command).
        ValueError: If ``test_ratio`` is not in ``[0, 1]``.

    Example:
        >>> from kusari.datasets import get_iris
        >>> train, test = get_iris()  # doctest: +SKIP
        >>> len(train), len(test), train[0][0].shape  # doctest: +SKIP
        (120, 30, (4,))
    """
    _check_ratio(test_ratio)
    data, target = _load_bundled("load_iris", "get_iris")
    return _split(data.astype(dtype), target.astype(label_dtype), withlabel, test_ratio, seed)
