"""sigmoid_cross_entropy: forward against NumPy, gradients (double too), errors."""

from __future__ import annotations

from typing import Any

import numpy
import numpy.typing as npt
import pytest

import kusari.functions as F
from kusari.graph import Variable
from kusari.graph.type_check import InvalidType

from ._array_loss_support import (
    FLOATS,
    assert_forward,
    check_grads,
    check_grads_float16,
    check_on_gpu,
    data,
    gpu,
    scalar,
    uniform,
)

Arr = npt.NDArray[Any]
SHAPES = [(4, 3), (6,), (2, 3, 2)]


def _labels(shape: tuple[int, ...], seed: int = 3) -> Arr:
    t = numpy.random.default_rng(seed).integers(-1, 2, shape).astype(numpy.int32)
    t.flat[0] = 1
    return t


def _reference(x: Arr, t: Arr, normalize: bool = True, reduce: str = "mean") -> Arr:
    x = x.astype(numpy.float64)
    p = 1 / (1 + numpy.exp(-x))
    valid = t != -1
    loss = -(t * numpy.log(p) + (1 - t) * numpy.log(1 - p)) * valid
    if reduce == "no":
        per_element: Arr = loss
        return per_element
    count = valid.sum() if normalize else x.shape[0]
    result: Arr = numpy.asarray(loss.sum() / max(count, 1))
    return result


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize(("normalize", "reduce"), [(True, "mean"), (False, "mean"), (True, "no")])
def test_forward(dtype: Any, shape: tuple[int, ...], normalize: bool, reduce: str) -> None:
    x = uniform(0, shape, dtype, -4, 4)
    t = _labels(shape)
    y = F.sigmoid_cross_entropy(x, t, normalize=normalize, reduce=reduce)  # type: ignore[arg-type]
    assert_forward(y, _reference(x, t, normalize, reduce), dtype, scale=3.0)


def test_large_logits_are_stable() -> None:
    x = numpy.array([-800.0, 800.0, 30.0])
    t = numpy.array([0, 1, 0])
    y = F.sigmoid_cross_entropy(x, t, reduce="no")
    numpy.testing.assert_allclose(data(y), [0.0, 0.0, 30.0], atol=1e-12)


def test_chainer_values() -> None:
    # Computed with Chainer 7.8.1 on the same inputs.
    x = numpy.array([[0.0, 2.0], [-1.0, 5.0]], numpy.float32)
    t = numpy.array([[1, 1], [0, -1]], numpy.int32)
    assert scalar(F.sigmoid_cross_entropy(x, t)) == pytest.approx(0.3777789, abs=1e-6)
    assert scalar(F.sigmoid_cross_entropy(x, t, normalize=False)) == pytest.approx(
        0.5666684, abs=1e-6
    )


def test_all_ignored() -> None:
    x = Variable(uniform(0, (2, 3), numpy.float32))
    loss = F.sigmoid_cross_entropy(x, numpy.full((2, 3), -1))
    assert scalar(loss) == 0.0
    loss.backward()
    numpy.testing.assert_array_equal(x.grad, numpy.zeros((2, 3), numpy.float32))


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize(("normalize", "reduce"), [(True, "mean"), (False, "mean"), (True, "no")])
def test_gradients(shape: tuple[int, ...], normalize: bool, reduce: str) -> None:
    x = uniform(1, shape, numpy.float64, -3, 3)
    t = _labels(shape)
    check_grads(lambda v: F.sigmoid_cross_entropy(v, t, normalize, reduce), [x])  # type: ignore[arg-type]


def test_gradients_float16() -> None:
    t = _labels((3, 4))
    check_grads_float16(
        lambda v: F.sigmoid_cross_entropy(v, t), [uniform(1, (3, 4), numpy.float16)]
    )


def test_labels_may_be_a_variable() -> None:
    x = uniform(0, (2, 3), numpy.float32)
    t = _labels((2, 3))
    a = F.sigmoid_cross_entropy(x, Variable(t, requires_grad=False))
    assert scalar(a) == scalar(F.sigmoid_cross_entropy(x, t))


@pytest.mark.parametrize(
    ("x", "t", "message"),
    [
        (
            numpy.zeros((2, 3)),
            numpy.zeros((2, 3)),
            r"SigmoidCrossEntropy \(Forward\)\n\nExpect: t.dtype.kind in 'iu' \(t must be an "
            r"integer array of labels\)\nActual: t.dtype = float64",
        ),
        (numpy.zeros((2, 3)), numpy.zeros((3, 2), int), r"Expect: x.shape == t.shape"),
        (numpy.zeros(2, int), numpy.zeros(2, int), r"Expect: x.dtype.kind == 'f'"),
    ],
)
def test_invalid_inputs(x: Any, t: Any, message: str) -> None:
    with pytest.raises(InvalidType, match=message):
        F.sigmoid_cross_entropy(x, t)


def test_invalid_reduce() -> None:
    with pytest.raises(
        ValueError, match=r"only 'mean' and 'no' are valid for 'reduce', but 'sum'"
    ):
        F.sigmoid_cross_entropy(numpy.zeros(2), numpy.zeros(2, int), reduce="sum")  # type: ignore[arg-type]


@gpu
@pytest.mark.parametrize("reduce", ["mean", "no"])
def test_gpu(reduce: str) -> None:
    x = uniform(0, (3, 4), numpy.float32)
    check_on_gpu(lambda v, t: F.sigmoid_cross_entropy(v, t, reduce=reduce), [x, _labels((3, 4))])  # type: ignore[arg-type]
