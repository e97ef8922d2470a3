"""Chainer-style code using the standard links (``chainer.links``) running on kusari.

``data/chainer_std_links_v7.npz`` was written by Chainer 7.8.1 (``save_npz`` of the ``Net``
below after one training-mode call, ``numpy.random.seed(1)``), and
``data/chainer_std_links_v7_io.npz`` holds the inputs and Chainer's test-mode outputs.
"""

from __future__ import annotations

import io
import pathlib
import types
from collections.abc import Iterator
from typing import Any

import numpy
import pytest

from kusari import links
from kusari.compat import install_as_chainer, uninstall_chainer

DATA = pathlib.Path(__file__).parent / "data"


@pytest.fixture
def chainer() -> Iterator[types.ModuleType]:
    module = install_as_chainer()
    yield module
    uninstall_chainer()


def _net_class(chainer: Any) -> Any:
    F = chainer.functions
    L = chainer.links

    class Net(chainer.Chain):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            with self.init_scope():
                self.embed = L.EmbedID(5, 3, ignore_label=-1)
                self.lstm = L.LSTM(3, 4)
                self.conv = L.Convolution2D(1, 2, 3, pad=1)
                self.bn = L.BatchNormalization(2)
                self.fc = L.Linear(None, 3)
                self.deconv = L.Deconvolution2D(2, 1, 2, stride=2)

        def forward(self, ids: Any, img: Any) -> Any:
            h = self.lstm(self.embed(ids))
            c = F.relu(self.bn(self.conv(img)))
            d = self.deconv(c)
            return self.fc(F.concat([h, F.reshape(c, (len(ids), -1))], axis=1)), d

    return Net


def test_chainer_links_names(chainer: types.ModuleType) -> None:
    import chainer.links as L

    for name in ("Linear", "Convolution2D", "EmbedID", "BatchNormalization", "LSTM"):
        assert getattr(L, name) is getattr(links, name)
    assert L.Classifier is links.Classifier
    assert L.Parameter is links.ParameterLink
    for name in ("NStepLSTM", "GRU", "StatelessGRU", "LayerNormalization", "Highway"):
        assert getattr(L, name) is getattr(links, name)
    import chainer.functions as F

    import kusari.functions

    for name in ("batch_normalization", "fixed_batch_normalization", "forget", "normalize"):
        assert getattr(F, name) is getattr(kusari.functions, name)


def test_loads_a_model_saved_by_chainer(chainer: types.ModuleType) -> None:
    net = _net_class(chainer)()
    assert net.fc.W.array is None
    chainer.serializers.load_npz(str(DATA / "chainer_std_links_v7.npz"), net)
    assert net.fc.W.shape == (3, 36)
    assert net.bn.N == 0
    with numpy.load(DATA / "chainer_std_links_v7_io.npz") as io_npz:
        expected = {key: io_npz[key] for key in io_npz.files}
    with chainer.using_config("train", False):
        y, d = net(expected["ids"], expected["img"])
        y2, _ = net(expected["ids"], expected["img"])
    numpy.testing.assert_allclose(y.array, expected["y"], rtol=1e-5, atol=1e-6)
    numpy.testing.assert_allclose(d.array, expected["d"], rtol=1e-5, atol=1e-6)
    numpy.testing.assert_allclose(y2.array, expected["y2"], rtol=1e-5, atol=1e-6)


def test_saves_the_keys_chainer_saves(chainer: types.ModuleType) -> None:
    net = _net_class(chainer)()
    net(numpy.array([1, 2, 3], numpy.int32), numpy.zeros((3, 1, 4, 4), numpy.float32))
    buffer = io.BytesIO()
    chainer.serializers.save_npz(buffer, net)
    buffer.seek(0)
    with numpy.load(buffer) as ours, numpy.load(DATA / "chainer_std_links_v7.npz") as theirs:
        assert sorted(ours.files) == sorted(theirs.files)
        for key in theirs.files:
            assert ours[key].shape == theirs[key].shape, key
            assert ours[key].dtype == theirs[key].dtype, key


def test_classifier_trains_with_a_chainer_optimizer(chainer: types.ModuleType) -> None:
    import chainer.functions as F
    import chainer.links as L

    class MLP(chainer.Chain):  # type: ignore[misc,name-defined]
        def __init__(self) -> None:
            super().__init__()
            with self.init_scope():
                self.l1 = L.Linear(None, 8)
                self.bn = L.BatchNormalization(8)
                self.l2 = L.Linear(8, 2)

        def forward(self, x: Any) -> Any:
            return self.l2(F.relu(self.bn(self.l1(x))))

    rng = numpy.random.default_rng(0)
    x = rng.standard_normal((32, 4)).astype(numpy.float32)
    t = (x[:, 0] > 0).astype(numpy.int32)
    model = L.Classifier(MLP())
    optimizer = chainer.optimizers.Adam(alpha=0.05)
    optimizer.setup(model)
    losses = []
    for _ in range(30):
        optimizer.update(model, x, t)
        losses.append(float(model.loss.array))
    assert losses[-1] < 0.5 * losses[0]
    assert float(model.accuracy.array) > 0.9


def test_loss_links_in_chainer_style(chainer: types.ModuleType) -> None:
    import chainer.links as L
    from chainer import optimizers

    for name in (
        "NegativeSampling",
        "BlackOut",
        "CRF1d",
        "BinaryHierarchicalSoftmax",
        "LocalConvolution2D",
        "ChildSumTreeLSTM",
        "NaryTreeLSTM",
        "DecorrelatedBatchNormalization",
    ):
        assert getattr(L, name) is getattr(links, name)

    class SkipGram(chainer.Chain):  # type: ignore[name-defined,misc]
        def __init__(self, counts: list[int]) -> None:
            super().__init__()
            with self.init_scope():
                self.embed = L.EmbedID(len(counts), 4)
                self.loss = L.NegativeSampling(4, counts, 3)

        def forward(self, center: Any, context: Any) -> Any:
            return self.loss(self.embed(center), context)

    numpy.random.seed(0)  # noqa: NPY002
    model = SkipGram([4, 1, 3, 2, 5])
    optimizer = optimizers.SGD(lr=0.1)
    optimizer.setup(model)
    center = numpy.array([0, 1, 2, 3, 4], numpy.int32)
    context = numpy.array([1, 2, 3, 4, 0], numpy.int32)
    losses = []
    for _ in range(30):
        model.cleargrads()
        loss = model(center, context)
        loss.backward()
        optimizer.update()
        losses.append(float(loss.array))
    assert losses[-1] < losses[0]

    tree = L.BinaryHierarchicalSoftmax.create_huffman_tree({0: 4, 1: 1, 2: 3, 3: 2})
    hsm = L.BinaryHierarchicalSoftmax(2, tree)
    assert float(hsm(numpy.ones((1, 2), numpy.float32), numpy.array([3])).array) > 0
    crf = L.CRF1d(3)
    xs = [numpy.zeros((2, 3), numpy.float32), numpy.zeros((1, 3), numpy.float32)]
    ys = [numpy.array([0, 1], numpy.int32), numpy.array([2], numpy.int32)]
    # Uniform scores: each sequence costs log(3 ** length); the mean over the two.
    expected = (2 * numpy.log(3) + numpy.log(3)) / 2
    assert float(crf(xs, ys, transpose=True).array) == pytest.approx(expected, rel=1e-6)
