"""ChildSumTreeLSTM, NaryTreeLSTM and LocalConvolution2D.

``data/chainer_tree_local_links_v7.npz`` holds a Chain of ``cs = ChildSumTreeLSTM(3, 2)``,
``nary = NaryTreeLSTM(3, 2, n_ary=3)`` and ``local = LocalConvolution2D(2, 3, (4, 5),
(2, 3))`` saved by Chainer 7.8.1 (built after ``numpy.random.seed(0)``, then every bias set
to uniform draws so that it counts); ``data/chainer_tree_local_links_v7_io.npz`` the inputs
(from ``RandomState(3)``), Chainer's outputs for several call patterns (no children, a
``None`` input, a ``None`` child) and ``local_W_init``, the filters of a fresh model built
after ``numpy.random.seed(0)``.  (Chainer 7.8.1's link fails for strides above 1, so the
fixture uses stride 1.)
"""

from __future__ import annotations

import pathlib
from collections.abc import Callable
from typing import Any

import numpy
import pytest

from kusari.graph import Variable, using_config
from kusari.graph import gradient_check as gc
from kusari.graph.type_check import InvalidType
from kusari.links import Chain, ChildSumTreeLSTM, Link, LocalConvolution2D, NaryTreeLSTM
from kusari.serializers import load_npz

from ._std_support import (
    chainer_seed,
    check_copies,
    check_npz_round_trip,
    check_to_numpy,
    data,
    rand,
    uninitialized,
)

DATA = pathlib.Path(__file__).parent / "data"


class Units(Chain):
    def __init__(self) -> None:
        super().__init__()
        with self.init_scope():
            self.cs = ChildSumTreeLSTM(3, 2)
            self.nary = NaryTreeLSTM(3, 2, n_ary=3)
            self.local = LocalConvolution2D(2, 3, (4, 5), (2, 3))


@pytest.fixture(scope="module")
def chainer_io() -> dict[str, Any]:
    with numpy.load(DATA / "chainer_tree_local_links_v7_io.npz") as npz:
        return {key: npz[key] for key in npz.files}


def test_outputs_equal_chainers(chainer_io: dict[str, Any]) -> None:
    model = Units()
    load_npz(DATA / "chainer_tree_local_links_v7.npz", model)
    x = chainer_io["x"]
    cs = [chainer_io[f"c{i}"] for i in range(3)]
    hs = [chainer_io[f"h{i}"] for i in range(3)]
    got = {
        "cs2": model.cs(cs[0], cs[1], hs[0], hs[1], x),
        "cs0": model.cs(x),
        "cs1_nox": model.cs(cs[0], hs[0], None),
        "nary": model.nary(*cs, *hs, x),
        "nary_nox": model.nary(*cs, *hs, None),
        "nary_none": model.nary(cs[0], None, cs[2], hs[0], None, hs[2], x),
    }
    for name, (c, h) in got.items():
        numpy.testing.assert_allclose(data(c), chainer_io[f"{name}_c"], rtol=1e-5, atol=1e-6)
        numpy.testing.assert_allclose(data(h), chainer_io[f"{name}_h"], rtol=1e-5, atol=1e-6)
    numpy.testing.assert_allclose(
        data(model.local(chainer_io["img"])), chainer_io["local"], rtol=1e-5, atol=1e-6
    )


def test_initial_filters_equal_chainers(chainer_io: dict[str, Any]) -> None:
    with chainer_seed(0):
        model = Units()
    numpy.testing.assert_array_equal(data(model.local.W), chainer_io["local_W_init"])
    assert data(model.local.b).tolist() == numpy.zeros((3, 3, 3)).tolist()


def test_structure() -> None:
    model = Units()
    shapes = {path: param.shape for path, param in model.namedparams()}
    assert shapes == {
        "/cs/W_h_aio/W": (6, 2),
        "/cs/W_h_f/W": (2, 2),
        "/cs/W_x/W": (8, 3),
        "/cs/W_x/b": (8,),
        "/local/W": (3, 3, 3, 2, 2, 3),
        "/local/b": (3, 3, 3),
        "/nary/W_h1/W": (12, 2),
        "/nary/W_h2/W": (12, 2),
        "/nary/W_h3/W": (12, 2),
        "/nary/W_x/W": (12, 3),
        "/nary/W_x/b": (12,),
    }
    assert [name for name, _ in LocalConvolution2D(2, 3, 4, 2, nobias=True).namedparams()] == [
        "/W"
    ]
    assert str(LocalConvolution2D(2, 3, 4, 2)) == (
        "LocalConvolution2D(in_channels=2, out_channels=3, in_size=(4, 4), ksize=(2, 2), "
        "stride=(1, 1), nobias=False)"
    )


