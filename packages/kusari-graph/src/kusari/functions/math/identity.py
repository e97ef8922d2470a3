"""Identity (:func:`identity`)."""

from __future__ import annotations

from typing import final, overload

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray

__all__ = ["Identity", "identity"]


@final
class Identity(FunctionNode):
    """Pass every input through unchanged (the outputs share the input arrays)."""

    __slots__ = ()

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Return the inputs."""
        return inputs

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Pass the gradients through."""
        return grad_outputs

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Pass the gradients through."""
        return grad_outputs


@overload
def identity(x: VariableOrArray, /) -> Variable: ...


@overload
def identity(
    x: VariableOrArray, y: VariableOrArray, /, *xs: VariableOrArray
) -> tuple[Variable, ...]: ...


def identity(*xs: VariableOrArray) -> Variable | tuple[Variable, ...]:
    """Return the inputs as new Variables in the graph (useful to mark a point in it).

    Args:
        *xs: The inputs.

    Returns:
        One Variable for one input, else a tuple.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> F.identity(numpy.array([1.0]))
        variable([1.])
    """
    if not xs:
        raise TypeError("identity() needs at least one input")
    outputs = Identity().apply(xs)
    return outputs[0] if len(outputs) == 1 else outputs
