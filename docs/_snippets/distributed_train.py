"""Data-parallel training with kusari-distributed: ``mpiexec -n 4 python distributed_train.py``.

Every process runs this script on its share of the data; gradients are averaged across
the processes before each update, so all of them take the same steps.
"""

from __future__ import annotations

import numpy as np

import kusari.links as L
from kusari.datasets import TupleDataset
from kusari.distributed import (
    create_communicator,
    create_multi_node_evaluator,
    create_multi_node_optimizer,
    scatter_dataset,
)
from kusari.iterators import SerialIterator
from kusari.optimizers import MomentumSGD
from kusari.training import StandardUpdater, Trainer, extensions

comm = create_communicator("mpi")  # "nccl" on GPUs, "auto" to choose
model = L.Classifier(L.Linear(2, 2))
# setup() broadcasts rank 0's initial parameters: every process starts from the same model.
optimizer = create_multi_node_optimizer(MomentumSGD(lr=0.1), comm).setup(model)

# Rank 0 owns the data; every process receives an equally long share of it.
if comm.rank == 0:
    rng = np.random.default_rng(0)
    points = rng.standard_normal((400, 2)).astype(np.float32)
    labels = (points[:, 0] > points[:, 1]).astype(np.int32)
    train, valid = (
        TupleDataset(points[:300], labels[:300]),
        TupleDataset(points[300:], labels[300:]),
    )
else:
    train, valid = None, None
train = scatter_dataset(train, comm, shuffle=True, seed=0)
valid = scatter_dataset(valid, comm)

updater = StandardUpdater(SerialIterator(train, 25), optimizer)
trainer = Trainer(updater, (10, "epoch"), out="result")
evaluator = extensions.Evaluator(SerialIterator(valid, 25, repeat=False, shuffle=False), model)
trainer.extend(create_multi_node_evaluator(evaluator, comm))  # the mean over the processes
if comm.rank == 0:  # report on one process only
    trainer.extend(extensions.LogReport())
    trainer.extend(extensions.PrintReport(["epoch", "main/loss", "validation/main/accuracy"]))
trainer.run()
