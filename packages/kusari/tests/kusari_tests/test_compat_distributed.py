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
