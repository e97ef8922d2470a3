"""The rest of Chainer's ``chainer.backends.cuda`` helpers (re-exported by :mod:`.cuda`).

``copy``, ``memoize``/``clear_memo``, ``fuse``, the cuDNN workspace size and the two
``should_use_cudnn*`` questions.  kusari has no cuDNN path, so the questions always answer
``False``; they still check their arguments, so a typo in a level is an error instead of a
silent ``False``.  Nothing here imports CuPy until a function needs it.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Hashable
from typing import Any, Final, ParamSpec, TypeVar, overload

from . import _cupy
from ._array import Array

__all__ = [
    "clear_memo",
    "copy",
    "fuse",
    "get_max_workspace_size",
    "memoize",
    "set_max_workspace_size",
    "should_use_cudnn",
    "should_use_cudnn_tensor_core",
]

_P = ParamSpec("_P")
_R = TypeVar("_R")

#: Chainer's default cuDNN workspace limit (8 MiB).
DEFAULT_MAX_WORKSPACE_SIZE: Final = 8 * 1024 * 1024
_max_workspace_size = DEFAULT_MAX_WORKSPACE_SIZE

_CUDNN_LEVELS: Final = ("==always", ">=auto")


def copy(
    array: Array, out: Array | None = None, out_device: Any = None, stream: Any = None
) -> Array:
    """Copy a CuPy array, possibly to another GPU (Chainer's ``cuda.copy``).

    Args:
        array: The CuPy array to copy.
        out: The destination array; a new one is allocated when omitted.
        out_device: Where to allocate ``out`` (a device id or ``cupy.cuda.Device``); the
            current device when omitted.  Must be omitted when ``out`` is given.
        stream: A CUDA stream to copy on, or ``None`` for the current one.

    Returns:
        ``out``, holding a copy of ``array``.

    Raises:
        RuntimeError: If CuPy cannot be imported.
        TypeError: If ``array`` or ``out`` is not a CuPy array.
        ValueError: If both ``out`` and ``out_device`` are given, or the shapes differ.

    Example:
        >>> import numpy
        >>> from kusari.devices import cuda
        >>> try:  # a NumPy array is refused (and without CuPy, everything is)
        ...     cuda.copy(numpy.zeros(2))
        ... except (RuntimeError, TypeError) as error:
        ...     print("refused")
        refused
    """
    cupy = _cupy.require_cupy()
    if not isinstance(array, cupy.ndarray):
        raise TypeError(f"copy: array must be a CuPy array, got {type(array).__name__}")
    if out is not None and out_device is not None:
        raise ValueError("copy: give out or out_device, not both")
    if out is None:
        device = cupy.cuda.Device(out_device) if out_device is not None else cupy.cuda.Device()
        with device:
            out = cupy.empty_like(array)
    elif not isinstance(out, cupy.ndarray):
        raise TypeError(f"copy: out must be a CuPy array, got {type(out).__name__}")
    elif out.shape != array.shape:
        raise ValueError(f"copy: out has shape {out.shape}, expected {array.shape} like the array")
    # Both are CuPy arrays now; their ``.data`` is a CuPy memory pointer.
    source: Any = array
    target: Any = out
    with source.device:
        if stream is None:
            target.data.copy_from_device(source.data, source.nbytes)
        else:
            target.data.copy_from_device_async(source.data, source.nbytes, stream)
    return out


# -- memoize ---------------------------------------------------------------------------------

_memos: list[dict[Hashable, Any]] = []
_memos_lock = threading.Lock()


def memoize(for_each_device: bool = False) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Cache a function's results by its (hashable) arguments.

    With CuPy installed this is ``cupy.memoize``.  Without it, kusari caches on the CPU too
    (Chainer's fallback called the function every time); :func:`clear_memo` empties both.

    Args:
        for_each_device: Keep one cache per current CUDA device (CuPy only; on the CPU
            there is one device).

    Returns:
        The decorator.

    Example:
        >>> from kusari.devices import cuda
        >>> calls = []
        >>> @cuda.memoize()
        ... def square(n: int) -> int:
        ...     calls.append(n)
        ...     return n * n
        >>> square(3), square(3), calls
        (9, 9, [3])
        >>> cuda.clear_memo()
        >>> square(3), calls
        (9, [3, 3])
    """
    cupy = _cupy.cupy_or_none()
    if cupy is not None:
        decorator: Callable[[Callable[_P, _R]], Callable[_P, _R]] = cupy.memoize(for_each_device)
        return decorator

    def decorate(function: Callable[_P, _R]) -> Callable[_P, _R]:
        cache: dict[Hashable, Any] = {}
        with _memos_lock:
            _memos.append(cache)

        @functools.wraps(function)
        def cached(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            key = (args, tuple(sorted(kwargs.items())))
            try:
                return cache[key]  # type: ignore[no-any-return]
            except KeyError:
                pass
            except TypeError as error:
                raise TypeError(
                    f"{function.__qualname__} is memoized, so its arguments must be "
                    f"hashable: {error}"
                ) from None
            result = function(*args, **kwargs)
            cache[key] = result
            return result

        return cached

    return decorate


def clear_memo() -> None:
    """Empty every cache made by :func:`memoize` (and CuPy's, when it is imported)."""
    with _memos_lock:
        for cache in _memos:
            cache.clear()
    cupy = _cupy.cupy_if_imported()
    if cupy is not None:
        cupy.clear_memo()


# -- fuse ------------------------------------------------------------------------------------


@overload
def fuse(function: Callable[_P, _R], /) -> Callable[_P, _R]: ...
@overload
def fuse(*, kernel_name: str | None = None) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]: ...
def fuse(*args: Any, **kwargs: Any) -> Any:
    """Fuse an elementwise function into one CUDA kernel with ``cupy.fuse``.

    Used as ``@fuse`` or ``@fuse(kernel_name=...)``.  A fused function still accepts NumPy
    arrays (CuPy calls the Python function then); without CuPy, the function is returned
    unchanged.

    Example:
        >>> import numpy
        >>> from kusari.devices import cuda
        >>> @cuda.fuse()
        ... def squared_diff(x, y):
        ...     return (x - y) * (x - y)
        >>> squared_diff(numpy.array([3.0]), numpy.array([1.0])).tolist()
        [4.0]
    """
    cupy = _cupy.cupy_or_none()
    if cupy is not None:
        return cupy.fuse(*args, **kwargs)
    if len(args) == 1 and not kwargs and callable(args[0]):
        return args[0]
    if args:
        raise TypeError(
            f"fuse: use it as @fuse or @fuse(kernel_name=...), got positional arguments {args!r}"
        )
    return lambda function: function


# -- cuDNN -----------------------------------------------------------------------------------


def set_max_workspace_size(size: int) -> None:
    """Set the cuDNN workspace limit in bytes (kept for Chainer code; kusari has no cuDNN).

    Args:
        size: A non-negative number of bytes.

    Raises:
        TypeError: If ``size`` is not an integer.
        ValueError: If ``size`` is negative.

    Example:
        >>> from kusari.devices import cuda
        >>> cuda.set_max_workspace_size(1 << 20)
        >>> cuda.get_max_workspace_size()
        1048576
        >>> cuda.set_max_workspace_size(8 * 1024 * 1024)
    """
    global _max_workspace_size
    if isinstance(size, bool) or not isinstance(size, int):
        raise TypeError(f"set_max_workspace_size: size must be an int, got {type(size).__name__}")
    if size < 0:
        raise ValueError(f"set_max_workspace_size: size must be >= 0, got {size}")
    _max_workspace_size = size


def get_max_workspace_size() -> int:
    """Return the cuDNN workspace limit in bytes (8 MiB unless set)."""
    return _max_workspace_size


def should_use_cudnn(level: str, lowest_version: int = 0) -> bool:
    """Return ``False``: kusari has no cuDNN path.

    Args:
        level: ``'==always'`` or ``'>=auto'``, as in Chainer.
        lowest_version: The lowest cuDNN version the caller supports (unused).

    Raises:
        ValueError: If ``level`` is not one of the two levels.

    Example:
        >>> from kusari.devices import cuda
        >>> cuda.should_use_cudnn(">=auto")
        False
    """
    if level not in _CUDNN_LEVELS:
        raise ValueError(f"should_use_cudnn: level must be '==always' or '>=auto', got {level!r}")
    return False


def should_use_cudnn_tensor_core(dtype: Any) -> bool:
    """Return ``False``: kusari has no cuDNN path, so no Tensor Core convolutions either.

    Example:
        >>> import numpy
        >>> from kusari.devices import cuda
        >>> cuda.should_use_cudnn_tensor_core(numpy.float16)
        False
    """
    return False
