"""Chainer-style link, initializer and serializer code running on kusari."""

from __future__ import annotations

import io
import types
from collections.abc import Iterator
from typing import Any

import numpy
import pytest

from kusari import initializers, links, serializers
from kusari.compat import install_as_chainer, uninstall_chainer


@pytest.fixture
def chainer() -> Iterator[types.ModuleType]:
    module = install_as_chainer()
    yield module
    uninstall_chainer()


def test_top_level_names(chainer: types.ModuleType) -> None:
    assert chainer.Parameter is links.Parameter
    assert chainer.Link is links.Link
    assert chainer.Chain is links.Chain
    assert chainer.ChainList is links.ChainList
    assert chainer.Sequential is links.Sequential
    assert chainer.LinkHook is links.LinkHook
    assert chainer.Initializer is initializers.Initializer
    assert chainer.Serializer is serializers.Serializer
    assert chainer.Deserializer is serializers.Deserializer
    assert chainer.AbstractSerializer is serializers.AbstractSerializer


def test_modules(chainer: types.ModuleType) -> None:
    from chainer import initializer, link, link_hook, link_hooks, sequential, serializer
    from chainer import initializers as I
    from chainer import links as L
    from chainer import serializers as S

    assert L.Parameter is links.ParameterLink
    assert link.Chain is links.Chain
    assert link_hook.LinkHook is links.LinkHook
    assert sequential.Sequential is links.Sequential
    assert initializer.Initializer is initializers.Initializer
    assert initializer.get_fans((2, 3)) == (3, 2)
    assert I.HeNormal is initializers.HeNormal
    assert isinstance(I._get_initializer(None), initializers.LeCunNormal)
    assert serializer.Deserializer is serializers.Deserializer
    assert S.save_npz is serializers.save_npz
    assert isinstance(link_hooks, types.ModuleType)
    assert chainer.variable.Parameter is links.Parameter


def test_chainer_style_model_trains_saves_and_loads(chainer: types.ModuleType) -> None:
    from chainer import initializers as init
    from chainer import links as L
    from chainer import serializers as S

    class Affine(chainer.Link):  # type: ignore[name-defined,misc]
        def __init__(self, n_in: int | None, n_out: int) -> None:
            super().__init__()
            with self.init_scope():
                self.W = chainer.Parameter(init._get_initializer(None), None)
                self.b = chainer.Parameter(0, (n_out,))
            self.n_out = n_out
            self.add_persistent("calls", 0)

        def forward(self, x: Any) -> Any:
            if self.W.array is None:
                self.W.initialize((self.n_out, x.shape[1]))
            self.calls += 1
            return x @ self.W.array.T + self.b.array

    class MLP(chainer.Chain):  # type: ignore[name-defined,misc]
        def __init__(self) -> None:
            super().__init__()
            with self.init_scope():
                self.l1 = Affine(None, 4)
                self.l2 = Affine(None, 2)
                self.bias = L.Parameter(numpy.zeros(2, numpy.float32))

        def forward(self, x: Any) -> Any:
            return self.l2(numpy.maximum(self.l1(x), 0)) + self.bias().array

    numpy.random.seed(1)  # noqa: NPY002
    model = MLP()
    x = numpy.ones((3, 5), numpy.float32)
    y = model(x)
    assert y.shape == (3, 2)
    assert [name for name, _ in model.namedparams()] == [
        "/bias/W",
        "/l1/W",
        "/l1/b",
        "/l2/W",
        "/l2/b",
    ]
    buffer = io.BytesIO()
    S.save_npz(buffer, model)
    numpy.random.seed(2)  # noqa: NPY002
    restored = MLP()
    buffer.seek(0)
    S.load_npz(buffer, restored)
    numpy.testing.assert_array_equal(restored(x), y)
    assert restored.l1.calls == 2  # one loaded call plus the one above


