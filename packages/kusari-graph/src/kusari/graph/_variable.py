"""``Variable``: an array with a gradient and a place in the computational graph."""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Never, TypeAlias

import numpy

from kusari.devices import Array, Device, Scalar, get_array_module, get_device_from_array, is_array

from . import (
    _variable_copy,
    _variable_device,
    _variable_grad,
    _variable_graph,
    _variable_ops,
    _variable_text,
)
from ._variable_copy import rebuild_variable as _rebuild_variable  # noqa: F401 (old pickles)
from ._variable_grad import GRAD_INVALID_MESSAGE as _GRAD_INVALID_MESSAGE
from ._variable_node import VariableNode
from ._variable_ops import install_variable_methods as install_variable_methods
from ._variable_ops import ops as _ops
from ._variable_text import comparison_message as _comparison_message

if TYPE_CHECKING:
    import types

    from ._function import Function
    from ._function_node import FunctionNode

__all__ = ["Operand", "Variable", "VariableOrArray"]

_ndarray = numpy.ndarray
_object_new = object.__new__
# Several graph modules (and kusari.functions) name types in messages with it.
_type_name = _variable_text.type_name


class Variable:
    """An array together with its gradient and its node in the computational graph.

    Applying a function to Variables records the computation (define-by-run); calling
    :meth:`backward` on the result computes gradients of every Variable that took part and
    has ``requires_grad``.  Arithmetic operators, ``@``, ``**``, ``abs``, indexing and
    :meth:`reshape`/:meth:`transpose`/:meth:`mean` are differentiable functions from
    :mod:`kusari.functions`.

    Args:
        data: The array (``numpy.ndarray`` or ``cupy.ndarray``), or ``None`` for an
            uninitialized Variable.
        name: A name, shown in ``repr`` and graphs.
        grad: The initial gradient array.
        requires_grad: Whether backward computes a gradient for this Variable.

    Raises:
        TypeError: If ``data`` (or ``grad``) is not an array or ``None``; Python and NumPy
            scalars and lists are rejected too (wrap them with ``numpy.asarray``).
        ValueError: If the removed ``volatile`` argument is given.

    Example:
        >>> import numpy
        >>> from kusari.graph import Variable
        >>> x = Variable(numpy.array([1.0, 2.0, 3.0], numpy.float32), name="x")
        >>> y = (x * x).mean()
        >>> y.backward()
        >>> x.grad
        array([0.6666667, 1.3333334, 2.       ], dtype=float32)
        >>> x
        variable x([1., 2., 3.])

    Subclassing (``kusari.links.Parameter`` does) relies on these protected members:

    * ``_data``: a one-element list holding the array.  ``copy.copy`` shares the list,
      so shallow copies see each other's ``array`` assignments; assign ``v._data =
      other._data`` to share explicitly or ``v._data = [None]`` to stop sharing.
    * ``_grad_valid``: when ``False``, reading :attr:`grad`/:attr:`grad_var` raises
      ``RuntimeError``; :meth:`cleargrad`, assigning a gradient and backward make it
      ``True`` again.
    * ``_initialize_like(template)``: called by :meth:`copydata` and :meth:`addgrad` on an
      uninitialized Variable to create its array; override it to run an initializer.
    * ``_set_array(array, check=True)``: replace the array (keeps the node in sync).
    * ``_loss_scale``: the ``loss_scale`` of the last backward that reached this leaf.
    """

    __slots__ = (
        "__weakref__",
        "_data",
        "_grad",
        "_grad_valid",
        "_grad_var",
        "_loss_scale",
        "_name",
        "_node",
        "_requires_grad",
    )

    __array_priority__ = 200
    __hash__ = None  # type: ignore[assignment]

    _data: list[Array | None]
    _node: VariableNode | None
    _grad: Array | None
    _grad_var: Variable | None
    _requires_grad: bool
    _name: str | None
    _loss_scale: float | None
    _grad_valid: bool

    def __init__(
        self,
        data: Array | None = None,
        *,
        name: str | None = None,
        grad: Array | None = None,
        requires_grad: bool = True,
        **kwargs: Never,
    ) -> None:
        if kwargs:
            _reject_kwargs(kwargs)
        if data is not None and type(data) is not _ndarray and not is_array(data):
            raise TypeError(
                "Variable data must be a numpy.ndarray, a cupy.ndarray or None, got "
                f"{_type_name(data)}; wrap scalars and lists with numpy.asarray(...)"
            )
        if name is not None and not isinstance(name, str):
            raise TypeError(f"Variable name must be a str or None, got {_type_name(name)}")
        self._data = [data]
        self._node = None
        self._grad = None
        self._grad_var = None
        self._requires_grad = bool(requires_grad)
        self._name = name
        self._loss_scale = None
        self._grad_valid = True
        if grad is not None:
            self.grad = grad

    @classmethod
    def _with_node(cls, data: Array | None, node: VariableNode) -> Variable:
        """Build a Variable for an existing node whose Variable is gone (no checks)."""
        variable = _make_variable(data, node._requires_grad)
        variable._name = node.name
        variable._node = node
        node._variable = weakref.ref(variable)
        return variable

    # -- node and graph --------------------------------------------------------------------

    @property
    def node(self) -> VariableNode:
        """The :class:`VariableNode` of this Variable (created on first use)."""
        node = self._node
        if node is None:
            node = VariableNode._for_array(self, self._data[0], self._requires_grad)
            node.name = self._name
            self._node = node
        return node

    @property
    def creator_node(self) -> FunctionNode | None:
        """The :class:`FunctionNode` that created this Variable, or ``None``.

        Assigning ``None`` is :meth:`unchain`.
        """
        node = self._node
        return None if node is None else node._creator_node

    @creator_node.setter
    def creator_node(self, func: FunctionNode | None) -> None:
        self.node.creator_node = func

    @property
    def creator(self) -> FunctionNode | Function | None:
        """The creator: the old-style :class:`Function` that made it, else the node."""
        node = self._node
        return None if node is None else node.creator

    @creator.setter
    def creator(self, func: FunctionNode | Function | None) -> None:
        self.node.creator = func

    set_creator = _variable_graph.set_creator
    set_creator_node = _variable_graph.set_creator_node

    @property
    def rank(self) -> int:
        """The topological rank of the node (0 for a Variable created by the user)."""
        node = self._node
        return 0 if node is None else node._rank

    @property
    def requires_grad(self) -> bool:
        """Whether backward computes a gradient for this Variable."""
        return self._requires_grad

    @property
    def name(self) -> str | None:
        """The name of the Variable (and of its node)."""
        node = self._node
        return self._name if node is None else node.name

    @name.setter
    def name(self, name: str | None) -> None:
        if name is not None and not isinstance(name, str):
            raise TypeError(f"Variable name must be a str or None, got {_type_name(name)}")
        self._name = name
        if self._node is not None:
            self._node.name = name

    @property
    def label(self) -> str:
        """A short text of the shape and dtype, such as ``'(2, 3), float32'``."""
        return self.node.label

    unchain = _variable_graph.unchain
    unchain_backward = _variable_graph.unchain_backward
    retain_data = _variable_graph.retain_data

    # -- array -----------------------------------------------------------------------------

    @property
    def array(self) -> Array | None:
        """The array, or ``None`` while the Variable is uninitialized.

        Assigning replaces it (the gradient and the graph are kept).
        """
        return self._data[0]

    @array.setter
    def array(self, data: Array | None) -> None:
        self._set_array(data)

    @property
    def data(self) -> Array | None:
        """The array (same as :attr:`array`; prefer ``array``, which NumPy arrays lack)."""
        return self._data[0]

    @data.setter
    def data(self, data: Array | None) -> None:
        self._set_array(data)

    def _set_array(self, data: Array | None, check: bool = True) -> None:
        if check and data is not None and type(data) is not _ndarray and not is_array(data):
            raise TypeError(
                f"Variable.array must be an array or None, got {_type_name(data)}; "
                "wrap scalars and lists with numpy.asarray(...)"
            )
        self._data[0] = data
        node = self._node
        if node is not None:
            node._update_data_info(data)

    def _initialize_like(self, template: Array) -> None:
        """Give an uninitialized Variable an array shaped like ``template`` (protected hook)."""
        self._set_array(get_array_module(template).empty_like(template))

    def _require_array(self, what: str) -> Array:
        data = self._data[0]
        if data is None:
            name = "" if self.name is None else f" {self.name!r}"
            raise RuntimeError(
                f"Variable{name} is uninitialized (its array is None), so it has no {what}"
            )
        return data

    @property
    def shape(self) -> tuple[int, ...]:
        """The shape of the array."""
        return tuple(self._require_array("shape").shape)

    @property
    def ndim(self) -> int:
        """The number of dimensions of the array."""
        return int(self._require_array("ndim").ndim)

    @property
    def size(self) -> int:
        """The number of elements of the array."""
        return int(self._require_array("size").size)

    @property
    def dtype(self) -> numpy.dtype[Any]:
        """The dtype of the array."""
        return self._require_array("dtype").dtype

    def __len__(self) -> int:
        data = self._require_array("length")
        if data.ndim == 0:
            raise TypeError("len() of a 0-dimensional Variable")
        return len(data)

    @property
    def xp(self) -> types.ModuleType:
        """The array module of the array: :mod:`numpy` or ``cupy``."""
        return get_array_module(self._data[0])

    @property
    def device(self) -> Device:
        """The device the array lives on (the CPU for an uninitialized Variable)."""
        return get_device_from_array(self._data[0])

    def item(self) -> Any:
        """Return the single element of the array as a Python scalar.

        Example:
            >>> import numpy
            >>> from kusari.graph import Variable
            >>> Variable(numpy.array([2.5])).item()
            2.5
        """
        return self._require_array("item").item()

    # -- gradient --------------------------------------------------------------------------

    @property
    def grad(self) -> Array | None:
        """The gradient array, or ``None``.

        Assigning checks that it is an array of the same kind (NumPy or CuPy), dtype and
        shape as :attr:`array` (``TypeError``, ``TypeError``, ``ValueError``).
        """
        if not self._grad_valid:
            raise RuntimeError(_GRAD_INVALID_MESSAGE)
        grad_var = self._grad_var
        return self._grad if grad_var is None else grad_var._data[0]

    @grad.setter
    def grad(self, grad: Array | None) -> None:
        if grad is not None:
            self._check_grad(grad)
        self._grad = grad
        self._grad_var = None
        self._grad_valid = True

    @property
    def grad_var(self) -> Variable | None:
        """The gradient as a Variable (it has a creator after double backprop), or ``None``."""
        if not self._grad_valid:
            raise RuntimeError(_GRAD_INVALID_MESSAGE.replace("Variable.grad", "Variable.grad_var"))
        grad_var = self._grad_var
        if grad_var is None and self._grad is not None:
            grad_var = _make_variable(self._grad, True)
            self._grad_var = grad_var
            self._grad = None
        return grad_var

    @grad_var.setter
    def grad_var(self, grad_var: Variable | None) -> None:
        if grad_var is not None:
            if not isinstance(grad_var, Variable):
                raise TypeError(
                    f"Variable.grad_var must be a Variable or None, got {_type_name(grad_var)}"
                )
            array = grad_var._data[0]
            if array is not None:
                self._check_grad(array)
        self._grad_var = grad_var
        self._grad = None
        self._grad_valid = True

    _check_grad = _variable_grad.check_grad

    def _set_grad_unchecked(self, grad: Array | None, grad_var: Variable | None) -> None:
        self._grad = grad
        self._grad_var = grad_var
        self._grad_valid = True

    def cleargrad(self) -> None:
        """Set the gradient to ``None`` (the next backward starts from zero)."""
        self._grad = None
        self._grad_var = None
        self._grad_valid = True

    zerograd = _variable_grad.zerograd
    addgrad = _variable_grad.addgrad
    copydata = _variable_grad.copydata

    # -- backward --------------------------------------------------------------------------

    def backward(
        self,
        retain_grad: bool = False,
        enable_double_backprop: bool = False,
        loss_scale: float | None = None,
        *,
        release_retained: bool = False,
    ) -> None:
        """Compute the gradients of every Variable this one was computed from.

        The backward pass starts from :attr:`grad`; for a Variable of one element without a
        gradient it starts from 1.  Gradients accumulate into the existing gradients of leaf
        Variables (those created by the user), out of place.

        Args:
            retain_grad: Keep the gradients of intermediate Variables too (by default only
                leaves keep theirs; this one's gradient is consumed).
            enable_double_backprop: Record the backward computation as a graph, so that the
                gradients can be differentiated again.  With ``config.lazy_grad_sum`` the
                contributions to each gradient are then summed once, by one ``F.add``
                node, instead of pairwise as they arrive (same values, a smaller graph);
                without double backprop that setting has no effect.
            loss_scale: Multiply the initial gradient by this factor (for loss scaling);
                the leaves remember it in ``_loss_scale``.
            release_retained: Release each function's retained arrays as soon as the
                backward pass no longer needs them, lowering peak memory.  The graph can
                then not be backpropagated through again.  (kusari extension; off by
                default, as in Chainer.)

        Raises:
            ValueError: If this Variable has more than one element and no gradient.

        Example:
            >>> import numpy
            >>> from kusari.graph import Variable
            >>> x = Variable(numpy.array([1.0, 2.0]))
            >>> y = x * x
            >>> y.grad = numpy.ones(2)
            >>> y.backward()
            >>> x.grad
            array([2., 4.])
        """
        from ._backprop import backward_from_variable

        backward_from_variable(
            self, retain_grad, enable_double_backprop, loss_scale, release_retained
        )

    # -- devices ---------------------------------------------------------------------------

    to_device = _variable_device.to_device
    to_cpu = _variable_device.to_cpu
    to_gpu = _variable_device.to_gpu

    # -- text ------------------------------------------------------------------------------

    summary = _variable_text.summary
    debug_print = _variable_text.debug_print
    __repr__ = _variable_text.variable_repr
    __str__ = _variable_text.variable_str

    # -- refusing ambiguous operations -----------------------------------------------------

    def __eq__(self, other: object) -> bool:
        raise TypeError(_comparison_message("=="))

    def __ne__(self, other: object) -> bool:
        raise TypeError(_comparison_message("!="))

    def __lt__(self, other: object) -> bool:
        raise TypeError(_comparison_message("<"))

    def __le__(self, other: object) -> bool:
        raise TypeError(_comparison_message("<="))

    def __gt__(self, other: object) -> bool:
        raise TypeError(_comparison_message(">"))

    def __ge__(self, other: object) -> bool:
        raise TypeError(_comparison_message(">="))

    def __bool__(self) -> bool:
        raise TypeError(
            "the truth value of a Variable is ambiguous; test its array instead "
            "(bool(x.array), x.array.any(), x.array.all())"
        )

    # -- copying and pickling --------------------------------------------------------------

    __copy__ = _variable_copy.copy_variable
    __reduce__ = _variable_copy.reduce_variable
    _grad_for_pickle = _variable_copy.grad_for_pickle
    __setstate__ = _variable_copy.set_state

    # -- differentiable methods (bodies installed by kusari.functions) ---------------------

    @property
    def T(self) -> Variable:
        """The transpose (all axes reversed), as a differentiable function."""
        return _ops.transpose(self, None)

    reshape = _variable_ops.reshape
    transpose = _variable_ops.transpose
    mean = _variable_ops.mean

    if TYPE_CHECKING:

        def __getitem__(self, slices: Any) -> Variable: ...
        def __neg__(self) -> Variable: ...
        def __abs__(self) -> Variable: ...
        def __add__(self, other: Operand) -> Variable: ...
        def __radd__(self, other: Operand) -> Variable: ...
        def __sub__(self, other: Operand) -> Variable: ...
        def __rsub__(self, other: Operand) -> Variable: ...
        def __mul__(self, other: Operand) -> Variable: ...
        def __rmul__(self, other: Operand) -> Variable: ...
        def __truediv__(self, other: Operand) -> Variable: ...
        def __rtruediv__(self, other: Operand) -> Variable: ...
        def __pow__(self, other: Operand) -> Variable: ...
        def __rpow__(self, other: Operand) -> Variable: ...
        def __floordiv__(self, other: Operand) -> Variable: ...
        def __rfloordiv__(self, other: Operand) -> Variable: ...
        def __matmul__(self, other: VariableOrArray) -> Variable: ...
        def __rmatmul__(self, other: VariableOrArray) -> Variable: ...


VariableOrArray: TypeAlias = Variable | Array
"""What functions accept as inputs: a :class:`Variable` or an array."""

Operand: TypeAlias = Variable | Array | Scalar
"""What arithmetic operators accept: a Variable, an array or a scalar."""


def _make_variable(data: Array | None, requires_grad: bool) -> Variable:
    """Create a Variable without checks (the graph's hot path)."""
    variable: Variable = _object_new(Variable)
    variable._data = [data]
    variable._node = None
    variable._grad = None
    variable._grad_var = None
    variable._requires_grad = requires_grad
    variable._name = None
    variable._loss_scale = None
    variable._grad_valid = True
    return variable


def _reject_kwargs(kwargs: Mapping[str, object]) -> None:
    if "volatile" in kwargs:
        raise ValueError(
            "the 'volatile' argument is not supported anymore; use "
            "kusari.graph.no_backprop_mode() (chainer.no_backprop_mode()) instead"
        )
    raise TypeError(f"Variable() got unexpected keyword arguments: {', '.join(sorted(kwargs))}")
