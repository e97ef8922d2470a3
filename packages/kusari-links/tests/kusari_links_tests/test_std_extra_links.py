"""Swish, SimplifiedDropconnect, the MGUs, the peephole and zoneout LSTMs and InceptionBN.

``data/chainer_extra_links_v7.npz`` holds a Chain of these links saved by Chainer 7.8.1
(after one training step of the InceptionBN modules), ``data/chainer_extra_links_v7_io.npz``
the inputs and Chainer's test-mode outputs (the stateful links run two steps, ``x`` then
``x * 0.5``).
"""

from __future__ import annotations

import pathlib
from typing import Any

import numpy
import pytest

from kusari.graph import Variable, using_config
from kusari.graph import gradient_check as gc
from kusari.links import (
    Chain,
    InceptionBN,
    SimplifiedDropconnect,
    StatefulMGU,
    StatefulPeepholeLSTM,
    StatefulZoneoutLSTM,
    StatelessMGU,
    Swish,
)
from kusari.serializers import load_npz

from ._std_support import (
    chainer_seed,
    check_copies,
    check_npz_round_trip,
    check_params_backward,
    check_to_numpy,
    data,
    rand,
)

DATA = pathlib.Path(__file__).parent / "data"


class Extra(Chain):
    def __init__(self) -> None:
        super().__init__()
        with self.init_scope():
            self.swish = Swish((2,))
            self.sdc = SimplifiedDropconnect(2, 4)
            self.smgu = StatelessMGU(2, 4)
            self.mgu = StatefulMGU(2, 4)
            self.peep = StatefulPeepholeLSTM(2, 4)
            self.zone = StatefulZoneoutLSTM(2, 4)
            self.ibn1 = InceptionBN(3, 2, 2, 3, 2, 3, "max", 2)
            self.ibn2 = InceptionBN(3, 0, 2, 3, 2, 3, "avg", None, stride=2)


@pytest.fixture(scope="module")
def chainer_io() -> dict[str, Any]:
    with numpy.load(DATA / "chainer_extra_links_v7_io.npz") as npz:
        return {key: npz[key] for key in npz.files}


def test_outputs_equal_chainers_with_chainers_weights(chainer_io: dict[str, Any]) -> None:
    model = Extra()
    load_npz(DATA / "chainer_extra_links_v7.npz", model)
    x, img, h0 = chainer_io["x"], chainer_io["img"], chainer_io["h0"]
    got: dict[str, Variable] = {}
    with using_config("train", False):
        got["swish"] = model.swish(x)
        got["sdc"] = model.sdc(x, train=False)
        got["smgu"] = model.smgu(h0, x)
        for name in ("mgu", "peep", "zone"):
            link = getattr(model, name)
            link(x)
            got[name] = link(x * 0.5)
        got["ibn1"] = model.ibn1(img)
        got["ibn2"] = model.ibn2(img)
    for name, value in got.items():
        numpy.testing.assert_allclose(data(value), chainer_io[name], rtol=1e-5, atol=1e-6)


def test_structure() -> None:
    assert [p for p, _ in StatelessMGU(2, 3).namedparams()] == [
        "/W_f/W", "/W_f/b", "/W_h/W", "/W_h/b",
    ]  # fmt: skip
    peep = StatefulPeepholeLSTM(2, 3)
    assert [p for p, _ in peep.namedparams()] == [
        "/lateral/W", "/peep_f/W", "/peep_i/W", "/peep_o/W", "/upward/W", "/upward/b",
    ]  # fmt: skip
    without_1x1 = InceptionBN(3, 0, 2, 3, 2, 3, "avg")
    children = sorted(name for name, _ in without_1x1.namedlinks(skipself=True))
    assert "/conv1" not in children
    assert "/poolp" not in children
    with pytest.raises(ValueError, match="pooltype must be 'max' or 'avg'"):
        InceptionBN(3, 1, 1, 1, 1, 1, "min")  # type: ignore[arg-type]
    lazy = Swish(None)
    lazy(numpy.ones((2, 3, 4), numpy.float32))
    assert lazy.beta.shape == (3, 4)


def test_zoneout_keeps_units_while_training() -> None:
    rnn = StatefulZoneoutLSTM(2, 3, c_ratio=1.0, h_ratio=1.0)
    x = rand(0, (4, 2), numpy.float32)
    h1 = rnn(x)
    assert data(h1).tolist() == [[0.0] * 3] * 4  # ratio 1: every unit keeps the zeros
    with using_config("train", False):
        assert float(numpy.abs(data(rnn(x))).sum()) > 0


def test_stateful_links_reset() -> None:
    for link in (StatefulMGU(2, 3), StatefulPeepholeLSTM(2, 3), StatefulZoneoutLSTM(2, 3)):
        link(numpy.ones((1, 2), numpy.float32))
        assert link.h is not None
        link.reset_state()
        assert link.h is None


FACTORIES: list[tuple[Any, list[tuple[int, ...]]]] = [
    (lambda: Swish((3,)), [(2, 3)]),
    (lambda: StatelessMGU(2, 3), [(2, 3), (2, 2)]),
    (lambda: StatefulPeepholeLSTM(2, 3), [(2, 2)]),
    (lambda: InceptionBN(2, 1, 1, 1, 1, 1, "avg", 1), [(2, 2, 3, 3)]),
]


@pytest.mark.parametrize(("factory", "shapes"), FACTORIES)
def test_gradients_copies_serialization_and_device(
    factory: Any, shapes: list[tuple[int, ...]]
) -> None:
    with chainer_seed(1), using_config("dtype", numpy.float64):
        link = factory()
    if hasattr(link, "reset_state"):

        def fresh(*xs: Variable) -> Variable:
            link.reset_state()
            out: Variable = link(*xs)
            return out

        inputs64 = tuple(rand(i, s) for i, s in enumerate(shapes))
        gy = rand(9, fresh(*[Variable(a) for a in inputs64]).shape)
        params = tuple(link.params())
        gc.check_backward(fresh, inputs64, gy, params=params, atol=1e-6, rtol=1e-5)
    else:
        check_params_backward(link, [rand(i, s) for i, s in enumerate(shapes)])
    inputs = [rand(i, s, numpy.float32) for i, s in enumerate(shapes)]

    def call(link: Any) -> Variable:
        if hasattr(link, "reset_state"):
            link.reset_state()
        out: Variable = link(*inputs)
        return out

    check_npz_round_trip(factory, call)
    link32 = factory()
    check_copies(link32)
    check_to_numpy(link32)


def test_simplified_dropconnect_gradients_with_a_fixed_mask() -> None:
    with using_config("dtype", numpy.float64):
        layer = SimplifiedDropconnect(3, 2, ratio=0.5)
    mask = (numpy.random.default_rng(0).uniform(size=(4, 2, 3)) > 0.5).astype(numpy.float64)
    gc.check_backward(
        lambda x: layer(x, mask=mask),
        (rand(0, (4, 3)),),
        rand(1, (4, 2)),
        params=tuple(layer.params()),
        atol=1e-6,
        rtol=1e-5,
    )
