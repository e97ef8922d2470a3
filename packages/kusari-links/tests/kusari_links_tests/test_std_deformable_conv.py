"""DeformableConvolution2D against Chainer 7.8.1 (numbers and an npz it saved).

``data/chainer_deformable_conv_v7*.npz`` were written by Chainer 7.8.1 (seed 3,
``DeformableConvolution2D(3, 4, 3, pad=1)`` with offsets scaled to be fractional); the
reference numbers in ``test_values_and_gradients_match_chainer`` were printed by Chainer for
the same float64 weights.
"""

from __future__ import annotations

import pathlib
from typing import Any

import numpy
import pytest

from kusari.graph import Variable
from kusari.graph.gradient_check import check_backward
from kusari.links import DeformableConvolution2D
from kusari.links.connection.deformable_convolution_2d import DeformableConvolution2DSampler
from kusari.serializers import load_npz, save_npz

DATA = pathlib.Path(__file__).parent / "data"


def _link64(seed: int = 0) -> tuple[DeformableConvolution2D, Any, Any, Any, Any]:
    rng = numpy.random.RandomState(seed)
    x = rng.uniform(-1, 1, (2, 3, 5, 6))
    ow = rng.uniform(-0.3, 0.3, (18, 3, 3, 3))
    ob = rng.uniform(-0.5, 0.5, (18,))
    dw = rng.uniform(-1, 1, (4, 3, 3, 3))
    db = rng.uniform(-1, 1, (4,))
    link = DeformableConvolution2D(
        3,
        4,
        3,
        stride=(1, 2),
        pad=1,
        offset_initialW=ow,
        offset_initial_bias=ob,
        deform_initialW=dw,
        deform_initial_bias=db,
    )
    for param in link.params():
        assert param.array is not None
        param.array = param.array.astype(numpy.float64)
    link.cleargrads()
    return link, x, ow, dw, rng


def test_values_and_gradients_match_chainer() -> None:
    link, x, ow, dw, rng = _link64()
    xv = Variable(x)
    y = link(xv)
    assert y.shape == (2, 4, 5, 3)
    y.grad = rng.uniform(-1, 1, y.shape)  # the next draw, as in the Chainer script
    y.backward()
    y_array = y.array
    assert y_array is not None
    numpy.testing.assert_allclose(float(y_array.sum()), 67.2491049234354, rtol=1e-12)
    numpy.testing.assert_allclose(
        y_array.ravel()[:6],
        [
            0.5899838572367426,
            1.5032880445679988,
            2.085511083508101,
            0.9737823847450696,
            1.3605337735998617,
            1.9484535802856986,
        ],
        rtol=1e-12,
    )
    assert xv.grad is not None
    assert link.offset_conv.W.grad is not None
    assert link.deform_conv.W.grad is not None
    assert link.deform_conv.b is not None
    assert link.deform_conv.b.grad is not None
    numpy.testing.assert_allclose(float((xv.grad * x).sum()), -4.716000393234728, rtol=1e-12)
    numpy.testing.assert_allclose(
        float((link.offset_conv.W.grad * ow).sum()), -5.141338363089712, rtol=1e-12
    )
    numpy.testing.assert_allclose(
        float((link.deform_conv.W.grad * dw).sum()), 0.42533817991818346, rtol=1e-12
    )
    numpy.testing.assert_allclose(
        link.deform_conv.b.grad,
        [1.116087006351332, -2.3099865463738696, 3.0101627545544005, 0.12766009478744933],
        rtol=1e-12,
    )


def test_gradients_against_numerical() -> None:
    link, x, _, _, _ = _link64(seed=1)
    gy = numpy.random.default_rng(2).uniform(-1, 1, (2, 4, 5, 3))
    # A small eps: a step in offset_conv.W moves all 270 sampling points at once, and with
    # the default eps=1e-3 some cross a pixel boundary, where bilinear sampling has a kink.
    check_backward(link, x, gy, params=tuple(link.params()), eps=1e-6, atol=1e-6, rtol=1e-5)


def test_loads_chainer_npz_and_gives_chainer_output() -> None:
    link = DeformableConvolution2D(3, 4, 3, pad=1)
    load_npz(DATA / "chainer_deformable_conv_v7.npz", link)
    with numpy.load(DATA / "chainer_deformable_conv_v7_io.npz") as io:
        x, expected = io["x"], io["y"]
    y = link(x).array
    assert y is not None
    numpy.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-6)


def test_lazy_initialization_and_round_trip(tmp_path: pathlib.Path) -> None:
    link = DeformableConvolution2D(None, 4, 3)
    assert link.deform_conv.W.array is None
    assert link.offset_conv.W.array is None
    x = numpy.ones((1, 3, 5, 5), numpy.float32)
    y = link(x)
    assert y.shape == (1, 4, 3, 3)
    assert link.deform_conv.W.shape == (4, 3, 3, 3)
    assert link.offset_conv.W.shape == (18, 3, 3, 3)
    save_npz(tmp_path / "dc.npz", link)
    other = DeformableConvolution2D(3, 4, 3)
    load_npz(tmp_path / "dc.npz", other)
    numpy.testing.assert_array_equal(other(x).array, y.array)


def test_chainer_parameter_names_and_defaults() -> None:
    link = DeformableConvolution2D(3, 4, (3, 2), deform_nobias=True, offset_nobias=True)
    assert [(n, p.shape) for n, p in link.namedparams()] == [
        ("/deform_conv/W", (4, 3, 3, 2)),
        ("/offset_conv/W", (12, 3, 3, 2)),
    ]
    link = DeformableConvolution2D(3, 4, 3)
    assert link.deform_conv.b is not None
    assert link.offset_conv.b is not None
    assert link.deform_conv.b.array is not None
    assert link.offset_conv.b.array is not None
    assert not link.deform_conv.b.array.any()
    assert not link.offset_conv.b.array.any()


def test_errors_name_the_argument() -> None:
    with pytest.raises(ValueError, match="out_channels must be a positive int, got 0"):
        DeformableConvolution2D(3, 0, 3)
    with pytest.raises(ValueError, match=r"ksize must be >= 1, got \(3, 0\)"):
        DeformableConvolution2D(3, 4, (3, 0))
    with pytest.raises(ValueError, match="pad must be >= 0, got -1"):
        DeformableConvolution2DSampler(3, 4, 3, pad=-1)
    link = DeformableConvolution2D(None, 4, 3)
    with pytest.raises(ValueError, match=r"expects an input of 4 axes .* got shape \(3, 5, 5\)"):
        link.deform_conv(numpy.ones((3, 5, 5), numpy.float32), numpy.zeros((1, 18, 3, 3)))
    assert link.deform_conv.W.array is None  # nothing was created
