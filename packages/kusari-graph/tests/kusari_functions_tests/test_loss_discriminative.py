"""discriminative_margin_based_clustering_loss: a per-instance reference, Chainer, gradients."""

from __future__ import annotations

import itertools
from typing import Any

import numpy
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

LOSS = F.discriminative_margin_based_clustering_loss


def _norm(v: Any, order: int) -> float:
    return float(numpy.abs(v).sum() if order == 1 else numpy.sqrt((v * v).sum()))


def _reference(
    emb: Any, labels: Any, dv: float, dd: float, k: int, order: int, a: float, b: float, g: float
) -> tuple[float, float, float]:
    emb = emb.astype(numpy.float64)
    variance = distance = regularization = 0.0
    for image, label in zip(emb, labels, strict=True):
        means = []
        for c in range(1, k + 1):
            pixels = image[:, label == c]  # (C, n)
            mean = pixels.mean(axis=1) if pixels.shape[1] else numpy.zeros(image.shape[0])
            means.append(mean)
            if pixels.shape[1]:
                spread = [max(_norm(p - mean, order) - dv, 0.0) ** 2 for p in pixels.T]
                variance += sum(spread) / len(spread)
            regularization += _norm(mean, order)
        for m1, m2 in itertools.permutations(means, 2):
            distance += max(2 * dd - _norm(m1 - m2, order), 0.0) ** 2
    batch = len(emb)
    pairs = max(k * (k - 1), 1)
    return (
        a * variance / (batch * k),
        b * distance / (batch * pairs),
        g * regularization / (batch * k),
    )


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize(
    ("shape", "k", "kwargs"),
    [
        ((1, 3, 4, 5), 3, {}),
        ((2, 2, 3, 3), 4, {"norm": 2, "alpha": 2.0, "beta": 0.5, "gamma": 0.1}),
        ((3, 4, 2, 5), 1, {"norm": 2}),
    ],
)
def test_forward(dtype: Any, shape: Any, k: int, kwargs: Any) -> None:
    emb = uniform(0, shape, dtype, -2, 2)
    labels = numpy.random.default_rng(1).integers(0, k + 1, (shape[0], *shape[2:]))
    outputs = LOSS(emb, labels, 0.5, 1.5, k, **kwargs)
    options = {"norm": 1, "alpha": 1.0, "beta": 1.0, "gamma": 0.001, **kwargs}
    expected = _reference(emb, labels, 0.5, 1.5, k, *options.values())
    for y, value in zip(outputs, expected, strict=True):
        assert_forward(y, value, dtype, scale=20.0)


def test_chainer_values() -> None:
    # Chainer 7.8.1 for one image with an absent instance (3): the losses and the gradient
    # of their sum (Chainer's L2 gradient is NaN there: a zero mean's norm).
    rng = numpy.random.RandomState(0)
    emb = rng.randn(1, 3, 4, 5)
    labels = rng.randint(0, 3, (1, 4, 5)).astype(numpy.int32)
    x = Variable(emb)
    outputs = LOSS(x, labels, 0.5, 1.5, 3)
    numpy.testing.assert_allclose(
        [float(data(v)) for v in outputs],
        [2.7424518064636634, 2.9092154710526, 0.000946187730206665],
    )
    F.sum(outputs[0] + outputs[1] + outputs[2]).backward()
    numpy.testing.assert_allclose(
        grad_array(x).ravel()[:6],
        [-0.03386752, 0.10823605, -0.13630425, -0.01375192, -0.0753309, -0.39326646],
        atol=1e-8,
    )
    outputs = LOSS(emb, labels, 0.5, 1.5, 3, norm=2, alpha=2.0, beta=0.5, gamma=0.1)
    numpy.testing.assert_allclose(
        [float(data(v)) for v in outputs],
        [2.132473642386777, 2.207842216406398, 0.06731893452502608],
    )


def test_l2_gradient_is_finite_for_absent_instances_and_single_pixels() -> None:
    emb = Variable(uniform(0, (1, 2, 2, 2), "d"))
    labels = numpy.array([[[1, 2], [2, 0]]])  # instance 1 has one pixel, 3 none
    outputs = LOSS(emb, labels, 0.1, 1.0, 3, norm=2)
    F.sum(outputs[0] + outputs[1] + outputs[2]).backward()
    assert numpy.all(numpy.isfinite(grad_array(emb)))


@pytest.mark.parametrize("norm", [1, 2])
def test_gradients(norm: int) -> None:
    labels = numpy.array([[[1, 1, 2], [2, 0, 3], [3, 3, 1]], [[2, 2, 1], [0, 1, 1], [3, 2, 2]]])

    def fn(emb: Any) -> Any:
        var, dist, reg = LOSS(emb, labels, 0.2, 0.8, 3, norm=norm, gamma=0.1)
        return F.stack((var, dist, reg))

    check_grads(fn, [uniform(0, (2, 2, 3, 3), "d", -1, 1)])
    check_grads_float16(fn, [uniform(0, (2, 2, 3, 3), "e", -1, 1)])


E = numpy.zeros((2, 3, 4, 5))
L = numpy.zeros((2, 4, 5), numpy.int32)


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        ((E, L[:, :3]), {}, InvalidType, r"Expect: labels.shape\[1\] == embeddings.shape\[2\]"),
        ((E[0], L), {}, InvalidType, r"Expect: embeddings.ndim == 4"),
        ((E, L.astype(numpy.float32)), {}, InvalidType, "labels must be an integer array"),
        ((E.astype(int), L), {}, InvalidType, r"embeddings.dtype.kind == 'f'"),
        ((E, L), {"norm": 3}, ValueError, "norm must be 1 or 2, got 3"),
        ((E, L), {"max_embedding_dim": 0}, ValueError, "max_embedding_dim must be positive"),
        ((E, L), {"max_embedding_dim": 2.0}, TypeError, "max_embedding_dim must be an int"),
    ],
)
def test_invalid(args: Any, kwargs: Any, error: type[Exception], message: str) -> None:
    options: dict[str, Any] = {"delta_v": 0.5, "delta_d": 1.5, "max_embedding_dim": 3, **kwargs}
    with pytest.raises(error, match=message):
        LOSS(*args, **options)


@gpu
def test_gpu() -> None:
    labels = numpy.random.default_rng(1).integers(0, 4, (2, 3, 3))
    check_on_gpu(
        lambda e: F.stack(LOSS(e, labels, 0.2, 0.8, 3, norm=2)),
        [uniform(0, (2, 2, 3, 3), "d")],
        atol=1e-12,
    )
