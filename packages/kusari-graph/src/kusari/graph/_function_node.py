"""``FunctionNode``: a differentiable function and its node in the computational graph."""

from __future__ import annotations

import traceback
import weakref
from collections import OrderedDict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn

import numpy

from kusari.devices import Array, get_array_module

from . import _function_node_apply, _function_node_hooks, _function_node_retained
from ._function_hook import FunctionHook
from ._function_node_hooks import local_hooks_used as _local_hooks_used
from ._function_node_retained import released_error as _released_error
from ._input_spec import InputSpec
from ._variable import Variable, _type_name
from ._variable_node import VariableNode

if TYPE_CHECKING:
    from .type_check import TypeInfoTuple

__all__ = ["FunctionNode"]

_ndarray = numpy.ndarray


def _owner(cls: type, name: str) -> type:
    for klass in cls.__mro__:
        if name in klass.__dict__:
            return klass
    raise AttributeError(name)


class FunctionNode:
    """A differentiable function, and its node in the backward graph.

    Subclasses implement :meth:`forward` (or :meth:`forward_cpu` and :meth:`forward_gpu`)
    on arrays and :meth:`backward` on Variables; because backward is written with
    differentiable functions, gradients can be differentiated again.  A function object is
    applied once, with :meth:`apply`::

        x.node <--- f <--- y.node

    After ``y, = f.apply((x,))`` the function refers to the input nodes (strongly) and to
    the output nodes (weakly), and ``y.creator_node is f``.

    A subclass may also implement :meth:`backward_arrays`, the same computation on plain
    arrays, which the backward pass uses when no double backprop is requested (it builds
    no graph and is much cheaper).  Input types are checked by :meth:`check_type_forward`
    (Chainer style) and/or the declarative class attribute :attr:`input_spec`.

    Attributes:
        inputs: The input :class:`VariableNode` objects (empty until applied).
        outputs: Weak references to the output nodes (empty until applied).
        rank: The topological rank: the largest rank of the inputs.
        stack: The stack where the function was applied, recorded in debug mode.
        input_spec: Declarative input constraints (class attribute; see
            :class:`~kusari.graph.type_check.InputSpec`).

    Example:
        >>> import numpy
        >>> from kusari.graph import FunctionNode, Variable
        >>> class Square(FunctionNode):
        ...     def forward(self, inputs):
        ...         self.retain_inputs((0,))
        ...         (x,) = inputs
        ...         return (x * x,)
        ...     def backward(self, target_input_indexes, grad_outputs):
        ...         (x,) = self.get_retained_inputs()
        ...         return (2 * x * grad_outputs[0],)
        >>> x = Variable(numpy.array([1.0, 3.0]))
        >>> (y,) = Square().apply((x,))
        >>> y.grad = numpy.ones(2)
        >>> y.backward()
        >>> x.grad
        array([2., 6.])
    """

    # The slots are assigned by apply(); until then the public properties report Chainer's
    # class-level defaults.  (No __getattr__ provides the defaults: it would slow down
    # every attribute access of every function node.)
    __slots__ = (
        "__weakref__",
        "_input_indexes_to_retain",
        "_inputs",
        "_local_function_hooks",
        "_output_indexes_to_retain",
        "_outputs",
        "_rank",
        "_retained_output_data",
        "_stack",
    )

    _inputs: tuple[VariableNode, ...]
    _outputs: tuple[weakref.ref[VariableNode], ...]
    _rank: int
    _stack: list[traceback.FrameSummary] | None
    _input_indexes_to_retain: tuple[int, ...] | None
    _output_indexes_to_retain: tuple[int, ...] | None
    _retained_output_data: tuple[Array | None, ...] | None
    _local_function_hooks: OrderedDict[str, FunctionHook] | None

    input_spec: ClassVar[InputSpec | None] = None

    # Derived from each class's methods by __init_subclass__.
    _spec_check: ClassVar[Any] = None
    _spec_arity: ClassVar[int] = -1
    _has_check_type_forward: ClassVar[bool] = False
    _has_backward_accumulate: ClassVar[bool] = False
    _fast_backward: ClassVar[bool] = False
    _plain_backward: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        spec = cls.input_spec
        if spec is None:
            cls._spec_check = None
            cls._spec_arity = -1
        elif spec.counts_only:
            # apply() compares the number of inputs itself; no call needed.
            cls._spec_check = None
            cls._spec_arity = len(spec.names)
        else:
            cls._spec_check = spec.check
            cls._spec_arity = -1
        cls._has_check_type_forward = _owner(cls, "check_type_forward") is not FunctionNode
        cls._has_backward_accumulate = _owner(cls, "backward_accumulate") is not FunctionNode
        arrays_owner = _owner(cls, "backward_arrays")
        cls._fast_backward = (
            arrays_owner is not FunctionNode
            and issubclass(arrays_owner, _owner(cls, "backward"))
            and issubclass(arrays_owner, _owner(cls, "backward_accumulate"))
        )
        cls._plain_backward = cls._fast_backward and not cls._has_backward_accumulate

    @property
    def inputs(self) -> tuple[VariableNode, ...]:
        """The input nodes (empty before the function is applied with backprop enabled)."""
        return getattr(self, "_inputs", ())

    @inputs.setter
    def inputs(self, inputs: tuple[VariableNode, ...]) -> None:
        self._inputs = inputs

    @property
    def outputs(self) -> tuple[weakref.ref[VariableNode], ...]:
        """Weak references to the output nodes (empty before the function is applied)."""
        return getattr(self, "_outputs", ())

    @outputs.setter
    def outputs(self, outputs: tuple[weakref.ref[VariableNode], ...]) -> None:
        self._outputs = outputs

    @property
    def rank(self) -> int:
        """The topological rank: the largest rank of the inputs (0 before applying)."""
        return getattr(self, "_rank", 0)

    @rank.setter
    def rank(self, rank: int) -> None:
        self._rank = rank

    @property
    def stack(self) -> list[traceback.FrameSummary] | None:
        """The stack where the function was applied, recorded in debug mode only."""
        return getattr(self, "_stack", None)

    # -- applying --------------------------------------------------------------------------

    apply = _function_node_apply.apply

    def __call__(self, *args: object, **kwargs: object) -> NoReturn:
        raise RuntimeError(
            f"a FunctionNode ({type(self).__name__}) was called as if it were a function; "
            f"use {type(self).__name__}().apply((x, ...)), or the lowercase function of "
            "kusari.functions"
        )

    # -- to override -----------------------------------------------------------------------

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """Check the input types (Chainer style); the default checks nothing.

        Write the conditions with :func:`kusari.graph.type_check.expect`.  They run in
        light mode first (plain values), and again in full mode only to build the message
        when one fails.

        Args:
            in_types: The types of the inputs.
        """

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Compute the output arrays; the default calls :meth:`forward_cpu` or ``_gpu``.

        Args:
            inputs: The input arrays.

        Returns:
            A tuple of output arrays (a tuple even for one output).
        """
        if inputs and type(inputs[0]) is not _ndarray and get_array_module(*inputs) is not numpy:
            return self.forward_gpu(inputs)
        return self.forward_cpu(inputs)

    def forward_cpu(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Compute the outputs from NumPy arrays.

        Args:
            inputs: The input arrays.

        Returns:
            A tuple of output arrays.
        """
        raise NotImplementedError(
            f"{type(self).__name__} implements neither forward nor forward_cpu"
        )

    def forward_gpu(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Compute the outputs from CuPy arrays.

        Args:
            inputs: The input arrays.

        Returns:
            A tuple of output arrays.
        """
        raise NotImplementedError(
            f"{type(self).__name__} implements neither forward nor forward_gpu"
        )

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Compute the gradients of the inputs from those of the outputs, as Variables.

        Write it with differentiable functions (:mod:`kusari.functions`, Variable
        operators), so that double backprop works.  The default returns ``None`` for every
        input (the function is not differentiable).

        Args:
            target_input_indexes: The sorted indexes of the inputs that need a gradient.
            grad_outputs: The gradients of the outputs (``None`` where there is none).

        Returns:
            One gradient per input, or one per target index (``None`` for no gradient).
        """
        return (None,) * len(target_input_indexes)

    def backward_accumulate(
        self,
        target_input_indexes: tuple[int, ...],
        grad_outputs: tuple[Variable | None, ...],
        grad_inputs: tuple[Variable | None, ...],
    ) -> tuple[Variable | None, ...]:
        """Compute the input gradients and add them to ``grad_inputs``.

        Override it instead of :meth:`backward` to fuse the accumulation.  When one Variable
        is given for several inputs, only the first of them carries its gradient in
        ``grad_inputs``; the others are ``None``.

        Args:
            target_input_indexes: The sorted indexes of the inputs that need a gradient.
            grad_outputs: The gradients of the outputs.
            grad_inputs: The gradients already computed for the target inputs.

        Returns:
            One accumulated gradient per target index.
        """
        gxs = self._backward_targets(target_input_indexes, grad_outputs)
        result: list[Variable | None] = []
        for gx, g_in in zip(gxs, grad_inputs, strict=True):
            if gx is None:
                result.append(g_in)
            elif g_in is None:
                result.append(gx)
            else:
                result.append(gx + g_in)
        return tuple(result)

    def _backward_targets(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        gxs = self.backward(target_input_indexes, grad_outputs)
        return _select_targets(self, target_input_indexes, gxs)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Compute the input gradients on plain arrays (optional; kusari extension).

        The backward pass calls this instead of :meth:`backward` when double backprop is
        off, which skips building Variables and graph nodes.  It must compute the same
        values as :meth:`backward`.  Read retained inputs with
        :meth:`retained_input_array` and retained outputs from :attr:`output_data`.

        Args:
            target_input_indexes: The sorted indexes of the inputs that need a gradient.
            grad_outputs: The gradient arrays of the outputs (``None`` where there is none).

        Returns:
            One gradient array per input, or one per target index.
        """
        raise NotImplementedError

    # -- retained data ---------------------------------------------------------------------

    def retain_inputs(self, indexes: Iterable[int]) -> None:
        """Keep the arrays of these inputs for backward (call it in :meth:`forward`).

        Args:
            indexes: The indexes of the inputs backward needs.
        """
        self._input_indexes_to_retain = tuple(indexes)

    def retain_outputs(self, indexes: Iterable[int]) -> None:
        """Keep the arrays of these outputs for backward (call it in :meth:`forward`).

        Args:
            indexes: The indexes of the outputs backward needs.
        """
        self._output_indexes_to_retain = tuple(indexes)

    get_retained_inputs = _function_node_retained.get_retained_inputs

    def retained_input_array(self, index: int) -> Array:
        """Return the array of a retained input (for :meth:`backward_arrays`).

        Args:
            index: The index of the input; it must have been given to :meth:`retain_inputs`.

        Returns:
            The array.
        """
        node = self._inputs[index]
        data = node._data
        if data is None:
            variable = node._variable()
            indexes = getattr(self, "_input_indexes_to_retain", None)
            if indexes is None or index not in indexes:
                raise ValueError(
                    f"{self.label}: input #{index} was not retained; call "
                    f"self.retain_inputs(({index},)) in forward"
                )
            if variable is None or variable._data[0] is None:
                raise _released_error(self, f"input #{index}")
            data = variable._data[0]
        return data

    get_retained_outputs = _function_node_retained.get_retained_outputs

    @property
    def output_data(self) -> tuple[Array | None, ...]:
        """The retained output arrays, one entry per output (``None`` where not retained).

        Raises:
            RuntimeError: If the arrays were released by ``backward(release_retained=True)``.
        """
        data: tuple[Array | None, ...] | None = getattr(self, "_retained_output_data", None)
        if data is None:
            if getattr(self, "_output_indexes_to_retain", None) is None:
                return (None,) * len(self.outputs)
            raise _released_error(self, "outputs")
        return data

    # -- graph -----------------------------------------------------------------------------

    def unchain(self) -> None:
        """Remove this node from the graph: outputs forget it, it forgets its inputs."""
        for ref in self.outputs:
            node = ref()
            if node is not None:
                node.unchain()
        self.inputs = ()

    @property
    def label(self) -> str:
        """A short name of the function: its class name by default."""
        return type(self).__name__

    # -- hooks -----------------------------------------------------------------------------

    @property
    def local_function_hooks(self) -> OrderedDict[str, FunctionHook]:
        """The hooks registered on this function only (see :meth:`add_hook`)."""
        hooks = getattr(self, "_local_function_hooks", None)
        if hooks is None:
            hooks = OrderedDict()
            self._local_function_hooks = hooks
            _local_hooks_used[0] = True
        return hooks

    add_hook = _function_node_hooks.add_hook
    delete_hook = _function_node_hooks.delete_hook

    def __repr__(self) -> str:
        return f"<{self.label} rank={self.rank}>"


def _select_targets(
    func: FunctionNode, target_input_indexes: tuple[int, ...], gxs: Any
) -> tuple[Any, ...]:
    if type(gxs) is not tuple:
        if isinstance(gxs, list):
            gxs = tuple(gxs)
        else:
            raise TypeError(
                f"{func.label}.backward must return a tuple of gradients, got {_type_name(gxs)}"
            )
    n_targets = len(target_input_indexes)
    if len(gxs) == n_targets:
        return gxs  # type: ignore[no-any-return]
    if len(gxs) == len(func.inputs):
        return tuple(gxs[i] for i in target_input_indexes)
    raise ValueError(
        f"{func.label}.backward returned {len(gxs)} gradients; expected one per input "
        f"({len(func.inputs)}) or one per target input ({n_targets})"
    )
