"""Image files as examples: :class:`ImageDataset`, :class:`LabeledImageDataset`.

Images are decoded with Pillow, an optional dependency (``pip install
kusari-training[image]``) imported when a dataset is made.  An image becomes an array of
shape ``(channels, height, width)``: a gray image has one channel, RGB three, RGBA four.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Sequence
from typing import IO, Any

import numpy
import numpy.typing as npt

from kusari.graph import get_dtype

from ._mixin import DatasetMixin

__all__ = ["ImageDataset", "LabeledImageDataset", "read_image", "read_pairs", "require_pillow"]

PathLike = str | os.PathLike[str]


def require_pillow(caller: str) -> Any:
    """Import and return ``PIL.Image``, or raise an ImportError saying what to install."""
    try:
        return importlib.import_module("PIL.Image")
    except ImportError as error:
        raise ImportError(
            f"{caller} decodes images with Pillow, which is not installed; install it with: "
            "pip install kusari-training[image]"
        ) from error


def read_image(source: str | IO[bytes], dtype: numpy.dtype[Any]) -> npt.NDArray[Any]:
    """Decode an image file into a C-contiguous ``(channels, height, width)`` array."""
    pil_image = require_pillow("read_image")
    with pil_image.open(source) as image:
        array = numpy.asarray(image)
    if array.ndim == 2:
        array = array[:, :, numpy.newaxis]
    return array.transpose(2, 0, 1).astype(dtype, order="C")


def read_pairs(path: PathLike) -> list[tuple[str, int]]:
    """Read a file of ``<path> <label>`` lines (the label is the last field; blank lines skipped).

    Raises:
        ValueError: If a line has no label or the label is not an integer.
    """
    pairs = []
    with open(path, encoding="utf-8") as file:
        for number, line in enumerate(file, 1):
            fields = line.strip().rsplit(None, 1)
            if not fields:
                continue
            if len(fields) != 2:
                raise ValueError(
                    f"{os.fspath(path)}, line {number}: expected '<path> <label>', "
                    f"got {line.strip()!r}"
                )
            try:
                label = int(fields[1])
            except ValueError:
                raise ValueError(
                    f"{os.fspath(path)}, line {number}: the label {fields[1]!r} is not an integer"
                ) from None
            pairs.append((fields[0], label))
    return pairs


def _read_paths(path: PathLike) -> list[str]:
    with open(path, encoding="utf-8") as file:
        return [line.strip() for line in file if line.strip()]


class ImageDataset(DatasetMixin[npt.NDArray[Any]]):
    """A dataset of image files; the ``i``-th example is the ``i``-th image as an array.

    Args:
        paths: The image paths, or the path of a text file listing them one a line (blank
            lines are skipped).
        root: The folder the image paths are relative to.
        dtype: The array dtype; ``None`` means ``config.dtype`` (float32 by default).
            Pixel values are not scaled (0 to 255 for 8-bit images).

    Raises:
        ImportError: If Pillow is not installed.

    Example:
        >>> import os, pathlib, tempfile
        >>> import numpy
        >>> from PIL import Image
        >>> from kusari.datasets import ImageDataset
        >>> folder = tempfile.mkdtemp()
        >>> pixels = numpy.arange(24, dtype=numpy.uint8).reshape(2, 4, 3)
        >>> Image.fromarray(pixels).save(os.path.join(folder, "a.png"))
        >>> dataset = ImageDataset(["a.png"], root=folder)
        >>> image = dataset[0]
        >>> image.shape, image.dtype, bool((image == pixels.transpose(2, 0, 1)).all())
        ((3, 2, 4), dtype('float32'), True)
    """

    __slots__ = ("_dtype", "_paths", "_root")

    def __init__(
        self,
        paths: PathLike | Sequence[PathLike],
        root: PathLike = ".",
        dtype: npt.DTypeLike | None = None,
    ) -> None:
        require_pillow("ImageDataset")
        if isinstance(paths, (str, os.PathLike)):
            self._paths = _read_paths(paths)
        else:
            self._paths = [os.fspath(p) for p in paths]
        self._root = os.fspath(root)
        self._dtype = get_dtype(dtype)

    def __len__(self) -> int:
        return len(self._paths)

    def get_example(self, i: int) -> npt.NDArray[Any]:
        """Read and return the ``i``-th image.

        Raises:
            FileNotFoundError: If the image file does not exist.
            PIL.UnidentifiedImageError: If the file is not an image Pillow can decode.
        """
        return read_image(os.path.join(self._root, self._paths[i]), self._dtype)

    def __repr__(self) -> str:
        return f"<ImageDataset of {len(self._paths)} images under {self._root!r}>"


class LabeledImageDataset(DatasetMixin[tuple[npt.NDArray[Any], npt.NDArray[Any]]]):
    r"""A dataset of ``(image, label)`` pairs read from image files.

    Args:
        pairs: ``(path, label)`` pairs, or the path of a text file of ``<path> <label>``
            lines (the label is the last field, an integer; blank lines are skipped).
        root: The folder the image paths are relative to.
        dtype: The image dtype; ``None`` means ``config.dtype``.
        label_dtype: The label dtype; each label is a 0-dimensional array.

    Raises:
        ImportError: If Pillow is not installed.
        ValueError: If a line of the pairs file is malformed (file and line in the message).

    Example:
        >>> import os, pathlib, tempfile
        >>> import numpy
        >>> from PIL import Image
        >>> from kusari.datasets import LabeledImageDataset
        >>> folder = tempfile.mkdtemp()
        >>> Image.fromarray(numpy.zeros((2, 2), numpy.uint8)).save(os.path.join(folder, "z.png"))
        >>> _ = pathlib.Path(os.path.join(folder, "train.txt")).write_text("z.png 7\n")
        >>> dataset = LabeledImageDataset(os.path.join(folder, "train.txt"), root=folder)
        >>> image, label = dataset[0]
        >>> image.shape, int(label), label.dtype
        ((1, 2, 2), 7, dtype('int32'))
    """

    __slots__ = ("_dtype", "_label_dtype", "_pairs", "_root")

    def __init__(
        self,
        pairs: PathLike | Sequence[tuple[PathLike, int]],
        root: PathLike = ".",
        dtype: npt.DTypeLike | None = None,
        label_dtype: npt.DTypeLike = numpy.int32,
    ) -> None:
        require_pillow("LabeledImageDataset")
        if isinstance(pairs, (str, os.PathLike)):
            self._pairs = read_pairs(pairs)
        else:
            self._pairs = [(os.fspath(path), label) for path, label in pairs]
        self._root = os.fspath(root)
        self._dtype = get_dtype(dtype)
        self._label_dtype = numpy.dtype(label_dtype)

    def __len__(self) -> int:
        return len(self._pairs)

    def get_example(self, i: int) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
        """Read and return the ``i``-th ``(image, label)``.

        Raises:
            FileNotFoundError: If the image file does not exist.
        """
        path, label = self._pairs[i]
        image = read_image(os.path.join(self._root, path), self._dtype)
        return image, numpy.array(label, dtype=self._label_dtype)

    def __repr__(self) -> str:
        return f"<LabeledImageDataset of {len(self._pairs)} images under {self._root!r}>"
