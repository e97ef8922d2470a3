"""Model parallelism: arguments, errors and values in one process; the rest under mpiexec."""

from __future__ import annotations

from typing import Any

import numpy
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import kusari.functions as F
import kusari.links as L
from kusari.distributed import (
    CommunicatorBase,
    MultiNodeIterator,
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
    MultiNodeNStepRNN,
    create_mnbn_model,
    create_multi_node_n_step_rnn,
)
from kusari.graph import Variable, grad, gradient_check
from kusari.iterators import SerialIterator
from kusari.links import Chain, ChainList
from kusari.serializers import DictionarySerializer, NpzDeserializer

from ._mpirun import run_ok


def arr(array: numpy.ndarray | None) -> numpy.ndarray:
    assert array is not None
    return array


# -- under mpiexec ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "n"),
    [
        ("functions", 2),
        ("functions", 3),
        ("chain_list", 2),
        ("iterators", 3),
        ("n_step_rnn", 2),
        ("mnbn_model", 2),
    ],
)
def test_model_parallel_case(case: str, n: int) -> None:
    result = run_ok("model_parallel.py", n, case)
    assert f"PASSED {case}" in result.stdout, result.describe()


# -- communicator array transfers ------------------------------------------------------------


def test_array_collectives_of_one_process(comm: CommunicatorBase) -> None:
    half = numpy.arange(4, dtype=numpy.float16).reshape(2, 2)
    flags = numpy.array([True, False])
    gathered = comm.gather(half)
    assert gathered is not None
    assert_array_equal(gathered[0], half)
    assert gathered[0].dtype == numpy.float16
    (everyone,) = comm.allgather(flags)
    assert_array_equal(everyone, flags)
    assert_array_equal(comm.scatter([half]), half)
    (back,) = comm.alltoall([numpy.float64(3.5) * numpy.ones(())])
    assert back.shape == ()
    assert float(back) == 3.5


def test_array_collectives_reject_bad_arguments(comm: CommunicatorBase) -> None:
    with pytest.raises(
        ValueError, match=r"alltoall needs one array per process: .*length 1, got length 2"
    ):
        comm.alltoall([numpy.ones(1), numpy.ones(1)])
    with pytest.raises(ValueError, match=r"scatter needs one array per process.*got ndarray"):
        comm.scatter(numpy.ones(1))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="data must be a NumPy or CuPy array, got list"):
        comm.gather([1.0])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"xs\[0\] has dtype object, which cannot be sent"):
        comm.alltoall([numpy.array([None])])
    with pytest.raises(ValueError, match=r"root must be a rank in \[0, 1\), got 1"):
        comm.gather(numpy.ones(1), root=1)
    with pytest.raises(ValueError, match=r"dest must be a rank in \[0, 1\), got -1"):
        comm.send(numpy.ones(1), dest=-1)


# -- differentiable functions ----------------------------------------------------------------


def test_send_and_recv_refuse_this_process_and_bad_ranks(comm: CommunicatorBase) -> None:
    x = Variable(numpy.ones(2))
    with pytest.raises(ValueError, match="rank must be different from communicator rank"):
        send(x, comm, rank=0)
    with pytest.raises(ValueError, match="rank must be different from communicator rank"):
        recv(comm, rank=0)
    with pytest.raises(ValueError, match=r"rank must be a rank in \[0, 1\), got 3"):
        send(x, comm, rank=3)
    with pytest.raises(TypeError, match=r"communicator must come from kusari.distributed"):
        send(x, object(), rank=1)  # type: ignore[arg-type]


def test_pseudo_connect_passes_values_and_gradients_and_feeds_the_delegate() -> None:
    rng = numpy.random.default_rng(0)
    a, b = rng.normal(size=(2, 3)), rng.normal(size=4)
    delegate = Variable(numpy.empty((0,), numpy.float32))
    ya, yb = pseudo_connect(delegate, a, b)
    assert_array_equal(ya.array, a)
    assert_array_equal(yb.array, b)
    gradient_check.check_backward(
        lambda u, v: pseudo_connect(None, u, v), (a, b), (rng.normal(size=(2, 3)), None)
    )
    va = Variable(a)
    (y,) = pseudo_connect(delegate, va)
    F.sum(y * y).backward()
    assert_allclose(arr(va.grad), 2 * a)
    assert delegate.grad is not None  # the delegate's backward ran (with zeros)
    assert delegate.grad.shape == (0,)
    gradient_check.check_double_backward(
        lambda u: pseudo_connect(None, u)[0] ** 3,
        (a,),
        (rng.normal(size=(2, 3)),),
        (rng.normal(size=(2, 3)),),
    )
    with pytest.raises(ValueError, match="needs at least one actual variable"):
        pseudo_connect(delegate)


