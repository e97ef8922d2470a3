"""Behaviour within one process (an MPI job of size 1): arguments, errors, values."""

from __future__ import annotations

import pathlib
import sys
import types
from typing import Any

import numpy
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import kusari.functions as F
from kusari.distributed import (
    CommunicatorBase,
    MpiCommunicator,
    MpiUnavailableError,
    create_communicator,
    create_multi_node_checkpointer,
    create_multi_node_evaluator,
    create_multi_node_optimizer,
    install_abort_on_exception,
    multi_node_update_of,
    nccl_available,
    nccl_unavailable_reason,
    scatter_dataset,
    uninstall_abort_on_exception,
)
from kusari.distributed import _mpi as mpi_module
from kusari.distributed.functions import allreduce_sum
from kusari.distributed.links import MultiNodeBatchNormalization
from kusari.graph import Variable, gradient_check, using_config
from kusari.links import Link, Parameter
from kusari.optimizers import SGD, MomentumSGD

from ._mpirun import require_mpi


class Model(Link):
    def __init__(self) -> None:
        super().__init__()
        with self.init_scope():
            self.w = Parameter(numpy.array([1.0, -2.0]))
            self.b = Parameter(numpy.array([0.5]))

    def forward(self, x: numpy.ndarray) -> Variable:
        return F.sum((self.w * x + self.b) ** 2)


def arr(array: numpy.ndarray | None) -> numpy.ndarray:
    assert array is not None
    return array


# -- creating communicators ------------------------------------------------------------------


def test_a_single_process_is_rank_0_of_1(comm: CommunicatorBase) -> None:
    assert isinstance(comm, MpiCommunicator)
    assert (comm.rank, comm.size, comm.intra_rank, comm.intra_size) == (0, 1, 0, 1)
    assert (comm.inter_rank, comm.inter_size) == (0, 1)
    assert repr(comm).startswith("MpiCommunicator(rank=0, size=1")
    import copy

    assert copy.deepcopy(comm) is comm  # a handle, not a value


def test_unknown_communicator_name_is_rejected() -> None:
    require_mpi()
    with pytest.raises(ValueError, match=r"unknown communicator_name 'fast'.*'naive'"):
        create_communicator("fast")  # type: ignore[arg-type]


def test_mpi_comm_must_be_an_intracomm() -> None:
    require_mpi()
    with pytest.raises(TypeError, match=r"mpi_comm must be an mpi4py MPI.Intracomm, got int"):
        create_communicator("mpi", mpi_comm=3)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["naive", "flat", "mpi"])
def test_chainermn_cpu_names_give_the_mpi_communicator(name: Any) -> None:
    require_mpi()
    assert type(create_communicator(name, abort_on_exception=False)) is MpiCommunicator


def test_nccl_without_cupy_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    require_mpi()
    monkeypatch.setitem(sys.modules, "cupy", None)
    assert nccl_unavailable_reason() == (
        "CuPy is not installed ('pip install kusari-devices[cuda12]' or [cuda13])"
    )
    assert nccl_available() is False
    with pytest.raises(RuntimeError, match="NCCL communicator cannot be used: CuPy is not"):
        create_communicator("pure_nccl")
    # 'auto' falls back to MPI
    assert type(create_communicator("auto", abort_on_exception=False)) is MpiCommunicator


def test_missing_mpi4py_gives_an_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "mpi4py.MPI", None)
    with pytest.raises(MpiUnavailableError, match=r"needs mpi4py.*kusari-distributed\[mpich\]"):
        mpi_module.load_mpi()


def test_unloadable_mpi_library_gives_an_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(name: str) -> types.ModuleType:
        raise RuntimeError("cannot load MPI library\nlibmpi.so: not found")

    import importlib

    monkeypatch.setattr(importlib, "import_module", fail)
    with pytest.raises(
        MpiUnavailableError, match=r"cannot load an MPI library \(cannot load MPI library\)"
    ):
        mpi_module.load_mpi()


def test_importing_the_package_does_not_load_mpi() -> None:
    import subprocess

    code = "import sys, kusari.distributed; print('mpi4py.MPI' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "False"


# -- arrays and objects ----------------------------------------------------------------------


