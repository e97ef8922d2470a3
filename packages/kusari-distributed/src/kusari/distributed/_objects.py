"""Pickled Python objects over MPI, sent in chunks of at most ``max_buf_len`` bytes.

mpi4py's own pickled ``send``/``bcast`` send one message, whose element count MPI libraries
without MPI-4 "large count" support cap at 2**31 - 1; chunking keeps data sets of any size
moving on every MPI library.
"""

from __future__ import annotations

import pickle
from typing import TYPE_CHECKING, Any

import numpy

if TYPE_CHECKING:
    from mpi4py import MPI

__all__ = [
    "DEFAULT_MAX_BUF_LEN",
    "bcast_pickled",
    "check_max_buf_len",
    "recv_pickled",
    "send_pickled",
]

DEFAULT_MAX_BUF_LEN = 256 * 1024 * 1024
"""The default chunk size of pickled transfers (256 MiB, as ChainerMN)."""


def check_max_buf_len(max_buf_len: int) -> None:
    """Raise ``ValueError`` unless ``max_buf_len`` is a positive int."""
    if type(max_buf_len) is not int or max_buf_len < 1:
        raise ValueError(f"max_buf_len must be a positive int (bytes), got {max_buf_len!r}")


def _chunks(payload: bytes | bytearray, max_buf_len: int) -> list[memoryview]:
    view = memoryview(payload)
    return [view[i : i + max_buf_len] for i in range(0, len(view), max_buf_len)]


def send_pickled(comm: MPI.Comm, obj: object, dest: int, tag: int, max_buf_len: int) -> None:
    """Send ``obj`` to ``dest``: its pickled length, then the bytes in chunks."""
    payload = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    comm.Send(numpy.array([len(payload)], dtype=numpy.int64), dest=dest, tag=tag)
    for chunk in _chunks(payload, max_buf_len):
        comm.Send(chunk, dest=dest, tag=tag)


def recv_pickled(comm: MPI.Comm, source: int, tag: int, max_buf_len: int) -> Any:
    """Receive an object that :func:`send_pickled` sent from ``source``."""
    header = numpy.empty(1, dtype=numpy.int64)
    comm.Recv(header, source=source, tag=tag)
    payload = bytearray(int(header[0]))
    for chunk in _chunks(payload, max_buf_len):
        comm.Recv(chunk, source=source, tag=tag)
    return pickle.loads(payload)


def bcast_pickled(comm: MPI.Comm, obj: object, root: int, max_buf_len: int) -> Any:
    """Broadcast ``obj`` from ``root``: its pickled length, then the bytes in chunks."""
    header = numpy.zeros(1, dtype=numpy.int64)
    payload: bytes | bytearray = b""
    is_root = comm.Get_rank() == root
    if is_root:
        payload = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
        header[0] = len(payload)
    comm.Bcast(header, root=root)
    if not is_root:
        payload = bytearray(int(header[0]))
    for chunk in _chunks(payload, max_buf_len):
        comm.Bcast(chunk, root=root)
    return obj if is_root else pickle.loads(payload)