def test_collectives_of_one_process_are_identities_with_gradients(comm: CommunicatorBase) -> None:
    rng = numpy.random.default_rng(1)
    x, gy, ggx = rng.normal(size=(2, 3)), rng.normal(size=(2, 3)), rng.normal(size=(2, 3))
    gradient_check.check_backward(lambda v: allgather(comm, v), (x,), (gy,))
    gradient_check.check_double_backward(lambda v: allgather(comm, v)[0] ** 2, (x,), (gy,), (ggx,))
    gradient_check.check_backward(lambda v: alltoall(comm, [v]), (x,), (gy,))
    gradient_check.check_double_backward(
        lambda v: alltoall(comm, (v,))[0] ** 2, (x,), (gy,), (ggx,)
    )

    # bcast, gather and scatter are differentiable once (check_backward also checks the
    # recorded backward graph): with one process, each is the identity
    def gathered(v: Variable) -> Variable:
        ys = gather(comm, v)
        assert isinstance(ys, tuple)
        return ys[0]

    for apply in (lambda v: bcast(comm, v), gathered, lambda v: scatter(comm, [v])):
        v = Variable(x.copy())
        y = apply(v)
        assert_array_equal(y.array, x)
        y.grad = gy
        y.backward()
        assert_array_equal(arr(v.grad), gy)


def test_collective_arguments_are_checked(comm: CommunicatorBase) -> None:
    x = numpy.ones(2)
    with pytest.raises(
        ValueError,
        match=r"alltoall needs one Variable per process: .*length 1 \(the communicator size\), "
        r"got length 2",
    ):
        alltoall(comm, [x, x])
    with pytest.raises(ValueError, match=r"scatter needs one Variable per process.*got NoneType"):
        scatter(comm, None)
    with pytest.raises(
        ValueError, match="bcast needs a Variable or array to broadcast on the root"
    ):
        bcast(comm, None)
    with pytest.raises(ValueError, match=r"root must be a rank in \[0, 1\), got 2"):
        gather(comm, x, root=2)
    with pytest.raises(TypeError, match=r"comm must come from kusari.distributed"):
        allgather(None, x)  # type: ignore[arg-type]


def test_once_differentiable_collectives_refuse_double_backprop(comm: CommunicatorBase) -> None:
    x = Variable(numpy.array([1.0, 2.0]))
    y = bcast(comm, x)
    with pytest.raises(NotImplementedError, match="bcast does not support double backprop"):
        grad([F.sum(y * y)], [x], enable_double_backprop=True)


# -- MultiNodeChainList ----------------------------------------------------------------------


def _linear(seed: int, n_in: int, n_out: int) -> L.Linear:
    rng = numpy.random.default_rng(seed)
    link = L.Linear(n_in, n_out)
    assert link.b is not None
    link.W.array = rng.normal(size=(n_out, n_in))
    link.b.array = rng.normal(size=n_out)
    link.cleargrads()
    return link


def test_chain_list_in_one_process_passes_through_its_own_queue(comm: CommunicatorBase) -> None:
    first, second = _linear(0, 3, 4), _linear(1, 4, 2)
    model = MultiNodeChainList(comm)
    model.add_link(first, rank_in=None, rank_out=0)  # to itself
    model.add_link(second, rank_in=0, rank_out=None)
    x = numpy.random.default_rng(2).normal(size=(5, 3))
    y = model(x)
    ref_first, ref_second = _linear(0, 3, 4), _linear(1, 4, 2)
    ref_y = ref_second(ref_first(x))
    assert_allclose(arr(y.array), arr(ref_y.array), rtol=1e-12)
    F.sum(y * y).backward()
    F.sum(ref_y * ref_y).backward()
    for link, ref in ((first, ref_first), (second, ref_second)):
        expected = dict(ref.namedparams())
        for name, p in link.namedparams():
            assert_allclose(arr(p.grad), arr(expected[name].grad), rtol=1e-12, err_msg=name)
    assert [name for name, _ in model.namedparams()] == ["/0/W", "/0/b", "/1/W", "/1/b"]


