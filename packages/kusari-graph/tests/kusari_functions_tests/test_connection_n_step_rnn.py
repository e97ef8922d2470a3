from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy
import pytest

from kusari import functions as F
from kusari.graph import Variable, using_config
from kusari.graph import gradient_check as gc

from ._conv_reference import FLOATS, assert_close, data

NDArray = Any

IN_SIZES = {"lstm": 4, "gru": 3, "tanh": 1, "relu": 1}
PER_LAYER = {"lstm": 8, "gru": 6, "tanh": 2, "relu": 2}


def _sigmoid(z: NDArray) -> NDArray:
    return 1 / (1 + numpy.exp(-z))


def _step(
    cell: str, x: NDArray, h: NDArray, c: NDArray, w: list[NDArray], b: list[NDArray]
) -> tuple[NDArray, NDArray]:
    if cell == "lstm":
        g = [x @ w[k].T + b[k] + h @ w[k + 4].T + b[k + 4] for k in range(4)]
        c_new = _sigmoid(g[1]) * c + _sigmoid(g[0]) * numpy.tanh(g[2])
        return _sigmoid(g[3]) * numpy.tanh(c_new), c_new
    if cell == "gru":
        r = _sigmoid(x @ w[0].T + b[0] + h @ w[3].T + b[3])
        z = _sigmoid(x @ w[1].T + b[1] + h @ w[4].T + b[4])
        h_tilde = numpy.tanh(x @ w[2].T + b[2] + r * (h @ w[5].T + b[5]))
        return (1 - z) * h_tilde + z * h, c
    pre = x @ w[0].T + b[0] + h @ w[1].T + b[1]
    return (numpy.tanh(pre) if cell == "tanh" else numpy.maximum(pre, 0)), c


def _reference(
    cell: str, n_layers: int, bi: bool, hx: NDArray, cx: NDArray, ws: Any, bs: Any, xs: Any
) -> tuple[NDArray, NDArray, list[NDArray]]:
    """Step by step, sequence rows updated in place; time-major like Chainer."""
    directions = 2 if bi else 1
    inputs = [x.astype(numpy.float64) for x in xs]
    hy, cy = [], []
    for layer in range(n_layers):
        outputs = []
        for d in range(directions):
            i = layer * directions + d
            h, c = hx[i].astype(numpy.float64).copy(), cx[i].astype(numpy.float64).copy()
            out: list[NDArray] = [numpy.empty(0)] * len(inputs)
            steps = range(len(inputs) - 1, -1, -1) if d else range(len(inputs))
            for t in steps:
                n = len(inputs[t])
                h[:n], c[:n] = _step(cell, inputs[t], h[:n], c[:n], ws[i], bs[i])
                out[t] = h[:n].copy()
            outputs.append(out)
            hy.append(h)
            cy.append(c)
        inputs = (
            outputs[0]
            if directions == 1
            else [numpy.concatenate(p, 1) for p in zip(*outputs, strict=True)]
        )
    return numpy.stack(hy), numpy.stack(cy), inputs


def _data(
    cell: str,
    n_layers: int,
    bi: bool,
    batches: list[int],
    dtype: Any = numpy.float64,
    seed: int = 0,
) -> tuple[Any, Any, Any, Any, Any]:
    rng = numpy.random.default_rng(seed)
    in_size, units = 3, 2
    d = 2 if bi else 1
    xs = [rng.uniform(-1, 1, (n, in_size)).astype(dtype) for n in batches]
    hx = rng.uniform(-1, 1, (n_layers * d, batches[0], units)).astype(dtype)
    cx = rng.uniform(-1, 1, hx.shape).astype(dtype)
    ws = [
        [
            rng.uniform(
                -1, 1, (units, (in_size if i < d else d * units) if k < IN_SIZES[cell] else units)
            ).astype(dtype)
            for k in range(PER_LAYER[cell])
        ]
        for i in range(n_layers * d)
    ]
    bs = [
        [rng.uniform(-1, 1, units).astype(dtype) for _ in range(PER_LAYER[cell])]
        for _ in range(n_layers * d)
    ]
    return hx, cx, ws, bs, xs


