"""VGG-16 and VGG-19 (Simonyan and Zisserman, 2014) with Chainer's layer and parameter names."""

from __future__ import annotations

import os
from typing import ClassVar

import numpy
import numpy.typing as npt

from kusari.functions import dropout, max_pooling_2d, relu, softmax
from kusari.graph import Variable
from kusari.initializers import Normal, Zero

from ...connection.convolution_2d import Convolution2D
from ...connection.linear import Linear
from ._base import (
    NO_WEIGHTS,
    LayerFunction,
    PretrainedLayers,
    PretrainedModel,
    check_pretrained_model,
    save_converted,
)
from ._base import load_pretrained as _load_pretrained
from ._caffe import copy_blobs, read_caffemodel
from ._image import ImageLike, prepare_image

__all__ = ["VGG16Layers", "VGG19Layers", "VGGLayers", "prepare"]

_MEAN_BGR = (103.939, 116.779, 123.68)
_CONVS_PER_BLOCK = {16: (2, 2, 3, 3, 3), 19: (2, 2, 4, 4, 4)}
_CHANNELS = (64, 128, 256, 512, 512)


def prepare(
    image: ImageLike, size: tuple[int, int] | None = (224, 224)
) -> npt.NDArray[numpy.float32]:
    """Turn an image into the input of the VGG models.

    Resizes the image (with Pillow), converts RGB to BGR, subtracts the ImageNet mean of the
    VGG models (BGR ``103.939, 116.779, 123.68``) and puts the channels first.

    Args:
        image: A Pillow image or an RGB array ``(H, W)``, ``(H, W, C)`` or ``(C, H, W)``
            (converted to ``uint8`` first, as Chainer does).
        size: ``(width, height)`` of the result, or ``None`` to keep the image's size.
            Resizing needs Pillow.

    Returns:
        A ``float32`` array ``(3, height, width)``.

    Raises:
        TypeError: If ``image`` is neither an array nor a Pillow image.
        ValueError: If the array's shape is not an image's.
        ImportError: If the image must be resized and Pillow is not installed.

    Example:
        >>> import numpy as np
        >>> from kusari.links.model.vision.vgg import prepare
        >>> image = np.full((4, 4, 3), 200, dtype=np.uint8)
        >>> x = prepare(image, size=None)
        >>> x.shape, x.dtype, [round(float(v), 3) for v in x[:, 0, 0]]
        ((3, 4, 4), dtype('float32'), [96.061, 83.221, 76.32])
    """
    return prepare_image(image, size, _MEAN_BGR)


