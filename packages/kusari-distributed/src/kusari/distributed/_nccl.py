"""NCCL through ``cupy.cuda.nccl``: gradients and parameters of GPU models."""

from __future__ import annotations

import importlib
import types
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Self

import numpy

from kusari.devices import Array

from ._communicator import CommunicatorBase
from ._packing import on_host

if TYPE_CHECKING:
    from mpi4py import MPI

__all__ = ["NcclCommunicator", "nccl_available", "nccl_unavailable_reason"]


def _import_nccl() -> types.ModuleType:
    return importlib.import_module("cupy.cuda.nccl")


def nccl_unavailable_reason() -> str | None:
    """Why NCCL cannot be used here, or ``None`` when it can (CuPy, NCCL and a GPU present).

    Example:
        >>> from kusari.distributed import nccl_unavailable_reason
        >>> isinstance(nccl_unavailable_reason(), (str, type(None)))
        True
    """
    try:
        cupy = importlib.import_module("cupy")
    except ImportError:
        return "CuPy is not installed ('pip install kusari-devices[cuda12]' or [cuda13])"
    try:
        nccl = _import_nccl()
    except ImportError as error:
        return f"this CuPy has no NCCL support ({error})"
    if not getattr(nccl, "available", True):
        return "CuPy was built without NCCL (or libnccl cannot be loaded)"
    try:
        count = int(cupy.cuda.runtime.getDeviceCount())
    except Exception as error:  # CUDA driver missing or broken
        return f"no usable CUDA device ({error})"
    if count < 1:
        return "no CUDA device"
    return None


def nccl_available() -> bool:
    """Whether :class:`NcclCommunicator` can work here (see :func:`nccl_unavailable_reason`).

    Example:
        >>> from kusari.distributed import nccl_available
        >>> isinstance(nccl_available(), bool)
        True
    """
    return nccl_unavailable_reason() is None


def _pointer(array: Array) -> int:
    """The device address of a CuPy array's first element."""
    data: Any = array.data  # a cupy.cuda.MemoryPointer (typed as NumPy's memoryview)
    return int(data.ptr)


_NCCL_DTYPES = {
    "f2": "NCCL_FLOAT16",
    "f4": "NCCL_FLOAT32",
    "f8": "NCCL_FLOAT64",
    "i1": "NCCL_INT8",
    "u1": "NCCL_UINT8",
    "i4": "NCCL_INT32",
    "u4": "NCCL_UINT32",
    "i8": "NCCL_INT64",
    "u8": "NCCL_UINT64",
}


class NcclCommunicator(CommunicatorBase):
    """A communicator that reduces and broadcasts CuPy arrays with NCCL.

    Python objects and NumPy arrays still go through MPI (also used to hand every process
    the NCCL id).  The NCCL communicator is created on the first GPU collective, on the
    CUDA device current at that moment: make ``intra_rank`` current first, as in
    ``kusari.devices.get_device(comm.intra_rank).use()``, and keep one process per GPU
    (NCCL refuses two processes on one GPU).  Collectives run on CuPy's current stream.

    Args:
        mpi_comm: The mpi4py intra-communicator to run on.

    Raises:
        RuntimeError: If CuPy, NCCL or a CUDA device is missing (the message says which).
    """

    def __init__(self, mpi_comm: MPI.Intracomm) -> None:
        reason = nccl_unavailable_reason()
        if reason is not None:
            raise RuntimeError(f"the NCCL communicator cannot be used: {reason}")
        super().__init__(mpi_comm)
        self._nccl_comm: Any = None
        self._side_stream: Any = None

    def _derive(self, mpi_comm: MPI.Intracomm) -> Self:
        return type(self)(mpi_comm)

    def _nccl(self) -> Any:
        if self._nccl_comm is None:
            nccl = _import_nccl()
            unique_id = nccl.get_unique_id() if self.rank == 0 else None
            unique_id = self.bcast_obj(unique_id)
            self._nccl_comm = nccl.NcclCommunicator(self.size, unique_id, self.rank)
        return self._nccl_comm

    @staticmethod
    def _wire_dtype(dtype: numpy.dtype[Any], on_host: bool) -> numpy.dtype[Any]:
        if on_host:
            return CommunicatorBase._wire_dtype(dtype, on_host)
        return dtype  # NCCL reduces float16 natively

    @staticmethod
    def _nccl_view(buffer: Array) -> tuple[Array, int]:
        nccl = _import_nccl()
        if buffer.dtype.kind == "c":  # NCCL has no complex types: reduce (re, im) pairs
            buffer = buffer.view(numpy.dtype(f"f{buffer.dtype.itemsize // 2}"))
        name = _NCCL_DTYPES.get(buffer.dtype.str[1:])
        if name is None:
            raise TypeError(f"NCCL cannot communicate arrays of dtype {buffer.dtype}")
        return buffer, int(getattr(nccl, name))

    def _allreduce_buffer(self, buffer: Array) -> None:
        if on_host(buffer):
            super()._allreduce_buffer(buffer)
            return
        import cupy

        nccl = _import_nccl()
        view, dtype = self._nccl_view(buffer)
        stream = cupy.cuda.get_current_stream().ptr
        ptr = _pointer(view)
        self._nccl().allReduce(ptr, ptr, view.size, dtype, nccl.NCCL_SUM, stream)

    def _start_allreduce_buffer(self, buffer: Array) -> Callable[[], None]:
        if on_host(buffer):
            return super()._start_allreduce_buffer(buffer)
        import cupy

        nccl = _import_nccl()
        view, dtype = self._nccl_view(buffer)
        if self._side_stream is None:
            self._side_stream = cupy.cuda.Stream(non_blocking=True)
        side = self._side_stream
        main = cupy.cuda.get_current_stream()
        side.wait_event(main.record())  # the packing must be done before NCCL reads
        ptr = _pointer(view)
        self._nccl().allReduce(ptr, ptr, view.size, dtype, nccl.NCCL_SUM, side.ptr)
        done = side.record()

        def wait() -> None:
            cupy.cuda.get_current_stream().wait_event(done)

        return wait

    def _bcast_buffer(self, buffer: Array, root: int) -> None:
        if on_host(buffer):
            super()._bcast_buffer(buffer, root)
            return
        import cupy

        view, dtype = self._nccl_view(buffer)
        stream = cupy.cuda.get_current_stream().ptr
        self._nccl().bcast(_pointer(view), view.size, dtype, root, stream)

    def finalize(self) -> None:
        """Destroy the NCCL communicator (if any), then release what the base holds."""
        if self._nccl_comm is not None:
            self._nccl_comm.destroy()
            self._nccl_comm = None
        super().finalize()