def _call(
    cell: str, bi: bool, n_layers: int, ratio: float, hx: Any, cx: Any, ws: Any, bs: Any, xs: Any
) -> tuple[Variable, Variable | None, tuple[Variable, ...]]:
    if cell == "lstm":
        fn = F.n_step_bilstm if bi else F.n_step_lstm
        hy, cy, ys = fn(n_layers, ratio, hx, cx, ws, bs, xs)
        return hy, cy, ys
    if cell == "gru":
        fn2 = F.n_step_bigru if bi else F.n_step_gru
        hy, ys = fn2(n_layers, ratio, hx, ws, bs, xs)
        return hy, None, ys
    fn3 = F.n_step_birnn if bi else F.n_step_rnn
    hy, ys = fn3(n_layers, ratio, hx, ws, bs, xs, activation=cell)  # type: ignore[arg-type]
    return hy, None, ys


CELLS = ["lstm", "gru", "tanh", "relu"]


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("bi", [False, True])
@pytest.mark.parametrize("dtype", FLOATS)
def test_forward(cell: str, bi: bool, dtype: Any) -> None:
    hx, cx, ws, bs, xs = _data(cell, 2, bi, [3, 3, 2, 1], dtype)
    hy, cy, ys = _call(cell, bi, 2, 0.0, hx, cx, ws, bs, xs)
    h_ref, c_ref, ys_ref = _reference(cell, 2, bi, hx, cx, ws, bs, xs)
    assert hy.dtype == dtype
    assert_close(data(hy), h_ref, dtype, scale=10)
    if cy is not None:
        assert_close(data(cy), c_ref, dtype, scale=10)
    assert isinstance(ys, tuple)
    assert [y.shape for y in ys] == [y.shape for y in ys_ref]
    for y, y_ref in zip(ys, ys_ref, strict=True):
        assert_close(data(y), y_ref, dtype, scale=10)


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("bi", [False, True])
def test_grads(cell: str, bi: bool) -> None:
    hx, cx, ws, bs, xs = _data(cell, 2, bi, [2, 2, 1], seed=1)
    n_w = len(ws) * PER_LAYER[cell]
    flat_w = [w for row in ws for w in row]
    flat_b = [b for row in bs for b in row]
    per = PER_LAYER[cell]

    def fn(*args: Variable) -> tuple[Variable, ...]:
        h, c = args[0], args[1]
        w_args, b_args, x_args = (
            args[2 : 2 + n_w],
            args[2 + n_w : 2 + 2 * n_w],
            args[2 + 2 * n_w :],
        )
        w_rows = [list(w_args[i : i + per]) for i in range(0, n_w, per)]
        b_rows = [list(b_args[i : i + per]) for i in range(0, n_w, per)]
        hy, cy, ys = _call(cell, bi, 2, 0.0, h, c, w_rows, b_rows, list(x_args))
        return (hy, *ys) if cy is None else (hy, cy, *ys)

    inputs = (hx, cx, *flat_w, *flat_b, *xs)
    rng = numpy.random.default_rng(2)
    outputs = fn(*[Variable(a) for a in inputs])
    gys = tuple(rng.uniform(-1, 1, y.shape) for y in outputs)
    gc.check_backward(fn, inputs, gys, atol=1e-5, rtol=1e-4)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_double_backward(cell: str) -> None:
    hx, cx, ws, bs, xs = _data(cell, 1, False, [2, 1], seed=3)

    def fn(h: Variable, c: Variable, x0: Variable, x1: Variable) -> tuple[Variable, ...]:
        hy, _cy, ys = _call(cell, False, 1, 0.0, h, c, ws, bs, [x0, x1])
        return (hy, *ys)

    rng = numpy.random.default_rng(4)
    inputs = (hx, cx, *xs)
    outputs = fn(*[Variable(a) for a in inputs])
    gys = tuple(rng.uniform(-1, 1, y.shape) for y in outputs)
    ggs = tuple(rng.uniform(-1, 1, a.shape) for a in inputs)
    if cell == "gru":  # cx is unused by the GRU
        gc.check_double_backward(
            fn, inputs, gys, (ggs[0], None, *ggs[2:]), no_grads=[False, True, False, False]
        )
    else:
        gc.check_double_backward(fn, inputs, gys, ggs)


