"""The pretrained vision models: VGG, ResNet, GoogLeNet, their blocks and ``prepare``.

Fixtures made by Chainer 7.8.1 (numpy 1.26, Pillow 13 for the resizing):

* ``data/chainer_vision_v7.npz``: ``save_npz`` of a Chain of ResNet blocks built after
  ``numpy.random.seed(0)``: ``a = BottleneckA(4, 3, 6, stride=2)``, ``a_fb`` (the same with
  ``downsample_fb=True``), ``b = BottleneckB(6, 3)``, ``stage = BuildingBlock(3, 4, 3, 6,
  2)``; every BatchNormalization's gamma, beta, avg_mean and avg_var then set to
  ``RandomState(1)`` draws.
* ``data/chainer_vision_v7_io.npz``: the blocks' input (``RandomState(2)``) and outputs in
  test and training mode, BottleneckA's gradients and updated statistics; outputs of
  ``ResNet50Layers``, ``GoogLeNet`` and ``VGG16Layers`` built after ``numpy.random.seed(0)``
  on ``RandomState(1).uniform(-50, 50)`` inputs (kusari's initializers draw exactly what
  Chainer's draw, so the seeded models are the same); each module's ``prepare`` output,
  ``imgproc.oversample``, ``GoogLeNet.predict`` and ``ResNet50Layers.extract`` results.
* ``data/chainer_vision_manifest_v7.json``: for each model, ``available_layers`` and the
  key, shape and dtype of every array Chainer saves (its ``DictionarySerializer``): the
  layout of the ``.npz`` files Chainer converts from the Caffe models, which are too large
  to commit.
"""

from __future__ import annotations

import json
import os
import pathlib
import sys
from collections.abc import Iterator
from typing import Any

import numpy
import pytest

from kusari.graph import Variable, no_backprop_mode, using_config
from kusari.graph.type_check import InvalidType
from kusari.initializers import Zero
from kusari.links import (
    BatchNormalization,
    Chain,
    GoogLeNet,
    Link,
    ResNet50Layers,
    ResNet101Layers,
    ResNet152Layers,
    VGG16Layers,
    VGG19Layers,
)
from kusari.links.model.vision import (
    BottleneckA,
    BottleneckB,
    BuildingBlock,
    ResNetLayers,
    VGGLayers,
    _image,
    googlenet,
    models_directory,
    resnet,
    vgg,
)
from kusari.serializers import DictionarySerializer, load_npz

from ._std_support import chainer_seed, check_params_backward, data

DATA = pathlib.Path(__file__).parent / "data"
MODELS: dict[str, type[Link]] = {
    "VGG16Layers": VGG16Layers,
    "VGG19Layers": VGG19Layers,
    "ResNet50Layers": ResNet50Layers,
    "ResNet101Layers": ResNet101Layers,
    "ResNet152Layers": ResNet152Layers,
    "GoogLeNet": GoogLeNet,
}


@pytest.fixture(scope="module")
def io() -> Iterator[dict[str, Any]]:
    with numpy.load(DATA / "chainer_vision_v7_io.npz") as npz:
        yield {key: npz[key] for key in npz.files}


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    with open(DATA / "chainer_vision_manifest_v7.json") as f:
        loaded: dict[str, Any] = json.load(f)
    return loaded


@pytest.fixture(scope="module")
def resnet50() -> ResNet50Layers:
    with chainer_seed(0):
        return ResNet50Layers(pretrained_model=None)


@pytest.fixture(scope="module")
def google() -> GoogLeNet:
    with chainer_seed(0):
        return GoogLeNet(pretrained_model=None)


def x32() -> Any:
    return numpy.random.RandomState(1).uniform(-50, 50, (2, 3, 32, 32)).astype(numpy.float32)


def x224() -> Any:
    return numpy.random.RandomState(1).uniform(-50, 50, (1, 3, 224, 224)).astype(numpy.float32)


def assert_close(actual: Any, expected: Any, rtol: float = 1e-4) -> None:
    """Equal up to float32 summation order: relative, and absolute on the output's scale."""
    scale = float(numpy.abs(expected).max())
    numpy.testing.assert_allclose(data(actual), expected, rtol=rtol, atol=1e-5 * scale)


class Blocks(Chain):
    def __init__(self) -> None:
        super().__init__()
        with self.init_scope():
            self.a = BottleneckA(4, 3, 6, stride=2)
            self.a_fb = BottleneckA(4, 3, 6, stride=2, downsample_fb=True)
            self.b = BottleneckB(6, 3)
            self.stage = BuildingBlock(3, 4, 3, 6, 2)