def test_child_sum_ignores_the_order_of_children() -> None:
    unit = ChildSumTreeLSTM(3, 4)
    c = [rand(i, (2, 4), numpy.float32) for i in range(3)]
    h = [rand(i + 3, (2, 4), numpy.float32) for i in range(3)]
    x = rand(9, (2, 3), numpy.float32)
    first = unit(c[0], c[1], c[2], h[0], h[1], h[2], x)
    second = unit(c[2], c[0], c[1], h[2], h[0], h[1], x)
    for a, b in zip(first, second, strict=True):
        numpy.testing.assert_allclose(data(a), data(b), rtol=1e-6, atol=1e-7)


def test_child_sum_against_the_equations() -> None:
    with using_config("dtype", numpy.float64):
        unit = ChildSumTreeLSTM(3, 2)
    c = [rand(i, (4, 2)) for i in range(2)]
    h = [rand(i + 2, (4, 2)) for i in range(2)]
    x = rand(5, (4, 3))
    new_c, new_h = unit(*c, *h, x)

    def sigmoid(v: Any) -> Any:
        return 1 / (1 + numpy.exp(-v))

    wx, bx = data(unit.W_x.W).astype("d"), data(unit.W_x.b).astype("d")
    w_aio, w_f = data(unit.W_h_aio.W).astype("d"), data(unit.W_h_f.W).astype("d")
    gates_x = x @ wx.T + bx
    aio = gates_x[:, :6] + (h[0] + h[1]) @ w_aio.T
    a, i, o = aio[:, :2], aio[:, 2:4], aio[:, 4:]
    forget = [sigmoid(gates_x[:, 6:] + hk @ w_f.T) for hk in h]
    expected_c = numpy.tanh(a) * sigmoid(i) + forget[0] * c[0] + forget[1] * c[1]
    numpy.testing.assert_allclose(data(new_c), expected_c, rtol=1e-5, atol=1e-6)
    numpy.testing.assert_allclose(
        data(new_h), sigmoid(o) * numpy.tanh(expected_c), rtol=1e-5, atol=1e-6
    )


def test_lazy_shapes() -> None:
    unit = ChildSumTreeLSTM(None, 2)
    assert uninitialized(unit) == ["/W_x/W"]
    unit(numpy.ones((1, 5), numpy.float32))
    assert unit.W_x.W.shape == (8, 5)
    nary = NaryTreeLSTM(None, 2, n_ary=1)
    _, h = nary(None, None, numpy.ones((1, 4), numpy.float32))
    assert nary.W_x.W.shape == (8, 4)
    assert h.shape == (1, 2)
    for layer in (LocalConvolution2D(None, 3, None, 2), LocalConvolution2D(2, 3, None, 2)):
        assert uninitialized(layer) == ["/W", "/b"]
        y = layer(numpy.ones((1, 2, 4, 5), numpy.float32))
        assert y.shape == (1, 3, 3, 4)
        assert layer.W.shape == (3, 3, 4, 2, 2, 2)
        assert layer.in_channels == 2
        assert layer.in_size == (4, 5)
        with pytest.raises(ValueError, match=r"made for inputs of size \(4, 5\), got an input"):
            layer(numpy.ones((1, 2, 5, 5), numpy.float32))


def test_local_convolution_with_strides() -> None:
    layer = LocalConvolution2D(2, 3, (7, 9), (3, 2), stride=(2, 3))
    assert layer.W.shape == (3, 3, 3, 2, 3, 2)
    x = rand(0, (2, 2, 7, 9), numpy.float32)
    y = data(layer(x))
    w, b = data(layer.W), data(layer.b)
    expected = numpy.empty((2, 3, 3, 3))
    for i in range(3):
        for j in range(3):
            patch = x[:, :, 2 * i : 2 * i + 3, 3 * j : 3 * j + 2]
            expected[:, :, i, j] = numpy.einsum("ncpq,ocpq->no", patch, w[:, i, j]) + b[:, i, j]
    numpy.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-5)


# -- gradients, copies, serialization, devices ----------------------------------------------


def _child_sum() -> tuple[Link, Callable[..., Variable]]:
    unit = ChildSumTreeLSTM(3, 2)

    def call(c1: Variable, c2: Variable, h1: Variable, h2: Variable, x: Variable) -> Variable:
        c, h = unit(c1, c2, h1, h2, x)
        return c * 0.5 + h

    return unit, call


