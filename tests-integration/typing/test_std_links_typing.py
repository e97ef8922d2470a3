"""User-style code: the standard links as mypy sees them (calls typed like ``forward``)."""

from __future__ import annotations

from typing import Any, assert_type

import numpy
import numpy.typing as npt

import kusari.functions as F
import kusari.links as L
from kusari.graph import Variable
from kusari.links import Chain, Parameter


class MLP(Chain):
    def __init__(self) -> None:
        super().__init__()
        with self.init_scope():
            self.l1 = L.Linear(None, 8)
            self.bn = L.BatchNormalization(8)
            self.l2 = L.Linear(8, 2)

    def forward(self, x: Variable) -> Variable:
        h = F.relu(self.bn(self.l1(x)))
        return self.l2(h)


def test_calls_return_variables() -> None:
    x = Variable(numpy.ones((2, 3), numpy.float32))
    assert_type(L.Linear(3, 4)(x), Variable)
    assert_type(L.Linear(3, 4).forward(x, n_batch_axes=1), Variable)
    image = numpy.ones((1, 1, 5, 5), numpy.float32)
    assert_type(L.Convolution2D(1, 2, 3)(image), Variable)
    assert_type(L.Convolution2D(2, 3)(image), Variable)
    assert_type(L.Deconvolution2D(1, 2, 3)(image), Variable)
    assert_type(L.ConvolutionND(2, 1, 2, 3)(image), Variable)
    assert_type(L.DepthwiseConvolution2D(1, 2, 3)(image), Variable)
    assert_type(L.EmbedID(5, 3)(numpy.array([1, 2], numpy.int32)), Variable)
    assert_type(L.BatchNormalization(3)(x, finetune=True), Variable)
    # A user's own Chain is called through Link.__call__ (Any); its forward is typed.
    assert_type(MLP().forward(x), Variable)


def test_recurrent_links() -> None:
    x = numpy.ones((2, 3), numpy.float32)
    rnn = L.LSTM(3, 4)
    assert_type(rnn(x), Variable)
    assert_type(rnn.h, Variable | None)
    rnn.reset_state()
    cell = L.StatelessLSTM(3, 4)
    c, h = cell(None, None, x)
    assert_type(c, Variable)
    assert_type(cell(c, h, x), tuple[Variable, Variable])


def test_attributes() -> None:
    layer = L.Linear(3, 4)
    assert_type(layer.W, Parameter)
    assert_type(layer.b, Parameter | None)
    assert_type(layer.in_size, int | None)
    model = L.Classifier(MLP())
    loss = model(numpy.ones((2, 3), numpy.float32), numpy.zeros(2, numpy.int32))
    assert_type(loss, Variable)
    assert_type(model.accuracy, Variable | None)
    assert_type(L.BatchNormalization(3).avg_mean, npt.NDArray[Any] | None)


def test_more_links() -> None:
    x = numpy.ones((2, 3), numpy.float32)
    assert_type(L.StatelessGRU(3, 4)(numpy.zeros((2, 4), numpy.float32), x), Variable)
    assert_type(L.StatefulGRU(3, 4)(x), Variable)
    assert_type(L.Bilinear(3, 3, 2)(x, x), Variable)
    assert_type(L.Highway(3)(x), Variable)
    assert_type(L.LayerNormalization(3)(x), Variable)
    assert_type(L.PReLU()(x), Variable)
    hy, cy, ys = L.NStepLSTM(1, 3, 4, 0.0)(None, None, [x])
    assert_type(cy, Variable)
    assert_type(hy, Variable)
    assert_type(ys, list[Variable])
    assert_type(L.NStepGRU(1, 3, 4, 0.0)(None, [x]), tuple[Variable, list[Variable]])
