"""End to end: optimizers minimizing a loss through ``update(lossfun)``, and resuming."""

from __future__ import annotations

import pathlib
from collections.abc import Callable
from typing import Any

import numpy
import pytest

from kusari.devices import Array
from kusari.links import Chain, Parameter
from kusari.optimizers import (
    SGD,
    Adam,
    GradientMethod,
    MomentumSGD,
    UpdateRule,
)
from kusari.serializers import load_npz, save_npz

from .test_optim_optimizer import Quadratic
from .test_optim_rules import CASES, Reference

CENTER_A = numpy.array([[1.0, -2.0], [0.5, 3.0]], numpy.float32)
CENTER_B = numpy.array([-1.0, 0.25], numpy.float32)
SCALES = [2.0, 0.5]


class Bowl(Chain):
    """Two parameters in the quadratic bowl ``sum_i 0.5 * c_i * ||x_i - center_i||^2``."""

    def __init__(self) -> None:
        super().__init__()
        with self.init_scope():
            self.a = Parameter(numpy.zeros((2, 2), numpy.float32))
            self.b = Parameter(numpy.array([3.0, 3.0], numpy.float32))

    def loss(self) -> Any:
        (y,) = Quadratic([CENTER_A, CENTER_B], SCALES, []).apply(list(self.params()))
        return y

    def value(self) -> float:
        a, b = arr(self.a), arr(self.b)
        return float(
            0.5 * SCALES[0] * ((a - CENTER_A) ** 2).sum()
            + 0.5 * SCALES[1] * ((b - CENTER_B) ** 2).sum()
        )


def arr(param: Parameter) -> Array:
    array = param.array
    assert array is not None
    return array


@pytest.mark.parametrize(
    ("name", "make", "reference", "state_keys"), CASES, ids=[c[0] for c in CASES]
)
def test_update_lossfun_follows_the_reference_trajectory(
    name: str,
    make: Callable[[], GradientMethod[Any]],
    reference: Reference,
    state_keys: tuple[str, ...],
) -> None:
    model = Bowl()
    opt = make().setup(model)
    hp = opt.hyperparam.get_dict()
    expected = [arr(model.a).astype(numpy.float64), arr(model.b).astype(numpy.float64)]
    centers = [CENTER_A, CENTER_B]
    states: list[dict[str, Array]] = [{}, {}]
    for step in range(1, 21):
        opt.update(model.loss)
        for i in range(2):
            grad = SCALES[i] * (expected[i] - centers[i])
            reference(expected[i], grad, states[i], step, hp)
    rtol = 5e-4 if name == "MSVAG" else 2e-5
    numpy.testing.assert_allclose(arr(model.a), expected[0], rtol=rtol, atol=1e-5)
    numpy.testing.assert_allclose(arr(model.b), expected[1], rtol=rtol, atol=1e-5)
    assert opt.t == 20


@pytest.mark.parametrize(
    "make",
    [
        lambda: SGD(lr=0.3),
        lambda: MomentumSGD(lr=0.1),
        lambda: Adam(alpha=0.3),
    ],
    ids=["SGD", "MomentumSGD", "Adam"],
)
def test_optimizers_reach_the_minimum(make: Callable[[], GradientMethod[Any]]) -> None:
    model = Bowl()
    opt = make().setup(model)
    start = model.value()
    for _ in range(300):
        opt.update(model.loss)
    assert model.value() < 1e-3 * start
    numpy.testing.assert_allclose(arr(model.a), CENTER_A, atol=0.05)
    numpy.testing.assert_allclose(arr(model.b), CENTER_B, atol=0.05)


def test_saved_optimizer_keys(tmp_path: pathlib.Path) -> None:
    model = Bowl()
    opt = Adam(amsgrad=True).setup(model)
    opt.update(model.loss)
    opt.new_epoch()
    save_npz(tmp_path / "opt.npz", opt)
    with numpy.load(tmp_path / "opt.npz", allow_pickle=False) as saved:
        assert sorted(saved.files) == [
            "a/m",
            "a/t",
            "a/v",
            "a/vhat",
            "b/m",
            "b/t",
            "b/v",
            "b/vhat",
            "epoch",
            "t",
        ]
        assert int(saved["t"]) == 1
        assert int(saved["epoch"]) == 1
        rule = model.a.update_rule
        assert isinstance(rule, UpdateRule)
        assert rule.state is not None
        numpy.testing.assert_array_equal(saved["a/m"], rule.state["m"])


@pytest.mark.parametrize(
    "make",
    [lambda: Adam(alpha=0.1), lambda: MomentumSGD(lr=0.05)],
    ids=["Adam", "MomentumSGD"],
)
def test_resume_from_a_snapshot_gives_the_same_next_steps(
    tmp_path: pathlib.Path, make: Callable[[], GradientMethod[Any]]
) -> None:
    model = Bowl()
    opt = make().setup(model)
    for _ in range(3):
        opt.update(model.loss)
    save_npz(tmp_path / "model.npz", model)
    save_npz(tmp_path / "optimizer.npz", opt)
    for _ in range(2):
        opt.update(model.loss)

    resumed = Bowl()
    resumed_opt = make().setup(resumed)
    load_npz(tmp_path / "model.npz", resumed)
    load_npz(tmp_path / "optimizer.npz", resumed_opt)
    assert resumed_opt.t == 3
    for _ in range(2):
        resumed_opt.update(resumed.loss)
    numpy.testing.assert_array_equal(arr(resumed.a), arr(model.a))
    numpy.testing.assert_array_equal(arr(resumed.b), arr(model.b))
    assert resumed_opt.t == opt.t == 5


def test_loading_a_snapshot_without_state_is_all_or_nothing(tmp_path: pathlib.Path) -> None:
    model = Bowl()
    opt = Adam().setup(model)
    opt.update(model.loss)
    save_npz(tmp_path / "sgd.npz", SGD().setup(Bowl()))  # only t/epoch and a/t, b/t
    target = Bowl()
    fresh = Adam().setup(target)
    with pytest.raises(KeyError, match="'a/m' is not in"):
        load_npz(tmp_path / "sgd.npz", fresh)
    assert fresh.t == 0
    rule = target.a.update_rule
    assert isinstance(rule, UpdateRule)
    assert (rule.t, rule.state) == (0, None)
    load_npz(tmp_path / "sgd.npz", fresh, strict=False)
    assert (rule.t, rule.state) == (0, None)  # the state is created at the next update
    fresh.update(target.loss)
    assert rule.state is not None
    assert rule.t == 1
