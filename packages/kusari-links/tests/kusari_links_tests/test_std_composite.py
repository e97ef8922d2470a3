"""Highway, Inception, MLPConvolution2D, Bias, Scale, Bilinear, PReLU and Maxout."""

from __future__ import annotations

from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.graph import using_config
from kusari.graph.type_check import InvalidType
from kusari.links import (
    Bias,
    Bilinear,
    Highway,
    Inception,
    Maxout,
    MLPConvolution2D,
    PReLU,
    Scale,
)

from ._std_support import (
    Arr,
    chainer_seed,
    check_copies,
    check_npz_round_trip,
    check_params_backward,
    check_to_numpy,
    data,
    rand,
)


def _relu(x: Arr) -> Arr:
    out: Arr = numpy.maximum(x, 0)
    return out


def _sigmoid(x: Arr) -> Arr:
    out: Arr = 1 / (1 + numpy.exp(-x))
    return out


def test_highway() -> None:
    layer = Highway(3)
    assert [p for p, _ in layer.namedparams()] == [
        "/plain/W", "/plain/b", "/transform/W", "/transform/b",
    ]  # fmt: skip
    assert data(layer.transform.b).tolist() == [-1.0] * 3
    x = rand(0, (2, 3), numpy.float32)
    plain = x @ data(layer.plain.W).T + data(layer.plain.b)
    t = _sigmoid(x @ data(layer.transform.W).T + data(layer.transform.b))
    numpy.testing.assert_allclose(
        data(layer(x)), _relu(plain) * t + x * (1 - t), rtol=1e-5, atol=1e-6
    )
    assert Highway(3, nobias=True).plain.b is None


def test_inception() -> None:
    module = Inception(3, 2, 2, 3, 2, 3, 2)
    names = {p.split("/")[1] for p, _ in module.namedparams()}
    assert names == {"conv1", "proj3", "conv3", "proj5", "conv5", "projp"}
    assert module.conv5.W.shape == (3, 2, 5, 5)
    x = rand(0, (1, 3, 5, 5), numpy.float32)
    y = data(module(x))
    assert y.shape == (1, 10, 5, 5)
    pooled = F.max_pooling_2d(x, 3, stride=1, pad=1)
    expected_pool = _relu(data(module.projp(pooled)))
    numpy.testing.assert_allclose(y[:, 8:], expected_pool, rtol=1e-5, atol=1e-6)
    expected_3 = _relu(data(module.conv3(F.relu(module.proj3(x)))))
    numpy.testing.assert_allclose(y[:, 2:5], expected_3, rtol=1e-5, atol=1e-6)


def test_mlp_convolution_2d() -> None:
    mlp = MLPConvolution2D(1, (2, 3), 3, pad=1)
    assert [p for p, _ in mlp.namedparams()] == ["/0/W", "/0/b", "/1/W", "/1/b"]
    assert mlp[1].W.shape == (3, 2, 1, 1)  # type: ignore[attr-defined]
    x = rand(0, (1, 1, 4, 4), numpy.float32)
    hidden = F.relu(mlp[0](x))
    numpy.testing.assert_allclose(data(mlp(x)), data(mlp[1](hidden)), rtol=1e-6)
    lazy = MLPConvolution2D((2, 3), 3)  # type: ignore[arg-type]
    assert lazy(x).shape == (1, 3, 2, 2)
    with pytest.raises(ValueError, match="at least one convolution"):
        MLPConvolution2D(1, (), 3)


def test_bias_and_scale() -> None:
    x = rand(0, (2, 3, 4), numpy.float32)
    b = Bias(axis=1, shape=(3,))
    assert [p for p, _ in b.namedparams()] == ["/b"]
    numpy.testing.assert_array_equal(data(b(x)), x)
    y = rand(1, (3, 4), numpy.float32)
    numpy.testing.assert_allclose(data(Bias()(x, y)), x + y, rtol=1e-6)
    s = Scale(axis=1, W_shape=(3,), bias_term=True)
    assert [p for p, _ in s.namedparams()] == ["/W", "/bias/b"]
    assert data(s.W).tolist() == [1.0] * 3
    numpy.testing.assert_allclose(data(Scale()(x, y)), x * y, rtol=1e-6)
    with_bias = Scale(bias_term=True, bias_shape=(3, 4))
    numpy.testing.assert_allclose(data(with_bias(x, y)), x * y, rtol=1e-6)
    with pytest.raises(ValueError, match="bias_shape must be given"):
        Scale(bias_term=True)
    with pytest.raises(TypeError, match="takes two inputs"):
        Bias()(x)


