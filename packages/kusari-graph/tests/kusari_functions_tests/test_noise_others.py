"""zoneout, simplified_dropconnect and gumbel_softmax."""

from __future__ import annotations

from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.graph import Variable, using_config
from kusari.graph.type_check import InvalidType

from ._opcheck import FLOATS, check_grads, data, global_seed, grad, uniform


@pytest.mark.parametrize("dtype", FLOATS)
def test_zoneout_draws_like_chainer(dtype: Any) -> None:
    h, x = numpy.zeros((2, 3), dtype), numpy.ones((2, 3), dtype)
    with global_seed(0):
        y = F.zoneout(h, x, 0.5)
    # Chainer 7.8.1 with numpy.random.seed(0): [[1, 1, 1], [1, 0, 1]]
    assert y.dtype == dtype
    assert data(y).tolist() == [[1.0, 1.0, 1.0], [1.0, 0.0, 1.0]]


def test_zoneout_gradients() -> None:
    h = Variable(numpy.zeros((2, 3)))
    x = Variable(numpy.ones((2, 3)))
    with global_seed(0):
        y = F.zoneout(h, x, 0.5)
    F.sum(y * numpy.arange(6.0).reshape(2, 3)).backward()
    assert grad(h).tolist() == [[0.0, 0.0, 0.0], [0.0, 4.0, 0.0]]
    assert grad(x).tolist() == [[0.0, 1.0, 2.0], [3.0, 0.0, 5.0]]


def test_zoneout_test_mode_and_errors() -> None:
    x = Variable(numpy.ones(3))
    with using_config("train", False):
        assert F.zoneout(numpy.zeros(3), x) is x
    with pytest.raises(ValueError, match=r"zoneout ratio must be in the range \[0, 1\], got 1\.5"):
        F.zoneout(numpy.zeros(3), numpy.ones(3), 1.5)
    with pytest.raises(InvalidType, match=r"Expect: h\.shape == x\.shape"):
        F.zoneout(numpy.zeros(3), numpy.ones(2))


def _dropconnect_reference(x: Any, w: Any, b: Any, keep: Any, ratio: float) -> Any:
    scaled = w * keep / (1 - ratio)
    if keep.ndim == 3:
        return numpy.einsum("bi,boi->bo", x, scaled) + b
    return x @ scaled.T + b


@pytest.mark.parametrize("batchwise", [True, False])
def test_dropconnect_draws_like_chainer(batchwise: bool) -> None:
    x = numpy.ones((2, 3), numpy.float32)
    w = numpy.arange(12, dtype=numpy.float32).reshape(4, 3)
    b = numpy.ones(4, numpy.float32)
    with global_seed(0):
        y = F.simplified_dropconnect(x, w, b, ratio=0.5, use_batchwise_mask=batchwise)
    # Chainer 7.8.1 with numpy.random.seed(0)
    expected = [[7, 17, 31, 43], [3, 11, 43, 41]] if batchwise else [[7, 17, 31, 43]] * 2
    assert data(y).tolist() == expected
    assert y.dtype == numpy.float32


def test_dropconnect_given_mask_test_mode_and_grads() -> None:
    rng = numpy.random.default_rng(0)
    x, w, b = uniform(1, (2, 3), float), uniform(2, (4, 3), float), uniform(3, (4,), float)
    keep = (rng.uniform(size=(2, 4, 3)) >= 0.3).astype(float)
    y = F.simplified_dropconnect(x, w, b, ratio=0.3, mask=keep)
    numpy.testing.assert_allclose(data(y), _dropconnect_reference(x, w, b, keep, 0.3))
    plain = F.simplified_dropconnect(x, w, b, train=False)
    numpy.testing.assert_allclose(data(plain), x @ w.T + b)
    check_grads(
        lambda a, ww, bb: F.simplified_dropconnect(a, ww, bb, ratio=0.3, mask=keep), [x, w, b]
    )
    flat = F.simplified_dropconnect(uniform(4, (2, 1, 3), float), w, ratio=0.0)
    assert flat.shape == (2, 4)


def test_dropconnect_errors() -> None:
    x, w = numpy.ones((2, 3)), numpy.ones((4, 3))
    with pytest.raises(
        ValueError, match=r"dropconnect ratio must be in the range \[0, 1\), got 1\.0"
    ):
        F.simplified_dropconnect(x, w, ratio=1.0)
    with pytest.raises(ValueError, match=r"mask must have shape \(2, 4, 3\), got \(4, 3\)"):
        F.simplified_dropconnect(x, w, mask=numpy.ones((4, 3)))
    with pytest.raises(ValueError, match="x has 2 features per sample, but W expects 3"):
        F.simplified_dropconnect(numpy.ones((2, 2)), w)
    with pytest.raises(ValueError, match=r"W must be 2-D \(out, in\), got shape \(3,\)"):
        F.simplified_dropconnect(x, numpy.ones(3))


def test_gumbel_softmax_draws_like_chainer() -> None:
    log_pi = numpy.log(numpy.array([[0.2, 0.3, 0.5]], numpy.float32))
    with global_seed(0):
        y = F.gumbel_softmax(log_pi, tau=0.5)
    assert y.dtype == numpy.float32
    numpy.testing.assert_allclose(data(y), [[0.1527136, 0.1379806, 0.7093058]], rtol=1e-5)


def test_gumbel_softmax_statistics_and_errors() -> None:
    log_pi = numpy.log(numpy.tile(numpy.array([0.2, 0.3, 0.5]), (4000, 1)))
    y = data(F.gumbel_softmax(log_pi, tau=0.01))
    numpy.testing.assert_allclose(y.sum(axis=1), 1.0)
    counts = numpy.bincount(y.argmax(axis=1), minlength=3) / 4000
    numpy.testing.assert_allclose(counts, [0.2, 0.3, 0.5], atol=0.04)
    with pytest.raises(ValueError, match=r"tau must be positive, got 0\.0"):
        F.gumbel_softmax(log_pi, tau=0.0)
    v = Variable(log_pi[:2])
    F.sum(F.gumbel_softmax(v, tau=1.0) * numpy.arange(3.0)).backward()
    assert grad(v).shape == (2, 3)
