"""Communicators: who the processes are, and the collectives data-parallel training needs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Self, TypeVar

import numpy

from kusari.devices import Array, copyto, to_cpu
from kusari.links import Link

from ._arrays import ArrayMessaging
from ._mpi import load_mpi
from ._objects import (
    DEFAULT_MAX_BUF_LEN,
    bcast_pickled,
    check_max_buf_len,
    recv_pickled,
    send_pickled,
)
from ._packing import (
    Bucket,
    Entry,
    Plan,
    collect_data,
    collect_grads,
    is_int,
    on_host,
    plan_for,
)
from ._pending import PendingGradMean

if TYPE_CHECKING:
    from mpi4py import MPI

__all__ = ["CommunicatorBase", "MpiCommunicator"]

_T = TypeVar("_T")


def _check_rank(value: object, what: str, size: int) -> int:
    if not is_int(value) or not 0 <= value < size:  # type: ignore[operator]
        raise ValueError(f"{what} must be a rank in [0, {size}), got {value!r}")
    return value  # type: ignore[return-value]


class CommunicatorBase(ArrayMessaging):
    """The processes of one MPI communicator, and the operations training runs across them.

    Every method is collective unless it says otherwise: all processes of the communicator
    must call it, in the same order (``send``/``recv`` and ``send_obj``/``recv_obj`` pair
    up two of them).  Arrays travel with :meth:`bcast`, :meth:`send`, :meth:`recv`,
    :meth:`gather`, :meth:`scatter`, :meth:`allgather` and :meth:`alltoall` (ChainerMN's
    names; shapes may differ between processes).

    Parameters and gradients travel packed: :meth:`allreduce_grad` copies every gradient
    into one contiguous buffer per dtype, reduces each buffer with one in-place allreduce,
    divides by :attr:`size` and copies the means back.  Before that, one tiny allreduce
    checks that every process has the same parameter layout, so a mismatch (a different
    model, or ``zero_fill=False`` with a gradient missing on some process) raises the same
    clear error everywhere instead of mixing unrelated numbers or hanging.

    Create communicators with :func:`kusari.distributed.create_communicator`.

    Args:
        mpi_comm: The mpi4py intra-communicator to run on (``MPI.COMM_WORLD`` usually).
    """

    def __init__(self, mpi_comm: MPI.Intracomm) -> None:
        mpi = load_mpi()
        self._mpi_comm = mpi_comm
        self._rank: int = mpi_comm.Get_rank()
        self._size: int = mpi_comm.Get_size()
        # Processes sharing a node (memory), then one communicator per node-local index.
        intra = mpi_comm.Split_type(mpi.COMM_TYPE_SHARED, key=self._rank)
        self._intra_rank: int = intra.Get_rank()
        self._intra_size: int = intra.Get_size()
        inter = mpi_comm.Split(color=self._intra_rank, key=self._rank)
        self._inter_rank: int = inter.Get_rank()
        self._inter_size: int = inter.Get_size()
        intra.Free()
        inter.Free()
        self._owns_mpi_comm = False
        self._plans: dict[Any, Plan] = {}
        self._buffers: dict[tuple[bool, str], Array] = {}
        self._header = numpy.zeros(4, dtype=numpy.int64)

    # -- who is who --------------------------------------------------------------------------

    @property
    def mpi_comm(self) -> MPI.Intracomm:
        """The mpi4py communicator underneath (for MPI calls of your own)."""
        return self._mpi_comm

    @property
    def rank(self) -> int:
        """This process's rank, ``0 <= rank < size``."""
        return self._rank

    @property
    def size(self) -> int:
        """The number of processes."""
        return self._size

    @property
    def intra_rank(self) -> int:
        """This process's rank among the processes on its node (its GPU index, usually)."""
        return self._intra_rank

    @property
    def intra_size(self) -> int:
        """The number of processes on this node."""
        return self._intra_size

    @property
    def inter_rank(self) -> int:
        """The index of this process's node among the nodes."""
        return self._inter_rank

    @property
    def inter_size(self) -> int:
        """The number of nodes."""
        return self._inter_size

    def __copy__(self) -> Self:
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> Self:
        # A communicator is a handle on a group of processes, not a value to duplicate.
        return self

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(rank={self._rank}, size={self._size}, "
            f"intra_rank={self._intra_rank}, intra_size={self._intra_size}, "
            f"inter_rank={self._inter_rank}, inter_size={self._inter_size})"
        )

    # -- models ------------------------------------------------------------------------------

    def bcast_data(self, model: Link) -> None:
        """Overwrite every initialized parameter with rank 0's values, in place.

        Args:
            model: The link whose parameters to synchronize.

        Raises:
            RuntimeError: If the processes' models have different parameters (names,
                shapes or dtypes); no parameter is changed then.
        """
        entries = collect_data(model)
        if self._size == 1:
            return
        plan = self._agree(entries, "parameters")
        for bucket in plan.buckets:
            buffer = self._buffer(bucket, entries)
            if self._rank == 0:
                bucket.pack(entries, buffer)
            self._bcast_buffer(buffer, 0)
            if self._rank != 0:
                bucket.unpack_data(entries, buffer)

    def allreduce_grad(self, model: Link, zero_fill: bool = False) -> None:
        """Replace every gradient of ``model`` by its mean over the processes.

        Args:
            model: The link whose gradients to average.
            zero_fill: Treat an initialized parameter without a gradient as having a zero
                one (and store that zero gradient).  Without it such a parameter is left
                out, which every process must then agree on.

        Raises:
            RuntimeError: If the processes have different gradient layouts; no gradient
                is changed then.
            TypeError: If a gradient is not of a floating-point dtype.

        Example:
            >>> import numpy
            >>> from kusari.distributed import create_communicator
            >>> from kusari.links import Link, Parameter
            >>> class Model(Link):
            ...     def __init__(self):
            ...         super().__init__()
            ...         with self.init_scope():
            ...             self.w = Parameter(numpy.zeros(2))
            >>> model = Model()
            >>> model.w.grad = numpy.array([1.0, 3.0])
            >>> comm = create_communicator("mpi")
            >>> comm.allreduce_grad(model)  # with N processes: the mean of N gradients
            >>> model.w.grad.tolist()
            [1.0, 3.0]
        """
        entries = collect_grads(model, zero_fill)
        if self._size == 1:
            return  # the mean over one process is what it has
        plan = self._agree(entries, "gradients")
        scale = 1.0 / self._size
        for bucket in plan.buckets:
            buffer = self._buffer(bucket, entries)
            bucket.pack(entries, buffer)
            self._allreduce_buffer(buffer)
            bucket.unpack_grads(entries, buffer, scale)

    def multi_node_mean_grad(self, model: Link, zero_fill: bool = False) -> None:
        """The same as :meth:`allreduce_grad` (ChainerMN 7's name for it)."""
        self.allreduce_grad(model, zero_fill)

    def start_allreduce_grad(self, model: Link, zero_fill: bool = False) -> PendingGradMean:
        """Start averaging ``model``'s gradients without waiting for the result.

        The gradients are copied into fresh buffers at once, so they may change (the next
        backward pass may run) while the reduction proceeds; :meth:`PendingGradMean.wait`
        writes the means into the gradients the model has *then*, which must have the same
        layout.  This is what ``double_buffering`` builds on.

        Args:
            model: The link whose gradients to average.
            zero_fill: As in :meth:`allreduce_grad`.

        Returns:
            The handle to wait on.

        Raises:
            RuntimeError: If the processes have different gradient layouts.
        """
        entries = collect_grads(model, zero_fill)
        plan = self._agree(entries, "gradients")
        waits = []
        buffers = []
        for bucket in plan.buckets:
            buffer = self._fresh(bucket)
            bucket.pack(entries, buffer)
            waits.append(self._start_allreduce_buffer(buffer))
            buffers.append(buffer)
        return PendingGradMean(self, plan, buffers, waits, zero_fill)

    # -- arrays ------------------------------------------------------------------------------

    def allreduce(self, array: Array) -> Array:
        """Return the elementwise sum of ``array`` over the processes (a new array).

        Args:
            array: An array of the same shape and dtype on every process.

        Raises:
            RuntimeError: If the shapes or dtypes differ between processes.
        """
        entries: list[Entry] = [("array", None, array)]
        plan = self._agree(entries, "arrays")
        (bucket,) = plan.buckets
        buffer = self._fresh(bucket)
        bucket.pack(entries, buffer)
        self._allreduce_buffer(buffer)
        return buffer.reshape(array.shape).astype(array.dtype, copy=False)

    def _sum_arrays(self, arrays: Sequence[Array]) -> list[Array]:
        """New arrays: each input summed over the processes (one collective per dtype)."""
        entries: list[Entry] = [(f"x{i}", None, a) for i, a in enumerate(arrays)]
        plan = self._agree(entries, "arrays")
        results: list[Array | None] = [None] * len(entries)
        for bucket in plan.buckets:
            buffer = self._fresh(bucket)
            bucket.pack(entries, buffer)
            self._allreduce_buffer(buffer)
            for index, start, stop in bucket.slots:
                array = entries[index][2]
                results[index] = buffer[start:stop].reshape(array.shape).astype(array.dtype)
        return [r for r in results if r is not None]

    def bcast(self, array: Array | None, root: int = 0) -> Array:
        """Return ``root``'s array on every process (others may pass ``None``).

        Args:
            array: The array to send, on ``root``; ignored elsewhere.
            root: The rank that sends.

        Raises:
            TypeError: If ``array`` is not an array on ``root``.
            ValueError: If ``root`` is not a rank.

        Example:
            >>> import numpy
            >>> from kusari.distributed import create_communicator
            >>> comm = create_communicator("mpi")
            >>> mine = numpy.arange(3) if comm.rank == 0 else None
            >>> comm.bcast(mine).tolist()
            [0, 1, 2]
        """
        root = _check_rank(root, "root", self._size)
        header: tuple[tuple[int, ...], str, bool] | None = None
        if self._rank == root:
            if not hasattr(array, "dtype") or not hasattr(array, "shape"):
                raise TypeError(f"bcast needs an array on the root, got {type(array).__name__}")
            assert array is not None
            header = (tuple(array.shape), array.dtype.str, on_host(array))
        header = self.bcast_obj(header, root=root)
        assert header is not None
        shape, dtype_str, host = header
        if self._rank == root:
            assert array is not None
            out = array.copy()
        else:
            out = self._empty(shape, numpy.dtype(dtype_str), host)
        flat = out.reshape(-1)
        self._bcast_buffer(flat, root)
        return out

    # -- Python objects ----------------------------------------------------------------------

    def bcast_obj(self, obj: _T, max_buf_len: int = DEFAULT_MAX_BUF_LEN, root: int = 0) -> _T:
        """Return ``root``'s (picklable) object on every process.

        Args:
            obj: The object, on ``root``; ignored elsewhere (pass ``None``).
            max_buf_len: The largest message in bytes; bigger pickles go in chunks.
            root: The rank that sends.

        Raises:
            ValueError: If ``root`` is not a rank or ``max_buf_len`` is not positive.

        Example:
            >>> from kusari.distributed import create_communicator
            >>> comm = create_communicator("mpi")
            >>> config = {"lr": 0.1} if comm.rank == 0 else None
            >>> comm.bcast_obj(config)
            {'lr': 0.1}
        """
        root = _check_rank(root, "root", self._size)
        check_max_buf_len(max_buf_len)
        result: _T = bcast_pickled(self._mpi_comm, obj, root, max_buf_len)
        return result

    def gather_obj(self, obj: _T, root: int = 0) -> list[_T] | None:
        """Collect every process's object on ``root``, in rank order; ``None`` elsewhere.

        Raises:
            ValueError: If ``root`` is not a rank.
        """
        root = _check_rank(root, "root", self._size)
        gathered: list[_T] | None = self._mpi_comm.gather(obj, root=root)
        return gathered

    def allgather_obj(self, obj: _T) -> list[_T]:
        """Return every process's object, in rank order, on every process."""
        gathered: list[_T] = self._mpi_comm.allgather(obj)
        return gathered

    def allreduce_obj(self, obj: _T) -> _T:
        """Return the sum (``+``) of every process's object on every process."""
        reduced: _T = self._mpi_comm.allreduce(obj)
        return reduced

    def send_obj(
        self, obj: object, dest: int, tag: int = 0, max_buf_len: int = DEFAULT_MAX_BUF_LEN
    ) -> None:
        """Send a picklable object to ``dest`` (point to point: only the two ranks call).

        Raises:
            ValueError: If ``dest`` is not a rank or ``max_buf_len`` is not positive.
        """
        dest = _check_rank(dest, "dest", self._size)
        check_max_buf_len(max_buf_len)
        send_pickled(self._mpi_comm, obj, dest, tag, max_buf_len)

    def recv_obj(self, source: int, tag: int = 0, max_buf_len: int = DEFAULT_MAX_BUF_LEN) -> Any:
        """Receive an object sent with :meth:`send_obj` from ``source`` (point to point).

        ``max_buf_len`` must match the sender's.

        Raises:
            ValueError: If ``source`` is not a rank or ``max_buf_len`` is not positive.
        """
        source = _check_rank(source, "source", self._size)
        check_max_buf_len(max_buf_len)
        return recv_pickled(self._mpi_comm, source, tag, max_buf_len)

    # -- structure ---------------------------------------------------------------------------

    def split(self, color: int, key: int) -> Self:
        """Return a communicator of the processes that passed the same ``color``.

        Ranks in the new communicator follow ``key`` (ties broken by the old rank).  Call
        :meth:`finalize` on it when done.

        Args:
            color: The group to join (a non-negative int).
            key: The ordering key within the group.

        Example:
            >>> from kusari.distributed import create_communicator
            >>> comm = create_communicator("mpi")
            >>> evens = comm.split(color=comm.rank % 2, key=comm.rank)
            >>> evens.size, evens.rank
            (1, 0)
            >>> evens.finalize()
        """
        sub = self._mpi_comm.Split(color=color, key=key)
        assert isinstance(sub, load_mpi().Intracomm)
        new = self._derive(sub)
        new._owns_mpi_comm = True
        return new

    def _derive(self, mpi_comm: MPI.Intracomm) -> Self:
        return type(self)(mpi_comm)

    def finalize(self) -> None:
        """Release what this communicator holds: buffers, and a communicator it split off.

        MPI itself is finalized by mpi4py at exit.
        """
        self._buffers.clear()
        self._plans.clear()
        if self._owns_mpi_comm:
            self._owns_mpi_comm = False
            self._mpi_comm.Free()

    # -- internals ---------------------------------------------------------------------------

    def _agree(self, entries: Sequence[Entry], what: str) -> Plan:
        """The plan for ``entries``, after checking that every process has the same one."""
        plan = plan_for(entries, self._plans, self._wire_dtype)
        header = self._header
        header[0] = plan.n_elements
        header[1] = -plan.n_elements
        header[2] = plan.checksum
        header[3] = -plan.checksum
        mpi = load_mpi()
        self._mpi_comm.Allreduce(mpi.IN_PLACE, header, op=mpi.MAX)
        if header[0] != -header[1] or header[2] != -header[3]:
            names = [name for name, _, _ in entries]
            raise RuntimeError(
                f"the processes disagree on the {what} to communicate: rank {self._rank} has "
                f"{len(names)} arrays with {plan.n_elements} elements "
                f"({plan.description[:300]}), while other processes have between "
                f"{-int(header[1])} and {int(header[0])} elements or other names, shapes or "
                "dtypes; every process must build the same model"
                + (
                    " and, with zero_fill=False, have gradients for the same parameters"
                    if what == "gradients"
                    else ""
                )
            )
        return plan

    @staticmethod
    def _wire_dtype(dtype: numpy.dtype[Any], on_host: bool) -> numpy.dtype[Any]:
        # MPI has no portable half type: reduce float16 in float32.
        return numpy.dtype(numpy.float32) if dtype == numpy.float16 else dtype

    def _empty(self, shape: tuple[int, ...], dtype: numpy.dtype[Any], host: bool) -> Array:
        if host:
            return numpy.empty(shape, dtype=dtype)
        import cupy  # only reached with CuPy arrays, which imply CuPy

        result: Array = cupy.empty(shape, dtype=dtype)
        return result

    def _fresh(self, bucket: Bucket) -> Array:
        return self._empty((bucket.size,), bucket.dtype, bucket.on_host)

    def _buffer(self, bucket: Bucket, entries: Sequence[Entry]) -> Array:
        """A reusable buffer for ``bucket`` (grown when too small), as a view of its size."""
        key = (bucket.on_host, bucket.dtype.str)
        buffer = self._buffers.get(key)
        if buffer is None or buffer.size < bucket.size:
            buffer = self._buffers[key] = self._fresh(bucket)
        return buffer[: bucket.size]

    def _allreduce_buffer(self, buffer: Array) -> None:
        """Sum a 1-d contiguous buffer over the processes, in place."""
        mpi = load_mpi()
        if on_host(buffer):
            self._mpi_comm.Allreduce(mpi.IN_PLACE, buffer, op=mpi.SUM)
        else:  # a device array: through host memory (use the NCCL communicator on GPUs)
            host = to_cpu(buffer)
            self._mpi_comm.Allreduce(mpi.IN_PLACE, host, op=mpi.SUM)
            copyto(buffer, host)

    def _start_allreduce_buffer(self, buffer: Array) -> Callable[[], None]:
        """Start summing a 1-d contiguous buffer in place; return the function to wait."""
        mpi = load_mpi()
        if on_host(buffer):
            pending = self._mpi_comm.Iallreduce(mpi.IN_PLACE, buffer, op=mpi.SUM)

            def wait_host() -> None:
                pending.Wait()

            return wait_host
        host = to_cpu(buffer)
        request = self._mpi_comm.Iallreduce(mpi.IN_PLACE, host, op=mpi.SUM)

        def wait() -> None:
            request.Wait()
            copyto(buffer, host)

        return wait

    def _bcast_buffer(self, buffer: Array, root: int) -> None:
        """Broadcast a 1-d contiguous buffer from ``root``, in place."""
        if on_host(buffer):
            self._mpi_comm.Bcast(buffer, root=root)
        else:
            host = to_cpu(buffer)
            self._mpi_comm.Bcast(host, root=root)
            copyto(buffer, host)


class MpiCommunicator(CommunicatorBase):
    """A communicator that moves everything through MPI (host memory).

    The right choice on CPUs.  CuPy arrays work too, staged through host memory;
    :class:`~kusari.distributed.NcclCommunicator` is faster for them.

    Example:
        >>> from kusari.distributed import create_communicator
        >>> comm = create_communicator("mpi")  # a single process here: size 1
        >>> type(comm).__name__, comm.rank, comm.size
        ('MpiCommunicator', 0, 1)
        >>> comm.allreduce_obj(3)
        3
    """
