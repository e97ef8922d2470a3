"""LSTM links compute ``upward(x) + lateral(h)`` as one fused node, invisibly."""

from __future__ import annotations

from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.graph import Variable, using_config
from kusari.graph import gradient_check as gc
from kusari.graph.type_check import InvalidType
from kusari.links import LSTM, Linear, LinkHook, StatelessLSTM

from ._std_support import data, rand


class _Recorder(LinkHook):
    name = "Recorder"

    def __init__(self) -> None:
        self.calls: list[str] = []

    def forward_preprocess(self, args: Any) -> None:
        self.calls.append(type(args.link).__name__)


class _MyLinear(Linear):
    pass


def _composed_step(rnn: LSTM, c: Any, h: Any, x: Any) -> tuple[Variable, Variable]:
    """One step written with the public functions, as Chainer's L.LSTM composes it."""
    upward, lateral = rnn.upward, rnn.lateral
    gates = F.linear(x, upward.W, upward.b)
    if h is not None:
        gates = gates + F.linear(h, lateral.W)
    c_new, h_new = F.lstm(c, gates)
    return c_new, h_new


def _gate_creator(y: Variable) -> str:
    """The function that made the LSTM cell's gate input, two nodes above ``y``."""
    lstm_node = y.creator
    assert lstm_node is not None
    gates = lstm_node.inputs[1].creator
    assert gates is not None
    return gates.label


def test_outputs_and_grads_equal_the_composition() -> None:
    rnn = LSTM(5, 3)
    xs = [rand(i, (4, 5), numpy.float32) for i in range(4)]
    ys = [rnn(x) for x in xs]
    loss = F.sum(ys[0])
    for y in ys[1:]:
        loss = loss + F.sum(y * y)
    rnn.cleargrads()
    loss.backward()
    fused_grads = {name: data(p.grad) for name, p in rnn.namedparams()}

    c: Any = numpy.zeros((4, 3), numpy.float32)
    h: Any = None
    refs = []
    for x in xs:
        c, h = _composed_step(rnn, c, h, x)
        refs.append(h)
    for y, ref in zip(ys, refs, strict=True):
        numpy.testing.assert_array_equal(data(y), data(ref))
    ref_loss = F.sum(refs[0])
    for y in refs[1:]:
        ref_loss = ref_loss + F.sum(y * y)
    rnn.cleargrads()
    ref_loss.backward()
    for name, p in rnn.namedparams():
        numpy.testing.assert_allclose(fused_grads[name], data(p.grad), rtol=1e-6, atol=1e-7)


def test_the_fused_node_is_used() -> None:
    rnn = LSTM(3, 2)
    x = rand(0, (2, 3), numpy.float32)
    assert _gate_creator(rnn(x)) == "LinearFunction"  # first step: no lateral term
    assert _gate_creator(rnn(x)) == "LSTMGates"
    assert _gate_creator(rnn(x[:1])) == "LSTMGates"  # shrinking batch: h is split first
    cell = StatelessLSTM(3, 2)
    c, h = cell(None, None, x)
    assert _gate_creator(cell(c, h, x)[1]) == "LSTMGates"


def test_link_hooks_see_upward_and_lateral() -> None:
    # A hook on upward or lateral (e.g. one that rewrites W) must still be called, so the
    # link falls back to calling them.
    rnn = LSTM(3, 2)
    x = rand(1, (2, 3), numpy.float32)
    rnn(x)
    recorder = _Recorder()
    rnn.lateral.add_hook(recorder)
    y = rnn(x)
    assert recorder.calls == ["Linear"]
    assert _gate_creator(y) == "Add"
    rnn.lateral.delete_hook("Recorder")

    global_hook = _Recorder()
    with global_hook:
        y = rnn(x)
    assert global_hook.calls == ["LSTM", "Linear", "Linear"]
    assert _gate_creator(y) == "Add"


def test_replaced_sublinks_are_called() -> None:
    rnn = LSTM(3, 2)
    del rnn.lateral
    with rnn.init_scope():
        rnn.lateral = _MyLinear(2, 8, nobias=True)
    x = rand(2, (2, 3), numpy.float32)
    rnn(x)
    assert _gate_creator(rnn(x)) == "Add"


def test_inputs_with_several_feature_axes_take_the_composed_path() -> None:
    rnn = LSTM(None, 2)
    x = rand(3, (2, 3, 2), numpy.float32)
    rnn(x)
    y = rnn(x)
    assert _gate_creator(y) == "Add"
    c_ref, h_ref = _cell_reference(rnn, x)
    numpy.testing.assert_allclose(data(y), h_ref, rtol=1e-5, atol=1e-6)
    numpy.testing.assert_allclose(data(rnn.c), c_ref, rtol=1e-5, atol=1e-6)


def _cell_reference(rnn: LSTM, x: Any) -> tuple[Any, Any]:
    """The second step of ``rnn`` on ``x`` from its first, in float64 NumPy."""
    flat = x.reshape(len(x), -1).astype(numpy.float64)
    W_x, b, W_h = (
        data(p).astype(numpy.float64) for p in (rnn.upward.W, rnn.upward.b, rnn.lateral.W)
    )

    def step(c: Any, h: Any) -> tuple[Any, Any]:
        gates = flat @ W_x.T + b + (0.0 if h is None else h @ W_h.T)
        a, i, f, o = (gates.reshape(len(x), -1, 4)[:, :, k] for k in range(4))
        sig = [1 / (1 + numpy.exp(-g)) for g in (i, f, o)]
        c_new = numpy.tanh(a) * sig[0] + sig[1] * c
        return c_new, sig[2] * numpy.tanh(c_new)

    c1, h1 = step(numpy.zeros((len(x), 2)), None)
    return step(c1, h1)


def test_double_backprop_through_the_fused_step() -> None:
    with using_config("dtype", numpy.float64):
        cell = StatelessLSTM(3, 2)
    inputs = (rand(4, (2, 2)), rand(5, (2, 2)), rand(6, (2, 3)))
    params = tuple(cell.params())
    gy = rand(7, (2, 2))
    gc.check_double_backward(
        lambda c, h, x: cell(c, h, x)[1],
        inputs,
        gy,
        tuple(rand(8 + i, a.shape) for i, a in enumerate(inputs)),
        params=params,
        params_grad_grad=tuple(rand(20 + i, p.shape) for i, p in enumerate(params)),
        atol=1e-5,
        rtol=1e-4,
    )


def test_bad_lateral_input_is_reported_by_the_fused_node() -> None:
    rnn = LSTM(3, 2)
    rnn(numpy.ones((2, 3), numpy.float32))
    c, h = rnn.c, rnn.h
    with pytest.raises(InvalidType, match=r"x\.shape\[1\] == W_x\.shape\[1\]"):
        rnn(numpy.ones((2, 4), numpy.float32))
    assert rnn.c is c  # the state is unchanged
    assert rnn.h is h
