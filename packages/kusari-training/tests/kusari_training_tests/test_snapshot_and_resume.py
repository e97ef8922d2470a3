from __future__ import annotations

import os
import pathlib
from typing import Any

import numpy
import pytest

from kusari.datasets import TupleDataset
from kusari.iterators import SerialIterator, ShuffleOrderSampler
from kusari.optimizers import MomentumSGD
from kusari.serializers import Serializable, load_npz, save_npz
from kusari.training import Extension, StandardUpdater, Trainer
from kusari.training.extensions import (
    ExponentialShift,
    LogReport,
    SimpleWriter,
    snapshot,
    snapshot_object,
)

from ._models import DummyUpdater, Regressor, data, regression_data


def files(folder: pathlib.Path) -> list[str]:
    return sorted(os.listdir(folder))


# -- snapshots -------------------------------------------------------------------------------


def test_snapshot_retains_the_newest_files(tmp_path: pathlib.Path) -> None:
    trainer = Trainer(DummyUpdater(), (5, "iteration"), out=str(tmp_path))
    trainer.extend(snapshot(n_retains=2), trigger=(1, "iteration"))
    trainer.run()
    assert files(tmp_path) == ["snapshot_iter_4", "snapshot_iter_5"]
    restored = Trainer(DummyUpdater(), out=str(tmp_path))
    load_npz(tmp_path / "snapshot_iter_5", restored)
    assert restored.updater.iteration == 5


def test_snapshot_object_saves_the_target(tmp_path: pathlib.Path) -> None:
    model = Regressor()
    trainer = Trainer(DummyUpdater(2), (4, "iteration"), out=str(tmp_path))
    trainer.extend(snapshot_object(model, "model_epoch_{.updater.epoch}"))
    trainer.extend(
        snapshot_object(
            model, lambda t: f"custom_{t.updater.iteration}.npz", condition=lambda: False
        ),
        trigger=(1, "iteration"),
    )
    trainer.run()
    assert files(tmp_path) == ["model_epoch_1", "model_epoch_2"]
    other = Regressor(seed=9)
    load_npz(tmp_path / "model_epoch_2", other)
    numpy.testing.assert_array_equal(data(other.w), data(model.w))


def test_snapshot_on_error_and_custom_writer(tmp_path: pathlib.Path) -> None:
    class Fail(Extension):
        def __call__(self, trainer: Trainer) -> None:
            if trainer.updater.iteration == 3:
                raise RuntimeError("stop")

    saved: list[tuple[str, Any]] = []

    def savefun(path: str, target: Serializable, compression: bool = True) -> None:
        saved.append((os.path.basename(path), compression))
        save_npz(path, target, compression=compression)

    trainer = Trainer(DummyUpdater(), (10, "iteration"), out=str(tmp_path))
    trainer.extend(Fail())
    trainer.extend(
        snapshot(writer=SimpleWriter(savefun, compression=False), snapshot_on_error=True),
        trigger=(10, "iteration"),
    )
    with pytest.raises(RuntimeError, match="stop"):
        trainer.run(show_loop_exception_msg=False)
    assert files(tmp_path) == ["snapshot_iter_3"]
    assert saved[0][0].startswith(".snapshot_iter_3.")
    assert saved[0][1] is False


def test_snapshot_argument_errors() -> None:
    with pytest.raises(TypeError, match="savefun and writer cannot be given together"):
        snapshot(savefun=save_npz, writer=SimpleWriter())
    with pytest.raises(
        ValueError, match="n_retains must be positive, or -1 to keep every snapshot, got 0"
    ):
        snapshot(n_retains=0)


def test_a_crash_while_saving_never_corrupts_the_latest_snapshot(
    tmp_path: pathlib.Path,
) -> None:
    calls = {"n": 0}

    def crashing_save(path: str, target: Serializable) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            with open(path, "wb") as stream:
                stream.write(b"PK\x03\x04 half a zip archive")
            raise KeyboardInterrupt("killed mid-save")
        save_npz(path, target)

    trainer = Trainer(DummyUpdater(), (4, "iteration"), out=str(tmp_path))
    trainer.extend(snapshot(crashing_save, filename="snapshot"), trigger=(1, "iteration"))
    with pytest.raises(KeyboardInterrupt, match="killed mid-save"):
        trainer.run()
    assert files(tmp_path) == ["snapshot"]  # no temporary file left
    restored = Trainer(DummyUpdater(), out=str(tmp_path))
    load_npz(tmp_path / "snapshot", restored)
    assert restored.updater.iteration == 1


