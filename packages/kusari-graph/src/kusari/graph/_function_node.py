"""``FunctionNode``: a differentiable function and its node in the computational graph."""

from __future__ import annotations

import traceback
import weakref
from collections import OrderedDict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn

import numpy

from kusari.devices import Array, get_array_module, get_device_from_array, is_array, using_device

from . import _config
from ._function_hook import FunctionHook, _merged_hooks
from ._input_spec import InputSpec
from ._variable import Variable, VariableOrArray, _make_variable, _type_name
from ._variable_node import VariableNode, _dead

if TYPE_CHECKING:
    from .type_check import TypeInfoTuple

__all__ = ["FunctionNode"]

_ndarray = numpy.ndarray
_object_new = object.__new__
_ref = weakref.ref
_snapshot_var = _config._snapshot_var
_global_version = _config._global_version
# Set once any function gets a local hook; until then apply() never looks for them.
_local_hooks_used = [False]
_FAST_TYPES = (Variable, numpy.ndarray)
# Typed as optional so that type checkers do not take the attributes that apply() resets
# to it for always None (forward may call retain_inputs/retain_outputs).
_NOT_RETAINED: tuple[int, ...] | None = None


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

    def apply(self, inputs: Iterable[VariableOrArray]) -> tuple[Variable, ...]:
        """Compute the outputs and, when backprop is enabled, record this node in the graph.

        Arrays among the inputs are treated as constants (``requires_grad=False``).
        Inputs on a GPU make their device current during :meth:`forward`.

        Args:
            inputs: The inputs: Variables or arrays.

        Returns:
            The output Variables; they ``requires_grad`` if any input does.

        Raises:
            TypeError: If an input is neither a Variable nor an array, or :meth:`forward`
                does not return a tuple of arrays.
            kusari.graph.type_check.InvalidType: If the inputs fail the type check.
        """
        snapshot = _snapshot_var.get()
        if snapshot.version != _global_version[0]:
            snapshot = _config.current()
        if type(inputs) is not tuple:
            inputs = tuple(inputs)

        # Unwrap the inputs.  One or two plain Variables (or a Variable and an array) are
        # the hot cases and take the inlined paths: ``layout`` 1 or 2; 0 is the general one.
        n_inputs = len(inputs)
        x0: Any = inputs[0] if n_inputs else None
        x1: Any = None
        if n_inputs == 1 and type(x0) is Variable:
            d0 = x0._data[0]
            if d0 is None:
                raise _uninitialized_input(self, x0)
            requires_grad = x0._requires_grad
            in_data: tuple[Array, ...] = (d0,)
            on_cpu = type(d0) is _ndarray
            layout = 1
        elif n_inputs == 2 and type(x0) is Variable and type(inputs[1]) in _FAST_TYPES:
            x1 = inputs[1]
            d0 = x0._data[0]
            if type(x1) is Variable:
                d1 = x1._data[0]
                requires_grad = x0._requires_grad or x1._requires_grad
            else:
                d1 = x1
                requires_grad = x0._requires_grad
            if d0 is None or d1 is None:
                raise _uninitialized_input(self, x0 if d0 is None else x1)
            in_data = (d0, d1)
            on_cpu = type(d0) is _ndarray and type(d1) is _ndarray
            layout = 2
        else:
            in_data, requires_grad, on_cpu = _unwrap(self, inputs)
            layout = 0

        cls = type(self)
        if snapshot.type_check:
            spec_check = cls._spec_check
            if spec_check is not None:
                if not spec_check(in_data):
                    assert cls.input_spec is not None
                    cls.input_spec.raise_error(in_data, self.label)
            elif cls._spec_arity >= 0 and n_inputs != cls._spec_arity:
                assert cls.input_spec is not None
                cls.input_spec.raise_error(in_data, self.label)
            if cls._has_check_type_forward:
                self._check_data_type_forward(in_data)

        hooks = _merged_hooks(self) if _local_hooks_used[0] else snapshot.hooks
        if hooks:
            for hook in hooks.values():
                hook.forward_preprocess(self, in_data)

        self._input_indexes_to_retain = _NOT_RETAINED
        self._output_indexes_to_retain = _NOT_RETAINED
        if on_cpu:
            outputs = self.forward(in_data)
        else:
            with using_device(get_device_from_array(*in_data)):
                outputs = self.forward(in_data)
        if type(outputs) is not tuple:
            raise TypeError(
                f"{self.label}.forward must return a tuple of arrays, got {_type_name(outputs)}"
            )
        if len(outputs) != 1 or type(outputs[0]) is not _ndarray:
            return self._apply_general(snapshot, hooks, inputs, in_data, outputs, requires_grad)
        y = outputs[0]
        if snapshot.debug:
            self._debug_forward(outputs)

        if hooks:
            for hook in hooks.values():
                hook.forward_postprocess(self, in_data)

        variable: Variable = _object_new(Variable)
        variable._data = [y]
        variable._node = None
        variable._grad = None
        variable._grad_var = None
        variable._requires_grad = requires_grad
        variable._name = None
        variable._loss_scale = None
        variable._grad_valid = True
        if not snapshot.enable_backprop:
            return (variable,)

        # Record the graph: the inputs' nodes strongly, the output's node weakly.
        nodes: tuple[VariableNode, ...]
        if layout == 1:
            n0 = x0._node
            if n0 is None:
                n0 = x0.node
            rank = n0._rank
            self._inputs = nodes = (n0,)
        elif layout == 2:
            n0 = x0._node
            if n0 is None:
                n0 = x0.node
            if type(x1) is Variable:
                n1 = x1._node
                if n1 is None:
                    n1 = x1.node
            else:
                n1 = _object_new(VariableNode)
                n1._variable = _dead
                n1._data = None
                n1._creator_node = None
                n1._rank = 0
                n1._requires_grad = False
                n1._old_style_grad_generator = None
                n1.name = None
                n1.dtype = x1.dtype
                n1.shape = x1.shape
            rank = n0._rank
            if n1._rank > rank:
                rank = n1._rank
            self._inputs = nodes = (n0, n1)
        else:
            nodes, rank = _input_nodes(inputs, in_data)
            self._inputs = nodes
        self._rank = rank
        node: VariableNode = _object_new(VariableNode)
        node._variable = _ref(variable)
        node._data = None
        node._creator_node = self
        node._rank = rank + 1
        node._requires_grad = requires_grad
        node._old_style_grad_generator = None
        node.name = None
        node.dtype = y.dtype
        node.shape = y.shape
        variable._node = node
        self._outputs = (_ref(node),)

        retained = self._input_indexes_to_retain
        if retained is not None:
            for index in retained:
                nodes[index]._data = in_data[index]
        if self._output_indexes_to_retain is not None:
            node._data = y
            self._retained_output_data = (y,)
        return (variable,)

    def _apply_general(
        self,
        snapshot: Any,
        hooks: Any,
        inputs: tuple[VariableOrArray, ...],
        in_data: tuple[Array, ...],
        outputs: tuple[Any, ...],
        requires_grad: bool,
    ) -> tuple[Variable, ...]:
        """The rest of :meth:`apply` for several outputs or NumPy scalar outputs."""
        for y in outputs:
            if type(y) is not _ndarray:
                outputs = self._arrays_from_forward(outputs)
                break
        if snapshot.debug:
            self._debug_forward(outputs)
        if hooks:
            for hook in hooks.values():
                hook.forward_postprocess(self, in_data)
        ret_list = [_make_variable(y, requires_grad) for y in outputs]
        ret = tuple(ret_list)
        if not snapshot.enable_backprop:
            return ret
        nodes, rank = _input_nodes(inputs, in_data)
        self._rank = rank
        self._inputs = nodes
        refs = []
        for variable, y in zip(ret_list, outputs, strict=True):
            node = _bare_node(variable, y, requires_grad)
            node._creator_node = self
            node._rank = rank + 1
            variable._node = node
            refs.append(_ref(node))
        self._outputs = tuple(refs)
        retained = self._input_indexes_to_retain
        if retained is not None:
            for index in retained:
                nodes[index]._data = in_data[index]
        retained = self._output_indexes_to_retain
        if retained is not None:
            kept: list[Array | None] = [None] * len(outputs)
            for index in retained:
                kept[index] = outputs[index]
                out_node = ret_list[index]._node
                assert out_node is not None
                out_node._data = outputs[index]
            self._retained_output_data = tuple(kept)
        return ret

    def _arrays_from_forward(self, outputs: tuple[Any, ...]) -> tuple[Array, ...]:
        """Wrap NumPy scalars (from reductions of 0-d results) into 0-d arrays."""
        arrays = []
        for y in outputs:
            if isinstance(y, numpy.generic):
                y = numpy.asarray(y)
            elif not is_array(y):
                raise TypeError(
                    f"{self.label}.forward must return a tuple of arrays, got a "
                    f"{_type_name(y)} among them"
                )
            arrays.append(y)
        return tuple(arrays)

    def _check_data_type_forward(self, in_data: tuple[Array, ...]) -> None:
        from . import type_check

        in_types = type_check.get_types(in_data, "in_types", False, light=True)
        try:
            self.check_type_forward(in_types)
        except type_check._LightModeFailure:
            raise type_check._run_full_mode(self.check_type_forward, in_data, self.label) from None
        except type_check.InvalidType as error:
            raise type_check._with_context(error, self.label) from None

    def _debug_forward(self, outputs: tuple[Array, ...]) -> None:
        self._stack = traceback.extract_stack()[:-2]
        for y in outputs:
            if y.dtype.kind in "fc" and bool(get_array_module(y).isnan(y).any()):
                raise RuntimeError(f"NaN is detected on forward computation of {self.label}")

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

    def get_retained_inputs(self) -> tuple[Variable, ...]:
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
                    raise _released_error(self, f"input #{index}")
                variable = node.get_variable()
            result.append(variable)
        return tuple(result)

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

    def get_retained_outputs(self) -> tuple[Variable, ...]:
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
            raise _released_error(self, "outputs")
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

    def add_hook(self, hook: FunctionHook, name: str | None = None) -> None:
        """Register a hook on this function only.

        Args:
            hook: The hook.
            name: The name to register it under; ``hook.name`` when omitted.

        Raises:
            TypeError: If ``hook`` is not a :class:`FunctionHook`.
            KeyError: If a hook of that name is already registered here.
        """
        if not isinstance(hook, FunctionHook):
            raise TypeError(f"hook must be a FunctionHook, got {_type_name(hook)}")
        if name is None:
            name = hook.name
        hooks = self.local_function_hooks
        if name in hooks:
            raise KeyError(f"a hook named {name!r} is already registered on {self.label}")
        hooks[name] = hook
        hook.added(self)

    def delete_hook(self, name: str) -> None:
        """Unregister a hook of this function.

        Args:
            name: Its name.

        Raises:
            KeyError: If no hook of that name is registered here.
        """
        hooks = self.local_function_hooks
        if name not in hooks:
            raise KeyError(f"no hook named {name!r} is registered on {self.label}")
        hooks[name].deleted(self)
        del hooks[name]

    def __repr__(self) -> str:
        return f"<{self.label} rank={self.rank}>"