def test_array_and_object_operations_of_one_process(comm: CommunicatorBase) -> None:
    x = numpy.arange(6, dtype=numpy.float32).reshape(2, 3)
    total = comm.allreduce(x)
    assert_array_equal(total, x)
    assert total is not x
    assert total.dtype == numpy.float32
    sent = comm.bcast(x)
    assert_array_equal(sent, x)
    assert sent is not x
    assert comm.bcast_obj({"k": [1, 2]}, max_buf_len=3) == {"k": [1, 2]}
    assert comm.gather_obj("a") == ["a"]
    assert comm.allgather_obj(1.5) == [1.5]
    assert comm.allreduce_obj(numpy.array([1, 2])).tolist() == [1, 2]


def test_bad_ranks_and_buffer_lengths_are_rejected(comm: CommunicatorBase) -> None:
    with pytest.raises(ValueError, match=r"root must be a rank in \[0, 1\), got 1"):
        comm.bcast_obj(1, root=1)
    with pytest.raises(ValueError, match=r"root must be a rank in \[0, 1\), got True"):
        comm.gather_obj(1, root=True)
    with pytest.raises(ValueError, match=r"dest must be a rank in \[0, 1\), got -1"):
        comm.send_obj(1, dest=-1)
    with pytest.raises(ValueError, match=r"source must be a rank in \[0, 1\), got 2"):
        comm.recv_obj(source=2)
    with pytest.raises(ValueError, match=r"max_buf_len must be a positive int \(bytes\), got 0"):
        comm.bcast_obj(1, max_buf_len=0)
    with pytest.raises(TypeError, match="bcast needs an array on the root, got list"):
        comm.bcast([1, 2])  # type: ignore[arg-type]


def test_split_and_finalize(comm: CommunicatorBase) -> None:
    sub = comm.split(color=0, key=0)
    assert type(sub) is MpiCommunicator
    assert (sub.rank, sub.size) == (0, 1)
    assert sub.allreduce_obj(2) == 2
    sub.finalize()
    sub.finalize()  # twice is harmless


# -- gradients -------------------------------------------------------------------------------


def test_allreduce_grad_of_one_process_keeps_values_and_arrays(comm: CommunicatorBase) -> None:
    model = Model()
    model.w.grad = numpy.array([3.0, 4.0])
    w_grad = model.w.grad
    model.b.cleargrad()
    comm.allreduce_grad(model)  # b has no gradient: left out
    assert model.w.grad is w_grad
    assert_array_equal(w_grad, [3.0, 4.0])
    assert model.b.grad is None
    comm.allreduce_grad(model, zero_fill=True)
    assert_array_equal(arr(model.b.grad), [0.0])


def test_allreduce_grad_rejects_integer_gradients(comm: CommunicatorBase) -> None:
    class IntModel(Link):
        def __init__(self) -> None:
            super().__init__()
            with self.init_scope():
                self.k = Parameter(numpy.array([1, 2]))

    model = IntModel()
    model.k.grad = numpy.array([1, 1])
    with pytest.raises(TypeError, match=r"gradient of /k: its dtype is int64, expected a float"):
        comm.allreduce_grad(model)


def test_uninitialized_parameters_are_left_out(comm: CommunicatorBase) -> None:
    class Lazy(Link):
        def __init__(self) -> None:
            super().__init__()
            with self.init_scope():
                self.w = Parameter(numpy.array([1.0]))
                self.u = Parameter(None)

    model = Lazy()
    model.w.grad = numpy.array([2.0])
    comm.allreduce_grad(model, zero_fill=True)
    comm.bcast_data(model)
    assert_array_equal(arr(model.w.grad), [2.0])
    assert not model.u.is_initialized


def test_pending_mean_checks_layout_and_single_use(comm: CommunicatorBase) -> None:
    model = Model()
    model.w.grad = numpy.array([1.0, 1.0])
    model.b.grad = numpy.array([1.0])
    pending = comm.start_allreduce_grad(model)
    model.b.cleargrad()
    with pytest.raises(RuntimeError, match="changed layout while their mean was being computed"):
        pending.wait(model)
    with pytest.raises(RuntimeError, match="waited on already"):
        pending.wait(model)


# -- optimizer -------------------------------------------------------------------------------


