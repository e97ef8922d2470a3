from __future__ import annotations

import sys
import types

import pytest

from kusari.iterators import SerialIterator
from kusari.optimizers import SGD
from kusari.training.updaters import MultiprocessParallelUpdater

from ._models import Regressor


def make(devices: list[int] | None = None) -> None:
    optimizer = SGD()
    optimizer.setup(Regressor())
    iterators = [SerialIterator([1, 2, 3, 4], 2), SerialIterator([5, 6, 7, 8], 2)]
    MultiprocessParallelUpdater(iterators, optimizer, devices=devices)


def fake_cupy(monkeypatch: pytest.MonkeyPatch, n_gpus: int, nccl: bool = True) -> None:
    cupy = types.ModuleType("cupy")
    cuda = types.ModuleType("cupy.cuda")
    runtime = types.SimpleNamespace(getDeviceCount=lambda: n_gpus)
    cuda.runtime = runtime  # type: ignore[attr-defined]
    cupy.cuda = cuda  # type: ignore[attr-defined]
    nccl_module = types.ModuleType("cupy.cuda.nccl")
    nccl_module.available = nccl  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "cupy", cupy)
    monkeypatch.setitem(sys.modules, "cupy.cuda", cuda)
    monkeypatch.setitem(sys.modules, "cupy.cuda.nccl", nccl_module)


def test_without_cupy_the_error_says_what_is_missing_and_what_to_use(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "cupy", None)  # import cupy raises ImportError
    with pytest.raises(RuntimeError) as excinfo:
        make([0, 1])
    message = str(excinfo.value)
    assert message.startswith(
        "MultiprocessParallelUpdater (Chainer's one-process-per-GPU updater over NCCL) "
        "cannot run: CuPy is not installed, so there is no CUDA GPU to use."
    )
    assert "kusari.training.updaters.ParallelUpdater(" in message
    assert "create_multi_node_optimizer" in message
    assert not MultiprocessParallelUpdater.available()


@pytest.mark.parametrize(
    ("n_gpus", "nccl", "devices", "expected"),
    [
        (4, False, [0, 1], "cannot run: CuPy was built without NCCL"),
        (1, True, [0, 1], "cannot run: it needs 2 CUDA GPUs and this machine has 1"),
        (2, True, [0, 1, 2], "cannot run: it needs 3 CUDA GPUs and this machine has 2"),
        # Without devices, one GPU per iterator.
        (1, True, None, "cannot run: it needs 2 CUDA GPUs and this machine has 1"),
    ],
)
def test_with_cupy_the_error_names_the_missing_piece(
    monkeypatch: pytest.MonkeyPatch,
    n_gpus: int,
    nccl: bool,
    devices: list[int] | None,
    expected: str,
) -> None:
    fake_cupy(monkeypatch, n_gpus, nccl)
    with pytest.raises(RuntimeError, match="cannot run: ") as excinfo:
        make(devices)
    assert expected in str(excinfo.value)


def test_with_enough_gpus_the_error_says_kusari_does_not_implement_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_cupy(monkeypatch, 8)
    with pytest.raises(
        RuntimeError,
        match="cannot run: this machine has 8 CUDA GPUs and NCCL, but kusari does not "
        "implement it",
    ):
        make([0, 1])
