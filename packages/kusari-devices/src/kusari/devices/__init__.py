"""Devices and array transfers for kusari: CPU (NumPy) and CUDA (CuPy), lazily.

``import kusari.devices`` never imports CuPy; CUDA support switches on when CuPy is
installed (``pip install kusari-devices[cuda12]`` or ``[cuda13]``).

* Devices: :class:`Device`, :class:`CpuDevice` (``'@numpy'``), :class:`CudaDevice`
  (``'@cupy:N'``), :func:`get_device`, :func:`get_device_from_array`, :func:`using_device`.
* Arrays: :data:`Array`, :func:`get_array_module`, :func:`get_array_types`,
  :func:`is_array`, :func:`to_cpu`, :func:`to_gpu`, :func:`to_device`, :func:`copyto`.
* Objects owning arrays: :class:`DeviceResident` and its :class:`DeviceResidentsVisitor`.
* DLPack: :func:`from_dlpack`, :func:`to_dlpack`, :func:`dlpack_device` (zero-copy exchange
  with PyTorch, JAX, CuPy).
* :mod:`kusari.devices.cuda`: ``available`` and Chainer's legacy CUDA helpers.
* :mod:`kusari.devices.kernels`: fused elementwise kernels (NumPy and CUDA twins).

Example:
    >>> import numpy
    >>> from kusari.devices import get_device, get_array_module
    >>> device = get_device("@numpy")
    >>> x = device.send(numpy.arange(3.0))
    >>> get_array_module(x) is device.xp is numpy
    True
"""

from typing import TYPE_CHECKING

from . import cuda as cuda
from .__about__ import __version__ as __version__
from ._array import Array as Array
from ._array import Scalar as Scalar
from ._array import get_array_types as get_array_types
from ._array import is_array as is_array
from ._array import is_arrays_compatible as is_arrays_compatible
from ._device import CpuDevice as CpuDevice
from ._device import CudaDevice as CudaDevice
from ._device import Device as Device
from ._device import SupportsDeviceId as SupportsDeviceId
from ._dlpack import SupportsDLPack as SupportsDLPack
from ._dlpack import dlpack_device as dlpack_device
from ._dlpack import from_dlpack as from_dlpack
from ._dlpack import to_dlpack as to_dlpack
from ._lookup import DeviceSpec as DeviceSpec
from ._lookup import get_array_module as get_array_module
from ._lookup import get_device as get_device
from ._lookup import get_device_from_array as get_device_from_array
from ._lookup import using_device as using_device
from ._resident import DeviceMovable as DeviceMovable
from ._resident import DeviceResident as DeviceResident
from ._resident import DeviceResidentsVisitor as DeviceResidentsVisitor
from ._transfer import copyto as copyto
from ._transfer import to_cpu as to_cpu
from ._transfer import to_device as to_device
from ._transfer import to_gpu as to_gpu

__all__ = [
    "__version__",
    # devices
    "Device",
    "CpuDevice",
    "CudaDevice",
    "DeviceSpec",
    "SupportsDeviceId",
    "get_device",
    "get_device_from_array",
    "using_device",
    # arrays
    "Array",
    "Scalar",
    "get_array_module",
    "get_array_types",
    "is_array",
    "is_arrays_compatible",
    "to_cpu",
    "to_gpu",
    "to_device",
    "copyto",
    # objects that own arrays
    "DeviceResident",
    "DeviceResidentsVisitor",
    "DeviceMovable",
    # DLPack
    "SupportsDLPack",
    "dlpack_device",
    "from_dlpack",
    "to_dlpack",
    # submodules
    "cuda",
    "kernels",
]


if TYPE_CHECKING:
    from . import kernels as kernels


def __getattr__(name: str) -> object:
    # ``kusari.devices.kernels`` is imported on first use, keeping ``import kusari.devices`` light.
    if name == "kernels":
        import importlib

        return importlib.import_module(f"{__name__}.kernels")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