def _nary() -> tuple[Link, Callable[..., Variable]]:
    unit = NaryTreeLSTM(3, 2, n_ary=2)

    def call(c1: Variable, c2: Variable, h1: Variable, h2: Variable, x: Variable) -> Variable:
        c, h = unit(c1, None, h1, None, x)
        d, g = unit(c, c2, h, h2, None)
        return d * 0.5 + g

    return unit, call


FACTORIES = {"child_sum": _child_sum, "nary": _nary}


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_tree_lstm_gradients_copies_serialization(name: str) -> None:
    with chainer_seed(1), using_config("dtype", numpy.float64):
        unit, call = FACTORIES[name]()
    inputs = (*(rand(i, (3, 2)) for i in range(4)), rand(4, (3, 3)))
    gc.check_backward(
        call, inputs, rand(9, (3, 2)), params=tuple(unit.params()), atol=1e-6, rtol=1e-5
    )
    inputs32 = [a.astype(numpy.float32) for a in inputs]

    def forward(link: Link) -> Variable:
        c: Variable
        h: Variable
        c, h = link(*inputs32)
        return c + h

    check_npz_round_trip(lambda: FACTORIES[name]()[0], forward)
    fresh = FACTORIES[name]()[0]
    check_copies(fresh)
    check_to_numpy(fresh)


def test_local_convolution_gradients_copies_serialization() -> None:
    with chainer_seed(2), using_config("dtype", numpy.float64):
        layer = LocalConvolution2D(2, 3, (5, 4), (2, 3), stride=(2, 1))
        layer.b.array = rand(3, (3, 2, 2))  # type: ignore[union-attr]
    x = rand(0, (2, 2, 5, 4))
    gc.check_backward(
        layer, (x,), rand(9, (2, 3, 2, 2)), params=tuple(layer.params()), atol=1e-6, rtol=1e-5
    )
    x32 = x.astype(numpy.float32)
    check_npz_round_trip(lambda: LocalConvolution2D(2, 3, (5, 4), 2), lambda link: link(x32))
    check_copies(LocalConvolution2D(2, 3, (5, 4), 2))
    check_to_numpy(LocalConvolution2D(2, 3, (5, 4), 2))


# -- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: LocalConvolution2D(2, 3, 4), ValueError, "ksize is required"),
        (
            lambda: LocalConvolution2D(2, 3, (4, 4), 5),
            ValueError,
            r"the filter \(5, 5\) is larger than the input \(4, 4\) \(there is no padding\)",
        ),
        (lambda: LocalConvolution2D(2, 3, 4, (2, 2, 2)), ValueError, "ksize must be an int or"),
        (
            lambda: LocalConvolution2D(2, 3, 4, 2, stride=0),
            ValueError,
            "stride must be a positive",
        ),
        (lambda: LocalConvolution2D(0, 3, 4, 2), ValueError, "in_channels must be a positive"),
        (lambda: ChildSumTreeLSTM(3, 0), ValueError, "out_size must be a positive int, got 0"),
        (lambda: NaryTreeLSTM(3, 2, n_ary=0), ValueError, "n_ary must be a positive int, got 0"),
    ],
)
def test_invalid_construction(
    make: Callable[[], Link], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        make()


def test_invalid_calls() -> None:
    x = numpy.ones((2, 3), numpy.float32)
    s = numpy.ones((2, 2), numpy.float32)
    child_sum = ChildSumTreeLSTM(3, 2)
    with pytest.raises(ValueError, match=r"expected an odd number of arguments .* got 2"):
        child_sum(s, x)
    with pytest.raises(ValueError, match="a node without children needs an input x"):
        child_sum(None)
    with pytest.raises(ValueError, match="a child's c or h is None"):
        child_sum(None, s, x)
    nary = NaryTreeLSTM(3, 2)
    with pytest.raises(ValueError, match=r"expected 5 arguments .* got 3"):
        nary(s, s, x)
    with pytest.raises(ValueError, match="child 2 has h but not c; give both or neither"):
        nary(s, None, s, s, x)
    with pytest.raises(ValueError, match="every child and x are None"):
        nary(None, None, None, None, None)
    layer = LocalConvolution2D(2, 3, (4, 4), 2)
    with pytest.raises(InvalidType):
        layer(numpy.ones((1, 3, 4, 4), numpy.float32))
    with pytest.raises(ValueError, match=r"expects an input of 4 axes .* got shape \(4, 4\)"):
        LocalConvolution2D(None, 3, None, 2)(numpy.ones((4, 4), numpy.float32))
