"""The LSTM cell (:func:`lstm`) and its gate pre-activations (:func:`lstm_gates`).

The cell runs the fused ``lstm_forward``/``lstm_backward`` kernels of
:mod:`kusari.devices.kernels` (gate-major NumPy code on the CPU, one CUDA kernel on CuPy).
"""

from __future__ import annotations

import math
from typing import final

from kusari.devices import Array, get_array_module, kernels
from kusari.graph import FunctionNode, Variable, VariableOrArray, type_check
from kusari.graph.type_check import TypeInfoTuple

from .. import _utils
from ..activation.sigmoid import sigmoid
from ..activation.tanh import tanh
from ..array.get_item import GetItemGrad, get_item
from ..array.reshape import reshape
from ..math.matmul import matmul
from ..math.sum import sum as sum_

__all__ = ["LSTM", "LSTMGates", "lstm", "lstm_gates"]


def _to_kernel_layout(c_prev: Array, x: Array) -> tuple[Array, Array]:
    """Flatten trailing axes into the units, keeping the gates of each unit adjacent."""
    if x.ndim == 2:
        return c_prev, x
    batch, units = c_prev.shape[:2]
    rest = math.prod(x.shape[2:])
    x2 = x.reshape(batch, units, 4, rest).transpose(0, 1, 3, 2).reshape(batch, units * rest * 4)
    return c_prev.reshape(batch, units * rest), x2


