"""LSTM and StatelessLSTM: the cell against NumPy, state handling, lazy init, gradients."""

from __future__ import annotations

import numpy
import pytest

from kusari.graph import Variable, using_config
from kusari.graph import gradient_check as gc
from kusari.graph.type_check import InvalidType
from kusari.links import LSTM, StatelessLSTM

from ._std_support import (
    Arr,
    chainer_seed,
    check_copies,
    check_npz_round_trip,
    check_to_numpy,
    data,
    rand,
    uninitialized,
)


def _sigmoid(x: Arr) -> Arr:
    out: Arr = 1 / (1 + numpy.exp(-x))
    return out


def _cell(link: LSTM | StatelessLSTM, c: Arr, h: Arr | None, x: Arr) -> tuple[Arr, Arr]:
    gates = x @ data(link.upward.W).T + data(link.upward.b)
    if h is not None:
        gates = gates + h @ data(link.lateral.W).T
    a, i, f, o = (gates.reshape(len(x), -1, 4)[:, :, k] for k in range(4))
    c_new = numpy.tanh(a) * _sigmoid(i) + _sigmoid(f) * c
    return c_new, _sigmoid(o) * numpy.tanh(c_new)


def test_parameters_have_chainers_names_and_initial_values() -> None:
    rnn = LSTM(3, 4)
    assert [p for p, _ in rnn.namedparams()] == ["/lateral/W", "/upward/W", "/upward/b"]
    assert rnn.lateral.W.shape == (16, 4)
    assert rnn.upward.W.shape == (16, 3)
    assert data(rnn.upward.b).tolist() == [0.0, 0.0, 1.0, 0.0] * 4  # forget gate bias 1
    assert (rnn.h, rnn.c) == (None, None)
    custom = LSTM(2, 1, bias_init=0.5, forget_bias_init=-1.0)
    assert data(custom.upward.b).tolist() == [0.5, 0.5, -1.0, 0.5]


def test_seeded_weights_match_chainer() -> None:
    with chainer_seed(0):
        rnn = LSTM(2, 3)
    # numpy.random.seed(0); chainer.links.LSTM(2, 3) (Chainer 7.8.1)
    numpy.testing.assert_allclose(data(rnn.upward.W)[0], [0.290337, 0.10185418], rtol=1e-6)
    numpy.testing.assert_allclose(
        data(rnn.lateral.W)[0], [1.0184761, 0.23103087, 0.5650746], rtol=1e-6
    )
    x = numpy.ones((4, 2), numpy.float32)
    rnn(x)
    y = rnn(x[:2])
    expected = [0.40661615, -0.02187548, 0.21010947]  # the same model in Chainer
    numpy.testing.assert_allclose(data(y)[0], expected, rtol=1e-5)


def test_steps_against_numpy_with_a_shrinking_batch() -> None:
    rnn = LSTM(3, 2, upward_init=rand(0, (8, 3)), lateral_init=rand(1, (8, 2)), bias_init=0.1)
    xs = [
        rand(2, (3, 3), numpy.float32),
        rand(3, (3, 3), numpy.float32),
        rand(4, (2, 3), numpy.float32),
    ]
    c, h = numpy.zeros((3, 2)), None
    for x in xs:
        y = rnn(x)
        batch = len(x)
        c_new, h_new = _cell(rnn, c[:batch], None if h is None else h[:batch], x)
        c = numpy.concatenate([c_new, c[batch:]])
        h = h_new if h is None else numpy.concatenate([h_new, h[batch:]])
        numpy.testing.assert_allclose(data(y), h_new, rtol=1e-5, atol=1e-6)
        numpy.testing.assert_allclose(data(rnn.c), c, rtol=1e-5, atol=1e-6)
        numpy.testing.assert_allclose(data(rnn.h), h, rtol=1e-5, atol=1e-6)


