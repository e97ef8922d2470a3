"""Chainer names provided by the ``kusari-devices`` distribution.

Registers ``chainer.backend``, ``chainer.backends.cuda`` (also reachable as ``chainer.cuda``),
``chainer.backends.intel64`` (iDeep is never available), ``chainer.device_resident`` and the
top-level device functions.  ``chainer.backends.cuda.available``, ``.cupy``, ``.ndarray`` and
``.Device`` are resolved on attribute access, so installing the compat layer never imports
CuPy.
"""

from __future__ import annotations

from typing import Any

from ._tree import ModuleTree

__all__ = ["register"]

_LAZY_CUDA_NAMES = ("available", "cupy", "ndarray")


def is_ideep_available() -> bool:
    """Return ``False``: kusari has no iDeep (``intel64``) backend.

    Example:
        >>> from kusari.compat._devices import is_ideep_available
        >>> is_ideep_available()
        False
    """
    return False


_IDEEP_LEVELS = ("never", "always", "==always", ">=auto", "auto")


def should_use_ideep(level: str) -> bool:
    """Return ``False``: kusari has no iDeep backend (the level is still checked).

    Raises:
        ValueError: If ``level`` is not one of Chainer's levels.

    Example:
        >>> from kusari.compat._devices import should_use_ideep
        >>> should_use_ideep(">=auto")
        False
    """
    if level not in _IDEEP_LEVELS:
        raise ValueError(
            f"should_use_ideep: level must be one of {', '.join(map(repr, _IDEEP_LEVELS))}, "
            f"got {level!r}"
        )
    return False


def inputs_all_ready(inputs: object, supported_ndim: tuple[int, ...] = (2, 4)) -> bool:
    """Return ``False``: no input is ever ready for iDeep in kusari."""
    return False


class _UnsupportedDevice:
    """A Chainer device class of a backend kusari does not have.

    ``isinstance(device, chainer.backend.Intel64Device)`` keeps working (it is ``False``
    for every kusari device); constructing one raises.
    """

    backend = "unsupported"

    def __init__(self, *args: object, **kwargs: object) -> None:
        raise RuntimeError(
            f"chainer.backend.{type(self).__name__}: kusari has no {self.backend} backend; "
            "use '@numpy' or '@cupy:N' devices (kusari.devices.get_device)"
        )


class Intel64Device(_UnsupportedDevice):
    """Chainer's iDeep device; kusari has no iDeep backend."""

    backend = "iDeep (intel64)"


class ChainerxDevice(_UnsupportedDevice):
    """Chainer's ChainerX device; kusari has no ChainerX backend."""

    backend = "ChainerX"


def _cuda_getattr(name: str) -> Any:
    from kusari.devices import cuda

    if name in _LAZY_CUDA_NAMES:
        return getattr(cuda, name)
    if name == "Device":
        return cuda.cupy.cuda.Device
    raise AttributeError(f"module 'chainer.backends.cuda' has no attribute {name!r}")


def register(tree: ModuleTree) -> None:
    """Add the names of ``kusari.devices`` to the Chainer module tree."""
    import kusari.devices as devices  # skips this provider when the package is absent
    from kusari.devices import cuda

    tree.export(
        "chainer.backend",
        Device=devices.Device,
        CpuDevice=devices.CpuDevice,
        GpuDevice=devices.CudaDevice,
        get_device=devices.get_device,
        using_device=devices.using_device,
        get_device_from_array=devices.get_device_from_array,
        get_array_module=devices.get_array_module,
        copyto=devices.copyto,
        Intel64Device=Intel64Device,
        ChainerxDevice=ChainerxDevice,
    )
    tree.export(
        "chainer.backends.cuda",
        GpuDevice=devices.CudaDevice,
        DummyDevice=cuda.DummyDevice,
        check_cuda_available=cuda.check_cuda_available,
        get_device_from_id=cuda.get_device_from_id,
        get_device_from_array=cuda.get_device_from_array,
        get_array_module=cuda.get_array_module,
        to_gpu=cuda.to_gpu,
        to_cpu=cuda.to_cpu,
        copyto=devices.copyto,
        elementwise=cuda.elementwise,
        reduce=cuda.reduce,
        raw=cuda.raw,
        copy=cuda.copy,
        memoize=cuda.memoize,
        clear_memo=cuda.clear_memo,
        fuse=cuda.fuse,
        set_max_workspace_size=cuda.set_max_workspace_size,
        get_max_workspace_size=cuda.get_max_workspace_size,
        should_use_cudnn=cuda.should_use_cudnn,
        should_use_cudnn_tensor_core=cuda.should_use_cudnn_tensor_core,
        cudnn_enabled=False,
        __getattr__=_cuda_getattr,
    )
    tree.alias("chainer.cuda", tree.module("chainer.backends.cuda"))
    tree.export(
        "chainer.backends.intel64",
        is_ideep_available=is_ideep_available,
        should_use_ideep=should_use_ideep,
        inputs_all_ready=inputs_all_ready,
        Intel64Device=Intel64Device,
    )
    tree.export(
        "chainer.device_resident",
        DeviceResident=devices.DeviceResident,
        DeviceResidentsVisitor=devices.DeviceResidentsVisitor,
    )
    tree.export(
        "chainer",
        get_device=devices.get_device,
        using_device=devices.using_device,
        get_array_types=devices.get_array_types,
        is_arrays_compatible=devices.is_arrays_compatible,
        DeviceResident=devices.DeviceResident,
    )