def test_bilinear() -> None:
    with chainer_seed(0):
        layer = Bilinear(2, 3, 4)
    assert [p for p, _ in layer.namedparams()] == ["/V1", "/V2", "/W", "/b"]
    # numpy.random.seed(0); chainer.links.Bilinear(2, 3, 4) (Chainer 7.8.1)
    numpy.testing.assert_allclose(
        data(layer.W).ravel()[:3], [0.50923806, 0.11551543, 0.2825373], rtol=1e-6
    )
    numpy.testing.assert_allclose(
        data(layer.V1).ravel()[:3], [1.1348773, -0.72718287, 0.02287926], rtol=1e-6
    )
    e1, e2 = rand(1, (5, 2), numpy.float32), rand(2, (5, 3), numpy.float32)
    w, v1, v2, b = (data(p) for p in (layer.W, layer.V1, layer.V2, layer.b))
    expected = numpy.einsum("ni,nj,ijk->nk", e1, e2, w) + e1 @ v1 + e2 @ v2 + b
    numpy.testing.assert_allclose(data(layer(e1, e2)), expected, rtol=1e-5, atol=1e-5)
    plain = Bilinear(2, 3, 4, nobias=True)
    assert [p for p, _ in plain.namedparams()] == ["/W"]
    with pytest.raises(ValueError, match="initial_bias must be None when nobias"):
        Bilinear(2, 3, 4, nobias=True, initial_bias=(0, 0, 0))


def test_prelu_and_maxout() -> None:
    prelu = PReLU((3,))
    assert data(prelu.W).tolist() == [0.25] * 3
    x = rand(0, (2, 3), numpy.float32)
    numpy.testing.assert_allclose(data(prelu(x)), numpy.where(x > 0, x, 0.25 * x), rtol=1e-6)
    w = rand(1, (2, 4, 3), numpy.float32)  # (out_size, pool_size, in_size)
    b = rand(2, (2, 4), numpy.float32)
    maxout = Maxout(3, 2, 4, initialW=w, initial_bias=b)
    assert maxout.linear.W.shape == (8, 3)
    units = numpy.einsum("ni,opi->nop", x, w) + b
    numpy.testing.assert_allclose(data(maxout(x)), units.max(axis=2), rtol=1e-5, atol=1e-6)
    assert Maxout(3, 2, 4, initial_bias=None).linear.b is None
    with pytest.raises(InvalidType):
        prelu(numpy.zeros((2, 4), numpy.float32))


FACTORIES: list[tuple[Any, tuple[int, ...]]] = [
    (lambda: Highway(3), (2, 3)),
    (lambda: MLPConvolution2D(2, (3, 2), 2), (1, 2, 3, 3)),
    (lambda: Inception(2, 1, 1, 1, 1, 1, 1), (1, 2, 3, 3)),
    (lambda: Scale(W_shape=(3,), bias_term=True), (2, 3)),
    (lambda: PReLU((3,)), (2, 3)),
    (lambda: Maxout(3, 2, 2), (2, 3)),
]


@pytest.mark.parametrize(("factory", "shape"), FACTORIES)
def test_gradients_copies_serialization_and_device(factory: Any, shape: tuple[int, ...]) -> None:
    with chainer_seed(1), using_config("dtype", numpy.float64):
        link = factory()
    check_params_backward(link, [rand(0, shape) + 0.1])
    x = rand(1, shape, numpy.float32)
    check_npz_round_trip(factory, lambda link: link(x))
    link32 = factory()
    check_copies(link32)
    check_to_numpy(link32)


def test_bilinear_gradients() -> None:
    with using_config("dtype", numpy.float64):
        layer = Bilinear(2, 3, 2)
    check_params_backward(layer, [rand(0, (2, 2)), rand(1, (2, 3))])
