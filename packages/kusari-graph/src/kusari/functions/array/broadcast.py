"""Broadcasting several inputs to their common shape (:func:`broadcast`)."""

from __future__ import annotations

from typing import final, overload

from kusari.devices import Array
from kusari.graph import FunctionNode, Variable, VariableOrArray, type_check
from kusari.graph.type_check import TypeInfoTuple

from .. import _utils
from . import _shape_check

__all__ = ["Broadcast", "broadcast"]


@final
class Broadcast(FunctionNode):
    """Broadcast every input to the common shape (the outputs are read-only views)."""

    __slots__ = ("_in_shapes",)

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """At least one input; the shapes broadcast together (the dtypes may differ)."""
        type_check.expect(in_types.size() > 0)
        type_check.expect_broadcast_shapes(*[t.shape for t in in_types])

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Broadcast."""
        self._in_shapes = [x.shape for x in inputs]
        xp = _shape_check.xp_of(inputs[0])
        return tuple(xp.broadcast_arrays(*inputs))

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Sum each output gradient back to its input's shape."""
        # Imported here: the math package imports the array package while it initializes.
        from ..math.sum_to import sum_to

        return tuple(
            None if (gy := grad_outputs[i]) is None else sum_to(gy, self._in_shapes[i])
            for i in target_input_indexes
        )

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Sum each output gradient back to its input's shape."""
        return tuple(
            None
            if (gy := grad_outputs[i]) is None
            else _utils.sum_to_array(gy, self._in_shapes[i])
            for i in target_input_indexes
        )


@overload
def broadcast(arg: VariableOrArray, /) -> Variable: ...


@overload
def broadcast(
    arg0: VariableOrArray, arg1: VariableOrArray, /, *args: VariableOrArray
) -> tuple[Variable, ...]: ...


@overload
def broadcast(*args: VariableOrArray) -> Variable | tuple[Variable, ...]: ...


def broadcast(*args: VariableOrArray) -> Variable | tuple[Variable, ...]:
    """Broadcast the inputs against each other (NumPy's rules).

    Args:
        *args: The inputs; their shapes must broadcast together.  Their dtypes may differ.

    Returns:
        One Variable per input, all of the common shape; with a single input, that
        Variable itself instead of a tuple (as Chainer does).

    Raises:
        kusari.graph.type_check.InvalidType: If no input is given or the shapes do not
            broadcast.

    Example:
        >>> import numpy
        >>> import kusari.functions as F
        >>> a, b = F.broadcast(numpy.zeros((2, 1)), numpy.ones(3))
        >>> a.shape, b.shape
        ((2, 3), (2, 3))
        >>> b.array.tolist()
        [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]
    """
    ys = Broadcast().apply(args)
    return ys[0] if len(ys) == 1 else ys
