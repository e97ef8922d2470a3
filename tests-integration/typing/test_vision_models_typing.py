"""User-style code: the pretrained vision models (``kusari.links.ResNet50Layers``...)."""

from __future__ import annotations

import pathlib
from typing import assert_type

import numpy
import numpy.typing as npt

import kusari.links as L
from kusari.graph import Variable, using_config
from kusari.links.model.vision import BottleneckA, BuildingBlock, read_caffemodel
from kusari.links.model.vision.resnet import prepare


def test_forward_and_extract_return_variables_by_layer() -> None:
    model = L.ResNet50Layers(pretrained_model=None)
    x = numpy.zeros((1, 3, 32, 32), numpy.float32)
    with using_config("train", False):
        out = model(x, layers=["res2", "pool5"])
        features = model.extract([numpy.zeros((32, 32, 3), numpy.uint8)], size=None)
    assert_type(out, dict[str, Variable])
    assert_type(features, dict[str, Variable])
    assert_type(model.available_layers, list[str])
    assert_type(model.res2, BuildingBlock)
    assert_type(model.res2.a, BottleneckA)
    assert_type(model.res3.a(out["res2"]), Variable)
    image = prepare(numpy.zeros((4, 4, 3), numpy.uint8), size=None)
    assert_type(image, npt.NDArray[numpy.float32])
    assert out["pool5"].shape == (1, 2048)
    assert image.shape == (3, 4, 4)


def _predict_and_convert(model: L.GoogLeNet, folder: pathlib.Path) -> None:
    assert_type(model.predict([numpy.zeros((256, 256, 3), numpy.uint8)]), Variable)
    L.GoogLeNet.convert_caffemodel_to_npz(folder / "bvlc_googlenet.caffemodel", folder / "g.npz")
    assert_type(
        read_caffemodel(folder / "bvlc_googlenet.caffemodel"),
        dict[str, list[npt.NDArray[numpy.float32]]],
    )
