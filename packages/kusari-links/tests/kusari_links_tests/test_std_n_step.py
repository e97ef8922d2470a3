"""The NStep RNN links: Chainer's parameters and outputs, sorting, gradients."""

from __future__ import annotations

from typing import Any

import numpy
import pytest

from kusari.graph import Variable, using_config
from kusari.graph import gradient_check as gc
from kusari.links import (
    NStepBiGRU,
    NStepBiLSTM,
    NStepBiRNNReLU,
    NStepBiRNNTanh,
    NStepGRU,
    NStepLSTM,
    NStepRNNReLU,
    NStepRNNTanh,
)

from ._std_support import (
    chainer_seed,
    check_copies,
    check_npz_round_trip,
    check_to_numpy,
    data,
    rand,
)


def _xs() -> list[Any]:
    return [numpy.linspace(-1, 1, 2 * n).reshape(n, 2).astype(numpy.float32) for n in (2, 3, 1)]


def _run(link: Any, xs: list[Any], hx: Any = None) -> tuple[Variable, list[Variable]]:
    if isinstance(link, (NStepLSTM, NStepBiLSTM)):
        hy, _, ys = link(hx, None, xs)
        return hy, ys
    result: tuple[Variable, list[Variable]] = link(hx, xs)
    return result


# Chainer 7.8.1: numpy.random.seed(0); cls(2, 2, 3, 0.0) on _xs(); hy[-1, 0] and ys[1][-1].
CHAINER = {
    NStepLSTM: ([0.002145, 0.01204, 0.016587], [-0.009923, 0.005358, 0.032738]),
    NStepBiLSTM: (
        [0.008306, -0.01115, -0.029268],
        [-0.012546, 0.019185, -0.014595, -0.014323, -0.012045, -0.031892],
    ),
    NStepGRU: ([0.21756, 0.278461, 0.054999], [0.229374, 0.311388, 0.150451]),
    NStepBiGRU: (
        [-0.009234, 0.039493, 0.05954],
        [0.018397, -0.077613, 0.031096, -0.081591, -0.203893, 0.02792],
    ),
    NStepRNNTanh: ([-0.703903, 0.862041, 0.805256], [-0.828733, 0.872298, 0.687289]),
    NStepRNNReLU: ([1.700451, 0.0, 1.169638], [2.124169, 0.0, 1.308127]),
}


@pytest.mark.parametrize("cls", list(CHAINER), ids=lambda c: c.__name__)
def test_outputs_match_chainer(cls: Any) -> None:
    with chainer_seed(0):
        link = cls(2, 2, 3, 0.0)
    hy, ys = _run(link, _xs())
    direction = 2 if cls in (NStepBiLSTM, NStepBiGRU) else 1
    assert hy.shape == (2 * direction, 3, 3)
    assert [y.shape for y in ys] == [(2, 3 * direction), (3, 3 * direction), (1, 3 * direction)]
    expected_h, expected_y = CHAINER[cls]
    numpy.testing.assert_allclose(data(hy)[-1, 0], expected_h, atol=2e-6)
    numpy.testing.assert_allclose(data(ys[1])[-1], expected_y, atol=2e-6)


def test_parameter_layout() -> None:
    lstm = NStepLSTM(2, 5, 3, 0.1)
    assert [p for p, _ in lstm.namedparams()][:3] == ["/0/b0", "/0/b1", "/0/b2"]
    assert len(list(lstm.params())) == 2 * 16
    assert data(lstm.ws[0][0]).shape == (3, 5)
    assert data(lstm.ws[0][4]).shape == (3, 3)
    assert data(lstm.ws[1][0]).shape == (3, 3)
    bi = NStepBiGRU(2, 5, 3, 0.0)
    assert len(bi) == 4
    assert data(bi.ws[2][0]).shape == (3, 6)
    assert data(bi.ws[2][3]).shape == (3, 3)
    with chainer_seed(0):
        seeded = NStepLSTM(1, 2, 3, 0.0)
    numpy.testing.assert_allclose(
        data(seeded.ws[0][0]).ravel()[:3], [1.2473733, 0.2829539, 0.6920723], rtol=1e-6
    )
    assert len(lstm.ws) == 2
    assert len(lstm.ws[0]) == 8
    assert lstm.bs[1][7] is lstm[1].b7  # type: ignore[attr-defined]


@pytest.mark.parametrize("cls", [NStepLSTM, NStepBiGRU, NStepBiRNNTanh, NStepBiRNNReLU])
def test_a_batch_equals_each_sequence_alone(cls: Any) -> None:
    link = cls(2, 2, 3, 0.0)
    xs = [rand(i, (n, 2), numpy.float32) for i, n in enumerate((2, 4, 1, 4))]
    direction = 2 if cls in (NStepBiGRU, NStepBiRNNTanh, NStepBiRNNReLU) else 1
    hx = rand(9, (2 * direction, 4, 3), numpy.float32)
    hy, ys = _run(link, xs, hx)
    for i, x in enumerate(xs):
        hy_i, (y_i,) = _run(link, [x], hx[:, i : i + 1])
        numpy.testing.assert_allclose(data(ys[i]), data(y_i), rtol=1e-5, atol=1e-6)
        numpy.testing.assert_allclose(data(hy)[:, i], data(hy_i)[:, 0], rtol=1e-5, atol=1e-6)


def test_gradients_through_the_link() -> None:
    with using_config("dtype", numpy.float64):
        link = NStepLSTM(1, 2, 2, 0.0)
    params = tuple(link.params())
    gc.check_backward(
        lambda a, b: sum_outputs(link(None, None, [a, b])[2]),
        (rand(0, (3, 2)), rand(1, (2, 2))),
        None,
        params=params,
        atol=1e-6,
        rtol=1e-5,
    )


def sum_outputs(ys: list[Variable]) -> Variable:
    import kusari.functions as F

    return F.sum(F.concat(ys, axis=0) ** 2)


def test_copies_serialization_and_device() -> None:
    xs = _xs()
    check_npz_round_trip(lambda: NStepGRU(1, 2, 3, 0.0), lambda link: _run(link, xs)[0])
    link = NStepRNNTanh(1, 2, 3, 0.0)
    check_copies(link)
    check_to_numpy(link)


def test_bad_input() -> None:
    link = NStepLSTM(1, 2, 3, 0.0)
    with pytest.raises(TypeError, match="xs must be a list of sequences"):
        link(None, None, numpy.zeros((2, 2), numpy.float32))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="at least one sequence"):
        link(None, None, [])
    with pytest.raises(ValueError, match=r"initial states must have the shape \(1, 1, 3\)"):
        link(numpy.zeros((1, 2, 3), numpy.float32), None, [numpy.zeros((2, 2), numpy.float32)])
    with pytest.raises(ValueError, match=r"dropout must be in \[0, 1\)"):
        NStepGRU(1, 2, 3, 1.0)
