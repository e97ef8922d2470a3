"""Graph surgery on a :class:`~kusari.graph.Variable`: setting and cutting its creator.

``set_creator``, ``set_creator_node``, ``unchain``, ``unchain_backward`` and
``retain_data`` are methods of Variable, bound in its class body; the read-only graph
properties (``node``, ``creator``, ``rank``, ...) stay in :mod:`._variable`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._function import Function
    from ._function_node import FunctionNode
    from ._variable import Variable

__all__ = ["retain_data", "set_creator", "set_creator_node", "unchain", "unchain_backward"]


def set_creator(self: Variable, gen_func: FunctionNode | Function) -> None:  # noqa: D417 (self)
    """Tell this Variable which function created it.

    Args:
        gen_func: The :class:`Function` or :class:`FunctionNode`.
    """
    self.node.set_creator(gen_func)


def set_creator_node(self: Variable, fnode: FunctionNode) -> None:  # noqa: D417 (self)
    """Tell this Variable which function node created it.

    Args:
        fnode: The :class:`FunctionNode` that has this Variable as an output.
    """
    self.node.set_creator_node(fnode)


def unchain(self: Variable) -> None:
    """Cut the link to the creator; backward stops at this Variable from now on."""
    node = self._node
    if node is not None:
        node._creator_node = None


def unchain_backward(self: Variable) -> None:
    """Cut every link of the graph behind this Variable (for truncated BPTT).

    Every function reachable backwards from here forgets its inputs and outputs, so the
    intermediate Variables and functions no one else refers to are freed.

    Example:
        >>> import numpy
        >>> from kusari.graph import Variable
        >>> x = Variable(numpy.ones(2, numpy.float32))
        >>> y = x * 2
        >>> z = y + 1
        >>> z.unchain_backward()
        >>> z.creator is None, y.creator is None
        (True, True)
    """
    node = self._node
    if node is None:
        return
    pending: list[FunctionNode] = []
    seen: set[FunctionNode] = set()
    creator = node._creator_node
    if creator is not None:
        pending.append(creator)
        seen.add(creator)
    node._creator_node = None
    while pending:
        func = pending.pop()
        for input_node in func.inputs:
            parent = input_node._creator_node
            if parent is not None and parent not in seen:
                seen.add(parent)
                pending.append(parent)
        func.unchain()


def retain_data(self: Variable) -> None:
    """Make the node keep a reference to the array (see :meth:`VariableNode.retain_data`)."""
    self.node.data = self._data[0]
