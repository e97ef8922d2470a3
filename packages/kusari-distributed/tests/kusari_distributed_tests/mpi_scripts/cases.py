"""Collective behaviours checked under mpiexec: ``mpiexec -n N python cases.py CASE [DIR]``.

Every process asserts; rank 0 prints ``PASSED CASE`` once all got through.  An assertion
error on any process aborts the job (the abort hook), so the test sees a non-zero exit.
"""

from __future__ import annotations

import os
import pathlib
import sys
from collections.abc import Callable
from typing import Any

import numpy
from numpy.testing import assert_allclose, assert_array_equal

import kusari.functions as F
from kusari.distributed import (
    CommunicatorBase,
    create_communicator,
    create_multi_node_checkpointer,
    create_multi_node_evaluator,
    create_multi_node_optimizer,
    multi_node_update_of,
    scatter_dataset,
    scatter_index,
)
from kusari.distributed.links import MultiNodeBatchNormalization
from kusari.graph import Variable
from kusari.links import Link, Parameter
from kusari.optimizers import SGD
from kusari.serializers import AbstractSerializer

CASES: dict[str, Callable[[CommunicatorBase, pathlib.Path], None]] = {}


def case(function: Callable[[CommunicatorBase, pathlib.Path], None]) -> Callable[..., None]:
    CASES[function.__name__] = function
    return function


def arr(array: numpy.ndarray | None) -> numpy.ndarray:
    assert array is not None
    return array


def raises(kind: type[BaseException], match: str, call: Callable[[], object]) -> str:
    try:
        call()
    except kind as error:
        message = str(error)
    else:
        raise AssertionError(f"{kind.__name__} was not raised")
    assert match in message, f"{match!r} not in {message!r}"
    return message


class Model(Link):
    """Parameters w (3,) and v (2, 2); optionally an extra u."""

    def __init__(self, value: float, extra: bool = False) -> None:
        super().__init__()
        with self.init_scope():
            self.w = Parameter(numpy.full(3, value))
            self.v = Parameter(numpy.full((2, 2), value))
            if extra:
                self.u = Parameter(numpy.zeros(1))

    def forward(self, x: numpy.ndarray) -> Variable:
        return F.sum(self.w * x[:3]) + F.sum(self.v * x[3:7].reshape(2, 2))


# -- communicator basics ---------------------------------------------------------------------


