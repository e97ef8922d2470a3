"""The NCCL communicator on a real GPU (a job of one process; skipped without CuPy/NCCL/GPU).

NCCL refuses two processes on one GPU, so a single-GPU machine can only run a
communicator of size 1.  ``allreduce_grad`` and ``bcast_data`` return at once there (the
mean over one process is what it has), but ``allreduce``, ``bcast`` and
``start_allreduce_grad`` still run every NCCL call (id exchange, communicator creation,
in-place allreduce and broadcast on a stream) and the packing on the device.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from kusari.distributed import (
    CommunicatorBase,
    NcclCommunicator,
    create_communicator,
    nccl_unavailable_reason,
)
from kusari.links import Link, Parameter

from ._mpirun import require_mpi

pytestmark = pytest.mark.gpu


@pytest.fixture
def gpu_comm() -> Iterator[tuple[CommunicatorBase, Any]]:
    reason = nccl_unavailable_reason()
    if reason is not None:
        pytest.skip(f"needs NCCL: {reason}")
    require_mpi()
    import cupy

    comm = create_communicator("nccl", abort_on_exception=False)
    assert isinstance(comm, NcclCommunicator)
    cupy.cuda.Device(comm.intra_rank).use()
    yield comm, cupy
    comm.finalize()


class Model(Link):
    def __init__(self) -> None:
        super().__init__()
        with self.init_scope():
            self.w = Parameter(numpy.arange(6, dtype=numpy.float32).reshape(2, 3))
            self.h = Parameter(numpy.ones(4, dtype=numpy.float16))
            self.d = Parameter(numpy.zeros(2, dtype=numpy.float64))


def test_gradients_and_parameters_on_the_gpu(gpu_comm: tuple[CommunicatorBase, Any]) -> None:
    comm, cupy = gpu_comm
    model = Model()
    model.to_device("@cupy:0")
    model.w.grad = cupy.full((2, 3), 3.0, dtype=cupy.float32)
    model.h.grad = cupy.full(4, 0.5, dtype=cupy.float16)
    model.d.cleargrad()
    grad_w = model.w.grad
    comm.allreduce_grad(model, zero_fill=True)
    assert model.w.grad is grad_w  # in place
    assert_array_equal(cupy.asnumpy(model.w.grad), numpy.full((2, 3), 3.0))
    assert model.h.grad is not None
    assert model.h.grad.dtype == numpy.float16
    assert_array_equal(cupy.asnumpy(model.d.grad), numpy.zeros(2))
    comm.bcast_data(model)
    assert_array_equal(cupy.asnumpy(model.w.array), numpy.arange(6).reshape(2, 3))
    pending = comm.start_allreduce_grad(model)
    pending.wait(model)
    assert_array_equal(cupy.asnumpy(model.w.grad), numpy.full((2, 3), 3.0))


def test_arrays_on_the_gpu_and_on_the_host(gpu_comm: tuple[CommunicatorBase, Any]) -> None:
    comm, cupy = gpu_comm
    x = cupy.arange(5, dtype=cupy.float32)
    total = comm.allreduce(x)
    assert isinstance(total, cupy.ndarray)
    assert_allclose(cupy.asnumpy(total), numpy.arange(5))
    sent = comm.bcast(cupy.ones((2, 2), dtype=cupy.complex64))
    assert_array_equal(cupy.asnumpy(sent), numpy.ones((2, 2)))
    host = comm.allreduce(numpy.arange(3.0))  # NumPy arrays still go through MPI
    assert_array_equal(host, numpy.arange(3.0))