def _from_kernel_layout(gx: Array, x_shape: tuple[int, ...]) -> Array:
    if len(x_shape) == 2:
        return gx
    batch, units4 = x_shape[:2]
    rest = math.prod(x_shape[2:])
    return gx.reshape(batch, units4 // 4, rest, 4).transpose(0, 1, 3, 2).reshape(x_shape)


@final
class LSTM(FunctionNode):
    """One LSTM step with Chainer's gate layout; inputs ``(c_prev, x)``, outputs ``(c, h)``.

    ``x`` holds the pre-activations of the gates ``a, i, f, o`` interleaved per unit
    (``x.reshape(batch, units, 4, ...)``).  ``x`` may have fewer rows than ``c_prev``: the
    remaining rows of ``c_prev`` are passed through to ``c`` unchanged, and ``h`` has only
    ``len(x)`` rows.
    """

    __slots__ = ()

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """``c`` and ``x`` share a floating dtype and rank; ``x.shape[1] == 4 * c.shape[1]``."""
        type_check.expect(in_types.size() == 2)
        type_check.argname(in_types, ("c", "x"))
        c_type, x_type = in_types
        type_check.expect(
            c_type.dtype.kind == "f",
            x_type.dtype == c_type.dtype,
            c_type.ndim >= 2,
            x_type.ndim == c_type.ndim,
        )
        type_check.expect(
            x_type.shape[0] <= c_type.shape[0],
            x_type.shape[1] == 4 * c_type.shape[1],
        )
        for axis in range(2, type_check.eval(c_type.ndim)):
            type_check.expect(x_type.shape[axis] == c_type.shape[axis])

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Run the fused kernel on the first ``len(x)`` rows; pass the others through."""
        self.retain_inputs((0, 1))
        self.retain_outputs((0,))
        c_prev, x = inputs
        batch = x.shape[0]
        c_head = c_prev[:batch]
        cp2, x2 = _to_kernel_layout(c_head, x)
        c2, h2 = kernels.lstm_forward(cp2, x2)
        c = c2.reshape(c_head.shape)
        h = h2.reshape(c_head.shape)
        if batch < c_prev.shape[0]:
            xp = get_array_module(c_prev)
            c = xp.concatenate((c, c_prev[batch:]))
        return c, h

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """The fused ``lstm_backward`` kernel (gates recomputed from ``x``)."""
        gc, gh = grad_outputs
        c_prev = self.retained_input_array(0)
        x = self.retained_input_array(1)
        c = self.output_data[0]
        assert c is not None
        batch = x.shape[0]
        c_head = c_prev[:batch]
        gc_head = None if gc is None else gc[:batch]
        cp2, x2 = _to_kernel_layout(c_head, x)
        shape2 = cp2.shape
        gc_prev2, gx2 = kernels.lstm_backward(
            cp2,
            x2,
            c[:batch].reshape(shape2),
            None if gc_head is None else gc_head.reshape(shape2),
            None if gh is None else gh.reshape(shape2),
        )
        gc_prev = gc_prev2.reshape(c_head.shape)
        if batch < c_prev.shape[0]:
            xp = get_array_module(c_prev)
            rest = xp.zeros_like(c_prev[batch:]) if gc is None else gc[batch:]
            gc_prev = xp.concatenate((gc_prev, rest))
        return gc_prev, _from_kernel_layout(gx2, x.shape)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """The same gradients as a composition of differentiable functions (double backprop)."""
        gc, gh = grad_outputs
        c_prev, x = self.get_retained_inputs()
        full = c_prev.shape[0]
        batch = x.shape[0]
        units = c_prev.shape[1]
        rest = tuple(c_prev.shape[2:])
        c_head = c_prev if batch == full else get_item(c_prev, slice(0, batch))
        gates = reshape(x, (batch, units, 4, *rest))

        def gate(k: int) -> Variable:
            return get_item(gates, (slice(None), slice(None), k))

        a = tanh(gate(0))
        i = sigmoid(gate(1))
        f = sigmoid(gate(2))
        o = sigmoid(gate(3))
        tanh_c = tanh(a * i + f * c_head)
        gc_head = None
        if gc is not None:
            gc_head = gc if batch == full else get_item(gc, slice(0, batch))
        if gh is not None:
            grad_c = gh * o * (1 - tanh_c * tanh_c)
            if gc_head is not None:
                grad_c = grad_c + gc_head
        else:
            assert gc_head is not None
            grad_c = gc_head
        grads = [
            grad_c * i * (1 - a * a),
            grad_c * a * i * (1 - i),
            grad_c * c_head * f * (1 - f),
            None if gh is None else gh * tanh_c * o * (1 - o),
        ]
        gx = _interleave(grads, x.dtype, (batch, units, 4, *rest))
        gc_prev = grad_c * f
        if batch < full:
            gc_prev = GetItemGrad((slice(0, batch),), c_prev.shape).apply((gc_prev,))[0]
            if gc is not None:
                xp = get_array_module(c_prev.array)
                keep = xp.zeros((full,) + (1,) * (c_prev.ndim - 1), c_prev.dtype)
                keep[batch:] = 1
                gc_prev = gc_prev + gc * keep
        return gc_prev, reshape(gx, x.shape)


def _interleave(grads: list[Variable | None], dtype: object, shape: tuple[int, ...]) -> Variable:
    """Stack the four gate gradients along axis 2 (as the sum of one-hot broadcasts)."""
    result: Variable | None = None
    for k, g in enumerate(grads):
        if g is None:
            continue
        xp = get_array_module(g.array)
        one_hot = xp.zeros((1, 1, 4) + (1,) * (len(shape) - 3), dtype)
        one_hot[:, :, k] = 1
        term = reshape(g, (shape[0], shape[1], 1, *shape[3:])) * one_hot
        result = term if result is None else result + term
    assert result is not None
    return result


def lstm(c_prev: VariableOrArray, x: VariableOrArray) -> tuple[Variable, Variable]:
    """One step of a long short-term memory cell, with Chainer's gate layout.

    ``x`` holds the pre-activations of four gates per unit, interleaved: viewed as
    ``x.reshape(batch, units, 4, ...)``, index 0 is the cell input ``a``, 1 the input gate
    ``i``, 2 the forget gate ``f`` and 3 the output gate ``o``::

        c = tanh(a) * sigmoid(i) + sigmoid(f) * c_prev
        h = sigmoid(o) * tanh(c)

    If ``x`` has fewer rows than ``c_prev`` (a mini-batch of sequences sorted by length,
    where the shorter ones have ended), the remaining rows of ``c_prev`` are copied to ``c``
    and ``h`` has only ``len(x)`` rows.  Forward and backward run a fused kernel; double
    backprop is supported.

    Args:
        c_prev: The previous cell state, ``(batch, units, ...)``.
        x: The gate pre-activations, ``(batch', 4 * units, ...)`` with ``batch' <= batch``.

    Returns:
        ``(c, h)``: the new cell state (shaped like ``c_prev``) and the output
        (``(batch', units, ...)``).

    Raises:
        kusari.graph.type_check.InvalidType: If the dtypes or shapes do not fit.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> c_prev = numpy.zeros((1, 1))
        >>> x = numpy.array([[10.0, 10.0, 0.0, 10.0]])
        >>> c, h = F.lstm(c_prev, x)
        >>> c.shape, h.shape
        ((1, 1), (1, 1))
        >>> round(float(c.array[0, 0]), 3), round(float(h.array[0, 0]), 3)
        (1.0, 0.762)
    """
    c, h = LSTM().apply((c_prev, x))
    return c, h


@final
class LSTMGates(FunctionNode):
    """``x @ W_x.T + h @ W_h.T (+ b)``: the gate pre-activations of a fully connected LSTM.

    Inputs ``(x, h, W_x, W_h)`` or ``(x, h, W_x, W_h, b)``; one output.  It computes what
    ``linear(x, W_x, b) + linear(h, W_h)`` computes, as one graph node with one output
    buffer (the second product is added into the first).
    """

    __slots__ = ()

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """Matrices of one floating dtype whose sizes chain like the two linear maps."""
        n_in = type_check.eval(in_types.size())
        type_check.expect(in_types.size() >= 4, in_types.size() <= 5)
        type_check.argname(in_types, ("x", "h", "W_x", "W_h", "b")[:n_in])
        x_type, h_type, wx_type, wh_type = in_types[0], in_types[1], in_types[2], in_types[3]
        type_check.expect(
            x_type.dtype.kind == "f",
            h_type.dtype == x_type.dtype,
            wx_type.dtype == x_type.dtype,
            wh_type.dtype == x_type.dtype,
            x_type.ndim == 2,
            h_type.ndim == 2,
            wx_type.ndim == 2,
            wh_type.ndim == 2,
        )
        type_check.expect(
            h_type.shape[0] == x_type.shape[0],
            x_type.shape[1] == wx_type.shape[1],
            h_type.shape[1] == wh_type.shape[1],
            wh_type.shape[0] == wx_type.shape[0],
        )
        if n_in == 5:
            b_type = in_types[4]
            type_check.expect(b_type.dtype == x_type.dtype, b_type.ndim == 1)
            type_check.expect(b_type.shape[0] == wx_type.shape[0])

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Two GEMMs into one buffer (``x``, ``h`` and both weights are retained)."""
        self.retain_inputs((0, 1, 2, 3))
        x, h, W_x, W_h = inputs[0], inputs[1], inputs[2], inputs[3]
        y = x @ W_x.T
        if len(inputs) == 5:
            y += inputs[4]
        # Summed in the order of linear(x, W_x, b) + linear(h, W_h): the same bits.
        y += h @ W_h.T
        return (y,)

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """``gy @ W_x``, ``gy @ W_h``, ``gy.T @ x``, ``gy.T @ h`` and ``sum(gy, 0)``."""
        gy = _utils.first_grad(grad_outputs)
        retained = self.get_retained_inputs()  # x, h, W_x, W_h
        result: list[Variable | None] = []
        for i in target_input_indexes:
            if i == 4:
                result.append(sum_(gy, axis=0))
            elif i < 2:  # x, h: through W_x, W_h
                result.append(matmul(gy, retained[i + 2]))
            else:  # W_x, W_h: from x, h
                result.append(matmul(gy, retained[i - 2], transa=True))
        return tuple(result)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """``gy @ W_x``, ``gy @ W_h``, ``gy.T @ x``, ``gy.T @ h`` and ``sum(gy, 0)``."""
        gy = grad_outputs[0]
        assert gy is not None
        result: list[Array | None] = []
        for i in target_input_indexes:
            if i == 4:
                result.append(gy.sum(axis=0))
            elif i < 2:  # x, h: through W_x, W_h
                result.append(gy @ self.retained_input_array(i + 2))
            else:  # W_x, W_h: from x, h
                result.append(gy.T @ self.retained_input_array(i - 2))
        return tuple(result)


def lstm_gates(
    x: VariableOrArray,
    h: VariableOrArray,
    W_x: VariableOrArray,
    W_h: VariableOrArray,
    b: VariableOrArray | None = None,
) -> Variable:
    """The gate pre-activations of an LSTM step: ``x @ W_x.T + h @ W_h.T + b``.

    The same values and gradients as ``linear(x, W_x, b) + linear(h, W_h)``, as one graph
    node instead of three: the second product is added into the first's buffer, and the
    backward pass returns all the gradients at once.  :class:`kusari.links.LSTM` uses it
    for ``upward(x) + lateral(h)``.  Double backprop is supported.

    Args:
        x: The input, ``(batch, in_size)``.
        h: The previous output, ``(batch, units)``.
        W_x: The input weight, ``(n, in_size)`` (``n = 4 * units`` in an LSTM).
        W_h: The recurrent weight, ``(n, units)``.
        b: The bias, ``(n,)``, or ``None``.

    Returns:
        The pre-activations, ``(batch, n)``.

    Raises:
        kusari.graph.type_check.InvalidType: If the dtypes or shapes do not fit (all the
            inputs must share one floating dtype).

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> x, h = numpy.ones((1, 2)), numpy.full((1, 1), 2.0)
        >>> W_x, W_h = numpy.ones((4, 2)), numpy.ones((4, 1))
        >>> F.lstm_gates(x, h, W_x, W_h, numpy.arange(4.0)).array.tolist()
        [[4.0, 5.0, 6.0, 7.0]]
    """
    args = (x, h, W_x, W_h) if b is None else (x, h, W_x, W_h, b)
    return LSTMGates().apply(args)[0]
