"""Tiny FunctionNodes for the gradient-check tests, right and deliberately wrong.

They depend only on ``kusari.graph`` (not on ``kusari.functions``), and each backward is
written with these same nodes, so that double backprop works through them. The two tests
at the end check the nodes themselves against hand-computed values.
"""

from __future__ import annotations

from typing import Any

import numpy
import numpy.typing as npt

from kusari.graph import FunctionNode, Variable
from kusari.graph.gradient_check import assert_allclose

Arr = npt.NDArray[Any]
Grads = tuple[Variable | None, ...]
Inputs = tuple[Arr, ...]


def _one(node: FunctionNode, *inputs: Variable | Arr) -> Variable:
    (y,) = node.apply(inputs)
    return y


class Mul(FunctionNode):
    """``x * y``."""

    def forward(self, inputs: Inputs) -> Inputs:
        self.retain_inputs((0, 1))
        x, y = inputs
        return (numpy.asarray(x * y),)

    def backward(self, indexes: tuple[int, ...], grad_outputs: Grads) -> Grads:
        x, y = self.get_retained_inputs()
        (gy,) = grad_outputs
        assert gy is not None
        return (mul(gy, y), mul(gy, x))


class Add(FunctionNode):
    """``x + y``."""

    def forward(self, inputs: Inputs) -> Inputs:
        x, y = inputs
        return (numpy.asarray(x + y),)

    def backward(self, indexes: tuple[int, ...], grad_outputs: Grads) -> Grads:
        (gy,) = grad_outputs
        return (gy, gy)


class Scale(FunctionNode):
    """``c * x`` for a Python number ``c``."""

    def __init__(self, c: float) -> None:
        self.c = c

    def forward(self, inputs: Inputs) -> Inputs:
        (x,) = inputs
        return (numpy.asarray(x * x.dtype.type(self.c)),)

    def backward(self, indexes: tuple[int, ...], grad_outputs: Grads) -> Grads:
        (gy,) = grad_outputs
        assert gy is not None
        return (scale(gy, self.c),)


class Sin(FunctionNode):
    def forward(self, inputs: Inputs) -> Inputs:
        self.retain_inputs((0,))
        return (numpy.asarray(numpy.sin(inputs[0])),)

    def backward(self, indexes: tuple[int, ...], grad_outputs: Grads) -> Grads:
        (x,) = self.get_retained_inputs()
        (gy,) = grad_outputs
        assert gy is not None
        return (mul(gy, cos(x)),)


class Cos(FunctionNode):
    def forward(self, inputs: Inputs) -> Inputs:
        self.retain_inputs((0,))
        return (numpy.asarray(numpy.cos(inputs[0])),)

    def backward(self, indexes: tuple[int, ...], grad_outputs: Grads) -> Grads:
        (x,) = self.get_retained_inputs()
        (gy,) = grad_outputs
        assert gy is not None
        return (mul(gy, scale(sin(x), -1.0)),)


class Exp(FunctionNode):
    def forward(self, inputs: Inputs) -> Inputs:
        self.retain_outputs((0,))
        return (numpy.asarray(numpy.exp(inputs[0])),)

    def backward(self, indexes: tuple[int, ...], grad_outputs: Grads) -> Grads:
        (y,) = self.get_retained_outputs()
        (gy,) = grad_outputs
        assert gy is not None
        return (mul(gy, y),)


class Abs(FunctionNode):
    def forward(self, inputs: Inputs) -> Inputs:
        self.retain_inputs((0,))
        return (numpy.asarray(numpy.abs(inputs[0])),)

    def backward(self, indexes: tuple[int, ...], grad_outputs: Grads) -> Grads:
        (x,) = self.get_retained_inputs()
        (gy,) = grad_outputs
        assert gy is not None
        assert x.array is not None
        return (mul(gy, numpy.sign(x.array)),)


class Sum(FunctionNode):
    """The sum of all elements, as a 0-dimensional array (first order only)."""

    def forward(self, inputs: Inputs) -> Inputs:
        (x,) = inputs
        self.shape = x.shape
        return (numpy.asarray(x.sum(), dtype=x.dtype),)

    def backward(self, indexes: tuple[int, ...], grad_outputs: Grads) -> Grads:
        (gy,) = grad_outputs
        assert gy is not None
        assert gy.array is not None
        return (Variable(numpy.broadcast_to(gy.array, self.shape).copy()),)


