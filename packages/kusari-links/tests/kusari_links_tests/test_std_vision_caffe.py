"""Reading ``.caffemodel`` files and converting them for the pretrained vision models.

The Caffe files are written here by a small protocol-buffer encoder following caffe.proto
(``NetParameter.layer`` = 100, ``NetParameter.layers`` = 2 (V1), ``LayerParameter``: name 1,
type 2, blobs 7; ``V1LayerParameter``: name 4, type 5, blobs 6; ``BlobProto``: num,
channels, height, width 1-4, data 5, shape 7, double_data 8; ``BlobShape.dim`` 1), with
the layer names of the published models (BVLC GoogLeNet, MSRA ResNet, VGG).

Cross-checked once against Chainer 7.8.1 (not part of the suite: it needs protobuf): files
from this encoder, with the layer types and parameters Chainer's ``CaffeFunction`` needs
added, for GoogLeNet, ResNet-50, ResNet-101 (BatchNorm factor 3) and VGG-16 (V1 format),
converted by Chainer's ``convert_caffemodel_to_npz`` and by kusari's, gave the same keys and
bit-identical arrays.
"""

from __future__ import annotations

import pathlib
import struct
from collections.abc import Iterable
from typing import Any

import numpy
import pytest

from kusari.links import (
    BatchNormalization,
    GoogLeNet,
    Link,
    ResNet50Layers,
    ResNet101Layers,
    VGG16Layers,
)
from kusari.links.model.vision import CaffeFormatError, ResNetLayers, read_caffemodel
from kusari.links.model.vision.resnet import _caffe_sources

from ._std_support import chainer_seed, data
from .test_std_vision_models import dataset_root  # noqa: F401  (a fixture)


def varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def field(number: int, payload: bytes) -> bytes:
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def number_field(number: int, value: int) -> bytes:
    return varint(number << 3) + varint(value)


def blob(array: Any, *, legacy: bool = False, packed: bool = True, double: bool = False) -> bytes:
    array = numpy.asarray(array)
    if legacy:
        dims = (1,) * (4 - array.ndim) + array.shape
        out = b"".join(number_field(i, d) for i, d in enumerate(dims, start=1))
    else:
        out = field(7, field(1, b"".join(varint(d) for d in array.shape)))
    values = array.reshape(-1)
    if double:
        out += field(8, values.astype("<f8").tobytes())
    elif packed:
        out += field(5, values.astype("<f4").tobytes())
    else:  # one fixed32 per value
        out += b"".join(varint(5 << 3 | 5) + struct.pack("<f", v) for v in values)
    return out


def layer(name: str, blobs: Iterable[bytes], *, v1: bool = False) -> bytes:
    if v1:
        head = field(4, name.encode()) + number_field(5, 4)  # the layer type, an enum
        return head + b"".join(field(6, b) for b in blobs)
    head = field(1, name.encode()) + field(2, b"Convolution")
    # A fixed64 and a fixed32 field the reader has to skip.
    head += varint(99 << 3 | 1) + bytes(8) + varint(98 << 3 | 5) + bytes(4)
    return head + b"".join(field(7, b) for b in blobs)


def net(layers: Iterable[bytes], *, v1: bool = False) -> bytes:
    return field(1, b"net") + b"".join(field(2 if v1 else 100, item) for item in layers)


def write(path: pathlib.Path, content: bytes) -> pathlib.Path:
    path.write_bytes(content)
    return path


def params(model: Link) -> dict[str, Any]:
    return {path: data(p) for path, p in model.namedparams()}


# --- the reader -----------------------------------------------------------------------------


def test_reads_both_formats_and_every_blob_encoding(tmp_path: pathlib.Path) -> None:
    w = numpy.arange(24, dtype=numpy.float32).reshape(2, 3, 2, 2) / 7
    b = numpy.array([0.5, -1.5], numpy.float32)
    fc = numpy.arange(6, dtype=numpy.float32).reshape(2, 3)
    current = net(
        [
            layer("conv", [blob(w), blob(b, packed=False)]),
            layer("relu", []),
            layer("fc", [blob(fc, legacy=True), blob(b, double=True)]),
        ]
    )
    got = read_caffemodel(write(tmp_path / "new.caffemodel", current))
    assert list(got) == ["conv", "fc"]
    numpy.testing.assert_array_equal(got["conv"][0], w)
    numpy.testing.assert_array_equal(got["conv"][1], b)
    assert got["fc"][0].shape == (1, 1, 2, 3)
    numpy.testing.assert_array_equal(got["fc"][0].reshape(2, 3), fc)
    assert got["fc"][1].dtype == numpy.float32
    numpy.testing.assert_array_equal(got["fc"][1], b)
    old = net([layer("conv1_1", [blob(w, legacy=True), blob(b, legacy=True)], v1=True)], v1=True)
    got = read_caffemodel(write(tmp_path / "v1.caffemodel", old))
    numpy.testing.assert_array_equal(got["conv1_1"][0], w)
    assert got["conv1_1"][1].shape == (1, 1, 1, 2)  # legacy blobs are 4-D
    numpy.testing.assert_array_equal(got["conv1_1"][1].reshape(-1), b)


