"""kusari.optimizers.hooks: each hook's effect on the gradients, alone and in an optimizer."""

from __future__ import annotations

import types
from typing import Any

import numpy
import pytest

from kusari.devices import Array
from kusari.links import Link, Parameter
from kusari.optimizers import SGD, Hyperparameter, SGDRule, UpdateRule
from kusari.optimizers.hooks import (
    GradientClipping,
    GradientHardClipping,
    GradientLARS,
    GradientNoise,
    Lasso,
    WeightDecay,
    exponential_decay_noise,
)

from .test_optim_support import FakeParam


class TwoParams(Link):
    def __init__(self, u: Array, v: Array) -> None:
        super().__init__()
        with self.init_scope():
            self.u = Parameter(u)
            self.v = Parameter(v)


def arr(param: Parameter) -> Array:
    array = param.array
    assert array is not None
    return array


def grad_of(param: Parameter | FakeParam) -> Array:
    grad = param.grad
    assert grad is not None
    return grad


@pytest.mark.parametrize(
    ("hook", "name", "per_param"),
    [
        (WeightDecay(0.1), "WeightDecay", True),
        (Lasso(0.1), "Lasso", True),
        (GradientClipping(1.0), "GradientClipping", False),
        (GradientHardClipping(-1.0, 1.0), "GradientHardClipping", True),
        (GradientNoise(0.1), "GradientNoise", True),
        (GradientLARS(), "GradientLARS", True),
    ],
)
def test_hook_attributes(hook: Any, name: str, per_param: bool) -> None:
    assert hook.name == name
    assert hook.timing == "pre"
    assert getattr(hook, "call_for_each_param", False) is per_param


def test_weight_decay_adds_rate_times_param() -> None:
    param = FakeParam(numpy.array([1.0, -2.0, 4.0]), numpy.array([0.5, 0.5, 0.5]))
    WeightDecay(0.25)(None, param)
    numpy.testing.assert_allclose(grad_of(param), [0.75, 0.0, 1.5])


def test_weight_decay_scales_with_the_loss_scale() -> None:
    param = FakeParam(numpy.array([1.0, -2.0]), numpy.array([8.0, 8.0]))
    param._loss_scale = 8.0
    WeightDecay(0.5)(None, param)
    numpy.testing.assert_allclose(grad_of(param), [12.0, 0.0])  # 8 + 0.5 * 8 * p


def test_lasso_adds_rate_times_sign() -> None:
    param = FakeParam(numpy.array([3.0, -0.5, 0.0]), numpy.zeros(3))
    Lasso(0.2)(None, param)
    numpy.testing.assert_allclose(grad_of(param), [0.2, -0.2, 0.0])


def test_per_param_hooks_skip_missing_arrays() -> None:
    for hook in (WeightDecay(1.0), Lasso(1.0), GradientLARS(), GradientHardClipping(0, 1)):
        no_grad = FakeParam(numpy.ones(2), None)
        hook(None, no_grad)
        assert no_grad.grad is None
    uninitialized = FakeParam(None, numpy.ones(2), dtype=numpy.float64)
    WeightDecay(1.0)(None, uninitialized)
    numpy.testing.assert_array_equal(grad_of(uninitialized), [1.0, 1.0])


def test_hard_clipping_is_in_place() -> None:
    grad = numpy.array([-3.0, -0.5, 0.25, 9.0])
    param = FakeParam(numpy.zeros(4), grad)
    GradientHardClipping(-1.0, 0.5)(None, param)
    assert param.grad is grad
    numpy.testing.assert_array_equal(grad, [-1.0, -0.5, 0.25, 0.5])


def test_lars_rescales_by_the_trust_ratio() -> None:
    p = numpy.array([3.0, 4.0])  # norm 5
    g = numpy.array([0.0, 2.0])  # norm 2
    param = FakeParam(p.copy(), g.copy())
    GradientLARS(threshold=0.01, weight_decay=0.1, eps=1e-9)(None, param)
    rate = 5.0 / (1e-9 + 2.0 + 0.1 * 5.0)
    numpy.testing.assert_allclose(grad_of(param), (g + 0.1 * p) * rate)
    small = FakeParam(numpy.array([1e-3, 0.0]), numpy.array([1.0, 1.0]))
    GradientLARS(threshold=0.01, weight_decay=0.5)(None, small)
    numpy.testing.assert_allclose(grad_of(small), [1.0 + 0.5e-3, 1.0])  # rate 1 below threshold


def test_gradient_noise_uses_the_noise_function() -> None:
    calls: list[tuple[Any, ...]] = []

    def constant_noise(
        xp: types.ModuleType,
        shape: tuple[int, ...],
        dtype: numpy.dtype[Any],
        hook: GradientNoise,
        rule: UpdateRule[Any],
    ) -> Array:
        calls.append((xp, shape, dtype, hook, rule))
        noise: Array = xp.full(shape, hook.eta, dtype=dtype)
        return noise

    hook = GradientNoise(0.5, noise_func=constant_noise)
    rule = SGDRule()
    param = FakeParam(numpy.zeros(3, numpy.float32), numpy.ones(3, numpy.float32))
    hook(rule, param)
    numpy.testing.assert_array_equal(grad_of(param), [1.5, 1.5, 1.5])
    assert calls == [(numpy, (3,), numpy.dtype(numpy.float32), hook, rule)]