def test_multi_node_optimizer_of_one_process_follows_the_plain_one(
    comm: CommunicatorBase,
) -> None:
    x = numpy.array([0.5, 2.0])
    plain_model, model = Model(), Model()
    plain = MomentumSGD(lr=0.05).setup(plain_model)
    opt = create_multi_node_optimizer(MomentumSGD(lr=0.05), comm)
    assert opt.setup(model) is opt
    assert isinstance(opt, MomentumSGD)
    for _ in range(3):
        plain.update(plain_model, x)
        opt.update(model, x)
    assert opt.t == plain.t == 3
    for (name, p), (_, q) in zip(model.namedparams(), plain_model.namedparams(), strict=True):
        assert_array_equal(arr(p.array), arr(q.array), err_msg=name)
    state = multi_node_update_of(opt)
    assert state is not None
    assert state.communicator is comm
    assert getattr(opt, "communicator") is comm  # noqa: B009  (ChainerMN's attribute)


def test_wrapping_a_set_up_optimizer_keeps_its_state(comm: CommunicatorBase) -> None:
    model = Model()
    opt = SGD(lr=0.1).setup(model)
    opt.update(model, numpy.array([1.0, 1.0]))
    rule = model.w.update_rule
    create_multi_node_optimizer(opt, comm)
    assert opt.t == 1
    assert model.w.update_rule is rule
    opt.update(model, numpy.array([1.0, 1.0]))
    assert opt.t == 2


def test_multi_node_optimizer_argument_errors(comm: CommunicatorBase) -> None:
    with pytest.raises(TypeError, match=r"actual_optimizer must be a kusari.optimizers.Optimizer"):
        create_multi_node_optimizer("sgd", comm)  # type: ignore[type-var]
    with pytest.raises(TypeError, match=r"communicator must come from kusari.distributed"):
        create_multi_node_optimizer(SGD(), object())  # type: ignore[arg-type]
    opt = create_multi_node_optimizer(SGD(), comm)
    with pytest.raises(ValueError, match="this SGD is a multi-node optimizer already"):
        create_multi_node_optimizer(opt, comm)
    with pytest.raises(RuntimeError, match="SGD is not set up: call setup"):
        opt.update()
    model = Model()
    opt.setup(model)
    with pytest.raises(TypeError, match=r"lossfun must return a kusari.graph.Variable.*float"):
        opt.update(lambda: 1.0)


# -- evaluator, data, checkpoints ------------------------------------------------------------


def test_evaluator_argument_errors(comm: CommunicatorBase) -> None:
    with pytest.raises(TypeError, match=r"must have an evaluate\(\) method.*got int"):
        create_multi_node_evaluator(3, comm)  # type: ignore[type-var]

    class Fixed:
        def evaluate(self) -> dict[str, float]:
            return {"a": 1.0}

    with pytest.raises(TypeError, match="communicator must come from"):
        create_multi_node_evaluator(Fixed(), "comm")  # type: ignore[arg-type]


def test_scatter_dataset_of_one_process(comm: CommunicatorBase) -> None:
    share = scatter_dataset(list("abcde"), comm, shuffle=True, seed=0)
    order = numpy.random.RandomState(0).permutation(5)
    assert list(share) == [list("abcde")[i] for i in order]
    with pytest.raises(ValueError, match=r"root must be a rank in \[0, 1\), got 1"):
        scatter_dataset([1], comm, root=1)
    with pytest.raises(ValueError, match="max_buf_len must be a positive int"):
        scatter_dataset([1], comm, max_buf_len=-5)
    with pytest.raises(ValueError, match="cannot scatter an empty data set"):
        scatter_dataset([], comm)
    assert len(scatter_dataset([], comm, force_equal_length=False)) == 0
    with pytest.raises(TypeError, match=r"sized, indexable data set on the root \(rank 0\)"):
        scatter_dataset(None, comm)


class Box:
    def __init__(self, value: float) -> None:
        self.value = numpy.full(2, value)

    def serialize(self, serializer: Any) -> None:
        self.value = serializer("value", self.value)


def test_checkpointer_saves_collects_and_resumes(
    comm: CommunicatorBase, tmp_path: pathlib.Path
) -> None:
    cp = create_multi_node_checkpointer("exp", comm, cp_interval=2, gc_interval=1, path=tmp_path)
    for it in (10, 20, 30, 40):
        cp.save(Box(it), it)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "exp.rank-0.iteration-30.npz",
        "exp.rank-0.iteration-40.npz",
    ]
    assert cp.get_stats()["removed"] == 2
    box = Box(0.0)
    assert create_multi_node_checkpointer("exp", comm).maybe_load(box, path=tmp_path) == 40
    assert_array_equal(box.value, [40.0, 40.0])
    assert create_multi_node_checkpointer("none", comm).maybe_load(Box(0), path=tmp_path) is None