class VGGLayers(PretrainedLayers):
    """VGG-16 or VGG-19 as Chainer's ``VGGLayers``: 3x3 convolutions, then three FC layers.

    The children are ``conv1_1`` ... ``conv5_3`` (``conv5_4`` for 19 layers), ``fc6``,
    ``fc7`` and ``fc8``, with the shapes of the Caffe models, so the ``.npz`` files Chainer
    converts from them (or saves from its ``VGG16Layers``) load as they are.  The layers
    :meth:`forward` can return are in :attr:`available_layers`: the rectified convolutions,
    ``pool1`` ... ``pool5`` (2x2 max pooling), ``fc6`` and ``fc7`` (rectified, then dropout
    in training mode), ``fc8`` and ``prob`` (its softmax).  The input must be 224x224 for the
    FC layers; the convolutions and poolings take any size.

    Args:
        pretrained_model: ``None``: random parameters (``Normal(0.01)`` filters, zero
            biases, as in the paper); the path of an ``.npz`` file to load; or ``'auto'``:
            load ``VGG_ILSVRC_{16,19}_layers.npz``, the file Chainer converts from the Caffe
            model, from the models folder under the dataset root (see
            :func:`~kusari.links.model.vision.models_directory`).  When that file is
            missing, ``'auto'`` converts ``VGG_ILSVRC_{16,19}_layers.caffemodel`` from the
            same folder (see :meth:`convert_caffemodel_to_npz`); kusari does not download
            it: without either file, FileNotFoundError says where to get it.
        n_layers: 16 or 19.

    Raises:
        ValueError: If ``n_layers`` is neither 16 nor 19.
        TypeError: If ``pretrained_model`` is not ``None`` or a path.
        FileNotFoundError: If the file to load does not exist.

    Example:
        >>> import numpy as np
        >>> from kusari.links import VGG16Layers
        >>> model = VGG16Layers(pretrained_model=None)
        >>> x = np.zeros((1, 3, 32, 32), np.float32)
        >>> out = model(x, layers=["conv1_2", "pool5"])
        >>> {name: out[name].shape for name in out}
        {'conv1_2': (1, 64, 32, 32), 'pool5': (1, 512, 1, 1)}
    """

    _default_extract_layer: ClassVar[str] = "fc7"
    _class_n_layers: ClassVar[int | None] = None
    fc6: Linear
    fc7: Linear
    fc8: Linear

    def __init__(self, pretrained_model: PretrainedModel = "auto", n_layers: int = 16) -> None:
        if n_layers not in _CONVS_PER_BLOCK:
            raise ValueError(f"n_layers must be 16 or 19, got {n_layers!r}")
        from_file = check_pretrained_model(pretrained_model)
        super().__init__()
        self.n_layers = n_layers
        # Loaded parameters overwrite the initial values: zeros are the cheapest to make.
        initialW = Zero() if from_file else Normal(0.01)
        bias = Zero()
        self._conv_names: list[list[str]] = []
        with self.init_scope():
            in_channels = 3
            for block, (count, channels) in enumerate(
                zip(_CONVS_PER_BLOCK[n_layers], _CHANNELS, strict=True), start=1
            ):
                names = []
                for index in range(1, count + 1):
                    name = f"conv{block}_{index}"
                    setattr(
                        self,
                        name,
                        Convolution2D(
                            in_channels, channels, 3, 1, 1, initialW=initialW, initial_bias=bias
                        ),
                    )
                    names.append(name)
                    in_channels = channels
                self._conv_names.append(names)
            self.fc6 = Linear(512 * 7 * 7, 4096, initialW=initialW, initial_bias=bias)
            self.fc7 = Linear(4096, 4096, initialW=initialW, initial_bias=bias)
            self.fc8 = Linear(4096, 1000, initialW=initialW, initial_bias=bias)
        if from_file:
            assert pretrained_model is not None
            _load_pretrained(
                self,
                pretrained_model,
                f"VGG_ILSVRC_{n_layers}_layers.npz",
                f"VGG_ILSVRC_{n_layers}_layers.caffemodel",
                "Download the Caffe model from http://www.robots.ox.ac.uk/%7Evgg/software/"
                f"very_deep/caffe/VGG_ILSVRC_{n_layers}_layers.caffemodel into that folder.",
                lambda source, target: VGGLayers.convert_caffemodel_to_npz(
                    source, target, n_layers
                ),
            )

    @classmethod
    def convert_caffemodel_to_npz(
        cls,
        path_caffemodel: str | os.PathLike[str],
        path_npz: str | os.PathLike[str],
        n_layers: int | None = None,
    ) -> None:
        """Convert VGG's Caffe model into the ``.npz`` file ``pretrained_model`` takes.

        Reads the ``.caffemodel`` (no Caffe or protobuf needed), copies the weights and
        biases of ``conv1_1`` ... ``fc8`` into a new model and saves it uncompressed, as
        Chainer does.

        Args:
            path_caffemodel: ``VGG_ILSVRC_16_layers.caffemodel`` (or the 19-layer one).
            path_npz: Where to write the ``.npz`` file.
            n_layers: 16 or 19; by default the class's (16 for :class:`VGGLayers`).

        Raises:
            CaffeFormatError: If the file is not a ``.caffemodel`` or lacks a layer.
            ValueError: If ``n_layers`` contradicts the class.

        Example:
            >>> import os, tempfile
            >>> from kusari.links import VGG16Layers
            >>> path = os.path.join(tempfile.mkdtemp(), "empty.caffemodel")
            >>> open(path, "wb").close()
            >>> try:
            ...     VGG16Layers.convert_caffemodel_to_npz(path, path + ".npz")
            ... except ValueError as error:
            ...     print(error)
            the caffemodel has no layer 'conv1_1' (for conv1_1/W)
        """
        own = cls._class_n_layers
        if n_layers is not None and own is not None and n_layers != own:
            raise ValueError(f"{cls.__name__} has {own} layers, got n_layers={n_layers}")
        count = n_layers or own or 16
        layers = read_caffemodel(path_caffemodel)
        model = VGGLayers(NO_WEIGHTS, count)
        names = [name for block in model._conv_names for name in block] + ["fc6", "fc7", "fc8"]
        blobs = [(f"{name}/{param}", name, i) for name in names for i, param in enumerate("Wb")]
        copy_blobs(model, layers, blobs)
        save_converted(model, path_npz)

    @property
    def functions(self) -> dict[str, list[LayerFunction]]:
        """The layers in order: each name with the callables that compute its output."""
        layers: dict[str, list[LayerFunction]] = {}
        for block, names in enumerate(self._conv_names, start=1):
            for name in names:
                layers[name] = [getattr(self, name), relu]
            layers[f"pool{block}"] = [_max_pooling_2x2]
        layers["fc6"] = [self.fc6, relu, _dropout]
        layers["fc7"] = [self.fc7, relu, _dropout]
        layers["fc8"] = [self.fc8]
        layers["prob"] = [softmax]
        return layers

    @staticmethod
    def _prepare(image: ImageLike, size: tuple[int, int] | None) -> npt.NDArray[numpy.float32]:
        return prepare(image, size)


