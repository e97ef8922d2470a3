"""connectionist_temporal_classification: against brute force over all paths, Chainer's values."""

from __future__ import annotations

import itertools
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
    grad_array,
    uniform,
)

CTC = F.connectionist_temporal_classification

# The inputs of the Chainer 7.8.1 runs below: numpy.random.RandomState(0).randn(2, 4), five
# times, as float32.
_STATE = numpy.random.RandomState(0)
XS = [_STATE.randn(2, 4).astype(numpy.float32) for _ in range(5)]
T = numpy.array([[1, 2], [3, 3]], numpy.int32)


def _collapse(path: tuple[int, ...], blank: int) -> tuple[int, ...]:
    merged = [c for i, c in enumerate(path) if i == 0 or c != path[i - 1]]
    return tuple(c for c in merged if c != blank)


def _brute_force(
    xs: list[Any], t: Any, blank: int, frames: Any = None, labels: Any = None
) -> npt.NDArray[Any]:
    """The losses, summing the probability of every path that collapses to the labels."""
    x = numpy.stack(xs).astype(numpy.float64)
    n_steps, batch, n_classes = x.shape
    prob = numpy.exp(x) / numpy.exp(x).sum(axis=2, keepdims=True)
    losses = []
    for b in range(batch):
        steps = n_steps if frames is None else int(frames[b])
        count = t.shape[1] if labels is None else int(labels[b])
        target = tuple(int(c) for c in t[b, :count])
        total = 0.0
        for path in itertools.product(range(n_classes), repeat=steps):
            if _collapse(path, blank) == target:
                total += float(numpy.prod([prob[i, b, c] for i, c in enumerate(path)]))
        losses.append(-numpy.log(total) if total > 0 else numpy.inf)
    return numpy.array(losses)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("reduce", ["mean", "no"])
@pytest.mark.parametrize("blank", [0, 2])
def test_forward_against_brute_force(dtype: Any, reduce: Any, blank: int) -> None:
    xs = [uniform(i, (3, 4), dtype, -2, 2) for i in range(5)]
    t = numpy.array([[1, 1, 3], [3, 1, 0], [1, 3, 1]], numpy.int32)
    if blank == 2:
        t[1, 2] = 3
    frames = numpy.array([5, 4, 5])
    labels = numpy.array([3, 2, 2])
    expected = _brute_force(xs, t, blank, frames, labels)
    y = CTC(xs, t, blank, frames, labels, reduce=reduce)
    assert_forward(y, expected if reduce == "no" else expected.mean(), dtype, scale=5.0)


@pytest.mark.parametrize(
    ("t", "frames", "labels"),
    [
        (numpy.array([[2, 2]]), None, None),  # a repeat needs a blank between: 3 frames
        (numpy.array([[1, 2]]), numpy.array([1]), None),  # one frame only
        (numpy.array([[1, 2]]), numpy.array([0]), numpy.array([0])),  # nothing at all
        (numpy.array([[1, 2]]), numpy.array([4]), numpy.array([0])),  # blanks only
        (numpy.array([[1, 2]]), numpy.array([2]), numpy.array([1])),
    ],
)
def test_edge_lengths(t: Any, frames: Any, labels: Any) -> None:
    xs = [uniform(i, (1, 3), numpy.float64) for i in range(4)]
    if t[0, 0] == t[0, 1]:
        xs = xs[:2]
    expected = _brute_force(xs, t, 0, frames, labels)
    numpy.testing.assert_allclose(data(CTC(xs, t, 0, frames, labels, reduce="no")), expected)


def test_infeasible_sample_has_infinite_loss_and_no_gradient() -> None:
    xs = [Variable(uniform(i, (2, 3), numpy.float64)) for i in range(2)]
    t = numpy.array([[1, 1], [1, 2]])
    loss = CTC(xs, t, 0, reduce="no")
    assert numpy.isinf(data(loss)[0])
    assert numpy.isfinite(data(loss)[1])
    loss.grad = numpy.ones(2)
    loss.backward()
    for x in xs:
        assert numpy.all(grad_array(x)[0] == 0)
        assert numpy.all(numpy.isfinite(grad_array(x)[1]))


def test_chainer_values() -> None:
    # Outputs and gradients of Chainer 7.8.1 for the same inputs.
    assert float(data(CTC(XS, T, 0))) == pytest.approx(4.942093, abs=1e-5)
    numpy.testing.assert_allclose(data(CTC(XS, T, 0, reduce="no")), [3.8038669, 6.080319], 1e-5)
    frames = numpy.array([5, 3], numpy.int32)
    labels = numpy.array([2, 1], numpy.int32)
    numpy.testing.assert_allclose(
        data(CTC(XS, T, 0, frames, labels, reduce="no")), [3.8038669, 3.2206762], 1e-5
    )
    xs = [Variable(x) for x in XS]
    CTC(xs, T, 0, frames, labels).backward()
    numpy.testing.assert_allclose(
        grad_array(xs[0]),
        [
            [-0.19520648, -0.11583652, 0.06861707, 0.24242598],
            [-0.15307355, 0.01827879, 0.1256007, 0.00919405],
        ],
        atol=1e-6,
    )
    numpy.testing.assert_allclose(
        grad_array(xs[4]),
        [[-0.02129111, 0.02844615, -0.24824207, 0.24108712], [0.0, 0.0, 0.0, 0.0]],
        atol=1e-6,
    )