def test_reset_and_set_state() -> None:
    rnn = LSTM(3, 2)
    rnn(numpy.ones((2, 3), numpy.float32))
    rnn.reset_state()
    assert (rnn.c, rnn.h) == (None, None)
    c, h = numpy.full((2, 2), 0.5, numpy.float32), numpy.full((2, 2), -0.5, numpy.float32)
    rnn.set_state(c, h)
    assert isinstance(rnn.c, Variable)
    y = rnn(numpy.ones((2, 3), numpy.float32))
    _, expected = _cell(rnn, c.astype(numpy.float64), h.astype(numpy.float64), numpy.ones((2, 3)))
    numpy.testing.assert_allclose(data(y), expected, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match=r"h must have the shape \(batch, 2\)"):
        rnn.set_state(c, numpy.zeros((2, 3), numpy.float32))
    with pytest.raises(ValueError, match="differ in shape"):
        rnn.set_state(c, numpy.zeros((1, 2), numpy.float32))


def test_lazy_initialization() -> None:
    rnn = LSTM(2)
    assert uninitialized(rnn) == ["/upward/W"]
    rnn(numpy.ones((1, 5), numpy.float32))
    assert rnn.upward.W.shape == (8, 5)
    assert data(rnn.lateral.W).shape == (8, 2)
    assert LSTM(None, 2).upward.W.array is None


def test_stateless_lstm() -> None:
    cell = StatelessLSTM(3, 2)
    x = rand(0, (4, 3), numpy.float32)
    c1, h1 = cell(None, None, x)
    ref_c, ref_h = _cell(cell, numpy.zeros((4, 2)), None, x)
    numpy.testing.assert_allclose(data(c1), ref_c, rtol=1e-5, atol=1e-6)
    numpy.testing.assert_allclose(data(h1), ref_h, rtol=1e-5, atol=1e-6)
    c2, h2 = cell(c1, h1, x)
    ref_c2, ref_h2 = _cell(cell, ref_c, ref_h, x)
    numpy.testing.assert_allclose(data(c2), ref_c2, rtol=1e-5, atol=1e-6)
    numpy.testing.assert_allclose(data(h2), ref_h2, rtol=1e-5, atol=1e-6)


def test_gradients_through_two_steps() -> None:
    with using_config("dtype", numpy.float64):
        rnn = LSTM(3, 2)

    def two_steps(x0: Variable, x1: Variable) -> Variable:
        rnn.reset_state()
        rnn(x0)
        return rnn(x1)

    inputs = (rand(0, (2, 3)), rand(1, (2, 3)))
    gc.check_backward(
        two_steps, inputs, rand(2, (2, 2)), params=tuple(rnn.params()), atol=1e-6, rtol=1e-5
    )
    with using_config("dtype", numpy.float64):
        cell = StatelessLSTM(3, 2)
    gc.check_backward(
        lambda c, h, x: cell(c, h, x)[1],
        (rand(3, (2, 2)), rand(4, (2, 2)), rand(5, (2, 3))),
        rand(6, (2, 2)),
        params=tuple(cell.params()),
        atol=1e-6,
        rtol=1e-5,
    )


def test_copies_serialization_and_device() -> None:
    x = rand(0, (2, 3), numpy.float32)

    def step(link: LSTM) -> Variable:
        link.reset_state()
        return link(x)

    check_npz_round_trip(lambda: LSTM(2), step)  # type: ignore[arg-type]
    rnn = LSTM(3, 2)
    check_copies(rnn)
    rnn(x)
    check_to_numpy(rnn)
    assert rnn.c is not None


def test_bad_input() -> None:
    rnn = LSTM(3, 2)
    rnn(numpy.ones((2, 3), numpy.float32))
    with pytest.raises(ValueError, match=r"batch size of x \(3\) must be equal to or less"):
        rnn(numpy.ones((3, 3), numpy.float32))
    with pytest.raises(InvalidType):
        rnn(numpy.ones((2, 4), numpy.float32))
    with pytest.raises(ValueError, match="at least 2 axes"):
        LSTM(2)(numpy.ones(3, numpy.float32))
    with pytest.raises(TypeError, match="needs out_size"):
        LSTM(None)
