"""GoogLeNet (Inception v1, Szegedy et al., 2014) with Chainer's layer and parameter names."""

from __future__ import annotations

import os
from typing import ClassVar

import numpy
import numpy.typing as npt

from kusari.functions import (
    average_pooling_2d,
    dropout,
    local_response_normalization,
    max_pooling_2d,
    relu,
    softmax,
)
from kusari.graph import Variable
from kusari.initializers import LeCunUniform, Zero

from ...connection.convolution_2d import Convolution2D
from ...connection.inception import Inception
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

__all__ = ["GoogLeNet", "prepare"]

_MEAN_BGR = (104.0, 117.0, 123.0)

# (name, in_channels, out1, proj3, out3, proj5, out5, proj_pool) of the Caffe model.
_INCEPTIONS = (
    ("inc3a", 192, 64, 96, 128, 16, 32, 32),
    ("inc3b", 256, 128, 128, 192, 32, 96, 64),
    ("inc4a", 480, 192, 96, 208, 16, 48, 64),
    ("inc4b", 512, 160, 112, 224, 24, 64, 64),
    ("inc4c", 512, 128, 128, 256, 24, 64, 64),
    ("inc4d", 512, 112, 144, 288, 32, 64, 64),
    ("inc4e", 528, 256, 160, 320, 32, 128, 128),
    ("inc5a", 832, 256, 160, 320, 32, 128, 128),
    ("inc5b", 832, 384, 192, 384, 48, 128, 128),
)


def prepare(
    image: ImageLike, size: tuple[int, int] | None = (224, 224)
) -> npt.NDArray[numpy.float32]:
    """Turn an image into the input of :class:`GoogLeNet`.

    Resizes the image (with Pillow), converts RGB to BGR, subtracts the mean of BVLC's
    GoogLeNet (BGR ``104, 117, 123``) and puts the channels first.

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
        >>> from kusari.links.model.vision.googlenet import prepare
        >>> image = np.full((4, 4, 3), 200, dtype=np.uint8)
        >>> prepare(image, size=None)[:, 0, 0].tolist()
        [96.0, 83.0, 77.0]
    """
    return prepare_image(image, size, _MEAN_BGR)


