"""fft and ifft: against a DFT written out, Chainer's values, gradients, errors."""

from __future__ import annotations

from typing import Any

import numpy
import numpy.typing as npt
import pytest

import kusari.functions as F
from kusari.graph import Variable
from kusari.graph.type_check import InvalidType

from ._array_loss_support import (
    FLOATS,
    assert_forward,
    check_grads,
    check_grads_float16,
    check_on_gpu,
    data,
    gpu,
    grad_array,
    uniform,
)


def _dft(real: Any, imag: Any, inverse: bool) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
    """The DFT along the last axis, as a sum over a matrix of roots of unity."""
    x = real.astype(numpy.float64) + 1j * imag.astype(numpy.float64)
    n = x.shape[-1]
    k = numpy.arange(n)
    sign = 1.0 if inverse else -1.0
    matrix = numpy.exp(sign * 2j * numpy.pi * numpy.outer(k, k) / n)
    y = x @ matrix.T
    if inverse:
        y /= n
    return y.real, y.imag


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape", [(5,), (2, 3), (2, 1, 4)])
@pytest.mark.parametrize("method", ["fft", "ifft"])
def test_forward_against_dft(dtype: Any, shape: tuple[int, ...], method: str) -> None:
    real, imag = uniform(0, shape, dtype), uniform(1, shape, dtype)
    yr, yi = getattr(F, method)((real, imag))
    er, ei = _dft(real, imag, method == "ifft")
    assert_forward(yr, er, dtype, scale=10.0)
    assert_forward(yi, ei, dtype, scale=10.0)


def test_chainer_values() -> None:
    # Outputs of Chainer 7.8.1 for the same float32 inputs.
    real = numpy.arange(6, dtype=numpy.float32).reshape(2, 3)
    imag = numpy.ones((2, 3), numpy.float32)
    yr, yi = F.fft((real, imag))
    numpy.testing.assert_allclose(data(yr), [[3, -1.5, -1.5], [12, -1.5, -1.5]], atol=1e-6)
    numpy.testing.assert_allclose(
        data(yi), [[3, 0.8660254, -0.8660254], [3, 0.8660254, -0.8660254]], atol=1e-6
    )
    yr, yi = F.ifft((real, imag))
    numpy.testing.assert_allclose(data(yr), [[1, -0.5, -0.5], [4, -0.5, -0.5]], atol=1e-6)
    numpy.testing.assert_allclose(
        data(yi), [[1, -0.28867513, 0.28867513], [1, -0.28867513, 0.28867513]], atol=1e-6
    )


def test_round_trip() -> None:
    real, imag = uniform(0, (3, 8), numpy.float64), uniform(1, (3, 8), numpy.float64)
    yr, yi = F.ifft(F.fft((real, imag)))
    numpy.testing.assert_allclose(data(yr), real, atol=1e-14)
    numpy.testing.assert_allclose(data(yi), imag, atol=1e-14)


@pytest.mark.parametrize("method", ["fft", "ifft"])
@pytest.mark.parametrize("shape", [(4,), (2, 3)])
def test_gradients(method: str, shape: tuple[int, ...]) -> None:
    inputs = [uniform(0, shape, numpy.float64), uniform(1, shape, numpy.float64)]
    check_grads(lambda r, i: getattr(F, method)((r, i)), inputs)
    check_grads_float16(
        lambda r, i: getattr(F, method)((r, i)), [x.astype(numpy.float16) for x in inputs]
    )


@pytest.mark.parametrize("method", ["fft", "ifft"])
def test_gradient_of_one_output(method: str) -> None:
    # Only the real part is used: the imaginary part's gradient is missing (zeros).
    real = Variable(uniform(0, (2, 4), numpy.float64))
    imag = Variable(uniform(1, (2, 4), numpy.float64))
    yr, _ = getattr(F, method)((real, imag))
    F.sum(yr * yr).backward()
    x = data(real) + 1j * data(imag)
    y = numpy.fft.fft(x) if method == "fft" else numpy.fft.ifft(x)
    n = x.shape[-1]
    # d/dx of sum(Re(y)^2): conj(F)^T (2 Re(y)), with F the (scaled) DFT matrix.
    g = 2 * y.real
    gx = numpy.fft.ifft(g) * n if method == "fft" else numpy.fft.fft(g) / n
    numpy.testing.assert_allclose(grad_array(real), gx.real, atol=1e-12)
    numpy.testing.assert_allclose(grad_array(imag), gx.imag, atol=1e-12)


@pytest.mark.parametrize(
    ("x", "error", "message"),
    [
        (numpy.zeros(3), TypeError, "fft: x must be a pair .real, imag. of arrays or Variables"),
        ((numpy.zeros(3),) * 3, TypeError, "got tuple of length 3"),
        (
            (numpy.zeros(3), numpy.zeros(3, numpy.float32)),
            InvalidType,
            r"Expect: real.dtype == imag.dtype",
        ),
        ((numpy.zeros(3), numpy.zeros(2)), InvalidType, r"Expect: real.shape == imag.shape"),
        (
            (numpy.zeros(3, numpy.int32), numpy.zeros(3, numpy.int32)),
            InvalidType,
            r"Expect: real.dtype.kind == 'f'",
        ),
        ((numpy.zeros(()), numpy.zeros(())), InvalidType, r"Expect: real.ndim > 0"),
        ((numpy.zeros((2, 0)), numpy.zeros((2, 0))), InvalidType, r"real.shape\[-1\] > 0"),
    ],
)
def test_invalid_inputs(x: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        F.fft(x)


@gpu
@pytest.mark.parametrize("method", ["fft", "ifft"])
def test_gpu(method: str) -> None:
    inputs = [uniform(0, (2, 5), numpy.float64), uniform(1, (2, 5), numpy.float64)]
    check_on_gpu(lambda r, i: getattr(F, method)((r, i)), inputs, atol=1e-12)
