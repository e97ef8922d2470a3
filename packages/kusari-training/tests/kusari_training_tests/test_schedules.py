from __future__ import annotations

import math
import pathlib
from typing import Any

import pytest

from kusari.optimizers import SGD, Adam
from kusari.serializers import DictionarySerializer, NpzDeserializer
from kusari.training import PRIORITY_READER, Trainer, make_extension
from kusari.training.extensions import (
    ExponentialShift,
    InverseShift,
    LinearShift,
    MultistepShift,
    PolynomialShift,
    ScheduleExtension,
    StepShift,
    WarmupShift,
)

from ._models import DummyUpdater, Regressor


def schedule(
    shift: ScheduleExtension,
    iterations: int,
    tmp_path: pathlib.Path,
    attr: str = "lr",
    lr: float = 0.1,
) -> list[float]:
    """The attribute's value before the first iteration and after each one."""
    optimizer = SGD(lr=lr).setup(Regressor())
    trainer = Trainer(
        DummyUpdater(optimizer=optimizer), (iterations, "iteration"), out=str(tmp_path)
    )
    values: list[float] = []
    trainer.extend(shift)

    @make_extension(priority=PRIORITY_READER - 1)
    def record(trainer: Trainer) -> None:
        values.append(getattr(optimizer, attr))

    trainer.extend(record, call_before_training=True)
    trainer.run()
    return values


def test_exponential_shift(tmp_path: pathlib.Path) -> None:
    values = schedule(ExponentialShift("lr", 0.5), 4, tmp_path)
    assert values == pytest.approx([0.1 * 0.5**t for t in range(5)])
    capped = schedule(ExponentialShift("lr", 2.0, init=1.0, target=5.0), 4, tmp_path)
    assert capped == [1.0, 2.0, 4.0, 5.0, 5.0]
    floored = schedule(ExponentialShift("lr", 0.1, init=1.0, target=0.05), 3, tmp_path)
    assert floored == pytest.approx([1.0, 0.1, 0.05, 0.05])
    negative = ExponentialShift("lr", 2.0, init=-1.0, target=-3.0)
    assert [negative.value_at(t) for t in range(3)] == [-1.0, -2.0, -3.0]
    with pytest.raises(ValueError, match="does not support a negative rate, got -1"):
        ExponentialShift("lr", -1)


def test_linear_shift(tmp_path: pathlib.Path) -> None:
    values = schedule(LinearShift("lr", (0.2, 0.0), (1, 3)), 4, tmp_path)
    assert values == pytest.approx([0.2, 0.2, 0.1, 0.0, 0.0])
    with pytest.raises(
        ValueError, match=r"time_range must be \(t1, t2\) with t1 < t2, got \(3, 3\)"
    ):
        LinearShift("lr", (1, 0), (3, 3))


