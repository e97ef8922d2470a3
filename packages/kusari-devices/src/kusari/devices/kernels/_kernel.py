"""The machinery of fused kernels: :class:`Kernel`, :class:`CudaSource`, launch helpers."""

from __future__ import annotations

import functools
import importlib.resources
import math
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Final, Generic, ParamSpec, TypeVar, final

import numpy

from .._array import Array
from .._cupy import cupy_if_imported, require_cupy

__all__ = [
    "BLOCK_SIZE",
    "CudaSource",
    "Kernel",
    "as_contiguous",
    "check_like",
    "cuda_sources",
    "dtype_suffix",
    "elementwise_grid",
    "get_kernel",
    "kernel",
    "kernels",
    "register",
]

_P = ParamSpec("_P")
_R = TypeVar("_R")

BLOCK_SIZE: Final = 256
"""Threads per block of every kusari CUDA kernel (the row kernels rely on it)."""

_MAX_GRID: Final = 65535 * 32
"""Upper bound of the grid: the kernels use grid-stride loops, so more blocks gain nothing."""

# Keyed by dtype.char: cheaper than hashing a dtype on every kernel call.
_SUFFIXES: Final[Mapping[str, str]] = {"e": "float16", "f": "float32", "d": "float64"}


def dtype_suffix(kernel: str, dtype: numpy.dtype[Any]) -> str:
    """Return the entry-point suffix (``float16``/``float32``/``float64``) for ``dtype``.

    Raises:
        TypeError: If ``dtype`` is not one of the three floating types.

    Example:
        >>> import numpy
        >>> from kusari.devices.kernels import dtype_suffix
        >>> dtype_suffix("relu_forward", numpy.dtype(numpy.float16))
        'float16'
    """
    suffix = _SUFFIXES.get(dtype.char)
    if suffix is None or dtype.kind != "f":
        raise TypeError(
            f"{kernel}: unsupported dtype {dtype}; expected float16, float32 or float64"
        )
    return suffix


def elementwise_grid(size: int) -> tuple[int]:
    """Return the grid of an elementwise launch: ``ceil(size / 256)`` blocks (at least 1)."""
    return (max(1, min(math.ceil(size / BLOCK_SIZE), _MAX_GRID)),)


@final
class CudaSource:
    """A ``.cu`` file shipped in ``kusari/devices/kernels/cuda/``, compiled on first use.

    The file is compiled with NVRTC through ``cupy.RawModule`` (once per CUDA device, the
    first time one of its functions is requested); ``#include "kusari_common.cuh"`` finds
    the shared header next to it.

    Args:
        filename: The file name, such as ``"activation.cu"``.
    """

    __slots__ = ("_lock", "_modules", "filename")

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self._modules: dict[int, Any] = {}
        self._lock = threading.Lock()

    def read_text(self) -> str:
        """Return the CUDA C++ source code."""
        return (importlib.resources.files(__package__) / "cuda" / self.filename).read_text(
            encoding="utf-8"
        )

    def get_function(self, name: str) -> Any:
        """Return the ``cupy.RawKernel`` for the ``extern "C"`` function ``name``.

        Raises:
            RuntimeError: If CuPy cannot be imported.
        """
        cupy = require_cupy()
        device_id = int(cupy.cuda.Device().id)
        module = self._modules.get(device_id)
        if module is None:
            with self._lock:
                module = self._modules.get(device_id)
                if module is None:
                    module = self._compile(cupy)
                    self._modules[device_id] = module
        return module.get_function(name)

    def _compile(self, cupy: Any) -> Any:
        cuda_dir = importlib.resources.files(__package__) / "cuda"
        with importlib.resources.as_file(cuda_dir) as include_dir:
            options = ["-std=c++17", f"-I{include_dir}"]
            # cuda_fp16.h: NVRTC's built-in copy when it has one, else the toolkit's.
            toolkit = cupy.cuda.get_cuda_path()
            if toolkit and os.path.isdir(os.path.join(toolkit, "include")):
                options.append(f"-I{os.path.join(toolkit, 'include')}")
            module = cupy.RawModule(code=self.read_text(), options=tuple(options))
            module.compile()  # while the include directory surely exists
            return module

    def __repr__(self) -> str:
        return f"CudaSource({self.filename!r})"


