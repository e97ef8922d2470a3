"""Applying a :class:`~kusari.graph.FunctionNode`: :meth:`~kusari.graph.FunctionNode.apply`.

``apply`` is bound in FunctionNode's class body, so it is a plain method of FunctionNode
(no wrapper call).  It is the forward hot path of the whole framework: one or two plain
inputs with one NumPy output take an inlined route that builds the output Variable and its
node by hand; everything else (several outputs, NumPy scalar outputs, many inputs) goes
through :func:`apply_general` and the helpers below.
"""

from __future__ import annotations

import traceback
import weakref
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy

from kusari.devices import Array, get_array_module, get_device_from_array, is_array, using_device

from . import _config
from ._function_hook import _merged_hooks
from ._function_node_hooks import local_hooks_used as _local_hooks_used
from ._variable import Variable, VariableOrArray, _make_variable, _type_name
from ._variable_node import VariableNode, _dead

if TYPE_CHECKING:
    from ._function_node import FunctionNode

__all__ = [
    "apply",
    "apply_general",
    "arrays_from_forward",
    "bare_node",
    "check_data_type_forward",
    "debug_forward",
    "input_nodes",
    "uninitialized_input",
    "unwrap",
]

_ndarray = numpy.ndarray
_object_new = object.__new__
_ref = weakref.ref
_snapshot_var = _config._snapshot_var
_global_version = _config._global_version
_FAST_TYPES = (Variable, numpy.ndarray)
# Typed as optional so that type checkers do not take the attributes that apply() resets
# to it for always None (forward may call retain_inputs/retain_outputs).
_NOT_RETAINED: tuple[int, ...] | None = None


def apply(  # noqa: D417 (self)
    self: FunctionNode, inputs: Iterable[VariableOrArray]
) -> tuple[Variable, ...]:
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
            raise uninitialized_input(self, x0)
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
            raise uninitialized_input(self, x0 if d0 is None else x1)
        in_data = (d0, d1)
        on_cpu = type(d0) is _ndarray and type(d1) is _ndarray
        layout = 2
    else:
        in_data, requires_grad, on_cpu = unwrap(self, inputs)
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
            check_data_type_forward(self, in_data)

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
        return apply_general(self, snapshot, hooks, inputs, in_data, outputs, requires_grad)
    y = outputs[0]
    if snapshot.debug:
        debug_forward(self, outputs)

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
        nodes, rank = input_nodes(inputs, in_data)
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


def apply_general(
    self: FunctionNode,
    snapshot: Any,
    hooks: Any,
    inputs: tuple[VariableOrArray, ...],
    in_data: tuple[Array, ...],
    outputs: tuple[Any, ...],
    requires_grad: bool,
) -> tuple[Variable, ...]:
    """The rest of :func:`apply` for several outputs or NumPy scalar outputs."""
    for y in outputs:
        if type(y) is not _ndarray:
            outputs = arrays_from_forward(self, outputs)
            break
    if snapshot.debug:
        debug_forward(self, outputs)
    if hooks:
        for hook in hooks.values():
            hook.forward_postprocess(self, in_data)
    ret_list = [_make_variable(y, requires_grad) for y in outputs]
    ret = tuple(ret_list)
    if not snapshot.enable_backprop:
        return ret
    nodes, rank = input_nodes(inputs, in_data)
    self._rank = rank
    self._inputs = nodes
    refs = []
    for variable, y in zip(ret_list, outputs, strict=True):
        node = bare_node(variable, y, requires_grad)
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


def arrays_from_forward(self: FunctionNode, outputs: tuple[Any, ...]) -> tuple[Array, ...]:
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


def check_data_type_forward(self: FunctionNode, in_data: tuple[Array, ...]) -> None:
    """Run ``check_type_forward`` in light mode, and in full mode for the message."""
    from . import type_check

    in_types = type_check.get_types(in_data, "in_types", False, light=True)
    try:
        self.check_type_forward(in_types)
    except type_check._LightModeFailure:
        raise type_check._run_full_mode(self.check_type_forward, in_data, self.label) from None
    except type_check.InvalidType as error:
        raise type_check._with_context(error, self.label) from None


def debug_forward(self: FunctionNode, outputs: tuple[Array, ...]) -> None:
    """Debug mode: record where the function was applied and reject NaN outputs."""
    self._stack = traceback.extract_stack()[:-2]
    for y in outputs:
        if y.dtype.kind in "fc" and bool(get_array_module(y).isnan(y).any()):
            raise RuntimeError(f"NaN is detected on forward computation of {self.label}")


def unwrap(
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
                raise uninitialized_input(func, x)
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


def input_nodes(
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
            node = bare_node(None, data, False)
        nodes.append(node)
    return tuple(nodes), rank


def bare_node(variable: Variable | None, data: Array, requires_grad: bool) -> VariableNode:
    """A new node without creator for ``data`` (``variable`` is ``None`` for an array)."""
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


def uninitialized_input(func: FunctionNode, x: Variable) -> RuntimeError:
    """The error for an uninitialized input Variable."""
    name = "" if x.name is None else f" {x.name!r}"
    return RuntimeError(
        f"{func.label}: input Variable{name} is uninitialized (its array is None); "
        "initialize it before applying functions to it"
    )