class VGG16Layers(VGGLayers):
    """VGG-16: :class:`VGGLayers` with 16 layers (13 convolutions), Chainer's ``VGG16Layers``.

    Args:
        pretrained_model: ``None``, the path of an ``.npz`` file, or ``'auto'`` (the
            converted ``VGG_ILSVRC_16_layers.npz`` in the models folder); see
            :class:`VGGLayers`.

    Example:
        >>> from kusari.links import VGG16Layers
        >>> model = VGG16Layers(pretrained_model=None)
        >>> model.available_layers[-4:], model.fc6.W.shape
        (['fc6', 'fc7', 'fc8', 'prob'], (4096, 25088))
    """

    _class_n_layers: ClassVar[int | None] = 16

    def __init__(self, pretrained_model: PretrainedModel = "auto") -> None:
        super().__init__(pretrained_model, n_layers=16)


class VGG19Layers(VGGLayers):
    """VGG-19: :class:`VGGLayers` with 19 layers (16 convolutions), Chainer's ``VGG19Layers``.

    Args:
        pretrained_model: ``None``, the path of an ``.npz`` file, or ``'auto'`` (the
            converted ``VGG_ILSVRC_19_layers.npz`` in the models folder); see
            :class:`VGGLayers`.

    Example:
        >>> from kusari.links import VGG19Layers
        >>> model = VGG19Layers(pretrained_model=None)
        >>> [name for name in model.available_layers if name.startswith("conv5")]
        ['conv5_1', 'conv5_2', 'conv5_3', 'conv5_4']
    """

    _class_n_layers: ClassVar[int | None] = 19

    def __init__(self, pretrained_model: PretrainedModel = "auto") -> None:
        super().__init__(pretrained_model, n_layers=19)


def _max_pooling_2x2(x: Variable) -> Variable:
    return max_pooling_2d(x, 2)


def _dropout(x: Variable) -> Variable:
    return dropout(x)
