"""Pretrained vision models with Chainer's names: VGG, ResNet and GoogLeNet.

Chainer's ``chainer.links.model.vision``: :class:`VGG16Layers`, :class:`VGG19Layers`,
:class:`ResNet50Layers`, :class:`ResNet101Layers`, :class:`ResNet152Layers` and
:class:`GoogLeNet` have the layer and parameter names of Chainer's, so the ``.npz`` files
Chainer converts from the Caffe models (or saves from these links) load into them.  Each
model's module (:mod:`~kusari.links.model.vision.vgg`,
:mod:`~kusari.links.model.vision.resnet`, :mod:`~kusari.links.model.vision.googlenet`) has
the ``prepare`` function that turns an image into its input.  :func:`read_caffemodel`
reads Caffe's ``.caffemodel`` files without Caffe or protobuf, and each model's
``convert_caffemodel_to_npz`` turns the published Caffe model into its ``.npz``.

Example:
    >>> import numpy as np
    >>> from kusari.graph import no_backprop_mode, using_config
    >>> from kusari.links.model.vision import ResNet50Layers
    >>> model = ResNet50Layers(pretrained_model=None)
    >>> images = [np.zeros((3, 32, 32), np.uint8), np.zeros((32, 32, 3), np.uint8)]
    >>> with using_config("train", False), no_backprop_mode():
    ...     features = model.extract(images, layers=["pool5"], size=None)["pool5"]
    >>> features.shape
    (2, 2048)
"""

from . import googlenet as googlenet
from . import resnet as resnet
from . import vgg as vgg
from ._base import LayerFunction as LayerFunction
from ._base import PretrainedLayers as PretrainedLayers
from ._base import PretrainedModel as PretrainedModel
from ._base import models_directory as models_directory
from ._caffe import CaffeFormatError as CaffeFormatError
from ._caffe import read_caffemodel as read_caffemodel
from ._image import ImageLike as ImageLike
from ._image import PilImageLike as PilImageLike
from .googlenet import GoogLeNet as GoogLeNet
from .resnet import BottleneckA as BottleneckA
from .resnet import BottleneckB as BottleneckB
from .resnet import BuildingBlock as BuildingBlock
from .resnet import ResNet50Layers as ResNet50Layers
from .resnet import ResNet101Layers as ResNet101Layers
from .resnet import ResNet152Layers as ResNet152Layers
from .resnet import ResNetLayers as ResNetLayers
from .vgg import VGG16Layers as VGG16Layers
from .vgg import VGG19Layers as VGG19Layers
from .vgg import VGGLayers as VGGLayers

__all__ = [
    "BottleneckA",
    "BottleneckB",
    "BuildingBlock",
    "CaffeFormatError",
    "GoogLeNet",
    "ImageLike",
    "LayerFunction",
    "PilImageLike",
    "PretrainedLayers",
    "PretrainedModel",
    "ResNet101Layers",
    "ResNet152Layers",
    "ResNet50Layers",
    "ResNetLayers",
    "VGG16Layers",
    "VGG19Layers",
    "VGGLayers",
    "googlenet",
    "models_directory",
    "read_caffemodel",
    "resnet",
    "vgg",
]
