"""User-style code: optimizers, update rules, hyperparameters and hooks as mypy sees them."""

from __future__ import annotations

from typing import assert_type

import numpy

from kusari.links import Chain, Parameter
from kusari.optimizers import (
    SGD,
    Adam,
    AdamHyperparameter,
    AdamRule,
    AdamW,
    GradientMethod,
    Hyperparameter,
    HyperparameterField,
    MomentumSGD,
    Optimizer,
    RMSprop,
    UpdatableParameter,
    UpdateRule,
    check_non_negative,
)
from kusari.optimizers.hooks import GradientClipping, WeightDecay


class Model(Chain):
    def __init__(self) -> None:
        super().__init__()
        with self.init_scope():
            self.w = Parameter(numpy.ones((2, 2), numpy.float32))


def test_setup_returns_the_optimizer_type() -> None:
    model = Model()
    assert_type(Adam().setup(model), Adam)
    assert_type(AdamW(weight_decay_rate=0.01).setup(model), AdamW)
    assert_type(SGD(lr=0.1).setup(model), SGD)
    opt = MomentumSGD().setup(model)
    assert_type(opt, MomentumSGD)
    assert_type(opt.t, int)
    assert_type(opt.epoch, int)


def test_hyperparameters_are_typed() -> None:
    opt = Adam(alpha=0.01)
    assert_type(opt.alpha, float)
    assert_type(opt.amsgrad, bool)
    assert_type(opt.hyperparam, AdamHyperparameter)
    assert_type(opt.hyperparam.beta1, float)
    opt.alpha = 0.5
    assert opt.alpha == 0.5
    assert_type(RMSprop().eps_inside_sqrt, bool)
    assert_type(SGD().lr, float)


def test_update_rules_are_typed() -> None:
    opt = Adam()
    rule = opt.create_update_rule()
    assert_type(rule, AdamRule)
    assert_type(rule.hyperparam, AdamHyperparameter)
    assert_type(rule.hyperparam.alpha, float)
    assert_type(rule.t, int)
    assert_type(rule.enabled, bool)
    rule.hyperparam.alpha = 0.25
    generic: UpdateRule[Hyperparameter] = rule  # rules are covariant in their hyperparameters
    assert generic is rule


def test_custom_typed_optimizer() -> None:
    class HalvingHyperparameter(Hyperparameter):
        rate = HyperparameterField(0.5, check=check_non_negative, doc="Step fraction.")

    class HalvingRule(UpdateRule[HalvingHyperparameter]):
        def update_core_cpu(self, param: UpdatableParameter) -> None:
            array, grad = param.array, param.grad
            if array is not None and grad is not None:
                array -= self.hyperparam.rate * grad

    class Halving(GradientMethod[HalvingHyperparameter]):
        def __init__(self) -> None:
            super().__init__(HalvingHyperparameter())

        def create_update_rule(self) -> HalvingRule:
            return HalvingRule(self.hyperparam)

    model = Model()
    opt = Halving().setup(model)
    assert_type(opt, Halving)
    assert_type(opt.hyperparam.rate, float)
    model.w.grad = numpy.ones((2, 2), numpy.float32)
    opt.update()
    assert model.w.array is not None
    assert float(model.w.array[0, 0]) == 0.5


def test_hooks_are_accepted() -> None:
    model = Model()
    opt: Optimizer = Adam().setup(model)
    opt.add_hook(WeightDecay(1e-4))
    opt.add_hook(GradientClipping(5.0), timing="pre")

    def log(optimizer: Optimizer) -> None:
        assert optimizer is opt

    opt.add_hook(log, name="log", timing="post")
    model.cleargrads()
    opt.update()
    assert opt.t == 1