def test_reader_errors(tmp_path: pathlib.Path) -> None:
    good = net([layer("conv", [blob(numpy.ones((2, 2)))])])
    path = write(tmp_path / "cut.caffemodel", good[:-3])
    with pytest.raises(CaffeFormatError, match=r"cut\.caffemodel is not a readable \.caffemodel"):
        read_caffemodel(path)
    bad_shape = field(7, field(1, varint(3))) + field(5, numpy.ones(2, "<f4").tobytes())
    path = write(tmp_path / "shape.caffemodel", net([layer("x", [bad_shape])]))
    with pytest.raises(CaffeFormatError, match=r"a blob of shape \(3,\) holds 2 values"):
        read_caffemodel(path)
    path = write(tmp_path / "wire.caffemodel", varint(7 << 3 | 3))
    with pytest.raises(CaffeFormatError, match="unsupported wire type 3"):
        read_caffemodel(path)


# --- conversion -----------------------------------------------------------------------------


def googlenet_caffemodel(model: GoogLeNet) -> bytes:
    """BVLC's layer names for ``model``'s parameters; fully connected weights as 4-D."""
    names = {
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
    inception = {
        "conv1": "1x1",
        "proj3": "3x3_reduce",
        "conv3": "3x3",
        "proj5": "5x5_reduce",
        "conv5": "5x5",
        "projp": "pool_proj",
    }
    for stage in ("3a", "3b", "4a", "4b", "4c", "4d", "4e", "5a", "5b"):
        for child, caffe in inception.items():
            names[f"inc{stage}/{child}"] = f"inception_{stage}/{caffe}"
    found = params(model)
    layers = [
        layer(
            caffe,
            [
                blob(found[f"/{path}/W"], legacy="fc" in path),
                blob(found[f"/{path}/b"]),
            ],
        )
        for path, caffe in names.items()
    ]
    return net(layers)


def test_googlenet_auto_converts_the_caffemodel(
    dataset_root: pathlib.Path,  # noqa: F811
) -> None:
    with chainer_seed(5):
        source = GoogLeNet(pretrained_model=None)
    folder = dataset_root / "pfnet" / "chainer" / "models"
    folder.mkdir(parents=True)
    write(folder / "bvlc_googlenet.caffemodel", googlenet_caffemodel(source))
    loaded = GoogLeNet()  # 'auto': converts, saves bvlc_googlenet.npz, loads it
    assert (folder / "bvlc_googlenet.npz").is_file()
    expected = params(source)
    got = params(loaded)
    assert sorted(got) == sorted(expected)
    for path, value in expected.items():
        numpy.testing.assert_array_equal(got[path], value, err_msg=path)
    # The npz is Chainer's file: uncompressed, and loaded as it is the next time.
    again = GoogLeNet(pretrained_model=folder / "bvlc_googlenet.npz")
    numpy.testing.assert_array_equal(data(again.inc5b.projp.W), expected["/inc5b/projp/W"])


def resnet50_caffemodel(model: ResNet50Layers, factor: float) -> bytes:
    """MSRA's layer names; BatchNorm blobs hold the statistics times ``factor``."""
    found = params(model)
    links = dict(model.namedlinks())
    layers = [
        layer("conv1", [blob(found["/conv1/W"]), blob(found["/conv1/b"])]),
        layer("fc1000", [blob(found["/fc6/W"]), blob(found["/fc6/b"])]),
    ]
    pairs = [("bn1", "conv1")]
    for stage, count in zip(range(2, 6), (3, 4, 6, 3), strict=True):
        for index in range(count):
            ours = "a" if index == 0 else f"b{index}"
            theirs = f"{stage}{'abcdef'[index]}"
            branches = ["2a", "2b", "2c", "1"] if index == 0 else ["2a", "2b", "2c"]
            for number, branch in enumerate(branches, start=1):
                conv = f"/res{stage}/{ours}/conv{number}/W"
                layers.append(layer(f"res{theirs}_branch{branch}", [blob(found[conv])]))
                pairs.append((f"res{stage}/{ours}/bn{number}", f"{theirs}_branch{branch}"))
    for ours, theirs in pairs:
        norm: Any = links["/" + ours]
        stats = [blob(norm.avg_mean * factor), blob(norm.avg_var * factor), blob([factor])]
        layers.append(layer(f"bn_{theirs}" if ours == "bn1" else f"bn{theirs}", stats))
        scale = [blob(found[f"/{ours}/gamma"]), blob(found[f"/{ours}/beta"])]
        layers.append(layer(f"scale_{theirs}" if ours == "bn1" else f"scale{theirs}", scale))
    return net(layers)


@pytest.mark.parametrize("factor", [999.98, 0.0])
def test_resnet50_conversion(tmp_path: pathlib.Path, factor: float) -> None:
    with chainer_seed(6):
        source = ResNet50Layers(pretrained_model=None)
    rng = numpy.random.default_rng(7)
    for link in source.links():
        norm: Any = link
        if isinstance(link, BatchNormalization):
            for name in ("gamma", "beta"):
                getattr(norm, name).array[...] = rng.uniform(0.5, 1.5, norm.avg_var.shape)
            norm.avg_mean[...] = rng.normal(size=norm.avg_mean.shape)
            norm.avg_var[...] = rng.uniform(0.5, 2.0, norm.avg_var.shape)
    caffemodel = write(
        tmp_path / "ResNet-50-model.caffemodel", resnet50_caffemodel(source, factor)
    )
    ResNet50Layers.convert_caffemodel_to_npz(caffemodel, tmp_path / "r50.npz")
    loaded = ResNet50Layers(pretrained_model=tmp_path / "r50.npz")
    expected = params(source)
    for path, value in params(loaded).items():
        numpy.testing.assert_array_equal(value, expected[path], err_msg=path)
    target: Any = getattr(loaded.res4, "b5").bn3  # noqa: B009
    reference: Any = getattr(source.res4, "b5").bn3  # noqa: B009
    if factor:
        # Caffe stores the statistics times the factor; the conversion divides it out.
        numpy.testing.assert_allclose(target.avg_mean, reference.avg_mean, rtol=1e-6)
        numpy.testing.assert_allclose(target.avg_var, reference.avg_var, rtol=1e-6)
    else:  # a zero factor gives zero statistics, as in Chainer
        assert not target.avg_mean.any()
        assert not target.avg_var.any()


def test_resnet_caffe_names_of_the_deeper_models() -> None:
    blobs, batch_norms = _caffe_sources(101, conv1_bias=True)
    assert ("res4/b22/conv3/W", "res4b22_branch2c", 0) in blobs
    assert ("res3/b3/conv1/W", "res3b3_branch2a", 0) in blobs
    assert ("res5/b2/conv2/W", "res5c_branch2b", 0) in blobs  # stage 5 keeps letters
    assert ("res2/a/bn4", "bn2a_branch1", "scale2a_branch1") in batch_norms
    assert ("conv1/b", "conv1", 1) in blobs
    blobs, _ = _caffe_sources(152, conv1_bias=False)
    assert ("res3/b7/conv3/W", "res3b7_branch2c", 0) in blobs
    assert ("res4/b35/conv3/W", "res4b35_branch2c", 0) in blobs
    assert all(path != "conv1/b" for path, _, _ in blobs)
    model_paths = {path for path, _ in ResNet101Layers(pretrained_model=None).namedparams()}
    mapped = {f"/{path}" for path, _, _ in _caffe_sources(101, True)[0]}
    mapped |= {f"/{p}/{n}" for p, _, _ in _caffe_sources(101, True)[1] for n in ("gamma", "beta")}
    assert mapped == model_paths


def test_conversion_errors(tmp_path: pathlib.Path) -> None:
    with pytest.raises(ValueError, match="ResNet50Layers has 50 layers, got n_layers=101"):
        ResNet50Layers.convert_caffemodel_to_npz(tmp_path / "x", tmp_path / "y", 101)
    with pytest.raises(ValueError, match="n_layers must be 50, 101 or 152, got 34"):
        ResNetLayers.convert_caffemodel_to_npz(tmp_path / "x", tmp_path / "y", 34)
    # VGG (the V1 format): every convolution is found, then the missing fc6 is named.
    rng = numpy.random.default_rng(0)
    layers = []
    channels = [3, 64, 64, 128, 128, 256, 256, 256, 512, 512, 512, 512, 512, 512]
    names = [
        f"conv{b}_{i}" for b, n in enumerate((2, 2, 3, 3, 3), start=1) for i in range(1, n + 1)
    ]
    for name, cin, cout in zip(names, channels[:-1], channels[1:], strict=True):
        w = rng.standard_normal((cout, cin, 3, 3), dtype=numpy.float32)
        layers.append(layer(name, [blob(w, legacy=True), blob(numpy.zeros(cout))], v1=True))
    path = write(tmp_path / "vgg.caffemodel", net(layers, v1=True))
    with pytest.raises(CaffeFormatError, match=r"no layer 'fc6' \(for fc6/W\)"):
        VGG16Layers.convert_caffemodel_to_npz(path, tmp_path / "vgg.npz")
    assert not (tmp_path / "vgg.npz").exists()
    wrong = net([layer("conv1/7x7_s2", [blob(numpy.ones((64, 3, 7, 6))), blob(numpy.ones(64))])])
    path = write(tmp_path / "g.caffemodel", wrong)
    with pytest.raises(CaffeFormatError, match=r"blob of shape \(64, 3, 7, 6\); conv1/W has"):
        GoogLeNet.convert_caffemodel_to_npz(path, tmp_path / "g.npz")
