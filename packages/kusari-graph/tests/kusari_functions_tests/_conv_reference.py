"""Plain NumPy references and shared checks for the connection and pooling tests.

The references loop over output positions in Python, written straight from the
definitions, so they share no code (and no tricks) with the implementations under test.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

import numpy
import numpy.typing as npt
import pytest

from kusari.graph import Variable
from kusari.graph import gradient_check as gc

__all__ = [
    "FLOATS",
    "FORWARD_TOL",
    "assert_close",
    "check_grads",
    "conv_reference",
    "data",
    "deconv_reference",
    "distinct",
    "gpu_module",
    "grad",
    "outsize",
    "pool_reference",
]

NDArray = npt.NDArray[Any]

FLOATS = (numpy.float16, numpy.float32, numpy.float64)

FORWARD_TOL: dict[Any, dict[str, float]] = {
    numpy.float16: {"atol": 5e-3, "rtol": 5e-3},
    numpy.float32: {"atol": 1e-5, "rtol": 1e-5},
    numpy.float64: {"atol": 1e-12, "rtol": 1e-12},
}


def assert_close(actual: Any, expected: Any, dtype: Any, scale: float = 1.0) -> None:
    """``actual`` equals the float64 ``expected`` within the forward tolerance of ``dtype``."""
    tol = FORWARD_TOL[dtype]
    numpy.testing.assert_allclose(
        numpy.asarray(actual, numpy.float64),
        expected,
        atol=tol["atol"] * scale,
        rtol=tol["rtol"],
    )


def _ix(*parts: Any) -> tuple[Any, ...]:
    """An index tuple (typed loosely: mixes of slices, ints and Ellipsis)."""
    return parts


def data(v: Variable) -> NDArray:
    """The array of ``v`` (which must be initialized)."""
    array = v.array
    assert array is not None
    return array


def grad(v: Variable) -> NDArray:
    """The gradient of ``v`` (which must have one)."""
    g = v.grad
    assert g is not None
    return g


def outsize(size: int, k: int, s: int, p: int, cover_all: bool = False, d: int = 1) -> int:
    """The output length of a sliding window, from the definition."""
    extent = (k - 1) * d + 1
    if cover_all:
        return -(-(size + 2 * p - extent) // s) + 1
    return (size + 2 * p - extent) // s + 1


def conv_reference(
    x: NDArray,
    W: NDArray,
    b: NDArray | None,
    stride: Sequence[int],
    pad: Sequence[int],
    dilate: Sequence[int],
    groups: int,
    cover_all: bool = False,
) -> NDArray:
    """Grouped, dilated N-d cross-correlation with zero padding, in float64."""
    nd = x.ndim - 2
    n, c = x.shape[:2]
    oc = W.shape[0]
    ksize = W.shape[2:]
    outs = [
        outsize(x.shape[2 + i], ksize[i], stride[i], pad[i], cover_all, dilate[i])
        for i in range(nd)
    ]
    y = numpy.zeros((n, oc, *outs))
    cg, og = c // groups, oc // groups
    for o in itertools.product(*(range(v) for v in outs)):
        for kidx in itertools.product(*(range(k) for k in ksize)):
            pos = [o[i] * stride[i] - pad[i] + kidx[i] * dilate[i] for i in range(nd)]
            if not all(0 <= pos[i] < x.shape[2 + i] for i in range(nd)):
                continue
            xv = x[_ix(slice(None), slice(None), *pos)].astype(numpy.float64)  # (n, c)
            for g in range(groups):
                w = W[_ix(slice(g * og, (g + 1) * og), slice(None), *kidx)].astype(numpy.float64)
                y[_ix(slice(None), slice(g * og, (g + 1) * og), *o)] += (
                    xv[:, g * cg : (g + 1) * cg] @ w.T
                )
    if b is not None:
        y += b.astype(numpy.float64).reshape((1, -1) + (1,) * nd)
    return y


def deconv_reference(
    x: NDArray,
    W: NDArray,
    b: NDArray | None,
    stride: Sequence[int],
    pad: Sequence[int],
    dilate: Sequence[int],
    groups: int,
    outsize_: Sequence[int],
) -> NDArray:
    """Transposed convolution: every input element scatters ``x * W`` into the output."""
    nd = x.ndim - 2
    n, c = x.shape[:2]
    og = W.shape[1]
    oc = og * groups
    cg = c // groups
    ksize = W.shape[2:]
    y = numpy.zeros((n, oc, *outsize_))
    for i in itertools.product(*(range(v) for v in x.shape[2:])):
        for kidx in itertools.product(*(range(k) for k in ksize)):
            pos = [i[a] * stride[a] - pad[a] + kidx[a] * dilate[a] for a in range(nd)]
            if not all(0 <= pos[a] < outsize_[a] for a in range(nd)):
                continue
            xv = x[_ix(slice(None), slice(None), *i)].astype(numpy.float64)
            for g in range(groups):
                w = W[_ix(slice(g * cg, (g + 1) * cg), slice(None), *kidx)].astype(numpy.float64)
                y[_ix(slice(None), slice(g * og, (g + 1) * og), *pos)] += (
                    xv[:, g * cg : (g + 1) * cg] @ w
                )
    if b is not None:
        y += b.astype(numpy.float64).reshape((1, -1) + (1,) * nd)
    return y


def pool_reference(
    x: NDArray,
    ksize: Sequence[int],
    stride: Sequence[int],
    pad: Sequence[int],
    cover_all: bool,
    mode: str,
    pad_value: float | None = 0.0,
) -> tuple[NDArray, NDArray]:
    """Max (with the first argmax) or average pooling, window by window, in float64."""
    nd = x.ndim - 2
    outs = [outsize(x.shape[2 + i], ksize[i], stride[i], pad[i], cover_all) for i in range(nd)]
    y = numpy.empty(x.shape[:2] + tuple(outs))
    index = numpy.zeros(y.shape, numpy.int64)
    for o in itertools.product(*(range(v) for v in outs)):
        values = []
        count = 0
        for kidx in itertools.product(*(range(k) for k in ksize)):
            pos = [o[i] * stride[i] - pad[i] + kidx[i] for i in range(nd)]
            if all(0 <= pos[i] < x.shape[2 + i] for i in range(nd)):
                values.append(x[_ix(slice(None), slice(None), *pos)].astype(numpy.float64))
                count += 1
            elif mode == "max":
                values.append(numpy.full(x.shape[:2], -numpy.inf))
            else:
                values.append(numpy.full(x.shape[:2], 0.0 if pad_value is None else pad_value))
        stacked = numpy.stack(values, -1)
        if mode == "max":
            y[_ix(..., *o)] = stacked.max(-1)
            index[_ix(..., *o)] = stacked.argmax(-1)
        else:
            y[_ix(..., *o)] = stacked.sum(-1) / (count if pad_value is None else len(values))
    return y, index


def distinct(seed: int, shape: tuple[int, ...], dtype: Any = numpy.float64) -> NDArray:
    """Values in ``[-1, 1)`` at least ``2 / size`` apart: no ties within ``eps`` for maxima."""
    rng = numpy.random.default_rng(seed)
    size = int(numpy.prod(shape))
    values = rng.permutation(size).reshape(shape) * (2.0 / size) - 1.0
    return values.astype(dtype)


def check_grads(
    fn: Callable[..., Any],
    inputs: Sequence[NDArray],
    *,
    seed: int = 0,
    double: bool = True,
    eps: float = 1e-3,
    atol: float = 1e-5,
    rtol: float = 1e-4,
) -> None:
    """First- and second-order gradient checks with seeded random output gradients."""
    rng = numpy.random.default_rng(seed)
    outputs = fn(*[Variable(x) for x in inputs])
    if isinstance(outputs, Variable):
        outputs = (outputs,)
    gys = tuple(rng.uniform(-1, 1, y.shape).astype(y.dtype) for y in outputs)
    gc.check_backward(fn, tuple(inputs), gys, eps=eps, atol=atol, rtol=rtol)
    if not double:
        return
    ggxs = tuple(
        rng.uniform(-1, 1, x.shape).astype(x.dtype) if x.dtype.kind == "f" else None
        for x in inputs
    )
    gc.check_double_backward(fn, tuple(inputs), gys, ggxs, eps=eps, atol=atol * 10, rtol=rtol * 10)


def gpu_module() -> Any:
    """CuPy, or skip the test when it or a CUDA device is missing."""
    cupy = pytest.importorskip("cupy")
    if cupy.cuda.runtime.getDeviceCount() == 0:
        pytest.skip("no CUDA device")
    return cupy
