"""Links of kusari.distributed: layers whose statistics span all processes.

* :class:`MultiNodeBatchNormalization`: batch normalization over the union of every
  process's minibatch.

Example:
    >>> from kusari.distributed import create_communicator
    >>> from kusari.distributed.links import MultiNodeBatchNormalization
    >>> bn = MultiNodeBatchNormalization(3, create_communicator("mpi"))
    >>> bn.gamma.shape, bn.avg_var.tolist()
    ((3,), [1.0, 1.0, 1.0])
"""

from ._batch_normalization import MultiNodeBatchNormalization as MultiNodeBatchNormalization

__all__ = ["MultiNodeBatchNormalization"]
