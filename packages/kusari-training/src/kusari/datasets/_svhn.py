"""The Street View House Numbers: :func:`get_svhn` (32x32 colour digits).

The official files are MATLAB ``.mat`` files, read with SciPy (``scipy.io.loadmat``), an
optional dependency imported on the first download.  The raw arrays are cached as
``<root>/pfnet/chainer/svhn/{train,test,extra}.npz`` with Chainer's keys and layout (``x``:
uint8 of shape ``(32, 32, 3, n)``, ``y``: labels 1 to 10 of shape ``(n, 1)``).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import numpy
import numpy.typing as npt

from . import _scaling

__all__ = ["get_svhn"]

_INSTALL_HINT = "pip install scipy (it comes with kusari-training[datasets])"


def _read_mat(path: str) -> _scaling.RawArrays:
    try:
        scipy_io = importlib.import_module("scipy.io")
    except ImportError as error:
        raise ImportError(
            f"get_svhn() reads the MATLAB files of SVHN with SciPy, which is not installed; "
            f"install it with: {_INSTALL_HINT}"
        ) from error
    try:
        raw = scipy_io.loadmat(path)
    except Exception as error:  # SciPy raises many types for a bad file
        raise ValueError(f"{path} is not a readable MATLAB file: {error}") from error
    x, y = raw.get("X"), raw.get("y")
    if not isinstance(x, numpy.ndarray) or x.shape[:3] != (32, 32, 3) or x.ndim != 4:
        got = getattr(x, "shape", type(x).__name__)
        raise ValueError(f"{path}: 'X' must be an array of shape (32, 32, 3, n), got {got}")
    if not isinstance(y, numpy.ndarray) or y.size != x.shape[3]:
        raise ValueError(f"{path}: 'y' must hold {x.shape[3]} labels")
    return {"x": x.astype(numpy.uint8, copy=False), "y": y.reshape(-1, 1)}


def _creator(part: str) -> Callable[[], _scaling.RawArrays]:
    return lambda: _read_mat(_scaling.download(f"svhn/{part}"))


def get_svhn(
    withlabel: bool = True,
    scale: float = 1.0,
    dtype: npt.DTypeLike | None = None,
    label_dtype: npt.DTypeLike = numpy.int32,
    add_extra: bool = False,
) -> tuple[Any, ...]:
    """Load SVHN (73257 training and 26032 test digits), downloading it on the first call.

    Images have shape ``(3, 32, 32)`` (RGB, channels first).  The official label 10 (the
    digit 0) becomes 0, so labels are the digits.  The files come from
    ``DATASET_URLS['svhn/train']`` (``test``, ``extra``).

    Args:
        withlabel: Return ``(image, label)`` :class:`TupleDataset` s; ``False`` returns the
            image arrays alone.
        scale: The pixel value of full intensity (images are scaled to ``[0, scale]``).
        dtype: The floating-point image dtype; ``None`` means ``config.dtype``.
        label_dtype: The label dtype.
        add_extra: Also return the 531131 extra (easier) training examples.

    Returns:
        ``(train, test)``, or ``(train, test, extra)`` with ``add_extra``.

    Raises:
        ImportError: If SciPy is needed (nothing cached yet) and not installed.
        ValueError: If a downloaded file is not an SVHN ``.mat`` file.
        TypeError: If ``dtype`` is not a floating-point type.

    Example:
        >>> from kusari.datasets import get_svhn
        >>> train, test = get_svhn()  # doctest: +SKIP
        >>> train[0][0].shape, int(train[0][1])  # doctest: +SKIP
        ((3, 32, 32), 1)
    """
    parts = ("train", "test", "extra") if add_extra else ("train", "test")
    splits = []
    for part in parts:
        raw = _scaling.load_raw("pfnet/chainer/svhn", f"{part}.npz", _creator(part))
        images = _scaling.pixels(raw["x"].transpose(3, 2, 0, 1), dtype, scale, "get_svhn")
        labels = raw["y"].reshape(-1) % 10
        splits.append(_scaling.result(images, labels, label_dtype, withlabel))
    return tuple(splits)