class Take(FunctionNode):
    """``x[indices]`` for an integer index array.

    ``leak_int_grad`` makes backward return a gradient for the indices (wrong);
    ``differentiable=False`` makes the gradient a constant, so that double backprop through
    it silently misses a term (wrong for double backward).
    """

    def __init__(self, leak_int_grad: bool = False, differentiable: bool = True) -> None:
        self.leak_int_grad = leak_int_grad
        self.differentiable = differentiable

    def forward(self, inputs: Inputs) -> Inputs:
        x, indices = inputs
        self.retain_inputs((1,))
        self.shape = x.shape
        return (numpy.asarray(x[indices]),)

    def backward(self, indexes: tuple[int, ...], grad_outputs: Grads) -> Grads:
        (indices,) = self.get_retained_inputs()
        (gy,) = grad_outputs
        assert gy is not None
        assert indices.array is not None
        gx = _one(ScatterAdd(self.shape), gy, indices)
        if not self.differentiable:
            gx = Variable(gx.array)
        g_indices = Variable(numpy.zeros_like(indices.array)) if self.leak_int_grad else None
        return (gx, g_indices)


class ScatterAdd(FunctionNode):
    """Adds ``g`` into zeros of ``shape`` at ``indices`` (the gradient of :class:`Take`)."""

    def __init__(self, shape: tuple[int, ...]) -> None:
        self.shape = shape

    def forward(self, inputs: Inputs) -> Inputs:
        g, indices = inputs
        self.retain_inputs((1,))
        out = numpy.zeros(self.shape, g.dtype)
        numpy.add.at(out, indices, g)
        return (out,)

    def backward(self, indexes: tuple[int, ...], grad_outputs: Grads) -> Grads:
        (indices,) = self.get_retained_inputs()
        (gg,) = grad_outputs
        assert gg is not None
        return (_one(Take(), gg, indices), None)


class TwoOutputs(FunctionNode):
    """``(x * y, x + y)``: a function with two outputs."""

    def forward(self, inputs: Inputs) -> Inputs:
        self.retain_inputs((0, 1))
        x, y = inputs
        return (numpy.asarray(x * y), numpy.asarray(x + y))

    def backward(self, indexes: tuple[int, ...], grad_outputs: Grads) -> Grads:
        x, y = self.get_retained_inputs()
        g_mul, g_add = grad_outputs
        gx: Variable | None = None
        gy: Variable | None = None
        if g_mul is not None:
            gx, gy = mul(g_mul, y), mul(g_mul, x)
        if g_add is not None:
            gx = g_add if gx is None else add(gx, g_add)
            gy = g_add if gy is None else add(gy, g_add)
        return (gx, gy)


# -- deliberately wrong ------------------------------------------------------------------------


class WrongSquare(FunctionNode):
    """``x * x`` whose backward returns ``3 * x * gy`` instead of ``2 * x * gy``."""

    def forward(self, inputs: Inputs) -> Inputs:
        self.retain_inputs((0,))
        return (numpy.asarray(inputs[0] * inputs[0]),)

    def backward(self, indexes: tuple[int, ...], grad_outputs: Grads) -> Grads:
        (x,) = self.get_retained_inputs()
        (gy,) = grad_outputs
        assert gy is not None
        return (scale(mul(gy, x), 3.0),)


class MulWrongSecondInput(FunctionNode):
    """``x * y`` whose gradient for ``y`` is ``gy * x * 1.5``."""

    def forward(self, inputs: Inputs) -> Inputs:
        self.retain_inputs((0, 1))
        x, y = inputs
        return (numpy.asarray(x * y),)

    def backward(self, indexes: tuple[int, ...], grad_outputs: Grads) -> Grads:
        x, y = self.get_retained_inputs()
        (gy,) = grad_outputs
        assert gy is not None
        return (mul(gy, y), scale(mul(gy, x), 1.5))


