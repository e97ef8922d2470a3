from __future__ import annotations

from typing import Any

import numpy
import pytest

from kusari import functions as F
from kusari.graph.type_check import InvalidType

from ._conv_reference import FLOATS, assert_close, check_grads, data


def _data(dtype: Any, seed: int = 0) -> tuple[Any, ...]:
    rng = numpy.random.default_rng(seed)
    shapes = [(3, 2), (3, 4), (2, 4, 5), (2, 5), (4, 5), (5,)]
    return tuple(rng.uniform(-1, 1, s).astype(dtype) for s in shapes)


def _reference(e1: Any, e2: Any, W: Any, *linear: Any) -> Any:
    e1, e2, W = (a.astype(numpy.float64) for a in (e1, e2, W))
    y = numpy.einsum("ij,ik,jkl->il", e1, e2, W)
    if linear:
        V1, V2, b = (a.astype(numpy.float64) for a in linear)
        y = y + e1 @ V1 + e2 @ V2 + b
    return y


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("with_linear", [True, False])
def test_forward(dtype: Any, with_linear: bool) -> None:
    args = _data(dtype)
    args = args if with_linear else args[:3]
    y = F.bilinear(*args)
    assert y.dtype == dtype
    assert y.shape == (3, 5)
    assert_close(data(y), _reference(*args), dtype, scale=10)


def test_inputs_with_more_axes_are_flattened() -> None:
    e1, e2, W = _data(numpy.float64)[:3]
    y = F.bilinear(e1.reshape(3, 2, 1), e2.reshape(3, 2, 2), W)
    numpy.testing.assert_allclose(data(y), _reference(e1, e2, W), rtol=1e-12)


@pytest.mark.parametrize("with_linear", [True, False])
def test_grads(with_linear: bool) -> None:
    args = _data(numpy.float64, seed=1)
    check_grads(F.bilinear, args if with_linear else args[:3])


def test_errors() -> None:
    e1, e2, W, V1, V2, b = _data(numpy.float32)
    with pytest.raises(ValueError, match=r"must be None, if at least one of them is None"):
        F.bilinear(e1, e2, W, V1)
    with pytest.raises(ValueError, match=r"must be None, if at least one of them is None"):
        F.bilinear(e1, e2, W, V1, V2)
    with pytest.raises(InvalidType, match=r"e1\.shape\[0\] == e2\.shape\[0\]"):
        F.bilinear(e1, e2[:1], W)
    with pytest.raises(InvalidType, match=r"e1\.shape\[1\] == W\.shape\[0\]"):
        F.bilinear(e1, e2, W[:1])
    with pytest.raises(InvalidType, match=r"e2\.dtype == e1\.dtype"):
        F.bilinear(e1, e2.astype(numpy.float64), W)
    with pytest.raises(InvalidType, match=r"b\.shape\[0\] == W\.shape\[2\]"):
        F.bilinear(e1, e2, W, V1, V2, b[:2])
    with pytest.raises(InvalidType, match=r"BilinearFunction \(Forward\)"):
        F.bilinear(e1, e2, W.reshape(2, 20))
