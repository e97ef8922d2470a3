"""Snapshots of the trainer or of any object: :func:`snapshot`, :func:`snapshot_object`."""

from __future__ import annotations

import os
import re
import string
import types
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeAlias

from kusari.serializers import Serializable, load_npz, save_npz

from .._atomic import TEMPORARY_NAME, atomic_save
from .._extension import Extension

if TYPE_CHECKING:
    from .._trainer import Trainer
    from ..triggers import TriggerLike

__all__ = ["SimpleWriter", "Writer", "snapshot", "snapshot_object"]

SaveFunction: TypeAlias = Callable[..., object]
"""Saves an object to a path: ``savefun(path, target, **kwds)``, like ``save_npz``."""

Filename: TypeAlias = "str | Callable[[Trainer], str]"
"""A snapshot file name: a format string applied to the trainer, or a function of it."""


class Writer:
    """Base class of snapshot writers: they put a target into a file of a folder.

    A writer is called as ``writer(filename, outdir, target)``.  :meth:`save` writes
    atomically: the file is written under a temporary name in ``outdir`` and renamed
    over ``filename`` only when complete, so a crash mid-write never leaves a corrupt
    snapshot under the final name.  Functions added with :meth:`add_cleanup_hook` run
    after every successful save.
    """

    def __init__(self) -> None:
        self._cleanup_hooks: list[Callable[[], object]] = []

    def __call__(self, filename: str, outdir: str, target: Serializable) -> None:
        """Write ``target`` to ``outdir/filename``."""
        raise TypeError(f"{type(self).__name__} does not implement __call__")

    def add_cleanup_hook(self, hook: Callable[[], object]) -> None:
        """Run ``hook`` after each successful save (used to delete old snapshots)."""
        self._cleanup_hooks.append(hook)

    def save(
        self,
        filename: str,
        outdir: str,
        target: Serializable,
        savefun: SaveFunction,
        **kwds: Any,
    ) -> None:
        """Write ``target`` with ``savefun`` to ``outdir/filename``, atomically.

        Args:
            filename: The file name.
            outdir: The folder (created if missing).
            target: The object to save.
            savefun: Called as ``savefun(path, target, **kwds)``.
            **kwds: Passed to ``savefun``.
        """
        os.makedirs(outdir, exist_ok=True)
        atomic_save(os.path.join(outdir, filename), lambda path: savefun(path, target, **kwds))
        for hook in self._cleanup_hooks:
            hook()

    def finalize(self) -> None:
        """Wait for pending writes (there are none for synchronous writers)."""


class SimpleWriter(Writer):
    """Writes each snapshot at once, in the training thread.

    Args:
        savefun: The save function, :func:`kusari.serializers.save_npz` by default.
        **kwds: Passed to ``savefun`` (for example ``compression=False``).

    Example:
        >>> from kusari.training.extensions import SimpleWriter
        >>> writer = SimpleWriter(compression=False)
    """

    def __init__(self, savefun: SaveFunction = save_npz, **kwds: Any) -> None:
        super().__init__()
        self._savefun = savefun
        self._kwds = kwds

    def __call__(self, filename: str, outdir: str, target: Serializable) -> None:
        """Write ``target`` to ``outdir/filename`` now."""
        self.save(filename, outdir, target, self._savefun, **self._kwds)


def _pattern(template: str) -> re.Pattern[str]:
    # 'snapshot_iter_{.updater.iteration}' -> ^snapshot_iter_.+$
    parts = []
    for literal, field, _, _ in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if field is not None:
            parts.append(".+")
    return re.compile("^" + "".join(parts) + "$")


def _natural_key(name: str) -> list[Any]:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def find_snapshots(template: str, outdir: str) -> list[str]:
    """Return the snapshot files of ``template`` in ``outdir``, newest first.

    Files are ordered by modification time, ties by the numbers in their names.
    """
    if not os.path.isdir(outdir):
        return []
    pattern = _pattern(template)
    found = []
    for entry in os.scandir(outdir):
        name = entry.name
        if entry.is_file() and pattern.match(name) and not TEMPORARY_NAME.match(name):
            found.append((entry.stat().st_mtime_ns, _natural_key(name), name))
    found.sort(reverse=True)
    return [name for _, _, name in found]


