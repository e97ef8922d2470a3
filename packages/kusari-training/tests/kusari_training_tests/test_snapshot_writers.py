from __future__ import annotations

import contextlib
import os
import pathlib
import time
from collections.abc import Callable
from typing import Any

import numpy
import pytest

from kusari.iterators import SerialIterator
from kusari.optimizers import SGD
from kusari.serializers import Serializable, load_npz, save_npz
from kusari.training import Extension, StandardUpdater, Trainer
from kusari.training._atomic import TEMPORARY_NAME
from kusari.training.extensions import (
    ProcessQueueWriter,
    ProcessWriter,
    QueueWriter,
    SimpleWriter,
    StandardWriter,
    ThreadQueueWriter,
    ThreadWriter,
    Writer,
    snapshot,
    snapshot_object,
)

from ._models import DummyUpdater, Regressor, data, regression_data

# Python 3.12+ warns when forking a process that runs threads (the queue's feeder thread,
# the other writers' threads); the workers here only write files.
pytestmark = pytest.mark.filterwarnings(
    "ignore:.*use of fork\\(\\) may lead to deadlocks:DeprecationWarning"
)

WRITERS: list[Callable[..., Writer]] = [
    ThreadWriter,
    ProcessWriter,
    ThreadQueueWriter,
    ProcessQueueWriter,
]
STANDARD_WRITERS: list[Callable[..., StandardWriter]] = [ThreadWriter, ProcessWriter]
QUEUE_WRITERS: list[Callable[..., QueueWriter]] = [ThreadQueueWriter, ProcessQueueWriter]


def files(folder: pathlib.Path) -> list[str]:
    return sorted(os.listdir(folder))


# Module-level save functions: the process writers pickle them unless they fork.


def gated_save(path: str, target: Serializable, gate: str) -> None:
    """Wait until the file ``gate`` exists, then save."""
    deadline = time.monotonic() + 30.0
    while not os.path.exists(gate):
        if time.monotonic() > deadline:
            raise TimeoutError(f"the gate {gate} was never opened")
        time.sleep(0.005)
    save_npz(path, target)


def failing_save(path: str, target: Serializable) -> None:
    """Write half an archive, then fail, for the snapshots whose name has 'bad'."""
    if "bad" in os.path.basename(path):
        with open(path, "wb") as stream:
            stream.write(b"PK\x03\x04 half a zip archive")
        raise OSError(28, "No space left on device (simulated)")
    save_npz(path, target)


def dying_save(path: str, target: Serializable) -> None:
    os._exit(3)


def load_model(path: pathlib.Path) -> Regressor:
    model = Regressor(seed=99)
    load_npz(path, model)
    return model


# -- the state is captured at call time ------------------------------------------------------


@pytest.mark.parametrize("make", WRITERS)
def test_the_state_is_taken_when_the_writer_is_called(
    make: Callable[..., Writer], tmp_path: pathlib.Path
) -> None:
    gate = tmp_path / "gate"
    out = tmp_path / "out"
    writer = (
        make(gated_save, gate=str(gate))
        if make in STANDARD_WRITERS
        else make(task=SimpleWriter(gated_save, gate=str(gate)))
    )
    model = Regressor()
    expected_w = data(model.w).copy()
    writer("model.npz", str(out), model)
    # The worker cannot write before the gate opens: change the parameters in place
    # meanwhile, as an optimizer step does.
    data(model.w)[...] = 123.0
    data(model.b)[...] = -5.0
    gate.touch()
    writer.finalize()
    saved = load_model(out / "model.npz")
    numpy.testing.assert_array_equal(data(saved.w), expected_w)
    numpy.testing.assert_array_equal(data(saved.b), numpy.zeros(1, numpy.float32))
    assert files(out) == ["model.npz"]


@pytest.mark.parametrize("make", WRITERS)
def test_snapshots_during_training_hold_the_parameters_of_their_iteration(
    make: Callable[..., Writer], tmp_path: pathlib.Path
) -> None:
    model = Regressor()
    optimizer = SGD(lr=0.1)
    optimizer.setup(model)
    x, t = regression_data()
    iterator = SerialIterator(list(zip(x, t, strict=True)), 5, shuffle=False)
    trainer = Trainer(StandardUpdater(iterator, optimizer), (6, "iteration"), out=str(tmp_path))
    recorded: dict[int, numpy.ndarray[Any, Any]] = {}

    def record(trainer: Trainer) -> None:
        recorded[trainer.updater.iteration] = data(model.w).copy()

    trainer.extend(record, trigger=(1, "iteration"))
    trainer.extend(
        snapshot_object(model, "model_{.updater.iteration}", writer=make()),
        trigger=(1, "iteration"),
    )
    trainer.run()  # finalizes the writer: every file is complete now
    assert files(tmp_path) == [f"model_{i}" for i in range(1, 7)]
    for iteration, w in recorded.items():
        numpy.testing.assert_array_equal(data(load_model(tmp_path / f"model_{iteration}").w), w)
    assert not numpy.array_equal(recorded[1], recorded[6])