def test_autoload_resumes_from_the_newest_good_snapshot(tmp_path: pathlib.Path) -> None:
    seen: list[int] = []

    def make(stop: int, autoload: bool) -> Trainer:
        trainer = Trainer(DummyUpdater(), (stop, "iteration"), out=str(tmp_path))
        trainer.extend(snapshot(autoload=autoload), trigger=(1, "iteration"))
        trainer.extend(lambda t: seen.append(t.updater.iteration), name="seen")
        return trainer

    make(3, autoload=False).run()
    # A corrupt file that looks newest (written by something else than kusari).
    corrupt = tmp_path / "snapshot_iter_4"
    corrupt.write_bytes(b"not an npz archive")
    os.utime(corrupt, ns=(os.stat(tmp_path / "snapshot_iter_3").st_mtime_ns + 10**9,) * 2)
    # A stale temporary file of a crashed save is ignored.
    (tmp_path / ".snapshot_iter_9.0123456789ab.tmp").write_bytes(b"")
    seen.clear()
    resumed = make(5, autoload=True)
    with pytest.warns(UserWarning, match="cannot resume from the snapshot .*snapshot_iter_4"):
        resumed.run()
    assert seen == [4, 5]


def test_autoload_without_snapshots_starts_from_scratch(tmp_path: pathlib.Path) -> None:
    trainer = Trainer(DummyUpdater(), (2, "iteration"), out=str(tmp_path / "new"))
    trainer.extend(snapshot(autoload=True, n_retains=1))
    trainer.run()
    assert trainer.updater.iteration == 2
    bad = Trainer(DummyUpdater(), (1, "iteration"), out=str(tmp_path))
    bad.extend(snapshot(filename=lambda t: "x", autoload=True))
    with pytest.raises(TypeError, match="autoload needs a filename format string"):
        bad.run(show_loop_exception_msg=False)


# -- resuming a run --------------------------------------------------------------------------


class StopAt(Extension):
    def __init__(self, iteration: int) -> None:
        self.iteration = iteration

    def __call__(self, trainer: Trainer) -> None:
        if trainer.updater.iteration == self.iteration:
            raise RuntimeError(f"interrupted at iteration {self.iteration}")


def build(
    out: pathlib.Path, stop_at: int | None = None, autoload: bool = False
) -> tuple[Trainer, Regressor, LogReport]:
    x, t = regression_data(10)
    model = Regressor()
    optimizer = MomentumSGD(lr=0.05, momentum=0.9).setup(model)
    sampler = ShuffleOrderSampler(numpy.random.RandomState(3))
    iterator = SerialIterator(TupleDataset(x, t), 3, order_sampler=sampler)
    trainer = Trainer(StandardUpdater(iterator, optimizer), (4, "epoch"), out=str(out))
    log_report = LogReport()
    trainer.extend(log_report)
    trainer.extend(ExponentialShift("lr", 0.9), trigger=(1, "iteration"))
    trainer.extend(snapshot(n_retains=2, autoload=autoload), trigger=(1, "iteration"))
    if stop_at is not None:
        trainer.extend(StopAt(stop_at))
    return trainer, model, log_report


def test_a_run_interrupted_mid_epoch_and_resumed_matches_an_uninterrupted_run(
    tmp_path: pathlib.Path,
) -> None:
    reference, reference_model, reference_log = build(tmp_path / "reference")
    reference.run()
    assert reference.updater.iteration == 14  # 4 epochs of 10 examples in batches of 3

    interrupted, _, _ = build(tmp_path / "resumed", stop_at=8)
    with pytest.raises(RuntimeError, match="interrupted at iteration 8"):
        interrupted.run(show_loop_exception_msg=False)
    # The snapshot of iteration 8 was not taken: the run resumes from iteration 7,
    # in the middle of the third epoch.
    assert files(tmp_path / "resumed") == ["log", "snapshot_iter_6", "snapshot_iter_7"]

    resumed, resumed_model, resumed_log = build(tmp_path / "resumed", autoload=True)
    resumed.run()
    assert resumed.updater.iteration == 14
    numpy.testing.assert_array_equal(data(resumed_model.w), data(reference_model.w))
    numpy.testing.assert_array_equal(data(resumed_model.b), data(reference_model.b))
    optimizer = resumed.updater.get_optimizer("main")
    reference_optimizer = reference.updater.get_optimizer("main")
    assert isinstance(optimizer, MomentumSGD)
    assert isinstance(reference_optimizer, MomentumSGD)
    assert optimizer.t == 14
    assert optimizer.lr == reference_optimizer.lr

    def without_time(log: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{k: v for k, v in entry.items() if k != "elapsed_time"} for entry in log]

    assert without_time(resumed_log.log) == without_time(reference_log.log)
