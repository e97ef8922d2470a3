"""Data-parallel training of kusari across processes: MPI everywhere, NCCL on GPUs.

Start every process with ``mpiexec -n N python train.py``.  Each process builds the same
model, trains on its own share of the data, and averages gradients with the others before
every update, so all of them take the same steps (Chainer's ChainerMN, on mpi4py and
``cupy.cuda.nccl``).

* Communicators: :func:`create_communicator` (``'mpi'``, ``'nccl'`` or ``'auto'``),
  :class:`CommunicatorBase`, :class:`MpiCommunicator`, :class:`NcclCommunicator`,
  :class:`PendingGradMean`, :func:`nccl_available`, :func:`nccl_unavailable_reason`.
* Training: :func:`create_multi_node_optimizer` (:class:`MultiNodeUpdate`,
  :func:`multi_node_update_of`), :func:`create_multi_node_evaluator`,
  :func:`scatter_dataset`, :func:`scatter_index`, :func:`create_multi_node_checkpointer`
  (:class:`MultiNodeCheckpointer`).
* Model parallelism: :func:`create_multi_node_iterator` (:class:`MultiNodeIterator`),
  :func:`create_synchronized_iterator`, :func:`create_empty_dataset`.
* Layers and functions: :mod:`kusari.distributed.links` (``MultiNodeBatchNormalization``,
  ``create_mnbn_model``, ``MultiNodeChainList``, ``create_multi_node_n_step_rnn``),
  :mod:`kusari.distributed.functions` (``send``, ``recv``, ``pseudo_connect``,
  ``allgather``, ``alltoall``, ``bcast``, ``gather``, ``scatter``, ``allreduce_sum``).
* Failure handling: :func:`install_abort_on_exception` (installed by
  :func:`create_communicator`): one process's uncaught exception ends the whole job
  instead of leaving the others waiting; :class:`MpiUnavailableError`.

``import kusari.distributed`` does not load MPI; the first :func:`create_communicator`
does.

Example:
    >>> import numpy
    >>> from kusari.distributed import create_communicator
    >>> comm = create_communicator("mpi")  # run without mpiexec: one process
    >>> comm.allreduce(numpy.array([1.0, 2.0])).tolist()
    [1.0, 2.0]
"""

from . import functions as functions
from . import links as links
from .__about__ import __version__ as __version__
from ._abort import install_abort_on_exception as install_abort_on_exception
from ._abort import uninstall_abort_on_exception as uninstall_abort_on_exception
from ._checkpoint import MultiNodeCheckpointer as MultiNodeCheckpointer
from ._checkpoint import create_multi_node_checkpointer as create_multi_node_checkpointer
from ._communicator import CommunicatorBase as CommunicatorBase
from ._communicator import MpiCommunicator as MpiCommunicator
from ._create import CommunicatorName as CommunicatorName
from ._create import create_communicator as create_communicator
from ._evaluator import create_multi_node_evaluator as create_multi_node_evaluator
from ._iterators import MultiNodeIterator as MultiNodeIterator
from ._iterators import create_empty_dataset as create_empty_dataset
from ._iterators import create_multi_node_iterator as create_multi_node_iterator
from ._iterators import create_synchronized_iterator as create_synchronized_iterator
from ._mpi import MpiUnavailableError as MpiUnavailableError
from ._nccl import NcclCommunicator as NcclCommunicator
from ._nccl import nccl_available as nccl_available
from ._nccl import nccl_unavailable_reason as nccl_unavailable_reason
from ._optimizer import MultiNodeUpdate as MultiNodeUpdate
from ._optimizer import create_multi_node_optimizer as create_multi_node_optimizer
from ._optimizer import multi_node_update_of as multi_node_update_of
from ._pending import PendingGradMean as PendingGradMean
from ._scatter import scatter_dataset as scatter_dataset
from ._scatter import scatter_index as scatter_index

__all__ = [
    "__version__",
    # communicators
    "create_communicator",
    "CommunicatorName",
    "CommunicatorBase",
    "MpiCommunicator",
    "NcclCommunicator",
    "PendingGradMean",
    "nccl_available",
    "nccl_unavailable_reason",
    # training
    "create_multi_node_optimizer",
    "MultiNodeUpdate",
    "multi_node_update_of",
    "create_multi_node_evaluator",
    "scatter_dataset",
    "scatter_index",
    "create_multi_node_checkpointer",
    "MultiNodeCheckpointer",
    # model parallelism
    "create_multi_node_iterator",
    "MultiNodeIterator",
    "create_synchronized_iterator",
    "create_empty_dataset",
    # failures
    "install_abort_on_exception",
    "uninstall_abort_on_exception",
    "MpiUnavailableError",
    # submodules
    "functions",
    "links",
]