def test_label_padding_is_ignored() -> None:
    labels = numpy.array([2, 1])
    padded = T.copy()
    padded[1, 1] = -1
    numpy.testing.assert_array_equal(
        data(CTC(XS, padded, 0, label_length=labels, reduce="no")),
        data(CTC(XS, T, 0, label_length=labels, reduce="no")),
    )


@pytest.mark.parametrize("reduce", ["mean", "no"])
def test_gradients(reduce: Any) -> None:
    xs = [uniform(i, (3, 4), numpy.float64, -2, 2) for i in range(4)]
    t = numpy.array([[1, 1], [3, 2], [2, 0]])
    frames = numpy.array([4, 3, 4])
    labels = numpy.array([2, 2, 1])
    check_grads(lambda *v: CTC(v, t, 0, frames, labels, reduce=reduce), xs)


def test_gradients_float16() -> None:
    xs = [uniform(i, (2, 3), numpy.float16) for i in range(3)]
    t = numpy.array([[1, 2], [2, 2]])
    check_grads_float16(lambda *v: CTC(v, t, 0, label_length=numpy.array([2, 1])), xs)


def test_input_gradient_only_reaches_valid_frames() -> None:
    xs = [Variable(x) for x in XS]
    CTC(xs, T, 0, input_length=numpy.array([2, 5])).backward()
    numpy.testing.assert_array_equal(grad_array(xs[2])[0], numpy.zeros(4, numpy.float32))
    assert numpy.abs(grad_array(xs[2])[1]).sum() > 0


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"x": XS[0]}, TypeError, "x must be a sequence of .B, V. Variables or arrays"),
        ({"x": []}, ValueError, "x must hold at least one frame"),
        ({"blank_symbol": 1.0}, TypeError, "blank_symbol must be an int, got float"),
        ({"blank_symbol": 4}, ValueError, r"blank_symbol must be in \[0, 4\), got 4"),
        ({"blank_symbol": -1}, ValueError, r"blank_symbol must be in \[0, 4\), got -1"),
        ({"reduce": "sum"}, ValueError, "only 'mean' and 'no' are valid for 'reduce'"),
        (
            {"t": T.astype(numpy.float32)},
            InvalidType,
            "t must be an integer array of labels",
        ),
        (
            {"t": T[:1]},
            InvalidType,
            r"Expect: in_types\[5\].shape\[0\] == in_types\[0\].shape\[0\]",
        ),
        (
            {"x": [XS[0], XS[1].astype(numpy.float64)]},
            InvalidType,
            r"Expect: in_types\[1\].dtype == in_types\[0\].dtype",
        ),
        (
            {"x": [x.astype(numpy.int32) for x in XS]},
            InvalidType,
            r"Expect: in_types\[0\].dtype.kind == 'f'",
        ),
        ({"t": T + 1}, ValueError, r"the labels t must lie in \[0, 4\), got values from 2 to 4"),
        ({"blank_symbol": 3}, ValueError, r"the labels t must not contain blank_symbol \(3\)"),
        (
            {"input_length": [5, 5]},
            TypeError,
            "input_length must be an integer array, got list",
        ),
        (
            {"input_length": numpy.array([5.0, 5.0])},
            TypeError,
            "input_length must be an integer array, got dtype float64",
        ),
        (
            {"input_length": numpy.array([6, 5])},
            ValueError,
            r"input_length must lie in \[0, 5\] \(the number of frames\), got values from 5 to 6",
        ),
        (
            {"label_length": numpy.array([2])},
            ValueError,
            r"label_length must have shape \(2,\), one length per sample, got \(1,\)",
        ),
        (
            {"label_length": numpy.array([-1, 2])},
            ValueError,
            r"label_length must lie in \[0, 2\] \(the number of labels\)",
        ),
    ],
)
def test_invalid_inputs(kwargs: dict[str, Any], error: type[Exception], message: str) -> None:
    arguments: dict[str, Any] = {"x": XS, "t": T, "blank_symbol": 0, **kwargs}
    with pytest.raises(error, match=message):
        CTC(**arguments)


@gpu
def test_gpu() -> None:
    t = numpy.array([[1, 2], [3, 3]], numpy.int32)
    frames = numpy.array([5, 4], numpy.int32)
    check_on_gpu(
        lambda *v: CTC(v, t, 0, input_length=frames, reduce="no"),
        [x.astype(numpy.float64) for x in XS],
    )