def test_exponential_decay_noise_has_the_annealed_variance() -> None:
    rule = SGDRule()
    rule.t = 15
    hook = GradientNoise(2.0)
    numpy.random.seed(0)  # noqa: NPY002  (the hook draws from the global RNG, as Chainer)
    noise = exponential_decay_noise(numpy, (200_000,), numpy.dtype(numpy.float64), hook, rule)
    expected_std = (2.0 / 16**0.55) ** 0.5
    assert noise.std() == pytest.approx(expected_std, rel=0.01)
    numpy.random.seed(0)  # noqa: NPY002  (the hook draws from the global RNG, as Chainer)
    same = numpy.random.normal(0, expected_std, (200_000,))  # noqa: NPY002
    numpy.testing.assert_allclose(noise, same)  # drawn from the global numpy.random


def test_gradient_clipping_rescales_by_the_global_norm() -> None:
    link = TwoParams(numpy.zeros(2, numpy.float32), numpy.zeros(1, numpy.float32))
    opt = SGD(lr=1.0).setup(link)
    opt.add_hook(GradientClipping(2.5))
    link.u.grad = numpy.array([3.0, 0.0], numpy.float32)
    link.v.grad = numpy.array([4.0], numpy.float32)  # global norm 5
    opt.update()
    numpy.testing.assert_allclose(grad_of(link.u), [1.5, 0.0])
    numpy.testing.assert_allclose(grad_of(link.v), [2.0])
    numpy.testing.assert_allclose(arr(link.u), [-1.5, 0.0])


def test_gradient_clipping_leaves_small_gradients_alone() -> None:
    link = TwoParams(numpy.zeros(2, numpy.float32), numpy.zeros(1, numpy.float32))
    opt = SGD(lr=1.0).setup(link)
    opt.add_hook(GradientClipping(10.0))
    grad = numpy.array([3.0, 0.0], numpy.float32)
    link.u.grad = grad
    link.v.grad = numpy.array([4.0], numpy.float32)
    opt.update()
    numpy.testing.assert_array_equal(grad, [3.0, 0.0])


def test_gradient_clipping_with_zero_gradients_does_nothing() -> None:
    link = TwoParams(numpy.ones(2, numpy.float32), numpy.ones(1, numpy.float32))
    opt = SGD(lr=1.0).setup(link)
    opt.add_hook(GradientClipping(1.0))
    link.cleargrads()
    opt.update()  # the norm is 0: no division by zero, no warning
    numpy.testing.assert_array_equal(grad_of(link.u), [0.0, 0.0])
    numpy.testing.assert_array_equal(arr(link.u), [1.0, 1.0])


def test_gradient_clipping_needs_a_set_up_optimizer() -> None:
    with pytest.raises(RuntimeError, match="needs an optimizer that is set up"):
        GradientClipping(1.0)(SGD())


def test_weight_decay_in_an_optimizer() -> None:
    link = TwoParams(numpy.array([1.0, 2.0], numpy.float32), numpy.array([-4.0], numpy.float32))
    opt = SGD(lr=0.5).setup(link)
    opt.add_hook(WeightDecay(0.1))
    link.u.grad = numpy.zeros(2, numpy.float32)
    link.v.grad = numpy.ones(1, numpy.float32)
    opt.update()
    numpy.testing.assert_allclose(arr(link.u), [0.95, 1.9])
    numpy.testing.assert_allclose(arr(link.v), [-4.0 - 0.5 * (1.0 - 0.4)])


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: WeightDecay(-1.0), "hyperparameter 'rate' must be >= 0, got -1.0"),
        (lambda: Lasso(-0.5), "hyperparameter 'rate' must be >= 0, got -0.5"),
        (lambda: GradientClipping(0.0), "hyperparameter 'threshold' must be > 0, got 0.0"),
        (lambda: GradientNoise(-1.0), "hyperparameter 'eta' must be >= 0, got -1.0"),
        (
            lambda: GradientLARS(weight_decay=-1.0),
            "hyperparameter 'weight_decay' must be >= 0, got -1.0",
        ),
        (
            lambda: GradientHardClipping(1.0, -1.0),
            "lower_bound must not exceed upper_bound, got lower_bound=1.0 and upper_bound=-1.0",
        ),
    ],
)
def test_bad_hook_arguments(make: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()


def test_rule_level_hook_from_the_hooks_module() -> None:
    rule: UpdateRule[Hyperparameter] = SGDRule(lr=1.0)
    rule.add_hook(GradientHardClipping(-0.5, 0.5))
    param = FakeParam(numpy.zeros(2), numpy.array([2.0, -0.25]))
    rule.update(param)
    numpy.testing.assert_array_equal(param.array, [-0.5, 0.25])