def test_chain_list_checks_its_wiring(comm: CommunicatorBase) -> None:
    model = MultiNodeChainList(comm)
    with pytest.raises(RuntimeError, match="has no component"):
        model(numpy.ones((1, 3)))
    with pytest.raises(
        ValueError, match=r"rank_in must be None, a rank in \[0, 1\) or a list of them, got 1"
    ):
        model.add_link(_linear(0, 3, 3), rank_in=1)
    with pytest.raises(
        ValueError,
        match=r"rank_out must be None, a rank in \[0, 1\) or a list of them, got \[0, True\]",
    ):
        model.add_link(_linear(0, 3, 3), rank_out=[0, True])
    with pytest.raises(ValueError, match="rank_out must name at least one rank"):
        model.add_link(_linear(0, 3, 3), rank_out=[])
    assert len(model) == 0  # nothing was added
    model.add_link(_linear(0, 3, 3))
    with pytest.raises(ValueError, match=r"more than one component whose rank_out is None.*#0"):
        model.add_link(_linear(0, 3, 3))
    assert len(model) == 1
    dangling = MultiNodeChainList(comm)
    dangling.add_link(_linear(0, 3, 3), rank_out=0)
    with pytest.raises(
        ValueError, match=r"1 output\(s\) sent by this process to itself were never received"
    ):
        dangling(numpy.ones((1, 3)))
    starving = MultiNodeChainList(comm)
    starving.add_link(_linear(0, 3, 3), rank_in=0)
    with pytest.raises(
        ValueError, match="receives from its own rank 0, but no earlier component sent"
    ):
        starving()
    with pytest.raises(TypeError, match=r"comm must come from kusari.distributed"):
        MultiNodeChainList("comm")  # type: ignore[arg-type]


# -- create_mnbn_model -----------------------------------------------------------------------


class _Net(Chain):
    def __init__(self) -> None:
        super().__init__()
        with self.init_scope():
            self.l1 = _linear(3, 3, 4)
            self.bn1 = L.BatchNormalization(4, decay=0.7, eps=1e-4, dtype=numpy.float64)
            self.stack = ChainList(L.BatchNormalization(4, use_beta=False, dtype=numpy.float64))

    def forward(self, x: Any) -> Variable:
        result: Variable = self.stack[0](self.bn1(self.l1(x)))
        return result


def test_create_mnbn_model_converts_every_batch_normalization(comm: CommunicatorBase) -> None:
    net = _Net()
    rng = numpy.random.default_rng(4)
    net(rng.normal(size=(6, 3)))  # running averages away from their initial values
    arr(net.bn1.gamma.array)[...] = rng.normal(size=4)  # type: ignore[union-attr]
    net.bn1.N = 3
    converted = create_mnbn_model(net, comm)
    assert isinstance(converted, _Net)
    assert converted is not net
    bn = converted["bn1"]
    assert isinstance(bn, MultiNodeBatchNormalization)
    assert isinstance(converted.stack[0], MultiNodeBatchNormalization)
    assert isinstance(net.bn1, L.BatchNormalization)  # the original is untouched
    assert (bn.decay, bn.eps, bn.N, bn.name) == (0.7, 1e-4, 3, "bn1")
    assert_array_equal(bn.gamma.array, arr(net.bn1.gamma.array))  # type: ignore[union-attr]
    assert_array_equal(bn.avg_mean, arr(net.bn1.avg_mean))
    assert_array_equal(bn.avg_var, arr(net.bn1.avg_var))
    assert not hasattr(converted.stack[0], "beta")
    assert converted.l1.W.array is not net.l1.W.array  # a deep copy
    x = rng.normal(size=(5, 3))
    assert_allclose(converted(x).array, net(x).array, rtol=1e-12)  # one process: the same
    assert sorted(n for n, _ in converted.namedparams()) == sorted(n for n, _ in net.namedparams())
    single = create_mnbn_model(L.BatchNormalization(2), comm)
    assert isinstance(single, MultiNodeBatchNormalization)


def test_create_mnbn_model_refuses_what_it_cannot_convert(comm: CommunicatorBase) -> None:
    lazy = L.Sequential(L.BatchNormalization(axis=0))
    with pytest.raises(ValueError, match=r"BatchNormalization at '/0' has no size yet"):
        create_mnbn_model(lazy, comm)
    custom = L.Sequential(L.BatchNormalization(3, axis=(0, 1)))
    with pytest.raises(ValueError, match=r"at '/0' normalizes over axis=\(0, 1\)"):
        create_mnbn_model(custom, comm)
    with pytest.raises(TypeError, match="link must be a Link, got int"):
        create_mnbn_model(3, comm)  # type: ignore[call-overload]


# -- create_multi_node_n_step_rnn ------------------------------------------------------------


