"""ChainerMN's names, provided by the ``kusari-distributed`` distribution.

:func:`register` adds the top-level module ``chainermn`` (with ``chainermn.communicators``,
``chainermn.optimizers``, ``chainermn.extensions``, ``chainermn.datasets``,
``chainermn.links``, ``chainermn.functions``, ``chainermn.iterators`` and
``chainermn.global_except_hook``), so that ChainerMN scripts run unmodified after
``install_as_chainer()``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

# At import time, so that install_as_chainer() skips this provider (ModuleNotFoundError for
# a kusari module) when kusari-distributed is not installed.
from kusari import distributed

from ._tree import ModuleTree

if TYPE_CHECKING:
    from mpi4py import MPI

    from kusari.distributed import CommunicatorBase

__all__ = ["register"]


def create_communicator(
    communicator_name: str = "pure_nccl",
    mpi_comm: MPI.Intracomm | None = None,
    allreduce_grad_dtype: Any = None,
    batched_copy: bool = False,
) -> CommunicatorBase:
    """ChainerMN's ``create_communicator`` (its default, ``'pure_nccl'``, needs CuPy).

    ``batched_copy`` is accepted and has no effect: kusari always packs gradients into one
    buffer per dtype.

    Raises:
        NotImplementedError: If ``allreduce_grad_dtype`` is given: kusari reduces gradients
            in their own dtype (float16 through MPI in float32).
    """
    del batched_copy
    if allreduce_grad_dtype is not None:
        raise NotImplementedError(
            "create_communicator(allreduce_grad_dtype=...) is not supported by kusari: "
            "gradients are reduced in their own dtype"
        )
    return distributed.create_communicator(communicator_name, mpi_comm)  # type: ignore[arg-type]


def register(tree: ModuleTree) -> None:
    """Add ``chainermn`` and its submodules to the module tree."""
    from kusari.distributed import functions, links

    common = {
        "create_communicator": create_communicator,
        "create_multi_node_optimizer": distributed.create_multi_node_optimizer,
        "create_multi_node_evaluator": distributed.create_multi_node_evaluator,
        "create_multi_node_checkpointer": distributed.create_multi_node_checkpointer,
        "scatter_dataset": distributed.scatter_dataset,
        "scatter_index": distributed.scatter_index,
    }
    tree.module("chainermn", "ChainerMN on kusari: kusari.distributed under ChainerMN's names.")
    tree.export(
        "chainermn",
        __version__=distributed.__version__,
        MultiNodeChainList=links.MultiNodeChainList,
        create_multi_node_n_step_rnn=links.create_multi_node_n_step_rnn,
        create_empty_dataset=distributed.create_empty_dataset,
        create_multi_node_iterator=distributed.create_multi_node_iterator,
        create_synchronized_iterator=distributed.create_synchronized_iterator,
        **common,
    )
    tree.export(
        "chainermn.communicators",
        create_communicator=create_communicator,
        CommunicatorBase=distributed.CommunicatorBase,
        MpiCommunicator=distributed.MpiCommunicator,
        NcclCommunicator=distributed.NcclCommunicator,
    )
    tree.export(
        "chainermn.optimizers",
        create_multi_node_optimizer=distributed.create_multi_node_optimizer,
    )
    tree.export(
        "chainermn.extensions",
        create_multi_node_evaluator=distributed.create_multi_node_evaluator,
        create_multi_node_checkpointer=distributed.create_multi_node_checkpointer,
    )
    tree.export(
        "chainermn.datasets",
        scatter_dataset=distributed.scatter_dataset,
        scatter_index=distributed.scatter_index,
        create_empty_dataset=distributed.create_empty_dataset,
    )
    tree.export(
        "chainermn.links",
        MultiNodeBatchNormalization=links.MultiNodeBatchNormalization,
        MultiNodeChainList=links.MultiNodeChainList,
        create_mnbn_model=links.create_mnbn_model,
        create_multi_node_n_step_rnn=links.create_multi_node_n_step_rnn,
    )
    tree.export(
        "chainermn.functions",
        send=functions.send,
        recv=functions.recv,
        pseudo_connect=functions.pseudo_connect,
        allgather=functions.allgather,
        alltoall=functions.alltoall,
        bcast=functions.bcast,
        gather=functions.gather,
        scatter=functions.scatter,
    )
    tree.export(
        "chainermn.iterators",
        create_multi_node_iterator=distributed.create_multi_node_iterator,
        create_synchronized_iterator=distributed.create_synchronized_iterator,
    )
    tree.export(
        "chainermn.global_except_hook",
        add_hook=distributed.install_abort_on_exception,
    )