def test_final_states_of_finished_sequences() -> None:
    # The second sequence has one step: its hy row is its state after that step.
    hx, cx, ws, bs, xs = _data("tanh", 1, False, [2, 1], seed=5)
    hy, _, ys = _call("tanh", False, 1, 0.0, hx, cx, ws, bs, xs)
    h1 = numpy.tanh(xs[0] @ ws[0][0].T + bs[0][0] + hx[0] @ ws[0][1].T + bs[0][1])
    numpy.testing.assert_allclose(data(hy)[0, 1], h1[1], rtol=1e-12)
    numpy.testing.assert_allclose(data(ys[0]), h1, rtol=1e-12)


def test_dropout_is_applied_between_layers_in_training_only() -> None:
    hx, cx, ws, bs, xs = _data("lstm", 2, False, [2, 2], seed=6)
    plain = _call("lstm", False, 2, 0.0, hx, cx, ws, bs, xs)[0]
    with using_config("train", False):
        tested = _call("lstm", False, 2, 0.9, hx, cx, ws, bs, xs)[0]
    numpy.testing.assert_allclose(data(tested), data(plain))
    dropped = _call("lstm", False, 2, 0.9, hx, cx, ws, bs, xs)[0]
    # The first layer never sees dropout; the second does.
    numpy.testing.assert_allclose(data(dropped)[0], data(plain)[0])
    assert not numpy.allclose(data(dropped)[1], data(plain)[1])


@pytest.mark.parametrize(
    ("mutate", "error", "match"),
    [
        (lambda a: a.update(n_layers=0), ValueError, r"n_layers must be a positive int, got 0"),
        (lambda a: a.update(n_layers=1.5), TypeError, r"n_layers must be an int, got float"),
        (
            lambda a: a.update(hx=a["hx"][:1]),
            ValueError,
            r"hx must have shape \(n_layers \* 1, batch, units\) = \(2, \.\.\.\)",
        ),
        (lambda a: a.update(cx=a["cx"][:, :1]), ValueError, r"cx must have the shape of hx"),
        (
            lambda a: a.update(ws=a["ws"][:1]),
            ValueError,
            r"ws must hold 2 lists \(n_layers \* 1\), got 1",
        ),
        (
            lambda a: a.update(bs=[a["bs"][0], a["bs"][1][:7]]),
            ValueError,
            r"bs\[1\] must hold 8 arrays for this cell, got 7",
        ),
        (lambda a: a.update(xs=[]), ValueError, r"xs must hold at least one time step"),
        (
            lambda a: a.update(xs=a["xs"][::-1]),
            ValueError,
            r"non-increasing batch sizes .* got \[1, 2, 2\]",
        ),
        (
            lambda a: a.update(xs=[x[:1] for x in a["xs"]]),
            ValueError,
            r"xs\[0\] has 1 rows but hx has a batch of 2",
        ),
    ],
)
def test_argument_errors(
    mutate: Callable[[dict[str, Any]], None], error: type[Exception], match: str
) -> None:
    hx, cx, ws, bs, xs = _data("lstm", 2, False, [2, 2, 1])
    args: dict[str, Any] = {"n_layers": 2, "hx": hx, "cx": cx, "ws": ws, "bs": bs, "xs": xs}
    mutate(args)
    with pytest.raises(error, match=match):
        F.n_step_lstm(
            args["n_layers"], 0.0, args["hx"], args["cx"], args["ws"], args["bs"], args["xs"]
        )


def test_invalid_activation() -> None:
    hx, _cx, ws, bs, xs = _data("tanh", 1, False, [1])
    with pytest.raises(
        ValueError, match=r'Invalid activation: "sigmoid"\. Please select from \[tanh,relu\]'
    ):
        F.n_step_rnn(1, 0.0, hx, ws, bs, xs, activation="sigmoid")  # type: ignore[arg-type]