@final
class Kernel(Generic[_P, _R]):
    """A fused elementwise operation with a NumPy and a CUDA implementation of one signature.

    Calling the kernel runs the NumPy twin when its first positional argument is a NumPy
    array and the CUDA twin (under that array's device) when it is a CuPy array, so
    ``Kernel.__call__`` has exactly the signature and return type of the two twins.  Every
    array argument must live where the first one does.

    Build kernels with the :func:`kernel` decorator, which takes the name, the docstring and
    the signature from the NumPy twin (``functools.wraps``-style, so documentation tools and
    doctest see the kernel as that function).

    Attributes:
        name: The registry name, e.g. ``"relu_forward"``.
        cpu: The NumPy implementation.
        cuda: The CuPy launcher (it calls the ``extern "C"`` entry points).
        source: The ``.cu`` file holding the CUDA code.
        entries: The ``extern "C"`` entry points of the three dtypes.

    Example:
        >>> import numpy
        >>> from kusari.devices.kernels import relu_forward
        >>> relu_forward.name, relu_forward.entries[1]
        ('relu_forward', 'kusari_relu_forward_float32')
        >>> relu_forward(numpy.array([-1.0, 2.0]))
        array([0., 2.])
    """

    __wrapped__: Callable[_P, _R]
    __name__: str
    __qualname__: str

    def __init__(
        self,
        name: str,
        *,
        cpu: Callable[_P, _R],
        cuda: Callable[_P, _R],
        source: CudaSource,
        entries: tuple[str, ...],
    ) -> None:
        functools.update_wrapper(self, cpu)
        self.name = name
        self.cpu = cpu
        self.cuda = cuda
        self.source = source
        self.entries = entries

    def __call__(self, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        first = args[0] if args else None
        cupy = cupy_if_imported()
        if isinstance(first, numpy.ndarray):
            if cupy is not None:  # without CuPy, every array argument is a NumPy one
                self._check_devices(cupy, None, args, kwargs)
            return self.cpu(*args, **kwargs)
        if cupy is not None and isinstance(first, cupy.ndarray):
            device = first.device
            self._check_devices(cupy, int(device.id), args, kwargs)
            with device:
                return self.cuda(*args, **kwargs)
        kind = f"{type(first).__module__}.{type(first).__qualname__}"
        raise TypeError(
            f"kernel {self.name!r} expects a numpy.ndarray or cupy.ndarray as its first "
            f"argument, got {kind}"
        )

    def _check_devices(
        self,
        cupy: Any,
        device_id: int | None,
        args: tuple[object, ...],
        kwargs: Mapping[str, object],
    ) -> None:
        # Every array argument must live where the first one does.
        where = "the CPU" if device_id is None else f"GPU {device_id}"
        for value in (*args, *kwargs.values()):
            if isinstance(value, numpy.ndarray):
                other: str | None = None if device_id is None else "the CPU"
            elif isinstance(value, cupy.ndarray):
                value_id = int(value.device.id)
                other = None if value_id == device_id else f"GPU {value_id}"
            else:
                continue
            if other is not None:
                raise ValueError(
                    f"kernel {self.name!r} got arrays on different devices: the first "
                    f"argument is on {where}, another on {other}"
                )

    def __repr__(self) -> str:
        return f"<Kernel {self.name!r} ({self.source.filename})>"


def kernel(
    *, source: CudaSource, cuda: Callable[_P, _R], entry: str | None = None
) -> Callable[[Callable[_P, _R]], Kernel[_P, _R]]:
    """Turn a NumPy function into a registered :class:`Kernel` with a CUDA twin.

    The kernel is named after the function, and its entry points are
    ``kusari_<entry>_float16``, ``..._float32`` and ``..._float64`` in ``source``.

    Args:
        source: The ``.cu`` file with the entry points.
        cuda: The CuPy launcher; it must have the NumPy function's signature.
        entry: The stem of the entry-point names; the function's name when omitted.

    Returns:
        A decorator that registers and returns the kernel.

    Raises:
        ValueError: If a kernel of the same name is registered already.

    Usage (in a private module of ``kusari.devices.kernels``)::

        def _double_cuda(x: Array) -> Array: ...   # launches kusari_double_<dtype>

        @kernel(source=CudaSource("arith.cu"), cuda=_double_cuda)
        def double(x: Array) -> Array:
            "Return ``2 * x`` (the kernel's docstring, with a doctest)."
            return numpy.multiply(x, 2)

    Example:
        >>> from kusari.devices.kernels import get_kernel
        >>> get_kernel("tanh_grad").entries
        ('kusari_tanh_grad_float16', 'kusari_tanh_grad_float32', 'kusari_tanh_grad_float64')
    """

    def decorate(cpu: Callable[_P, _R]) -> Kernel[_P, _R]:
        name = cpu.__name__
        stem = name if entry is None else entry
        entries = tuple(f"kusari_{stem}_{suffix}" for suffix in _SUFFIXES.values())
        return register(Kernel(name, cpu=cpu, cuda=cuda, source=source, entries=entries))

    return decorate


_registry: dict[str, Kernel[..., Any]] = {}


def register(kernel: Kernel[_P, _R]) -> Kernel[_P, _R]:
    """Add ``kernel`` to the registry and return it.

    Raises:
        ValueError: If a kernel of the same name is registered already.
    """
    if kernel.name in _registry:
        raise ValueError(f"a kernel named {kernel.name!r} is already registered")
    _registry[kernel.name] = kernel
    return kernel


def get_kernel(name: str) -> Kernel[..., Any]:
    """Return the registered kernel called ``name``.

    Raises:
        KeyError: If there is none (the message lists the registered names).
    """
    try:
        return _registry[name]
    except KeyError:
        raise KeyError(
            f"no kernel named {name!r}; registered kernels: {', '.join(sorted(_registry))}"
        ) from None


def kernels() -> Iterator[Kernel[..., Any]]:
    """Iterate over the registered kernels, sorted by name."""
    for name in sorted(_registry):
        yield _registry[name]


def cuda_sources() -> tuple[CudaSource, ...]:
    """Return the distinct ``.cu`` sources of the registered kernels, sorted by file name."""
    by_name = {kernel.source.filename: kernel.source for kernel in _registry.values()}
    return tuple(by_name[name] for name in sorted(by_name))


def as_contiguous(array: Array) -> Array:
    """Return a C-contiguous version of a CuPy array (the array itself if it is one)."""
    cupy = require_cupy()
    contiguous: Array = cupy.ascontiguousarray(array)
    return contiguous


def check_like(kernel: str, /, **arrays: Array) -> numpy.dtype[Any]:
    """Check that the arrays share one floating dtype and one shape; return the dtype.

    The first keyword argument is the reference the others are compared with; the keyword
    names appear in the error messages.

    Raises:
        TypeError: If a dtype differs or is not float16/float32/float64.
        ValueError: If a shape differs.

    Example:
        >>> import numpy
        >>> from kusari.devices.kernels import check_like
        >>> check_like("my_kernel", y=numpy.zeros(2), gy=numpy.ones(2))
        dtype('float64')
    """
    values = iter(arrays.values())
    first = next(values)
    dtype = first.dtype
    shape = first.shape
    if dtype.char not in _SUFFIXES:
        dtype_suffix(f"{kernel}: {next(iter(arrays))}", dtype)
    for array in values:
        if (array.dtype is not dtype and array.dtype != dtype) or array.shape != shape:
            _raise_unlike(kernel, arrays)
    return dtype


def _raise_unlike(kernel: str, arrays: Mapping[str, Array]) -> None:
    (first_name, first), *rest = arrays.items()
    for name, array in rest:
        if array.dtype != first.dtype:
            raise TypeError(
                f"{kernel}: {name} has dtype {array.dtype}, expected {first.dtype} "
                f"like {first_name}"
            )
        if array.shape != first.shape:
            raise ValueError(
                f"{kernel}: {name} has shape {array.shape}, expected {first.shape} "
                f"like {first_name}"
            )