class GoogLeNet(PretrainedLayers):
    """GoogLeNet as Chainer's ``GoogLeNet`` (BVLC's Caffe model), with its two side heads.

    Children: ``conv1``, ``conv2_reduce``, ``conv2``, the :class:`~kusari.links.Inception`
    modules ``inc3a`` ... ``inc5b``, the classifier ``loss3_fc`` and the side classifiers
    ``loss1_conv``, ``loss1_fc1``, ``loss1_fc2`` (on ``inception_4a``) and ``loss2_*`` (on
    ``inception_4d``).  The layers :meth:`forward` can return (:attr:`available_layers`):
    ``conv1``, ``pool1`` (3x3 max pooling, stride 2, then local response normalization),
    ``conv2_reduce``, ``conv2`` (then normalization), ``pool2``, ``inception_3a`` ...
    ``inception_5b`` with ``pool3`` and ``pool4`` between them, ``pool5`` (7x7 average
    pooling), ``loss3_fc`` (after dropout of 0.4 in training mode), ``prob``, and last the
    side outputs ``loss1_fc2`` and ``loss2_fc2``, computed only when asked for.  The input
    must be 224x224 for ``pool5`` and after.

    Args:
        pretrained_model: ``None``: random parameters (``LeCunUniform`` filters and zero
            biases outside the Inception modules, which keep their own defaults, as in
            Chainer); the path of an ``.npz`` file to load; or ``'auto'``: load
            ``bvlc_googlenet.npz``, the file Chainer converts from the Caffe model, from the
            models folder under the dataset root.  When that file is missing, ``'auto'``
            converts ``bvlc_googlenet.caffemodel`` from the same folder (see
            :meth:`convert_caffemodel_to_npz`); kusari does not download it: without either
            file, FileNotFoundError says where to get it.

    Raises:
        TypeError: If ``pretrained_model`` is not ``None`` or a path.
        FileNotFoundError: If the file to load does not exist.

    Example:
        >>> import numpy as np
        >>> from kusari.links import GoogLeNet
        >>> model = GoogLeNet(pretrained_model=None)
        >>> out = model(np.zeros((1, 3, 64, 64), np.float32), layers=["inception_4e"])
        >>> out["inception_4e"].shape
        (1, 832, 4, 4)
    """

    _default_extract_layer: ClassVar[str] = "pool5"
    _branches: ClassVar[dict[str, str]] = {
        "loss1_fc2": "inception_4a",
        "loss2_fc2": "inception_4d",
    }
    conv1: Convolution2D
    conv2_reduce: Convolution2D
    conv2: Convolution2D
    inc3a: Inception
    inc3b: Inception
    inc4a: Inception
    inc4b: Inception
    inc4c: Inception
    inc4d: Inception
    inc4e: Inception
    inc5a: Inception
    inc5b: Inception
    loss3_fc: Linear
    loss1_conv: Convolution2D
    loss1_fc1: Linear
    loss1_fc2: Linear
    loss2_conv: Convolution2D
    loss2_fc1: Linear
    loss2_fc2: Linear

    def __init__(self, pretrained_model: PretrainedModel = "auto") -> None:
        from_file = check_pretrained_model(pretrained_model)
        super().__init__()
        # Loaded parameters overwrite the initial values: zeros are the cheapest to make.
        initialW = Zero() if from_file else LeCunUniform(scale=1.0)
        bias = Zero()
        # The Inception modules keep their own default initializers, as in Chainer.
        inception_init = Zero() if from_file else None
        with self.init_scope():
            self.conv1 = Convolution2D(
                3, 64, 7, stride=2, pad=3, initialW=initialW, initial_bias=bias
            )
            self.conv2_reduce = Convolution2D(64, 64, 1, initialW=initialW, initial_bias=bias)
            self.conv2 = Convolution2D(
                64, 192, 3, stride=1, pad=1, initialW=initialW, initial_bias=bias
            )
            for name, in_channels, out1, proj3, out3, proj5, out5, proj_pool in _INCEPTIONS:
                module = Inception(
                    in_channels,
                    out1,
                    proj3,
                    out3,
                    proj5,
                    out5,
                    proj_pool,
                    conv_init=inception_init,
                    bias_init=inception_init,
                )
                setattr(self, name, module)
            self.loss3_fc = Linear(1024, 1000, initialW=initialW, initial_bias=bias)
            self.loss1_conv = Convolution2D(512, 128, 1, initialW=initialW, initial_bias=bias)
            self.loss1_fc1 = Linear(2048, 1024, initialW=initialW, initial_bias=bias)
            self.loss1_fc2 = Linear(1024, 1000, initialW=initialW, initial_bias=bias)
            self.loss2_conv = Convolution2D(528, 128, 1, initialW=initialW, initial_bias=bias)
            self.loss2_fc1 = Linear(2048, 1024, initialW=initialW, initial_bias=bias)
            self.loss2_fc2 = Linear(1024, 1000, initialW=initialW, initial_bias=bias)
        if from_file:
            assert pretrained_model is not None
            _load_pretrained(
                self,
                pretrained_model,
                "bvlc_googlenet.npz",
                "bvlc_googlenet.caffemodel",
                "Download the Caffe model from "
                "http://dl.caffe.berkeleyvision.org/bvlc_googlenet.caffemodel into that folder.",
                GoogLeNet.convert_caffemodel_to_npz,
            )

    @classmethod
    def convert_caffemodel_to_npz(
        cls, path_caffemodel: str | os.PathLike[str], path_npz: str | os.PathLike[str]
    ) -> None:
        """Convert BVLC's GoogLeNet Caffe model into the ``.npz`` that ``pretrained_model`` takes.

        Reads the ``.caffemodel`` (no Caffe or protobuf needed), copies its weights into a
        new model (``conv1/7x7_s2`` to ``conv1``, ``inception_3a/3x3_reduce`` to
        ``inc3a.proj3``, ``loss3/classifier`` to ``loss3_fc``...) and saves it uncompressed,
        as Chainer does.

        Args:
            path_caffemodel: ``bvlc_googlenet.caffemodel``.
            path_npz: Where to write the ``.npz`` file.

        Raises:
            CaffeFormatError: If the file is not a ``.caffemodel`` or lacks a layer.

        Example:
            >>> import os, tempfile
            >>> from kusari.links import GoogLeNet
            >>> path = os.path.join(tempfile.mkdtemp(), "empty.caffemodel")
            >>> open(path, "wb").close()
            >>> try:
            ...     GoogLeNet.convert_caffemodel_to_npz(path, path + ".npz")
            ... except ValueError as error:
            ...     print(error)
            the caffemodel has no layer 'conv1/7x7_s2' (for conv1/W)
        """
        layers = read_caffemodel(path_caffemodel)
        model = cls(NO_WEIGHTS)
        copy_blobs(model, layers, _caffe_blobs())
        save_converted(model, path_npz)

    @property
    def functions(self) -> dict[str, list[LayerFunction]]:
        """The layers in order: each name with the callables that compute its output.

        ``loss1_fc2`` and ``loss2_fc2`` start from ``inception_4a`` and ``inception_4d``
        rather than from the layer before them.
        """
        return {
            "conv1": [self.conv1, relu],
            "pool1": [_max_pooling_3x3, _normalize],
            "conv2_reduce": [self.conv2_reduce, relu],
            "conv2": [self.conv2, relu, _normalize],
            "pool2": [_max_pooling_3x3],
            "inception_3a": [self.inc3a],
            "inception_3b": [self.inc3b],
            "pool3": [_max_pooling_3x3],
            "inception_4a": [self.inc4a],
            "inception_4b": [self.inc4b],
            "inception_4c": [self.inc4c],
            "inception_4d": [self.inc4d],
            "inception_4e": [self.inc4e],
            "pool4": [_max_pooling_3x3],
            "inception_5a": [self.inc5a],
            "inception_5b": [self.inc5b],
            "pool5": [_average_pooling_7x7],
            "loss3_fc": [_dropout_04, self.loss3_fc],
            "prob": [softmax],
            "loss1_fc2": [
                _average_pooling_5x5,
                self.loss1_conv,
                relu,
                self.loss1_fc1,
                relu,
                self.loss1_fc2,
            ],
            "loss2_fc2": [
                _average_pooling_5x5,
                self.loss2_conv,
                relu,
                self.loss2_fc1,
                relu,
                self.loss2_fc2,
            ],
        }

    @staticmethod
    def _prepare(image: ImageLike, size: tuple[int, int] | None) -> npt.NDArray[numpy.float32]:
        return prepare(image, size)


