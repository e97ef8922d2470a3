"""User-style code: kusari.distributed as mypy sees it (and as it runs in one process)."""

from __future__ import annotations

import pathlib
from typing import Any, assert_type

import numpy
import numpy.typing as npt

import kusari.functions as F
from kusari.datasets import SubDataset
from kusari.distributed import (
    CommunicatorBase,
    MultiNodeCheckpointer,
    MultiNodeUpdate,
    PendingGradMean,
    create_communicator,
    create_multi_node_checkpointer,
    create_multi_node_evaluator,
    create_multi_node_optimizer,
    multi_node_update_of,
    scatter_dataset,
    scatter_index,
    uninstall_abort_on_exception,
)
from kusari.distributed.functions import allreduce_sum
from kusari.distributed.links import MultiNodeBatchNormalization
from kusari.graph import Variable
from kusari.links import Chain, Parameter
from kusari.optimizers import Adam, MomentumSGD


class Net(Chain):
    def __init__(self, comm: CommunicatorBase) -> None:
        super().__init__()
        with self.init_scope():
            self.w = Parameter(numpy.ones((3, 2), numpy.float32))
            self.bn = MultiNodeBatchNormalization(2, comm)

    def forward(self, x: numpy.ndarray) -> Variable:
        h: Variable = self.bn(F.matmul(x, self.w))
        return F.sum(h * h)


class Scores:
    def evaluate(self) -> dict[str, float]:
        return {"main/accuracy": 1.0}


def test_communicator_and_training(tmp_path: pathlib.Path) -> None:
    comm = create_communicator("mpi", abort_on_exception=False)
    assert_type(comm, CommunicatorBase)
    assert_type(comm.rank, int)
    assert_type(comm.intra_rank, int)
    assert_type(comm.bcast_obj({"lr": 0.1}), dict[str, float])
    assert_type(comm.gather_obj(comm.rank), list[int] | None)
    assert_type(comm.allgather_obj("x"), list[str])
    assert_type(comm.allreduce_obj(2), int)
    total = comm.allreduce(numpy.ones(2, numpy.float32))
    assert_type(total, npt.NDArray[Any])
    assert_type(comm.split(0, comm.rank), CommunicatorBase)

    net = Net(comm)
    optimizer = create_multi_node_optimizer(MomentumSGD(lr=0.01), comm)
    assert_type(optimizer, MomentumSGD)
    assert_type(optimizer.setup(net), MomentumSGD)
    assert_type(optimizer.lr, float)
    optimizer.update(net, numpy.ones((4, 3), numpy.float32))
    assert optimizer.t == 1
    state = multi_node_update_of(optimizer)
    assert_type(state, MultiNodeUpdate | None)
    assert multi_node_update_of(Adam()) is None

    net.cleargrads()
    net(numpy.ones((4, 3), numpy.float32)).backward()
    pending = comm.start_allreduce_grad(net)
    assert_type(pending, PendingGradMean)
    pending.wait(net)

    share = scatter_dataset([1.0, 2.0, 3.0] if comm.rank == 0 else None, comm)
    assert_type(share, SubDataset[float])
    assert_type(scatter_index(10, comm), tuple[int, int])

    scores = create_multi_node_evaluator(Scores(), comm)
    assert_type(scores, Scores)
    assert scores.evaluate() == {"main/accuracy": 1.0}

    checkpointer = create_multi_node_checkpointer("run", comm, path=tmp_path)
    assert_type(checkpointer, MultiNodeCheckpointer)
    assert_type(checkpointer.maybe_load(net), int | None)

    (summed,) = allreduce_sum(comm, numpy.ones(3))
    assert_type(summed, Variable)
    uninstall_abort_on_exception()
