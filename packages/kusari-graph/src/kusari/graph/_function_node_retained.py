"""Rebuilding the retained inputs and outputs of a :class:`~kusari.graph.FunctionNode`.

:meth:`~kusari.graph.FunctionNode.get_retained_inputs` and
:meth:`~kusari.graph.FunctionNode.get_retained_outputs` (Variable-mode backward) are bound
in FunctionNode's class body.  The array-mode readers, ``retained_input_array`` and
``output_data``, stay in the class: ``backward_arrays`` calls them on the hot path.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

from ._variable import Variable, _make_variable

if TYPE_CHECKING:
    from ._function_node import FunctionNode

__all__ = ["get_retained_inputs", "get_retained_outputs", "released_error"]

_ref = weakref.ref


def get_retained_inputs(self: FunctionNode) -> tuple[Variable, ...]:
    """Return the retained inputs as Variables (the live ones, or rebuilt ones).

    Returns:
        One Variable per index given to :meth:`retain_inputs`.
    """
    indexes = getattr(self, "_input_indexes_to_retain", None)
    if indexes is None:
        return ()
    inputs = self.inputs
    result = []
    for index in indexes:
        node = inputs[index]
        variable = node.get_variable_or_none()
        if variable is None:
            if node._data is None:
                raise released_error(self, f"input #{index}")
            variable = node.get_variable()
        result.append(variable)
    return tuple(result)


def get_retained_outputs(self: FunctionNode) -> tuple[Variable, ...]:
    """Return the retained outputs as Variables.

    An output whose node has been garbage-collected is rebuilt from the retained array,
    with this function as its creator.

    Returns:
        One Variable per index given to :meth:`retain_outputs`.
    """
    indexes = getattr(self, "_output_indexes_to_retain", None)
    if indexes is None:
        return ()
    retained = getattr(self, "_retained_output_data", None)
    if retained is None:
        raise released_error(self, "outputs")
    outputs = list(self.outputs)
    modified = False
    result = []
    for index in indexes:
        node = outputs[index]()
        data = retained[index]
        if node is None:
            variable = _make_variable(data, True)
            new_node = variable.node
            new_node._creator_node = self
            new_node._rank = self.rank + 1
            new_node._data = data
            outputs[index] = _ref(new_node)
            modified = True
        else:
            variable = node.get_variable()
            if variable._data[0] is None:
                variable._data[0] = data
        result.append(variable)
    if modified:
        self.outputs = tuple(outputs)
    return tuple(result)


def released_error(func: FunctionNode, what: str) -> RuntimeError:
    """The error for retained arrays freed by ``backward(release_retained=True)``."""
    return RuntimeError(
        f"the retained {what} of {func.label} are no longer available; they were released by "
        "backward(release_retained=True), so the graph cannot be backpropagated through again"
    )