_CAFFE_NAMES = {
    "conv1": "conv1/7x7_s2",
    "conv2_reduce": "conv2/3x3_reduce",
    "conv2": "conv2/3x3",
    "loss3_fc": "loss3/classifier",
    "loss1_conv": "loss1/conv",
    "loss1_fc1": "loss1/fc",
    "loss1_fc2": "loss1/classifier",
    "loss2_conv": "loss2/conv",
    "loss2_fc1": "loss2/fc",
    "loss2_fc2": "loss2/classifier",
}
_CAFFE_INCEPTION_NAMES = {
    "conv1": "1x1",
    "proj3": "3x3_reduce",
    "conv3": "3x3",
    "proj5": "5x5_reduce",
    "conv5": "5x5",
    "projp": "pool_proj",
}


def _caffe_blobs() -> list[tuple[str, str, int]]:
    """``(parameter path, Caffe layer, blob index)`` of every parameter of GoogLeNet."""
    sources = dict(_CAFFE_NAMES)
    for name, *_ in _INCEPTIONS:
        for child, caffe in _CAFFE_INCEPTION_NAMES.items():
            sources[f"{name}/{child}"] = f"inception_{name[3:]}/{caffe}"
    return [
        (f"{link}/{param}", caffe, index)
        for link, caffe in sources.items()
        for index, param in enumerate("Wb")
    ]


def _max_pooling_3x3(x: Variable) -> Variable:
    return max_pooling_2d(x, 3, 2)


def _normalize(x: Variable) -> Variable:
    return local_response_normalization(x, n=5, k=1, alpha=1e-4 / 5)


def _average_pooling_7x7(x: Variable) -> Variable:
    return average_pooling_2d(x, 7, 1)


def _average_pooling_5x5(x: Variable) -> Variable:
    return average_pooling_2d(x, 5, 3)


def _dropout_04(x: Variable) -> Variable:
    return dropout(x, 0.4)
