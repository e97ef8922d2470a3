"""Chainer-style code using the array functions and losses after ``install_as_chainer()``."""

from __future__ import annotations

import types
from collections.abc import Iterator

import numpy
import pytest

from kusari.compat import install_as_chainer, uninstall_chainer


@pytest.fixture
def chainer() -> Iterator[types.ModuleType]:
    module = install_as_chainer()
    yield module
    uninstall_chainer()


def test_chainer_style_sequence_classifier_step(chainer: types.ModuleType) -> None:
    import chainer.functions as F

    rng = numpy.random.default_rng(0)
    w = chainer.Variable(rng.standard_normal((4, 3)).astype(numpy.float32))
    xs = [rng.standard_normal((n, 4)).astype(numpy.float32) for n in (3, 2, 2)]
    steps = F.transpose_sequence(xs)
    hidden = [F.matmul(step, w) for step in steps]
    logits = F.concat([F.expand_dims(h[0], 0) for h in hidden], axis=0)
    left, right = F.split_axis(logits, [1], axis=1)
    logits = F.concat((right, left), axis=1)
    t = numpy.array([0, 2, -1], numpy.int32)
    loss = F.softmax_cross_entropy(logits, t) + F.mean_squared_error(
        F.stack([h[0] for h in hidden]), F.stack([h[-1] for h in hidden])
    )
    loss.backward()
    assert w.grad is not None
    assert w.grad.shape == (4, 3)
    assert numpy.isfinite(w.grad).all()


def test_chainer_values(chainer: types.ModuleType) -> None:
    import chainer.functions as F

    # Computed with Chainer 7.8.1 on the same inputs.
    x = numpy.log(numpy.array([[1.0, 3.0, 4.0], [2.0, 2.0, 4.0], [1.0, 1.0, 1.0]], numpy.float32))
    t = numpy.array([0, 2, -1], numpy.int32)
    assert float(F.softmax_cross_entropy(x, t).array) == pytest.approx(1.3862944, rel=1e-6)
    y = numpy.array([[0.0, 2.0], [-1.0, 5.0]], numpy.float32)
    labels = numpy.array([[1, 1], [0, -1]], numpy.int32)
    assert float(F.sigmoid_cross_entropy(y, labels).array) == pytest.approx(0.3777789, abs=1e-6)
    image = numpy.arange(16, dtype=numpy.float32).reshape(1, 8, 1, 2)
    assert F.depth2space(image, 2).array[0, 0].tolist() == [
        [0.0, 4.0, 1.0, 5.0],
        [8.0, 12.0, 9.0, 13.0],
    ]


def test_label_errors_name_t(chainer: types.ModuleType) -> None:
    import chainer.functions as F
    from chainer.utils import type_check

    with pytest.raises(type_check.InvalidType, match="t must be an integer array of labels"):
        F.softmax_cross_entropy(numpy.zeros((2, 3), numpy.float32), numpy.zeros(2, numpy.float32))