class _Snapshot(Extension):
    """The extension made by :func:`snapshot` and :func:`snapshot_object`."""

    trigger: TriggerLike = (1, "epoch")
    # Run after every other extension, so that their state is in the snapshot.
    priority = -100

    def __init__(
        self,
        target: Serializable | None,
        condition: Callable[[], bool] | None,
        writer: Writer,
        filename: Filename,
        snapshot_on_error: bool,
        n_retains: int,
        autoload: bool,
    ) -> None:
        if n_retains == 0 or n_retains < -1:
            raise ValueError(
                f"n_retains must be positive, or -1 to keep every snapshot, got {n_retains}"
            )
        self._target = target
        self.filename = filename
        self.condition = condition
        self.writer = writer
        self._snapshot_on_error = snapshot_on_error
        self.n_retains = n_retains
        self.autoload = autoload
        self._outdir: str | None = None

    def _resolve_target(self, trainer: Trainer) -> Serializable:
        return trainer if self._target is None else self._target

    def initialize(self, trainer: Trainer) -> None:
        """Load the latest good snapshot (with ``autoload``) and set up the retention."""
        outdir = trainer.out
        if self.autoload:
            if not isinstance(self.filename, str):
                raise TypeError("autoload needs a filename format string, not a function")
            target = self._resolve_target(trainer)
            for name in find_snapshots(self.filename, outdir):
                path = os.path.join(outdir, name)
                try:
                    load_npz(path, target)
                except (OSError, ValueError, KeyError, TypeError) as error:
                    warnings.warn(
                        f"cannot resume from the snapshot {path!r} ({type(error).__name__}: "
                        f"{error}); trying an older one",
                        stacklevel=2,
                    )
                    continue
                break
        if self.n_retains > 0 and isinstance(self.filename, str) and self._outdir is None:
            template = self.filename

            def remove_stale() -> None:
                for name in find_snapshots(template, outdir)[self.n_retains :]:
                    os.remove(os.path.join(outdir, name))

            self._outdir = outdir
            self.writer.add_cleanup_hook(remove_stale)

    def __call__(self, trainer: Trainer) -> None:
        """Take a snapshot (if ``condition`` allows)."""
        if self.condition is None or self.condition():
            self._make_snapshot(trainer)

    def on_error(
        self, trainer: Trainer, exc: BaseException, tb: types.TracebackType | None
    ) -> None:
        """Take a snapshot when the training loop fails, if ``snapshot_on_error``."""
        if self._snapshot_on_error:
            self._make_snapshot(trainer)

    def _make_snapshot(self, trainer: Trainer) -> None:
        filename = self.filename
        name = filename(trainer) if callable(filename) else filename.format(trainer)
        self.writer(name, trainer.out, self._resolve_target(trainer))

    def finalize(self) -> None:
        """Finalize the writer."""
        self.writer.finalize()


def snapshot(
    savefun: SaveFunction | None = None,
    filename: Filename = "snapshot_iter_{.updater.iteration}",
    *,
    target: Serializable | None = None,
    condition: Callable[[], bool] | None = None,
    writer: Writer | None = None,
    snapshot_on_error: bool = False,
    n_retains: int = -1,
    autoload: bool = False,
) -> Extension:
    """Return an extension that saves the trainer (everything needed to resume).

    The file name is ``filename.format(trainer)`` (so ``{.updater.iteration}`` gives the
    iteration) or ``filename(trainer)``.  Files are written atomically (see
    :class:`Writer`).  To resume, ``load_npz(path, trainer)`` before ``trainer.run()``,
    or pass ``autoload=True``.  The default trigger is ``(1, 'epoch')``.

    Args:
        savefun: The save function (``kusari.serializers.save_npz`` by default); not
            together with ``writer``.
        filename: The file name format or function.
        target: What to save instead of the trainer.
        condition: Called before each snapshot; it is skipped when this returns false.
        writer: The writer (a :class:`SimpleWriter` with ``savefun`` by default).
        snapshot_on_error: Also save when the training loop raises.
        n_retains: Keep only the newest this many snapshot files (``-1``: keep all).
        autoload: When training starts, load the newest snapshot in the output folder
            that loads cleanly (older ones are tried if the newest is unreadable); it is
            loaded before the other extensions initialize.  Needs ``.npz`` files.

    Returns:
        The extension.

    Raises:
        TypeError: If both ``savefun`` and ``writer`` are given.
        ValueError: If ``n_retains`` is 0 or below -1.

    Example:
        >>> from kusari.training.extensions import snapshot
        >>> extension = snapshot(n_retains=3, autoload=True)
        >>> extension.trigger, extension.priority
        ((1, 'epoch'), -100)
    """
    if savefun is not None and writer is not None:
        raise TypeError("savefun and writer cannot be given together")
    if writer is None:
        writer = SimpleWriter(save_npz if savefun is None else savefun)
    return _Snapshot(target, condition, writer, filename, snapshot_on_error, n_retains, autoload)


def snapshot_object(
    target: Serializable,
    filename: Filename,
    savefun: SaveFunction | None = None,
    *,
    condition: Callable[[], bool] | None = None,
    writer: Writer | None = None,
    snapshot_on_error: bool = False,
    n_retains: int = -1,
    autoload: bool = False,
) -> Extension:
    """Return an extension that saves ``target`` (a model, an optimizer...).

    The same as :func:`snapshot` with ``target``; typical use is saving the model each
    epoch: ``snapshot_object(model, 'model_epoch_{.updater.epoch}')``.

    Args:
        target: The object to save.
        filename: The file name format (applied to the trainer) or function.
        savefun: The save function (``save_npz`` by default).
        condition: Called before each snapshot; skipped when it returns false.
        writer: The writer; not together with ``savefun``.
        snapshot_on_error: Also save when the training loop raises.
        n_retains: Keep only the newest this many files (``-1``: keep all).
        autoload: Load the newest good file into ``target`` when training starts.

    Returns:
        The extension.

    Example:
        >>> from kusari.links import Link
        >>> from kusari.training.extensions import snapshot_object
        >>> extension = snapshot_object(Link(), "model_epoch_{.updater.epoch}")
        >>> extension.trigger
        (1, 'epoch')
    """
    return snapshot(
        savefun,
        filename,
        target=target,
        condition=condition,
        writer=writer,
        snapshot_on_error=snapshot_on_error,
        n_retains=n_retains,
        autoload=autoload,
    )
