from __future__ import annotations

import types
from typing import Any, cast

import pytest

from kusari.serializers import DictionarySerializer, NpzDeserializer
from kusari.training import Trainer, get_trigger
from kusari.training.triggers import (
    EarlyStoppingTrigger,
    IntervalTrigger,
    ManualScheduleTrigger,
    MaxValueTrigger,
    MinValueTrigger,
    OnceTrigger,
    TimeTrigger,
    Trigger,
)

from ._models import DummyUpdater


def fire_sequence(
    trigger: Trigger, iterations: int, per_epoch: float = 3.0, call_at: set[int] | None = None
) -> list[int]:
    trainer = Trainer(DummyUpdater(per_epoch))
    fired = []
    for _ in range(iterations):
        trainer.updater.update()
        iteration = trainer.updater.iteration
        if (call_at is None or iteration in call_at) and trigger(trainer):
            fired.append(iteration)
    return fired


def roundtrip(source: Any, target: Any) -> dict[str, Any]:
    saved = DictionarySerializer()
    saved.save(source)
    NpzDeserializer(saved.target).load(target)
    return saved.target


# -- IntervalTrigger -----------------------------------------------------------------------


def test_interval_trigger_in_iterations() -> None:
    assert fire_sequence(IntervalTrigger(2, "iteration"), 9) == [2, 4, 6, 8]
    assert fire_sequence(IntervalTrigger(1, "iteration"), 3) == [1, 2, 3]


def test_interval_trigger_in_epochs() -> None:
    assert fire_sequence(IntervalTrigger(1, "epoch"), 10, per_epoch=3) == [3, 6, 9]
    assert fire_sequence(IntervalTrigger(0.5, "epoch"), 8, per_epoch=4) == [2, 4, 6, 8]
    # An epoch of 10 examples in batches of 3: the first iteration past each boundary.
    assert fire_sequence(IntervalTrigger(1, "epoch"), 10, per_epoch=10 / 3) == [4, 7, 10]
    assert fire_sequence(IntervalTrigger(2, "epoch"), 12, per_epoch=3) == [6, 12]


def test_interval_trigger_called_only_sometimes_still_fires_once_per_boundary() -> None:
    assert fire_sequence(IntervalTrigger(5, "iteration"), 20, call_at={3, 7, 8, 16}) == [7, 16]


def test_interval_trigger_resumes_from_its_snapshot() -> None:
    trainer = Trainer(DummyUpdater(3))
    original = IntervalTrigger(4, "iteration")
    for _ in range(3):
        trainer.updater.update()
        original(trainer)
    restored = IntervalTrigger(4, "iteration")
    target = roundtrip(original, restored)
    assert sorted(target) == ["previous_epoch_detail", "previous_iteration"]
    trainer.updater.update()
    assert restored(trainer) is True


def test_interval_trigger_without_saved_state_guesses_from_the_updater() -> None:
    trigger = IntervalTrigger(2, "iteration")
    with pytest.warns(UserWarning, match="holds no state of this IntervalTrigger"):
        NpzDeserializer({}).load(trigger)
    assert fire_sequence(trigger, 4) == [2, 4]


def test_interval_trigger_errors_and_repr() -> None:
    with pytest.raises(
        ValueError, match="trigger unit must be either 'epoch' or 'iteration', got 'epochs'"
    ):
        IntervalTrigger(1, "epochs")
    with pytest.raises(ValueError, match="trigger period must be positive, got 0"):
        IntervalTrigger(0, "epoch")
    assert repr(IntervalTrigger(3, "epoch")) == "IntervalTrigger(3, 'epoch')"
    assert IntervalTrigger(3, "epoch").get_training_length() == (3, "epoch")


def test_get_trigger() -> None:
    trigger = get_trigger((10, "iteration"))
    assert isinstance(trigger, IntervalTrigger)
    assert (trigger.period, trigger.unit) == (10, "iteration")

    def custom(trainer: Trainer) -> bool:
        return True

    assert get_trigger(custom) is custom
    never = get_trigger(None)
    assert fire_sequence(never, 5) == []
    with pytest.raises(
        TypeError, match="a trigger must be a callable, None or a \\(period, unit\\) tuple"
    ):
        get_trigger(5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="trigger unit must be"):
        get_trigger((1, "hour"))


# -- ManualScheduleTrigger -----------------------------------------------------------------


def test_manual_schedule_trigger() -> None:
    trigger = ManualScheduleTrigger([5, 2], "iteration")
    assert fire_sequence(trigger, 8) == [2, 5]
    assert trigger.finished
    epochs = ManualScheduleTrigger([0.5, 1.5], "epoch")
    assert fire_sequence(epochs, 8, per_epoch=4) == [2, 6]
    single = ManualScheduleTrigger(3, "iteration")
    assert fire_sequence(single, 4) == [3]
    with pytest.raises(ValueError, match="needs at least one point"):
        ManualScheduleTrigger([], "epoch")


def test_manual_schedule_trigger_serialization() -> None:
    trainer = Trainer(DummyUpdater(3))
    original = ManualScheduleTrigger([2, 4], "iteration")
    for _ in range(4):
        trainer.updater.update()
        original(trainer)
    restored = ManualScheduleTrigger([2, 4], "iteration")
    roundtrip(original, restored)
    assert restored.finished
    trainer.updater.update()
    assert restored(trainer) is False


# -- best value triggers --------------------------------------------------------------------


