"""Every update rule against its textbook formula, written out plainly in NumPy here."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy
import pytest

from kusari.optimizers import (
    MSVAG,
    SGD,
    SMORMS3,
    AdaBound,
    AdaDelta,
    AdaGrad,
    Adam,
    AdamW,
    AMSBound,
    AMSGrad,
    CorrectedMomentumSGD,
    GradientMethod,
    Hyperparameter,
    MomentumSGD,
    NesterovAG,
    RMSprop,
    RMSpropGraves,
)

from .test_optim_support import Array, FakeParam, random_array

# A reference step: (param, grad, state, t, hyperparameters) -> None, updating in place
# the float64 copies it is given.  Written plainly, without in-place tricks.
Reference = Callable[[Array, Array, dict[str, Array], int, dict[str, Any]], None]


def ref_sgd(p: Array, g: Array, s: dict[str, Array], t: int, hp: dict[str, Any]) -> None:
    p[...] = p - hp["lr"] * g


def ref_momentum(p: Array, g: Array, s: dict[str, Array], t: int, hp: dict[str, Any]) -> None:
    v = s.setdefault("v", numpy.zeros_like(p))
    v[...] = hp["momentum"] * v - hp["lr"] * g
    p[...] = p + v


def ref_corrected(p: Array, g: Array, s: dict[str, Array], t: int, hp: dict[str, Any]) -> None:
    v = s.setdefault("v", numpy.zeros_like(p))
    v[...] = hp["momentum"] * v - g
    p[...] = p + hp["lr"] * v


def ref_nesterov(p: Array, g: Array, s: dict[str, Array], t: int, hp: dict[str, Any]) -> None:
    v = s.setdefault("v", numpy.zeros_like(p))
    mu, lr = hp["momentum"], hp["lr"]
    v[...] = mu * v - lr * g
    p[...] = p + mu * mu * v - (1 + mu) * lr * g


def ref_adagrad(p: Array, g: Array, s: dict[str, Array], t: int, hp: dict[str, Any]) -> None:
    h = s.setdefault("h", numpy.zeros_like(p))
    h[...] = h + g * g
    p[...] = p - hp["lr"] * g / (numpy.sqrt(h) + hp["eps"])


def ref_adadelta(p: Array, g: Array, s: dict[str, Array], t: int, hp: dict[str, Any]) -> None:
    msg = s.setdefault("msg", numpy.zeros_like(p))
    msdx = s.setdefault("msdx", numpy.zeros_like(p))
    rho, eps = hp["rho"], hp["eps"]
    msg[...] = rho * msg + (1 - rho) * g * g
    dx = numpy.sqrt((msdx + eps) / (msg + eps)) * g
    msdx[...] = rho * msdx + (1 - rho) * dx * dx
    p[...] = p - dx


def ref_adam(p: Array, g: Array, s: dict[str, Array], t: int, hp: dict[str, Any]) -> None:
    m = s.setdefault("m", numpy.zeros_like(p))
    v = s.setdefault("v", numpy.zeros_like(p))
    b1, b2 = hp["beta1"], hp["beta2"]
    m[...] = b1 * m + (1 - b1) * g
    v[...] = b2 * v + (1 - b2) * g * g
    if hp["amsgrad"]:
        vhat = s.setdefault("vhat", numpy.zeros_like(p))
        vhat[...] = numpy.maximum(vhat, v)
    else:
        vhat = v
    alpha_t = hp["alpha"] * math.sqrt(1 - b2**t) / (1 - b1**t)
    step = alpha_t / (numpy.sqrt(vhat) + hp["eps"])
    if hp["adabound"]:
        final_lr = hp["final_lr"]  # alpha never changes here, so alpha / initial_alpha == 1
        lower = final_lr * (1 - 1 / (hp["gamma"] * t + 1))
        upper = final_lr * (1 + 1 / (hp["gamma"] * t))
        step = numpy.clip(step, lower, upper)
    p[...] = p - hp["eta"] * (step * m + hp["weight_decay_rate"] * p)


def ref_rmsprop(p: Array, g: Array, s: dict[str, Array], t: int, hp: dict[str, Any]) -> None:
    ms = s.setdefault("ms", numpy.zeros_like(p))
    a = hp["alpha"]
    ms[...] = a * ms + (1 - a) * g * g
    if hp["eps_inside_sqrt"]:
        denominator = numpy.sqrt(ms + hp["eps"])
    else:
        denominator = numpy.sqrt(ms) + hp["eps"]
    p[...] = p - hp["lr"] * g / denominator


def ref_graves(p: Array, g: Array, s: dict[str, Array], t: int, hp: dict[str, Any]) -> None:
    n = s.setdefault("n", numpy.zeros_like(p))
    gbar = s.setdefault("g", numpy.zeros_like(p))
    delta = s.setdefault("delta", numpy.zeros_like(p))
    a = hp["alpha"]
    n[...] = a * n + (1 - a) * g * g
    gbar[...] = a * gbar + (1 - a) * g
    delta[...] = hp["momentum"] * delta - hp["lr"] * g / numpy.sqrt(n - gbar * gbar + hp["eps"])
    p[...] = p + delta


def ref_smorms3(p: Array, g: Array, s: dict[str, Array], t: int, hp: dict[str, Any]) -> None:
    mem = s.setdefault("mem", numpy.ones_like(p))
    gbar = s.setdefault("g", numpy.zeros_like(p))
    g2 = s.setdefault("g2", numpy.zeros_like(p))
    eps = hp["eps"]
    r = 1 / (mem + 1)
    gbar[...] = (1 - r) * gbar + r * g
    g2[...] = (1 - r) * g2 + r * g * g
    x = gbar * gbar / (g2 + eps)
    p[...] = p - g * numpy.minimum(x, hp["lr"]) / (numpy.sqrt(g2) + eps)
    mem[...] = 1 + mem * (1 - x)


def ref_msvag(p: Array, g: Array, s: dict[str, Array], t: int, hp: dict[str, Any]) -> None:
    m = s.setdefault("m", numpy.zeros_like(p))
    v = s.setdefault("v", numpy.zeros_like(p))
    beta = hp["beta"]
    bt = beta**t
    rho = ((1 - beta) ** 2 * (1 - bt**2)) / ((1 - bt) ** 2 * (1 - beta**2))
    rho = min(rho, 0.9999)
    m[...] = beta * m + (1 - beta) * g
    v[...] = beta * v + (1 - beta) * g * g
    mt = m / (1 - bt)
    vt = v / (1 - bt)
    var = (vt - mt**2) / (1 - rho)
    with numpy.errstate(invalid="ignore", divide="ignore"):
        factor = numpy.clip(mt**2 / (mt**2 + rho * var), 0, 1)
    factor[numpy.isnan(factor)] = 0
    p[...] = p - hp["eta"] * (hp["lr"] * mt * factor + hp["weight_decay_rate"] * p)


CASES: list[tuple[str, Callable[[], GradientMethod[Any]], Reference, tuple[str, ...]]] = [
    ("SGD", lambda: SGD(lr=0.1), ref_sgd, ()),
    ("MomentumSGD", lambda: MomentumSGD(lr=0.1, momentum=0.8), ref_momentum, ("v",)),
    ("CorrectedMomentumSGD", lambda: CorrectedMomentumSGD(lr=0.1), ref_corrected, ("v",)),
    ("NesterovAG", lambda: NesterovAG(lr=0.1, momentum=0.7), ref_nesterov, ("v",)),
    ("AdaGrad", lambda: AdaGrad(lr=0.1), ref_adagrad, ("h",)),
    ("AdaDelta", lambda: AdaDelta(rho=0.9), ref_adadelta, ("msg", "msdx")),
    ("Adam", lambda: Adam(alpha=0.05), ref_adam, ("m", "v")),
    ("AdamW", lambda: AdamW(alpha=0.05, weight_decay_rate=0.1, eta=0.5), ref_adam, ("m", "v")),
    ("AMSGrad", lambda: AMSGrad(alpha=0.05), ref_adam, ("m", "v", "vhat")),
    ("AdaBound", lambda: AdaBound(alpha=0.05, gamma=0.1), ref_adam, ("m", "v")),
    ("AMSBound", lambda: AMSBound(alpha=0.05, final_lr=0.02), ref_adam, ("m", "v", "vhat")),
    ("RMSprop", lambda: RMSprop(lr=0.05, alpha=0.9), ref_rmsprop, ("ms",)),
    ("RMSprop-inside", lambda: RMSprop(lr=0.05, eps_inside_sqrt=True), ref_rmsprop, ("ms",)),
    ("RMSpropGraves", lambda: RMSpropGraves(lr=0.01), ref_graves, ("n", "g", "delta")),
    ("SMORMS3", lambda: SMORMS3(lr=0.01), ref_smorms3, ("mem", "g", "g2")),
    ("MSVAG", lambda: MSVAG(lr=0.1, beta=0.8, weight_decay_rate=0.01), ref_msvag, ("m", "v")),
]


def _hyperparams(opt: GradientMethod[Any]) -> dict[str, Any]:
    hp: Hyperparameter = opt.hyperparam
    return hp.get_dict()


@pytest.mark.parametrize(
    ("name", "make", "reference", "state_keys"), CASES, ids=[c[0] for c in CASES]
)
@pytest.mark.parametrize("dtype", [numpy.float32, numpy.float64])
def test_rule_matches_reference_formula(
    name: str,
    make: Callable[[], GradientMethod[Any]],
    reference: Reference,
    state_keys: tuple[str, ...],
    dtype: Any,
) -> None:
    opt = make()
    rule = opt.create_update_rule()
    shape = (3, 4)
    param = FakeParam(random_array(shape, dtype, seed=0))
    expected = param.array.astype(numpy.float64) if param.array is not None else None
    assert expected is not None
    ref_state: dict[str, Array] = {}
    hp = _hyperparams(opt)
    rtol = 1e-5 if dtype == numpy.float32 else 1e-12
    if name == "MSVAG" and dtype == numpy.float32:
        rtol = 5e-4  # its variance estimate v - m**2 cancels badly in float32
    for step in range(1, 6):
        grad = random_array(shape, dtype, seed=step)
        if step == 3:
            grad[0, 0] = 0.0  # exercise zero gradients (MSVAG's 0/0, AdaGrad's first step)
        param.grad = grad.copy()
        rule.update(param)
        reference(expected, grad.astype(numpy.float64), ref_state, step, hp)
        assert param.array is not None
        assert param.array.dtype == dtype
        numpy.testing.assert_allclose(param.array, expected, rtol=rtol, atol=rtol * 1e-2)
    assert rule.t == 5
    assert rule.state is not None
    assert tuple(rule.state) == state_keys
    for key in state_keys:
        assert rule.state[key].dtype == dtype
        numpy.testing.assert_allclose(rule.state[key], ref_state[key], rtol=rtol * 10, atol=1e-7)


@pytest.mark.parametrize(
    ("name", "make", "reference", "state_keys"), CASES, ids=[c[0] for c in CASES]
)
def test_update_is_in_place(
    name: str,
    make: Callable[[], GradientMethod[Any]],
    reference: Reference,
    state_keys: tuple[str, ...],
) -> None:
    rule = make().create_update_rule()
    array = random_array((5,), numpy.float32, seed=3)
    grad = random_array((5,), numpy.float32, seed=4)
    grad_before = grad.copy()
    param = FakeParam(array, grad)
    rule.update(param)
    rule.update(param)
    assert param.array is array
    numpy.testing.assert_array_equal(grad, grad_before)  # the gradient is not modified
    assert rule.state is not None
    states = {key: rule.state[key] for key in state_keys}
    rule.update(param)
    for key in state_keys:
        assert rule.state[key] is states[key]


class TestAdamDetails:
    def test_alpha_t_and_lr_alias(self) -> None:
        opt = Adam(alpha=0.1, beta1=0.5, beta2=0.75)
        with pytest.raises(RuntimeError, match=r"alpha_t before the first update \(t == 0\)"):
            _ = opt.alpha_t
        opt.t = 2
        expected = 0.1 * math.sqrt(1 - 0.75**2) / (1 - 0.5**2)
        assert opt.alpha_t == pytest.approx(expected, rel=1e-15)
        with pytest.warns(DeprecationWarning, match="Adam.lr is deprecated; use Adam.alpha_t"):
            assert opt.lr == opt.alpha_t
        rule = opt.create_update_rule()
        rule.t = 2
        assert rule.alpha_t == opt.alpha_t
        with pytest.warns(DeprecationWarning, match="AdamRule.lr is deprecated"):
            assert rule.lr == opt.alpha_t

    def test_bounds_follow_alpha_schedules(self) -> None:
        opt = AdaBound(alpha=0.01, final_lr=0.1, gamma=0.5)
        rule = opt.create_update_rule()
        with pytest.raises(RuntimeError, match="AdaBound's bounds before the first update"):
            _ = rule.bounds
        rule.t = 4
        assert rule.bounds == pytest.approx((0.1 * (1 - 1 / 3), 0.1 * (1 + 1 / 2)))
        opt.alpha = 0.005  # halving alpha halves final_lr
        assert rule.bounds == pytest.approx((0.05 * (1 - 1 / 3), 0.05 * (1 + 1 / 2)))

    def test_eps_too_small_for_float16(self) -> None:
        rule = Adam(eps=1e-10).create_update_rule()
        param = FakeParam(numpy.ones(2, numpy.float16), numpy.ones(2, numpy.float16))
        rule.update(param)  # float16 is computed in float32, where 1e-10 is representable
        rmsprop = RMSprop(eps=1e-10).create_update_rule()
        before = param.array.copy() if param.array is not None else None
        with pytest.raises(ValueError, match=r"eps of RMSprop is too small for float16 \(1e-10\)"):
            rmsprop.update(param)
        numpy.testing.assert_array_equal(param.array, before)
        rule_64 = Adam(eps=1e-50).create_update_rule()
        with pytest.raises(ValueError, match=r"eps of Adam is too small for float32 \(1e-50\)"):
            rule_64.update(FakeParam(numpy.ones(2, numpy.float32), numpy.ones(2, numpy.float32)))

    def test_float16_adam_computes_in_float32(self) -> None:
        rule = Adam(alpha=0.01).create_update_rule()
        array = numpy.array([1.0, -1.0, 0.5], numpy.float16)
        grad = numpy.array([0.1, -0.2, 0.3], numpy.float16)
        param = FakeParam(array, grad)
        rule.update(param)
        assert rule.state is not None
        assert rule.state["m"].dtype == numpy.float16
        # first step of Adam: m_hat / sqrt(v_hat) == sign(grad), so each moves by ~alpha
        expected = numpy.array([0.99, -0.99, 0.49], numpy.float32)
        numpy.testing.assert_allclose(array.astype(numpy.float32), expected, atol=1e-3)

    def test_amsgrad_keeps_the_running_maximum(self) -> None:
        rule = AMSGrad(alpha=0.1).create_update_rule()
        param = FakeParam(numpy.zeros(1), numpy.array([2.0]))
        rule.update(param)
        param.grad = numpy.array([0.0])
        rule.update(param)
        assert rule.state is not None
        assert rule.state["vhat"][0] == pytest.approx(0.001 * 4)
        assert rule.state["v"][0] == pytest.approx(0.999 * 0.001 * 4)
