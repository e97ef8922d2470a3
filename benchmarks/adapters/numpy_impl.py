"""The numpy floor (workloads a and b only): the same arithmetic on bare arrays.

The forward does the numpy op and appends one tuple to a tape; the backward walks the tape
once in reverse and does exactly the numpy work any numpy autograd needs (add: nothing;
mul by c: ``g * c``; tanh: ``g * (1 - y * y)``; sum: a broadcast), with gradients keyed by
``id``.  There is no Variable, no type check, no device lookup, no hook: what is left is the
cost of the numpy calls plus about 0.05 µs per op of tape.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from ..protocol import FloatArray, IntArray, Layer, Recurrent, Unavailable

_ADD_CONST, _MUL_CONST, _TANH, _ADD, _SUM = range(5)
_SUPPORTED = frozenset({"add_const", "mul_const", "tanh", "add", "sum"})


class NumpyFloor:
    """The numpy floor adapter (see the module docstring)."""

    def __init__(self) -> None:
        self.name = "numpy"
        tape: list[tuple[int, Any, Any, Any]] = []
        self._tape = tape
        self._leaves: dict[int, FloatArray] = {}
        self._leaf_grads: dict[int, FloatArray] = {}
        append = tape.append
        tanh = np.tanh

        def add_const(x: Any, c: float) -> Any:
            y = x + c
            append((_ADD_CONST, y, x, None))
            return y

        def mul_const(x: Any, c: float) -> Any:
            y = x * c
            append((_MUL_CONST, y, x, c))
            return y

        def tanh_(x: Any) -> Any:
            y = tanh(x)
            append((_TANH, y, x, None))
            return y

        def add(a: Any, b: Any) -> Any:
            y = a + b
            append((_ADD, y, a, b))
            return y

        def sum_(x: Any) -> Any:
            y = x.sum()
            append((_SUM, y, x, None))
            return y

        self.add_const: Callable[[Any, float], Any] = add_const
        self.mul_const: Callable[[Any, float], Any] = mul_const
        self.tanh: Callable[[Any], Any] = tanh_
        self.add: Callable[[Any, Any], Any] = add
        self.sum: Callable[[Any], Any] = sum_
        self.relu: Callable[[Any], Any] = _unsupported
        self.flatten: Callable[[Any], Any] = _unsupported
        self.max_pool2d: Callable[[Any, int], Any] = _unsupported
        self.softmax_cross_entropy: Callable[[Any, Any], Any] = _unsupported

    def missing(self, features: Iterable[str]) -> list[str]:
        return [f"numpy floor: {f}" for f in features if f not in _SUPPORTED]

    def make_input(self, array: FloatArray, requires_grad: bool) -> Any:
        # A new input starts a new graph.
        self._tape.clear()
        self._leaves = {id(array): array} if requires_grad else {}
        return array

    def make_labels(self, array: IntArray) -> Any:
        raise Unavailable("the numpy floor has no labels")

    def backward(self, loss: Any) -> None:
        grads: dict[int, Any] = {id(loss): np.ones_like(loss)}
        get, pop = grads.get, grads.pop
        for kind, y, a, b in reversed(self._tape):
            g = pop(id(y), None)
            if g is None:
                continue
            if kind == _MUL_CONST:
                g = g * b
            elif kind == _TANH:
                g = g * (1 - y * y)
            elif kind == _SUM:
                g = np.full(a.shape, g, a.dtype)
            elif kind == _ADD:
                old = get(id(b))
                grads[id(b)] = g if old is None else old + g
            old = get(id(a))
            grads[id(a)] = g if old is None else old + g
        self._tape.clear()
        self._leaf_grads = {k: grads[k] for k in self._leaves if k in grads}

    def grad(self, x: Any) -> FloatArray | None:
        return self._leaf_grads.get(id(x))

    def to_numpy(self, x: Any) -> FloatArray:
        return np.asarray(x)

    def sync(self) -> None:
        pass

    def linear(self, n_in: int, n_out: int) -> Layer[Any]:
        raise Unavailable("the numpy floor has no layers")

    def conv2d(self, c_in: int, c_out: int, ksize: int, pad: int) -> Layer[Any]:
        raise Unavailable("the numpy floor has no layers")

    def embed(self, vocab: int, dim: int) -> Layer[Any]:
        raise Unavailable("the numpy floor has no layers")

    def lstm(self, n_in: int, n_out: int) -> Recurrent[Any]:
        raise Unavailable("the numpy floor has no layers")

    def optimizer(self, kind: str, layers: Sequence[Layer[Any]], lr: float) -> Any:
        raise Unavailable("the numpy floor has no optimizers")


def _unsupported(*args: object) -> Any:
    raise Unavailable("the numpy floor runs workloads a and b only")


def versions() -> dict[str, str]:
    """Nothing beyond numpy (always recorded)."""
    return {}


def make(variant: str, device: str) -> NumpyFloor:
    """The numpy floor; CPU only."""
    if device != "cpu":
        raise Unavailable("the numpy floor runs on the CPU only")
    return NumpyFloor()
