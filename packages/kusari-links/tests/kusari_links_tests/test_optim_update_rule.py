from __future__ import annotations

import copy
from typing import Any

import numpy
import pytest

from kusari.optimizers import (
    Adam,
    AdamRule,
    Hyperparameter,
    MomentumSGDRule,
    SGDHyperparameter,
    SGDRule,
    UpdatableParameter,
    UpdateRule,
)
from kusari.serializers import DictionarySerializer, NpzDeserializer

from .test_optim_support import FakeParam


class RecordingRule(UpdateRule[Hyperparameter]):
    """A rule that records what it sees and subtracts the gradient."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, Any]] = []

    def init_state(self, param: UpdatableParameter) -> None:
        state = self.state
        assert state is not None
        assert param.array is not None
        self.calls.append(("init_state", param.array.shape))
        state["acc"] = numpy.zeros_like(param.array)

    def update_core_cpu(self, param: UpdatableParameter) -> None:
        grad = param.grad
        self.calls.append(("core", None if grad is None else grad.copy()))
        if grad is None or param.array is None:
            return
        state = self.state
        assert state is not None
        state["acc"] += grad
        param.array[...] -= grad


def test_update_counts_t_then_initializes_state_once() -> None:
    rule = RecordingRule()
    param = FakeParam(numpy.ones(2), numpy.full(2, 0.25))
    rule.update(param)
    rule.update(param)
    assert rule.t == 2
    assert [c[0] for c in rule.calls] == ["init_state", "core", "core"]
    assert rule.state is not None
    numpy.testing.assert_array_equal(rule.state["acc"], [0.5, 0.5])
    numpy.testing.assert_array_equal(param.array, [0.5, 0.5])


def test_disabled_rule_neither_counts_nor_updates() -> None:
    rule = SGDRule(lr=1.0)
    rule.enabled = False
    param = FakeParam(numpy.ones(2), numpy.ones(2))
    rule.update(param)
    assert rule.t == 0
    numpy.testing.assert_array_equal(param.array, [1.0, 1.0])


def test_missing_grad_counts_but_does_not_update() -> None:
    rule = MomentumSGDRule(lr=0.1)
    param = FakeParam(numpy.ones(2), None)
    rule.update(param)
    assert rule.t == 1
    numpy.testing.assert_array_equal(param.array, [1.0, 1.0])
    # the state exists (created lazily on the first update of an initialized param)
    assert rule.state is not None
    numpy.testing.assert_array_equal(rule.state["v"], [0.0, 0.0])


def test_uninitialized_param_counts_and_skips_state() -> None:
    rule = RecordingRule()
    param = FakeParam(None, None, dtype=numpy.float32)
    rule.update(param)
    assert rule.t == 1
    assert rule.state is None
    assert rule.calls == [("core", None)]


def test_grad_is_divided_by_the_loss_scale_in_place() -> None:
    rule = RecordingRule()
    grad = numpy.array([8.0, 16.0])
    param = FakeParam(numpy.zeros(2), grad)
    param._loss_scale = 8.0
    rule.update(param)
    assert param.grad is grad
    numpy.testing.assert_array_equal(grad, [1.0, 2.0])
    numpy.testing.assert_array_equal(param.array, [-1.0, -2.0])


def test_hooks_run_around_the_update_in_registration_order() -> None:
    order: list[str] = []
    rule = RecordingRule()

    def make(name: str) -> Any:
        def hook(r: UpdateRule[Hyperparameter], p: UpdatableParameter) -> None:
            assert r is rule
            order.append(f"{name}:{rule.t}")

        return hook

    class TimedHook:
        name = "timed"
        timing = "post"

        def __call__(self, r: UpdateRule[Hyperparameter], p: UpdatableParameter) -> None:
            order.append("timed")

    rule.add_hook(make("pre1"), name="pre1")
    rule.add_hook(make("post"), name="post", timing="post")
    rule.add_hook(TimedHook())
    rule.add_hook(make("pre2"), name="pre2", timing="pre")
    original = rule.update_core

    def core(param: UpdatableParameter) -> None:
        order.append("core")
        original(param)

    rule.update_core = core  # type: ignore[method-assign]
    rule.update(FakeParam(numpy.zeros(1), numpy.ones(1)))
    assert order == ["pre1:1", "pre2:1", "core", "post:1", "timed"]
    rule.remove_hook("pre1")
    rule.remove_hook("timed")
    order.clear()
    rule.update(FakeParam(numpy.zeros(1), numpy.ones(1)))
    assert order == ["pre2:2", "core", "post:2"]


def test_hook_errors() -> None:
    rule = SGDRule()

    def hook(r: UpdateRule[Hyperparameter], p: UpdatableParameter) -> None:
        pass

    with pytest.raises(TypeError, match="hook must be callable, got 3"):
        rule.add_hook(3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="timing must be one of 'pre', 'post', 'auto', got 'x'"):
        rule.add_hook(hook, timing="x")  # type: ignore[arg-type]
    rule.add_hook(hook)
    with pytest.raises(KeyError, match="already has a hook named 'hook'"):
        rule.add_hook(hook, timing="post")
    with pytest.raises(KeyError, match="has no hook named 'other'"):
        rule.remove_hook("other")

    class Nameless:
        name = None

        def __call__(self, r: UpdateRule[Hyperparameter], p: UpdatableParameter) -> None:
            pass

    with pytest.raises(ValueError, match="cannot tell the name of hook"):
        rule.add_hook(Nameless())


def test_fp32_master_copy_for_float16() -> None:
    array16 = numpy.array([1.0, 2.0, 3.0], numpy.float16)
    grad16 = numpy.array([0.1, 0.2, 0.3], numpy.float16)
    param = FakeParam(array16, grad16)
    rule = SGDRule(lr=1e-4)
    rule.use_fp32_update()
    for _ in range(10):
        rule.update(param)
    assert param.array is array16  # written back in place
    master = rule._fp32_param
    assert master is not None
    assert master.array.dtype == numpy.float32
    expected32 = numpy.array([1.0, 2.0, 3.0], numpy.float32) - 10 * 1e-4 * grad16.astype(
        numpy.float32
    )
    numpy.testing.assert_allclose(master.array, expected32, rtol=1e-6)
    numpy.testing.assert_array_equal(array16, expected32.astype(numpy.float16))
    # without the master copy, float16 rounding swallows these tiny steps
    plain = FakeParam(numpy.array([1.0, 2.0, 3.0], numpy.float16), grad16.copy())
    plain_rule = SGDRule(lr=1e-4)
    for _ in range(10):
        plain_rule.update(plain)
    numpy.testing.assert_array_equal(plain.array, [1.0, 2.0, 3.0])
    assert master.grad is None  # dropped after each update


def test_fp32_update_applies_the_loss_scale_to_the_master_grad() -> None:
    param = FakeParam(numpy.zeros(2, numpy.float16), numpy.array([4.0, 8.0], numpy.float16))
    param._loss_scale = 4.0
    rule = SGDRule(lr=1.0)
    rule.use_fp32_update()
    rule.update(param)
    numpy.testing.assert_array_equal(param.array, [-1.0, -2.0])
    rule.use_fp32_update(False)
    assert rule._fp32_param is None


def test_fp32_update_leaves_float32_params_alone() -> None:
    param = FakeParam(numpy.zeros(2, numpy.float32), numpy.ones(2, numpy.float32))
    rule = SGDRule(lr=0.5)
    rule.use_fp32_update()
    rule.update(param)
    assert rule._fp32_param is None
    numpy.testing.assert_array_equal(param.array, [-0.5, -0.5])


def test_base_rule_without_implementation() -> None:
    rule: UpdateRule[Hyperparameter] = UpdateRule()
    with pytest.raises(NotImplementedError, match="UpdateRule does not implement update_core_cpu"):
        rule.update(FakeParam(numpy.zeros(1), numpy.zeros(1)))
    assert isinstance(rule.hyperparam, Hyperparameter)
    with pytest.raises(NotImplementedError, match="update_core_gpu"):
        rule.update_core_gpu(FakeParam(numpy.zeros(1), numpy.zeros(1)))


def test_rule_hyperparam_is_a_child_of_the_same_class() -> None:
    parent = SGDHyperparameter(lr=0.3)
    rule: UpdateRule[SGDHyperparameter] = UpdateRule(parent)
    assert type(rule.hyperparam) is SGDHyperparameter
    assert rule.hyperparam.parent is parent
    assert rule.hyperparam.lr == 0.3


class TestSerialize:
    def _trained(self) -> tuple[AdamRule, FakeParam]:
        opt = Adam(alpha=0.1, amsgrad=True)
        rule = opt.create_update_rule()
        param = FakeParam(numpy.array([1.0, -2.0]), numpy.array([0.5, 0.25]))
        rule.update(param)
        rule.update(param)
        return rule, param

    def test_save_writes_t_and_state(self) -> None:
        rule, _ = self._trained()
        saved = DictionarySerializer()
        rule.serialize(saved)
        assert sorted(saved.target) == ["m", "t", "v", "vhat"]
        assert int(saved.target["t"]) == 2
        assert rule.state is not None
        numpy.testing.assert_array_equal(saved.target["m"], rule.state["m"])

    def test_load_into_a_fresh_rule_probes_keys(self) -> None:
        rule, param = self._trained()
        saved = DictionarySerializer()
        rule.serialize(saved)
        fresh = Adam(alpha=0.1, amsgrad=True).create_update_rule()
        assert not fresh.state
        NpzDeserializer(saved.target).load(fresh)
        assert fresh.t == 2
        assert fresh.state is not None
        assert rule.state is not None
        assert sorted(fresh.state) == ["m", "v", "vhat"]
        for key in ("m", "v", "vhat"):
            numpy.testing.assert_array_equal(fresh.state[key], rule.state[key])
        # the loaded rule continues exactly like the original
        other = FakeParam(param.array.copy() if param.array is not None else None, param.grad)
        rule.update(param)
        fresh.update(other)
        numpy.testing.assert_array_equal(other.array, param.array)

    def test_load_into_existing_state_fills_in_place(self) -> None:
        rule, _ = self._trained()
        saved = DictionarySerializer()
        rule.serialize(saved)
        target, _ = self._trained()
        target.update(FakeParam(numpy.zeros(2), numpy.ones(2)))
        assert target.state is not None
        m = target.state["m"]
        NpzDeserializer(saved.target).load(target)
        assert target.state["m"] is m
        assert rule.state is not None
        numpy.testing.assert_array_equal(m, rule.state["m"])
        assert target.t == 2

    def test_missing_state_keys(self) -> None:
        snapshot = {"t": numpy.asarray(3)}
        enabled = Adam().create_update_rule()
        with pytest.raises(KeyError, match="'m' is not in"):
            NpzDeserializer(snapshot).load(enabled)
        disabled = Adam().create_update_rule()
        disabled.enabled = False
        NpzDeserializer(snapshot).load(disabled)
        assert disabled.t == 3
        assert disabled.state is None

    def test_non_strict_missing_state_stays_uninitialized(self) -> None:
        rule = Adam().create_update_rule()
        NpzDeserializer({"t": numpy.asarray(5)}, strict=False).load(rule)
        assert rule.t == 5
        assert rule.state is None

    def test_probe_leaves_the_rule_untouched(self) -> None:
        rule = copy.copy(SGDRule())
        NpzDeserializer({"t": numpy.asarray(1)}).load(rule)
        assert rule.state is None
        assert rule.t == 1
