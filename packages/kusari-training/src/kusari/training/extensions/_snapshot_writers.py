"""Snapshot writers that write in the background: threads, processes and queues.

Every writer here captures the target's state on the calling (training) thread, at call
time: the target is flattened with :class:`~kusari.serializers.DictionarySerializer` and
each array copied, so the training steps that run while the file is written cannot
change what is written.  Encoding (compression) and disk I/O happen in the worker.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import multiprocessing.queues
import multiprocessing.reduction
import os
import queue
import threading
import traceback
from collections.abc import Callable
from typing import Any, TypeAlias

import numpy
import numpy.typing as npt

from kusari.serializers import (
    NONE_MARKER_DTYPE,
    AbstractSerializer,
    DictionarySerializer,
    Serializable,
    save_npz,
)

from .._atomic import atomic_save
from ._snapshot import SaveFunction, SimpleWriter, Writer

__all__ = [
    "ProcessQueueWriter",
    "ProcessWriter",
    "QueueWriter",
    "StandardWriter",
    "ThreadQueueWriter",
    "ThreadWriter",
]

Task: TypeAlias = Callable[[str, str, Serializable], object]
"""A queued job: called as ``task(filename, outdir, target)``, like a :class:`Writer`."""


class _CapturedState:
    """A target's state at one moment, replayed into whatever serializer saves it."""

    __slots__ = ("_arrays",)

    def __init__(self, target: Serializable) -> None:
        serializer = DictionarySerializer()
        serializer.save(target)
        # DictionarySerializer keeps NumPy arrays as they are: copy them, because the
        # optimizer updates parameters in place while the worker writes.
        self._arrays: dict[str, npt.NDArray[Any]] = {
            key: numpy.array(value) for key, value in serializer.target.items()
        }

    def serialize(self, serializer: AbstractSerializer) -> None:
        for key, value in self._arrays.items():
            serializer(key, None if value.dtype == NONE_MARKER_DTYPE else value)


class _WorkerTraceback(Exception):
    """The formatted traceback of an exception raised in a writer's worker process."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text

    def __str__(self) -> str:
        return "\n\n" + self.text


def _write_file(
    path: str, state: _CapturedState, savefun: SaveFunction, kwds: dict[str, Any]
) -> None:
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    atomic_save(path, lambda temporary: savefun(temporary, state, **kwds))


def _portable(error: BaseException) -> tuple[BaseException, str]:
    """``error`` (or a stand-in if it cannot pickle) and its traceback, to send home."""
    text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    try:
        multiprocessing.reduction.ForkingPickler.dumps(error)
    except Exception:  # an exception that does not pickle: keep its text
        error = RuntimeError(f"{type(error).__name__}: {error}")
    return error, text


def _received(message: tuple[BaseException, str] | None) -> BaseException | None:
    """The exception sent by :func:`_portable`, chained to the worker's traceback."""
    if message is None:
        return None
    error, text = message
    error.__cause__ = _WorkerTraceback(text)
    return error


def _failure(writer: Writer, path: str, error: BaseException, others: int = 0) -> RuntimeError:
    more = f" (and {others} more failed writes)" if others else ""
    return RuntimeError(
        f"{type(writer).__name__} failed to write the snapshot {path!r}{more}: "
        f"{type(error).__name__}: {error}"
    )


def _run_hooks(writer: Writer) -> None:
    for hook in writer._cleanup_hooks:
        hook()


# -- a new worker for each snapshot -------------------------------------------------------


