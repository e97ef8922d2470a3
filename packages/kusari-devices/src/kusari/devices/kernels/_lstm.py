"""The LSTM cell (Chainer's gate layout), forward and backward.

The gate pre-activations arrive interleaved per unit (``x.reshape(batch, units, 4)``), so a
gate is a stride-4 view, and NumPy's elementwise loops run about three times slower over
such views than over contiguous arrays.  The NumPy twins therefore first copy ``x`` into
gate-major blocks ``(4, batch, units)`` (one strided pass, fused with the scaling that the
logistic function needs) and do the remaining arithmetic on contiguous memory.  The CUDA
twins read the interleaved layout directly: one thread per ``(row, unit)``.
"""

from __future__ import annotations

from typing import Any

import numpy

from .._array import Array
from .._cupy import require_cupy
from ._kernel import (
    BLOCK_SIZE,
    CudaSource,
    as_contiguous,
    check_like,
    dtype_suffix,
    elementwise_grid,
    kernel,
)

__all__ = ["lstm_backward", "lstm_forward"]

_SOURCE = CudaSource("lstm.cu")


def _check(kernel: str, c_prev: Array, x: Array) -> tuple[int, int]:
    check_like(kernel, c_prev=c_prev)
    if c_prev.ndim != 2:
        raise ValueError(f"{kernel}: c_prev must be 2-D (batch, units), got shape {c_prev.shape}")
    batch, units = c_prev.shape
    if x.dtype != c_prev.dtype:
        raise TypeError(f"{kernel}: x has dtype {x.dtype}, expected {c_prev.dtype} like c_prev")
    if x.shape != (batch, 4 * units):
        raise ValueError(
            f"{kernel}: x must have shape ({batch}, {4 * units}) = (batch, 4 * units) for "
            f"c_prev of shape {c_prev.shape}, got {x.shape}"
        )
    return batch, units


_SCALES: dict[Any, Array] = {}


def _scale(dtype: Any) -> Array:
    """``[1, 0.5, 0.5, 0.5]`` as ``(4, 1, 1)``: tanh's argument for ``a``, halves for the rest."""
    scale = _SCALES.get(dtype)
    if scale is None:
        scale = numpy.array([1.0, 0.5, 0.5, 0.5], dtype).reshape(4, 1, 1)
        _SCALES[dtype] = scale
    return scale


def _activations(x: Array, batch: int, units: int) -> Array:
    """``(4, batch, units)``: ``tanh(a)``, ``sigmoid(i)``, ``sigmoid(f)``, ``sigmoid(o)``.

    The logistic function is ``0.5 * tanh(0.5 * z) + 0.5`` (no overflow in ``exp``).
    """
    act = numpy.empty((4, batch, units), x.dtype)
    numpy.multiply(x.reshape(batch, units, 4).transpose(2, 0, 1), _scale(x.dtype), out=act)
    numpy.tanh(act, out=act)
    sig = act[1:]
    sig *= 0.5
    sig += 0.5
    return act


def _grads(
    kernel: str, c_prev: Array, c: Array, gc: Array | None, gh: Array | None, xp: Any
) -> tuple[Array, Array]:
    check_like(kernel, c_prev=c_prev, c=c)
    zeros = xp.zeros_like
    gc_: Array = zeros(c) if gc is None else gc
    gh_: Array = zeros(c) if gh is None else gh
    check_like(kernel, c=c, gc=gc_, gh=gh_)
    return gc_, gh_


# ---------------------------------------------------------------------------- CUDA twins


def _forward_cuda(c_prev: Array, x: Array) -> tuple[Array, Array]:
    kernel = "lstm_forward"
    batch, units = _check(kernel, c_prev, x)
    cupy = require_cupy()
    c_prev, x = as_contiguous(c_prev), as_contiguous(x)
    c: Array = cupy.empty_like(c_prev)
    h: Array = cupy.empty_like(c_prev)
    function = _SOURCE.get_function(f"kusari_{kernel}_{dtype_suffix(kernel, x.dtype)}")
    function(
        elementwise_grid(c.size),
        (BLOCK_SIZE,),
        (c_prev, x, c, h, numpy.int64(batch), numpy.int64(units)),
    )
    return c, h


def _backward_cuda(
    c_prev: Array, x: Array, c: Array, gc: Array | None, gh: Array | None
) -> tuple[Array, Array]:
    kernel = "lstm_backward"
    batch, units = _check(kernel, c_prev, x)
    cupy = require_cupy()
    gc_, gh_ = _grads(kernel, c_prev, c, gc, gh, cupy)
    c_prev, x, c = as_contiguous(c_prev), as_contiguous(x), as_contiguous(c)
    gc_, gh_ = as_contiguous(gc_), as_contiguous(gh_)
    gc_prev: Array = cupy.empty_like(c_prev)
    gx: Array = cupy.empty_like(x)
    function = _SOURCE.get_function(f"kusari_{kernel}_{dtype_suffix(kernel, x.dtype)}")
    function(
        elementwise_grid(c.size),
        (BLOCK_SIZE,),
        (c_prev, x, c, gc_, gh_, gc_prev, gx, numpy.int64(batch), numpy.int64(units)),
    )
    return gc_prev, gx


