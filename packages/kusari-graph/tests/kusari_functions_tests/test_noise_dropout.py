"""dropout."""

from __future__ import annotations

from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.graph import Variable, using_config
from kusari.graph.type_check import InvalidType

from ._opcheck import FLOATS, check_grads, data, global_seed

# Chainer 7.8.1, numpy.random.seed(0), x = ones((3, 4), float32), ratio 0.3: every element
# kept (numpy.random.rand(3, 4) >= 0.3 everywhere for this seed), scaled by 1 / 0.7.


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("ratio", [0.0, 0.25, 0.5, 0.9])
def test_mask_and_scale(dtype: Any, ratio: float) -> None:
    x = numpy.random.default_rng(0).uniform(-1, 1, (50, 40)).astype(dtype)
    y, mask = F.dropout(x, ratio, return_mask=True)
    assert mask is not None
    assert mask.dtype == dtype
    assert mask.shape == x.shape
    scale = dtype(1 / (1 - ratio))
    assert set(numpy.unique(mask).tolist()) <= {0.0, float(scale)}
    numpy.testing.assert_array_equal(y.array, x * mask)
    assert y.dtype == dtype
    kept = float((mask != 0).mean())
    assert abs(kept - (1 - ratio)) < 0.05


def test_draws_like_chainer() -> None:
    # Chainer draws numpy.random.rand(*shape) >= ratio from the global generator.
    x = numpy.ones((3, 4), numpy.float32)
    with global_seed(1):
        _, mask = F.dropout(x, 0.5, return_mask=True)
    expected = (numpy.random.RandomState(1).rand(3, 4) >= 0.5) * numpy.float32(2.0)
    numpy.testing.assert_array_equal(mask, expected)


def test_given_mask_is_used_and_cast() -> None:
    x = Variable(numpy.ones((2, 3), numpy.float32))
    mask = numpy.array([[0.0, 2.0, 0.0], [2.0, 2.0, 0.0]])  # float64: cast to float32
    y, used = F.dropout(x, 0.5, mask=mask, return_mask=True)
    assert used is not None
    assert used.dtype == numpy.float32
    assert data(y).tolist() == mask.tolist()
    y.grad = numpy.full((2, 3), 3.0, numpy.float32)
    y.backward()
    assert x.grad is not None
    assert x.grad.dtype == numpy.float32
    assert x.grad.tolist() == (mask * 3).tolist()


def test_grads() -> None:
    mask = (numpy.random.default_rng(1).uniform(size=(3, 4)) >= 0.4) / 0.6
    check_grads(lambda v: F.dropout(v, 0.4, mask=mask), [numpy.ones((3, 4))])


def test_identity_outside_training() -> None:
    x = Variable(numpy.ones((2, 2), numpy.float32))
    with using_config("train", False):
        assert F.dropout(x) is x
        y, mask = F.dropout(data(x), 0.9, return_mask=True)
        assert mask is None
        assert not y.requires_grad
        numpy.testing.assert_array_equal(data(y), data(x))


def test_errors() -> None:
    x = numpy.ones((2, 3), numpy.float32)
    for ratio in (1.0, -0.1, 1.5):
        with pytest.raises(
            ValueError, match=rf"dropout ratio must be in the range \[0, 1\), got {ratio}"
        ):
            F.dropout(x, ratio)
    with pytest.raises(TypeError, match="ratio must be a real number, got str"):
        F.dropout(x, "0.5")  # type: ignore[call-overload]
    with pytest.raises(ValueError, match=r"mask has shape \(3, 2\), but x has shape \(2, 3\)"):
        F.dropout(x, mask=numpy.ones((3, 2), numpy.float32))
    with pytest.raises(TypeError, match="mask must be an array or None, got list"):
        F.dropout(x, mask=[1.0])  # type: ignore[call-overload]
    with pytest.raises(InvalidType, match=r"Expect: x\.dtype\.kind == 'f'"):
        F.dropout(numpy.ones(3, numpy.int32))


@pytest.mark.gpu
def test_gpu() -> None:
    cupy = pytest.importorskip("cupy")
    if cupy.cuda.runtime.getDeviceCount() == 0:
        pytest.skip("no CUDA device")
    x = Variable(cupy.ones((100, 10), numpy.float32))
    y, mask = F.dropout(x, 0.5, return_mask=True)
    assert isinstance(mask, cupy.ndarray)
    cupy.testing.assert_array_equal(y.array, x.array * mask)
    y.grad = cupy.ones_like(y.array)
    y.backward()
    cupy.testing.assert_array_equal(x.grad, mask)
