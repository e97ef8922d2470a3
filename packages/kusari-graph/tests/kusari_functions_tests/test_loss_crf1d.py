"""crf1d and argmax_crf1d: against brute force over all paths, Chainer's values, gradients."""

from __future__ import annotations

import itertools
from typing import Any

import numpy
import numpy.typing as npt
import pytest

import kusari.functions as F
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

COST = numpy.array([[0.1, 0.5, -0.2], [0.3, -0.4, 0.2], [0.0, 0.6, 0.1]], numpy.float32)
XS = [
    numpy.array([[0.2, 0.1, -0.3], [1.0, 0.0, 0.5]], numpy.float32),
    numpy.array([[0.4, -0.1, 0.3], [0.2, 0.2, 0.2]], numpy.float32),
    numpy.array([[0.5, 0.5, -1.0]], numpy.float32),
]
YS = [
    numpy.array([0, 2], numpy.int32),
    numpy.array([1, 1], numpy.int32),
    numpy.array([2], numpy.int32),
]


def _sequence(xs: list[Any], b: int) -> npt.NDArray[Any]:
    return numpy.stack([x[b] for x in xs if len(x) > b]).astype(numpy.float64)


def _score(cost: Any, scores: Any, path: tuple[int, ...]) -> float:
    total = sum(scores[t, y] for t, y in enumerate(path))
    total += sum(cost[a, b] for a, b in itertools.pairwise(path))
    return float(total)


def _brute_force(cost: Any, xs: list[Any], ys: list[Any]) -> tuple[Any, Any, list[Any]]:
    cost = cost.astype(numpy.float64)
    losses, best, paths = [], [], []
    for b in range(len(xs[0])):
        scores = _sequence(xs, b)
        n, k = scores.shape
        all_paths = list(itertools.product(range(k), repeat=n))
        values = numpy.array([_score(cost, scores, p) for p in all_paths])
        truth = tuple(int(y[b]) for y in ys[:n])
        losses.append(numpy.logaddexp.reduce(values) - _score(cost, scores, truth))
        best.append(values.max())
        paths.append(all_paths[int(values.argmax())])
    return numpy.array(losses), numpy.array(best), paths


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("lengths", [(3, 2, 2), (2,), (4, 1), (1, 1, 1)])
@pytest.mark.parametrize("reduce", ["mean", "no"])
def test_forward_against_brute_force(dtype: Any, lengths: tuple[int, ...], reduce: Any) -> None:
    rng = numpy.random.default_rng(5)
    cost = uniform(0, (3, 3), dtype)
    steps = lengths[0]
    xs = [uniform(t + 1, (sum(1 for n in lengths if n > t), 3), dtype) for t in range(steps)]
    ys = [rng.integers(0, 3, len(x)) for x in xs]
    losses, _, _ = _brute_force(cost, xs, ys)
    assert_forward(
        F.crf1d(cost, xs, ys, reduce),
        losses if reduce == "no" else losses.mean(),
        dtype,
        scale=5.0,
    )


def test_chainer_values() -> None:
    # Outputs of Chainer 7.8.1 for the same inputs.
    assert scalar(F.crf1d(COST, XS, YS)) == pytest.approx(3.093317, abs=1e-5)
    numpy.testing.assert_allclose(
        data(F.crf1d(COST, XS, YS, reduce="no")), [4.319919, 1.866715], atol=1e-5
    )
    score, path = F.argmax_crf1d(COST, XS)
    numpy.testing.assert_allclose(data(score), [1.8, 1.7], atol=1e-6)
    assert [p.tolist() for p in path] == [[1, 0], [0, 1], [1]]


@pytest.mark.parametrize("lengths", [(3, 2, 2), (4, 1), (2, 2)])
def test_argmax_against_brute_force(lengths: tuple[int, ...]) -> None:
    cost = uniform(0, (3, 3), numpy.float64, -2, 2)
    xs = [
        uniform(t + 1, (sum(1 for n in lengths if n > t), 3), numpy.float64, -2, 2)
        for t in range(lengths[0])
    ]
    _, best, paths = _brute_force(cost, xs, [numpy.zeros(len(x), int) for x in xs])
    score, path = F.argmax_crf1d(cost, xs)
    numpy.testing.assert_allclose(data(score), best)
    for b, expected in enumerate(paths):
        assert tuple(int(path[t][b]) for t in range(lengths[b])) == expected


def test_gradients() -> None:
    xs = [uniform(1, (3, 3), "d"), uniform(2, (2, 3), "d"), uniform(3, (1, 3), "d")]
    ys = [numpy.array([0, 2, 1]), numpy.array([1, 1]), numpy.array([2])]
    check_grads(lambda c, *v: F.crf1d(c, v, ys, "no"), [uniform(0, (3, 3), "d"), *xs])
    check_grads_float16(
        lambda c, *v: F.crf1d(c, v, ys), [uniform(0, (3, 3), "e"), *(x.astype("e") for x in xs)]
    )


@pytest.mark.parametrize(
    ("cost", "xs", "ys", "error", "message"),
    [
        (COST, [], [], ValueError, "xs must hold at least one time step"),
        (COST, XS, YS[:2], ValueError, "xs and ys must have one entry per time step, got 3 and 2"),
        (
            COST[:2],
            XS,
            YS,
            InvalidType,
            r"CRF1d \(Forward\)\n\nExpect: in_types\[0\].shape\[0\] == in_types\[0\].shape\[1\]",
        ),
        (
            COST,
            XS[::-1],
            YS[::-1],
            InvalidType,
            r"Expect: in_types\[1\].shape\[0\] >= in_types\[2\].shape\[0\]",
        ),
        (
            COST,
            XS,
            [y.astype(numpy.float32) for y in YS],
            InvalidType,
            r"ys\[t\] must be an integer array",
        ),
        (
            COST,
            [x.astype(numpy.float64) for x in XS],
            YS,
            InvalidType,
            r"Expect: in_types\[1\].dtype == in_types\[0\].dtype",
        ),
    ],
)
def test_invalid_inputs(cost: Any, xs: Any, ys: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        F.crf1d(cost, xs, ys)


def test_invalid_reduce() -> None:
    with pytest.raises(ValueError, match="only 'mean' and 'no' are valid for 'reduce'"):
        F.crf1d(COST, XS, YS, "sum")  # type: ignore[arg-type]


@gpu
def test_gpu() -> None:
    check_on_gpu(
        lambda c, x0, x1, x2, y0, y1, y2: F.crf1d(c, [x0, x1, x2], [y0, y1, y2]),
        [COST, *XS, *YS],
    )