def chainer_blocks() -> Blocks:
    blocks = Blocks()
    load_npz(DATA / "chainer_vision_v7.npz", blocks)
    return blocks


# --- ResNet blocks against Chainer ---------------------------------------------------------


def test_blocks_test_mode_match_chainer(io: dict[str, Any]) -> None:
    blocks = chainer_blocks()
    x = io["x"]
    with using_config("train", False):
        for name in ("a", "a_fb", "stage"):
            y = getattr(blocks, name)(x)
            numpy.testing.assert_allclose(data(y), io[f"{name}_test"], rtol=1e-5, atol=1e-6)
        numpy.testing.assert_allclose(
            data(blocks.b(io["a_test"])), io["b_test"], rtol=1e-5, atol=1e-6
        )
    # downsample_fb moves the stride from the first 1x1 to the 3x3 convolution.
    assert blocks.a.conv1.stride == (2, 2)
    assert blocks.a.conv2.stride == (1, 1)
    assert blocks.a_fb.conv1.stride == (1, 1)
    assert blocks.a_fb.conv2.stride == (2, 2)
    assert not numpy.allclose(io["a_test"], io["a_fb_test"])


def test_bottleneck_a_training_mode_matches_chainer(io: dict[str, Any]) -> None:
    blocks = chainer_blocks()
    x = Variable(io["x"])
    y = blocks.a(x)
    numpy.testing.assert_allclose(data(y), io["a_train"], rtol=1e-5, atol=1e-5)
    y.grad = io["a_gy"]
    y.backward()
    numpy.testing.assert_allclose(data(x.grad), io["a_gx"], rtol=1e-4, atol=1e-5)
    numpy.testing.assert_allclose(
        data(blocks.a.conv1.W.grad), io["a_conv1_gW"], rtol=1e-4, atol=1e-5
    )
    gamma = blocks.a.bn4.gamma
    assert gamma is not None
    numpy.testing.assert_allclose(data(gamma.grad), io["a_bn4_ggamma"], rtol=1e-4, atol=1e-5)
    numpy.testing.assert_allclose(
        data(blocks.a.bn1.avg_mean), io["a_bn1_avg_mean_after"], rtol=1e-5
    )
    numpy.testing.assert_allclose(data(blocks.a.bn1.avg_var), io["a_bn1_avg_var_after"], rtol=1e-5)
    numpy.testing.assert_allclose(
        data(blocks.stage(io["x"])), io["stage_train"], rtol=1e-5, atol=1e-5
    )


@pytest.mark.parametrize("which", ["a", "b"])
def test_bottleneck_gradients_are_numerical(which: str) -> None:
    with chainer_seed(3):
        block: Link = BottleneckA(2, 2, 3, stride=2) if which == "a" else BottleneckB(3, 2)
    block.to_device("@numpy")
    for param in block.params():
        assert param.array is not None
        param.array = param.array.astype(numpy.float64)
    for link in block.links():
        if isinstance(link, BatchNormalization):
            link.avg_mean = numpy.random.default_rng(1).uniform(-1, 1, data(link.avg_mean).shape)
            link.avg_var = numpy.random.default_rng(2).uniform(0.5, 2, data(link.avg_var).shape)
    channels = 2 if which == "a" else 3
    x = numpy.random.default_rng(4).uniform(-1, 1, (2, channels, 3, 3))
    with using_config("train", False):
        check_params_backward(block, [x], tol=1e-5)


def test_building_block_structure_and_errors() -> None:
    stage = BuildingBlock(4, 8, 2, 8, 1)
    children = sorted(name for name, _ in stage.namedlinks(skipself=True) if name.count("/") == 1)
    assert children == ["/a", "/b1", "/b2", "/b3"]
    assert isinstance(getattr(stage, "b3"), BottleneckB)  # noqa: B009
    for bad in (0, -1, True):
        with pytest.raises(ValueError, match=r"n_layers must be an int of at least 1, got"):
            BuildingBlock(bad, 4, 2, 8, 1)


# --- whole models: Chainer's layout, seeded values, layer shapes --------------------------


def _cheap(monkeypatch: pytest.MonkeyPatch, name: str) -> Link:
    """The model with zero initial parameters (its layout, without 100M random draws)."""
    monkeypatch.setattr(vgg, "Normal", lambda scale: Zero())
    return MODELS[name](pretrained_model=None)