def test_chainer_style_sequential_and_repeat(chainer: types.ModuleType) -> None:
    from chainer import links as L

    block = chainer.Sequential(L.Parameter(numpy.ones(2, numpy.float32)))
    net = block.repeat(3, mode="copy")
    assert len(net) == 3
    assert [name for name, _ in net.namedparams()] == ["/0/0/W", "/1/0/W", "/2/0/W"]


def test_chainer_style_link_hook(chainer: types.ModuleType) -> None:
    from chainer import links as L

    calls: list[str] = []

    class Hook(chainer.LinkHook):  # type: ignore[name-defined,misc]
        name = "hook"

        def forward_preprocess(self, args: Any) -> None:
            calls.append(type(args.link).__name__)

    link = L.Parameter(numpy.zeros(1, numpy.float32))
    with Hook():
        link()
    assert calls == ["ParameterLink"]


def test_custom_initializer_subclass(chainer: types.ModuleType) -> None:
    from chainer import initializer

    class Fives(initializer.Initializer):  # type: ignore[misc]
        def __call__(self, array: Any) -> None:
            array[...] = 5

    p = chainer.Parameter(Fives(), (2,))
    numpy.testing.assert_array_equal(p.array, [5, 5])


def test_chainer_link_hooks_spectral_normalization_and_timer(chainer: types.ModuleType) -> None:
    import chainer.links as L
    from chainer.link_hooks import SpectralNormalization, TimerHook, WeightStandardization

    from kusari.links import hooks

    assert SpectralNormalization is hooks.SpectralNormalization
    assert WeightStandardization is hooks.WeightStandardization
    assert TimerHook is hooks.TimerHook

    W = numpy.array([[1.0, 2.0, -1.0], [0.5, -3.0, 2.0]], numpy.float32)
    x = numpy.array([[1.0, 0.5, -2.0]], numpy.float32)
    layer = L.Linear(3, 2, initialW=W)
    layer.add_hook(SpectralNormalization())
    layer.W_u[...] = [0.6, -0.8]
    timer = TimerHook()
    with timer:
        y = layer(x)
    # Chainer 7.8.1 gives these for the same W, u and x.
    numpy.testing.assert_allclose(y.array, [[0.9442072510719299, -1.1802589893341064]], rtol=1e-6)
    numpy.testing.assert_allclose(layer.W_u, [0.5365136861801147, -0.8438913226127625], rtol=1e-6)
    assert isinstance(layer.W, chainer.Parameter)
    assert timer.summary()["Linear"]["occurrence"] == 1
    with pytest.raises(NotImplementedError, match="hook of one link"), SpectralNormalization():
        pass


def test_chainer_initializers_sampling_filters(chainer: types.ModuleType) -> None:
    from chainer import initializers as I

    w = numpy.empty((1, 1, 3, 3), numpy.float32)
    I.UpsamplingDeconvFilter()(w)
    numpy.testing.assert_array_equal(
        w[0, 0], [[0.25, 0.5, 0.25], [0.5, 1.0, 0.5], [0.25, 0.5, 0.25]]
    )
    I.DownsamplingConvFilter()(w)
    numpy.testing.assert_array_equal(w.sum(), 1.0)


def test_chainer_serializers_hdf5(chainer: types.ModuleType, tmp_path: Any) -> None:
    pytest.importorskip("h5py")
    import chainer.links as L
    from chainer import serializers as S

    assert S.HDF5Serializer is serializers.HDF5Serializer
    assert S.HDF5Deserializer is serializers.HDF5Deserializer
    model = chainer.Sequential(L.Linear(3, 2), L.Linear(2, 1))
    path = str(tmp_path / "model.h5")
    S.save_hdf5(path, model)
    restored = chainer.Sequential(L.Linear(3, 2, initialW=0.0), L.Linear(2, 1, initialW=0.0))
    S.load_hdf5(path, restored)
    for (name, saved), (_, loaded) in zip(
        sorted(model.namedparams()), sorted(restored.namedparams()), strict=True
    ):
        numpy.testing.assert_array_equal(loaded.array, saved.array, err_msg=name)
