"""Parameters taking part in the computational graph (needs kusari.functions)."""

from __future__ import annotations

from typing import Any

import numpy
import pytest

from kusari import initializers as I
from kusari.graph import Variable
from kusari.links import Chain, Link, Parameter

from ._util import arr

F: Any = pytest.importorskip("kusari.functions")


class Scale(Link):
    def __init__(self) -> None:
        super().__init__()
        with self.init_scope():
            self.w = Parameter(I.Constant(2.0))  # lazily initialized from the input

    def forward(self, x: Variable) -> Variable:
        if self.w.array is None:
            self.w.initialize(x.shape)
        out: Variable = self.w * x
        return out


class Model(Chain):
    def __init__(self) -> None:
        super().__init__()
        with self.init_scope():
            self.first = Scale()
            self.second = Scale()

    def forward(self, x: Variable) -> Variable:
        out: Variable = F.sum(self.second(self.first(x)))
        return out


def _x() -> Variable:
    return Variable(numpy.array([1.0, 2.0, 3.0], numpy.float32))


def test_forgotten_cleargrads_shows_as_nan() -> None:
    model = Model()
    model(_x()).backward()
    assert numpy.isnan(arr(model.first.w.grad)).all()


def test_gradients_after_cleargrads_match_the_formula() -> None:
    model = Model()
    loss = model(_x())  # lazy initialization happens in the forward pass
    model.cleargrads()  # the optimizer's order: after forward, before backward
    loss.backward()
    # loss = sum(w2 * w1 * x): d/dw1 = w2 * x, d/dw2 = w1 * x, with w1 = w2 = 2.
    numpy.testing.assert_array_equal(model.first.w.grad, [2.0, 4.0, 6.0])
    numpy.testing.assert_array_equal(model.second.w.grad, [2.0, 4.0, 6.0])
    # A second backward accumulates.
    model(_x()).backward()
    numpy.testing.assert_array_equal(model.first.w.grad, [4.0, 8.0, 12.0])


def test_update_rule_applies_the_gradient_in_place() -> None:
    class SGD:
        enabled = True

        def update(self, param: Parameter) -> None:
            arr(param.array)[...] -= 0.5 * arr(param.grad)

    model = Model()
    model(_x())
    model.cleargrads()
    for param in model.params():
        param.update_rule = SGD()
    before = arr(model.first.w.array)
    shared = model.copy()
    model(_x()).backward()
    for param in model.params():
        param.update()
    assert model.first.w.array is before
    numpy.testing.assert_array_equal(model.first.w.array, [1.0, 0.0, -1.0])
    # The 'share' copy sees the in-place update.
    numpy.testing.assert_array_equal(shared.first.w.array, [1.0, 0.0, -1.0])


def test_share_copy_has_its_own_gradients() -> None:
    model = Model()
    model(_x())
    model.cleargrads()
    shared = model.copy()
    shared(_x()).backward()
    assert model.first.w.grad is None
    numpy.testing.assert_array_equal(shared.first.w.grad, [2.0, 4.0, 6.0])