@pytest.mark.parametrize("make", WRITERS)
def test_n_retains_keeps_the_newest_snapshots(
    make: Callable[..., Writer], tmp_path: pathlib.Path
) -> None:
    trainer = Trainer(DummyUpdater(), (5, "iteration"), out=str(tmp_path))
    trainer.extend(snapshot(n_retains=2, writer=make()), trigger=(1, "iteration"))
    trainer.run()
    assert files(tmp_path) == ["snapshot_iter_4", "snapshot_iter_5"]
    restored = Trainer(DummyUpdater(), out=str(tmp_path))
    load_npz(tmp_path / "snapshot_iter_5", restored)
    assert restored.updater.iteration == 5


@pytest.mark.parametrize("make", WRITERS)
def test_savefun_keywords_reach_the_save_function(
    make: Callable[..., Writer], tmp_path: pathlib.Path
) -> None:
    model = Regressor()
    writer = (
        make(save_npz, compression=False)
        if make in STANDARD_WRITERS
        else make(task=SimpleWriter(save_npz, compression=False))
    )
    writer("model.npz", str(tmp_path), model)
    writer.finalize()
    import zipfile

    with zipfile.ZipFile(tmp_path / "model.npz") as archive:
        assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_STORED}


# -- failures are reported, and never leave a broken file ----------------------------------


@pytest.mark.parametrize("make", STANDARD_WRITERS)
def test_a_failed_write_is_reported_by_the_next_call(
    make: Callable[..., StandardWriter], tmp_path: pathlib.Path
) -> None:
    model = Regressor()
    writer = make(failing_save)
    writer("good.npz", str(tmp_path), model)
    writer("bad.npz", str(tmp_path), model)
    with pytest.raises(
        RuntimeError,
        match=rf"{make.__name__} failed to write the snapshot '.*bad\.npz': OSError: .*"
        r"No space left on device \(simulated\)",
    ) as excinfo:
        writer("good2.npz", str(tmp_path), model)
    cause = excinfo.value.__cause__
    assert isinstance(cause, OSError)
    assert cause.errno == 28
    writer.finalize()  # the call that reported the error still wrote its snapshot
    assert files(tmp_path) == ["good.npz", "good2.npz"]  # no temporary file left
    writer.finalize()  # nothing pending: a no-op


@pytest.mark.parametrize("make", WRITERS)
def test_a_failed_write_is_reported_by_finalize_and_keeps_the_previous_file(
    make: Callable[..., Writer], tmp_path: pathlib.Path
) -> None:
    model = Regressor()
    expected = data(model.w).copy()
    writer = (
        make(failing_save) if make in STANDARD_WRITERS else make(task=SimpleWriter(failing_save))
    )
    writer("bad.npz", str(tmp_path), model)
    with pytest.raises(RuntimeError, match="failed to write the snapshot"):
        writer.finalize()
    assert files(tmp_path) == []
    # The same name, written well, then a crash mid-write of a newer version.
    good = make() if make in STANDARD_WRITERS else make(task=SimpleWriter())
    good("bad.npz", str(tmp_path), model)
    good.finalize()
    data(model.w)[...] = 7.0
    writer("bad.npz", str(tmp_path), model)
    with pytest.raises(RuntimeError, match="No space left on device") as excinfo:
        writer.finalize()
    assert isinstance(excinfo.value.__cause__, OSError)
    assert files(tmp_path) == ["bad.npz"]
    numpy.testing.assert_array_equal(data(load_model(tmp_path / "bad.npz").w), expected)


@pytest.mark.parametrize("make", [ProcessWriter, ProcessQueueWriter])
def test_the_worker_traceback_is_kept(make: Callable[..., Writer], tmp_path: pathlib.Path) -> None:
    writer = make(failing_save) if make is ProcessWriter else make(task=SimpleWriter(failing_save))
    writer("bad.npz", str(tmp_path), Regressor())
    with pytest.raises(RuntimeError) as excinfo:
        writer.finalize()
    cause = excinfo.value.__cause__
    assert isinstance(cause, OSError)
    assert "in failing_save" in str(cause.__cause__)


@pytest.mark.parametrize("make", QUEUE_WRITERS)
def test_a_queue_writer_goes_on_after_a_failure(
    make: Callable[..., QueueWriter], tmp_path: pathlib.Path
) -> None:
    model = Regressor()
    writer = make(failing_save)
    writer("bad.npz", str(tmp_path), model)
    writer("bad2.npz", str(tmp_path), model)
    for _ in range(3):
        # A failure already noticed is reported once, by whichever call notices it.
        with contextlib.suppress(RuntimeError):
            writer("good.npz", str(tmp_path), model)
    with contextlib.suppress(RuntimeError):
        writer.finalize()
    assert files(tmp_path) == ["good.npz"]
    writer.finalize()  # every failure was reported once: nothing left to raise


