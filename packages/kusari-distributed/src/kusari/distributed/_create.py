"""``create_communicator``: pick and build a communicator by name."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, Literal, TypeAlias

from ._abort import install_abort_on_exception
from ._communicator import CommunicatorBase, MpiCommunicator
from ._mpi import load_mpi
from ._nccl import NcclCommunicator, nccl_unavailable_reason

if TYPE_CHECKING:
    from mpi4py import MPI

__all__ = ["CommunicatorName", "create_communicator"]

CommunicatorName: TypeAlias = Literal[
    "auto",
    "mpi",
    "nccl",
    # ChainerMN's names, mapped onto the two above
    "naive",
    "flat",
    "pure_nccl",
    "hierarchical",
    "two_dimensional",
    "single_node",
    "non_cuda_aware",
]
"""The names :func:`create_communicator` accepts."""

_MPI_NAMES: Final = frozenset({"mpi", "naive", "flat"})
_NCCL_NAMES: Final = frozenset(
    {"nccl", "pure_nccl", "hierarchical", "two_dimensional", "single_node", "non_cuda_aware"}
)


def create_communicator(
    communicator_name: CommunicatorName = "auto",
    mpi_comm: MPI.Intracomm | None = None,
    *,
    abort_on_exception: bool = True,
) -> CommunicatorBase:
    """Create the communicator every process of a data-parallel job trains through.

    Start the job with ``mpiexec -n N python train.py``; every process calls this (it is
    collective).  Run without ``mpiexec``, the script is a single process of size 1.

    * ``'mpi'`` (ChainerMN: ``'naive'``, ``'flat'``): :class:`MpiCommunicator`, everything
      through MPI in host memory; the choice for CPU training.
    * ``'nccl'`` (ChainerMN: ``'pure_nccl'``, ``'hierarchical'``, ``'two_dimensional'``,
      ``'single_node'``, ``'non_cuda_aware'``): :class:`NcclCommunicator`, CuPy arrays
      through NCCL, objects and NumPy arrays through MPI.  Needs CuPy with NCCL and a GPU.
    * ``'auto'``: ``'nccl'`` when that works on every process, else ``'mpi'``.

    Args:
        communicator_name: Which communicator, as above.
        mpi_comm: The mpi4py communicator to run on; ``MPI.COMM_WORLD`` by default.
        abort_on_exception: Install :func:`install_abort_on_exception`, so that an
            uncaught exception on one process ends all of them instead of leaving the
            others waiting forever.

    Returns:
        The communicator.

    Raises:
        ValueError: If ``communicator_name`` is not one of the names above.
        RuntimeError: If ``'nccl'`` was asked for and CuPy, NCCL or a GPU is missing.
        MpiUnavailableError: If mpi4py or an MPI library is missing (the message says
            what to install).

    Example:
        >>> from kusari.distributed import create_communicator
        >>> comm = create_communicator("mpi")
        >>> comm.rank, comm.size, comm.intra_rank, comm.inter_size
        (0, 1, 0, 1)
    """
    if communicator_name not in _MPI_NAMES | _NCCL_NAMES | {"auto"}:
        raise ValueError(
            f"unknown communicator_name {communicator_name!r}: expected 'auto', 'mpi' or "
            "'nccl' (ChainerMN's 'naive' and 'flat' mean 'mpi'; 'pure_nccl', "
            "'hierarchical', 'two_dimensional', 'single_node' and 'non_cuda_aware' mean "
            "'nccl')"
        )
    mpi = load_mpi()
    if mpi_comm is None:
        mpi_comm = mpi.COMM_WORLD
    elif not isinstance(mpi_comm, mpi.Intracomm):
        raise TypeError(f"mpi_comm must be an mpi4py MPI.Intracomm, got {type(mpi_comm).__name__}")
    if communicator_name == "auto":
        # All processes must pick the same kind, so NCCL only where every one can use it.
        use_nccl = bool(mpi_comm.allreduce(nccl_unavailable_reason() is None, op=mpi.LAND))
    else:
        use_nccl = communicator_name in _NCCL_NAMES
    comm: CommunicatorBase
    comm = NcclCommunicator(mpi_comm) if use_nccl else MpiCommunicator(mpi_comm)
    if abort_on_exception:
        install_abort_on_exception()
    return comm
