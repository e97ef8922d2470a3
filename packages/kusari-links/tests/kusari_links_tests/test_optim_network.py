"""Every optimizer training a two-layer network built from Parameters and kusari.functions.

The expected trajectory is computed here without kusari: the forward pass, the gradients
(backpropagated by hand) and each optimizer's textbook formula, all in NumPy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy
import pytest

import kusari.functions as F
from kusari.devices import Array
from kusari.graph import Variable
from kusari.links import Chain, Parameter
from kusari.optimizers import GradientMethod

from .test_optim_rules import CASES, Reference

N_IN, N_HIDDEN, N_OUT, BATCH = 3, 5, 2, 8
RNG = numpy.random.default_rng(42)
X = RNG.standard_normal((BATCH, N_IN))
T = RNG.standard_normal((BATCH, N_OUT))
INIT = {
    "W1": RNG.standard_normal((N_IN, N_HIDDEN)) * 0.5,
    "b1": RNG.standard_normal(N_HIDDEN) * 0.1,
    "W2": RNG.standard_normal((N_HIDDEN, N_OUT)) * 0.5,
    "b2": RNG.standard_normal(N_OUT) * 0.1,
}


class TwoLayer(Chain):
    def __init__(self) -> None:
        super().__init__()
        with self.init_scope():
            self.W1 = Parameter(INIT["W1"].copy())
            self.b1 = Parameter(INIT["b1"].copy())
            self.W2 = Parameter(INIT["W2"].copy())
            self.b2 = Parameter(INIT["b2"].copy())

    def loss(self, x: Array, t: Array) -> Variable:
        h = F.relu(F.add(F.matmul(x, self.W1), F.broadcast_to(self.b1, (BATCH, N_HIDDEN))))
        y = F.add(F.matmul(h, self.W2), F.broadcast_to(self.b2, (BATCH, N_OUT)))
        d = F.sub(y, t)
        return F.mul(F.sum(F.mul(d, d)), 1.0 / BATCH)


def array_of(v: Variable) -> Array:
    array = v.array
    assert array is not None
    return array


def numpy_gradients(p: dict[str, Array]) -> dict[str, Array]:
    """The gradients of mean-over-batch squared error, backpropagated by hand."""
    a = X @ p["W1"] + p["b1"]
    h = numpy.maximum(a, 0)
    y = h @ p["W2"] + p["b2"]
    gy = 2 * (y - T) / BATCH
    gh = gy @ p["W2"].T
    ga = gh * (a > 0)
    return {"W1": X.T @ ga, "b1": ga.sum(0), "W2": h.T @ gy, "b2": gy.sum(0)}


def test_numpy_gradients_match_kusari_backward() -> None:
    model = TwoLayer()
    model.cleargrads()
    model.loss(X, T).backward()
    expected = numpy_gradients(INIT)
    for name, param in model.namedparams():
        grad = param.grad
        assert grad is not None
        numpy.testing.assert_allclose(grad, expected[name.lstrip("/")], rtol=1e-12)


@pytest.mark.parametrize(
    ("name", "make", "reference", "state_keys"), CASES, ids=[c[0] for c in CASES]
)
def test_training_follows_the_numpy_trajectory(
    name: str,
    make: Callable[[], GradientMethod[Any]],
    reference: Reference,
    state_keys: tuple[str, ...],
) -> None:
    model = TwoLayer()
    opt = make().setup(model)
    hp = opt.hyperparam.get_dict()
    expected = {key: value.copy() for key, value in INIT.items()}
    states: dict[str, dict[str, Array]] = {key: {} for key in INIT}
    first_loss = float(array_of(model.loss(X, T)))
    for step in range(1, 11):
        opt.update(model.loss, X, T)
        grads = numpy_gradients(expected)
        for key in INIT:
            reference(expected[key], grads[key], states[key], step, hp)
    for param_name, param in model.namedparams():
        numpy.testing.assert_allclose(
            array_of(param), expected[param_name.lstrip("/")], rtol=1e-9, atol=1e-12
        )
    assert opt.t == 10
    assert float(array_of(model.loss(X, T))) < first_loss
