"""Optimizer and GradientMethod on real links: setup, update order, hooks, loss scaling."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Sequence
from typing import Any

import numpy
import pytest

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable
from kusari.initializers import Constant
from kusari.links import Chain, Link, Parameter
from kusari.optimizers import (
    SGD,
    Adam,
    AdamRule,
    GradientMethod,
    Hyperparameter,
    MomentumSGD,
    Optimizer,
    SGDRule,
    UpdatableParameter,
    UpdateRule,
)


class Quadratic(FunctionNode):
    """``y = 0.5 * sum_i sum(c_i * (x_i - t_i) ** 2)``: a loss with a known gradient."""

    def __init__(self, targets: Sequence[Array], scales: Sequence[float], log: list[str]):
        super().__init__()
        self.targets = targets
        self.scales = scales
        self.log = log

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        self.retain_inputs(range(len(inputs)))
        total = sum(
            0.5 * c * float(((x - t) ** 2).sum())
            for x, t, c in zip(inputs, self.targets, self.scales, strict=True)
        )
        return (numpy.asarray(total, dtype=inputs[0].dtype),)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        self.log.append("backward")
        (gy,) = grad_outputs
        assert gy is not None
        assert gy.array is not None
        xs = [self.retained_input_array(i) for i in range(len(self.targets))]
        return tuple(
            Variable(c * (x - t) * gy.array)
            for x, t, c in zip(xs, self.targets, self.scales, strict=True)
        )


class Model(Chain):
    late: Parameter

    def __init__(self, log: list[str] | None = None) -> None:
        super().__init__()
        self.log = [] if log is None else log
        with self.init_scope():
            self.b = Parameter(numpy.array([1.0, -1.0], numpy.float32))
            self.a = Parameter(numpy.array([[2.0, 0.0], [0.5, -3.0]], numpy.float32))

    def loss(self, targets: Sequence[Array]) -> Variable:
        self.log.append("lossfun")
        params = list(self.params())
        (y,) = Quadratic(targets, [1.0] * len(params), self.log).apply(params)
        return y

    def cleargrads(self) -> None:
        self.log.append("cleargrads")
        super().cleargrads()


TARGETS = [numpy.zeros((2, 2), numpy.float32), numpy.zeros(2, numpy.float32)]


class OneParam(Link):
    def __init__(self, w: Parameter) -> None:
        super().__init__()
        with self.init_scope():
            self.w = w


class TwoParams(Link):
    def __init__(self) -> None:
        super().__init__()
        with self.init_scope():
            self.u = Parameter(numpy.zeros(2, numpy.float32))
            self.v = Parameter(numpy.zeros(2, numpy.float32))


def arr(param: Parameter) -> Array:
    array = param.array
    assert array is not None
    return array


def grad_of(param: Parameter) -> Array:
    grad = param.grad
    assert grad is not None
    return grad


def rule_of(param: Parameter) -> UpdateRule[Hyperparameter]:
    rule = param.update_rule
    assert isinstance(rule, UpdateRule)
    return rule


class TestSetup:
    def test_setup_returns_self_and_gives_each_param_a_rule(self) -> None:
        model = Model()
        opt = SGD(lr=0.1)
        assert opt.setup(model) is opt
        assert opt.target is model
        assert (opt.t, opt.epoch) == (0, 0)
        rules = [p.update_rule for p in model.params()]
        assert all(isinstance(r, SGDRule) for r in rules)
        assert rules[0] is not rules[1]
        for rule in rules:
            assert isinstance(rule, SGDRule)
            assert rule.hyperparam.parent is opt.hyperparam

    def test_setup_rejects_non_links(self) -> None:
        with pytest.raises(TypeError, match=r"target must be a kusari\.links\.Link, got ndarray"):
            SGD().setup(numpy.zeros(1))  # type: ignore[arg-type]

    def test_setup_resets_counters_and_hooks(self) -> None:
        model = Model()
        opt = SGD().setup(model)
        opt.add_hook(lambda o: None, name="noop")
        opt.t, opt.epoch = 5, 2
        opt.setup(model)
        assert (opt.t, opt.epoch) == (0, 0)
        opt.add_hook(lambda o: None, name="noop")  # the old hooks are gone

    def test_methods_before_setup(self) -> None:
        opt = SGD()
        with pytest.raises(RuntimeError, match=r"SGD is not set up: call setup\(link\)"):
            opt.update()
        with pytest.raises(RuntimeError, match="SGD is not set up"):
            opt.add_hook(lambda o: None)
        with pytest.raises(RuntimeError, match="SGD is not set up"):
            opt.remove_hook("x")

    def test_base_classes_without_implementation(self) -> None:
        with pytest.raises(NotImplementedError, match="Optimizer does not implement update"):
            Optimizer().update()
        method: GradientMethod[Hyperparameter] = GradientMethod()
        with pytest.raises(NotImplementedError, match="does not implement create_update_rule"):
            method.setup(Model())

    def test_params_added_after_setup_get_no_rule_and_stay_put(self) -> None:
        model = Model()
        opt = SGD(lr=0.5).setup(model)
        with model.init_scope():
            model.late = Parameter(numpy.ones(2, numpy.float32))
        assert model.late.update_rule is None
        for param in model.params():
            param.grad = numpy.ones_like(param.array)
        opt.update()
        numpy.testing.assert_array_equal(arr(model.late), [1.0, 1.0])
        numpy.testing.assert_array_equal(arr(model.b), [0.5, -1.5])


class TestUpdate:
    def test_update_with_stored_grads(self) -> None:
        model = Model()
        opt = MomentumSGD(lr=0.1, momentum=0.5).setup(model)
        a0 = arr(model.a).copy()
        for _ in range(2):
            model.a.grad = numpy.ones((2, 2), numpy.float32)
            model.b.grad = numpy.full(2, 2.0, numpy.float32)
            opt.update()
        assert opt.t == 2
        assert isinstance(model.a.update_rule, UpdateRule)
        assert model.a.update_rule.t == 2
        # v1 = -0.1, v2 = 0.5 * v1 - 0.1 = -0.15 (per unit gradient)
        numpy.testing.assert_allclose(arr(model.a), a0 - 0.25, rtol=1e-6)
        numpy.testing.assert_allclose(arr(model.b), [0.5, -1.5], rtol=1e-6)

    def test_update_with_lossfun_order_and_values(self) -> None:
        log: list[str] = []
        model = Model(log)
        opt = SGD(lr=0.25).setup(model)

        def hook(o: Optimizer) -> None:
            log.append(f"hook t={o.t}")

        def post(o: Optimizer) -> None:
            log.append(f"post t={o.t}")

        def rule_hook(rule: UpdateRule[Hyperparameter], param: UpdatableParameter) -> None:
            log.append(f"update {param.name}")

        opt.add_hook(hook, timing="pre")
        opt.add_hook(post, timing="post")
        for param in model.params():
            assert isinstance(param.update_rule, UpdateRule)
            param.update_rule.add_hook(rule_hook)
        a0, b0 = arr(model.a).copy(), arr(model.b).copy()
        opt.update(model.loss, TARGETS)
        assert log == [
            "lossfun",
            "cleargrads",
            "backward",
            "hook t=0",
            "update a",
            "update b",
            "post t=1",
        ]
        # d/dx 0.5 * ||x||^2 = x, so one SGD step scales every parameter by (1 - lr)
        numpy.testing.assert_allclose(arr(model.a), 0.75 * a0)
        numpy.testing.assert_allclose(arr(model.b), 0.75 * b0)
        numpy.testing.assert_allclose(grad_of(model.a), a0)  # the gradient stays for inspection

    def test_lossfun_keyword_arguments(self) -> None:
        model = Model()
        opt = SGD(lr=0.5).setup(model)
        opt.update(model.loss, targets=TARGETS)
        numpy.testing.assert_allclose(arr(model.b), [0.5, -0.5])

    def test_lossfun_must_return_a_variable(self) -> None:
        model = Model()
        opt = SGD().setup(model)
        before = arr(model.a).copy()
        with pytest.raises(
            TypeError, match=r"lossfun must return a kusari\.graph\.Variable.*float"
        ):
            opt.update(lambda: 1.0)
        numpy.testing.assert_array_equal(arr(model.a), before)
        assert opt.t == 0

    def test_cleared_grads_are_reallocated_as_zeros(self) -> None:
        model = Model()
        opt = Adam().setup(model)
        model.cleargrads()
        a0 = arr(model.a).copy()
        opt.update()
        numpy.testing.assert_array_equal(grad_of(model.a), numpy.zeros((2, 2)))
        numpy.testing.assert_array_equal(arr(model.a), a0)  # a zero-gradient Adam step
        assert opt.t == 1

    def test_disabled_params_are_not_updated(self) -> None:
        model = Model()
        opt = SGD(lr=1.0).setup(model)
        rule_of(model.b).enabled = False
        model.a.grad = numpy.ones((2, 2), numpy.float32)
        model.b.grad = numpy.ones(2, numpy.float32)
        a0 = arr(model.a).copy()
        opt.update()
        numpy.testing.assert_array_equal(arr(model.b), [1.0, -1.0])
        numpy.testing.assert_array_equal(arr(model.a), a0 - 1)
        model.disable_update()
        opt.update()
        numpy.testing.assert_array_equal(arr(model.a), a0 - 1)
        assert opt.t == 2

    def test_uninitialized_param_is_skipped_until_initialized(self) -> None:
        link = OneParam(Parameter(Constant(2.0)))
        opt = SGD(lr=0.5).setup(link)
        rule = link.w.update_rule
        assert isinstance(rule, SGDRule)
        link.cleargrads()
        opt.update()
        assert link.w.array is None
        assert rule.t == 1
        link.w.initialize((2,))
        link.w.grad = numpy.ones(2, numpy.float32)
        opt.update()
        numpy.testing.assert_array_equal(arr(link.w), [1.5, 1.5])
        assert rule.t == 2

    def test_a_shared_gradient_array_is_unshared_before_the_update(self) -> None:
        link = TwoParams()
        opt = SGD(lr=1.0).setup(link)
        opt.loss_scaling(scale=2.0)
        shared = numpy.full(2, 4.0, numpy.float32)
        link.u.grad = shared
        link.v.grad = shared
        link.u._loss_scale = link.v._loss_scale = 2.0
        opt.update()
        # each gradient is divided by the loss scale once, not twice
        numpy.testing.assert_array_equal(arr(link.u), [-2.0, -2.0])
        numpy.testing.assert_array_equal(arr(link.v), [-2.0, -2.0])

    def test_hyperparameter_change_reaches_all_rules_during_training(self) -> None:
        model = Model()
        opt = SGD(lr=0.5).setup(model)
        rule_a = model.a.update_rule
        assert isinstance(rule_a, SGDRule)
        rule_a.hyperparam.lr = 0.0
        opt.lr = 0.25
        model.a.grad = numpy.ones((2, 2), numpy.float32)
        model.b.grad = numpy.ones(2, numpy.float32)
        a0 = arr(model.a).copy()
        opt.update()
        numpy.testing.assert_array_equal(arr(model.a), a0)
        numpy.testing.assert_array_equal(arr(model.b), [0.75, -1.25])


class TestHooks:
    def test_per_param_hook_gets_rule_and_param(self) -> None:
        model = Model()
        opt = SGD().setup(model)
        seen: list[tuple[Any, str | None]] = []

        class PerParam:
            name = "per_param"
            timing = "pre"
            call_for_each_param = True

            def __call__(
                self, rule: UpdateRule[Hyperparameter], param: UpdatableParameter
            ) -> None:
                seen.append((rule, param.name))

        opt.add_hook(PerParam())
        model.cleargrads()
        opt.update()
        assert seen == [(model.a.update_rule, "a"), (model.b.update_rule, "b")]

    def test_auto_timing_uses_the_attribute_and_warns_on_a_bad_one(self) -> None:
        model = Model()
        opt = SGD().setup(model)
        calls: list[str] = []

        class Weird:
            name = "weird"
            timing = "later"

            def __call__(self, o: Optimizer) -> None:
                calls.append(f"weird t={o.t}")

        with pytest.warns(UserWarning, match="timing 'later'.*running it 'pre'"):
            opt.add_hook(Weird())
        model.cleargrads()
        opt.update()
        assert calls == ["weird t=0"]
        opt.remove_hook("weird")
        opt.update()
        assert calls == ["weird t=0"]

    def test_hook_registration_errors(self) -> None:
        opt = SGD().setup(Model())

        def hook(o: Optimizer) -> None:
            pass

        opt.add_hook(hook)
        with pytest.raises(KeyError, match="this optimizer already has a hook named 'hook'"):
            opt.add_hook(hook, timing="post")
        with pytest.raises(ValueError, match="timing must be one of"):
            opt.add_hook(hook, name="other", timing="never")  # type: ignore[arg-type]
        with pytest.raises(KeyError, match="this optimizer has no hook named 'nope'"):
            opt.remove_hook("nope")
        with pytest.raises(ValueError, match="timing must be 'pre' or 'post', got 'auto'"):
            opt.call_hooks("auto")


class TestEpoch:
    def test_new_epoch(self) -> None:
        opt = SGD().setup(Model())
        opt.new_epoch()
        assert opt.epoch == 1
        with pytest.raises(RuntimeError, match="requires use_auto_new_epoch = True"):
            opt.new_epoch(auto=True)
        opt.use_auto_new_epoch = True
        with pytest.raises(RuntimeError, match="while the updater counts epochs"):
            opt.new_epoch()
        opt.new_epoch(auto=True)
        assert opt.epoch == 2


class TestLossScaling:
    def test_static_loss_scale_gives_the_unscaled_step(self) -> None:
        plain, scaled = Model(), Model()
        opt_plain = SGD(lr=0.25).setup(plain)
        opt_scaled = SGD(lr=0.25).setup(scaled)
        opt_scaled.loss_scaling(scale=128.0)
        assert opt_scaled.loss_scale == 128.0
        opt_plain.update(plain.loss, TARGETS)
        opt_scaled.update(scaled.loss, TARGETS)
        numpy.testing.assert_allclose(arr(scaled.a), arr(plain.a))
        numpy.testing.assert_allclose(arr(scaled.b), arr(plain.b))
        assert opt_scaled.loss_scale == 128.0  # static: never changes

    def test_dynamic_loss_scale_grows_skips_on_overflow_and_shrinks(self) -> None:
        model = Model()
        opt = SGD(lr=0.25).setup(model)
        opt.loss_scaling(interval=2)
        assert opt.loss_scale == 1.0
        opt.update(model.loss, TARGETS)
        opt.update(model.loss, TARGETS)
        assert opt.loss_scale == 4.0  # doubled after each clean update
        before = arr(model.a).copy()
        model.a.grad = numpy.full((2, 2), numpy.inf, numpy.float32)
        model.b.grad = numpy.zeros(2, numpy.float32)
        with pytest.warns(UserWarning, match="non-finite number found in the gradient of /a"):
            opt.update()
        numpy.testing.assert_array_equal(arr(model.a), before)  # the update was skipped
        assert opt.loss_scale == 2.0
        assert opt.t == 3
        opt.update(model.loss, TARGETS)
        assert opt.loss_scale == pytest.approx(2.0 * 2**0.5)  # 2 ** (1 / interval) from now

    def test_dynamic_loss_scale_is_clamped(self) -> None:
        model = Model()
        opt = SGD(lr=0.0).setup(model)
        opt.loss_scaling()
        for _ in range(20):
            opt.update(model.loss, TARGETS)
        assert opt.loss_scale == 65504.0

    def test_bad_arguments(self) -> None:
        opt = SGD().setup(Model())
        with pytest.raises(ValueError, match="interval must be >= 1, got 0"):
            opt.loss_scaling(interval=0)
        with pytest.raises(ValueError, match="loss scale must be a positive number, got -1"):
            opt.set_loss_scale(-1)
        assert opt.loss_scale is None


class TestFp32Update:
    def test_float16_model_trains_through_master_copies(self) -> None:
        link = OneParam(Parameter(numpy.full(3, 1.0, numpy.float16)))
        opt = SGD(lr=1e-4)
        opt.use_fp32_update()
        opt.setup(link)
        for _ in range(8):
            link.w.grad = numpy.full(3, 1.0, numpy.float16)
            opt.update()
        expected = numpy.float16(numpy.float32(1.0) - numpy.float32(8e-4))
        assert link.w.array is not None
        assert link.w.array.dtype == numpy.float16
        assert float(link.w.array[0]) == pytest.approx(float(expected), abs=1e-4)
        assert float(link.w.array[0]) < 1.0
        opt.use_fp32_update(False)
        rule = link.w.update_rule
        assert isinstance(rule, UpdateRule)
        assert rule._fp32_param is None


class TestCopies:
    def test_deepcopy_of_a_link_copies_its_rules(self) -> None:
        model = Model()
        opt = Adam(alpha=0.1).setup(model)
        model.a.grad = numpy.ones((2, 2), numpy.float32)
        model.b.grad = numpy.ones(2, numpy.float32)
        opt.update()
        clone = copy.deepcopy(model)
        original_rule, cloned_rule = rule_of(model.a), rule_of(clone.a)
        assert cloned_rule is not original_rule
        assert type(cloned_rule) is type(original_rule)
        assert cloned_rule.t == 1
        assert original_rule.state is not None
        assert cloned_rule.state is not None
        assert cloned_rule.state["m"] is not original_rule.state["m"]
        numpy.testing.assert_array_equal(cloned_rule.state["m"], original_rule.state["m"])

    def test_pickled_optimizer_keeps_hyperparameters_and_state(self) -> None:
        model = Model()
        opt = Adam(alpha=0.1, amsgrad=True).setup(model)
        model.a.grad = numpy.ones((2, 2), numpy.float32)
        model.b.grad = numpy.ones(2, numpy.float32)
        opt.update()
        restored = pickle.loads(pickle.dumps(opt))
        assert (restored.t, restored.alpha, restored.amsgrad) == (1, 0.1, True)
        assert isinstance(restored.target, Model)
        rule = restored.target.a.update_rule
        assert isinstance(rule, AdamRule)
        assert rule.hyperparam.parent is restored.hyperparam
        restored.alpha = 0.5
        assert rule.hyperparam.alpha == 0.5


def test_use_cleargrads_false_zero_fills_instead() -> None:
    log: list[str] = []
    model = Model(log)
    opt = SGD(lr=0.5).setup(model)
    with pytest.warns(DeprecationWarning, match="use_cleargrads is deprecated"):
        opt.use_cleargrads(False)
    with pytest.warns(DeprecationWarning, match="zerograds is deprecated"):
        opt.update(model.loss, TARGETS)
    assert "cleargrads" not in log
    numpy.testing.assert_allclose(arr(model.b), [0.5, -0.5])
