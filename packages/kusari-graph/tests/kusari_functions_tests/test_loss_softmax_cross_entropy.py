"""softmax_cross_entropy: both paths against a NumPy reference, gradients, soft targets, errors."""

from __future__ import annotations

from typing import Any

import numpy
import numpy.typing as npt
import pytest

import kusari.functions as F
from kusari.graph import Variable, grad
from kusari.graph import gradient_check as gc
from kusari.graph.type_check import InvalidType

from ._array_loss_support import (
    FLOATS,
    assert_forward,
    check_grads,
    check_on_gpu,
    data,
    gpu,
    grad_array,
    scalar,
    uniform,
)

Arr = npt.NDArray[Any]


def _log_softmax(x: Arr) -> Arr:
    x = x.astype(numpy.float64)
    m = x.max(axis=1, keepdims=True)
    result: Arr = x - m - numpy.log(numpy.exp(x - m).sum(axis=1, keepdims=True))
    return result


def _reference(
    x: Arr,
    t: Arr,
    normalize: bool = True,
    class_weight: Arr | None = None,
    ignore_label: int = -1,
    reduce: str = "mean",
) -> Arr:
    rows = numpy.moveaxis(_log_softmax(x), 1, -1).reshape(-1, x.shape[1])
    labels = t.ravel()
    valid = labels != ignore_label
    safe = numpy.where(valid, labels, 0)
    loss = -rows[numpy.arange(len(labels)), safe] * valid
    if class_weight is not None:
        loss = loss * class_weight[safe]
    if reduce == "no":
        per_element: Arr = loss.reshape(t.shape)
        return per_element
    count = valid.sum() if normalize else x.shape[0]
    result: Arr = numpy.asarray(loss.sum() / max(count, 1))
    return result


def _labels(shape: tuple[int, ...], n_classes: int, seed: int = 3, ignored: bool = True) -> Arr:
    rng = numpy.random.default_rng(seed)
    t = rng.integers(0, n_classes, shape).astype(numpy.int32)
    if ignored and t.size > 1:
        t.flat[1] = -1
    return t


X_SHAPES = [(4, 3), (2, 3, 4), (2, 5, 2, 2), (1, 1)]


@pytest.mark.parametrize("double", [False, True])
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape", X_SHAPES)
@pytest.mark.parametrize(("normalize", "reduce"), [(True, "mean"), (False, "mean"), (True, "no")])
def test_forward(
    double: bool, dtype: Any, shape: tuple[int, ...], normalize: bool, reduce: Any
) -> None:
    x = uniform(0, shape, dtype, -3, 3)
    t = _labels(shape[:1] + shape[2:], shape[1])
    y = F.softmax_cross_entropy(
        x,
        t,
        normalize=normalize,
        reduce=reduce,
        enable_double_backprop=double,
    )
    assert_forward(y, _reference(x, t, normalize, reduce=reduce), dtype, scale=3.0)


@pytest.mark.parametrize("double", [False, True])
@pytest.mark.parametrize("reduce", ["mean", "no"])
def test_class_weight_and_ignore_label(double: bool, reduce: Any) -> None:
    x = uniform(0, (5, 3), numpy.float32, -2, 2)
    t = numpy.array([0, 2, 7, 1, 2], numpy.int64)
    weight = numpy.array([0.5, 2.0, 3.0], numpy.float32)
    y = F.softmax_cross_entropy(
        x,
        t,
        class_weight=weight,
        ignore_label=7,
        reduce=reduce,
        enable_double_backprop=double,
    )
    expected = _reference(x, t, class_weight=weight, ignore_label=7, reduce=reduce)
    assert_forward(y, expected, numpy.float32)


def test_chainer_values() -> None:
    # Computed with Chainer 7.8.1 on the same inputs.
    x = numpy.log(numpy.array([[1.0, 3.0, 4.0], [2.0, 2.0, 4.0], [1.0, 1.0, 1.0]], numpy.float32))
    t = numpy.array([0, 2, -1], numpy.int32)
    assert scalar(F.softmax_cross_entropy(x, t)) == pytest.approx(1.3862944, rel=1e-6)
    assert scalar(F.softmax_cross_entropy(x, t, normalize=False)) == pytest.approx(
        0.92419624, rel=1e-6
    )
    weight = numpy.array([1.0, 2.0, 3.0], numpy.float32)
    assert scalar(F.softmax_cross_entropy(x, t, class_weight=weight)) == pytest.approx(
        2.0794415, rel=1e-6
    )


@pytest.mark.parametrize("double", [False, True])
def test_all_ignored_gives_zero(double: bool) -> None:
    x = Variable(uniform(0, (3, 4), numpy.float32))
    t = numpy.full(3, -1, numpy.int32)
    loss = F.softmax_cross_entropy(x, t, enable_double_backprop=double)
    assert scalar(loss) == 0.0
    loss.backward()
    numpy.testing.assert_array_equal(x.grad, numpy.zeros((3, 4), numpy.float32))


