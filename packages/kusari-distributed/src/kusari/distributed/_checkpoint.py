"""``create_multi_node_checkpointer``: per-process snapshots and a consistent resume."""

from __future__ import annotations

import os
import re
import time
from typing import TYPE_CHECKING, Final, final

from kusari.serializers import Serializable, load_npz, save_npz
from kusari.training import Extension

from ._communicator import CommunicatorBase
from ._packing import is_int

if TYPE_CHECKING:
    from kusari.training import Trainer
    from kusari.training.triggers import TriggerLike

__all__ = ["MultiNodeCheckpointer", "create_multi_node_checkpointer"]


@final
class MultiNodeCheckpointer(Extension):
    """A trainer extension by which every process saves, and resumes from, its own state.

    Each process writes ``<name>.rank-<rank>.iteration-<iteration>.npz`` (its whole trainer:
    model, optimizer, its iterator's position in its own share of the data) atomically
    into :attr:`path`: a crash mid-save never leaves a damaged file under the final name.
    Only the newest ``cp_interval`` snapshots of each process are kept; older ones are
    deleted every ``gc_interval`` saves.

    :meth:`maybe_load` resumes every process from the newest iteration for which *every*
    process has a readable snapshot, so all processes continue from the same step even if
    the job died while some of them were saving.

    Args:
        name: The snapshot's name (the file prefix); several checkpointers may share a
            folder under different names.
        comm: The communicator.
        cp_interval: How many snapshots per process to keep (at least 1).
        gc_interval: How many saves to let pass between deletions (at least 1).
        path: The folder; the trainer's ``out`` by default.

    Attributes:
        name: The name.
        comm: The communicator.
        cp_interval: How many snapshots are kept.
        gc_interval: The deletion period, in saves.
        path: The folder (set from the trainer on first use when ``None``).
    """

    trigger: TriggerLike = (1, "epoch")
    priority = -100  # after every other extension of the iteration, as snapshots

    def __init__(
        self,
        name: str,
        comm: CommunicatorBase,
        cp_interval: int = 5,
        gc_interval: int = 5,
        path: str | os.PathLike[str] | None = None,
    ) -> None:
        if not isinstance(name, str) or not name or os.sep in name:  # type: ignore[redundant-expr]
            raise ValueError(f"name must be a non-empty file name prefix, got {name!r}")
        for what, value in (("cp_interval", cp_interval), ("gc_interval", gc_interval)):
            if not is_int(value) or value < 1:
                raise ValueError(f"{what} must be an int >= 1, got {value!r}")
        if not isinstance(comm, CommunicatorBase):
            raise TypeError(
                "comm must come from kusari.distributed.create_communicator, got "
                f"{type(comm).__name__}"
            )
        self.name: Final = name
        self.comm: Final = comm
        self.cp_interval: Final = cp_interval
        self.gc_interval: Final = gc_interval
        self.path: str | None = None if path is None else os.fspath(path)
        self._pattern = re.compile(
            re.escape(f"{name}.rank-{comm.rank}.iteration-") + r"(\d+)\.npz"
        )
        self._saved: list[int] = []
        self._saves = 0
        self._save_seconds = 0.0
        self._removed = 0

    @property
    def default_name(self) -> str:
        """``'MultiNodeCheckpointer'`` followed by the snapshot's name."""
        return f"MultiNodeCheckpointer-{self.name}"

    def filename(self, iteration: int, rank: int | None = None) -> str:
        """The file name of ``rank``'s (this process's by default) snapshot at ``iteration``.

        Example:
            >>> from kusari.distributed import (
            ...     create_communicator, create_multi_node_checkpointer)
            >>> cp = create_multi_node_checkpointer("run", create_communicator("mpi"))
            >>> cp.filename(120)
            'run.rank-0.iteration-120.npz'
        """
        rank = self.comm.rank if rank is None else rank
        return f"{self.name}.rank-{rank}.iteration-{iteration}.npz"

    def _folder(self, trainer: Trainer | None) -> str:
        if self.path is None:
            if trainer is None:
                raise ValueError("no path was given and there is no trainer to take out from")
            self.path = trainer.out
        return self.path

    def __call__(self, trainer: Trainer) -> None:
        """Save the trainer as of its current iteration."""
        self._folder(trainer)
        self.save(trainer, trainer.updater.iteration)

    def save(self, target: Serializable, iteration: int) -> None:
        """Save ``target`` (a trainer, or any serializable object) as ``iteration``'s snapshot.

        Not collective: each process saves its own file (call it at the same iterations on
        every process, as a trainer does).

        Raises:
            ValueError: If there is no :attr:`path`.
        """
        folder = self._folder(None)
        os.makedirs(folder, exist_ok=True)
        start = time.perf_counter()
        save_npz(os.path.join(folder, self.filename(iteration)), target)
        self._save_seconds += time.perf_counter() - start
        self._saves += 1
        if iteration in self._saved:
            self._saved.remove(iteration)
        self._saved.append(iteration)
        if len(self._saved) >= self.cp_interval + self.gc_interval:
            self._collect_garbage()

    def _collect_garbage(self) -> None:
        folder = self._folder(None)
        stale, self._saved = self._saved[: -self.cp_interval], self._saved[-self.cp_interval :]
        for iteration in stale:
            try:
                os.remove(os.path.join(folder, self.filename(iteration)))
                self._removed += 1
            except FileNotFoundError:
                pass

    def _local_iterations(self, folder: str) -> list[int]:
        try:
            names = os.listdir(folder)
        except FileNotFoundError:
            return []
        found = (self._pattern.fullmatch(name) for name in names)
        return sorted(int(match.group(1)) for match in found if match is not None)

    def maybe_load(
        self,
        trainer: Serializable,
        optimizer: object = None,
        path: str | os.PathLike[str] | None = None,
    ) -> int | None:
        """Resume every process from the newest snapshot all of them have (collective).

        Each process lists its own snapshots; the newest iteration present on every
        process is loaded everywhere.  If some process cannot read its file (damaged), the
        next older common iteration is tried, so all processes always end on the same one.

        Args:
            trainer: What to load into (the trainer the snapshots were taken of).
            optimizer: A multi-node optimizer whose double-buffering state to reset (its
                pending mean belongs to the pre-resume run); optional.
            path: The folder to look in; :attr:`path`, else the trainer's ``out``.

        Returns:
            The iteration resumed from, or ``None`` (on every process) when there is none.
        """
        if path is not None:
            self.path = os.fspath(path)
        elif self.path is None:
            out = getattr(trainer, "out", None)
            if not isinstance(out, str):
                raise ValueError("maybe_load needs a path, or a trainer with an out folder")
            self.path = out
        folder = self.path
        local = self._local_iterations(folder)
        everywhere = set(local)
        for others in self.comm.allgather_obj(local):
            everywhere &= set(others)
        for iteration in sorted(everywhere, reverse=True):
            error: str | None = None
            try:
                load_npz(os.path.join(folder, self.filename(iteration)), trainer)
            except (OSError, ValueError, KeyError, TypeError) as exc:
                error = f"{type(exc).__name__}: {exc}"
            failures = [e for e in self.comm.allgather_obj(error) if e is not None]
            if not failures:
                self._saved = [i for i in local if i <= iteration]
                _reset_double_buffering(optimizer)
                return iteration
        return None

    def get_stats(self) -> dict[str, float | int]:
        """Counts and times of this process's saves.

        Returns:
            ``saves``, ``save_seconds``, ``removed`` (files deleted) and ``kept``.

        Example:
            >>> from kusari.distributed import (
            ...     create_communicator, create_multi_node_checkpointer)
            >>> cp = create_multi_node_checkpointer("run", create_communicator("mpi"))
            >>> cp.get_stats()["saves"]
            0
        """
        return {
            "saves": self._saves,
            "save_seconds": self._save_seconds,
            "removed": self._removed,
            "kept": len(self._saved),
        }


