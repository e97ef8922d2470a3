"""Softmax cross entropy over the rows of a logit matrix, forward and backward."""

from __future__ import annotations

from typing import Any

import numpy

from .._array import Array
from .._cupy import require_cupy
from ._kernel import (
    BLOCK_SIZE,
    CudaSource,
    as_contiguous,
    dtype_suffix,
    elementwise_grid,
    kernel,
)

__all__ = ["softmax_cross_entropy_backward", "softmax_cross_entropy_forward"]

_SOURCE = CudaSource("softmax_cross_entropy.cu")
_MAX_ROW_BLOCKS = 65535


def _compute_dtype(dtype: numpy.dtype[Any]) -> numpy.dtype[Any]:
    return numpy.dtype(numpy.float32) if dtype == numpy.float16 else dtype


def _check_inputs(kernel: str, x: Array, t: Array) -> tuple[int, int]:
    dtype_suffix(f"{kernel}: x", x.dtype)
    if x.ndim != 2:
        raise ValueError(f"{kernel}: x must be 2-D (rows, classes), got shape {x.shape}")
    rows, classes = x.shape
    if classes < 1:
        raise ValueError(f"{kernel}: x must have at least one class, got shape {x.shape}")
    if t.dtype.kind not in "iu":
        raise TypeError(f"{kernel}: t must hold integer labels, got dtype {t.dtype}")
    if t.shape != (rows,):
        raise ValueError(f"{kernel}: t must have shape ({rows},) to match x, got {t.shape}")
    return rows, classes


def _check_labels(kernel: str, t: Array, classes: int, ignore_label: int) -> None:
    bad = (t != ignore_label) & ((t < 0) | (t >= classes))
    if bad.any():
        row = int(numpy.flatnonzero(bad)[0])
        raise ValueError(
            f"{kernel}: label {int(t[row])} at row {row} is out of range for {classes} "
            f"classes (and is not ignore_label={ignore_label})"
        )


def _check_backward(
    kernel: str, x: Array, t: Array, log_z: Array, gloss: Array
) -> tuple[int, int, numpy.dtype[Any]]:
    rows, classes = _check_inputs(kernel, x, t)
    compute = _compute_dtype(x.dtype)
    if log_z.shape != (rows,) or log_z.dtype != compute:
        raise ValueError(
            f"{kernel}: log_z must be the ({rows},) {compute} array the forward pass returned, "
            f"got shape {log_z.shape} and dtype {log_z.dtype}"
        )
    if gloss.shape != (rows,) or gloss.dtype != x.dtype:
        raise ValueError(
            f"{kernel}: gloss must have shape ({rows},) and dtype {x.dtype}, "
            f"got shape {gloss.shape} and dtype {gloss.dtype}"
        )
    return rows, classes, compute


# ---------------------------------------------------------------------------- CUDA twins


def _forward_cuda(x: Array, t: Array, ignore_label: int = -1) -> tuple[Array, Array]:
    kernel = "softmax_cross_entropy_forward"
    rows, classes = _check_inputs(kernel, x, t)
    cupy = require_cupy()
    x = as_contiguous(x)
    labels = cupy.ascontiguousarray(t, dtype=numpy.int32)
    loss: Array = cupy.empty(rows, dtype=x.dtype)
    log_z: Array = cupy.empty(rows, dtype=_compute_dtype(x.dtype))
    if rows:
        function = _SOURCE.get_function(f"kusari_{kernel}_{dtype_suffix(kernel, x.dtype)}")
        function(
            (min(rows, _MAX_ROW_BLOCKS),),
            (BLOCK_SIZE,),
            (
                x,
                labels,
                loss,
                log_z,
                numpy.int64(rows),
                numpy.int64(classes),
                numpy.int32(ignore_label),
            ),
        )
    return loss, log_z


def _backward_cuda(
    x: Array, t: Array, log_z: Array, gloss: Array, ignore_label: int = -1
) -> Array:
    kernel = "softmax_cross_entropy_backward"
    rows, classes, _ = _check_backward(kernel, x, t, log_z, gloss)
    cupy = require_cupy()
    x, log_z, gloss = as_contiguous(x), as_contiguous(log_z), as_contiguous(gloss)
    labels = cupy.ascontiguousarray(t, dtype=numpy.int32)
    gx: Array = cupy.empty_like(x)
    function = _SOURCE.get_function(f"kusari_{kernel}_{dtype_suffix(kernel, x.dtype)}")
    function(
        elementwise_grid(x.size),
        (BLOCK_SIZE,),
        (
            x,
            labels,
            log_z,
            gloss,
            gx,
            numpy.int64(rows),
            numpy.int64(classes),
            numpy.int32(ignore_label),
        ),
    )
    return gx