class StandardWriter(Writer):
    """Base class of the writers that start a new worker for each snapshot.

    A call captures the target's state (see the module notes), waits for the previous
    snapshot's worker, and starts a worker that writes the new file atomically; it
    returns without waiting for it.  So at most one snapshot is written at a time, and
    a failed write is reported by the next call or by :meth:`finalize` as a
    :class:`RuntimeError` chained to the worker's exception.  The trainer calls
    :meth:`finalize` when training ends.

    Args:
        savefun: The save function, :func:`kusari.serializers.save_npz` by default; it
            is called as ``savefun(path, target, **kwds)`` in the worker.
        **kwds: Passed to ``savefun``.
    """

    def __init__(self, savefun: SaveFunction = save_npz, **kwds: Any) -> None:
        super().__init__()
        self._savefun = savefun
        self._kwds = kwds
        self._pending: tuple[str, Callable[[], BaseException | None]] | None = None

    def __call__(self, filename: str, outdir: str, target: Serializable) -> None:
        """Capture ``target`` now and start writing it to ``outdir/filename``.

        Raises:
            RuntimeError: If the previous snapshot failed to be written (this one is
                written all the same).
        """
        state = _CapturedState(target)
        pending, self._pending = self._pending, None
        failure = None if pending is None else self._outcome(*pending)
        path = os.path.join(outdir, filename)
        self._pending = (path, self.create_worker(path, state, self._savefun, self._kwds))
        if failure is not None:
            raise failure

    def create_worker(
        self, path: str, state: Serializable, savefun: SaveFunction, kwds: dict[str, Any]
    ) -> Callable[[], BaseException | None]:
        """Start writing ``state`` to ``path``; return a function that waits for it.

        The returned function returns the worker's exception, or ``None`` on success
        (after running the cleanup hooks).  Subclasses decide where the worker runs.
        """
        raise NotImplementedError(f"{type(self).__name__} does not implement create_worker")

    def _outcome(self, path: str, wait: Callable[[], BaseException | None]) -> RuntimeError | None:
        error = wait()
        if error is None:
            return None
        failure = _failure(self, path, error)
        failure.__cause__ = error
        return failure

    def finalize(self) -> None:
        """Wait for the snapshot being written.

        Raises:
            RuntimeError: If it failed.
        """
        pending, self._pending = self._pending, None
        failure = None if pending is None else self._outcome(*pending)
        if failure is not None:
            raise failure


class ThreadWriter(StandardWriter):
    """Writes each snapshot in a new thread, while training goes on.

    See :class:`StandardWriter` for the guarantees (state captured at call time, atomic
    files, errors reported on the next call or at :meth:`finalize`).

    Args:
        savefun: The save function, :func:`kusari.serializers.save_npz` by default.
        **kwds: Passed to ``savefun``.

    Example:
        >>> import tempfile, numpy
        >>> from kusari.links import Linear
        >>> from kusari.serializers import load_npz
        >>> from kusari.training.extensions import ThreadWriter
        >>> model = Linear(2, 3)
        >>> writer = ThreadWriter(compression=False)
        >>> folder = tempfile.mkdtemp()
        >>> writer("model.npz", folder, model)
        >>> model.W.array[...] = 0.0  # does not change what is being written
        >>> writer.finalize()
        >>> other = Linear(2, 3)
        >>> load_npz(f"{folder}/model.npz", other)
        >>> bool(numpy.all(other.W.array != 0.0))
        True
    """

    def create_worker(
        self, path: str, state: Serializable, savefun: SaveFunction, kwds: dict[str, Any]
    ) -> Callable[[], BaseException | None]:
        """Start a thread that writes ``state`` to ``path``; return its waiting function."""
        assert isinstance(state, _CapturedState)
        outcome: list[BaseException] = []

        def work() -> None:
            try:
                _write_file(path, state, savefun, kwds)
                _run_hooks(self)
            except BaseException as error:  # reported to the training thread
                outcome.append(error)

        thread = threading.Thread(target=work, name="kusari-ThreadWriter", daemon=False)
        thread.start()

        def wait() -> BaseException | None:
            thread.join()
            return outcome[0] if outcome else None

        return wait


def _process_work(
    connection: multiprocessing.connection.Connection,
    path: str,
    state: _CapturedState,
    savefun: SaveFunction,
    kwds: dict[str, Any],
) -> None:
    try:
        _write_file(path, state, savefun, kwds)
    except BaseException as error:
        connection.send(_portable(error))
    else:
        connection.send(None)
    finally:
        connection.close()