def test_step_shift(tmp_path: pathlib.Path) -> None:
    values = schedule(StepShift("lr", 0.5, 2), 5, tmp_path)
    assert values == pytest.approx([0.1 * 0.5 ** (t // 2) for t in range(6)])
    assert [StepShift("lr", 0.1, 1, init=1.0, target=0.01).value_at(t) for t in (3, 4)] == [
        0.01,
        0.01,
    ]
    with pytest.raises(ValueError, match="step must be positive, got 0"):
        StepShift("lr", 0.5, 0)


def test_polynomial_shift(tmp_path: pathlib.Path) -> None:
    values = schedule(PolynomialShift("lr", 0.5, 4), 5, tmp_path)
    assert values == pytest.approx([0.1 * max(1 - t / 4, 0) ** 0.5 for t in range(6)])
    floored = PolynomialShift("lr", 1.0, 2, init=1.0, target=0.2)
    assert [floored.value_at(t) for t in range(4)] == [1.0, 0.5, 0.2, 0.2]
    with pytest.raises(ValueError, match="max_count must be positive, got 0"):
        PolynomialShift("lr", 1, 0)


def test_inverse_shift(tmp_path: pathlib.Path) -> None:
    values = schedule(InverseShift("lr", 0.5, 2.0), 3, tmp_path)
    assert values == pytest.approx([0.1 * (1 + 0.5 * t) ** -2 for t in range(4)])
    assert InverseShift("lr", 1.0, 1.0, init=1.0, target=0.3).value_at(5) == 0.3
    with pytest.raises(ValueError, match=r"negative gamma, got -0\.5"):
        InverseShift("lr", -0.5, 1)


def test_warmup_shift_then_leaves_the_attribute_alone(tmp_path: pathlib.Path) -> None:
    shift = WarmupShift("lr", 0.0, 4)
    optimizer = SGD(lr=0.2).setup(Regressor())
    trainer = Trainer(DummyUpdater(optimizer=optimizer), (6, "iteration"), out=str(tmp_path))
    values: list[float] = []
    trainer.extend(shift)

    @make_extension(priority=PRIORITY_READER - 1)
    def record(trainer: Trainer) -> None:
        values.append(optimizer.lr)
        if trainer.updater.iteration == 5:
            optimizer.lr = 0.7  # someone else's schedule after the warmup

    trainer.extend(record)
    trainer.run()
    assert values == pytest.approx([0.05, 0.1, 0.15, 0.2, 0.2, 0.7])
    with pytest.raises(ValueError, match="warmup_iter must be positive, got 0"):
        WarmupShift("lr", 0.0, 0)


def test_multistep_shift(tmp_path: pathlib.Path) -> None:
    values = schedule(MultistepShift("lr", 0.1, [3, 1], 1.0), 4, tmp_path)
    assert values == pytest.approx([1.0, 0.1, 0.1, 0.01, 0.01])
    from_optimizer = schedule(MultistepShift("lr", 0.5, [2], None), 2, tmp_path, lr=0.4)
    assert from_optimizer == pytest.approx([0.4, 0.4, 0.2])


def test_shifts_on_another_attribute_and_optimizer(tmp_path: pathlib.Path) -> None:
    adam = Adam(alpha=0.01).setup(Regressor())
    trainer = Trainer(DummyUpdater(), (2, "iteration"), out=str(tmp_path))
    trainer.extend(ExponentialShift("alpha", 0.5, optimizer=adam))
    trainer.run()
    assert adam.alpha == pytest.approx(0.0025)


def test_a_resumed_shift_restores_its_last_value(tmp_path: pathlib.Path) -> None:
    original = ExponentialShift("lr", 0.5)
    schedule(original, 3, tmp_path)
    saved = DictionarySerializer()
    saved.save(original)
    assert sorted(saved.target) == ["_last_value", "_t"]
    resumed = ExponentialShift("lr", 0.5)
    NpzDeserializer(saved.target).load(resumed)
    values = schedule(resumed, 1, tmp_path)
    assert values == pytest.approx([0.1 * 0.5**3, 0.1 * 0.5**4])
    fresh = ExponentialShift("lr", 0.5)
    NpzDeserializer(DictionarySerializer().target | {"_t": _np(0), "_last_value": _none()}).load(
        fresh
    )
    assert fresh._last_value is None
    with pytest.raises(RuntimeError, match="read from the optimizer when training starts"):
        _ = fresh.init


def _np(value: Any) -> Any:
    import numpy

    return numpy.asarray(value)


def _none() -> Any:
    saved = DictionarySerializer()
    saved("x", None)
    return saved.target["x"]


def test_schedule_formulas_are_consistent_with_math() -> None:
    shift = PolynomialShift("lr", 2.0, 10, init=3.0)
    assert shift.value_at(5) == pytest.approx(3.0 * 0.25)
    assert math.isclose(InverseShift("lr", 0.1, 0.75, init=1.0).value_at(10), 2**-0.75)
