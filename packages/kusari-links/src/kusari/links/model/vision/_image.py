"""Image preprocessing shared by the pretrained vision models: Chainer's ``prepare`` steps.

Every model's ``prepare`` does the same four steps with its own mean: make an RGB ``uint8``
image (a grey image gets three equal channels, an alpha channel is dropped), resize it with
Pillow, flip RGB to BGR, subtract the per-channel mean of the model's training set, and put
the channels first.  Pillow is imported only when an image has to be resized or is a Pillow
image already, so arrays of the right size need no Pillow at all.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any, Protocol, TypeAlias, cast

import numpy
import numpy.typing as npt

__all__ = ["ImageLike", "PilImageLike", "oversample", "prepare_image", "stack_images"]


class PilImageLike(Protocol):
    """What the models use of a :class:`PIL.Image.Image` (so Pillow stays optional).

    Pillow's images match it, so ``prepare`` and ``extract`` accept them as they are.

    Example:
        >>> from kusari.links.model.vision import PilImageLike
        >>> sorted(name for name in vars(PilImageLike) if name in ("convert", "resize", "size"))
        ['convert', 'resize', 'size']
    """

    @property
    def size(self) -> tuple[int, int]:
        """``(width, height)``."""
        ...

    def convert(self, mode: str) -> PilImageLike:
        """Return a copy in another mode (``'RGB'``)."""
        ...

    def resize(self, size: tuple[int, int]) -> PilImageLike:
        """Return a resized copy, ``size`` being ``(width, height)``."""
        ...


ImageLike: TypeAlias = npt.NDArray[Any] | PilImageLike
"""An image: a Pillow image or an array ``(H, W)``, ``(H, W, C)`` or ``(C, H, W)`` in RGB."""


def _pillow_image() -> Any:
    try:
        return importlib.import_module("PIL.Image")
    except ImportError as error:
        raise ImportError(
            "resizing an image needs Pillow, which is not installed: install it with "
            "'pip install Pillow' (or 'pip install kusari-links[image]'), or pass images of "
            f"the target size and size=None ({error})"
        ) from error


def _rgb_uint8(image: npt.NDArray[Any]) -> npt.NDArray[numpy.uint8]:
    """An array image as Pillow would hold it in mode ``'RGB'``: ``(H, W, 3)`` ``uint8``."""
    if image.ndim == 3:
        if image.shape[0] == 1:
            image = image[0]
        elif image.shape[0] == 3:
            image = image.transpose(1, 2, 0)
    elif image.ndim != 2:
        raise ValueError(
            "an image array must have the shape (height, width), (height, width, channels) "
            f"or (channels, height, width), got the shape {image.shape}"
        )
    # Chainer makes a Pillow image of ``image.astype(uint8)``: the same truncation here.
    pixels = image.astype(numpy.uint8)
    if pixels.ndim == 2:
        return numpy.repeat(pixels[:, :, None], 3, axis=2)
    channels = pixels.shape[2]
    if channels == 1:
        return numpy.repeat(pixels, 3, axis=2)
    if channels in (3, 4):
        return numpy.ascontiguousarray(pixels[:, :, :3])
    raise ValueError(
        "an image array must have 1, 3 or 4 channels (grey, RGB, RGBA), got the shape "
        f"{image.shape}"
    )


def _check_size(size: object) -> tuple[int, int] | None:
    if size is None:
        return None
    if (
        not isinstance(size, (tuple, list))
        or len(size) != 2
        or not all(isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in size)
    ):
        raise ValueError(
            f"size must be None or a pair of positive ints (width, height), got {size!r}"
        )
    return (size[0], size[1])


def prepare_image(
    image: ImageLike, size: tuple[int, int] | None, mean: tuple[float, float, float]
) -> npt.NDArray[numpy.float32]:
    """Resize ``image``, make it BGR, subtract ``mean`` (BGR) and put the channels first.

    Args:
        image: The image (see :data:`ImageLike`); arrays are RGB.
        size: ``(width, height)`` to resize to (Pillow's convention, as in Chainer), or
            ``None`` to keep the size.
        mean: The mean to subtract, in BGR order.

    Returns:
        A ``float32`` array ``(3, height, width)``.

    Raises:
        TypeError: If ``image`` is neither an array nor a Pillow image.
        ValueError: If the array's shape is not an image's, or ``size`` is not a pair.
        ImportError: If the image must be resized (or is a Pillow image) and Pillow is
            missing.
    """
    target = _check_size(size)
    if isinstance(image, numpy.ndarray):
        pixels = _rgb_uint8(image)
        height, width = pixels.shape[:2]
        if target is not None and target != (width, height):
            pil = _pillow_image().fromarray(pixels).resize(target)
            array = numpy.asarray(pil, dtype=numpy.float32)
        else:
            array = pixels.astype(numpy.float32)
    elif callable(getattr(image, "convert", None)) and callable(getattr(image, "resize", None)):
        _pillow_image()
        pil_image = image.convert("RGB")
        if target is not None:
            pil_image = pil_image.resize(target)
        array = numpy.asarray(cast(Any, pil_image), dtype=numpy.float32)
    else:
        raise TypeError(
            f"an image must be a numpy.ndarray or a PIL.Image.Image, got {type(image).__name__}"
        )
    # The mean is subtracted in float32, as Chainer does.
    bgr = array[:, :, ::-1] - numpy.asarray(mean, dtype=numpy.float32)
    return numpy.ascontiguousarray(bgr.transpose(2, 0, 1), dtype=numpy.float32)


def stack_images(arrays: Sequence[npt.NDArray[numpy.float32]]) -> npt.NDArray[numpy.float32]:
    """Stack prepared images into one batch, with a clear error when their sizes differ."""
    if not arrays:
        raise ValueError("images is empty: give at least one image")
    shapes = {a.shape for a in arrays}
    if len(shapes) > 1:
        raise ValueError(
            "all the images must have the same size after preparation (give size=(width, "
            f"height) to resize them), got the shapes {sorted(shapes)}"
        )
    return numpy.stack(arrays)


def oversample(
    images: npt.NDArray[numpy.float32], crop_dims: tuple[int, int]
) -> npt.NDArray[numpy.float32]:
    """Ten crops of every image: the four corners and the centre, then their mirror images.

    Args:
        images: The batch ``(N, C, H, W)``.
        crop_dims: ``(height, width)`` of the crops.

    Returns:
        ``(10 * N, C, crop_h, crop_w)``, the ten crops of each image next to each other.
    """
    _, _, height, width = images.shape
    crop_h, crop_w = crop_dims
    if crop_h > height or crop_w > width:
        raise ValueError(f"the crops {crop_dims} are larger than the images ({height}, {width})")
    bottom, right = height - crop_h, width - crop_w
    corners = [(0, 0), (0, right), (bottom, 0), (bottom, right), (bottom // 2, right // 2)]
    crops = [images[:, :, y : y + crop_h, x : x + crop_w] for y, x in corners]
    crops += [crop[:, :, :, ::-1] for crop in crops]
    return numpy.ascontiguousarray(numpy.stack(crops, axis=1).reshape(-1, *crops[0].shape[1:]))
