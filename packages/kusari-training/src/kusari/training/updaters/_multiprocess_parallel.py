"""Chainer's process-per-GPU updater: :class:`MultiprocessParallelUpdater` (not provided)."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from kusari.devices import DeviceSpec
from kusari.iterators import Iterator
from kusari.optimizers import Optimizer

from .._convert import concat_examples
from ._standard import StandardUpdater

__all__ = ["MultiprocessParallelUpdater"]

_ALTERNATIVES = (
    "kusari has no process-per-GPU updater.  For several devices in one process use "
    "kusari.training.updaters.ParallelUpdater(iterator, optimizer, devices={'main': "
    "'@cupy:0', 'second': '@cupy:1'}); for one process per GPU (NCCL, any number of "
    "hosts) start the script with mpiexec and use kusari.distributed: "
    "create_communicator('nccl') and create_multi_node_optimizer(optimizer, comm)"
)


def _missing(n_devices: int) -> str:
    """What this machine lacks for Chainer's updater over ``n_devices`` GPUs."""
    try:
        cupy = importlib.import_module("cupy")
    except ImportError:
        return "CuPy is not installed, so there is no CUDA GPU to use"
    try:
        nccl = importlib.import_module("cupy.cuda.nccl")
    except ImportError:
        return "this CuPy has no NCCL support"
    if not getattr(nccl, "available", True):
        return "CuPy was built without NCCL (or libnccl cannot be loaded)"
    try:
        count = int(cupy.cuda.runtime.getDeviceCount())
    except Exception as error:  # no driver, or a broken one
        return f"no usable CUDA device ({type(error).__name__}: {error})"
    if count < max(n_devices, 2):
        return f"it needs {max(n_devices, 2)} CUDA GPUs and this machine has {count}"
    return f"this machine has {count} CUDA GPUs and NCCL, but kusari does not implement it"


class MultiprocessParallelUpdater(StandardUpdater):
    """Chainer's multi-process, multi-GPU updater: kusari raises a guiding error instead.

    Chainer's updater runs one process per GPU and sums the gradients over NCCL; it
    needs CuPy with NCCL and several CUDA GPUs.  kusari keeps the name and constructor
    so that ported scripts fail at once with an error that says what the machine lacks
    and what to use instead: :class:`~kusari.training.updaters.ParallelUpdater` (several
    devices in one process, same gradient sum) or :mod:`kusari.distributed` (one process
    per GPU under ``mpiexec``, NCCL or MPI, any number of hosts).

    Args:
        iterators: One training iterator per device.
        optimizer: The optimizer set up on the model.
        converter: Turns each batch into arrays on its device.
        devices: The devices, a list (the first is the main one) or a dict with a
            ``'main'`` entry.
        auto_new_epoch: Call ``optimizer.new_epoch(auto=True)`` when an epoch ends.

    Raises:
        RuntimeError: Always: what is missing here (CuPy, NCCL, enough GPUs) and which
            kusari updater or package to use instead.

    Example:
        >>> from kusari.training.updaters import MultiprocessParallelUpdater
        >>> MultiprocessParallelUpdater.available()
        False
    """

    def __init__(
        self,
        iterators: Sequence[Iterator[Any]],
        optimizer: Optimizer,
        converter: Callable[..., Any] = concat_examples,
        devices: Sequence[DeviceSpec] | Mapping[str, DeviceSpec] | None = None,
        auto_new_epoch: bool = True,
    ) -> None:
        n_devices = len(devices) if devices is not None else len(iterators)
        raise RuntimeError(
            f"MultiprocessParallelUpdater (Chainer's one-process-per-GPU updater over "
            f"NCCL) cannot run: {_missing(n_devices)}.  {_ALTERNATIVES}"
        )

    @staticmethod
    def available() -> bool:
        """Return ``False``: kusari does not provide this updater on any machine."""
        return False