def test_checkpointer_argument_errors(comm: CommunicatorBase) -> None:
    with pytest.raises(ValueError, match="name must be a non-empty file name prefix"):
        create_multi_node_checkpointer("", comm)
    with pytest.raises(ValueError, match="name must be a non-empty file name prefix"):
        create_multi_node_checkpointer("a/b", comm)
    with pytest.raises(ValueError, match="cp_interval must be an int >= 1, got 0"):
        create_multi_node_checkpointer("a", comm, cp_interval=0)
    with pytest.raises(ValueError, match=r"gc_interval must be an int >= 1, got 1.5"):
        create_multi_node_checkpointer("a", comm, gc_interval=1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"comm must come from kusari.distributed"):
        create_multi_node_checkpointer("a", None)  # type: ignore[arg-type]
    cp = create_multi_node_checkpointer("a", comm)
    with pytest.raises(ValueError, match="no path was given and there is no trainer"):
        cp.save(Box(1), 1)
    with pytest.raises(ValueError, match="maybe_load needs a path"):
        cp.maybe_load(Box(1))


# -- batch normalization ---------------------------------------------------------------------


def _reference_bn(x: numpy.ndarray, gamma: numpy.ndarray, beta: numpy.ndarray, eps: float) -> Any:
    axes = (0, *range(2, x.ndim))
    shape = (1, -1) + (1,) * (x.ndim - 2)
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)
    return gamma.reshape(shape) * (x - mean) / numpy.sqrt(var + eps) + beta.reshape(shape)


def test_batch_normalization_is_exact_when_the_mean_dwarfs_the_spread(
    comm: CommunicatorBase,
) -> None:
    # float32 with mean 1000 and std 0.1: one pass, E[x^2] - E[x]^2, would be off by ~0.06
    # while var = 0.01, giving errors of order 1; two passes are off by float32's rounding
    # of the mean alone (~2e-3 here).
    x = numpy.random.default_rng(5).normal(1000.0, 0.1, (64, 2)).astype(numpy.float32)
    bn = MultiNodeBatchNormalization(2, comm, eps=1e-9)
    y = arr(bn(x).array)
    expect = (x - x.mean(axis=0, dtype=numpy.float64)) / x.std(axis=0, dtype=numpy.float64)
    assert_allclose(y, expect, atol=1e-2)


def test_batch_normalization_forward_and_running_averages(comm: CommunicatorBase) -> None:
    rng = numpy.random.default_rng(1)
    x = rng.normal(100.0, 0.5, (6, 3, 2, 2))
    bn = MultiNodeBatchNormalization(3, comm, decay=0.8, eps=1e-7, dtype=numpy.float64)
    gamma = rng.normal(size=3)
    beta = rng.normal(size=3)
    arr(bn.gamma.array)[...] = gamma
    arr(bn.beta.array)[...] = beta
    for _ in range(2):
        y = bn(x)
        assert_allclose(arr(y.array), _reference_bn(x, gamma, beta, 1e-7), rtol=1e-6, atol=1e-6)
    mean = x.mean(axis=(0, 2, 3))
    var = x.var(axis=(0, 2, 3)) * 24 / 23
    assert_allclose(bn.avg_mean, (1 - 0.8**2) * mean, rtol=1e-12)
    assert_allclose(bn.avg_var, 0.8**2 + (1 - 0.8**2) * var, rtol=1e-9)
    with using_config("train", False):
        y = bn(x)
    expect = (x - bn.avg_mean.reshape(1, 3, 1, 1)) / numpy.sqrt(
        bn.avg_var.reshape(1, 3, 1, 1) + 1e-7
    )
    assert_allclose(arr(y.array), gamma.reshape(1, 3, 1, 1) * expect + beta.reshape(1, 3, 1, 1))


def test_batch_normalization_finetune_averages_all_batches(comm: CommunicatorBase) -> None:
    bn = MultiNodeBatchNormalization(2, comm, dtype=numpy.float64)
    batches = [numpy.array([[0.0, 1.0], [2.0, 5.0]]), numpy.array([[4.0, 1.0], [6.0, 3.0]])]
    for batch in batches:
        bn(batch, finetune=True)
    assert bn.N == 2
    assert_allclose(bn.avg_mean, [3.0, 2.5])  # (mean 1 + mean 5) / 2, (3 + 2) / 2
    assert_allclose(bn.avg_var, [2.0, 5.0])  # unbiased variances 2, 8 and 2, 2


