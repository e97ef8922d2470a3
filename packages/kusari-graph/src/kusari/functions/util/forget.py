"""Recomputation instead of storage (:func:`forget`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import final, overload

from kusari.devices import Array, get_array_module
from kusari.graph import (
    FunctionNode,
    Variable,
    VariableOrArray,
    force_backprop_mode,
    grad,
    no_backprop_mode,
    using_config,
)
from kusari.graph._variable import _type_name

__all__ = ["Forget", "forget"]

ForgetFunc = Callable[..., Variable | tuple[Variable, ...]]
"""What :func:`forget` wraps: Variables in, one Variable or a tuple of Variables out."""


def _call(func: ForgetFunc, xs: Sequence[Variable]) -> tuple[tuple[Variable, ...], bool]:
    outs: object = func(*xs)
    if isinstance(outs, Variable):
        return (outs,), False
    if isinstance(outs, tuple) and outs and all(isinstance(y, Variable) for y in outs):
        return outs, True
    raise RuntimeError(
        "forget: the function must return a Variable or a non-empty tuple of Variables, "
        f"got {_type_name(outs)}"
    )


@final
class Forget(FunctionNode):
    """Run ``func`` without recording its graph; run it again during backward.

    During the recomputation ``config.in_recomputing`` is ``True``, so that links with side
    effects (the running averages of batch normalization) can skip them.

    Args:
        func: The function of Variables to wrap; it must be deterministic.
    """

    __slots__ = ("func", "returns_tuple")

    def __init__(self, func: ForgetFunc) -> None:
        self.func = func
        self.returns_tuple = False

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Compute the outputs of ``func`` with backprop off (no graph is kept)."""
        self.retain_inputs(tuple(range(len(inputs))))
        with no_backprop_mode():
            xs = [Variable(x) for x in inputs]
            outs, self.returns_tuple = _call(self.func, xs)
        return tuple(y.array for y in outs)  # type: ignore[misc]

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Recompute ``func`` with a graph and backpropagate through it.

        With double backprop the recomputation runs on the real inputs, so the returned
        gradients are connected to them (and to the output gradients).
        """
        from kusari.graph import config

        double = bool(config.enable_backprop)
        if double:
            xs: list[Variable] = list(self.get_retained_inputs())
        else:
            xs = [Variable(self.retained_input_array(i)) for i in range(len(self.inputs))]
        with force_backprop_mode(), using_config("in_recomputing", True):
            outs, _ = _call(self.func, xs)
        gys: list[Variable | Array] = []
        for y, gy in zip(outs, grad_outputs, strict=True):
            if gy is None:
                array = y.array
                assert array is not None
                gys.append(get_array_module(array).zeros_like(array))
            else:
                gys.append(gy)
        targets = [xs[i] for i in target_input_indexes]
        gxs = grad(list(outs), targets, gys, enable_double_backprop=double)
        return tuple(gxs)


@overload
def forget(func: Callable[..., Variable], *xs: VariableOrArray) -> Variable: ...


@overload
def forget(
    func: Callable[..., tuple[Variable, ...]], *xs: VariableOrArray
) -> tuple[Variable, ...]: ...


def forget(func: ForgetFunc, *xs: VariableOrArray) -> Variable | tuple[Variable, ...]:
    """Call ``func(*xs)`` without keeping its intermediate results; recompute them in backward.

    Only the inputs are kept for backward: the graph inside ``func`` is dropped after the
    forward pass and rebuilt by running ``func`` again when the gradients are needed.  This
    trades compute for memory (gradient checkpointing).  ``func`` must be deterministic
    (no dropout with a fresh mask, no in-place updates); links such as batch normalization
    see ``config.in_recomputing == True`` during the second run.

    A tuple returned by ``func`` is returned as a tuple, even of one Variable (Chainer
    unpacks a 1-tuple; kusari keeps the type that ``func`` declares).  Unlike Chainer's
    ``forget``, double backprop works: with
    ``enable_double_backprop=True`` the recomputed graph is built on the real inputs, so
    the gradients can be differentiated again.

    Args:
        func: A function of Variables returning a Variable or a tuple of Variables.
        *xs: Its arguments, Variables or arrays.

    Returns:
        What ``func`` returns: one Variable, or a tuple of Variables.

    Raises:
        RuntimeError: If ``func`` returns anything else.
        TypeError: If an argument is neither a Variable nor an array.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> from kusari.graph import Variable
        >>> x = Variable(numpy.array([1.0, 2.0, 3.0]))
        >>> y = F.forget(lambda a: F.sum(a * a * a), x)
        >>> y.backward()
        >>> x.grad.tolist()
        [3.0, 12.0, 27.0]
    """
    node = Forget(func)
    outs = node.apply(xs)
    return outs if node.returns_tuple else outs[0]
