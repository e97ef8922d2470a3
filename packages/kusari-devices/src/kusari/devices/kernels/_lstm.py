"""The LSTM cell (Chainer's gate layout), forward and backward."""

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


def _sigmoid(x: Array) -> Array:
    # 0.5 * tanh(0.5 * x) + 0.5: the logistic function without exp overflow.
    y = numpy.multiply(x, 0.5)
    numpy.tanh(y, out=y)
    y *= 0.5
    y += 0.5
    return y


def _gates(x: Array, batch: int, units: int) -> tuple[Array, Array, Array, Array]:
    gates = x.reshape(batch, units, 4)
    return (
        numpy.tanh(gates[:, :, 0]),
        _sigmoid(gates[:, :, 1]),
        _sigmoid(gates[:, :, 2]),
        _sigmoid(gates[:, :, 3]),
    )


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
    a, i, f, o = _gates(x, batch, units)
    c = a
    c *= i
    f *= c_prev
    c += f
    h = numpy.tanh(c, out=i)
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
    gc_, gh_ = _grads(kernel, c_prev, c, gc, gh, numpy)
    a, i, f, o = _gates(x, batch, units)
    tanh_c = numpy.tanh(c)
    # grad_c = gc + gh * o * (1 - tanh_c ** 2)
    grad_c = numpy.multiply(tanh_c, tanh_c)
    numpy.subtract(1, grad_c, out=grad_c)
    grad_c *= o
    grad_c *= gh_
    grad_c += gc_
    gx = numpy.empty((batch, units, 4), dtype=x.dtype)
    gates = gx
    ga, gi, gf, go = (gates[:, :, k] for k in range(4))
    numpy.multiply(a, a, out=ga)  # ga = grad_c * i * (1 - a ** 2)
    numpy.subtract(1, ga, out=ga)
    ga *= i
    ga *= grad_c
    numpy.subtract(1, i, out=gi)  # gi = grad_c * a * i * (1 - i)
    gi *= i
    gi *= a
    gi *= grad_c
    numpy.subtract(1, f, out=gf)  # gf = grad_c * c_prev * f * (1 - f)
    gf *= f
    gf *= c_prev
    gf *= grad_c
    numpy.subtract(1, o, out=go)  # go = gh * tanh_c * o * (1 - o)
    go *= o
    go *= tanh_c
    go *= gh_
    grad_c *= f  # gc_prev = grad_c * f
    return grad_c, gx.reshape(x.shape)