def test_empty_batch() -> None:
    loss = F.softmax_cross_entropy(numpy.zeros((0, 3), numpy.float32), numpy.zeros(0, numpy.int32))
    assert loss.shape == ()
    assert scalar(loss) == 0.0


@pytest.mark.parametrize("shape", X_SHAPES[:3])
@pytest.mark.parametrize(
    "options",
    [
        {},
        {"normalize": False},
        {"reduce": "no"},
        {"cache_score": False},
        {"class_weight": numpy.array([0.5, 2.0, 1.5, 1.0, 3.0])},
    ],
)
def test_gradients_fast_path(shape: tuple[int, ...], options: dict[str, Any]) -> None:
    x = uniform(1, shape, numpy.float64, -2, 2)
    t = _labels(shape[:1] + shape[2:], shape[1])
    if "class_weight" in options:
        options = {"class_weight": options["class_weight"][: shape[1]]}

    def fn(v: Variable) -> Variable:
        return F.softmax_cross_entropy(v, t, **options)

    y_shape = fn(Variable(x)).shape
    gy = uniform(2, y_shape, numpy.float64)
    gc.check_backward(fn, (x,), (gy,))


@pytest.mark.parametrize("shape", X_SHAPES[:3])
@pytest.mark.parametrize(
    "options",
    [{}, {"normalize": False}, {"reduce": "no"}, {"class_weight": numpy.array([0.5, 2.0, 1.5])}],
)
def test_gradients_double_backprop_path(shape: tuple[int, ...], options: dict[str, Any]) -> None:
    x = uniform(1, shape, numpy.float64, -2, 2)
    t = _labels(shape[:1] + shape[2:], shape[1])
    if "class_weight" in options:
        options = {"class_weight": numpy.resize(options["class_weight"], shape[1])}
    check_grads(
        lambda v: F.softmax_cross_entropy(v, t, enable_double_backprop=True, **options), [x]
    )


def test_both_paths_agree_float16() -> None:
    x = uniform(0, (6, 5), numpy.float16, -4, 4)
    t = _labels((6,), 5)
    grads = []
    for double in (False, True):
        v = Variable(x)
        F.softmax_cross_entropy(v, t, enable_double_backprop=double).backward()
        grads.append(grad_array(v))
    numpy.testing.assert_allclose(grads[0], grads[1], atol=1e-3)
    v = Variable(x.astype(numpy.float64))
    F.softmax_cross_entropy(v, t).backward()
    numpy.testing.assert_allclose(grads[0], grad_array(v), atol=2e-3)


def test_double_backprop_through_the_fast_path_raises() -> None:
    x = Variable(uniform(0, (3, 4), numpy.float64))
    t = _labels((3,), 4)
    (gx,) = grad([F.softmax_cross_entropy(x, t)], [x], enable_double_backprop=True)
    assert gx is not None
    with pytest.raises(RuntimeError, match="pass enable_double_backprop=True to softmax_cross"):
        F.sum(gx * gx).backward()


def test_double_backprop_path_gives_second_order_gradients() -> None:
    x = Variable(numpy.array([[0.0, numpy.log(3.0)]]))
    t = numpy.array([1])
    (gx,) = grad(
        [F.softmax_cross_entropy(x, t, enable_double_backprop=True)],
        [x],
        enable_double_backprop=True,
    )
    assert gx is not None
    numpy.testing.assert_allclose(data(gx), numpy.array([[0.25, -0.25]]))
    F.sum(gx[:, 0]).backward()
    # d/dx of p0 = softmax(x)[0]: p0 * (1 - p0), -p0 * p1
    numpy.testing.assert_allclose(grad_array(x), numpy.array([[0.1875, -0.1875]]))


def test_labels_may_be_a_variable() -> None:
    x = uniform(0, (3, 4), numpy.float32)
    t = _labels((3,), 4)
    a = F.softmax_cross_entropy(x, Variable(t, requires_grad=False))
    assert scalar(a) == scalar(F.softmax_cross_entropy(x, t))


# --- soft targets ------------------------------------------------------------------------


def _soft(shape: tuple[int, ...], seed: int = 4) -> Arr:
    p = numpy.random.default_rng(seed).random(shape)
    p[0, 0] = 0.0  # a zero probability: 0 * log(0) counts as 0
    result: Arr = p / p.sum(axis=1, keepdims=True)
    return result


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape", X_SHAPES[:3])
@pytest.mark.parametrize("kind", ["cross-entropy", "kl-divergence"])
@pytest.mark.parametrize("reduce", ["mean", "no"])
def test_soft_target_forward(dtype: Any, shape: tuple[int, ...], kind: str, reduce: str) -> None:
    x = uniform(0, shape, dtype, -2, 2)
    t = _soft(shape).astype(dtype)
    y = F.softmax_cross_entropy(x, t, reduce=reduce, soft_target_loss=kind)  # type: ignore[arg-type]
    tt = t.astype(numpy.float64)
    per = -(tt * _log_softmax(x)).sum(axis=1)
    if kind == "kl-divergence":
        per += (tt * numpy.log(numpy.where(tt > 0, tt, 1))).sum(axis=1)
    assert_forward(y, per if reduce == "no" else per.mean(), dtype, scale=3.0)