def _reset_double_buffering(optimizer: object) -> None:
    from kusari.optimizers import Optimizer

    from ._optimizer import multi_node_update_of

    if isinstance(optimizer, Optimizer):
        state = multi_node_update_of(optimizer)
        if state is not None and optimizer.target is not None:
            state.sync_if_initialized(optimizer.target)


def create_multi_node_checkpointer(
    name: str,
    comm: CommunicatorBase,
    cp_interval: int = 5,
    gc_interval: int = 5,
    path: str | os.PathLike[str] | None = None,
) -> MultiNodeCheckpointer:
    """Create a :class:`MultiNodeCheckpointer` (ChainerMN's spelling).

    Typical use, on every process::

        checkpointer = create_multi_node_checkpointer("mnist", comm)
        checkpointer.maybe_load(trainer, optimizer)
        trainer.extend(checkpointer, trigger=(1000, "iteration"))

    Args:
        name: The snapshot's name.
        comm: The communicator.
        cp_interval: How many snapshots per process to keep.
        gc_interval: How many saves to let pass between deletions.
        path: The folder; the trainer's ``out`` by default.

    Raises:
        ValueError: If ``name`` is empty or a path, or an interval is below 1.
        TypeError: If ``comm`` is not a communicator.

    Example:
        >>> from kusari.distributed import create_communicator, create_multi_node_checkpointer
        >>> cp = create_multi_node_checkpointer("run", create_communicator("mpi"))
        >>> cp.trigger, cp.cp_interval
        ((1, 'epoch'), 5)
    """
    return MultiNodeCheckpointer(name, comm, cp_interval, gc_interval, path)
