"""Chainer-style optimizer code running on kusari after ``install_as_chainer()``."""

from __future__ import annotations

import types
from collections.abc import Iterator

import numpy
import pytest

from kusari import optimizers
from kusari.compat import install_as_chainer, uninstall_chainer
from kusari.devices import Array
from kusari.links import Link, Parameter
from kusari.optimizers import hooks


@pytest.fixture
def chainer() -> Iterator[types.ModuleType]:
    module = install_as_chainer()
    yield module
    uninstall_chainer()


def array_of(param: Parameter) -> Array:
    array = param.array
    assert array is not None
    return array


class Model(Link):
    def __init__(self) -> None:
        super().__init__()
        with self.init_scope():
            self.W = Parameter(numpy.array([1.0, -2.0], numpy.float32))


def test_optimizers_module(chainer: types.ModuleType) -> None:
    import chainer.optimizers as O

    names = [
        "AdaDelta",
        "AdaGrad",
        "Adam",
        "AdamW",
        "AMSGrad",
        "AdaBound",
        "AMSBound",
        "CorrectedMomentumSGD",
        "MomentumSGD",
        "MSVAG",
        "NesterovAG",
        "RMSprop",
        "RMSpropGraves",
        "SGD",
        "SMORMS3",
    ]
    for name in names:
        assert getattr(O, name) is getattr(optimizers, name)
    from chainer.optimizers.adam import AdamRule
    from chainer.optimizers.momentum_sgd import MomentumSGDRule

    assert AdamRule is optimizers.AdamRule
    assert MomentumSGDRule is optimizers.MomentumSGDRule


def test_chainer_style_training_step(chainer: types.ModuleType) -> None:
    model = Model()
    optimizer = chainer.optimizers.Adam(alpha=0.1).setup(model)
    optimizer.add_hook(chainer.optimizer_hooks.WeightDecay(1e-1))
    model.cleargrads()
    model.W.grad = numpy.array([0.5, 0.5], numpy.float32)
    optimizer.update()
    # Adam's first step moves each element by alpha * sign(grad + rate * W) (eps aside):
    # the decayed gradient is [0.6, 0.3], so both elements move down by 0.1.
    numpy.testing.assert_allclose(array_of(model.W), numpy.array([0.9, -2.1]), rtol=1e-5)
    assert optimizer.t == 1
    assert isinstance(optimizer, chainer.Optimizer)
    assert isinstance(optimizer, chainer.GradientMethod)
    assert isinstance(model.W.update_rule, chainer.UpdateRule)


def test_optimizer_module_base_classes(chainer: types.ModuleType) -> None:
    from chainer import optimizer

    assert optimizer.Optimizer is optimizers.Optimizer
    assert optimizer.GradientMethod is optimizers.GradientMethod
    assert optimizer.UpdateRule is optimizers.UpdateRule
    assert optimizer.Hyperparameter is optimizers.Hyperparameter
    assert optimizer.HyperparameterProxy is optimizers.HyperparameterProxy


def test_hand_written_chainer_optimizer(chainer: types.ModuleType) -> None:
    class MySGDRule(chainer.optimizer.UpdateRule):  # type: ignore[misc, name-defined]
        def update_core_cpu(self, param):  # type: ignore[no-untyped-def]
            param.data -= self.hyperparam.lr * param.grad

    class MySGD(chainer.optimizer.GradientMethod):  # type: ignore[misc, name-defined]
        lr = chainer.optimizer.HyperparameterProxy("lr")

        def __init__(self, lr: float = 0.1) -> None:
            super().__init__()
            self.hyperparam.lr = lr

        def create_update_rule(self):  # type: ignore[no-untyped-def]
            return MySGDRule(self.hyperparam)

    model = Model()
    opt = MySGD(lr=0.5).setup(model)
    opt.lr = 0.25
    model.W.grad = numpy.array([1.0, 2.0], numpy.float32)
    opt.update()
    numpy.testing.assert_allclose(array_of(model.W), numpy.array([0.75, -2.5]))
    assert opt.hyperparam.get_dict() == {"lr": 0.25}


def test_optimizer_hooks_module(chainer: types.ModuleType) -> None:
    import chainer.optimizer_hooks as H
    from chainer.optimizer_hooks.gradient_noise import exponential_decay_noise

    for name in (
        "WeightDecay",
        "Lasso",
        "GradientClipping",
        "GradientHardClipping",
        "GradientNoise",
        "GradientLARS",
    ):
        assert getattr(H, name) is getattr(hooks, name)
    assert exponential_decay_noise is hooks.exponential_decay_noise


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("WeightDecay", (1e-4,)),
        ("Lasso", (1e-4,)),
        ("GradientClipping", (1.0,)),
        ("GradientHardClipping", (-1.0, 1.0)),
        ("GradientNoise", (0.01,)),
    ],
)
def test_deprecated_hook_aliases_warn(
    chainer: types.ModuleType, name: str, args: tuple[float, ...]
) -> None:
    alias = getattr(chainer.optimizer, name)
    with pytest.warns(
        DeprecationWarning,
        match=rf"chainer\.optimizer\.{name} is deprecated; use chainer\.optimizer_hooks\.{name}",
    ):
        hook = alias(*args)
    assert isinstance(hook, getattr(hooks, name))
    assert hook.name == name
    model = Model()
    opt = chainer.optimizers.SGD(lr=0.1).setup(model)
    opt.add_hook(hook)
    model.W.grad = numpy.zeros(2, numpy.float32)
    opt.update()
    assert opt.t == 1
