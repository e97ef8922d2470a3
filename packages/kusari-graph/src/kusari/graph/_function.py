"""Old-style ``Function`` (array backward) and the ``FunctionAdapter`` that wraps it."""

from __future__ import annotations

import warnings
import weakref
from collections import OrderedDict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy

from kusari.devices import Array, get_array_module, get_device_from_array, using_device

from ._function_hook import FunctionHook
from ._function_node import FunctionNode
from ._variable import Variable, VariableOrArray, _make_variable, _type_name

if TYPE_CHECKING:
    import traceback

    from ._variable_node import VariableNode
    from .type_check import TypeInfoTuple

__all__ = ["Function", "FunctionAdapter"]

_ndarray = numpy.ndarray


class FunctionAdapter(FunctionNode):
    """Adapts an old-style :class:`Function` to the :class:`FunctionNode` interface.

    Ownership is subtle.  Until the Function is applied, the Function owns the adapter and
    the adapter refers to the Function weakly.  Applying it swaps this: the adapter (a
    node of the graph) owns the Function, and the Function refers to the adapter weakly.
    So the graph keeps the Function alive, and the Function does not keep the graph alive.

    The adapter retains all inputs (old-style functions get them in backward), and
    differentiating a gradient an old-style Function computed raises ``RuntimeError``: its
    backward works on arrays, so it cannot be recorded.

    Args:
        function: The Function to wrap.

    Example:
        >>> import numpy
        >>> from kusari.graph import Function, FunctionAdapter, Variable
        >>> class Twice(Function):
        ...     def forward(self, inputs):
        ...         return (inputs[0] * 2,)
        ...     def backward(self, inputs, grad_outputs):
        ...         return (grad_outputs[0] * 2,)
        >>> f = Twice()
        >>> y = f(Variable(numpy.ones(2)))
        >>> isinstance(y.creator_node, FunctionAdapter), y.creator is f
        (True, True)
    """

    __slots__ = ("_function", "_weak_function")

    _function: Function | None
    _weak_function: weakref.ref[Function] | None

    def __init__(self, function: Function) -> None:
        self._function = None
        self._weak_function = weakref.ref(function)
        function._owned_node = self

    @property
    def function(self) -> Function:
        """The wrapped :class:`Function`."""
        function = self._function
        if function is None:
            weak = self._weak_function
            function = None if weak is None else weak()
            if function is None:
                raise RuntimeError("the Function wrapped by this FunctionAdapter is gone")
        return function

    @property
    def label(self) -> str:
        """The label of the wrapped Function."""
        return self.function.label

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """Run the wrapped Function's type check."""
        self.function.check_type_forward(in_types)

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Retain all inputs and run the wrapped Function's forward."""
        self.retain_inputs(range(len(inputs)))
        outputs: object = self.function.forward(inputs)
        if isinstance(outputs, list):
            outputs = tuple(outputs)
        return outputs  # type: ignore[return-value]  # apply() checks it

    def _old_style_backward(
        self, grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        in_data = tuple([x._data for x in self.inputs])
        arrays = [a for a in (*in_data, *grad_outputs) if a is not None]
        if all(type(a) is _ndarray for a in arrays):
            return self._checked_gradients(self.function.backward(in_data, grad_outputs))
        else:
            with using_device(get_device_from_array(*arrays)):
                gxs = self.function.backward(in_data, grad_outputs)
        return self._checked_gradients(gxs)

    def _checked_gradients(self, gxs: object) -> tuple[Array | None, ...]:
        if isinstance(gxs, list):
            gxs = tuple(gxs)
        if type(gxs) is not tuple:
            raise TypeError(
                f"{self.label}.backward must return a tuple of arrays, got {_type_name(gxs)}"
            )
        if len(gxs) != len(self.inputs):
            raise ValueError(
                f"{self.label}.backward returned {len(gxs)} gradients for "
                f"{len(self.inputs)} inputs"
            )
        for i, (x, gx) in enumerate(zip(self.inputs, gxs, strict=True)):
            if gx is not None:
                _check_grad(self, i, x, gx)
        return gxs

    def backward(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Variable | None, ...]
    ) -> tuple[Variable | None, ...]:
        """Run the Function's array backward and wrap the gradients (not differentiable)."""
        grad_arrays = tuple([None if g is None else g._data[0] for g in grad_outputs])
        gxs = self._old_style_backward(grad_arrays)
        label = self.label
        result: list[Variable | None] = []
        for i in target_input_indexes:
            gx = gxs[i]
            if gx is None:
                result.append(None)
            else:
                variable = _make_variable(gx, True)
                variable.node._old_style_grad_generator = label
                result.append(variable)
        return tuple(result)

    def backward_arrays(
        self, target_input_indexes: tuple[int, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Run the Function's array backward."""
        gxs = self._old_style_backward(grad_outputs)
        return tuple([gxs[i] for i in target_input_indexes])


def _check_grad(func: FunctionNode, index: int, x: VariableNode, gx: Any) -> None:
    if x.dtype is not None and gx.dtype != x.dtype:
        raise TypeError(
            f"{func.label}.backward returned a gradient of dtype {gx.dtype} for input #{index}, "
            f"whose dtype is {x.dtype}"
        )
    if x.shape is not None and tuple(gx.shape) != tuple(x.shape):
        raise ValueError(
            f"{func.label}.backward returned a gradient of shape {gx.shape} for input #{index}, "
            f"whose shape is {x.shape}"
        )


class Function:
    """Old-style differentiable function, whose backward works on arrays.

    New code should derive from :class:`FunctionNode`, whose backward is differentiable.
    A Function is applied by calling it; it returns one Variable for one output, else a
    tuple.  Internally a :class:`FunctionAdapter` represents it in the graph.

    Example:
        >>> import numpy
        >>> from kusari.graph import Function, Variable
        >>> class Square(Function):
        ...     def forward(self, inputs):
        ...         return (inputs[0] ** 2,)
        ...     def backward(self, inputs, grad_outputs):
        ...         return (2 * inputs[0] * grad_outputs[0],)
        >>> x = Variable(numpy.array([1.0, 2.0]))
        >>> y = Square()(x)
        >>> y.grad = numpy.ones(2)
        >>> y.backward()
        >>> x.grad
        array([2., 4.])
    """

    _node: weakref.ref[FunctionAdapter] | None = None
    _owned_node: FunctionAdapter | None = None

    def __call__(self, *inputs: VariableOrArray) -> Variable | tuple[Variable, ...]:
        """Apply the function.

        Args:
            *inputs: Variables or arrays.

        Returns:
            The output Variable, or a tuple of them when there are several.
        """
        node = self.node
        # Swap the ownership: from now on the graph keeps this Function alive.
        node._function = self
        node._weak_function = None
        self._node = weakref.ref(node)
        self._owned_node = None
        outputs = node.apply(inputs)
        return outputs[0] if len(outputs) == 1 else outputs

    @property
    def node(self) -> FunctionAdapter:
        """The :class:`FunctionAdapter` that represents this Function in the graph."""
        ref = self._node
        node = None if ref is None else ref()
        if node is None:
            node = self._owned_node
        if node is None:
            node = FunctionAdapter(self)
        return node

    @property
    def inputs(self) -> tuple[VariableNode, ...]:
        """The input nodes."""
        return self.node.inputs

    @property
    def outputs(self) -> tuple[weakref.ref[VariableNode], ...]:
        """Weak references to the output nodes."""
        return self.node.outputs

    @property
    def rank(self) -> int:
        """The topological rank."""
        return self.node.rank

    @property
    def stack(self) -> list[traceback.FrameSummary] | None:
        """The stack where the function was applied (debug mode)."""
        return self.node.stack

    @property
    def label(self) -> str:
        """A short name: the class name by default."""
        return type(self).__name__

    @property
    def output_data(self) -> tuple[Array | None, ...]:
        """The retained output arrays (see :meth:`retain_outputs`)."""
        return self.node.output_data

    @property
    def local_function_hooks(self) -> OrderedDict[str, FunctionHook]:
        """The hooks registered on this function only."""
        return self.node.local_function_hooks

    def check_type_forward(self, in_types: TypeInfoTuple) -> None:
        """Check the input types (see :meth:`FunctionNode.check_type_forward`)."""

    def forward(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Compute the outputs; the default calls :meth:`forward_cpu` or ``_gpu``.

        Args:
            inputs: The input arrays.

        Returns:
            A tuple of output arrays.
        """
        if inputs and type(inputs[0]) is not _ndarray and get_array_module(*inputs) is not numpy:
            return self.forward_gpu(inputs)
        return self.forward_cpu(inputs)

    def forward_cpu(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Compute the outputs from NumPy arrays."""
        raise NotImplementedError(
            f"{type(self).__name__} implements neither forward nor forward_cpu"
        )

    def forward_gpu(self, inputs: tuple[Array, ...]) -> tuple[Array, ...]:
        """Compute the outputs from CuPy arrays."""
        raise NotImplementedError(
            f"{type(self).__name__} implements neither forward nor forward_gpu"
        )

    def backward(
        self, inputs: tuple[Array | None, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Compute the input gradients from arrays; dispatches to ``backward_cpu``/``_gpu``.

        Args:
            inputs: The input arrays (``None`` where not retained).
            grad_outputs: The output gradients (``None`` where there is none).

        Returns:
            One gradient array (or ``None``) per input.
        """
        arrays = [a for a in (*inputs, *grad_outputs) if a is not None]
        if arrays and get_array_module(*arrays) is not numpy:
            return self.backward_gpu(inputs, grad_outputs)
        return self.backward_cpu(inputs, grad_outputs)

    def backward_cpu(
        self, inputs: tuple[Array | None, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Compute the input gradients from NumPy arrays.

        The default returns ``None`` for every input.
        """
        return (None,) * len(inputs)

    def backward_gpu(
        self, inputs: tuple[Array | None, ...], grad_outputs: tuple[Array | None, ...]
    ) -> tuple[Array | None, ...]:
        """Compute the input gradients from CuPy arrays.

        The default returns ``None`` for every input.
        """
        return (None,) * len(inputs)

    def unchain(self) -> None:
        """Remove the function from the graph (see :meth:`FunctionNode.unchain`)."""
        self.node.unchain()

    def add_hook(self, hook: FunctionHook, name: str | None = None) -> None:
        """Register a hook on this function (see :meth:`FunctionNode.add_hook`)."""
        self.node.add_hook(hook, name)

    def delete_hook(self, name: str) -> None:
        """Unregister a hook (see :meth:`FunctionNode.delete_hook`)."""
        self.node.delete_hook(name)

    def retain_inputs(self, indexes: Iterable[int]) -> None:
        """Retain only these inputs (old-style functions retain all by default).

        Args:
            indexes: The indexes of the inputs backward needs.
        """
        self.node.retain_inputs(indexes)

    def retain_outputs(self, indexes: Iterable[int], retain_after_backward: bool = False) -> None:
        """Retain these outputs for backward (read them from :attr:`output_data`).

        Args:
            indexes: The indexes of the outputs backward needs.
            retain_after_backward: Ignored (deprecated); warns when true.
        """
        if retain_after_backward:
            warnings.warn(
                "retain_after_backward option has no effect", DeprecationWarning, stacklevel=2
            )
        self.node.retain_outputs(indexes)
