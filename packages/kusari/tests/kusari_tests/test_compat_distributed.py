"""ChainerMN-style code running on kusari after install_as_chainer()."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator

import numpy
import pytest

from kusari import distributed
from kusari.compat import install_as_chainer, uninstall_chainer


def _mpi_or_skip() -> None:
    import os

    try:
        import mpi4py.MPI  # noqa: F401
    except (ImportError, RuntimeError, OSError) as error:
        if os.environ.get("KUSARI_REQUIRE_MPI"):
            pytest.fail(f"KUSARI_REQUIRE_MPI is set but MPI cannot be loaded: {error}")
        pytest.skip(f"mpi4py cannot load an MPI library: {error}")


@pytest.fixture
def chainer() -> Iterator[types.ModuleType]:
    module = install_as_chainer()
    yield module
    uninstall_chainer()
    distributed.uninstall_abort_on_exception()


def test_chainermn_names(chainer: types.ModuleType) -> None:
    import chainermn
    import chainermn.links

    assert chainermn.create_multi_node_optimizer is distributed.create_multi_node_optimizer
    assert chainermn.create_multi_node_evaluator is distributed.create_multi_node_evaluator
    assert chainermn.scatter_dataset is distributed.scatter_dataset
    assert chainermn.create_multi_node_checkpointer is (distributed.create_multi_node_checkpointer)
    assert chainermn.links.MultiNodeBatchNormalization is (
        distributed.links.MultiNodeBatchNormalization
    )
    assert chainermn.optimizers.create_multi_node_optimizer is (
        distributed.create_multi_node_optimizer
    )
    assert chainermn.extensions.create_multi_node_checkpointer is (
        distributed.create_multi_node_checkpointer
    )
    assert chainermn.datasets.scatter_dataset is distributed.scatter_dataset
    assert chainermn.communicators.CommunicatorBase is distributed.CommunicatorBase
    assert chainermn.global_except_hook.add_hook is distributed.install_abort_on_exception
    assert chainermn.__version__ == distributed.__version__
    # ChainerMN re-exports these at the top level too.
    assert chainermn.create_multi_node_iterator is distributed.create_multi_node_iterator
    assert chainermn.create_synchronized_iterator is distributed.create_synchronized_iterator
    assert chainermn.create_empty_dataset is distributed.create_empty_dataset
    assert chainermn.create_multi_node_n_step_rnn is (
        distributed.links.create_multi_node_n_step_rnn
    )


def test_uninstall_removes_chainermn(chainer: types.ModuleType) -> None:
    import chainermn  # noqa: F401

    assert "chainermn" in sys.modules
    uninstall_chainer()
    assert "chainermn" not in sys.modules


def test_chainermn_script_trains_in_one_process(chainer: types.ModuleType) -> None:
    _mpi_or_skip()
    import chainer as ch
    import chainer.functions as F
    import chainermn

    class Model(ch.Chain):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            with self.init_scope():
                self.w = ch.Parameter(numpy.array([2.0, -1.0]))
                self.bn = chainermn.links.MultiNodeBatchNormalization(2, comm)

        def forward(self, x: numpy.ndarray) -> ch.Variable:
            return F.sum(self.bn(x * self.w) ** 2 * numpy.array([1.0, 3.0]))

    comm = chainermn.create_communicator("naive")
    assert (comm.rank, comm.size) == (0, 1)
    model = Model()
    optimizer = chainermn.create_multi_node_optimizer(ch.optimizers.SGD(lr=0.1), comm)
    optimizer.setup(model)
    data = numpy.arange(12.0).reshape(6, 2) if comm.rank == 0 else None
    train = chainermn.scatter_dataset(data, comm, shuffle=True, seed=0)
    assert len(train) == 6
    batch = numpy.stack([train[i] for i in range(4)])
    before = model.w.array.copy()
    optimizer.update(model, batch)
    assert optimizer.t == 1
    assert not numpy.array_equal(model.w.array, before)  # a real step was taken
    evaluator = chainermn.create_multi_node_evaluator(_Fixed(), comm)
    assert evaluator.evaluate() == {"main/loss": 0.25}


class _Fixed:
    def evaluate(self) -> dict[str, float]:
        return {"main/loss": 0.25}


def test_chainermn_default_communicator_needs_nccl(
    chainer: types.ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    _mpi_or_skip()
    import chainermn

    monkeypatch.setitem(sys.modules, "cupy", None)
    with pytest.raises(RuntimeError, match="NCCL communicator cannot be used: CuPy is not"):
        chainermn.create_communicator()
    with pytest.raises(NotImplementedError, match="allreduce_grad_dtype"):
        chainermn.create_communicator("naive", allreduce_grad_dtype=numpy.float16)


def test_chainermn_model_parallel_script_runs_in_one_process(chainer: types.ModuleType) -> None:
    _mpi_or_skip()
    import chainer as ch
    import chainer.functions as F
    import chainer.links as L
    import chainermn
    import chainermn.datasets
    import chainermn.functions
    import chainermn.iterators
    import chainermn.links

    assert chainermn.functions.send is distributed.functions.send
    assert chainermn.functions.alltoall is distributed.functions.alltoall
    assert chainermn.links.MultiNodeChainList is chainermn.MultiNodeChainList
    comm = chainermn.create_communicator("naive")
    # A "two-stage" model whose stages talk through this process's own queue.
    first, second = L.Linear(3, 4), L.Linear(4, 2)
    model = chainermn.MultiNodeChainList(comm)
    model.add_link(first, rank_in=None, rank_out=0)
    model.add_link(second, rank_in=0, rank_out=None)
    optimizer = ch.optimizers.SGD(lr=0.1)
    optimizer.setup(model)
    reference = ch.Sequential(first.copy("copy"), second.copy("copy"))
    ref_optimizer = ch.optimizers.SGD(lr=0.1)
    ref_optimizer.setup(reference)
    rng = numpy.random.default_rng(0)
    data = [(rng.normal(size=3).astype(numpy.float32), numpy.float32(i % 2)) for i in range(8)]
    actual = ch.iterators.SerialIterator(data, 4, shuffle=False)
    batches = chainermn.iterators.create_multi_node_iterator(actual, comm)
    losses = []
    for _ in range(4):
        x = numpy.stack([e[0] for e in batches.next()])
        y = model(x)
        loss = F.sum(y * y)
        model.cleargrads()
        loss.backward()
        optimizer.update()
        ref_y = reference(x)
        numpy.testing.assert_allclose(y.array, ref_y.array, rtol=1e-6)
        reference.cleargrads()
        F.sum(ref_y * ref_y).backward()
        ref_optimizer.update()
        losses.append(float(loss.array))
    assert batches.epoch == 2
    numpy.testing.assert_allclose(second.W.array, reference[1].W.array, rtol=1e-5)
    numpy.testing.assert_allclose(first.b.array, reference[0].b.array, rtol=1e-5, atol=1e-7)
    assert losses[0] != losses[2]  # the same batch, after two steps
    synced = chainermn.iterators.create_synchronized_iterator(
        ch.iterators.SerialIterator(data, 4), comm
    )
    assert len(synced.next()) == 4
    assert chainermn.datasets.create_empty_dataset(data) == [()] * 8
    # collectives of one process: identities, with gradients
    v = ch.Variable(numpy.array([1.0, 2.0]))
    (gathered,) = chainermn.functions.allgather(comm, v)
    F.sum(gathered * gathered).backward()
    assert v.grad.tolist() == [2.0, 4.0]
    with pytest.raises(ValueError, match="rank must be different from communicator rank"):
        chainermn.functions.send(v, comm, rank=0)
    bn_model = chainermn.links.create_mnbn_model(ch.Sequential(L.BatchNormalization(3)), comm)
    assert type(bn_model[0]) is chainermn.links.MultiNodeBatchNormalization
    rnn = chainermn.links.create_multi_node_n_step_rnn(L.NStepGRU(1, 3, 2, 0.0), comm)
    hy, ys, delegate = rnn([numpy.ones((2, 3), numpy.float32)])
    assert (hy.shape, ys[0].shape, delegate) == ((1, 1, 2), (2, 2), None)