def run_values(trigger: Trigger, values: list[float], per_epoch: float = 2.0) -> list[int]:
    trainer = Trainer(DummyUpdater(per_epoch))
    fired = []
    for value in values:
        trainer.updater.update()
        trainer.observation = {"validation/main/loss": value}
        if trigger(trainer):
            fired.append(trainer.updater.iteration)
    return fired


def test_min_and_max_value_triggers_compare_period_means() -> None:
    # Means per epoch (2 iterations each): 3.0, 2.0, 2.5, 1.0
    values = [4.0, 2.0, 1.0, 3.0, 2.0, 3.0, 0.0, 2.0]
    minimum = MinValueTrigger("validation/main/loss")
    assert run_values(minimum, values) == [2, 4, 8]
    assert minimum.best_value == 1.0
    maximum = MaxValueTrigger("validation/main/loss", trigger=(1, "epoch"))
    assert run_values(maximum, values) == [2]
    assert maximum.best_value == 3.0


def test_best_value_trigger_without_observations_does_not_fire() -> None:
    trainer = Trainer(DummyUpdater(1))
    trigger = MinValueTrigger("missing")
    trainer.updater.update()
    assert trigger(trainer) is False
    assert trigger.best_value is None


def test_best_value_trigger_serialization() -> None:
    original = MinValueTrigger("validation/main/loss", trigger=(1, "epoch"))
    run_values(original, [3.0, 1.0, 5.0])
    restored = MinValueTrigger("validation/main/loss", trigger=(1, "epoch"))
    target = roundtrip(original, restored)
    assert float(target["best_value"]) == 2.0
    assert restored.best_value == 2.0
    fresh = MinValueTrigger("validation/main/loss")
    roundtrip(MinValueTrigger("validation/main/loss"), fresh)
    assert fresh.best_value is None


# -- EarlyStoppingTrigger -------------------------------------------------------------------


def test_early_stopping_after_patience_checks_without_improvement() -> None:
    trigger = EarlyStoppingTrigger(
        monitor="validation/main/loss", patience=2, check_trigger=(1, "epoch")
    )
    # Epoch means: 3, 2, 2.5, 2.0 (not better than 2), ...
    values = [3.0, 3.0, 2.0, 2.0, 2.5, 2.5, 2.0, 2.0, 9.0, 9.0]
    assert run_values(trigger, values) == [8, 10]
    assert trigger.best == 2.0
    assert trigger.mode == "min"


def test_early_stopping_modes_and_max_trigger(capsys: pytest.CaptureFixture[str]) -> None:
    accuracy = EarlyStoppingTrigger(monitor="main/accuracy", patience=1, verbose=True)
    assert accuracy.mode == "max"
    trainer = Trainer(DummyUpdater(1), stop_trigger=accuracy)
    for value in (0.5, 0.7, 0.6):
        trainer.updater.update()
        trainer.observation = {"main/accuracy": value}
        fired = accuracy(trainer)
    assert fired
    assert capsys.readouterr().out == "Epoch 3: early stopping\n"
    capped = EarlyStoppingTrigger(max_trigger=(3, "iteration"), patience=100)
    assert run_values(capped, [1.0] * 5) == [3]
    assert EarlyStoppingTrigger(max_trigger=(7, "epoch")).get_training_length() == (7, "epoch")
    with pytest.raises(ValueError, match="mode must be 'auto', 'max' or 'min', got 'best'"):
        EarlyStoppingTrigger(mode="best")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="patience must be non-negative, got -1"):
        EarlyStoppingTrigger(patience=-1)


def test_early_stopping_serialization() -> None:
    original = EarlyStoppingTrigger(monitor="validation/main/loss", patience=3)
    run_values(original, [3.0, 3.0, 4.0, 4.0])
    restored = EarlyStoppingTrigger(monitor="validation/main/loss", patience=3)
    roundtrip(original, restored)
    assert (restored.best, restored.count) == (3.0, 1)


# -- OnceTrigger / TimeTrigger --------------------------------------------------------------


def test_once_trigger_and_call_on_resume() -> None:
    plain = OnceTrigger()
    assert fire_sequence(plain, 3) == [1]
    assert plain.finished
    resumable = OnceTrigger(call_on_resume=True)
    assert fire_sequence(resumable, 2) == [1]
    saved = DictionarySerializer()
    saved.save(resumable)
    again = OnceTrigger(call_on_resume=True)
    NpzDeserializer(saved.target).load(again)
    assert not again.finished
    assert fire_sequence(again, 3) == [1]
    quiet = OnceTrigger()
    NpzDeserializer(saved.target).load(quiet)
    assert quiet.finished
    assert fire_sequence(quiet, 2) == []


def test_time_trigger() -> None:
    trigger = TimeTrigger(10.0)
    clock = types.SimpleNamespace(elapsed_time=0.0)
    fired = []
    for elapsed in (3.0, 9.0, 10.5, 12.0, 25.0, 26.0, 31.0):
        clock.elapsed_time = elapsed
        if trigger(cast(Trainer, clock)):
            fired.append(elapsed)
    assert fired == [10.5, 25.0, 31.0]
    restored = TimeTrigger(10.0)
    roundtrip(trigger, restored)
    clock.elapsed_time = 39.0
    assert restored(cast(Trainer, clock)) is False
    clock.elapsed_time = 40.5
    assert restored(cast(Trainer, clock)) is True
    with pytest.raises(ValueError, match="period must be positive, got -1"):
        TimeTrigger(-1)
