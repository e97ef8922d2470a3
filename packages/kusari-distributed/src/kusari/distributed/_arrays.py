"""Arrays between processes: point to point and the collectives model parallelism needs.

Every array travels as its raw bytes (so any fixed-size dtype works, float16 and bool
included) after a small pickled header with its shape, dtype and whether it lives in host
memory.  CuPy arrays are staged through host memory and come back as CuPy arrays on the
current device; NumPy arrays come back as NumPy arrays.  Shapes may differ between the
processes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy

from kusari.devices import Array, to_cpu

from ._mpi import load_mpi
from ._packing import is_int

if TYPE_CHECKING:
    from mpi4py import MPI

__all__ = ["ArrayMessaging", "Header"]

Header: TypeAlias = tuple[tuple[int, ...], str, bool]
"""What a receiver needs to rebuild an array: ``(shape, dtype.str, on_host)``."""


def _header(array: object, what: str) -> Header:
    dtype = getattr(array, "dtype", None)
    shape = getattr(array, "shape", None)
    if dtype is None or shape is None:
        raise TypeError(f"{what} must be a NumPy or CuPy array, got {type(array).__name__}")
    if dtype.hasobject or dtype.itemsize == 0:
        raise TypeError(f"{what} has dtype {dtype}, which cannot be sent as raw bytes")
    host = isinstance(array, (numpy.ndarray, numpy.generic))
    return (tuple(int(n) for n in shape), dtype.str, host)


def _to_bytes(array: Array | numpy.generic) -> numpy.ndarray[Any, numpy.dtype[numpy.uint8]]:
    # NumPy arrays and scalars as they are; CuPy arrays through host memory.
    on_cpu: Any = array if isinstance(array, numpy.generic) else to_cpu(array)
    return numpy.ascontiguousarray(on_cpu).reshape(-1).view(numpy.uint8)


def _n_bytes(header: Header) -> int:
    shape, dtype, _ = header
    return int(numpy.prod(shape, dtype=numpy.int64)) * numpy.dtype(dtype).itemsize


def _from_bytes(raw: numpy.ndarray[Any, numpy.dtype[numpy.uint8]], header: Header) -> Array:
    shape, dtype, host = header
    array: Array = raw.view(numpy.dtype(dtype)).reshape(shape)
    if host:
        return array
    import cupy  # the sender had a CuPy array: so has this process

    moved: Array = cupy.asarray(array)
    return moved


def _byte_layout(headers: Sequence[Header]) -> tuple[list[int], list[int], int]:
    counts = [_n_bytes(h) for h in headers]
    displacements = [0] * len(counts)
    for i in range(1, len(counts)):
        displacements[i] = displacements[i - 1] + counts[i - 1]
    return counts, displacements, sum(counts)


def _split(
    raw: numpy.ndarray[Any, numpy.dtype[numpy.uint8]], headers: Sequence[Header]
) -> tuple[Array, ...]:
    counts, displacements, _ = _byte_layout(headers)
    # Each piece is copied out, so that its data are aligned for its dtype.
    return tuple(
        _from_bytes(raw[start : start + count].copy(), header)
        for header, start, count in zip(headers, displacements, counts, strict=True)
    )


def _vector(raw: Array, counts: list[int], displacements: list[int]) -> list[Any]:
    """An mpi4py vector-collective buffer: bytes, per-process counts and offsets."""
    return [raw, (counts, displacements), load_mpi().BYTE]


def _check_peer(value: object, what: str, size: int) -> int:
    if not is_int(value) or not 0 <= value < size:  # type: ignore[operator]
        raise ValueError(f"{what} must be a rank in [0, {size}), got {value!r}")
    return value  # type: ignore[return-value]


class ArrayMessaging:
    """Array transfers of a communicator (ChainerMN's ``send``, ``recv``, ``gather``, ...).

    A mixin of :class:`~kusari.distributed.CommunicatorBase`: it relies on the
    communicator's ``_mpi_comm``, ``_rank`` and ``_size``.  :meth:`send` and :meth:`recv`
    pair up two processes; the others are collective.
    """

    _mpi_comm: MPI.Intracomm
    _rank: int
    _size: int

    def send(self, data: Array | Sequence[Array], dest: int, tag: int = 0) -> None:
        """Send an array, or a tuple of arrays, to ``dest`` (point to point).

        Args:
            data: An array, or a tuple or list of arrays (any shapes and dtypes).
            dest: The receiving rank, which calls :meth:`recv` with this rank and ``tag``.
            tag: The message tag.

        Raises:
            ValueError: If ``dest`` is not a rank.
            TypeError: If ``data`` holds something other than arrays.

        Example:
            >>> import numpy
            >>> from kusari.distributed import create_communicator
            >>> comm = create_communicator("mpi")
            >>> if comm.size > 1:  # under mpiexec -n 2
            ...     if comm.rank == 0:
            ...         comm.send(numpy.arange(3.0), dest=1)
            ...     else:
            ...         print(comm.recv(source=0).tolist())
        """
        dest = _check_peer(dest, "dest", self._size)
        is_tuple = isinstance(data, (tuple, list))
        arrays: Sequence[Array] = data if is_tuple else (data,)  # type: ignore[assignment]
        headers = [_header(a, f"data[{i}]" if is_tuple else "data") for i, a in enumerate(arrays)]
        self._mpi_comm.send((is_tuple, headers), dest=dest, tag=tag)
        for array in arrays:
            self._mpi_comm.Send(_to_bytes(array), dest=dest, tag=tag)

    def recv(self, source: int, tag: int = 0) -> Array | tuple[Array, ...]:
        """Receive what :meth:`send` sent from ``source``: an array or a tuple of arrays.

        Args:
            source: The sending rank.
            tag: The message tag.

        Returns:
            An array if a single array was sent, else a tuple of arrays.

        Raises:
            ValueError: If ``source`` is not a rank.
        """
        source = _check_peer(source, "source", self._size)
        is_tuple, headers = self._mpi_comm.recv(source=source, tag=tag)
        arrays = []
        for header in headers:
            raw = numpy.empty(_n_bytes(header), dtype=numpy.uint8)
            self._mpi_comm.Recv(raw, source=source, tag=tag)
            arrays.append(_from_bytes(raw, header))
        return tuple(arrays) if is_tuple else arrays[0]

    def gather(self, data: Array, root: int = 0) -> tuple[Array, ...] | None:
        """Collect every process's array on ``root``, in rank order (``None`` elsewhere).

        Args:
            data: This process's array (shapes and dtypes may differ between processes).
            root: The rank that receives.

        Raises:
            ValueError: If ``root`` is not a rank.
            TypeError: If ``data`` is not an array.

        Example:
            >>> import numpy
            >>> from kusari.distributed import create_communicator
            >>> comm = create_communicator("mpi")
            >>> [a.tolist() for a in comm.gather(numpy.full(2, comm.rank))]  # one process
            [[0, 0]]
        """
        root = _check_peer(root, "root", self._size)
        headers: list[Header] | None = self._mpi_comm.gather(_header(data, "data"), root=root)
        if self._rank != root:
            self._mpi_comm.Gatherv(_to_bytes(data), None, root=root)
            return None
        assert headers is not None
        counts, displacements, total = _byte_layout(headers)
        raw = numpy.empty(total, dtype=numpy.uint8)
        self._mpi_comm.Gatherv(_to_bytes(data), _vector(raw, counts, displacements), root=root)
        return _split(raw, headers)

    def scatter(self, xs: Sequence[Array] | None, root: int = 0) -> Array:
        """Give process ``i`` the array ``xs[i]`` of ``root`` (others pass ``None``).

        Args:
            xs: On ``root``, one array per process; ignored elsewhere.
            root: The rank that sends.

        Raises:
            ValueError: If ``root`` is not a rank, or ``xs`` does not hold one array per
                process.
            TypeError: If ``xs`` holds something other than arrays.

        Example:
            >>> import numpy
            >>> from kusari.distributed import create_communicator
            >>> comm = create_communicator("mpi")
            >>> xs = [numpy.full(2, 10 * i) for i in range(comm.size)]
            >>> comm.scatter(xs if comm.rank == 0 else None).tolist()  # one process
            [0, 0]
        """
        root = _check_peer(root, "root", self._size)
        headers: list[Header] | None = None
        arrays: Sequence[Array] = ()
        if self._rank == root:
            if not isinstance(xs, (tuple, list)) or len(xs) != self._size:
                got = f"length {len(xs)}" if isinstance(xs, (tuple, list)) else type(xs).__name__
                raise ValueError(
                    f"scatter needs one array per process on the root: xs must be a tuple "
                    f"or list of length {self._size}, got {got}"
                )
            arrays = xs
            headers = [_header(a, f"xs[{i}]") for i, a in enumerate(arrays)]
        mine: Header = self._mpi_comm.scatter(headers, root=root)
        out = numpy.empty(_n_bytes(mine), dtype=numpy.uint8)
        if self._rank == root:
            assert headers is not None
            counts, displacements, _ = _byte_layout(headers)
            raw = numpy.concatenate([_to_bytes(a) for a in arrays])
            self._mpi_comm.Scatterv(_vector(raw, counts, displacements), out, root=root)
        else:
            self._mpi_comm.Scatterv(None, out, root=root)
        return _from_bytes(out, mine)

    def allgather(self, x: Array) -> tuple[Array, ...]:
        """Return every process's array, in rank order, on every process.

        Args:
            x: This process's array (shapes and dtypes may differ between processes).

        Raises:
            TypeError: If ``x`` is not an array.

        Example:
            >>> import numpy
            >>> from kusari.distributed import create_communicator
            >>> comm = create_communicator("mpi")
            >>> [a.tolist() for a in comm.allgather(numpy.array([comm.rank]))]  # one process
            [[0]]
        """
        headers: list[Header] = self._mpi_comm.allgather(_header(x, "x"))
        counts, displacements, total = _byte_layout(headers)
        raw = numpy.empty(total, dtype=numpy.uint8)
        self._mpi_comm.Allgatherv(_to_bytes(x), _vector(raw, counts, displacements))
        return _split(raw, headers)

    def alltoall(self, xs: Sequence[Array]) -> tuple[Array, ...]:
        """Send ``xs[j]`` to process ``j``; return what each process sent here, by rank.

        Args:
            xs: One array per process.

        Raises:
            ValueError: If ``xs`` does not hold one array per process.
            TypeError: If ``xs`` holds something other than arrays.

        Example:
            >>> import numpy
            >>> from kusari.distributed import create_communicator
            >>> comm = create_communicator("mpi")
            >>> ys = comm.alltoall([numpy.array([comm.rank, j]) for j in range(comm.size)])
            >>> [y.tolist() for y in ys]  # from process i: [i, this rank]
            [[0, 0]]
        """
        if not isinstance(xs, (tuple, list)) or len(xs) != self._size:
            got = f"length {len(xs)}" if isinstance(xs, (tuple, list)) else type(xs).__name__
            raise ValueError(
                f"alltoall needs one array per process: xs must be a tuple or list of length "
                f"{self._size}, got {got}"
            )
        sent = [_header(a, f"xs[{i}]") for i, a in enumerate(xs)]
        received: list[Header] = self._mpi_comm.alltoall(sent)
        send_counts, send_displacements, _ = _byte_layout(sent)
        recv_counts, recv_displacements, total = _byte_layout(received)
        raw = numpy.empty(total, dtype=numpy.uint8)
        outgoing = (
            numpy.concatenate([_to_bytes(a) for a in xs])
            if xs
            else numpy.empty(0, dtype=numpy.uint8)
        )
        self._mpi_comm.Alltoallv(
            _vector(outgoing, send_counts, send_displacements),
            _vector(raw, recv_counts, recv_displacements),
        )
        return _split(raw, received)
