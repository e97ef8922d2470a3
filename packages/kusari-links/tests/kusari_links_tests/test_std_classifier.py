"""Classifier: loss, accuracy, label_key, reporting, serialization."""

from __future__ import annotations

from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.graph import Variable
from kusari.links import Chain, Classifier, Linear

from ._std_support import check_npz_round_trip, data, rand


def _softmax_ce(y: numpy.ndarray[Any, Any], t: numpy.ndarray[Any, Any]) -> float:
    shifted = y - y.max(axis=1, keepdims=True)
    log_p = shifted - numpy.log(numpy.exp(shifted).sum(axis=1, keepdims=True))
    return float(-log_p[numpy.arange(len(t)), t].mean())


def test_loss_accuracy_and_attributes() -> None:
    w = rand(0, (3, 4), numpy.float32)
    model = Classifier(Linear(4, 3, initialW=w))
    assert [p for p, _ in model.namedparams()] == ["/predictor/W", "/predictor/b"]
    assert (model.y, model.loss, model.accuracy, model.compute_accuracy) == (
        None,
        None,
        None,
        True,
    )
    x = rand(1, (6, 4), numpy.float32)
    t = numpy.array([0, 1, 2, 0, 1, 2], numpy.int32)
    loss = model(x, t)
    y = x @ w.T
    assert loss is model.loss
    numpy.testing.assert_allclose(data(model.y), y, rtol=1e-5, atol=1e-6)
    numpy.testing.assert_allclose(float(data(loss)), _softmax_ce(y, t), rtol=1e-5)
    assert model.accuracy is not None
    assert float(data(model.accuracy)) == pytest.approx(float((y.argmax(axis=1) == t).mean()))
    model.compute_accuracy = False
    model(x, t)
    assert model.accuracy is None


def test_loss_backpropagates_to_the_predictor() -> None:
    model = Classifier(Linear(4, 3))
    model.cleargrads()
    model(rand(0, (2, 4), numpy.float32), numpy.array([0, 2], numpy.int32)).backward()
    assert model.predictor.W.grad is not None  # type: ignore[attr-defined]


class TwoInputs(Chain):
    def __init__(self) -> None:
        super().__init__()
        with self.init_scope():
            self.l = Linear(2, 3)

    def forward(self, a: Variable, b: Variable, scale: float = 1.0) -> Variable:
        return self.l(a + b) * scale


def test_label_key_position_and_name() -> None:
    a, b = rand(0, (2, 2), numpy.float32), rand(1, (2, 2), numpy.float32)
    t = numpy.array([1, 2], numpy.int32)
    model = Classifier(TwoInputs(), label_key=0)
    loss0 = model(t, a, b)
    named = Classifier(model.predictor, label_key="t")
    loss1 = named(a, b, t=t, scale=1.0)
    middle = Classifier(model.predictor, label_key=1)
    loss2 = middle(a, t, b)
    assert float(data(loss0)) == float(data(loss1)) == float(data(loss2))
    with pytest.raises(ValueError, match="label_key 3 is out of bounds for 3 positional"):
        Classifier(TwoInputs(), label_key=3)(a, b, t)
    with pytest.raises(ValueError, match="label_key 't' is not among the keyword arguments"):
        named(a, b, t)
    with pytest.raises(TypeError, match="label_key must be an int or a str, got float"):
        Classifier(TwoInputs(), label_key=1.0)  # type: ignore[arg-type]


def test_custom_loss_and_accuracy_functions() -> None:
    model = Classifier(
        Linear(2, 1, initialW=1.0),
        lossfun=F.mean_squared_error,
        accfun=lambda y, t: F.mean(F.absolute(y - t)),
    )
    x = numpy.ones((2, 2), numpy.float32)
    t = numpy.array([[1.0], [3.0]], numpy.float32)
    assert float(data(model(x, t))) == pytest.approx(1.0)
    assert float(data(model.accuracy)) == pytest.approx(1.0)


def test_reports_loss_and_accuracy() -> None:
    reporter_module = pytest.importorskip("kusari.reporter")
    model = Classifier(Linear(2, 2))
    reporter = reporter_module.Reporter()
    reporter.add_observer("main", model)
    observation: dict[str, Any] = {}
    with reporter.scope(observation):
        model(numpy.ones((2, 2), numpy.float32), numpy.array([0, 1], numpy.int32))
    assert sorted(observation) == ["main/accuracy", "main/loss"]
    assert float(data(observation["main/loss"])) == float(data(model.loss))


def test_npz_round_trip() -> None:
    x = rand(0, (2, 3), numpy.float32)
    t = numpy.array([0, 1], numpy.int32)
    check_npz_round_trip(lambda: Classifier(Linear(2)), lambda m: m(x, t))
