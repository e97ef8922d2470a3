"""StatelessGRU, StatefulGRU and GRU: formulas, Chainer's weights, state, gradients."""

from __future__ import annotations

import numpy
import pytest

from kusari.graph import Variable, using_config
from kusari.graph import gradient_check as gc
from kusari.graph.type_check import InvalidType
from kusari.links import GRU, StatefulGRU, StatelessGRU
from kusari.links.rnn.gru import GRUBase

from ._std_support import (
    Arr,
    chainer_seed,
    check_copies,
    check_npz_round_trip,
    check_to_numpy,
    data,
    rand,
)


def _sigmoid(x: Arr) -> Arr:
    out: Arr = 1 / (1 + numpy.exp(-x))
    return out


def _lin(link: GRUBase, name: str, v: Arr) -> Arr:
    layer = getattr(link, name)
    out: Arr = v @ data(layer.W).T + data(layer.b)
    return out


def _step(link: GRUBase, h: Arr | None, x: Arr) -> Arr:
    if h is None:
        z = _sigmoid(_lin(link, "W_z", x))
        out: Arr = z * numpy.tanh(_lin(link, "W", x))
        return out
    z = _sigmoid(_lin(link, "W_z", x) + _lin(link, "U_z", h))
    r = _sigmoid(_lin(link, "W_r", x) + _lin(link, "U_r", h))
    h_bar = numpy.tanh(_lin(link, "W", x) + _lin(link, "U", r * h))
    out = (1 - z) * h + z * h_bar
    return out


def test_parameters_and_chainers_weights() -> None:
    with chainer_seed(0):
        gru = StatelessGRU(2, 3)
    names = [p for p, _ in gru.namedparams()]
    assert names == [f"/{c}/{p}" for c in ("U", "U_r", "U_z", "W", "W_r", "W_z") for p in "Wb"]
    # numpy.random.seed(0); chainer.links.StatelessGRU(2, 3) (Chainer 7.8.1)
    expected = {
        "W_r": [1.2473733, 0.2829539],
        "U_r": [0.5485338, -0.08738612],
        "W_z": [0.23594338, 1.0564735],
        "U_z": [0.37736687, 0.49908248],
        "W": [0.10956438, 0.26740128],
        "U": [0.7103087, 0.6941943],
    }
    for name, values in expected.items():
        numpy.testing.assert_allclose(data(getattr(gru, name).W).ravel()[:2], values, rtol=1e-6)


def test_stateless_step_against_numpy() -> None:
    gru = StatelessGRU(2, 3, bias_init=0.1)
    x, h = rand(0, (4, 2), numpy.float32), rand(1, (4, 3), numpy.float32)
    numpy.testing.assert_allclose(data(gru(h, x)), _step(gru, h, x), rtol=1e-5, atol=1e-6)


def test_stateful_steps_match_numpy_and_chainer() -> None:
    with chainer_seed(0):
        gru = StatefulGRU(2, 3)
    x = numpy.linspace(-1, 1, 4).reshape(2, 2).astype(numpy.float32)
    h1 = gru(x)
    numpy.testing.assert_allclose(data(h1), _step(gru, None, x), rtol=1e-5, atol=1e-6)
    h2 = gru(x)
    numpy.testing.assert_allclose(data(h2), _step(gru, data(h1), x), rtol=1e-5, atol=1e-6)
    # The same two steps in Chainer 7.8.1 (numpy.random.seed(0); StatefulGRU(2, 3)).
    numpy.testing.assert_allclose(data(h2)[1], [0.144564, -0.769716, -0.039432], atol=1e-6)
    assert gru.h is h2
    gru.reset_state()
    assert _state(gru) is None
    gru.set_state(numpy.zeros((2, 3), numpy.float32))
    assert isinstance(_state(gru), Variable)
    with pytest.raises(ValueError, match=r"h must have the shape \(batch, 3\)"):
        gru.set_state(numpy.zeros((2, 2), numpy.float32))


def _state(gru: StatefulGRU) -> Variable | None:
    return gru.h


def test_gru_is_stateful_and_rejects_the_stateless_call() -> None:
    gru = GRU(2, 3)
    assert isinstance(gru, StatefulGRU)
    x = numpy.ones((1, 2), numpy.float32)
    assert gru(x).shape == (1, 3)
    with pytest.raises(ValueError, match="use StatelessGRU for gru"):
        gru(numpy.zeros((1, 3), numpy.float32), x)


def test_gradients() -> None:
    with using_config("dtype", numpy.float64):
        cell = StatelessGRU(2, 3)
        stateful = StatefulGRU(2, 3)
    params = tuple(cell.params())
    inputs = (rand(0, (2, 3)), rand(1, (2, 2)))
    gc.check_backward(cell, inputs, rand(2, (2, 3)), params=params, atol=1e-6, rtol=1e-5)

    def two_steps(x0: Variable, x1: Variable) -> Variable:
        stateful.reset_state()
        stateful(x0)
        return stateful(x1)

    gc.check_backward(
        two_steps,
        (rand(3, (2, 2)), rand(4, (2, 2))),
        rand(5, (2, 3)),
        params=tuple(stateful.params()),
        atol=1e-6,
        rtol=1e-5,
    )


def test_copies_serialization_and_device() -> None:
    x = rand(0, (2, 2), numpy.float32)

    def step(link: StatefulGRU) -> Variable:
        link.reset_state()
        return link(x)

    check_npz_round_trip(lambda: StatefulGRU(2, 3), step)  # type: ignore[arg-type]
    gru = StatefulGRU(2, 3)
    check_copies(gru)
    gru(x)
    check_to_numpy(gru)
    assert gru.h is not None


def test_bad_input() -> None:
    gru = StatelessGRU(2, 3)
    with pytest.raises(InvalidType, match=r"W.shape\[1\]"):
        gru(numpy.zeros((1, 3), numpy.float32), numpy.zeros((1, 5), numpy.float32))
    with pytest.raises(ValueError, match="in_size must be a positive int"):
        StatelessGRU(0, 3)
