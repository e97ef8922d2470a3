"""Links of kusari.distributed: layers that span processes.

* :class:`MultiNodeBatchNormalization`: batch normalization over the union of every
  process's minibatch; :func:`create_mnbn_model` converts a model's
  ``BatchNormalization`` links to it.
* :class:`MultiNodeChainList`: one model split over processes (model parallelism),
  its components connected by differentiable send and receive.
* :func:`create_multi_node_n_step_rnn` (:class:`MultiNodeNStepRNN`): an N-step RNN
  whose states come from and go to other processes.

Example:
    >>> from kusari.distributed import create_communicator
    >>> from kusari.distributed.links import MultiNodeBatchNormalization
    >>> bn = MultiNodeBatchNormalization(3, create_communicator("mpi"))
    >>> bn.gamma.shape, bn.avg_var.tolist()
    ((3,), [1.0, 1.0, 1.0])
"""

from ._batch_normalization import MultiNodeBatchNormalization as MultiNodeBatchNormalization
from ._mnbn_model import create_mnbn_model as create_mnbn_model
from ._multi_node_chain_list import MultiNodeChainList as MultiNodeChainList
from ._multi_node_chain_list import RankSpec as RankSpec
from ._n_step_rnn import MultiNodeNStepRNN as MultiNodeNStepRNN
from ._n_step_rnn import create_multi_node_n_step_rnn as create_multi_node_n_step_rnn

__all__ = [
    "MultiNodeBatchNormalization",
    "MultiNodeChainList",
    "MultiNodeNStepRNN",
    "RankSpec",
    "create_mnbn_model",
    "create_multi_node_n_step_rnn",
]