class ProcessWriter(StandardWriter):
    """Writes each snapshot in a new process, while training goes on.

    See :class:`StandardWriter` for the guarantees.  The process is started with
    :mod:`multiprocessing`'s default start method; unless it is ``fork``, ``savefun``
    must be picklable (a module-level function).  The cleanup hooks (``n_retains`` of
    :func:`snapshot`) run in the training process once the write is known to be done:
    on the next call or at :meth:`finalize`.  Forking a process that uses MPI or CUDA
    may be unsafe; prefer :class:`ThreadWriter` there.

    Args:
        savefun: The save function, :func:`kusari.serializers.save_npz` by default.
        **kwds: Passed to ``savefun``.

    Example:
        >>> from kusari.training.extensions import ProcessWriter, snapshot
        >>> extension = snapshot(writer=ProcessWriter())
    """

    def create_worker(
        self, path: str, state: Serializable, savefun: SaveFunction, kwds: dict[str, Any]
    ) -> Callable[[], BaseException | None]:
        """Start a process that writes ``state`` to ``path``; return its waiting function."""
        context = multiprocessing.get_context()
        reader, sender = context.Pipe(duplex=False)
        process = context.Process(
            target=_process_work,
            args=(sender, path, state, savefun, kwds),
            name="kusari-ProcessWriter",
        )
        process.start()
        sender.close()

        def wait() -> BaseException | None:
            error: BaseException | None
            try:
                error = _received(reader.recv())
            except EOFError:  # the process died without a word
                process.join()
                error = RuntimeError(
                    f"the writer process exited with code {process.exitcode} before it "
                    "finished writing"
                )
            finally:
                reader.close()
            process.join()
            if error is None:
                _run_hooks(self)
            return error

        return wait


# -- one long-lived worker fed by a queue ---------------------------------------------------


class QueueWriter(Writer):
    """Base class of the writers whose single worker takes snapshots from a queue.

    A call captures the target's state (see the module notes) and puts
    ``(task, filename, outdir, state)`` on the queue; the worker, started on the first
    call, runs ``task(filename, outdir, state)`` for each item in order.  Training never
    waits for a write, so snapshots may pile up in memory if writing is slower than
    taking them.  A failed write is reported by the next call or by :meth:`finalize`
    as a :class:`RuntimeError` chained to the worker's exception; the worker goes on
    with the next snapshots.  :meth:`finalize` (called by the trainer when training
    ends) writes what is queued and stops the worker.

    Args:
        savefun: The save function used by the default task,
            :func:`kusari.serializers.save_npz` by default.
        task: The job run for each snapshot, with a :class:`Writer`'s signature; by
            default ``SimpleWriter(savefun)``, which writes atomically.
    """

    def __init__(self, savefun: SaveFunction = save_npz, task: Task | None = None) -> None:
        super().__init__()
        self._task: Task = self.create_task(savefun) if task is None else task
        self._started = False

    def create_task(self, savefun: SaveFunction) -> Task:
        """Return the default task: a :class:`SimpleWriter` with ``savefun``."""
        return SimpleWriter(savefun)

    def __call__(self, filename: str, outdir: str, target: Serializable) -> None:
        """Capture ``target`` now and queue it to be written to ``outdir/filename``.

        Raises:
            RuntimeError: If an earlier snapshot failed to be written (this one is
                queued all the same).
        """
        state = _CapturedState(target)
        if not self._started:
            self._start()
            self._started = True
        self._put((self._task, filename, outdir, state))
        self._collect(block=False)

    def finalize(self) -> None:
        """Write the queued snapshots and stop the worker.

        Raises:
            RuntimeError: If a snapshot failed to be written.
        """
        if self._started:
            self._started = False
            self._stop()
        self._collect(block=True)

    def _start(self) -> None:
        raise NotImplementedError

    def _put(self, item: tuple[Task, str, str, _CapturedState]) -> None:
        raise NotImplementedError

    def _stop(self) -> None:
        raise NotImplementedError

    def _results(self, block: bool) -> list[tuple[str, BaseException | None]]:
        raise NotImplementedError

    def _collect(self, block: bool) -> None:
        failures: list[tuple[str, BaseException]] = []
        for path, error in self._results(block):
            if error is None:
                _run_hooks(self)
            else:
                failures.append((path, error))
        if failures:
            path, error = failures[0]
            raise _failure(self, path, error, len(failures) - 1) from error


_Item: TypeAlias = "tuple[Task, str, str, _CapturedState] | None"


