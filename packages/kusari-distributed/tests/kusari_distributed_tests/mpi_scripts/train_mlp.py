"""Data-parallel training of a small MLP; or, with --reference, the same in one process.

Under ``mpiexec -n 2`` every process starts from different random weights (setup must
broadcast rank 0's), trains on its half of the data with batch B, and saves its final
parameters.  ``--reference`` trains rank 0's initial model in one process with batch 2B made
of the same examples, which must give the same parameters.
"""

from __future__ import annotations

import pathlib
import sys

import numpy

import kusari.functions as F
from kusari.graph import Variable
from kusari.links import Chain, Link, Parameter
from kusari.optimizers import MomentumSGD

N_EXAMPLES = 64
BATCH = 8
STEPS = 10
DTYPE = numpy.float64


class Dense(Link):
    def __init__(self, n_in: int, n_out: int, rng: numpy.random.Generator) -> None:
        super().__init__()
        with self.init_scope():
            self.W = Parameter(rng.normal(0.0, n_in**-0.5, (n_in, n_out)).astype(DTYPE))
            self.b = Parameter(rng.normal(0.0, 0.1, (n_out,)).astype(DTYPE))

    def forward(self, x: Variable) -> Variable:
        return F.matmul(x, self.W) + self.b


class MLP(Chain):
    def __init__(self, seed: int) -> None:
        super().__init__()
        rng = numpy.random.default_rng(seed)
        with self.init_scope():
            self.l1 = Dense(5, 16, rng)
            self.l2 = Dense(16, 3, rng)

    def forward(self, x: Variable) -> Variable:
        hidden: Variable = self.l1(x)
        out: Variable = self.l2(F.tanh(hidden))
        return out


def data() -> tuple[numpy.ndarray, numpy.ndarray]:
    rng = numpy.random.default_rng(7)
    x = rng.normal(size=(N_EXAMPLES, 5)).astype(DTYPE)
    t = numpy.sin(x[:, :3]) + 0.1 * rng.normal(size=(N_EXAMPLES, 3))
    return x, t.astype(DTYPE)


def loss_of(model: MLP, x: numpy.ndarray, t: numpy.ndarray) -> Variable:
    diff = model(Variable(x)) - t
    return F.mean(diff * diff)


def save(model: MLP, path: pathlib.Path) -> None:
    arrays = {name: p.array for name, p in model.namedparams() if p.array is not None}
    numpy.savez(path, **arrays)  # type: ignore[arg-type]


def reference(out: pathlib.Path) -> None:
    x, t = data()
    half = N_EXAMPLES // 2
    steps_per_epoch = half // BATCH
    model = MLP(seed=100)
    optimizer = MomentumSGD(lr=0.1).setup(model)
    for step in range(STEPS):
        i = step % steps_per_epoch
        rows = numpy.r_[i * BATCH : (i + 1) * BATCH, half + i * BATCH : half + (i + 1) * BATCH]
        optimizer.update(loss_of, model, x[rows], t[rows])
    save(model, out / "reference.npz")


def distributed(out: pathlib.Path) -> None:
    from kusari.distributed import (
        create_communicator,
        create_multi_node_optimizer,
        scatter_dataset,
    )

    comm = create_communicator("mpi")
    assert comm.size == 2, comm.size
    model = MLP(seed=100 + comm.rank)  # different on each process until setup broadcasts
    optimizer = create_multi_node_optimizer(MomentumSGD(lr=0.1), comm).setup(model)
    x, t = data()
    examples = list(zip(x, t, strict=True)) if comm.rank == 0 else None
    share = scatter_dataset(examples, comm)
    assert len(share) == N_EXAMPLES // 2
    steps_per_epoch = len(share) // BATCH
    for step in range(STEPS):
        i = step % steps_per_epoch
        batch = share[i * BATCH : (i + 1) * BATCH]
        xb = numpy.stack([e[0] for e in batch])
        tb = numpy.stack([e[1] for e in batch])
        optimizer.update(loss_of, model, xb, tb)
    assert optimizer.t == STEPS, optimizer.t
    save(model, out / f"rank{comm.rank}.npz")


if __name__ == "__main__":
    if sys.argv[1] == "--reference":
        reference(pathlib.Path(sys.argv[2]))
    else:
        distributed(pathlib.Path(sys.argv[1]))