# ---------------------------------------------------------------------------- the kernels


@kernel(source=_SOURCE, cuda=_forward_cuda)
def lstm_forward(c_prev: Array, x: Array) -> tuple[Array, Array]:
    """Run one LSTM step with Chainer's gate layout.

    Columns ``4u, 4u+1, 4u+2, 4u+3`` of ``x`` hold the pre-activations of unit ``u``'s gates
    ``a, i, f, o`` (interleaved, as ``chainer.functions.lstm`` reads them)::

        c = tanh(a) * sigmoid(i) + sigmoid(f) * c_prev
        h = sigmoid(o) * tanh(c)

    Args:
        c_prev: The previous cell state, ``(batch, units)``.
        x: The gate pre-activations, ``(batch, 4 * units)``, same dtype.

    Returns:
        ``(c, h)``, both ``(batch, units)``.

    Raises:
        TypeError: If the dtypes differ or are not floating.
        ValueError: If the shapes do not fit.

    Example:
        >>> import numpy
        >>> from kusari.devices.kernels import lstm_forward
        >>> c, h = lstm_forward(numpy.zeros((1, 1)), numpy.array([[10.0, 10.0, 0.0, 10.0]]))
        >>> numpy.round(c, 3), numpy.round(h, 3)
        (array([[1.]]), array([[0.762]]))
    """
    batch, units = _check("lstm_forward", c_prev, x)
    a, i, f, o = _activations(x, batch, units)
    c = numpy.multiply(a, i)
    f *= c_prev
    c += f
    h = numpy.tanh(c)
    h *= o
    return c, h


@kernel(source=_SOURCE, cuda=_backward_cuda)
def lstm_backward(
    c_prev: Array, x: Array, c: Array, gc: Array | None, gh: Array | None
) -> tuple[Array, Array]:
    """Return the gradients of one LSTM step, recomputing the gates from ``x``.

    Args:
        c_prev: The forward pass's ``c_prev``.
        x: The forward pass's ``x``.
        c: The forward pass's output ``c``.
        gc: The gradient of ``c``; ``None`` means zeros.
        gh: The gradient of ``h``; ``None`` means zeros.

    Returns:
        ``(gc_prev, gx)``, shaped like ``c_prev`` and ``x``.

    Raises:
        TypeError: If the dtypes differ or are not floating.
        ValueError: If the shapes do not fit.

    Example:
        >>> import numpy
        >>> from kusari.devices.kernels import lstm_backward, lstm_forward
        >>> c_prev, x = numpy.ones((1, 1)), numpy.zeros((1, 4))
        >>> c, h = lstm_forward(c_prev, x)
        >>> gc_prev, gx = lstm_backward(c_prev, x, c, numpy.ones((1, 1)), None)
        >>> gc_prev, gx
        (array([[0.5]]), array([[0.5 , 0.  , 0.25, 0.  ]]))
    """
    kernel = "lstm_backward"
    batch, units = _check(kernel, c_prev, x)
    check_like(kernel, c_prev=c_prev, c=c)
    if gc is not None:
        check_like(kernel, c=c, gc=gc)
    if gh is not None:
        check_like(kernel, c=c, gh=gh)
    act = _activations(x, batch, units)
    a, i, f, o = act
    tanh_c = numpy.tanh(c)
    gx = numpy.empty((batch, units, 4), x.dtype)
    # grad_c = gc + gh * o * (1 - tanh_c ** 2); a missing gh or gc counts as zeros.
    if gh is None:
        grad_c = numpy.zeros_like(c)
    else:
        grad_c = numpy.multiply(tanh_c, tanh_c)
        numpy.subtract(1, grad_c, out=grad_c)
        grad_c *= o
        grad_c *= gh
    if gc is not None:
        grad_c += gc
    # Gate-major scratch; the last product of each gate writes its interleaved column.
    work = numpy.empty((4, batch, units), x.dtype)
    wa, wi, wf, wo = work
    slopes = work[1:]  # s * (1 - s) for the three logistic gates at once
    numpy.subtract(1, act[1:], out=slopes)
    slopes *= act[1:]
    numpy.multiply(a, a, out=wa)  # ga = grad_c * i * (1 - a ** 2)
    numpy.subtract(1, wa, out=wa)
    wa *= i
    numpy.multiply(wa, grad_c, out=gx[:, :, 0])
    wi *= a  # gi = grad_c * a * i * (1 - i)
    numpy.multiply(wi, grad_c, out=gx[:, :, 1])
    wf *= c_prev  # gf = grad_c * c_prev * f * (1 - f)
    numpy.multiply(wf, grad_c, out=gx[:, :, 2])
    wo *= tanh_c  # go = gh * tanh_c * o * (1 - o)
    if gh is None:
        gx[:, :, 3] = 0
    else:
        numpy.multiply(wo, gh, out=gx[:, :, 3])
    grad_c *= f  # gc_prev = grad_c * f
    return grad_c, gx.reshape(x.shape)