class ThreadQueueWriter(QueueWriter):
    """Writes the snapshots one after another in a worker thread fed by a queue.

    See :class:`QueueWriter`.  The cleanup hooks run in the worker thread after each
    successful write.

    Args:
        savefun: The save function, :func:`kusari.serializers.save_npz` by default.
        task: The job run for each snapshot (``SimpleWriter(savefun)`` by default).

    Example:
        >>> from kusari.training.extensions import ThreadQueueWriter, snapshot
        >>> extension = snapshot(writer=ThreadQueueWriter())
    """

    def __init__(self, savefun: SaveFunction = save_npz, task: Task | None = None) -> None:
        super().__init__(savefun, task)
        self._queue: queue.Queue[_Item] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._done: list[tuple[str, BaseException | None]] = []

    def _consume(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            task, filename, outdir, state = item
            path = os.path.join(outdir, filename)
            try:
                task(filename, outdir, state)
                _run_hooks(self)
            except BaseException as error:  # reported to the training thread
                with self._lock:
                    self._done.append((path, error))

    def _start(self) -> None:
        self._thread = threading.Thread(
            target=self._consume, name="kusari-ThreadQueueWriter", daemon=False
        )
        self._thread.start()

    def _put(self, item: tuple[Task, str, str, _CapturedState]) -> None:
        self._queue.put(item)

    def _stop(self) -> None:
        self._queue.put(None)
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join()

    def _results(self, block: bool) -> list[tuple[str, BaseException | None]]:
        # The hooks already ran in the worker: only failures are reported.
        with self._lock:
            done, self._done = self._done, []
        return done


def _process_consume(
    tasks: multiprocessing.queues.Queue[_Item],
    results: multiprocessing.connection.Connection,
) -> None:
    try:
        while True:
            item = tasks.get()
            if item is None:
                return
            task, filename, outdir, state = item
            path = os.path.join(outdir, filename)
            try:
                task(filename, outdir, state)
            except BaseException as error:
                results.send((path, _portable(error)))
            else:
                results.send((path, None))
    finally:
        results.close()


class ProcessQueueWriter(QueueWriter):
    """Writes the snapshots one after another in a worker process fed by a queue.

    See :class:`QueueWriter`.  The process is started with :mod:`multiprocessing`'s
    default start method; unless it is ``fork``, ``task`` (or ``savefun``) must be
    picklable.  The cleanup hooks run in the training process when a finished write is
    noticed: on a later call or at :meth:`finalize`.

    Args:
        savefun: The save function, :func:`kusari.serializers.save_npz` by default.
        task: The job run for each snapshot (``SimpleWriter(savefun)`` by default).

    Example:
        >>> from kusari.training.extensions import ProcessQueueWriter, snapshot
        >>> extension = snapshot(writer=ProcessQueueWriter())
    """

    def __init__(self, savefun: SaveFunction = save_npz, task: Task | None = None) -> None:
        super().__init__(savefun, task)
        self._tasks: multiprocessing.queues.Queue[_Item] | None = None
        self._reader: multiprocessing.connection.Connection | None = None
        self._process: multiprocessing.process.BaseProcess | None = None

    def _start(self) -> None:
        context = multiprocessing.get_context()
        self._tasks = context.Queue()
        self._reader, sender = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_process_consume,
            args=(self._tasks, sender),
            name="kusari-ProcessQueueWriter",
        )
        self._process.start()
        sender.close()

    def _put(self, item: tuple[Task, str, str, _CapturedState]) -> None:
        assert self._tasks is not None
        self._tasks.put(item)

    def _stop(self) -> None:
        assert self._tasks is not None
        self._tasks.put(None)

    def _results(self, block: bool) -> list[tuple[str, BaseException | None]]:
        reader = self._reader
        if reader is None:
            return []
        results: list[tuple[str, BaseException | None]] = []
        try:
            while block or reader.poll():
                path, message = reader.recv()
                results.append((path, _received(message)))
        except EOFError:  # the worker has exited: everything it sent has been read
            self._close_worker(results)
        return results

    def _close_worker(self, results: list[tuple[str, BaseException | None]]) -> None:
        process, self._process = self._process, None
        tasks, self._tasks = self._tasks, None
        reader, self._reader = self._reader, None
        if reader is not None:
            reader.close()
        if process is not None:
            process.join()
            if process.exitcode != 0:
                results.append(
                    (
                        "(the queued snapshots)",
                        RuntimeError(f"the writer process exited with code {process.exitcode}"),
                    )
                )
        if tasks is not None:
            tasks.close()
            tasks.join_thread()
        self._started = False
