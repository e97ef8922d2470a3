"""Model parallelism checked under mpiexec: ``mpiexec -n N python model_parallel.py CASE``.

Every value and gradient is compared with the same maths computed in one process (each
process builds the reference itself from the same seeds).  Rank 0 prints ``PASSED CASE``
once all processes got through; an assertion error on any process aborts the job.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import numpy
from numpy.testing import assert_allclose, assert_array_equal

import kusari.functions as F
import kusari.links as L
from kusari.distributed import (
    CommunicatorBase,
    create_communicator,
    create_empty_dataset,
    create_multi_node_iterator,
    create_synchronized_iterator,
)
from kusari.distributed.functions import (
    allgather,
    alltoall,
    bcast,
    gather,
    pseudo_connect,
    recv,
    scatter,
    send,
)
from kusari.distributed.links import (
    MultiNodeBatchNormalization,
    MultiNodeChainList,
    create_mnbn_model,
    create_multi_node_n_step_rnn,
)
from kusari.graph import Variable, grad
from kusari.iterators import SerialIterator
from kusari.links import Link
from kusari.optimizers import MomentumSGD

CASES: dict[str, Callable[[CommunicatorBase], None]] = {}


def case(function: Callable[[CommunicatorBase], None]) -> Callable[[CommunicatorBase], None]:
    CASES[function.__name__] = function
    return function


def arr(array: numpy.ndarray | None) -> numpy.ndarray:
    assert array is not None
    return array


def val(v: Variable) -> numpy.ndarray:
    return arr(v.array)


def data(*key: int, shape: tuple[int, ...] = (2, 3)) -> numpy.ndarray:
    """The same array on every process for the same key."""
    return numpy.random.default_rng(list(key)).normal(size=shape)


# -- functions -------------------------------------------------------------------------------


@case
def functions(comm: CommunicatorBase) -> None:
    r, n = comm.rank, comm.size

    # allgather, shapes differing by rank; loss on rank q: sum_j c(q, j) * sum(y_j ** 2)
    def c(q: int, j: int) -> float:
        return (q + 1) * (j + 2) / 10

    x = Variable(data(1, r, shape=(r + 1, 2)))
    ys = allgather(comm, x)
    assert len(ys) == n
    for j, y in enumerate(ys):
        assert_array_equal(y.array, data(1, j, shape=(j + 1, 2)))
    loss = sum((c(r, j) * F.sum(y * y) for j, y in enumerate(ys)), start=Variable(numpy.zeros(())))
    loss.backward()
    total_c = sum(c(q, r) for q in range(n))
    assert_allclose(arr(x.grad), 2 * total_c * val(x), rtol=1e-12)
    # ... and twice: d/dx of sum(gx ** 2), gx = 2 C x, is 8 C**2 x
    x2 = Variable(data(1, r, shape=(r + 1, 2)))
    ys = allgather(comm, x2)
    loss = sum((c(r, j) * F.sum(y * y) for j, y in enumerate(ys)), start=Variable(numpy.zeros(())))
    (gx,) = grad([loss], [x2], enable_double_backprop=True)
    assert gx is not None
    assert_allclose(val(gx), 2 * total_c * val(x2), rtol=1e-12)
    F.sum(gx * gx).backward()
    assert_allclose(arr(x2.grad), 8 * total_c**2 * val(x2), rtol=1e-12)

    # alltoall: xs[j] goes to rank j; rank r gets data(2, i, r) from each rank i
    xs = [Variable(data(2, r, j, shape=(j + 1, r + 1))) for j in range(n)]
    ys = alltoall(comm, xs)
    for i, y in enumerate(ys):
        assert_array_equal(y.array, data(2, i, r, shape=(r + 1, i + 1)))
    loss = sum((c(r, i) * F.sum(y**3) for i, y in enumerate(ys)), start=Variable(numpy.zeros(())))
    loss.backward()
    for j, xj in enumerate(xs):  # x_{r,j} is y_r on rank j: weight c(j, r)
        assert_allclose(arr(xj.grad), 3 * c(j, r) * val(xj) ** 2, rtol=1e-12)

    # bcast from the last rank; loss on rank q: c(q, 0) * sum(y ** 2)
    root = n - 1
    xb = Variable(data(3)) if r == root else None
    y = bcast(comm, xb, root=root)
    assert_array_equal(y.array, data(3))
    (c(r, 0) * F.sum(y * y)).backward()
    if xb is not None:
        assert_allclose(arr(xb.grad), 2 * sum(c(q, 0) for q in range(n)) * data(3), rtol=1e-12)

    # gather on rank 1: the root's loss is sum_j c(1, j) * sum(y_j ** 3)
    root = 1
    xg = Variable(data(4, r, shape=(2, r + 1)))
    gathered = gather(comm, xg, root=root)
    if r == root:
        assert isinstance(gathered, tuple)
        for j, yj in enumerate(gathered):
            assert_array_equal(yj.array, data(4, j, shape=(2, j + 1)))
        sum(
            (c(root, j) * F.sum(yj**3) for j, yj in enumerate(gathered)),
            start=Variable(numpy.zeros(())),
        ).backward()
    else:
        assert isinstance(gathered, Variable)
        assert gathered.shape == (0,)
        gathered.backward()  # the delegate: receives this process's gradient
    assert_allclose(arr(xg.grad), 3 * c(root, r) * val(xg) ** 2, rtol=1e-12)

    # scatter from rank 0: rank i gets data(5, i); its loss is c(i, 0) * sum(y ** 2)
    xs_root = [Variable(data(5, i, shape=(i + 1,))) for i in range(n)]
    ys_scattered = scatter(comm, xs_root if r == 0 else None, root=0)
    assert_array_equal(ys_scattered.array, data(5, r, shape=(r + 1,)))
    (c(r, 0) * F.sum(ys_scattered**2)).backward()
    if r == 0:
        for i, xi in enumerate(xs_root):
            assert_allclose(arr(xi.grad), 2 * c(i, 0) * val(xi), rtol=1e-12)

    # send/recv along a pipeline 0 -> 1 -> ... -> n-1, with a tuple on the first hop:
    # h = (2 a + b) * 3 ** (n - 2) at the end, loss sum(h ** 2)
    a = Variable(data(6, 0))
    b = Variable(data(6, 1))
    scale = 2 * 3.0 ** (n - 2)
    if r == 0:
        delegate = send((a * 2, b), comm, rank=1)
        assert delegate.shape == (0,)
        assert delegate.name == "delegate_variable"
        delegate.backward()
        h = (2 * val(a) + val(b)) * 3.0 ** (n - 2)
        assert_allclose(arr(a.grad), 2 * h * scale, rtol=1e-12)
        assert_allclose(arr(b.grad), 2 * h * 3.0 ** (n - 2), rtol=1e-12)
    else:
        if r == 1:
            first, second = recv(comm, rank=0, force_tuple=True)
            assert_allclose(val(first), 2 * data(6, 0))
            h_var = first + second
        else:
            h_var = recv(comm, rank=r - 1)  # type: ignore[assignment]
        if r < n - 1:
            send(h_var * 3, comm, rank=r + 1).backward()
        else:
            assert_allclose(val(h_var), (2 * val(a) + val(b)) * 3.0 ** (n - 2), rtol=1e-12)
            F.sum(h_var * h_var).backward()

    # pseudo_connect: rank 0 sends, then computes a local output hung on the delegate
    if r in (0, 1):
        peer = 1 - r
        z = Variable(data(7, r))
        if r == 0:
            delegate = send(z * 5, comm, rank=peer)
            (local,) = pseudo_connect(delegate, z * 1.0)
            F.sum(local * local).backward()  # local part, then the send's gradient
            assert_allclose(arr(z.grad), 2 * val(z) + 5 * 3.0, rtol=1e-12)
        else:
            (received,) = recv(comm, rank=peer, force_tuple=True)
            F.sum(received * 3.0).backward()
    comm.mpi_comm.Barrier()


# -- MultiNodeChainList ----------------------------------------------------------------------


def linear(seed: int, n_in: int, n_out: int) -> L.Linear:
    rng = numpy.random.default_rng(seed)
    link = L.Linear(n_in, n_out)
    assert link.b is not None
    link.W.array = rng.normal(0.0, n_in**-0.5, (n_out, n_in))
    link.b.array = rng.normal(0.0, 0.1, n_out)
    return link


class Join(Link):
    """y = tanh(Wa a + Wb b): a component with two inputs."""

    def __init__(self) -> None:
        super().__init__()
        with self.init_scope():
            self.la = linear(30, 4, 3)
            self.lb = linear(31, 4, 3)

    def forward(self, a: Variable, b: Variable) -> Variable:
        result: Variable = F.tanh(self.la(a) + self.lb(b))
        return result


def grads_of(link: Link) -> dict[str, numpy.ndarray]:
    return {name: arr(p.grad).copy() for name, p in link.namedparams()}


@case
def chain_list(comm: CommunicatorBase) -> None:
    assert comm.size == 2
    r = comm.rank
    x_all = data(20, shape=(24, 5))
    t_all = numpy.sin(x_all[:, :2])
    examples = list(zip(x_all, t_all, strict=True))

    # (a) a two-stage MLP trained split over the ranks, fed by a multi-node iterator,
    # against the same model trained in one process
    stage1, stage2 = linear(1, 5, 8), linear(2, 8, 2)
    model = MultiNodeChainList(comm)
    if r == 0:
        model.add_link(stage1, rank_in=None, rank_out=1)
    else:
        model.add_link(stage2, rank_in=0, rank_out=None)
    optimizer = MomentumSGD(lr=0.1).setup(model)
    source = SerialIterator(examples, 6, shuffle=False) if r == 0 else None
    batches = create_multi_node_iterator(source, comm)

    ref1, ref2 = linear(1, 5, 8), linear(2, 8, 2)
    ref_opt1 = MomentumSGD(lr=0.1).setup(ref1)
    ref_opt2 = MomentumSGD(lr=0.1).setup(ref2)
    for step in range(6):
        batch = batches.next()
        xb = numpy.stack([e[0] for e in batch])
        tb = numpy.stack([e[1] for e in batch])
        assert_array_equal(xb, x_all[6 * (step % 4) : 6 * (step % 4) + 6])
        model.cleargrads()
        y = model(xb if r == 0 else None)
        if r == 0:
            assert y.shape == (0,)  # the delegate
            y.backward()
        else:
            loss = F.mean_squared_error(y, tb)
            loss.backward()
        optimizer.update()
        ref1.cleargrads()
        ref2.cleargrads()
        F.mean_squared_error(ref2(ref1(xb)), tb).backward()
        ref_opt1.update()
        ref_opt2.update()
    assert batches.epoch == 1
    assert batches.is_new_epoch is False
    mine, ref = (stage1, ref1) if r == 0 else (stage2, ref2)
    assert not numpy.allclose(arr(mine.W.array), arr(linear(1 + r, *mine.W.shape[::-1]).W.array))
    assert mine.b is not None
    assert ref.b is not None
    assert_allclose(arr(mine.W.array), arr(ref.W.array), rtol=1e-12, atol=1e-12)
    assert_allclose(arr(mine.b.array), arr(ref.b.array), rtol=1e-12, atol=1e-12)

    # (b) fan-out, a round trip and a send to itself:
    # rank 0: A (input -> [rank 1, itself]), C ([itself, rank 1] -> output)
    # rank 1: B (rank 0 -> rank 0);  y = C(A(x), B(A(x)))
    comp_a, comp_b, comp_c = linear(10, 5, 4), linear(11, 4, 4), Join()
    model = MultiNodeChainList(comm)
    if r == 0:
        model.add_link(comp_a, rank_in=None, rank_out=[1, 0])
        model.add_link(comp_c, rank_in=[0, 1], rank_out=None)
    else:
        model.add_link(comp_b, rank_in=0, rank_out=0)
    xb = x_all[:4]
    y = model(xb if r == 0 else None)
    ref_a, ref_b, ref_c = linear(10, 5, 4), linear(11, 4, 4), Join()
    hidden = ref_a(xb)
    ref_y = ref_c(hidden, ref_b(hidden))
    ref_loss = F.sum(ref_y**2)
    ref_loss.backward()
    if r == 0:
        assert_allclose(y.array, ref_y.array, rtol=1e-12)
        F.sum(y**2).backward()
        for link, ref_link in ((comp_a, ref_a), (comp_c, ref_c)):
            expected = grads_of(ref_link)
            for name, g in grads_of(link).items():
                assert_allclose(g, expected[name], rtol=1e-10, atol=1e-12, err_msg=name)
    else:
        assert y.shape == (0,)
        y.backward()
        expected = grads_of(ref_b)
        for name, g in grads_of(comp_b).items():
            assert_allclose(g, expected[name], rtol=1e-10, atol=1e-12, err_msg=name)


# -- iterators -------------------------------------------------------------------------------


@case
def iterators(comm: CommunicatorBase) -> None:
    r, n = comm.rank, comm.size
    master = n - 1
    source = (
        SerialIterator(list(range(7)), 3, repeat=False, shuffle=False) if r == master else None
    )
    it = create_multi_node_iterator(source, comm, rank_master=master)
    assert it.is_master == (r == master)
    assert (it.epoch, it.epoch_detail, it.previous_epoch_detail) == (0, 0.0, None)
    seen = []
    details = []
    for batch in it:
        seen.append(batch)
        details.append((it.epoch, round(it.epoch_detail, 6), it.is_new_epoch, it.current_position))
    assert seen == [[0, 1, 2], [3, 4, 5], [6]], seen
    assert details == [(0, 0.428571, False, 3), (0, 0.857143, False, 6), (1, 1.0, True, 0)], (
        details
    )
    everyone = comm.allgather_obj((seen, details))
    assert all(e == everyone[0] for e in everyone)

    # synchronized shuffling: different global seeds, the same batches everywhere
    numpy.random.seed(100 + r)  # noqa: NPY002 (what the iterator must override)
    sync = create_synchronized_iterator(SerialIterator(list(range(10)), 4), comm)
    batches = [sync.next() for _ in range(5)]
    everyone_batches = comm.allgather_obj(batches)
    assert all(b == everyone_batches[0] for b in everyone_batches), everyone_batches
    assert sorted([*batches[0], *batches[1], *batches[2][:2]]) == list(range(10))
    assert batches[0] != [0, 1, 2, 3] or batches[1] != [4, 5, 6, 7]  # it does shuffle
    plain = SerialIterator(list(range(5)), 2, shuffle=False)
    assert create_synchronized_iterator(plain, comm) is plain
    assert plain.order_sampler is None
    assert create_empty_dataset(list(range(4))) == [(), (), (), ()]


# -- links -----------------------------------------------------------------------------------


@case
def n_step_rnn(comm: CommunicatorBase) -> None:
    """An encoder LSTM on rank 0 hands its states to a decoder LSTM on rank 1."""
    assert comm.size == 2
    r = comm.rank

    def lstm(seed: int) -> L.NStepLSTM:
        rnn = L.NStepLSTM(1, 3, 4, 0.0)
        rng = numpy.random.default_rng(seed)
        for p in rnn.params():
            p.array = rng.normal(0.0, 0.5, arr(p.array).shape).astype(arr(p.array).dtype)
        rnn.cleargrads()  # parameters start with NaN gradients, as in Chainer
        return rnn

    enc_in = [data(40, i, shape=(4 - i, 3)).astype(numpy.float32) for i in range(2)]
    dec_in = [data(41, i, shape=(2 + i, 3)).astype(numpy.float32) for i in range(2)]
    if r == 0:
        encoder = create_multi_node_n_step_rnn(lstm(1), comm, rank_out=1)
        *_, delegate = encoder(enc_in)
        assert delegate is not None
        delegate.backward()
        mine = encoder.actual_rnn
    else:
        decoder = create_multi_node_n_step_rnn(lstm(2), comm, rank_in=0)
        _, _, ys, delegate = decoder(dec_in)
        assert delegate is None
        F.sum(F.concat(ys, axis=0) ** 2).backward()
        mine = decoder.actual_rnn
    ref_enc, ref_dec = lstm(1), lstm(2)
    h, c, _ = ref_enc(None, None, enc_in)
    _, _, ref_ys = ref_dec(h, c, dec_in)
    F.sum(F.concat(ref_ys, axis=0) ** 2).backward()
    expected = grads_of(ref_enc if r == 0 else ref_dec)
    got = grads_of(mine)
    assert sorted(got) == sorted(expected)
    for name, g in got.items():
        assert numpy.isfinite(g).all(), (name, g)
        assert numpy.abs(g).sum() > 0, (name, g)
        assert_allclose(g, expected[name], rtol=1e-4, atol=1e-6, err_msg=name)


@case
def mnbn_model(comm: CommunicatorBase) -> None:
    """create_mnbn_model: each process's half of the batch, normalized as one batch."""
    r, n = comm.rank, comm.size
    model = L.Sequential(linear(50, 3, 4), L.BatchNormalization(4, dtype=numpy.float64))
    converted = create_mnbn_model(model, comm)
    x_all = data(51, shape=(4 * n, 3))
    rows = slice(4 * r, 4 * r + 4)
    y = converted(x_all[rows])
    expected = model(x_all)  # one process, the whole batch
    assert_allclose(y.array, arr(expected.array)[rows], rtol=1e-10, atol=1e-12)
    bn, reference = converted[1], model[1]
    assert isinstance(bn, MultiNodeBatchNormalization)
    assert isinstance(reference, L.BatchNormalization)
    assert_allclose(bn.avg_mean, arr(reference.avg_mean), rtol=1e-10)


if __name__ == "__main__":
    name = sys.argv[1]
    communicator = create_communicator("mpi")
    CASES[name](communicator)
    communicator.mpi_comm.Barrier()
    if communicator.rank == 0:
        print(f"PASSED {name}", flush=True)
