from __future__ import annotations

from collections.abc import Iterator

import pytest

from kusari.distributed import CommunicatorBase, create_communicator, uninstall_abort_on_exception

from ._mpirun import require_mpi


@pytest.fixture
def comm() -> Iterator[CommunicatorBase]:
    """A communicator of this one process (MPI singleton), or skip without MPI."""
    require_mpi()
    communicator = create_communicator("mpi", abort_on_exception=False)
    yield communicator
    communicator.finalize()


@pytest.fixture(autouse=True)
def _no_abort_hook_left() -> Iterator[None]:
    yield
    uninstall_abort_on_exception()
