"""The machinery the pretrained vision models share: layer-by-layer forward, extract, predict.

A model lists its layers in :attr:`PretrainedLayers.functions`: an ordered mapping from a
layer's name to the callables that compute its output from the previous layer's.  ``forward``
runs them in order and stops as soon as every requested layer has been computed.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias

import numpy
import numpy.typing as npt

from kusari.functions import reshape
from kusari.functions import sum as sum_
from kusari.graph import Variable, VariableOrArray, as_variable, no_backprop_mode, using_config

from ..._chain import Chain
from ._image import ImageLike, stack_images
from ._image import oversample as oversample_images

__all__ = [
    "LayerFunction",
    "PretrainedLayers",
    "PretrainedModel",
    "load_pretrained",
    "models_directory",
]

LayerFunction: TypeAlias = Callable[[Variable], Variable]
"""One step of a layer: a link or a function taking and returning a Variable."""

PretrainedModel: TypeAlias = str | os.PathLike[str] | None
"""``pretrained_model`` of the models: ``None``, ``'auto'`` or the path of an ``.npz`` file."""

MODELS_DIRECTORY = "pfnet/chainer/models/"


def models_directory() -> str:
    """The folder where Chainer keeps its converted models (``pfnet/chainer/models``).

    It lies under the dataset root of :func:`kusari.datasets.get_dataset_root` when
    kusari-training is installed; otherwise under ``$KUSARI_DATASET_ROOT``,
    ``$CHAINER_DATASET_ROOT`` or ``~/.kusari/dataset``, the same rule.
    """
    try:
        datasets = importlib.import_module("kusari.datasets")
    except ImportError:
        root = next(
            (
                value
                for value in map(os.environ.get, ("KUSARI_DATASET_ROOT", "CHAINER_DATASET_ROOT"))
                if value
            ),
            os.path.join(os.path.expanduser("~"), ".kusari", "dataset"),
        )
        return os.path.join(root, MODELS_DIRECTORY)
    path: str = datasets.get_dataset_directory(MODELS_DIRECTORY, create_directory=False)
    return path


class _NoWeights:
    """The ``pretrained_model`` of a model built to receive converted weights."""

    __slots__ = ()


NO_WEIGHTS: Any = _NoWeights()


def check_pretrained_model(pretrained_model: object) -> bool:
    """Whether the parameters come from elsewhere (then the initial values do not matter).

    Raises:
        TypeError: If ``pretrained_model`` is not ``None`` or a path.
    """
    if pretrained_model is None:
        return False
    if pretrained_model is NO_WEIGHTS:
        return True
    if not isinstance(pretrained_model, (str, os.PathLike)):
        raise TypeError(
            "pretrained_model must be None, 'auto' or the path of an .npz file, got "
            f"{type(pretrained_model).__name__}"
        )
    # As in Chainer, an empty path means no pretrained weights.
    return bool(os.fspath(pretrained_model))


def load_pretrained(
    model: Chain,
    pretrained_model: str | os.PathLike[str],
    filename: str,
    caffemodel: str,
    where_to_get: str,
    convert: Callable[[str, str], None],
) -> None:
    """Load ``pretrained_model``: a path, or ``'auto'`` (``filename`` in the models folder).

    With ``'auto'``, a missing ``filename`` is first converted from ``caffemodel`` in the
    same folder (what Chainer does) when that file is there.

    Raises:
        FileNotFoundError: If ``'auto'`` finds neither file; the message says where it
            looked and where to get the Caffe model (``where_to_get``).
    """
    from kusari.serializers import load_npz

    if pretrained_model is NO_WEIGHTS:
        return
    if isinstance(pretrained_model, str) and pretrained_model == "auto":
        folder = models_directory()
        path = os.path.join(folder, filename)
        if not os.path.isfile(path):
            source = os.path.join(folder, caffemodel)
            if not os.path.isfile(source):
                raise FileNotFoundError(
                    f"{type(model).__name__}(pretrained_model='auto') loads {path}, which does "
                    f"not exist, after converting it from {source}, which does not exist "
                    f"either. {where_to_get} A model cache made by Chainer 7 (the same files) "
                    "is reused when CHAINER_DATASET_ROOT (or KUSARI_DATASET_ROOT) points to "
                    "its dataset root. You can also pass the path of an .npz file saved by "
                    "chainer.serializers.save_npz or kusari.serializers.save_npz."
                )
            convert(source, path)
    else:
        path = os.fspath(pretrained_model)
    load_npz(path, model)


def save_converted(model: Chain, path_npz: str | os.PathLike[str]) -> None:
    """Save converted weights as Chainer does (an uncompressed ``.npz``)."""
    from kusari.serializers import save_npz

    save_npz(path_npz, model, compression=False)


def _layer_list(layers: Iterable[str], available: list[str]) -> list[str]:
    if isinstance(layers, str):
        raise TypeError(f"layers must be a list of layer names, got the str {layers!r}")
    names = list(layers)
    unknown = [name for name in names if name not in available]
    if unknown:
        raise ValueError(f"unknown layers {unknown}; the available layers are {available}")
    return names


def _reject_legacy_arguments(kwargs: dict[str, object], legacy: tuple[str, ...]) -> None:
    for name in legacy:
        if name in kwargs:
            raise ValueError(
                f"{name} argument is not supported anymore. Use kusari.graph.using_config "
                "(chainer.using_config)"
            )
    if kwargs:
        raise TypeError(f"unexpected keyword argument(s) {', '.join(map(repr, kwargs))}")


class PretrainedLayers(Chain):
    """Base of the pretrained vision models: layer-by-layer ``forward``, ``extract``, ``predict``.

    A subclass creates its children and lists its layers in :attr:`functions`;
    :meth:`forward` runs them in order and returns the requested ones,
    :meth:`extract` prepares images first (with the subclass's ``prepare``), and
    :meth:`predict` classifies images.  Chainer's ``VGGLayers``, ``ResNetLayers`` and
    ``GoogLeNet`` each define these methods; kusari shares them here.

    Example:
        >>> from kusari.links import GoogLeNet
        >>> from kusari.links.model.vision import PretrainedLayers
        >>> model = GoogLeNet(pretrained_model=None)
        >>> isinstance(model, PretrainedLayers), model.available_layers[:3]
        (True, ['conv1', 'pool1', 'conv2_reduce'])
    """

    _default_extract_layer: ClassVar[str]
    _branches: ClassVar[dict[str, str]] = {}

    @property
    def functions(self) -> dict[str, list[LayerFunction]]:
        """The layers in order: each name with the callables that compute its output."""
        raise NotImplementedError

    @property
    def available_layers(self) -> list[str]:
        """The names of the layers :meth:`forward` and :meth:`extract` can return."""
        return list(self.functions)

    @staticmethod
    def _prepare(image: ImageLike, size: tuple[int, int] | None) -> npt.NDArray[numpy.float32]:
        raise NotImplementedError

    def forward(
        self, x: VariableOrArray, layers: Iterable[str] | None = None, **kwargs: object
    ) -> dict[str, Variable]:
        """Compute the outputs of the requested layers.

        Layers run in order until every requested one has been computed, so asking for an
        early layer skips the rest of the network.

        Args:
            x: The batch of prepared images ``(N, 3, H, W)`` (see ``prepare``).
            layers: The names of the layers to return (see :attr:`available_layers`);
                ``['prob']`` when ``None``.
            **kwargs: Only for Chainer's error on the removed ``test`` argument.

        Returns:
            The requested layers' outputs, by name, in the order they were computed.

        Raises:
            TypeError: If ``layers`` is a str or an unexpected keyword is given.
            ValueError: If a layer name is unknown, or ``test=`` is given.
        """
        _reject_legacy_arguments(dict(kwargs), ("test",))
        functions = self.functions
        remaining = set(_layer_list(["prob"] if layers is None else layers, list(functions)))
        # Layers feeding a side branch that is requested must be kept while they are computed.
        sources = {self._branches[name] for name in remaining if name in self._branches}
        outputs: dict[str, Variable] = {}
        kept: dict[str, Variable] = {}
        h = as_variable(x)
        for name, steps in functions.items():
            if not remaining:
                break
            if name in self._branches:
                h = kept[self._branches[name]]
            for step in steps:
                h = step(h)
            if name in sources:
                kept[name] = h
            if name in remaining:
                outputs[name] = h
                remaining.remove(name)
        return outputs

    def extract(
        self,
        images: Iterable[ImageLike],
        layers: Iterable[str] | None = None,
        size: tuple[int, int] | None = (224, 224),
        **kwargs: object,
    ) -> dict[str, Variable]:
        """Prepare ``images`` and return the requested layers' outputs for them.

        Unlike :meth:`predict`, this keeps the configuration as it is: extract inside
        ``using_config('train', False)`` and ``no_backprop_mode()`` for inference.

        Args:
            images: Pillow images or RGB arrays (see ``prepare``).
            layers: The layers to return; the model's feature layer when ``None``.
            size: ``(width, height)`` to resize every image to, or ``None`` to keep the
                sizes (which must then be equal).
            **kwargs: Only for Chainer's errors on the removed ``test`` and ``volatile``.

        Returns:
            The requested layers' outputs, by name.

        Raises:
            ValueError: If ``images`` is empty or its images end up of different sizes.
        """
        _reject_legacy_arguments(dict(kwargs), ("test", "volatile"))
        names = [self._default_extract_layer] if layers is None else layers
        batch = stack_images([self._prepare(image, size) for image in images])
        return self.forward(Variable(self.device.send(batch)), layers=names)

    def predict(self, images: Iterable[ImageLike], oversample: bool = True) -> Variable:
        """Class probabilities of ``images`` (inference mode, without a graph).

        Every image is resized to 256x256; the network sees its 224x224 centre, or, with
        ``oversample``, the average over its four corners, its centre and their mirror
        images.

        Args:
            images: Pillow images or RGB arrays (see ``prepare``).
            oversample: Average over ten crops instead of taking the centre.

        Returns:
            ``(N, 1000)`` probabilities.
        """
        batch = stack_images([self._prepare(image, (256, 256)) for image in images])
        if oversample:
            batch = oversample_images(batch, (224, 224))
        else:
            batch = batch[:, :, 16:240, 16:240]
        with no_backprop_mode(), using_config("train", False):
            x = Variable(self.device.send(numpy.ascontiguousarray(batch)))
            y = self.forward(x, layers=["prob"])["prob"]
            if oversample:
                n = y.shape[0] // 10
                y = sum_(reshape(y, (n, 10, *y.shape[1:])), axis=1) / 10
        return y

    if TYPE_CHECKING:

        def __call__(
            self, x: VariableOrArray, layers: Iterable[str] | None = None, **kwargs: object
        ) -> dict[str, Variable]:
            """Run :meth:`forward` through the link hooks (typed like it)."""
