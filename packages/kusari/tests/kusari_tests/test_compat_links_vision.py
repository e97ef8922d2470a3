"""Chainer-style code using the pretrained vision models (``chainer.links.ResNet50Layers``...).

The numbers against Chainer 7.8.1 are checked in kusari-links' ``test_std_vision_models.py``;
here, that Chainer scripts run: names, extraction, fine-tuning, the ``'auto'`` model cache.
"""

from __future__ import annotations

import pathlib
import types
from collections.abc import Iterator
from typing import Any

import numpy
import pytest

from kusari import links
from kusari.compat import install_as_chainer, uninstall_chainer


@pytest.fixture
def chainer() -> Iterator[types.ModuleType]:
    module = install_as_chainer()
    yield module
    uninstall_chainer()


def test_chainer_names_are_kusaris(chainer: Any) -> None:
    import chainer.links as L
    from chainer.links.model.vision import googlenet, resnet, vgg

    assert L.VGG16Layers is links.VGG16Layers
    assert L.VGG19Layers is links.VGG19Layers
    assert L.ResNet50Layers is links.ResNet50Layers
    assert L.ResNet101Layers is links.ResNet101Layers
    assert L.ResNet152Layers is links.ResNet152Layers
    assert L.GoogLeNet is links.GoogLeNet
    assert resnet.BuildingBlock is links.model.vision.BuildingBlock
    assert resnet.BottleneckA is links.model.vision.BottleneckA
    assert resnet.BottleneckB is links.model.vision.BottleneckB
    assert vgg.prepare is links.model.vision.vgg.prepare
    assert googlenet.prepare is links.model.vision.googlenet.prepare
    assert chainer.links.model.vision.resnet is resnet


def test_feature_extraction_script(chainer: Any) -> None:
    import chainer.links as L
    from chainer.links.model.vision.resnet import prepare

    model = L.ResNet50Layers(pretrained_model=None)
    rng = numpy.random.RandomState(0)
    images = [rng.randint(0, 256, (32, 32, 3)).astype(numpy.uint8) for _ in range(2)]
    with chainer.using_config("train", False), chainer.no_backprop_mode():
        features = model.extract(images, layers=["res4", "pool5"], size=None)
        x = numpy.stack([prepare(image, size=None) for image in images])
        direct = model(x, layers=["pool5"])["pool5"]
    assert features["res4"].shape == (2, 1024, 2, 2)
    assert isinstance(features["pool5"], chainer.Variable)
    assert features["pool5"].creator is None
    numpy.testing.assert_allclose(features["pool5"].array, direct.array, rtol=1e-6)
    # Chainer's preprocessing by hand: RGB -> BGR, minus the mean, channels first.
    mean = numpy.array([103.063, 115.903, 123.152], numpy.float32)
    by_hand = (images[0][:, :, ::-1].astype(numpy.float32) - mean).transpose(2, 0, 1)
    numpy.testing.assert_array_equal(x[0], by_hand)


def test_fine_tuning_a_block_with_chainer_optimizers(chainer: Any) -> None:
    import chainer.functions as F
    from chainer.links.model.vision.resnet import BuildingBlock

    stage = BuildingBlock(2, 4, 2, 8, 2)
    optimizer = chainer.optimizers.SGD(lr=0.1)
    optimizer.setup(stage)
    x = numpy.random.RandomState(2).normal(size=(4, 4, 6, 6)).astype(numpy.float32)
    losses = []
    for _ in range(5):
        loss = F.mean(F.square(stage(x) - 1.0))
        stage.cleargrads()
        loss.backward()
        optimizer.update()
        losses.append(float(loss.array))
    assert losses[-1] < losses[0]


def test_auto_reuses_chainers_model_cache(
    chainer: Any, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import chainer.links as L

    monkeypatch.delenv("KUSARI_DATASET_ROOT", raising=False)
    monkeypatch.setenv("CHAINER_DATASET_ROOT", str(tmp_path))
    source = L.GoogLeNet(pretrained_model=None)
    folder = chainer.dataset.get_dataset_directory("pfnet/chainer/models/")
    chainer.serializers.save_npz(f"{folder}/bvlc_googlenet.npz", source)
    loaded = L.GoogLeNet()  # pretrained_model='auto'
    numpy.testing.assert_array_equal(loaded.inc4d.conv5.W.array, source.inc4d.conv5.W.array)
    numpy.testing.assert_array_equal(loaded.loss2_fc1.W.array, source.loss2_fc1.W.array)
    with pytest.raises(FileNotFoundError, match=r"ResNet-50-model\.npz"):
        L.ResNet50Layers()