def _unwrap(
    func: FunctionNode, inputs: tuple[VariableOrArray, ...]
) -> tuple[tuple[Array, ...], bool, bool]:
    """The input arrays, whether any input requires grad, and whether all are NumPy."""
    in_list: list[Array] = []
    requires_grad = False
    on_cpu = True
    for x in inputs:
        if isinstance(x, Variable):
            data = x._data[0]
            if data is None:
                raise _uninitialized_input(func, x)
            if x._requires_grad:
                requires_grad = True
        elif type(x) is _ndarray or is_array(x):
            data = x
        else:
            raise TypeError(
                f"{func.label}: inputs must be Variables or arrays, got {_type_name(x)} "
                f"at position {len(in_list)}"
            )
        if type(data) is not _ndarray:
            on_cpu = False
        in_list.append(data)
    return tuple(in_list), requires_grad, on_cpu


def _input_nodes(
    inputs: tuple[VariableOrArray, ...], in_data: tuple[Array, ...]
) -> tuple[tuple[VariableNode, ...], int]:
    """The nodes of the inputs (bare ones for arrays) and their largest rank."""
    nodes = []
    rank = 0
    for x, data in zip(inputs, in_data, strict=True):
        if isinstance(x, Variable):
            node = x.node
            if node._rank > rank:
                rank = node._rank
        else:
            node = _bare_node(None, data, False)
        nodes.append(node)
    return tuple(nodes), rank


def _bare_node(variable: Variable | None, data: Array, requires_grad: bool) -> VariableNode:
    node: VariableNode = _object_new(VariableNode)
    node._variable = _dead if variable is None else _ref(variable)
    node._data = None
    node._creator_node = None
    node._rank = 0
    node._requires_grad = requires_grad
    node._old_style_grad_generator = None
    node.name = None
    node.dtype = data.dtype
    node.shape = data.shape
    return node


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


def _uninitialized_input(func: FunctionNode, x: Variable) -> RuntimeError:
    name = "" if x.name is None else f" {x.name!r}"
    return RuntimeError(
        f"{func.label}: input Variable{name} is uninitialized (its array is None); "
        "initialize it before applying functions to it"
    )


def _released_error(func: FunctionNode, what: str) -> RuntimeError:
    return RuntimeError(
        f"the retained {what} of {func.label} are no longer available; they were released by "
        "backward(release_retained=True), so the graph cannot be backpropagated through again"
    )