@pytest.mark.parametrize("make", QUEUE_WRITERS)
def test_every_failure_is_reported_once(
    make: Callable[..., QueueWriter], tmp_path: pathlib.Path
) -> None:
    writer = make(failing_save)
    messages: list[str] = []
    calls: tuple[Callable[[], None], ...] = (
        lambda: writer("bad.npz", str(tmp_path), Regressor()),
        lambda: writer("bad2.npz", str(tmp_path), Regressor()),
        writer.finalize,
        writer.finalize,
    )
    for call in calls:
        try:
            call()
        except RuntimeError as error:
            messages.append(str(error))
    # The first failure may already be noticed by the second call, or both by finalize.
    if len(messages) == 1:
        assert "bad.npz" in messages[0]
        assert "(and 1 more failed writes)" in messages[0]
    else:
        assert len(messages) == 2
        assert "bad.npz" in messages[0]
        assert "bad2.npz" in messages[1]
        assert "more failed" not in messages[0] + messages[1]


def test_a_writer_process_that_dies_is_reported(tmp_path: pathlib.Path) -> None:
    writer = ProcessWriter(dying_save)
    writer("model.npz", str(tmp_path), Regressor())
    with pytest.raises(
        RuntimeError,
        match=r"ProcessWriter failed to write the snapshot .*the writer process exited with "
        r"code 3 before it finished writing",
    ):
        writer.finalize()
    # A killed writer leaves its temporary file, as any crash does; snapshot() and
    # autoload ignore those names.
    assert [name for name in files(tmp_path) if not TEMPORARY_NAME.match(name)] == []
    queued = ProcessQueueWriter(dying_save)
    queued("model.npz", str(tmp_path), Regressor())
    with pytest.raises(
        RuntimeError,
        match=r"ProcessQueueWriter failed to write the snapshot .*the writer process exited "
        r"with code 3",
    ):
        queued.finalize()
    assert [name for name in files(tmp_path) if not TEMPORARY_NAME.match(name)] == []


@pytest.mark.parametrize("make", QUEUE_WRITERS)
def test_a_queue_writer_can_be_used_again_after_finalize(
    make: Callable[..., QueueWriter], tmp_path: pathlib.Path
) -> None:
    writer = make()
    writer.finalize()  # never started: a no-op
    writer("one.npz", str(tmp_path), Regressor())
    writer.finalize()
    writer("two.npz", str(tmp_path), Regressor())
    writer.finalize()
    assert files(tmp_path) == ["one.npz", "two.npz"]


def test_the_snapshot_extension_finalizes_an_async_writer_when_training_fails(
    tmp_path: pathlib.Path,
) -> None:
    class Fail(Extension):
        def __call__(self, trainer: Trainer) -> None:
            if trainer.updater.iteration == 2:
                raise ValueError("diverged")

    trainer = Trainer(DummyUpdater(), (5, "iteration"), out=str(tmp_path))
    trainer.extend(Fail())
    trainer.extend(
        snapshot(writer=ThreadQueueWriter(), snapshot_on_error=True), trigger=(1, "iteration")
    )
    with pytest.raises(ValueError, match="diverged"):
        trainer.run(show_loop_exception_msg=False)
    assert files(tmp_path) == ["snapshot_iter_1", "snapshot_iter_2"]
    restored = Trainer(DummyUpdater(), out=str(tmp_path))
    load_npz(tmp_path / "snapshot_iter_2", restored)
    assert restored.updater.iteration == 2


def test_none_values_survive_the_capture(tmp_path: pathlib.Path) -> None:
    class Holder:
        def __init__(self, value: Any) -> None:
            self.value = value

        def serialize(self, serializer: Any) -> None:
            self.value = serializer("value", self.value)

    writer = ThreadWriter()
    writer("holder.npz", str(tmp_path), Holder(None))
    writer.finalize()
    restored = Holder(numpy.ones(2))
    load_npz(tmp_path / "holder.npz", restored)
    assert restored.value is None


def test_the_base_classes_need_their_worker() -> None:
    with pytest.raises(NotImplementedError, match="StandardWriter does not implement"):
        StandardWriter()("x", "/nonexistent", Regressor())


def test_the_trainer_raises_a_failed_final_write_after_finalizing_everything(
    tmp_path: pathlib.Path,
) -> None:
    finalized: list[str] = []

    class Closing(Extension):
        priority = -200  # finalized after the snapshot

        def __call__(self, trainer: Trainer) -> None:
            pass

        def finalize(self) -> None:
            finalized.append("closing")

    trainer = Trainer(DummyUpdater(), (2, "iteration"), out=str(tmp_path))
    trainer.extend(
        snapshot(writer=ThreadWriter(failing_save), filename="bad_{.updater.iteration}"),
        trigger=(2, "iteration"),
    )
    trainer.extend(Closing())
    with pytest.raises(RuntimeError, match=r"ThreadWriter failed to write the snapshot .*bad_2"):
        trainer.run()
    assert finalized == ["closing"]
    assert files(tmp_path) == []
