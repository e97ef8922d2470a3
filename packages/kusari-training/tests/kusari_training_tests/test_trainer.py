from __future__ import annotations

import os
import pathlib
import types
from typing import Any

import numpy
import pytest

from kusari.links import Chain
from kusari.optimizers import SGD
from kusari.reporter import report
from kusari.serializers import DictionarySerializer, NpzDeserializer
from kusari.training import (
    PRIORITY_EDITOR,
    PRIORITY_READER,
    PRIORITY_WRITER,
    Extension,
    Trainer,
    make_extension,
)
from kusari.training.triggers import IntervalTrigger, ManualScheduleTrigger

from ._models import DummyUpdater, Regressor


class Recorder(Extension):
    def __init__(self, log: list[Any], tag: str, priority: int = PRIORITY_READER) -> None:
        self.log = log
        self.tag = tag
        self.priority = priority

    def __call__(self, trainer: Trainer) -> None:
        self.log.append((self.tag, trainer.updater.iteration))

    def initialize(self, trainer: Trainer) -> None:
        self.log.append((self.tag, "initialize"))

    def finalize(self) -> None:
        self.log.append((self.tag, "finalize"))


def test_the_loop_runs_extensions_by_priority_then_insertion(tmp_path: pathlib.Path) -> None:
    log: list[Any] = []
    trainer = Trainer(DummyUpdater(), (2, "iteration"), out=str(tmp_path / "out"))
    trainer.extend(Recorder(log, "reader"))
    trainer.extend(Recorder(log, "writer", PRIORITY_WRITER))
    trainer.extend(Recorder(log, "reader2"))
    trainer.extend(Recorder(log, "editor"), priority=PRIORITY_EDITOR)
    trainer.run()
    per_iteration = ["writer", "editor", "reader", "reader2"]
    assert log == (
        [(tag, "initialize") for tag in per_iteration]
        + [(tag, 1) for tag in per_iteration]
        + [(tag, 2) for tag in per_iteration]
        + [(tag, "finalize") for tag in per_iteration]
    )
    assert (tmp_path / "out").is_dir()
    assert trainer.updater.iteration == 2


def test_triggers_call_before_training_and_finished_initializers(tmp_path: pathlib.Path) -> None:
    calls: list[tuple[str, int]] = []

    @make_extension(trigger=(2, "iteration"))
    def every_other(trainer: Trainer) -> None:
        calls.append(("every_other", trainer.updater.iteration))

    def plain(trainer: Trainer) -> None:
        calls.append(("plain", trainer.updater.iteration))

    initialized: list[str] = []
    finished_trigger = ManualScheduleTrigger(1, "iteration")
    finished_trigger.finished = True
    trainer = Trainer(DummyUpdater(), (5, "iteration"), out=str(tmp_path))
    trainer.extend(every_other)
    trainer.extend(plain, trigger=(3, "iteration"), call_before_training=True)
    trainer.extend(
        make_extension(initializer=lambda t: initialized.append("skipped"))(lambda t: None),
        name="done",
        trigger=finished_trigger,
    )
    trainer.run()
    assert calls == [
        ("plain", 0),
        ("every_other", 2),
        ("plain", 3),
        ("every_other", 4),
    ]
    assert initialized == []


def test_observation_and_reporter_observers(tmp_path: pathlib.Path) -> None:
    class Model(Chain):
        def __init__(self) -> None:
            super().__init__()
            with self.init_scope():
                self.inner = Regressor()

    model = Model()
    optimizer = SGD().setup(model)
    trainer = Trainer(DummyUpdater(optimizer=optimizer), (2, "iteration"), out=str(tmp_path))
    seen: list[dict[str, Any]] = []

    @make_extension(priority=PRIORITY_WRITER)
    def writer(trainer: Trainer) -> None:
        report({"loss": float(trainer.updater.iteration)}, model)
        report({"norm": 1.0}, model.inner)
        report({"free": 2.0})

    trainer.extend(writer)
    trainer.extend(lambda t: seen.append(dict(t.observation)), name="reader")
    trainer.run()
    assert seen == [
        {"main/loss": 1.0, "main/inner/norm": 1.0, "free": 2.0},
        {"main/loss": 2.0, "main/inner/norm": 1.0, "free": 2.0},
    ]


def test_extend_names(tmp_path: pathlib.Path) -> None:
    trainer = Trainer(DummyUpdater(), out=str(tmp_path))
    first, second = Recorder([], "a"), Recorder([], "b")
    trainer.extend(first)
    trainer.extend(second)
    assert (first.name, second.name) == ("Recorder", "Recorder_1")
    assert trainer.get_extension("Recorder_1") is second

    def my_function(trainer: Trainer) -> None:
        pass

    trainer.extend(my_function)
    assert trainer.get_extension("my_function") is my_function
    trainer.extend(Recorder([], "c"), name="custom")
    assert isinstance(trainer.get_extension("custom"), Recorder)
    with pytest.raises(ValueError, match="extension 'missing' not found; the trainer has"):
        trainer.get_extension("missing")
    with pytest.raises(ValueError, match='the name "training" is reserved'):
        trainer.extend(Recorder([], "d"), name="training")
    with pytest.raises(TypeError, match="an extension must be callable, got int"):
        trainer.extend(3)  # type: ignore[arg-type]

    class Nameless:
        __slots__ = ()

        def __call__(self, trainer: Trainer) -> None:
            pass

    with pytest.raises(TypeError, match="no name is given for the extension"):
        trainer.extend(Nameless())