# ---------------------------------------------------------------------------- the kernels


@kernel(source=_SOURCE, cuda=_forward_cuda)
def softmax_cross_entropy_forward(
    x: Array, t: Array, ignore_label: int = -1
) -> tuple[Array, Array]:
    """Return the per-row softmax cross entropy of logits ``x`` and labels ``t``.

    ``log_z[r] = logsumexp(x[r])`` and ``loss[r] = log_z[r] - x[r, t[r]]``, 0 on rows whose
    label is ``ignore_label``.  Reducing the per-row losses (sum, or mean over the
    non-ignored rows) is the caller's business.

    The NumPy twin raises ValueError for a label outside ``[0, classes)`` that is not
    ``ignore_label``; the CUDA twin cannot raise from the device and gives NaN for that row.

    Args:
        x: A ``(rows, classes)`` float16/float32/float64 array of logits.
        t: A ``(rows,)`` integer array of labels.
        ignore_label: The label of rows that do not count.

    Returns:
        ``(loss, log_z)``: ``loss`` of ``x``'s dtype; ``log_z`` in float32 for float16
        ``x``, else in ``x``'s dtype (pass it to the backward kernel).

    Raises:
        TypeError: If a dtype is wrong.
        ValueError: If a shape or (CPU) a label is wrong.

    Example:
        >>> import numpy
        >>> from kusari.devices.kernels import softmax_cross_entropy_forward
        >>> x = numpy.log(numpy.array([[1.0, 3.0], [2.0, 2.0]]))
        >>> loss, log_z = softmax_cross_entropy_forward(x, numpy.array([1, -1]))
        >>> numpy.round(loss, 4), numpy.round(numpy.exp(log_z), 4)
        (array([0.2877, 0.    ]), array([4., 4.]))
    """
    kernel = "softmax_cross_entropy_forward"
    rows, classes = _check_inputs(kernel, x, t)
    _check_labels(kernel, t, classes, ignore_label)
    logits = x.astype(_compute_dtype(x.dtype), copy=False)
    row_max = logits.max(axis=1)
    shifted = numpy.subtract(logits, row_max[:, None])
    numpy.exp(shifted, out=shifted)
    log_z = shifted.sum(axis=1)
    numpy.log(log_z, out=log_z)
    log_z += row_max
    valid = t != ignore_label
    picked = logits[numpy.arange(rows), numpy.where(valid, t, 0)]
    loss = numpy.subtract(log_z, picked, out=picked)
    loss[~valid] = 0
    return loss.astype(x.dtype, copy=False), log_z


@kernel(source=_SOURCE, cuda=_backward_cuda)
def softmax_cross_entropy_backward(
    x: Array, t: Array, log_z: Array, gloss: Array, ignore_label: int = -1
) -> Array:
    """Return the gradient of the per-row softmax cross entropy with respect to ``x``.

    ``gx[r, j] = (softmax(x)[r, j] - (j == t[r])) * gloss[r]``, 0 on ignored rows.

    Args:
        x: The logits given to the forward kernel.
        t: The labels given to the forward kernel.
        log_z: The forward kernel's second output.
        gloss: The ``(rows,)`` gradient of the per-row loss, in ``x``'s dtype.
        ignore_label: The label of rows that do not count.

    Returns:
        ``gx``, of ``x``'s shape and dtype.

    Raises:
        TypeError: If a dtype is wrong.
        ValueError: If a shape or (CPU) a label is wrong.

    Example:
        >>> import numpy
        >>> from kusari.devices.kernels import (
        ...     softmax_cross_entropy_backward, softmax_cross_entropy_forward)
        >>> x = numpy.log(numpy.array([[1.0, 3.0]]))
        >>> t = numpy.array([1])
        >>> _, log_z = softmax_cross_entropy_forward(x, t)
        >>> softmax_cross_entropy_backward(x, t, log_z, numpy.ones(1))
        array([[ 0.25, -0.25]])
    """
    kernel = "softmax_cross_entropy_backward"
    _, classes, compute = _check_backward(kernel, x, t, log_z, gloss)
    _check_labels(kernel, t, classes, ignore_label)
    gx = numpy.subtract(x, log_z[:, None], dtype=compute)
    numpy.exp(gx, out=gx)
    rows = numpy.flatnonzero(t != ignore_label)
    gx[rows, t[rows]] -= 1
    scale = numpy.zeros(x.shape[0], dtype=compute)
    scale[rows] = gloss[rows]
    gx *= scale[:, None]
    return gx.astype(x.dtype, copy=False)
