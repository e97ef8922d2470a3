"""ResNet-50, -101 and -152 (He et al., 2015) with Chainer's layer and parameter names."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, ClassVar

import numpy
import numpy.typing as npt

from kusari.functions import average_pooling_2d, max_pooling_2d, relu, reshape, softmax
from kusari.graph import Variable, VariableOrArray
from kusari.initializers import HeNormal, Zero

from ..._chain import Chain
from ..._parameter import ParameterInitializer
from ...connection.convolution_2d import Convolution2D
from ...connection.linear import Linear
from ...normalization.batch_normalization import BatchNormalization
from ._base import (
    NO_WEIGHTS,
    LayerFunction,
    PretrainedLayers,
    PretrainedModel,
    check_pretrained_model,
    save_converted,
)
from ._base import load_pretrained as _load_pretrained
from ._caffe import BatchNormSource, copy_blobs, read_caffemodel
from ._image import ImageLike, prepare_image

__all__ = [
    "BottleneckA",
    "BottleneckB",
    "BuildingBlock",
    "ResNet101Layers",
    "ResNet152Layers",
    "ResNet50Layers",
    "ResNetLayers",
    "prepare",
]

_MEAN_BGR = (103.063, 115.903, 123.152)
_BLOCKS = {50: (3, 4, 6, 3), 101: (3, 4, 23, 3), 152: (3, 8, 36, 3)}


def prepare(
    image: ImageLike, size: tuple[int, int] | None = (224, 224)
) -> npt.NDArray[numpy.float32]:
    """Turn an image into the input of the ResNet models.

    Resizes the image (with Pillow), converts RGB to BGR, subtracts the ImageNet mean of the
    MSRA ResNets (BGR ``103.063, 115.903, 123.152``) and puts the channels first.

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
        >>> from kusari.links.model.vision.resnet import prepare
        >>> image = np.full((4, 4, 3), 200, dtype=np.uint8)
        >>> x = prepare(image, size=None)
        >>> x.shape, [round(float(v), 3) for v in x[:, 0, 0]]
        ((3, 4, 4), [96.937, 84.097, 76.848])
    """
    return prepare_image(image, size, _MEAN_BGR)


class BottleneckA(Chain):
    """The bottleneck block that changes the resolution and the channels (Chainer's name).

    ``relu(bn3(conv3(relu(bn2(conv2(relu(bn1(conv1(x)))))))) + bn4(conv4(x)))``: a 1x1
    reduction to ``mid_channels``, a 3x3 convolution, a 1x1 expansion to ``out_channels``,
    plus a strided 1x1 projection of the input (``conv4``, ``bn4``).  No convolution has a
    bias.

    Args:
        in_channels: The input channels.
        mid_channels: The channels of the 3x3 convolution.
        out_channels: The output channels.
        stride: The stride of the block (the downsampling factor).
        initialW: The initializer of every filter.
        downsample_fb: Put the stride on the 3x3 convolution (Facebook's ResNet) instead of
            the first 1x1 convolution (the original MSRA ResNet).

    Example:
        >>> import numpy as np
        >>> from kusari.links.model.vision.resnet import BottleneckA
        >>> block = BottleneckA(4, 2, 8, stride=2)
        >>> block(np.ones((2, 4, 6, 6), np.float32)).shape
        (2, 8, 3, 3)
    """

    conv1: Convolution2D
    bn1: BatchNormalization
    conv2: Convolution2D
    bn2: BatchNormalization
    conv3: Convolution2D
    bn3: BatchNormalization
    conv4: Convolution2D
    bn4: BatchNormalization

    def __init__(
        self,
        in_channels: int,
        mid_channels: int,
        out_channels: int,
        stride: int | tuple[int, int] = 2,
        initialW: ParameterInitializer = None,
        downsample_fb: bool = False,
    ) -> None:
        super().__init__()
        stride_1x1, stride_3x3 = (1, stride) if downsample_fb else (stride, 1)
        with self.init_scope():
            self.conv1 = Convolution2D(
                in_channels, mid_channels, 1, stride_1x1, 0, nobias=True, initialW=initialW
            )
            self.bn1 = BatchNormalization(mid_channels)
            self.conv2 = Convolution2D(
                mid_channels, mid_channels, 3, stride_3x3, 1, nobias=True, initialW=initialW
            )
            self.bn2 = BatchNormalization(mid_channels)
            self.conv3 = Convolution2D(
                mid_channels, out_channels, 1, 1, 0, nobias=True, initialW=initialW
            )
            self.bn3 = BatchNormalization(out_channels)
            self.conv4 = Convolution2D(
                in_channels, out_channels, 1, stride, 0, nobias=True, initialW=initialW
            )
            self.bn4 = BatchNormalization(out_channels)

    def forward(self, x: VariableOrArray) -> Variable:
        """Apply the block.

        Args:
            x: ``(N, in_channels, H, W)``.

        Returns:
            ``(N, out_channels, H / stride, W / stride)`` (rounded up).
        """
        h = relu(self.bn1(self.conv1(x)))
        h = relu(self.bn2(self.conv2(h)))
        h = self.bn3(self.conv3(h))
        return relu(h + self.bn4(self.conv4(x)))

    if TYPE_CHECKING:

        def __call__(self, x: VariableOrArray) -> Variable:
            """Run :meth:`forward` through the link hooks (typed like it)."""


class BottleneckB(Chain):
    """The bottleneck block that keeps the resolution and the channels (Chainer's name).

    ``relu(bn3(conv3(relu(bn2(conv2(relu(bn1(conv1(x)))))))) + x)`` with 1x1, 3x3 and 1x1
    convolutions without biases.

    Args:
        in_channels: The input (and output) channels.
        mid_channels: The channels of the 3x3 convolution.
        initialW: The initializer of every filter.

    Example:
        >>> import numpy as np
        >>> from kusari.links.model.vision.resnet import BottleneckB
        >>> block = BottleneckB(8, 2)
        >>> block(np.ones((2, 8, 3, 3), np.float32)).shape
        (2, 8, 3, 3)
    """

    conv1: Convolution2D
    bn1: BatchNormalization
    conv2: Convolution2D
    bn2: BatchNormalization
    conv3: Convolution2D
    bn3: BatchNormalization

    def __init__(
        self, in_channels: int, mid_channels: int, initialW: ParameterInitializer = None
    ) -> None:
        super().__init__()
        with self.init_scope():
            self.conv1 = Convolution2D(
                in_channels, mid_channels, 1, 1, 0, nobias=True, initialW=initialW
            )
            self.bn1 = BatchNormalization(mid_channels)
            self.conv2 = Convolution2D(
                mid_channels, mid_channels, 3, 1, 1, nobias=True, initialW=initialW
            )
            self.bn2 = BatchNormalization(mid_channels)
            self.conv3 = Convolution2D(
                mid_channels, in_channels, 1, 1, 0, nobias=True, initialW=initialW
            )
            self.bn3 = BatchNormalization(in_channels)

    def forward(self, x: VariableOrArray) -> Variable:
        """Apply the block.

        Args:
            x: ``(N, in_channels, H, W)``.

        Returns:
            The same shape as ``x``.
        """
        h = relu(self.bn1(self.conv1(x)))
        h = relu(self.bn2(self.conv2(h)))
        h = self.bn3(self.conv3(h))
        return relu(h + x)

    if TYPE_CHECKING:

        def __call__(self, x: VariableOrArray) -> Variable:
            """Run :meth:`forward` through the link hooks (typed like it)."""


class BuildingBlock(Chain):
    """A stage of ResNet: one :class:`BottleneckA` (``a``), then :class:`BottleneckB` s.

    The children are named ``a``, ``b1``, ``b2``, ... as in Chainer.

    Args:
        n_layers: The number of bottleneck blocks (at least 1).
        in_channels: The input channels.
        mid_channels: The channels of the 3x3 convolutions.
        out_channels: The output channels.
        stride: The stride of the first block.
        initialW: The initializer of every filter.
        downsample_fb: See :class:`BottleneckA`.

    Raises:
        ValueError: If ``n_layers`` is less than 1.

    Example:
        >>> import numpy as np
        >>> from kusari.links.model.vision.resnet import BuildingBlock
        >>> stage = BuildingBlock(3, 4, 2, 8, stride=2)
        >>> [name for name, _ in sorted(stage.namedlinks(skipself=True)) if name.count("/") == 1]
        ['/a', '/b1', '/b2']
        >>> stage(np.ones((1, 4, 8, 8), np.float32)).shape
        (1, 8, 4, 4)
    """

    def __init__(
        self,
        n_layers: int,
        in_channels: int,
        mid_channels: int,
        out_channels: int,
        stride: int | tuple[int, int],
        initialW: ParameterInitializer = None,
        downsample_fb: bool = False,
    ) -> None:
        count: object = n_layers
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ValueError(f"n_layers must be an int of at least 1, got {n_layers!r}")
        super().__init__()
        self._block_names = ["a", *(f"b{index}" for index in range(1, n_layers))]
        with self.init_scope():
            self.a = BottleneckA(
                in_channels, mid_channels, out_channels, stride, initialW, downsample_fb
            )
            for name in self._block_names[1:]:
                setattr(self, name, BottleneckB(out_channels, mid_channels, initialW))

    def forward(self, x: VariableOrArray) -> Variable:
        """Apply the blocks in order.

        Args:
            x: ``(N, in_channels, H, W)``.

        Returns:
            ``(N, out_channels, H / stride, W / stride)`` (rounded up).
        """
        h = self.a(x)
        for name in self._block_names[1:]:
            h = getattr(self, name)(h)
        return h

    if TYPE_CHECKING:

        def __call__(self, x: VariableOrArray) -> Variable:
            """Run :meth:`forward` through the link hooks (typed like it)."""


class ResNetLayers(PretrainedLayers):
    """ResNet-50, -101 or -152 as Chainer's ``ResNetLayers`` (the MSRA Caffe models).

    Children: ``conv1`` (7x7, stride 2, with a bias), ``bn1``, the stages ``res2`` ...
    ``res5`` (:class:`BuildingBlock`) and ``fc6``.  The layers :meth:`forward` can return
    (:attr:`available_layers`): ``conv1`` (after ``bn1`` and ReLU), ``pool1`` (3x3 max
    pooling, stride 2), ``res2`` ... ``res5``, ``pool5`` (global average pooling, ``(N,
    2048)``), ``fc6`` and ``prob``.  Any input of 32x32 or more works.

    Args:
        pretrained_model: ``None``: random parameters (``HeNormal`` filters, as in the
            paper); the path of an ``.npz`` file to load; or ``'auto'``: load
            ``ResNet-{n_layers}-model.npz``, the file Chainer converts from the MSRA Caffe
            model, from the models folder under the dataset root.  When that file is
            missing, ``'auto'`` converts ``ResNet-{n_layers}-model.caffemodel`` from the same
            folder (see :meth:`convert_caffemodel_to_npz`), as Chainer does; without either
            file, FileNotFoundError says where to get it.
        n_layers: 50, 101 or 152.
        downsample_fb: See :class:`BottleneckA`.

    Raises:
        ValueError: If ``n_layers`` is not 50, 101 or 152.
        TypeError: If ``pretrained_model`` is not ``None`` or a path.
        FileNotFoundError: If the file to load does not exist.

    Example:
        >>> import numpy as np
        >>> from kusari.graph import using_config
        >>> from kusari.links import ResNet50Layers
        >>> model = ResNet50Layers(pretrained_model=None)
        >>> with using_config("train", False):
        ...     out = model(np.zeros((1, 3, 32, 32), np.float32), layers=["res5", "pool5"])
        >>> out["res5"].shape, out["pool5"].shape
        ((1, 2048, 1, 1), (1, 2048))
    """

    _default_extract_layer: ClassVar[str] = "pool5"
    _class_n_layers: ClassVar[int | None] = None
    conv1: Convolution2D
    bn1: BatchNormalization
    res2: BuildingBlock
    res3: BuildingBlock
    res4: BuildingBlock
    res5: BuildingBlock
    fc6: Linear

    def __init__(
        self, pretrained_model: PretrainedModel, n_layers: int, downsample_fb: bool = False
    ) -> None:
        if n_layers not in _BLOCKS:
            raise ValueError(f"n_layers must be 50, 101 or 152, got {n_layers!r}")
        from_file = check_pretrained_model(pretrained_model)
        super().__init__()
        # Loaded parameters overwrite the initial values: zeros are the cheapest to make.
        initialW = Zero() if from_file else HeNormal(scale=1.0)
        self.n_layers = n_layers
        counts = _BLOCKS[n_layers]
        with self.init_scope():
            self.conv1 = Convolution2D(3, 64, 7, 2, 3, initialW=initialW)
            self.bn1 = BatchNormalization(64)
            self.res2 = BuildingBlock(counts[0], 64, 64, 256, 1, initialW, downsample_fb)
            self.res3 = BuildingBlock(counts[1], 256, 128, 512, 2, initialW, downsample_fb)
            self.res4 = BuildingBlock(counts[2], 512, 256, 1024, 2, initialW, downsample_fb)
            self.res5 = BuildingBlock(counts[3], 1024, 512, 2048, 2, initialW, downsample_fb)
            self.fc6 = Linear(2048, 1000, initialW=Zero() if from_file else None)
        if from_file:
            assert pretrained_model is not None
            _load_pretrained(
                self,
                pretrained_model,
                f"ResNet-{n_layers}-model.npz",
                f"ResNet-{n_layers}-model.caffemodel",
                "Download the Caffe model from "
                "https://github.com/KaimingHe/deep-residual-networks into that folder.",
                lambda source, target: ResNetLayers.convert_caffemodel_to_npz(
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
        """Convert an MSRA ResNet Caffe model into the ``.npz`` that ``pretrained_model`` takes.

        Reads the ``.caffemodel`` (no Caffe or protobuf needed), copies its weights into a
        new model and saves it uncompressed, as Chainer does: ``res3b1_branch2a`` goes to
        ``res3.b1.conv1``, its ``bn3b1_branch2a`` (the running statistics, divided by the
        stored factor) and ``scale3b1_branch2a`` (gamma and beta) to ``res3.b1.bn1``,
        ``fc1000`` to ``fc6``...

        Args:
            path_caffemodel: ``ResNet-{50,101,152}-model.caffemodel``.
            path_npz: Where to write the ``.npz`` file.
            n_layers: 50, 101 or 152; by default the class's (50 for
                :class:`ResNetLayers`).

        Raises:
            CaffeFormatError: If the file is not a ``.caffemodel`` or lacks a layer.
            ValueError: If ``n_layers`` contradicts the class.

        Example:
            >>> import os, tempfile
            >>> from kusari.links import ResNet50Layers
            >>> path = os.path.join(tempfile.mkdtemp(), "empty.caffemodel")
            >>> open(path, "wb").close()
            >>> try:
            ...     ResNet50Layers.convert_caffemodel_to_npz(path, path + ".npz")
            ... except ValueError as error:
            ...     print(error)
            the caffemodel has no layer 'conv1' (for conv1/W)
        """
        own = cls._class_n_layers
        if n_layers is not None and own is not None and n_layers != own:
            raise ValueError(f"{cls.__name__} has {own} layers, got n_layers={n_layers}")
        count = n_layers or own or 50
        if count not in _BLOCKS:
            raise ValueError(f"n_layers must be 50, 101 or 152, got {count!r}")
        layers = read_caffemodel(path_caffemodel)
        model = ResNetLayers(NO_WEIGHTS, count)
        blobs, batch_norms = _caffe_sources(count, "conv1" in layers and len(layers["conv1"]) > 1)
        copy_blobs(model, layers, blobs, batch_norms)
        save_converted(model, path_npz)

    @property
    def functions(self) -> dict[str, list[LayerFunction]]:
        """The layers in order: each name with the callables that compute its output."""
        return {
            "conv1": [self.conv1, self.bn1, relu],
            "pool1": [_max_pooling_3x3],
            "res2": [self.res2],
            "res3": [self.res3],
            "res4": [self.res4],
            "res5": [self.res5],
            "pool5": [_global_average_pooling_2d],
            "fc6": [self.fc6],
            "prob": [softmax],
        }

    @staticmethod
    def _prepare(image: ImageLike, size: tuple[int, int] | None) -> npt.NDArray[numpy.float32]:
        return prepare(image, size)


class ResNet50Layers(ResNetLayers):
    """ResNet-50 (:class:`ResNetLayers` with 3, 4, 6 and 3 blocks), Chainer's ``ResNet50Layers``.

    Args:
        pretrained_model: ``None``, the path of an ``.npz`` file, or ``'auto'`` (the
            converted ``ResNet-50-model.npz`` in the models folder).
        downsample_fb: See :class:`BottleneckA`.

    Example:
        >>> from kusari.links import ResNet50Layers
        >>> model = ResNet50Layers(pretrained_model=None)
        >>> model.available_layers
        ['conv1', 'pool1', 'res2', 'res3', 'res4', 'res5', 'pool5', 'fc6', 'prob']
    """

    _class_n_layers: ClassVar[int | None] = 50

    def __init__(
        self, pretrained_model: PretrainedModel = "auto", downsample_fb: bool = False
    ) -> None:
        super().__init__(pretrained_model, 50, downsample_fb)


class ResNet101Layers(ResNetLayers):
    """ResNet-101 (3, 4, 23 and 3 blocks), Chainer's ``ResNet101Layers``.

    Args:
        pretrained_model: ``None``, the path of an ``.npz`` file, or ``'auto'`` (the
            converted ``ResNet-101-model.npz`` in the models folder).
        downsample_fb: See :class:`BottleneckA`.

    Example:
        >>> from kusari.links import ResNet101Layers
        >>> model = ResNet101Layers(pretrained_model=None)
        >>> model.res4.b22.conv3.W.shape
        (1024, 256, 1, 1)
    """

    _class_n_layers: ClassVar[int | None] = 101

    def __init__(
        self, pretrained_model: PretrainedModel = "auto", downsample_fb: bool = False
    ) -> None:
        super().__init__(pretrained_model, 101, downsample_fb)


class ResNet152Layers(ResNetLayers):
    """ResNet-152 (3, 8, 36 and 3 blocks), Chainer's ``ResNet152Layers``.

    Args:
        pretrained_model: ``None``, the path of an ``.npz`` file, or ``'auto'`` (the
            converted ``ResNet-152-model.npz`` in the models folder).
        downsample_fb: See :class:`BottleneckA`.

    Example:
        >>> from kusari.links import ResNet152Layers
        >>> model = ResNet152Layers(pretrained_model=None)
        >>> model.res3.b7.conv1.W.shape, model.res4.b35.conv1.W.shape
        ((128, 512, 1, 1), (256, 1024, 1, 1))
    """

    _class_n_layers: ClassVar[int | None] = 152

    def __init__(
        self, pretrained_model: PretrainedModel = "auto", downsample_fb: bool = False
    ) -> None:
        super().__init__(pretrained_model, 152, downsample_fb)


def _caffe_sources(
    n_layers: int, conv1_bias: bool
) -> tuple[list[tuple[str, str, int]], list[BatchNormSource]]:
    """Where every parameter of the MSRA ResNet comes from in its Caffe model."""
    blobs = [("conv1/W", "conv1", 0), ("fc6/W", "fc1000", 0), ("fc6/b", "fc1000", 1)]
    if conv1_bias:
        blobs.append(("conv1/b", "conv1", 1))
    batch_norms = [("bn1", "bn_conv1", "scale_conv1")]
    for stage, count in enumerate(_BLOCKS[n_layers], start=2):
        # ResNet-50, and stages 2 and 5 everywhere, letter the blocks (res4a, res4b...);
        # the deeper stages of ResNet-101 and -152 number them (res4a, res4b1, res4b2...).
        lettered = n_layers == 50 or stage in (2, 5)
        for index in range(count):
            block = "a" if index == 0 else f"b{index}"
            caffe_block = chr(ord("a") + index) if lettered or index == 0 else f"b{index}"
            branches = ["2a", "2b", "2c"] + (["1"] if index == 0 else [])
            for number, branch in enumerate(branches, start=1):
                name = f"{stage}{caffe_block}_branch{branch}"
                path = f"res{stage}/{block}"
                blobs.append((f"{path}/conv{number}/W", f"res{name}", 0))
                batch_norms.append((f"{path}/bn{number}", f"bn{name}", f"scale{name}"))
    return blobs, batch_norms


def _max_pooling_3x3(x: Variable) -> Variable:
    return max_pooling_2d(x, 3, 2)


def _global_average_pooling_2d(x: Variable) -> Variable:
    n, channels, height, width = x.shape
    return reshape(average_pooling_2d(x, (height, width), 1), (n, channels))