def test_make_extension_sets_the_attributes() -> None:
    def finalizer() -> None:
        pass

    @make_extension(
        trigger=(3, "epoch"), default_name="named", priority=PRIORITY_EDITOR, finalizer=finalizer
    )
    def extension(trainer: Trainer) -> None:
        pass

    assert extension.trigger == (3, "epoch")  # type: ignore[attr-defined]
    assert extension.default_name == "named"  # type: ignore[attr-defined]
    assert extension.priority == PRIORITY_EDITOR  # type: ignore[attr-defined]
    assert extension.finalize is finalizer  # type: ignore[attr-defined]

    @make_extension()
    def defaults(trainer: Trainer) -> None:
        pass

    assert defaults.trigger == (1, "iteration")  # type: ignore[attr-defined]
    assert defaults.default_name == "defaults"  # type: ignore[attr-defined]
    assert defaults.priority == PRIORITY_READER  # type: ignore[attr-defined]
    assert defaults.initialize is None  # type: ignore[attr-defined]


def test_extension_base_defaults() -> None:
    extension = Extension()
    assert extension.default_name == "Extension"
    defaults: tuple[object, int] = (extension.trigger, extension.priority)
    assert defaults == ((1, "iteration"), PRIORITY_READER)
    with pytest.raises(TypeError, match="Extension does not implement __call__"):
        extension(Trainer(DummyUpdater()))


class Boom(Extension):
    def __init__(self, at: int, log: list[Any]) -> None:
        self.at = at
        self.log = log

    def __call__(self, trainer: Trainer) -> None:
        if trainer.updater.iteration == self.at:
            raise RuntimeError(f"boom at {self.at}")

    def on_error(
        self, trainer: Trainer, exc: BaseException, tb: types.TracebackType | None
    ) -> None:
        self.log.append(("on_error", str(exc), tb is not None))
        raise ValueError("the handler fails too")

    def finalize(self) -> None:
        self.log.append(("finalize",))


def test_an_error_calls_on_error_and_finalize_then_propagates(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log: list[Any] = []
    updater = DummyUpdater()
    finalized: list[bool] = []
    updater.finalize = lambda: finalized.append(True)  # type: ignore[method-assign]
    trainer = Trainer(updater, (10, "iteration"), out=str(tmp_path))
    trainer.extend(Boom(3, log))
    with pytest.raises(RuntimeError, match="boom at 3"):
        trainer.run()
    assert log == [("on_error", "boom at 3", True), ("finalize",)]
    assert finalized == [True]
    err = capsys.readouterr().err
    assert "Exception in main training loop: boom at 3" in err
    assert "Will finalize trainer extensions and updater before reraising the exception." in err
    assert "Exception in error handler: the handler fails too" in err

    quiet = Trainer(DummyUpdater(), (10, "iteration"), out=str(tmp_path))
    quiet.extend(Boom(1, []))
    with pytest.raises(RuntimeError, match="boom at 1"):
        quiet.run(show_loop_exception_msg=False)
    assert "Exception in main training loop" not in capsys.readouterr().err


def test_run_once_elapsed_time_and_type_checks(tmp_path: pathlib.Path) -> None:
    trainer = Trainer(DummyUpdater(), (1, "iteration"), out=str(tmp_path))
    with pytest.raises(RuntimeError, match="training has not been started yet"):
        _ = trainer.elapsed_time
    assert trainer.is_before_training
    trainer.run()
    elapsed = trainer.elapsed_time
    assert elapsed >= 0
    assert trainer.elapsed_time == elapsed  # frozen once done
    with pytest.raises(
        RuntimeError, match="cannot run the training loop of a Trainer more than once"
    ):
        trainer.run()
    with pytest.raises(TypeError, match=r"updater must be a kusari\.training\.Updater, got str"):
        Trainer("updater")  # type: ignore[arg-type]
    assert os.fspath(Trainer(DummyUpdater(), out=tmp_path).out) == str(tmp_path)


def test_trainer_serialization_keys_and_resume(tmp_path: pathlib.Path) -> None:
    trainer = Trainer(DummyUpdater(), (4, "iteration"), out=str(tmp_path))
    trainer.extend(Recorder([], "x"), trigger=(2, "iteration"))
    trainer.run()
    saved = DictionarySerializer()
    saved.save(trainer)
    assert sorted(saved.target) == [
        "_snapshot_elapsed_time",
        "extension_triggers/Recorder/previous_epoch_detail",
        "extension_triggers/Recorder/previous_iteration",
        "stop_trigger/previous_epoch_detail",
        "stop_trigger/previous_iteration",
        "updater/iteration",
    ]
    resumed = Trainer(DummyUpdater(), (6, "iteration"), out=str(tmp_path))
    log: list[Any] = []
    resumed.extend(Recorder(log, "x"), trigger=(2, "iteration"))
    NpzDeserializer(saved.target).load(resumed)
    assert resumed.updater.iteration == 4
    resumed.run()
    assert [entry for entry in log if entry[1] not in ("initialize", "finalize")] == [("x", 6)]
    assert resumed.elapsed_time >= float(saved.target["_snapshot_elapsed_time"])


def test_interval_stop_trigger_counts_epochs(tmp_path: pathlib.Path) -> None:
    trainer = Trainer(DummyUpdater(10 / 3), IntervalTrigger(2, "epoch"), out=str(tmp_path))
    trainer.run()
    assert trainer.updater.iteration == 7
    assert numpy.isclose(trainer.updater.epoch_detail, 2.1)