class SquareWrongArrays(FunctionNode):
    """``x * x``: right ``backward``, wrong ``backward_arrays`` (the fast path)."""

    def forward(self, inputs: Inputs) -> Inputs:
        self.retain_inputs((0,))
        return (numpy.asarray(inputs[0] * inputs[0]),)

    def backward(self, indexes: tuple[int, ...], grad_outputs: Grads) -> Grads:
        (x,) = self.get_retained_inputs()
        (gy,) = grad_outputs
        assert gy is not None
        return (scale(mul(gy, x), 2.0),)

    def backward_arrays(
        self, indexes: tuple[int, ...], grad_outputs: tuple[Arr | None, ...]
    ) -> tuple[Arr | None, ...]:
        x = self.retained_input_array(0)
        (gy,) = grad_outputs
        assert gy is not None
        return (gy * x,)


class SquareWrongDoubleBackward(FunctionNode):
    """``x * x`` with a right first-order gradient whose own gradient is wrong."""

    def forward(self, inputs: Inputs) -> Inputs:
        self.retain_inputs((0,))
        return (numpy.asarray(inputs[0] * inputs[0]),)

    def backward(self, indexes: tuple[int, ...], grad_outputs: Grads) -> Grads:
        (x,) = self.get_retained_inputs()
        (gy,) = grad_outputs
        assert gy is not None
        return (_one(TwiceProductWrongGrad(), x, gy),)


class TwiceProductWrongGrad(FunctionNode):
    """``2 * x * g`` computed right, differentiated wrong (``x`` gets ``g * gz``)."""

    def forward(self, inputs: Inputs) -> Inputs:
        self.retain_inputs((0, 1))
        x, g = inputs
        return (numpy.asarray(2 * x * g),)

    def backward(self, indexes: tuple[int, ...], grad_outputs: Grads) -> Grads:
        x, g = self.get_retained_inputs()
        (gz,) = grad_outputs
        assert gz is not None
        return (mul(gz, g), scale(mul(gz, x), 2.0))


class WrongShapeGrad(FunctionNode):
    """Identity whose backward returns a gradient of the wrong shape."""

    def forward(self, inputs: Inputs) -> Inputs:
        return (inputs[0].copy(),)

    def backward(self, indexes: tuple[int, ...], grad_outputs: Grads) -> Grads:
        (gy,) = grad_outputs
        assert gy is not None
        assert gy.array is not None
        return (Variable(gy.array.reshape(-1)[:1].copy()),)


def mul(a: Variable | Arr, b: Variable | Arr) -> Variable:
    return _one(Mul(), a, b)


def add(a: Variable | Arr, b: Variable | Arr) -> Variable:
    return _one(Add(), a, b)


def scale(x: Variable, c: float) -> Variable:
    return _one(Scale(c), x)


def sin(x: Variable) -> Variable:
    return _one(Sin(), x)


def cos(x: Variable) -> Variable:
    return _one(Cos(), x)


def exp(x: Variable) -> Variable:
    return _one(Exp(), x)


def apply(node: FunctionNode, *inputs: Variable | Arr) -> Variable:
    return _one(node, *inputs)


def test_nodes_forward_and_backward_values() -> None:
    x = Variable(numpy.array([0.5, -1.0]))
    y = Variable(numpy.array([2.0, 3.0]))
    z = add(mul(sin(x), y), exp(x))
    z.grad = numpy.ones(2)
    z.backward()
    assert_allclose(z, numpy.sin([0.5, -1.0]) * [2.0, 3.0] + numpy.exp([0.5, -1.0]))
    assert_allclose(x.grad, numpy.cos([0.5, -1.0]) * [2.0, 3.0] + numpy.exp([0.5, -1.0]))
    assert_allclose(y.grad, numpy.sin([0.5, -1.0]))


def test_wrong_nodes_are_really_wrong() -> None:
    x = Variable(numpy.array([1.0, 2.0]))
    y = apply(WrongSquare(), x)
    y.grad = numpy.ones(2)
    y.backward()
    assert_allclose(x.grad, [3.0, 6.0])  # not 2 * x
