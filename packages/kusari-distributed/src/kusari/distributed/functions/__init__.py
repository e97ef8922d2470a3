"""Differentiable collectives of kusari.distributed.

* :func:`allreduce_sum` (:class:`AllreduceSum`): inputs summed over the processes, with
  backward and double backward (the operation is its own adjoint).

Example:
    >>> import numpy
    >>> from kusari.distributed import create_communicator
    >>> from kusari.distributed.functions import allreduce_sum
    >>> (total,) = allreduce_sum(create_communicator("mpi"), numpy.ones(2))
    >>> total.array.tolist()
    [1.0, 1.0]
"""

from .._functions import AllreduceSum as AllreduceSum
from .._functions import allreduce_sum as allreduce_sum

__all__ = ["AllreduceSum", "allreduce_sum"]
