"""Convolution, deconvolution, dilated and depthwise convolution links."""

from __future__ import annotations

import itertools
from typing import Any

import numpy
import pytest

from kusari import initializers
from kusari import links as L
from kusari.graph import using_config
from kusari.graph.type_check import InvalidType
from kusari.links import (
    Convolution1D,
    Convolution2D,
    Convolution3D,
    ConvolutionND,
    Deconvolution1D,
    Deconvolution2D,
    Deconvolution3D,
    DeconvolutionND,
    DepthwiseConvolution2D,
    DilatedConvolution2D,
)

from ._std_support import (
    chainer_seed,
    check_copies,
    check_npz_round_trip,
    check_params_backward,
    check_to_numpy,
    data,
    rand,
    uninitialized,
)


def conv_ref(
    x: Any, w: Any, b: Any, stride: tuple[int, ...], pad: tuple[int, ...],
    dilate: tuple[int, ...], groups: int = 1,
) -> Any:  # fmt: skip
    """Direct N-d convolution (cross-correlation) with groups, in float64."""
    nd = x.ndim - 2
    xp: Any = numpy.pad(x.astype(numpy.float64), [(0, 0), (0, 0)] + [(p, p) for p in pad])
    oc, icg = w.shape[:2]
    k = w.shape[2:]
    out = [(xp.shape[2 + i] - (k[i] - 1) * dilate[i] - 1) // stride[i] + 1 for i in range(nd)]
    y: Any = numpy.zeros((x.shape[0], oc, *out))
    ocg = oc // groups
    for o in range(oc):
        g = o // ocg
        for pos in itertools.product(*[range(n) for n in out]):
            for kpos in itertools.product(*[range(n) for n in k]):
                idx = tuple(pos[i] * stride[i] + kpos[i] * dilate[i] for i in range(nd))
                patch = xp[(slice(None), slice(g * icg, (g + 1) * icg), *idx)]
                y[(slice(None), o, *pos)] += patch @ w[(o, slice(None), *kpos)]
    if b is not None:
        y += b.reshape((1, -1) + (1,) * nd)
    return y


def deconv_ref(x: Any, w: Any, b: Any, stride: tuple[int, ...], pad: tuple[int, ...]) -> Any:
    """Direct transposed convolution (no groups, no dilation), in float64."""
    nd = x.ndim - 2
    oc = w.shape[1]
    k = w.shape[2:]
    full = [(x.shape[2 + i] - 1) * stride[i] + k[i] for i in range(nd)]
    y: Any = numpy.zeros((x.shape[0], oc, *full))
    for pos in itertools.product(*[range(n) for n in x.shape[2:]]):
        for kpos in itertools.product(*[range(n) for n in k]):
            idx = tuple(pos[i] * stride[i] + kpos[i] for i in range(nd))
            y[(slice(None), slice(None), *idx)] += (
                x[(slice(None), slice(None), *pos)] @ w[(slice(None), slice(None), *kpos)]
            )
    crop = tuple(slice(p, y.shape[2 + i] - p) for i, p in enumerate(pad))
    y = y[(slice(None), slice(None), *crop)]
    if b is not None:
        y = y + b.reshape((1, -1) + (1,) * nd)
    return y


def test_convolution_2d_parameters_and_forms() -> None:
    conv = Convolution2D(3, 4, 2)
    assert [p for p, _ in conv.namedparams()] == ["/W", "/b"]
    assert conv.W.shape == (4, 3, 2, 2)
    assert isinstance(conv.W.initializer, initializers.LeCunNormal)
    assert data(conv.b).tolist() == [0.0] * 4
    lazy = Convolution2D(4, 3)  # Convolution2D(out_channels, ksize)
    assert (lazy.in_channels, lazy.out_channels, lazy.ksize) == (None, 4, (3, 3))
    assert uninitialized(lazy) == ["/W"]
    grouped = Convolution2D(4, 6, 3, groups=2)
    assert grouped.W.shape == (6, 2, 3, 3)


def test_seeded_weights_match_chainer() -> None:
    with chainer_seed(0):
        conv = Convolution2D(2, 2, 2)
    expected = [0.6236867, 0.14147694, 0.34603614, 0.79227537]  # Chainer 7.8.1
    numpy.testing.assert_allclose(data(conv.W).ravel()[:4], expected, rtol=1e-6)


@pytest.mark.parametrize(
    ("stride", "pad", "dilate", "groups"),
    [(1, 0, 1, 1), (2, 1, 1, 1), ((1, 2), (0, 1), 2, 1), (1, 1, 1, 2)],
)
def test_convolution_2d_forward(stride: Any, pad: Any, dilate: Any, groups: int) -> None:
    w = rand(0, (4, 4 // groups, 2, 3), numpy.float32)
    b = rand(1, (4,), numpy.float32)
    conv = Convolution2D(
        4, 4, (2, 3), stride, pad, initialW=w, initial_bias=b, dilate=dilate, groups=groups
    )
    x = rand(2, (2, 4, 5, 6), numpy.float32)

    def pair(v: Any) -> Any:
        return (v, v) if isinstance(v, int) else v

    expected = conv_ref(x, w, b, pair(stride), pair(pad), pair(dilate), groups)
    numpy.testing.assert_allclose(data(conv(x)), expected, rtol=1e-5, atol=1e-5)


def test_dilated_convolution_2d() -> None:
    w = rand(0, (2, 1, 3, 3), numpy.float32)
    conv = DilatedConvolution2D(1, 2, 3, 1, 1, 2, initialW=w)  # dilate is positional
    x = rand(1, (1, 1, 6, 6), numpy.float32)
    numpy.testing.assert_allclose(
        data(conv(x)), conv_ref(x, w, numpy.zeros(2), (1, 1), (1, 1), (2, 2)), rtol=1e-5, atol=1e-5
    )
    lazy = DilatedConvolution2D(2, 3, dilate=2)
    assert lazy(x).shape == (1, 2, 2, 2)
    assert lazy.W.shape == (2, 1, 3, 3)


@pytest.mark.parametrize(("cls", "nd"), [(Convolution1D, 1), (Convolution3D, 3)])
def test_convolution_nd_shortcuts(cls: Any, nd: int) -> None:
    w = rand(0, (2, 3) + (2,) * nd, numpy.float32)
    conv = cls(3, 2, 2, stride=1, pad=1, initialW=w, nobias=True)
    assert conv.b is None
    x = rand(1, (2, 3) + (3,) * nd, numpy.float32)
    expected = conv_ref(x, w, None, (1,) * nd, (1,) * nd, (1,) * nd)
    numpy.testing.assert_allclose(data(conv(x)), expected, rtol=1e-5, atol=1e-5)
    generic = ConvolutionND(nd, 3, 2, 2, pad=1, initialW=w, nobias=True)
    numpy.testing.assert_allclose(data(generic(x)), expected, rtol=1e-5, atol=1e-5)


def test_convolution_nd_cover_all_and_lazy_form() -> None:
    conv = ConvolutionND(1, 2, 3, stride=2, cover_all=True)  # ConvolutionND(ndim, out, ksize)
    assert conv.in_channels is None
    assert conv(numpy.ones((1, 5, 6), numpy.float32)).shape == (1, 2, 3)
    assert conv.W.shape == (2, 5, 3)


@pytest.mark.parametrize(("stride", "pad"), [(1, 0), (2, 1)])
def test_deconvolution_2d_forward(stride: int, pad: int) -> None:
    w = rand(0, (3, 2, 3, 3), numpy.float32)
    b = rand(1, (2,), numpy.float32)
    deconv = Deconvolution2D(3, 2, 3, stride, pad, initialW=w, initial_bias=b)
    assert [p for p, _ in deconv.namedparams()] == ["/W", "/b"]
    x = rand(2, (2, 3, 3, 4), numpy.float32)
    expected = deconv_ref(x, w, b, (stride,) * 2, (pad,) * 2)
    numpy.testing.assert_allclose(data(deconv(x)), expected, rtol=1e-5, atol=1e-5)


def test_deconvolution_shapes_and_forms() -> None:
    lazy = Deconvolution2D(4, 2, stride=2)  # Deconvolution2D(out_channels, ksize)
    y = lazy(numpy.ones((1, 3, 4, 4), numpy.float32))
    assert y.shape == (1, 4, 8, 8)
    assert lazy.W.shape == (3, 4, 2, 2)
    grouped = Deconvolution2D(4, 6, 3, groups=2)
    assert grouped.W.shape == (4, 3, 3, 3)
    sized = Deconvolution2D(1, 1, 3, stride=2, outsize=(8, 8))
    assert sized(numpy.ones((1, 1, 4, 4), numpy.float32)).shape == (1, 1, 8, 8)
    w = rand(0, (2, 1, 2), numpy.float32)
    x = rand(1, (1, 2, 3), numpy.float32)
    for layer in (Deconvolution1D(2, 1, 2, initialW=w), DeconvolutionND(1, 2, 1, 2, initialW=w)):
        numpy.testing.assert_allclose(
            data(layer(x)), deconv_ref(x, w, numpy.zeros(1), (1,), (0,)), rtol=1e-5, atol=1e-6
        )
    assert Deconvolution3D(1, 2, 2)(numpy.ones((1, 1, 2, 2, 2), numpy.float32)).shape == (
        1, 2, 3, 3, 3,
    )  # fmt: skip


def test_depthwise_convolution_2d() -> None:
    w = rand(0, (2, 3, 2, 2), numpy.float32)
    b = rand(1, (6,), numpy.float32)
    conv = DepthwiseConvolution2D(3, 2, 2, initialW=w, initial_bias=b)
    x = rand(2, (1, 3, 4, 4), numpy.float32)
    # Output channel c * multiplier + m is input channel c filtered by W[m, c].
    w_full = numpy.zeros((6, 1, 2, 2), numpy.float32)
    for c in range(3):
        for m in range(2):
            w_full[c * 2 + m, 0] = w[m, c]
    expected = conv_ref(x, w_full, b, (1, 1), (0, 0), (1, 1), groups=3)
    numpy.testing.assert_allclose(data(conv(x)), expected, rtol=1e-5, atol=1e-5)
    lazy = DepthwiseConvolution2D(None, 2, 3)
    assert uninitialized(lazy) == ["/W", "/b"]
    lazy(numpy.ones((1, 3, 5, 5), numpy.float32))
    assert (lazy.W.shape, lazy.b.shape if lazy.b is not None else None) == ((2, 3, 3, 3), (6,))


@pytest.mark.parametrize(
    "factory",
    [
        lambda: Convolution2D(2, 3, 2, stride=2, pad=1),
        lambda: Convolution2D(2, 4, 2, groups=2),
        lambda: Deconvolution2D(2, 3, 2, stride=2),
        lambda: DepthwiseConvolution2D(2, 2, 2),
        lambda: Convolution1D(2, 3, 2),
    ],
)
def test_gradients_with_the_parameters(factory: Any) -> None:
    with using_config("dtype", numpy.float64):
        link = factory()
    shape = (2, 2, 4) if isinstance(link, Convolution1D) else (2, 2, 4, 4)
    check_params_backward(link, [rand(0, shape)])


@pytest.mark.parametrize(
    ("factory", "shape"),
    [
        (lambda: Convolution2D(3, 2), (1, 2, 4, 4)),
        (lambda: Deconvolution2D(3, 2), (1, 2, 3, 3)),
        (lambda: DepthwiseConvolution2D(None, 2, 2), (1, 2, 3, 3)),
        (lambda: Convolution3D(None, 2, 2), (1, 1, 3, 3, 3)),
    ],
)
def test_copies_serialization_and_device(factory: Any, shape: tuple[int, ...]) -> None:
    x = rand(0, shape, numpy.float32)
    check_npz_round_trip(factory, lambda link: link(x))
    link = factory()
    link(x)
    check_copies(link)
    check_to_numpy(link)


def test_bad_input() -> None:
    conv = Convolution2D(3, 2, 2)
    with pytest.raises(InvalidType, match=r"x.shape\[1\] == W.shape\[1\] \* 1"):
        conv(numpy.ones((1, 4, 5, 5), numpy.float32))
    with pytest.raises(InvalidType, match=r"x.ndim == 4"):
        conv(numpy.ones((1, 3, 5), numpy.float32))
    lazy = Convolution2D(2, 3)
    with pytest.raises(ValueError, match=r"expects an input of 4 axes .* got shape \(1, 3, 5\)"):
        lazy(numpy.ones((1, 3, 5), numpy.float32))
    assert lazy.W.array is None
    grouped = Convolution2D(None, 4, 3, groups=2)
    with pytest.raises(ValueError, match=r"3 channels, which is not divisible by groups \(2\)"):
        grouped(numpy.ones((1, 3, 5, 5), numpy.float32))
    assert grouped.W.array is None
    with pytest.raises(ValueError, match=r"out_channels \(3\) must be divisible by groups \(2\)"):
        Convolution2D(4, 3, 3, groups=2)
    with pytest.raises(ValueError, match="stride must be an int or a tuple of 2 ints"):
        Convolution2D(1, 1, 3, stride=(1, 1, 1))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="needs ksize"):
        Convolution2D(None, 3)
    deconv = Deconvolution2D(3, 2, 2)
    with pytest.raises(InvalidType, match=r"x.shape\[1\] == W.shape\[0\]"):
        deconv(numpy.ones((1, 2, 3, 3), numpy.float32))


def test_printable() -> None:
    assert str(Convolution2D(1, 2, 3)) == (
        "Convolution2D(in_channels=1, out_channels=2, ksize=(3, 3), stride=(1, 1), "
        "pad=(0, 0), dilate=(1, 1), groups=1, nobias=False)"
    )


@pytest.mark.parametrize(
    "make",
    [
        lambda *a: Convolution2D(*a),
        lambda *a: Deconvolution2D(*a),
        lambda *a: L.DilatedConvolution2D(*a),
        lambda *a: L.ConvolutionND(1, *a),
        lambda *a: L.DeconvolutionND(1, *a),
    ],
)
def test_two_argument_form_of_every_convolution_link(make: Any) -> None:
    # Chainer's Link(out_channels, ksize): input channels come from the first input.
    link = make(4, 3)
    assert link.in_channels is None
    assert link.out_channels == 4
    assert link.ksize[0] == 3
    assert link.W.array is None
    with pytest.raises(TypeError, match=f"^{type(link).__name__} needs ksize$"):
        make(None, 3)
