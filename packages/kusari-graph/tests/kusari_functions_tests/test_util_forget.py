"""forget: recompute in backward instead of storing the graph."""

from __future__ import annotations

import gc
import weakref

import numpy
import pytest

import kusari.functions as F
from kusari.graph import Variable, config, grad

from ._normalization_support import check_grads, rand


def _mlp(x: Variable, w: Variable) -> Variable:
    return F.tanh(F.matmul(x, w)) * x[:, :1]


def test_values_and_gradients_match_the_plain_computation() -> None:
    x0, w0 = rand(0, (3, 4)), rand(1, (4, 4))
    x1, w1 = Variable(x0), Variable(w0)
    y1 = F.forget(_mlp, x1, w1)
    x2, w2 = Variable(x0), Variable(w0)
    y2 = _mlp(x2, w2)
    assert y1.array is not None
    assert y2.array is not None
    numpy.testing.assert_array_equal(y1.array, y2.array)
    F.sum(y1 * y1).backward()
    F.sum(y2 * y2).backward()
    for a, b in ((x1, x2), (w1, w2)):
        assert a.grad is not None
        assert b.grad is not None
        numpy.testing.assert_allclose(a.grad, b.grad, rtol=1e-12)


def test_the_inner_graph_is_not_kept() -> None:
    inner: list[weakref.ref[Variable]] = []

    def func(a: Variable) -> Variable:
        hidden = F.exp(a)
        inner.append(weakref.ref(hidden))
        return F.tanh(hidden)

    x = Variable(rand(0, (2, 3)))
    y = F.forget(func, x)
    gc.collect()
    assert inner[0]() is None  # the intermediate died with the forward pass
    assert y.creator is not None
    assert y.creator.label == "Forget"
    assert y.creator.inputs == (x.node,)


def test_tuple_outputs_and_an_unused_output() -> None:
    def split(a: Variable) -> tuple[Variable, Variable]:
        return a * a, a * 3

    x = Variable(numpy.array([1.0, 2.0]))
    first, _second = F.forget(split, x)
    F.sum(first).backward()  # no gradient reaches ``second``
    assert x.grad is not None
    assert x.grad.tolist() == [2.0, 4.0]
    (only,) = F.forget(lambda a: (a * 2,), x)
    assert isinstance(only, Variable)


def test_gradients_and_double_backprop_work() -> None:
    check_grads(lambda a, b: F.forget(_mlp, a, b), (rand(0, (3, 2)), rand(1, (2, 2))))


def test_recomputation_runs_with_in_recomputing() -> None:
    seen: list[bool] = []

    def record(a: Variable) -> Variable:
        seen.append(bool(config.in_recomputing))
        return a * 2

    x = Variable(numpy.ones(2))
    F.sum(F.forget(record, x)).backward()
    assert seen == [False, True]


def test_array_inputs_need_no_gradient() -> None:
    w = Variable(numpy.array([2.0]))
    y = F.forget(lambda a, b: a * b, numpy.array([3.0]), w)
    F.sum(y).backward()
    assert w.grad is not None
    assert w.grad.tolist() == [3.0]


def test_second_derivative_value() -> None:
    x = Variable(numpy.array([1.0, 2.0]))
    y = F.sum(F.forget(lambda a: a * a * a, x))
    (gx,) = grad([y], [x], enable_double_backprop=True)
    assert gx is not None
    F.sum(gx).backward()
    assert x.grad is not None
    assert x.grad.tolist() == [6.0, 12.0]


def test_bad_return_values() -> None:
    x = Variable(numpy.ones(2))
    with pytest.raises(RuntimeError, match="must return a Variable or a non-empty tuple"):
        F.forget(lambda a: a.array, x)
    with pytest.raises(RuntimeError, match="got tuple"):
        F.forget(lambda a: (), x)
    with pytest.raises(TypeError, match="inputs must be Variables or arrays"):
        F.forget(lambda a: a, 1.0)  # type: ignore[call-overload]
