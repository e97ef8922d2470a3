"""``VariableNode``: the node that stands for a Variable in the computational graph."""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any, Never

import numpy

from kusari.devices import Array

if TYPE_CHECKING:
    from ._function import Function
    from ._function_node import FunctionNode
    from ._variable import Variable

__all__ = ["VariableNode"]


def _dead() -> None:
    """Stand-in for the weak reference of a node that never had a Variable."""
    return None


class VariableNode:
    """The node of a :class:`Variable` in the backward graph.

    Users hold Variables; the graph links VariableNodes and FunctionNodes.  A node refers to
    its Variable only *weakly*, so dropping a Variable frees its array even while the graph
    lives.  The array stays reachable from the node only if it was *retained*
    (:meth:`retain_data`, which functions do for the inputs and outputs they need in
    backward).  The node caches the array's ``dtype`` and ``shape``.

    Args:
        variable: The Variable this node stands for.
        name: The name of the node.

    Attributes:
        dtype: The dtype of the array (``None`` before it is known).
        shape: The shape of the array (``None`` before it is known).
        name: The name of the node.

    Example:
        >>> import numpy
        >>> from kusari.graph import Variable
        >>> x = Variable(numpy.zeros((2, 3), numpy.float32), name="x")
        >>> node = x.node
        >>> node.get_variable() is x, node.label, node.data is None
        (True, '(2, 3), float32', True)
    """

    __slots__ = (
        "__weakref__",
        "_creator_node",
        "_data",
        "_old_style_grad_generator",
        "_rank",
        "_requires_grad",
        "_variable",
        "dtype",
        "name",
        "shape",
    )

    _variable: Any  # weakref.ref[Variable], or _dead
    _data: Array | None
    _creator_node: FunctionNode | None
    _rank: int
    _requires_grad: bool
    _old_style_grad_generator: str | None
    dtype: numpy.dtype[Any] | None
    shape: tuple[int, ...] | None
    name: str | None

    def __init__(self, variable: Variable, name: str | None, **kwargs: Never) -> None:
        if kwargs:
            raise TypeError(f"VariableNode() got unexpected keyword arguments {sorted(kwargs)}")
        self._variable = weakref.ref(variable)
        self._data = None
        self._creator_node = None
        self._rank = 0
        self._requires_grad = variable.requires_grad
        self._old_style_grad_generator = None
        self.name = name
        self._update_data_info(variable.array)

    # -- construction without checks (hot path) --------------------------------------------

    @classmethod
    def _for_array(
        cls, variable: Variable | None, array: Array | None, requires_grad: bool
    ) -> VariableNode:
        node = object.__new__(cls)
        node._variable = _dead if variable is None else weakref.ref(variable)
        node._data = None
        node._creator_node = None
        node._rank = 0
        node._requires_grad = requires_grad
        node._old_style_grad_generator = None
        node.name = None
        if array is None:
            node.dtype = None
            node.shape = None
        else:
            node.dtype = array.dtype
            node.shape = array.shape
        return node

    def _update_data_info(self, data: Array | None) -> None:
        if data is None:
            self.dtype = None
            self.shape = None
        else:
            self.dtype = data.dtype
            self.shape = data.shape
            if self._data is not None:
                # Keep a retained array in sync with the Variable's new array.
                self._data = data

    # -- graph -----------------------------------------------------------------------------

    @property
    def creator_node(self) -> FunctionNode | None:
        """The :class:`FunctionNode` that created this node, or ``None`` for a root.

        Setting a node also sets :attr:`rank` to the node's rank plus one.
        """
        return self._creator_node

    @creator_node.setter
    def creator_node(self, func: FunctionNode | None) -> None:
        self._creator_node = func
        if func is not None:
            self._rank = func.rank + 1

    @property
    def creator(self) -> FunctionNode | Function | None:
        """The creator: the old-style :class:`Function` if one made it, else the node.

        For functions written as :class:`FunctionNode` this is :attr:`creator_node`; for an
        old-style :class:`Function` it is the Function object itself (the graph holds its
        :class:`FunctionAdapter`).
        """
        node = self._creator_node
        if node is None:
            return None
        from ._function import FunctionAdapter

        return node.function if isinstance(node, FunctionAdapter) else node

    @creator.setter
    def creator(self, func: FunctionNode | Function | None) -> None:
        from ._function import Function

        self.creator_node = func.node if isinstance(func, Function) else func

    def set_creator(self, creator: FunctionNode | Function) -> None:
        """Set the creator (a :class:`Function` or :class:`FunctionNode`).

        Args:
            creator: The function that created this node.
        """
        self.creator = creator

    def set_creator_node(self, creator_node: FunctionNode) -> None:
        """Set the creator node (same as ``self.creator_node = creator_node``).

        Args:
            creator_node: The function node that has this node as an output.
        """
        self.creator_node = creator_node

    def unchain(self) -> None:
        """Forget the creator (same as ``self.creator_node = None``)."""
        self.creator_node = None

    @property
    def rank(self) -> int:
        """The topological rank: 0 for a root, the creator's rank plus one otherwise."""
        return self._rank

    @property
    def requires_grad(self) -> bool:
        """Whether backward sets a gradient on the Variable of this node."""
        return self._requires_grad

    # -- data ------------------------------------------------------------------------------

    @property
    def data(self) -> Array | None:
        """The retained array, or ``None`` when the node does not retain it.

        Setting it updates the cached ``dtype`` and ``shape``.
        """
        return self._data

    @data.setter
    def data(self, data: Array | None) -> None:
        self._data = data
        self._update_data_info(data)

    def retain_data(self) -> None:
        """Make the node keep a reference to the Variable's array.

        Raises:
            RuntimeError: If the Variable has been garbage-collected.
        """
        variable = self._variable()
        if variable is None:
            raise RuntimeError(
                "cannot retain the data of a variable node whose Variable has been released"
            )
        self.data = variable.array

    def get_variable(self) -> Variable:
        """Return the Variable of this node, building one from retained data if it is gone.

        Returns:
            The live Variable, or a new Variable that holds the retained array (or ``None``)
            and uses this node.
        """
        variable: Variable | None = self._variable()
        if variable is not None:
            return variable
        from ._variable import Variable

        variable = Variable._with_node(self._data, self)
        return variable

    def get_variable_or_none(self) -> Variable | None:
        """Return the Variable of this node if it is alive, else ``None`` (builds nothing)."""
        variable: Variable | None = self._variable()
        return variable

    @property
    def grad(self) -> Array | None:
        """The gradient array of the Variable, or ``None`` if the Variable is gone."""
        variable = self._variable()
        return None if variable is None else variable.grad

    @property
    def grad_var(self) -> Variable | None:
        """The gradient Variable of the Variable, or ``None`` if the Variable is gone."""
        variable = self._variable()
        return None if variable is None else variable.grad_var

    @property
    def label(self) -> str:
        """A short text of the shape and dtype, such as ``'(2, 3), float32'``."""
        if self.shape is None:
            return f"None, {self.dtype}"
        if self.shape == ():
            return str(self.dtype)
        return f"({', '.join(map(str, self.shape))}), {self.dtype}"

    def _check_old_style_gradient(self) -> None:
        if self._old_style_grad_generator is not None:
            raise RuntimeError(
                "cannot twice-differentiate an old style Function "
                f'"{self._old_style_grad_generator}"'
            )

    def __repr__(self) -> str:
        name = "" if self.name is None else f" {self.name!r}"
        return f"<VariableNode{name} {self.label} rank={self._rank}>"
