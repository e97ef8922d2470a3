"""The gradient table of the backward pass, and what moves gradients in and out of it.

While the backward pass runs, the gradient of each node waits in a ``dict`` keyed by the
node until the node's creator is processed; contributions are summed as they arrive
(``prev + g``, out of place).  A leaf's existing gradient is moved into the table when the
leaf is first reached, and the sums are written back to the leaves at the end.

With ``config.lazy_grad_sum`` and double backprop the table is a :class:`LazyGradTable`
instead: it collects the contributions of each node in a list and sums them once, with
``F.add(*grads)`` (one graph node), when the node's gradient is taken out of the table.
The backward loop is the same for both tables.

Gradients are arrays in array mode and Variables in Variable mode (double backprop).
"""

from __future__ import annotations

from typing import Any

import numpy

from kusari.devices import Array, is_array

from ._function_node import FunctionNode
from ._variable import Variable, _make_variable, _type_name
from ._variable_node import VariableNode

__all__ = [
    "Grad",
    "LazyGradTable",
    "accumulate_step",
    "arrays_of",
    "as_owned_array",
    "load_leaf_grad",
    "set_var_grad",
    "variables_of",
]

_ndarray = numpy.ndarray

Grad = Any  # an array (array mode) or a Variable (Variable mode)


def load_leaf_grad(node: VariableNode, grads: dict[VariableNode, Grad], double: bool) -> Grad:
    """Move a leaf's existing gradient into the table, in front of what is there already.

    Returns:
        The leaf's entry in the table afterwards (``None`` if it has none): what the
        backward loop adds the next contribution to.
    """
    variable = node._variable()
    if variable is None or not variable._grad_valid:
        return None
    existing: Grad
    if double:
        existing = variable._grad_var
        if existing is None and variable._grad is not None:
            existing = _make_variable(variable._grad, False)
    else:
        grad_var = variable._grad_var
        existing = variable._grad if grad_var is None else grad_var._data[0]
    if existing is None:
        return None
    prev = grads.get(node)
    if prev is None:
        grads[node] = existing
    elif type(prev) is _Pending:
        prev.insert(0, existing)
    else:
        grads[node] = existing + prev
    return grads.get(node)


def as_owned_array(g: Any) -> Array:
    """A gradient fit to be stored: an array (not a NumPy scalar) that may be written to."""
    if type(g) is not _ndarray:
        if isinstance(g, numpy.generic):
            return numpy.asarray(g)
        return g  # type: ignore[no-any-return]
    if not g.flags.writeable:
        return g.copy()
    return g


def set_var_grad(node: VariableNode, g: Grad, double: bool, loss_scale: float | None) -> None:
    """Store ``g`` as the gradient of the node's Variable (if it is alive)."""
    variable = node._variable()
    if variable is None:
        return
    if double:
        variable._grad = None
        variable._grad_var = g
    else:
        variable._grad = as_owned_array(g)
        variable._grad_var = None
    variable._grad_valid = True
    if loss_scale is not None:
        variable._loss_scale = loss_scale


def accumulate_step(
    func: FunctionNode,
    targets: tuple[int, ...],
    gys: tuple[Grad, ...],
    grads: dict[VariableNode, Grad],
    leaves: dict[VariableNode, None],
    double: bool,
    assign_leaves: bool,
) -> tuple[Grad, ...]:
    """Run ``backward_accumulate``: the inputs' current gradients go in, the sums come out."""
    inputs = func.inputs
    seen: set[VariableNode] = set()
    grad_inputs: list[Variable | None] = []
    for i in targets:
        x = inputs[i]
        if x in seen:
            grad_inputs.append(None)
            continue
        seen.add(x)
        if assign_leaves and x._creator_node is None and x not in leaves:
            leaves[x] = None
            load_leaf_grad(x, grads, double)
        g = grads.pop(x, None)
        grad_inputs.append(g if double or g is None else _make_variable(as_owned_array(g), False))
    gy_vars = (
        gys if double else tuple(None if g is None else _make_variable(g, False) for g in gys)
    )
    result = func.backward_accumulate(targets, gy_vars, tuple(grad_inputs))
    if len(result) != len(targets):
        raise ValueError(
            f"{func.label}.backward_accumulate returned {len(result)} gradients; expected one "
            f"per target input ({len(targets)})"
        )
    return variables_of(func, result) if double else arrays_of(result)


def arrays_of(values: tuple[Any, ...]) -> tuple[Array | None, ...]:
    """The arrays of Variables (``None`` and arrays pass through)."""
    return tuple([v._data[0] if isinstance(v, Variable) else v for v in values])


def variables_of(func: FunctionNode, values: tuple[Any, ...]) -> tuple[Variable | None, ...]:
    """Variables for the gradients a backward returned (arrays wrapped, others refused)."""
    result: list[Variable | None] = []
    for v in values:
        if v is None or isinstance(v, Variable):
            result.append(v)
        elif is_array(v):
            result.append(_make_variable(v, False))
        else:
            raise TypeError(
                f"{func.label}.backward must return Variables, arrays or None, got {_type_name(v)}"
            )
    return tuple(result)


class _Pending(list[Grad]):
    """The gradients of one node not summed yet (in a :class:`LazyGradTable`)."""

    __slots__ = ()

    def __add__(self, g: Grad) -> _Pending:
        # The backward loop adds a new contribution with ``prev + g``: collect it instead.
        self.append(g)
        return self


class LazyGradTable(dict[VariableNode, Grad]):
    """The gradient table of ``config.lazy_grad_sum`` in double backprop.

    Storing a gradient starts a list for its node, adding to a stored gradient
    (``table.get(node) + g``) appends to the list, and :meth:`pop` returns
    ``F.add(*grads)``: one ``MultiAdd`` node in the recorded graph instead of a chain of
    ``Add`` nodes, which makes differentiating the gradients again cheaper.  The values
    are those of the eager table (the terms are added left to right, in the order they
    arrived).

    Array mode never uses it: there the sum costs the same number of additions either
    way, and collecting the terms first only adds bookkeeping and keeps every term alive
    (measured on the 1000-branch wide workload: 9% slower), so ``lazy_grad_sum`` has no
    effect without double backprop.

    Args:
        initial: Gradients to start from.
    """

    __slots__ = ()

    def __init__(self, initial: dict[VariableNode, Grad] | None = None) -> None:
        super().__init__()
        if initial:
            for node, g in initial.items():
                self[node] = g

    def __setitem__(self, node: VariableNode, g: Grad) -> None:
        dict.__setitem__(self, node, g if type(g) is _Pending else _Pending((g,)))

    def pop(self, node: VariableNode, default: Grad = None) -> Grad:
        """Take the gradient of ``node`` out of the table, summed; ``default`` if none."""
        pending = dict.pop(self, node, None)
        if pending is None:
            return default
        if len(pending) == 1:
            return pending[0]
        from kusari.functions.math.add import add  # kusari.functions imports this package

        return add(*pending)
