"""clip."""

from __future__ import annotations

from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.graph import Variable
from kusari.graph.type_check import InvalidType

from ._opcheck import FLOATS, assert_forward, check_grads, check_grads_float16, uniform

BOUNDS = [(-0.5, 0.5), (None, 0.25), (-0.25, None)]


def _away_from(x: Any, points: tuple[Any, ...]) -> Any:
    for p in points:
        if p is not None:
            x = numpy.where(abs(x - p) < 0.05, p + 0.1, x)
    return x


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize(("low", "high"), BOUNDS)
@pytest.mark.parametrize("shape", [(), (3, 4)])
def test_forward(dtype: Any, low: Any, high: Any, shape: tuple[int, ...]) -> None:
    x = uniform(0, shape, dtype)
    assert_forward(F.clip(x, low, high), numpy.clip(x, low, high), dtype)


@pytest.mark.parametrize(("low", "high"), BOUNDS)
def test_grads(low: Any, high: Any) -> None:
    x = _away_from(uniform(1, (3, 4), numpy.float64), (low, high))
    check_grads(lambda v: F.clip(v, low, high), [x])


def test_grads_float16() -> None:
    x = _away_from(uniform(2, (3, 4), numpy.float16), (-0.5, 0.5)).astype(numpy.float16)
    check_grads_float16(lambda v: F.clip(v, -0.5, 0.5), [x], eps=1e-2)


def test_gradient_passes_at_the_bounds() -> None:
    # Chainer: the gradient is 1 on the closed interval.
    x = Variable(numpy.array([-1.0, 0.0, 1.0, 2.0, 3.0]))
    F.sum(F.clip(x, 0.0, 2.0)).backward()
    assert x.grad is not None
    assert x.grad.tolist() == [0.0, 1.0, 1.0, 1.0, 0.0]


def test_dtype_is_kept() -> None:
    assert F.clip(numpy.zeros(2, numpy.float16), 0.5, 1).dtype == numpy.float16


def test_errors() -> None:
    x = numpy.zeros(3)
    with pytest.raises(
        ValueError, match=r"x_min must be less than x_max, got x_min=2\.0, x_max=1\.0"
    ):
        F.clip(x, 2.0, 1.0)
    with pytest.raises(ValueError, match="x_min must be less than x_max"):
        F.clip(x, 1.0, 1.0)
    with pytest.raises(ValueError, match="clip needs x_min or x_max; both are None"):
        F.clip(x, None, None)
    with pytest.raises(TypeError, match=r"x_min must be a real number, got ndarray"):
        F.clip(x, numpy.zeros(3), 1.0)  # type: ignore[arg-type]
    with pytest.raises(InvalidType, match=r"Expect: x\.dtype\.kind == 'f'"):
        F.clip(numpy.zeros(3, numpy.int32), 0, 1)