@case
def objects(comm: CommunicatorBase, _: pathlib.Path) -> None:
    r, n = comm.rank, comm.size
    assert (comm.intra_size, comm.inter_size, comm.inter_rank) == (n, 1, 0)
    assert comm.intra_rank == r
    assert comm.bcast_obj({"from": r}, root=n - 1) == {"from": n - 1}
    big = list(range(1000)) if r == 0 else None
    assert comm.bcast_obj(big, max_buf_len=7) == list(range(1000))  # 7-byte chunks
    gathered = comm.gather_obj(r * 10, root=1)
    assert gathered == ([i * 10 for i in range(n)] if r == 1 else None)
    assert comm.allgather_obj(r) == list(range(n))
    assert comm.allreduce_obj(r + 1) == n * (n + 1) // 2
    summed = comm.allreduce(numpy.full((2, 3), r + 1, dtype=numpy.float16))
    assert summed.dtype == numpy.float16
    assert summed.shape == (2, 3)
    assert_array_equal(summed, numpy.full((2, 3), n * (n + 1) // 2))
    ints = comm.allreduce(numpy.array([r, 1], dtype=numpy.int64))
    assert_array_equal(ints, [n * (n - 1) // 2, n])
    mine = numpy.arange(6.0).reshape(2, 3) * 7 if r == 1 else None
    got = comm.bcast(mine, root=1)
    assert_array_equal(got, numpy.arange(6.0).reshape(2, 3) * 7)
    assert got is not mine
    # point to point, pickled in 5-byte chunks
    if r == 0:
        comm.send_obj({"payload": numpy.arange(50)}, dest=1, tag=3, max_buf_len=5)
    elif r == 1:
        got_obj = comm.recv_obj(source=0, tag=3, max_buf_len=5)
        assert_array_equal(got_obj["payload"], numpy.arange(50))


@case
def split(comm: CommunicatorBase, _: pathlib.Path) -> None:
    sub = comm.split(color=comm.rank % 2, key=-comm.rank)
    members = sub.allgather_obj(comm.rank)
    same_color = [i for i in range(comm.size) if i % 2 == comm.rank % 2]
    assert members == sorted(same_color, reverse=True), members  # key -rank: reversed
    assert type(sub) is type(comm)
    sub.finalize()


# -- gradients and parameters ----------------------------------------------------------------


@case
def grad_mean(comm: CommunicatorBase, _: pathlib.Path) -> None:
    r, n = comm.rank, comm.size
    model = Model(0.0)
    model.w.grad = numpy.full(3, float(r + 1))
    model.v.grad = numpy.broadcast_to(numpy.float64(10 * r), (2, 2))  # read-only view
    comm.allreduce_grad(model)
    assert_allclose(model.w.grad, numpy.full(3, (n + 1) / 2))
    assert_allclose(model.v.grad, numpy.full((2, 2), 10 * (n - 1) / 2))
    # zero_fill: a missing gradient counts as zero and is stored
    if r == 0:
        model.w.grad = numpy.full(3, 6.0)
        model.v.cleargrad()
    else:
        model.w.cleargrad()
        model.v.grad = numpy.full((2, 2), 4.0)
    comm.allreduce_grad(model, zero_fill=True)
    assert_allclose(model.w.grad, numpy.full(3, 6.0 / n))
    assert_allclose(model.v.grad, numpy.full((2, 2), 4.0 * (n - 1) / n))

    # float16 gradients travel as float32 and come back as float16
    class Half(Link):
        def __init__(self) -> None:
            super().__init__()
            with self.init_scope():
                self.h = Parameter(numpy.zeros(4, dtype=numpy.float16))

    half = Half()
    half.h.grad = numpy.full(4, 0.5 * (r + 1), dtype=numpy.float16)
    comm.allreduce_grad(half)
    assert half.h.grad is not None
    assert half.h.grad.dtype == numpy.float16
    assert_allclose(half.h.grad, numpy.full(4, 0.25 * (n + 1)))
    # bcast_data: rank 0's values, in place
    model = Model(float(r + 5))
    w_before = model.w.array
    comm.bcast_data(model)
    assert model.w.array is w_before
    assert_array_equal(model.w.array, numpy.full(3, 5.0))
    assert_array_equal(model.v.array, numpy.full((2, 2), 5.0))


@case
def layout_mismatch(comm: CommunicatorBase, _: pathlib.Path) -> None:
    model = Model(1.0, extra=comm.rank == 1)
    for p in model.params():
        p.grad = numpy.ones_like(p.array)
    before = {name: p.grad.copy() for name, p in model.namedparams()}  # type: ignore[union-attr]
    raises(
        RuntimeError, "every process must build the same model", lambda: comm.allreduce_grad(model)
    )
    for name, p in model.namedparams():  # nothing changed
        assert_array_equal(p.grad, before[name])
    raises(RuntimeError, "disagree on the parameters", lambda: comm.bcast_data(model))
    # zero_fill=False with a gradient present on some processes only
    same = Model(1.0)
    same.w.grad = numpy.ones(3)
    if comm.rank == 0:
        same.v.grad = numpy.ones((2, 2))
    else:
        same.v.cleargrad()
    message = raises(RuntimeError, "zero_fill=False", lambda: comm.allreduce_grad(same))
    assert f"rank {comm.rank} has" in message
    comm.mpi_comm.Barrier()  # and nobody hangs afterwards


@case
def optimizer_lazy(comm: CommunicatorBase, _: pathlib.Path) -> None:
    r = comm.rank

    class Lazy(Link):
        def __init__(self) -> None:
            super().__init__()
            with self.init_scope():
                self.w = Parameter(numpy.array([1.0 + r], dtype=numpy.float32))
                self.z = Parameter(None)  # float32, shape known at the first forward pass

        def forward(self) -> Variable:
            if not self.z.is_initialized:
                self.z.initialize((2,))
                assert self.z.array is not None
                self.z.array[...] = 10.0 * (r + 1)
            return F.sum(self.z * self.z) + F.sum(self.w * self.w)

    model = Lazy()
    opt = create_multi_node_optimizer(SGD(lr=0.5), comm).setup(model)
    assert_array_equal(model.w.array, [1.0 + r])  # z uninitialized: no broadcast yet
    opt.update(model)
    # The first update found a new parameter: rank 0's values everywhere, no step.
    assert opt.t == 0
    assert_array_equal(model.z.array, [10.0, 10.0])
    assert_array_equal(model.w.array, [1.0])
    opt.update(model)
    assert opt.t == 1
    assert_allclose(arr(model.z.array), numpy.full(2, 10.0 - 0.5 * 20.0))
    assert_allclose(arr(model.w.array), numpy.full(1, 1.0 - 0.5 * 2.0))


@case
def optimizer_double_buffering(comm: CommunicatorBase, _: pathlib.Path) -> None:
    r, n = comm.rank, comm.size
    model = Model(0.0)
    opt = create_multi_node_optimizer(SGD(lr=1.0), comm, double_buffering=True).setup(model)

    def set_grads(value: float) -> None:
        model.w.grad = numpy.full(3, value)
        model.v.grad = numpy.full((2, 2), value)

    set_grads(float(r + 1))  # step 1: mean (n + 1) / 2, applied at step 2
    opt.update()
    assert opt.t == 0
    assert_array_equal(model.w.array, numpy.zeros(3))
    set_grads(100.0 * (r + 1))  # step 2: applies step 1's mean
    opt.update()
    assert opt.t == 1
    assert_allclose(arr(model.w.array), numpy.full(3, -(n + 1) / 2))
    set_grads(0.0)  # step 3: applies step 2's mean
    opt.update()
    assert_allclose(arr(model.w.array), numpy.full(3, -(n + 1) / 2 - 100.0 * (n + 1) / 2))
    assert_allclose(arr(model.v.array), numpy.full((2, 2), -(n + 1) / 2 - 100.0 * (n + 1) / 2))
    state = multi_node_update_of(opt)
    assert state is not None
    state.finalize()  # step 3's reduction is waited for and dropped
    assert_allclose(arr(model.w.array), numpy.full(3, -(n + 1) / 2 - 100.0 * (n + 1) / 2))


# -- data ------------------------------------------------------------------------------------


@case
def scatter(comm: CommunicatorBase, _: pathlib.Path) -> None:
    n_proc = comm.size
    for n in (10, 7, 2, 1):
        for equal in (True, False):
            for shuffle in (False, True):
                base = [f"e{i}" for i in range(n)]
                share = scatter_dataset(
                    base if comm.rank == 0 else None,
                    comm,
                    shuffle=shuffle,
                    seed=3,
                    max_buf_len=16,
                    force_equal_length=equal,
                )
                shares = comm.allgather_obj(list(share))
                order = numpy.random.RandomState(3).permutation(n) if shuffle else range(n)
                expected = [base[int(i)] for i in order]
                lengths = [len(s) for s in shares]
                if equal:
                    assert lengths == [-(-n // n_proc)] * n_proc, (n, lengths)
                    for i, s in enumerate(shares):
                        start = n * i // n_proc
                        assert s == expected[start : start + len(s)]
                    assert {e for s in shares for e in s} == set(base)
                else:
                    assert max(lengths) - min(lengths) <= 1
                    assert sum(lengths) == n
                    assert [e for s in shares for e in s] == expected
                start, stop = scatter_index(n, comm, force_equal_length=equal)
                assert stop - start == len(share)
    raises(
        ValueError,
        "empty data set",
        lambda: scatter_dataset([] if comm.rank == 0 else None, comm),
    )
    raises(TypeError, "sized, indexable", lambda: scatter_dataset(None, comm))
    # A root other than 0, whose data set the others never see.
    root = comm.size - 1
    numbers = list(range(6))
    shared = scatter_dataset(numbers if comm.rank == root else None, comm, root=root)
    gathered = comm.allgather_obj(list(shared))
    assert [e for s in gathered for e in s] == numbers, gathered


@case
def evaluator(comm: CommunicatorBase, _: pathlib.Path) -> None:
    from kusari.iterators import SerialIterator
    from kusari.reporter import report
    from kusari.training.extensions import Evaluator

    class Echo(Link):
        def forward(self, x: numpy.ndarray) -> None:
            report({"value": float(x.mean())}, self)

    data = numpy.arange(12.0).reshape(12, 1) if comm.rank == 0 else None
    share = scatter_dataset(data, comm)
    local = Evaluator(SerialIterator(share, len(share), repeat=False, shuffle=False), Echo())
    wrapped = create_multi_node_evaluator(local, comm)
    assert wrapped is local
    result = wrapped()
    # every share has equal length: the mean of means is the overall mean
    assert_allclose(result["main/value"], 5.5)  # no trainer: no "validation/" prefix

    class PerRank:
        def evaluate(self) -> dict[str, Any]:
            out: dict[str, Any] = {"all": float(comm.rank)}
            if comm.rank == 0:
                out["only0"] = 7.0
            return out

    means = create_multi_node_evaluator(PerRank(), comm).evaluate()
    assert means == {"all": (comm.size - 1) / 2, "only0": 7.0}, means


# -- layers ----------------------------------------------------------------------------------


def _bn_reference(
    x: numpy.ndarray, gamma: numpy.ndarray, beta: numpy.ndarray, gy: numpy.ndarray, eps: float
) -> tuple[numpy.ndarray, ...]:
    axes = (0, 2)
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)
    xhat = (x - mean) / numpy.sqrt(var + eps)
    g = gamma.reshape(1, -1, 1)
    y = g * xhat + beta.reshape(1, -1, 1)
    dgamma = (gy * xhat).sum(axis=axes)
    dbeta = gy.sum(axis=axes)
    dxhat = gy * g
    dx = (
        dxhat
        - dxhat.mean(axis=axes, keepdims=True)
        - xhat * (dxhat * xhat).mean(axis=axes, keepdims=True)
    ) / numpy.sqrt(var + eps)
    m = x.shape[0] * x.shape[2]
    return y, dx, dgamma, dbeta, mean.ravel(), var.ravel() * m / (m - 1)


@case
def batchnorm(comm: CommunicatorBase, _: pathlib.Path) -> None:
    rng = numpy.random.default_rng(0)
    sizes = [3 + 2 * i for i in range(comm.size)]  # uneven minibatches
    total = sum(sizes)
    x_all = rng.normal(5.0, 2.0, (total, 4, 3))
    gy_all = rng.normal(size=(total, 4, 3))
    gamma = rng.normal(1.0, 0.1, 4)
    beta = rng.normal(0.0, 0.1, 4)
    start = sum(sizes[: comm.rank])
    rows = slice(start, start + sizes[comm.rank])
    bn = MultiNodeBatchNormalization(4, comm, decay=0.5, eps=1e-5, dtype=numpy.float64)
    bn.gamma.array[...] = gamma  # type: ignore[index]
    bn.beta.array[...] = beta  # type: ignore[index]
    x = Variable(x_all[rows].copy())
    y = bn(x)
    y.grad = gy_all[rows].copy()
    bn.cleargrads()
    y.backward()
    ref_y, ref_dx, ref_dgamma, ref_dbeta, ref_mean, ref_var = _bn_reference(
        x_all, gamma, beta, gy_all, 1e-5
    )
    assert_allclose(y.array, ref_y[rows], rtol=1e-10, atol=1e-10)
    assert_allclose(arr(x.grad), ref_dx[rows], rtol=1e-8, atol=1e-10)
    # parameter gradients are local contributions: their sum over processes is the total
    assert_allclose(comm.allreduce(bn.gamma.grad), ref_dgamma, rtol=1e-10)  # type: ignore[arg-type]
    assert_allclose(comm.allreduce(bn.beta.grad), ref_dbeta, rtol=1e-10)  # type: ignore[arg-type]
    assert_allclose(bn.avg_mean, 0.5 * ref_mean, rtol=1e-10)
    assert_allclose(bn.avg_var, 0.5 + 0.5 * ref_var, rtol=1e-10)
    # double backward through the collective: d/dx of sum(dL/dx ** 2), checked numerically
    from kusari.graph import grad, using_config

    def second(x_local: numpy.ndarray) -> float:
        with using_config("enable_backprop", True):
            probe = MultiNodeBatchNormalization(4, comm, dtype=numpy.float64)
            xv = Variable(x_local)
            (gx,) = grad([F.sum(probe(xv) ** 3)], [xv], enable_double_backprop=True)
            assert gx is not None
            return float(comm.allreduce_obj(float(arr(F.sum(gx * gx).array))))

    xv = Variable(x_all[rows].copy())
    probe = MultiNodeBatchNormalization(4, comm, dtype=numpy.float64)
    (gx,) = grad([F.sum(probe(xv) ** 3)], [xv], enable_double_backprop=True)
    assert gx is not None
    F.sum(gx * gx).backward()
    analytic = xv.grad
    assert analytic is not None
    eps = 1e-6
    for index in [(0, 0, 0), (1, 2, 1), (sizes[comm.rank] - 1, 3, 2)]:
        for owner in range(comm.size):  # one element at a time, on one process
            bumped = x_all[rows].copy()
            if comm.rank == owner:
                bumped[index] += eps
            plus = second(bumped)
            bumped = x_all[rows].copy()
            if comm.rank == owner:
                bumped[index] -= eps
            minus = second(bumped)
            numeric = (plus - minus) / (2 * eps)
            exact = comm.bcast_obj(float(analytic[index]), root=owner)
            assert abs(numeric - exact) <= 1e-4 * max(1.0, abs(exact)), (
                index,
                owner,
                numeric,
                exact,
            )
    # test mode communicates nothing and uses the running averages
    with using_config("train", False):
        if comm.rank == 0:  # only one process calls it: would hang if it communicated
            out = bn(x_all[:2])
            expect = (x_all[:2] - bn.avg_mean.reshape(1, 4, 1)) / numpy.sqrt(
                bn.avg_var.reshape(1, 4, 1) + 1e-5
            )
            assert_allclose(out.array, gamma.reshape(1, 4, 1) * expect + beta.reshape(1, 4, 1))


# -- checkpoints -----------------------------------------------------------------------------


class State:
    """A serializable stand-in for a trainer."""

    def __init__(self) -> None:
        self.iteration = 0
        self.weights = numpy.zeros(3)

    def serialize(self, serializer: AbstractSerializer) -> None:
        self.iteration = int(serializer("iteration", self.iteration))
        self.weights = serializer("weights", self.weights)


@case
def checkpoint(comm: CommunicatorBase, folder: pathlib.Path) -> None:
    r = comm.rank
    cp = create_multi_node_checkpointer("job", comm, cp_interval=3, gc_interval=2, path=folder)
    state = State()
    for it in range(1, 13):
        state.iteration = it
        state.weights = numpy.full(3, 100.0 * r + it)
        cp.save(state, it)
        kept = sorted(int(p.name.split("-")[-1][:-4]) for p in folder.glob(f"job.rank-{r}.*"))
        assert kept == cp._saved
        assert len(kept) < 3 + 2
    # deletions every 2 saves down to the newest 3: 5 -> 3..5, 7 -> 5..7, 9 -> 7..9, 11 -> 9..11
    assert kept == [9, 10, 11, 12], kept
    assert cp.get_stats()["saves"] == 12
    comm.mpi_comm.Barrier()
    # The job "died" while rank 1 was saving 12 (its file is gone), and rank 0's 11 is
    # damaged: every process must resume from 10.
    if r == 1:
        os.remove(folder / cp.filename(12))
    if r == 0:
        (folder / cp.filename(11)).write_bytes(b"not an npz archive")
    comm.mpi_comm.Barrier()
    fresh = State()
    resumed = create_multi_node_checkpointer("job", comm, path=folder).maybe_load(fresh)
    assert resumed == 10, resumed
    assert fresh.iteration == 10
    assert_array_equal(fresh.weights, numpy.full(3, 100.0 * r + 10))
    nothing = create_multi_node_checkpointer("other", comm, path=folder).maybe_load(State())
    assert nothing is None


@case
def trainer(comm: CommunicatorBase, folder: pathlib.Path) -> None:
    from kusari.iterators import SerialIterator
    from kusari.reporter import report
    from kusari.training import StandardUpdater, Trainer
    from kusari.training.extensions import Evaluator

    class Mean(Link):
        def __init__(self) -> None:
            super().__init__()
            with self.init_scope():
                self.w = Parameter(numpy.full(1, 10.0 * (comm.rank + 1)))

        def forward(self, x: numpy.ndarray) -> Variable:
            diff = self.w - x
            loss: Variable = F.mean(diff * diff)
            report({"loss": loss}, self)
            return loss

    def build(out: pathlib.Path) -> tuple[Trainer, Mean, Any]:
        model = Mean()
        optimizer = create_multi_node_optimizer(SGD(lr=0.25), comm).setup(model)
        data = numpy.arange(24.0).reshape(24, 1) if comm.rank == 0 else None
        train = scatter_dataset(data, comm, shuffle=True, seed=1)
        valid = scatter_dataset(data, comm)
        updater = StandardUpdater(SerialIterator(train, 2, shuffle=False), optimizer)
        trainer = Trainer(updater, (3, "epoch"), out=out)
        evaluator = Evaluator(SerialIterator(valid, 4, repeat=False, shuffle=False), model)
        trainer.extend(create_multi_node_evaluator(evaluator, comm))
        checkpointer = create_multi_node_checkpointer("t", comm, cp_interval=2, gc_interval=1)
        trainer.extend(checkpointer, trigger=(1, "epoch"))
        return trainer, model, checkpointer

    trainer_, model, _ = build(folder)
    trainer_.run()
    assert trainer_.updater.iteration == 3 * 24 // comm.size // 2
    weights = comm.allgather_obj(arr(model.w.array).tolist())
    assert all(w == weights[0] for w in weights), weights  # the same steps everywhere
    # The same run in one process: the mean gradient of the processes' batches each step.
    order = numpy.random.RandomState(1).permutation(24)
    length = -(-24 // comm.size)
    shares = [order[24 * r // comm.size :][:length] for r in range(comm.size)]
    w = 10.0
    for i in range(trainer_.updater.iteration):
        j = (2 * i) % length
        batch_mean = numpy.mean([share[j : j + 2].mean() for share in shares])
        w -= 0.25 * 2.0 * (w - batch_mean)
    assert abs(weights[0][0] - w) < 1e-9, (weights, w)
    # the evaluator's mean over processes: the same number everywhere
    losses = comm.allgather_obj(float(trainer_.observation["validation/main/loss"]))
    assert len(set(losses)) == 1, losses
    saved = sorted(p.name for p in folder.glob(f"t.rank-{comm.rank}.*"))
    per_epoch = 24 // comm.size // 2
    assert saved == sorted(f"t.rank-{comm.rank}.iteration-{per_epoch * e}.npz" for e in (2, 3)), (
        saved
    )
    resumed, resumed_model, checkpointer = build(folder)
    assert checkpointer.maybe_load(resumed) == 3 * per_epoch
    assert resumed.updater.iteration == 3 * per_epoch
    assert_array_equal(arr(resumed_model.w.array), arr(model.w.array))


if __name__ == "__main__":
    name = sys.argv[1]
    out = pathlib.Path(sys.argv[2]) if len(sys.argv) > 2 else pathlib.Path(".")
    communicator = create_communicator("mpi")
    CASES[name](communicator, out)
    communicator.mpi_comm.Barrier()
    if communicator.rank == 0:
        print(f"PASSED {name}", flush=True)