def test_batch_normalization_gradients(comm: CommunicatorBase) -> None:
    rng = numpy.random.default_rng(2)
    bn = MultiNodeBatchNormalization(3, comm, dtype=numpy.float64)
    arr(bn.gamma.array)[...] = rng.normal(size=3)
    arr(bn.beta.array)[...] = rng.normal(size=3)
    x = rng.normal(size=(4, 3, 2))
    gy = rng.normal(size=(4, 3, 2))
    params = (bn.gamma, bn.beta)
    gradient_check.check_backward(bn, (x,), (gy,), params=params, eps=1e-5, rtol=1e-5)
    ggx = rng.normal(size=(4, 3, 2))
    gradient_check.check_double_backward(
        lambda v: bn(v) ** 2, (x,), (gy,), (ggx,), eps=1e-5, atol=1e-6, rtol=1e-5
    )


def test_batch_normalization_half_precision_and_no_gamma_beta(comm: CommunicatorBase) -> None:
    bn = MultiNodeBatchNormalization(2, comm, use_gamma=False, use_beta=False)
    assert not hasattr(bn, "gamma")
    assert list(bn.params()) == []
    x = numpy.array([[1.0, 2.0], [3.0, 6.0]], dtype=numpy.float16)
    y = bn(x)
    assert y.dtype == numpy.float16
    assert_allclose(arr(y.array).astype(numpy.float32), [[-1, -1], [1, 1]], atol=1e-3)
    assert bn.avg_mean.dtype == numpy.float32


def test_batch_normalization_argument_errors(comm: CommunicatorBase) -> None:
    with pytest.raises(ValueError, match=r"decay must be in \[0, 1\), got 1.0"):
        MultiNodeBatchNormalization(2, comm, decay=1.0)
    with pytest.raises(ValueError, match="eps must be positive, got 0"):
        MultiNodeBatchNormalization(2, comm, eps=0)
    with pytest.raises(ValueError, match="communication_backend must be 'auto', 'mpi' or"):
        MultiNodeBatchNormalization(2, comm, communication_backend="gloo")
    with pytest.raises(TypeError, match=r"comm must come from kusari.distributed"):
        MultiNodeBatchNormalization(2, None)  # type: ignore[arg-type]
    bn = MultiNodeBatchNormalization(3, comm)
    with pytest.raises(
        ValueError, match=r"expects inputs of shape \(N, 3, \.\.\.\), got \(2, 4\)"
    ):
        bn(numpy.zeros((2, 4), numpy.float32))
    with pytest.raises(TypeError, match="needs floating inputs, got int64"):
        bn(numpy.zeros((2, 3), numpy.int64))
    assert_array_equal(bn.avg_mean, numpy.zeros(3))  # nothing changed


def test_allreduce_sum_is_differentiable(comm: CommunicatorBase) -> None:
    rng = numpy.random.default_rng(3)
    x, y = rng.normal(size=(2, 3)), rng.normal(size=4)
    gx, gy = rng.normal(size=(2, 3)), rng.normal(size=4)
    gradient_check.check_backward(lambda a, b: allreduce_sum(comm, a, b), (x, y), (gx, gy))
    gradient_check.check_backward(lambda a, b: allreduce_sum(comm, a, b), (x, y), (gx, None))
    gradient_check.check_double_backward(
        lambda a: allreduce_sum(comm, a)[0] ** 2, (x,), (gx,), (rng.normal(size=(2, 3)),)
    )


# -- abort hook ------------------------------------------------------------------------------


def test_abort_hook_chains_to_the_previous_hook_and_does_not_abort_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    require_mpi()
    seen: list[type[BaseException]] = []
    monkeypatch.setattr(sys, "excepthook", lambda kind, exc, tb: seen.append(kind))
    install_abort_on_exception()
    install_abort_on_exception()  # idempotent
    assert sys.excepthook.__name__ == "_abort_hook"
    sys.excepthook(KeyError, KeyError("k"), None)  # a single process: no Abort
    assert seen == [KeyError]
    uninstall_abort_on_exception()
    assert sys.excepthook.__name__ == "<lambda>"
