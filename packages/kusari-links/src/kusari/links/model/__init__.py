"""Model wrappers (:class:`Classifier`) and the pretrained vision models (:mod:`.vision`)."""

from . import vision as vision
from .classifier import Classifier as Classifier
from .vision import GoogLeNet as GoogLeNet
from .vision import ResNet50Layers as ResNet50Layers
from .vision import ResNet101Layers as ResNet101Layers
from .vision import ResNet152Layers as ResNet152Layers
from .vision import VGG16Layers as VGG16Layers
from .vision import VGG19Layers as VGG19Layers

__all__ = [
    "Classifier",
    "GoogLeNet",
    "ResNet101Layers",
    "ResNet152Layers",
    "ResNet50Layers",
    "VGG16Layers",
    "VGG19Layers",
    "vision",
]