def test_soft_target_ignores_normalize_as_chainer_does() -> None:
    x = uniform(0, (2, 3, 4), numpy.float32)
    t = _soft((2, 3, 4)).astype(numpy.float32)
    a = F.softmax_cross_entropy(x, t, normalize=True)
    b = F.softmax_cross_entropy(x, t, normalize=False)
    assert scalar(a) == scalar(b)


@pytest.mark.parametrize("kind", ["cross-entropy", "kl-divergence"])
def test_soft_target_gradients(kind: str) -> None:
    x = uniform(0, (3, 4, 2), numpy.float64)
    t = _soft((3, 4, 2))
    check_grads(lambda v: F.softmax_cross_entropy(v, t, soft_target_loss=kind), [x])  # type: ignore[arg-type]


# --- errors ------------------------------------------------------------------------------


@pytest.mark.parametrize("double", [False, True])
@pytest.mark.parametrize(
    ("x", "t", "message"),
    [
        (
            numpy.zeros((2, 3)),
            numpy.array([0.0, 1.0]),
            r"SoftmaxCrossEntropy \(Forward\)\n\nExpect: t.dtype.kind in 'iu' \(t must be an "
            r"integer array of labels, or a floating point array of x's shape for soft "
            r"targets\)\nActual: t.dtype = float64",
        ),
        (numpy.zeros((2, 3), numpy.int32), numpy.array([0, 1]), r"Expect: x.dtype.kind == 'f'"),
        (numpy.zeros(3), numpy.array([0]), r"Expect: x.ndim >= 2\nActual: 1 < 2"),
        (numpy.zeros((2, 3)), numpy.array([0]), r"Expect: x.shape\[0\] == t.shape\[0\]"),
        (numpy.zeros((2, 3, 4)), numpy.zeros((2, 3), int), r"x.shape\[2:\] == t.shape\[1:\]"),
        (numpy.zeros((2, 3, 4)), numpy.zeros(2, int), r"Expect: t.ndim == x.ndim - 1"),
    ],
)
def test_invalid_inputs(double: bool, x: Any, t: Any, message: str) -> None:
    with pytest.raises(InvalidType, match=message):
        F.softmax_cross_entropy(x, t, enable_double_backprop=double)


def test_soft_target_of_another_shape_is_a_label_error() -> None:
    with pytest.raises(InvalidType, match="t must be an integer array of labels"):
        F.softmax_cross_entropy(numpy.zeros((2, 3)), numpy.zeros((2, 2)))


@pytest.mark.parametrize("double", [False, True])
def test_label_out_of_range(double: bool) -> None:
    with pytest.raises(ValueError, match=r"label 3 at .*1.* is out of range for 3 classes"):
        F.softmax_cross_entropy(
            numpy.zeros((2, 3)), numpy.array([0, 3]), enable_double_backprop=double
        )


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"reduce": "sum"}, ValueError, r"only 'mean' and 'no' are valid for 'reduce', but 'sum'"),
        ({"soft_target_loss": "l2"}, ValueError, "soft_target_loss must be 'cross-entropy' or"),
        ({"class_weight": numpy.ones(2)}, ValueError, r"class_weight must have shape \(3,\)"),
        ({"class_weight": numpy.ones((1, 3))}, ValueError, r"got \(1, 3\)"),
        ({"class_weight": [1.0, 1.0, 1.0]}, TypeError, "class_weight must be an array or None"),
        ({"ignore_label": 0.5}, TypeError, "ignore_label must be an int, got float"),
    ],
)
def test_invalid_arguments(options: dict[str, Any], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        F.softmax_cross_entropy(numpy.zeros((2, 3)), numpy.array([0, 1]), **options)


def test_class_weight_with_soft_targets() -> None:
    with pytest.raises(ValueError, match="class_weight is not supported with soft targets"):
        F.softmax_cross_entropy(
            numpy.zeros((2, 3)), numpy.full((2, 3), 1 / 3), class_weight=numpy.ones(3)
        )


@gpu
@pytest.mark.parametrize("double", [False, True])
def test_gpu(double: bool) -> None:
    x = uniform(0, (4, 3, 2), numpy.float32)
    t = _labels((4, 2), 3)
    check_on_gpu(
        lambda v, labels: F.softmax_cross_entropy(v, labels, enable_double_backprop=double),
        [x, t],
    )


@gpu
@pytest.mark.parametrize("double", [False, True])
def test_gpu_with_a_numpy_class_weight(double: bool) -> None:
    weight = numpy.array([0.5, 2.0, 1.0], numpy.float32)
    check_on_gpu(
        lambda v, labels: F.softmax_cross_entropy(
            v, labels, class_weight=weight, enable_double_backprop=double
        ),
        [uniform(0, (4, 3), numpy.float32), _labels((4,), 3)],
    )
