"""Discrete Fourier transforms of complex values given as (real, imag) pairs.

:func:`fft` and :func:`ifft` follow Chainer: the complex input is the pair ``(real,
imag)`` of floating point arrays of one shape and dtype, the transform runs along the
last axis, and the output is again a ``(real, imag)`` pair of that dtype.
"""

from __future__ import annotations

from typing import Any, Literal, final

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray, type_check
from kusari.graph.type_check import TypeInfoTuple

from ..array import _shape_check

__all__ = ["FFT", "fft", "ifft"]

_Method = Literal["fft", "ifft"]


@final
class FFT(FunctionNode):
    """The (inverse) DFT along the last axis of ``real + 1j * imag``.

    The gradient of ``fft`` is ``n * ifft`` of the output gradient, and that of ``ifft`` is
    ``fft / n``, so backward applies this function again (double backprop included).

    Args:
        method: ``"fft"`` or ``"ifft"``.
    """

    __slots__ = ("method",)

    def __init__(self, method: _Method) -> None:
        self.method = method

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """Floating point ``real`` and ``imag`` of one dtype and shape, at least 1-D."""
        type_check.argname(in_types, ("real", "imag"))
        real, imag = in_types
        type_check.expect(
            real.dtype.kind == "f",
            real.dtype == imag.dtype,
            real.shape == imag.shape,
            real.ndim > 0,
        )
        type_check.expect(real.shape[-1] > 0)

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Transform ``real + 1j * imag`` and split the result."""
        real, imag = inputs
        return _transform(self.method, real, imag, 1.0)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """The opposite transform of the output gradients, scaled by ``n`` or ``1 / n``."""
        shape = self.inputs[0].shape
        dtype = self.inputs[0].dtype
        assert shape is not None
        assert dtype is not None
        xp = next(g for g in grad_outputs if g is not None).xp
        gr, gi = _shape_check.zero_filled(grad_outputs, (shape, shape), dtype, xp)
        gxr, gxi = FFT(_inverse(self.method)).apply((gr, gi))
        scale = _scale(self.method, shape[-1])
        return (gxr * scale, gxi * scale)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """The opposite transform of the output gradients, scaled by ``n`` or ``1 / n``."""
        shape = self.inputs[0].shape
        dtype = self.inputs[0].dtype
        assert shape is not None
        assert dtype is not None
        xp = _shape_check.xp_of(next(g for g in grad_outputs if g is not None))
        gr, gi = _shape_check.zero_filled_arrays(grad_outputs, (shape, shape), dtype, xp)
        return _transform(_inverse(self.method), gr, gi, _scale(self.method, shape[-1]))


def _inverse(method: _Method) -> _Method:
    return "ifft" if method == "fft" else "fft"


def _scale(method: _Method, n: int) -> float:
    """The factor between the gradient of ``method`` and the opposite transform."""
    return float(n) if method == "fft" else 1.0 / n


def _transform(method: _Method, real: Array, imag: Array, scale: float) -> tuple[Array, Array]:
    xp: Any = _shape_check.xp_of(real)
    y = getattr(xp.fft, method)(real + 1j * imag)
    if scale != 1.0:
        y *= scale
    return y.real.astype(real.dtype), y.imag.astype(real.dtype)


def _apply(
    method: _Method, x: tuple[VariableOrArray, VariableOrArray]
) -> tuple[Variable, Variable]:
    pair: object = x
    if not isinstance(pair, tuple | list) or len(pair) != 2:
        raise TypeError(
            f"{method}: x must be a pair (real, imag) of arrays or Variables, "
            f"got {type(pair).__name__}"
            + (f" of length {len(pair)}" if isinstance(pair, tuple | list) else "")
        )
    real, imag = FFT(method).apply((x[0], x[1]))
    return real, imag


def fft(x: tuple[VariableOrArray, VariableOrArray]) -> tuple[Variable, Variable]:
    """The discrete Fourier transform along the last axis.

    ``y[..., k] = sum_n x[..., n] * exp(-2j * pi * k * n / N)`` for the complex input
    ``x = real + 1j * imag`` (unnormalized, as :func:`numpy.fft.fft`).

    Args:
        x: The pair ``(real, imag)``: floating point arrays (or Variables) of one shape and
            dtype, at least 1-D, with a non-empty last axis.

    Returns:
        The pair ``(real, imag)`` of the transform, of the input's shape and dtype.

    Raises:
        TypeError: If ``x`` is not a pair.
        kusari.graph.type_check.InvalidType: If the dtypes or shapes do not fit.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> real, imag = F.fft((numpy.array([1.0, 2.0, 3.0, 4.0]), numpy.zeros(4)))
        >>> real.array.tolist(), imag.array.tolist()
        ([10.0, -2.0, -2.0, -2.0], [0.0, 2.0, 0.0, -2.0])
    """
    return _apply("fft", x)


def ifft(x: tuple[VariableOrArray, VariableOrArray]) -> tuple[Variable, Variable]:
    """The inverse discrete Fourier transform along the last axis.

    ``y[..., n] = (1 / N) sum_k x[..., k] * exp(2j * pi * k * n / N)`` for the complex input
    ``x = real + 1j * imag`` (as :func:`numpy.fft.ifft`); ``ifft(fft(x))`` is ``x``.

    Args:
        x: The pair ``(real, imag)``: floating point arrays (or Variables) of one shape and
            dtype, at least 1-D, with a non-empty last axis.

    Returns:
        The pair ``(real, imag)`` of the inverse transform, of the input's shape and dtype.

    Raises:
        TypeError: If ``x`` is not a pair.
        kusari.graph.type_check.InvalidType: If the dtypes or shapes do not fit.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> spectrum = (numpy.array([10.0, -2.0, -2.0, -2.0]), numpy.array([0.0, 2.0, 0.0, -2.0]))
        >>> real, imag = F.ifft(spectrum)
        >>> real.array.tolist(), imag.array.tolist()
        ([1.0, 2.0, 3.0, 4.0], [0.0, 0.0, 0.0, 0.0])
    """
    return _apply("ifft", x)