def test_multi_node_n_step_rnn_in_one_process_is_the_link(comm: CommunicatorBase) -> None:
    lstm = L.NStepLSTM(1, 3, 4, 0.0)
    wrapped = create_multi_node_n_step_rnn(lstm, comm)
    assert isinstance(wrapped, MultiNodeNStepRNN)
    assert (wrapped.n_cells, wrapped.rank_in, wrapped.rank_out) == (2, None, None)
    assert wrapped.actual_rnn is lstm
    xs = [numpy.ones((3, 3), numpy.float32), numpy.zeros((2, 3), numpy.float32)]
    hy, _, ys, delegate = wrapped(xs)
    ref_hy, _, ref_ys = lstm(None, None, xs)
    assert delegate is None
    assert_array_equal(hy.array, ref_hy.array)
    assert_array_equal(ys[1].array, ref_ys[1].array)
    assert create_multi_node_n_step_rnn(L.NStepGRU(1, 3, 4, 0.0), comm).n_cells == 1


def test_multi_node_n_step_rnn_checks_its_arguments(comm: CommunicatorBase) -> None:
    with pytest.raises(
        ValueError, match=r"link must be NStepRNN and its inherited link.*got Linear"
    ):
        create_multi_node_n_step_rnn(L.Linear(2, 2), comm)
    with pytest.raises(
        ValueError, match=r"rank_in must be another process's rank, got this process's \(0\)"
    ):
        create_multi_node_n_step_rnn(L.NStepGRU(1, 3, 4, 0.0), comm, rank_in=0)
    with pytest.raises(ValueError, match=r"rank_out must be None or a rank in \[0, 1\), got 5"):
        create_multi_node_n_step_rnn(L.NStepGRU(1, 3, 4, 0.0), comm, rank_out=5)


# -- iterators and datasets ------------------------------------------------------------------


def test_multi_node_iterator_on_the_master_mirrors_the_actual_iterator(
    comm: CommunicatorBase,
) -> None:
    actual = SerialIterator(list(range(5)), 2, shuffle=False)
    it = create_multi_node_iterator(actual, comm)
    assert isinstance(it, MultiNodeIterator)
    assert it.is_master
    assert it.next() == [0, 1]
    assert it.next() == [2, 3]
    assert (it.epoch, it.epoch_detail, it.previous_epoch_detail) == (0, 0.8, 0.4)
    assert (it.is_new_epoch, it.current_position) == (False, 4)
    assert it.next() == [4, 0]
    assert (it.epoch, it.is_new_epoch) == (1, True)
    saved = DictionarySerializer()
    it.serialize(saved)
    resumed_actual = SerialIterator(list(range(5)), 2, shuffle=False)
    resumed = create_multi_node_iterator(resumed_actual, comm)
    resumed.serialize(NpzDeserializer(saved.target))
    assert (resumed.epoch, resumed.current_position) == (1, 1)
    assert resumed.next() == [1, 2]
    once = create_multi_node_iterator(SerialIterator([7], 4, repeat=False), comm)
    assert list(once) == [[7]]


def test_multi_node_iterator_checks_its_arguments(comm: CommunicatorBase) -> None:
    with pytest.raises(ValueError, match=r"rank_master must be a rank in \[0, 1\), got 1"):
        create_multi_node_iterator(SerialIterator([1], 1), comm, rank_master=1)
    with pytest.raises(
        ValueError, match=r"the master \(rank 0\) needs an actual_iterator, got None"
    ):
        create_multi_node_iterator(None, comm)
    with pytest.raises(TypeError, match=r"communicator must come from kusari.distributed"):
        create_multi_node_iterator(SerialIterator([1], 1), None)  # type: ignore[arg-type]


def test_synchronized_iterator_reseeds_a_shuffling_iterator(comm: CommunicatorBase) -> None:
    def first_batches(global_seed: int) -> list[list[int]]:
        numpy.random.seed(global_seed)  # noqa: NPY002 (what the iterator reads)
        it = create_synchronized_iterator(SerialIterator(list(range(8)), 4), comm)
        return [it.next(), it.next()]

    assert first_batches(3) == first_batches(3)  # rank 0's global seed decides
    assert first_batches(3) != first_batches(4)
    first, second = first_batches(5)
    assert sorted(first + second) == list(range(8))
    plain = SerialIterator(list(range(4)), 2, shuffle=False)
    assert create_synchronized_iterator(plain, comm) is plain
    assert plain.next() == [0, 1]
    with pytest.raises(ValueError, match=r"actual_iterator must have order_sampler.*got list"):
        create_synchronized_iterator([1, 2], comm)  # type: ignore[type-var]


def test_create_empty_dataset() -> None:
    assert create_empty_dataset(numpy.zeros((3, 2))) == [(), (), ()]
    assert create_empty_dataset([]) == []
    with pytest.raises(TypeError, match="dataset must have a length, got int"):
        create_empty_dataset(5)  # type: ignore[arg-type]
