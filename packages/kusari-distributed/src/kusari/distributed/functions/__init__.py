"""Differentiable communication of kusari.distributed (ChainerMN's ``chainermn.functions``).

* Point to point: :func:`send` (returns a *delegate variable*), :func:`recv`,
  :func:`pseudo_connect` (:class:`Send`, :class:`Recv`, :class:`PseudoConnect`): the
  backward pass sends the gradients back the way the arrays came; the building blocks of
  model parallelism (:class:`~kusari.distributed.links.MultiNodeChainList`).
* Collectives: :func:`allgather`, :func:`alltoall`, :func:`bcast`, :func:`gather`,
  :func:`scatter` (:class:`AllGather`, :class:`AllToAll`, :class:`Bcast`,
  :class:`Gather`, :class:`Scatter`), each with the adjoint collective as its backward.
* :func:`allreduce_sum` (:class:`AllreduceSum`): inputs summed over the processes, with
  backward and double backward (the operation is its own adjoint).

Every process must run the collectives, forward and backward, in the same order.

Example:
    >>> import numpy
    >>> from kusari.distributed import create_communicator
    >>> from kusari.distributed.functions import allreduce_sum
    >>> (total,) = allreduce_sum(create_communicator("mpi"), numpy.ones(2))
    >>> total.array.tolist()
    [1.0, 1.0]
"""

from .._collectives import AllGather as AllGather
from .._collectives import AllToAll as AllToAll
from .._collectives import Bcast as Bcast
from .._collectives import Gather as Gather
from .._collectives import Scatter as Scatter
from .._collectives import allgather as allgather
from .._collectives import alltoall as alltoall
from .._collectives import bcast as bcast
from .._collectives import gather as gather
from .._collectives import scatter as scatter
from .._functions import AllreduceSum as AllreduceSum
from .._functions import allreduce_sum as allreduce_sum
from .._point_to_point import PseudoConnect as PseudoConnect
from .._point_to_point import Recv as Recv
from .._point_to_point import Send as Send
from .._point_to_point import pseudo_connect as pseudo_connect
from .._point_to_point import recv as recv
from .._point_to_point import send as send

__all__ = [
    "AllGather",
    "AllToAll",
    "AllreduceSum",
    "Bcast",
    "Gather",
    "PseudoConnect",
    "Recv",
    "Scatter",
    "Send",
    "allgather",
    "allreduce_sum",
    "alltoall",
    "bcast",
    "gather",
    "pseudo_connect",
    "recv",
    "scatter",
    "send",
]
