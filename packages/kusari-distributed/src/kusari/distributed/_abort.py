"""Abort the whole MPI job when one process dies of an uncaught exception.

Without this, the other processes wait forever in their next collective while the failed
one has already exited (or waits for them in ``MPI_Finalize``).
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from typing import Final

from ._mpi import world

__all__ = ["install_abort_on_exception", "uninstall_abort_on_exception"]

ABORT_EXIT_CODE: Final = 1


_ExceptHook = Callable[[type[BaseException], BaseException, types.TracebackType | None], object]


class _State:
    previous: _ExceptHook | None = None
    installed = False


def _abort_hook(
    exc_type: type[BaseException], exc: BaseException, tb: types.TracebackType | None
) -> None:
    comm = world()
    try:
        (_State.previous or sys.__excepthook__)(exc_type, exc, tb)
        if comm.Get_size() > 1:
            sys.stderr.write(
                f"kusari.distributed: rank {comm.Get_rank()} of {comm.Get_size()} raised "
                f"{exc_type.__name__} (traceback above); aborting all processes "
                "so that none waits forever\n"
            )
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        if comm.Get_size() > 1:
            comm.Abort(ABORT_EXIT_CODE)


def install_abort_on_exception() -> None:
    """Make an uncaught exception on any process abort every process of the MPI job.

    The exception's traceback is printed by the previous ``sys.excepthook`` first, then
    ``MPI.COMM_WORLD.Abort(1)`` ends all processes (``mpiexec`` exits non-zero).  A single
    process (no ``mpiexec``) exits as usual.  :func:`create_communicator` calls this unless
    told not to; calling it again does nothing.  It covers the main thread: an exception in
    another thread does not end a Python process.

    Example:
        >>> import sys
        >>> from kusari.distributed import (
        ...     install_abort_on_exception, uninstall_abort_on_exception)
        >>> install_abort_on_exception()
        >>> sys.excepthook.__name__
        '_abort_hook'
        >>> uninstall_abort_on_exception()
    """
    if _State.installed:
        return
    _State.previous = sys.excepthook
    _State.installed = True
    sys.excepthook = _abort_hook


def uninstall_abort_on_exception() -> None:
    """Restore the ``sys.excepthook`` that :func:`install_abort_on_exception` replaced."""
    if not _State.installed:
        return
    if sys.excepthook is _abort_hook:
        sys.excepthook = _State.previous or sys.__excepthook__
    _State.previous = None
    _State.installed = False
