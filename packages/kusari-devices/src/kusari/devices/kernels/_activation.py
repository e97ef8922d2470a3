"""Activation kernels: ReLU forward/backward and the gradients of sigmoid and tanh."""

from __future__ import annotations

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

__all__ = ["relu_backward", "relu_forward", "sigmoid_grad", "tanh_grad"]

_SOURCE = CudaSource("activation.cu")


# ---------------------------------------------------------------------------- CUDA twins


def _launch_unary(name: str, x: Array) -> Array:
    x = as_contiguous(x)
    out: Array = require_cupy().empty_like(x)
    function = _SOURCE.get_function(f"kusari_{name}_{dtype_suffix(name, x.dtype)}")
    function(elementwise_grid(x.size), (BLOCK_SIZE,), (x, out, numpy.int64(x.size)))
    return out


def _launch_binary(name: str, y: Array, gy: Array) -> Array:
    y, gy = as_contiguous(y), as_contiguous(gy)
    gx: Array = require_cupy().empty_like(gy)
    function = _SOURCE.get_function(f"kusari_{name}_{dtype_suffix(name, y.dtype)}")
    function(elementwise_grid(y.size), (BLOCK_SIZE,), (y, gy, gx, numpy.int64(y.size)))
    return gx


def _relu_forward_cuda(x: Array) -> Array:
    check_like("relu_forward", x=x)
    return _launch_unary("relu_forward", x)


def _relu_backward_cuda(y: Array, gy: Array) -> Array:
    check_like("relu_backward", y=y, gy=gy)
    return _launch_binary("relu_backward", y, gy)


def _sigmoid_grad_cuda(y: Array, gy: Array) -> Array:
    check_like("sigmoid_grad", y=y, gy=gy)
    return _launch_binary("sigmoid_grad", y, gy)


def _tanh_grad_cuda(y: Array, gy: Array) -> Array:
    check_like("tanh_grad", y=y, gy=gy)
    return _launch_binary("tanh_grad", y, gy)


# ---------------------------------------------------------------------------- the kernels


@kernel(source=_SOURCE, cuda=_relu_forward_cuda)
def relu_forward(x: Array) -> Array:
    """Return ``max(x, 0)`` as a new array (NaN stays NaN).

    Args:
        x: A float16, float32 or float64 array.

    Returns:
        ``y``, of ``x``'s shape and dtype.

    Example:
        >>> import numpy
        >>> from kusari.devices.kernels import relu_forward
        >>> relu_forward(numpy.array([-2.0, 0.5], dtype=numpy.float32))
        array([0. , 0.5], dtype=float32)
    """
    check_like("relu_forward", x=x)
    return numpy.maximum(x, 0.0)  # a Python float keeps x's dtype (NEP 50)


@kernel(source=_SOURCE, cuda=_relu_backward_cuda)
def relu_backward(y: Array, gy: Array) -> Array:
    """Return ``gy * (y > 0)``: the gradient of ReLU from its output.

    As in Chainer's NumPy code, a NaN in ``gy`` stays NaN even where ``y <= 0`` (so a NaN
    gradient is never hidden); the CUDA twin does the same.

    Args:
        y: The ReLU output.
        gy: The gradient of ``y`` (same shape and dtype).

    Returns:
        ``gx``, a new array.

    Example:
        >>> import numpy
        >>> from kusari.devices.kernels import relu_backward
        >>> relu_backward(numpy.array([0.0, 3.0]), numpy.array([5.0, 7.0]))
        array([0., 7.])
    """
    check_like("relu_backward", y=y, gy=gy)
    # A multiply, not numpy.where: where() branches per element and is ~20x slower.
    return numpy.multiply(gy, y > 0)


@kernel(source=_SOURCE, cuda=_sigmoid_grad_cuda)
def sigmoid_grad(y: Array, gy: Array) -> Array:
    """Return ``gy * y * (1 - y)``: the gradient of the sigmoid from its output ``y``.

    Args:
        y: ``sigmoid(x)``.
        gy: The gradient of ``y`` (same shape and dtype).

    Returns:
        ``gx``, a new array.

    Example:
        >>> import numpy
        >>> from kusari.devices.kernels import sigmoid_grad
        >>> sigmoid_grad(numpy.array([0.5]), numpy.array([2.0]))
        array([0.5])
    """
    check_like("sigmoid_grad", y=y, gy=gy)
    gx = numpy.subtract(1, y)
    gx *= y
    gx *= gy
    return gx


@kernel(source=_SOURCE, cuda=_tanh_grad_cuda)
def tanh_grad(y: Array, gy: Array) -> Array:
    """Return ``gy * (1 - y * y)``: the gradient of tanh from its output ``y``.

    Args:
        y: ``tanh(x)``.
        gy: The gradient of ``y`` (same shape and dtype).

    Returns:
        ``gx``, a new array.

    Example:
        >>> import numpy
        >>> from kusari.devices.kernels import tanh_grad
        >>> tanh_grad(numpy.array([0.5]), numpy.array([2.0]))
        array([1.5])
    """
    check_like("tanh_grad", y=y, gy=gy)
    gx = numpy.multiply(y, y)
    numpy.subtract(1, gx, out=gx)
    gx *= gy
    return gx