@pytest.mark.parametrize("name", list(MODELS))
def test_layout_is_chainers(
    name: str, manifest: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    model: Any = _cheap(monkeypatch, name)
    expected = manifest[name]
    assert model.available_layers == expected["available_layers"]
    serializer = DictionarySerializer()
    serializer.save(model)
    got = {
        key: [list(numpy.shape(value)), str(numpy.asarray(value).dtype)]
        for key, value in serializer.target.items()
    }
    assert sorted(got) == sorted(expected["arrays"])
    assert got == expected["arrays"]


def test_resnet50_seeded_matches_chainer(resnet50: ResNet50Layers, io: dict[str, Any]) -> None:
    with using_config("train", False):
        out = resnet50(x32(), layers=resnet50.available_layers)
    shapes = {name: out[name].shape for name in out}
    assert shapes == {
        "conv1": (2, 64, 16, 16),
        "pool1": (2, 64, 8, 8),
        "res2": (2, 256, 8, 8),
        "res3": (2, 512, 4, 4),
        "res4": (2, 1024, 2, 2),
        "res5": (2, 2048, 1, 1),
        "pool5": (2, 2048),
        "fc6": (2, 1000),
        "prob": (2, 1000),
    }
    assert_close(out["pool5"], io["res50_pool5"])
    assert_close(out["fc6"], io["res50_fc6"])
    numpy.testing.assert_allclose(data(out["prob"]).sum(axis=1), [1.0, 1.0], rtol=1e-5)


def test_googlenet_seeded_matches_chainer(google: GoogLeNet, io: dict[str, Any]) -> None:
    with using_config("train", False), no_backprop_mode():
        out = google(x224(), layers=google.available_layers)
    assert list(out) == google.available_layers
    shapes = {name: out[name].shape[1:] for name in out}
    assert shapes == {
        "conv1": (64, 112, 112),
        "pool1": (64, 56, 56),
        "conv2_reduce": (64, 56, 56),
        "conv2": (192, 56, 56),
        "pool2": (192, 28, 28),
        "inception_3a": (256, 28, 28),
        "inception_3b": (480, 28, 28),
        "pool3": (480, 14, 14),
        "inception_4a": (512, 14, 14),
        "inception_4b": (512, 14, 14),
        "inception_4c": (512, 14, 14),
        "inception_4d": (528, 14, 14),
        "inception_4e": (832, 14, 14),
        "pool4": (832, 7, 7),
        "inception_5a": (832, 7, 7),
        "inception_5b": (1024, 7, 7),
        "pool5": (1024, 1, 1),
        "loss3_fc": (1000,),
        "prob": (1000,),
        "loss1_fc2": (1000,),
        "loss2_fc2": (1000,),
    }
    for name in ("pool5", "loss3_fc", "loss1_fc2", "loss2_fc2"):
        assert_close(out[name], io[f"googlenet_{name}"])
    # A side output alone: computed from inception_4a without the layers after it.
    with using_config("train", False):
        side = google(x224(), layers=["loss1_fc2"])
    assert list(side) == ["loss1_fc2"]
    numpy.testing.assert_allclose(data(side["loss1_fc2"]), data(out["loss1_fc2"]), rtol=1e-6)


@pytest.mark.slow
def test_vgg16_seeded_matches_chainer(io: dict[str, Any]) -> None:
    with chainer_seed(0):
        model = VGG16Layers(pretrained_model=None)
    with using_config("train", False), no_backprop_mode():
        out = model(x224(), layers=model.available_layers)
    channels = {"1": 64, "2": 128, "3": 256, "4": 512, "5": 512}
    for name, value in out.items():
        if name.startswith("conv"):
            side = 224 >> (int(name[4]) - 1)
            assert value.shape == (1, channels[name[4]], side, side), name
        elif name.startswith("pool"):
            side = 224 >> int(name[4])
            assert value.shape == (1, channels[name[4]], side, side), name
        else:
            assert value.shape == (1, 4096 if name in ("fc6", "fc7") else 1000), name
    assert len(out) == 22
    assert_close(out["fc7"], io["vgg16_fc7"])
    assert_close(out["fc8"], io["vgg16_fc8"])


def test_vgg_convolutions_take_small_inputs(monkeypatch: pytest.MonkeyPatch) -> None:
    model = _cheap(monkeypatch, "VGG19Layers")
    assert isinstance(model, VGGLayers)
    assert model.n_layers == 19
    with using_config("train", False):
        out = model(numpy.ones((2, 3, 32, 32), numpy.float32), layers=["conv3_4", "pool5"])
    assert out["conv3_4"].shape == (2, 256, 8, 8)
    assert out["pool5"].shape == (2, 512, 1, 1)


def test_initial_parameters_follow_chainer(resnet50: ResNet50Layers, google: GoogLeNet) -> None:
    # ResNet: He-normal filters; GoogLeNet: LeCun-uniform outside the Inception modules and
    # zero biases (the seeded values are Chainer's, checked above; here the distributions).
    w = data(resnet50.res4.a.conv2.W)
    assert abs(w.std() / numpy.sqrt(2 / (256 * 9)) - 1) < 0.01
    w = data(google.conv1.W)
    assert numpy.abs(w).max() <= numpy.sqrt(3 / (3 * 49))
    assert w.std() > 0.08
    assert not data(google.conv1.b).any()
    assert not data(google.loss3_fc.b).any()
    assert abs(data(google.inc3a.conv1.W).std() / numpy.sqrt(1 / 192) - 1) < 0.05


# --- forward --------------------------------------------------------------------------------


def test_forward_stops_after_the_last_requested_layer(google: GoogLeNet) -> None:
    # 16x16 is too small for pool5 (7x7 window) but fine for the early layers.
    x = numpy.zeros((1, 3, 16, 16), numpy.float32)
    out = google(x, layers=["pool1", "conv1"])
    assert list(out) == ["conv1", "pool1"]
    assert google(x, layers=[]) == {}
    with pytest.raises(InvalidType, match="the window fits in the padded input"):
        google(x, layers=["pool5"])


def test_forward_default_layer_is_prob(resnet50: ResNet50Layers) -> None:
    with using_config("train", False):
        out = resnet50(x32())
    assert list(out) == ["prob"]
    assert out["prob"].shape == (2, 1000)


def test_forward_builds_a_graph_to_the_parameters(resnet50: ResNet50Layers) -> None:
    resnet50.cleargrads()
    x = Variable(x32())
    # Test mode: a training-mode call would update the shared model's BN statistics.
    with using_config("train", False):
        pool5 = resnet50(x, layers=["pool5"])["pool5"]
    pool5.grad = numpy.ones(pool5.shape, numpy.float32)
    pool5.backward()
    assert x.grad is not None
    assert numpy.isfinite(data(x.grad)).all()
    grads = [data(p.grad) for p in resnet50.res2.params()]
    assert all(numpy.isfinite(g).all() for g in grads)
    assert resnet50.fc6.W.grad is None  # fc6 is not on the path to pool5
    resnet50.cleargrads()


def test_forward_argument_errors(resnet50: ResNet50Layers) -> None:
    x = x32()
    with pytest.raises(ValueError, match=r"unknown layers \['fc7'\]; the available layers are"):
        resnet50(x, layers=["pool5", "fc7"])
    with pytest.raises(TypeError, match="layers must be a list of layer names, got the str"):
        resnet50(x, layers="pool5")
    with pytest.raises(ValueError, match="test argument is not supported anymore"):
        resnet50(x, layers=["pool5"], test=True)
    with pytest.raises(TypeError, match=r"unexpected keyword argument.*'foo'"):
        resnet50(x, layers=["pool5"], foo=1)


def test_constructor_errors() -> None:
    with pytest.raises(TypeError, match="pretrained_model must be None, 'auto' or the path"):
        ResNet50Layers(pretrained_model=3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="n_layers must be 50, 101 or 152, got 34"):
        ResNetLayers(None, 34)
    with pytest.raises(ValueError, match="n_layers must be 16 or 19, got 11"):
        VGGLayers(None, 11)


# --- pretrained_model: a path, 'auto' ----------------------------------------------------


def _write_chainer_layout(path: pathlib.Path, arrays: dict[str, Any]) -> dict[str, float]:
    """An npz in Chainer's layout where every array holds its own index."""
    values = {}
    payload = {}
    for index, (key, (shape, dtype)) in enumerate(sorted(arrays.items())):
        values[key] = float(index)
        payload[key] = numpy.full(shape, index, dtype=dtype)
    numpy.savez(path, **payload)  # type: ignore[arg-type]
    return values


def _assert_loaded(model: Link, values: dict[str, float]) -> None:
    serializer = DictionarySerializer()
    serializer.save(model)
    assert sorted(serializer.target) == sorted(values)
    for key, value in values.items():
        assert (numpy.asarray(serializer.target[key]) == value).all(), key


def test_pretrained_path_loads_chainers_layout(
    tmp_path: pathlib.Path, manifest: dict[str, Any]
) -> None:
    path = tmp_path / "googlenet.npz"
    values = _write_chainer_layout(path, manifest["GoogLeNet"]["arrays"])
    _assert_loaded(GoogLeNet(pretrained_model=str(path)), values)
    _assert_loaded(GoogLeNet(pretrained_model=path), values)


def test_pretrained_path_with_a_missing_array_names_it(
    tmp_path: pathlib.Path, manifest: dict[str, Any]
) -> None:
    arrays = dict(manifest["ResNet50Layers"]["arrays"])
    del arrays["res3/b2/conv2/W"]
    path = tmp_path / "partial.npz"
    _write_chainer_layout(path, arrays)
    with pytest.raises(KeyError, match="res3/b2/conv2/W"):
        ResNet50Layers(pretrained_model=path)


@pytest.fixture
def dataset_root(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> pathlib.Path:
    """A dataset root given the way Chainer users give it: ``CHAINER_DATASET_ROOT``."""
    monkeypatch.delenv("KUSARI_DATASET_ROOT", raising=False)
    monkeypatch.setenv("CHAINER_DATASET_ROOT", str(tmp_path))
    datasets = sys.modules.get("kusari.datasets")
    if datasets is not None:
        monkeypatch.setattr(datasets._download, "_root_override", None)
    return tmp_path


def test_auto_loads_chainers_cached_file(
    dataset_root: pathlib.Path, manifest: dict[str, Any]
) -> None:
    folder = dataset_root / "pfnet" / "chainer" / "models"
    assert os.path.normpath(models_directory()) == os.path.normpath(folder)
    folder.mkdir(parents=True)
    values = _write_chainer_layout(folder / "bvlc_googlenet.npz", manifest["GoogLeNet"]["arrays"])
    _assert_loaded(GoogLeNet(), values)


@pytest.mark.parametrize(
    ("factory", "filename", "hint"),
    [
        (GoogLeNet, "bvlc_googlenet.npz", "bvlc_googlenet.caffemodel"),
        (ResNet101Layers, "ResNet-101-model.npz", "ResNet-101-model.caffemodel"),
        (VGG19Layers, "VGG_ILSVRC_19_layers.npz", "VGG_ILSVRC_19_layers.caffemodel"),
    ],
)
def test_auto_without_the_file_says_how_to_get_it(
    dataset_root: pathlib.Path, factory: type[Link], filename: str, hint: str
) -> None:
    expected = os.path.join(str(dataset_root), "pfnet", "chainer", "models", filename)
    with pytest.raises(FileNotFoundError) as info:
        factory()
    message = str(info.value)
    assert expected in message
    assert hint in message
    assert "CHAINER_DATASET_ROOT" in message
    assert not (dataset_root / "pfnet").exists()


def test_empty_path_means_random_parameters() -> None:
    with chainer_seed(0):
        model = ResNet50Layers(pretrained_model="")
    assert data(model.conv1.W).std() > 0


# --- prepare, oversample, extract, predict -------------------------------------------------


@pytest.mark.parametrize("module", [vgg, resnet, googlenet])
def test_prepare_without_resizing_matches_chainer(module: Any, io: dict[str, Any]) -> None:
    name = module.__name__.rsplit(".", 1)[1]
    image = io["image"]
    got = module.prepare(image, size=None)
    assert got.dtype == numpy.float32
    assert got.shape == (3, 9, 13)
    numpy.testing.assert_array_equal(got, io[f"prepare_{name}"])
    # The same image channels-last gives the same result.
    numpy.testing.assert_array_equal(module.prepare(image.transpose(1, 2, 0), size=None), got)


@pytest.mark.parametrize("module", [vgg, resnet, googlenet])
def test_prepare_with_resizing_matches_chainer(module: Any, io: dict[str, Any]) -> None:
    pytest.importorskip("PIL")
    name = module.__name__.rsplit(".", 1)[1]
    got = module.prepare(io["image"], size=(8, 6))
    assert got.shape == (3, 6, 8)  # size is (width, height), as in Chainer
    numpy.testing.assert_array_equal(got, io[f"prepare_{name}_resized"])


def test_prepare_grey_and_rgba_images_match_chainer(io: dict[str, Any]) -> None:
    numpy.testing.assert_array_equal(vgg.prepare(io["gray"], size=None), io["prepare_gray"])
    numpy.testing.assert_array_equal(vgg.prepare(io["gray"][None], size=None), io["prepare_gray"])
    numpy.testing.assert_array_equal(vgg.prepare(io["rgba"], size=None), io["prepare_rgba"])


def test_prepare_pillow_images(io: dict[str, Any]) -> None:
    pil_image = pytest.importorskip("PIL.Image")
    image = pil_image.fromarray(io["image"].transpose(1, 2, 0))
    numpy.testing.assert_array_equal(vgg.prepare(image, size=None), io["prepare_vgg"])
    numpy.testing.assert_array_equal(vgg.prepare(image, size=(8, 6)), io["prepare_vgg_resized"])
    grey = pil_image.fromarray(io["gray"].astype(numpy.uint8))
    numpy.testing.assert_array_equal(vgg.prepare(grey, size=None), io["prepare_gray"])
    numpy.testing.assert_array_equal(vgg.prepare(grey, size=(7, 4)), io["prepare_gray_resized"])


def test_prepare_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError, match=r"must have the shape .* got the shape \(1, 2, 3, 4\)"):
        vgg.prepare(numpy.zeros((1, 2, 3, 4)), size=None)
    with pytest.raises(ValueError, match=r"1, 3 or 4 channels .* got the shape \(4, 4, 2\)"):
        vgg.prepare(numpy.zeros((4, 4, 2)), size=None)
    with pytest.raises(TypeError, match=r"numpy\.ndarray or a PIL\.Image\.Image, got list"):
        vgg.prepare([[0, 0], [0, 0]], size=None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"size must be None or a pair of positive ints"):
        vgg.prepare(numpy.zeros((4, 4)), size=(4, 0))
    # Without Pillow: arrays of the target size still work, resizing says what to install.
    monkeypatch.setitem(sys.modules, "PIL.Image", None)
    monkeypatch.setitem(sys.modules, "PIL", None)
    assert vgg.prepare(numpy.zeros((4, 5)), size=(5, 4)).shape == (3, 4, 5)
    with pytest.raises(ImportError, match="resizing an image needs Pillow"):
        vgg.prepare(numpy.zeros((4, 5)), size=(4, 4))


def test_oversample_matches_chainer(io: dict[str, Any]) -> None:
    batch = io["oversample_in"]
    numpy.testing.assert_array_equal(_image.oversample(batch, (4, 6)), io["oversample_out"])
    numpy.testing.assert_array_equal(_image.oversample(batch, (6, 6)), io["oversample_odd"])
    with pytest.raises(ValueError, match=r"the crops \(10, 6\) are larger than the images"):
        _image.oversample(batch, (10, 6))


def test_predict_matches_chainer(google: GoogLeNet, io: dict[str, Any]) -> None:
    images = list(
        numpy.random.RandomState(8).randint(0, 256, (2, 256, 256, 3)).astype(numpy.uint8)
    )
    for oversample, key in ((True, "predict_oversample"), (False, "predict_center")):
        y = google.predict(images, oversample=oversample)
        assert y.creator is None
        assert y.shape == (2, 1000)
        numpy.testing.assert_allclose(data(y), io[key], rtol=1e-4, atol=1e-7)
    # predict switches to inference only inside the call.
    from kusari.graph import config

    assert config.train
    assert config.enable_backprop


def test_extract_matches_chainer(resnet50: ResNet50Layers, io: dict[str, Any]) -> None:
    pytest.importorskip("PIL")
    image = io["image"]
    with using_config("train", False):
        out = resnet50.extract([image, image[:, ::-1]], layers=["pool5"], size=(40, 40))
    assert list(out) == ["pool5"]
    assert out["pool5"].creator is not None
    assert_close(out["pool5"], io["extract_pool5"])


def test_extract_without_resizing_and_errors(resnet50: ResNet50Layers) -> None:
    images = [numpy.zeros((32, 32, 3), numpy.uint8), numpy.zeros((3, 32, 32), numpy.uint8)]
    with using_config("train", False), no_backprop_mode():
        out = resnet50.extract(images, size=None)
    assert list(out) == ["pool5"]
    assert out["pool5"].shape == (2, 2048)
    with pytest.raises(ValueError, match="must have the same size after preparation"):
        resnet50.extract([numpy.zeros((32, 32)), numpy.zeros((32, 40))], size=None)
    with pytest.raises(ValueError, match="images is empty"):
        resnet50.extract([], size=None)
    for legacy in ("test", "volatile"):
        with pytest.raises(ValueError, match=f"{legacy} argument is not supported anymore"):
            resnet50.extract(images, None, None, **{legacy: True})
