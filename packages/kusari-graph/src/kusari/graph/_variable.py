"""``Variable``: an array with a gradient and a place in the computational graph."""

from __future__ import annotations

import warnings
import weakref
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Never, TypeAlias

import numpy

from kusari.devices import (
    Array,
    Device,
    DeviceSpec,
    Scalar,
    copyto,
    get_array_module,
    get_array_types,
    get_device,
    get_device_from_array,
    is_array,
)

from ._variable_node import VariableNode

if TYPE_CHECKING:
    import types

    from ._function import Function
    from ._function_node import FunctionNode

__all__ = ["Operand", "Variable", "VariableOrArray", "as_array", "as_variable"]

_ndarray = numpy.ndarray
_object_new = object.__new__

_GRAD_INVALID_MESSAGE = (
    "Cannot retrieve Variable.grad. Either it must be set manually or Variable.cleargrad() "
    "must be called beforehand."
)


def _type_name(value: object) -> str:
    """``float``, ``numpy.float32``, ``kusari.graph.Variable``: the public name of a type."""
    cls = type(value)
    module = ".".join(part for part in cls.__module__.split(".") if not part.startswith("_"))
    return cls.__qualname__ if module in ("builtins", "") else f"{module}.{cls.__qualname__}"


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

    def set_creator(self, gen_func: FunctionNode | Function) -> None:
        """Tell this Variable which function created it.

        Args:
            gen_func: The :class:`Function` or :class:`FunctionNode`.
        """
        self.node.set_creator(gen_func)

    def set_creator_node(self, fnode: FunctionNode) -> None:
        """Tell this Variable which function node created it.

        Args:
            fnode: The :class:`FunctionNode` that has this Variable as an output.
        """
        self.node.set_creator_node(fnode)

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

    def unchain(self) -> None:
        """Cut the link to the creator; backward stops at this Variable from now on."""
        node = self._node
        if node is not None:
            node._creator_node = None

    def unchain_backward(self) -> None:
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

    def retain_data(self) -> None:
        """Make the node keep a reference to the array (see :meth:`VariableNode.retain_data`)."""
        self.node.data = self._data[0]

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

    def _check_grad(self, grad: object) -> None:
        if type(grad) is not _ndarray and not is_array(grad):
            raise TypeError(
                f"the gradient must be an array, got {_type_name(grad)} "
                f"(for Variable {self.name!r})"
            )
        data = self._data[0]
        if data is None:
            return
        assert isinstance(grad, get_array_types())
        if type(grad) is not type(data):
            raise TypeError(
                f"the gradient is a {_type_name(grad)} but the array is a "
                f"{_type_name(data)} (for Variable {self.name!r})"
            )
        if grad.dtype != data.dtype:
            raise TypeError(
                f"the gradient has dtype {grad.dtype} but the array has dtype {data.dtype} "
                f"(for Variable {self.name!r})"
            )
        if grad.shape != data.shape:
            raise ValueError(
                f"the gradient has shape {grad.shape} but the array has shape {data.shape} "
                f"(for Variable {self.name!r})"
            )

    def _set_grad_unchecked(self, grad: Array | None, grad_var: Variable | None) -> None:
        self._grad = grad
        self._grad_var = grad_var
        self._grad_valid = True

    def cleargrad(self) -> None:
        """Set the gradient to ``None`` (the next backward starts from zero)."""
        self._grad = None
        self._grad_var = None
        self._grad_valid = True

    def zerograd(self) -> None:
        """Fill the gradient with zeros, allocating it if needed (deprecated: use cleargrad).

        Warns:
            DeprecationWarning: Always.
        """
        warnings.warn(
            "Variable.zerograd is deprecated. Use Variable.cleargrad instead.",
            DeprecationWarning,
            stacklevel=2,
        )
        data = self._data[0]
        if data is None:
            return
        grad_var = self._grad_var
        if grad_var is not None and grad_var._data[0] is not None:
            grad_var.unchain()
            grad_var._data[0][...] = 0
        elif self._grad_valid and self._grad is not None:
            self._grad[...] = 0
        else:
            self._set_grad_unchecked(get_array_module(data).zeros_like(data), None)

    def addgrad(self, var: Variable) -> None:
        """Add the gradient of ``var`` to this Variable's gradient (out of place).

        The gradient of ``var`` may live on another device; it is sent to this Variable's
        device first.  An uninitialized Variable gets an array shaped like the gradient.

        Args:
            var: The Variable whose gradient to add.

        Example:
            >>> import numpy
            >>> from kusari.graph import Variable
            >>> a = Variable(numpy.zeros(2), grad=numpy.ones(2))
            >>> b = Variable(numpy.zeros(2), grad=numpy.full(2, 2.0))
            >>> a.addgrad(b)
            >>> a.grad
            array([3., 3.])
        """
        if not isinstance(var, Variable):
            raise TypeError(f"addgrad() needs a Variable, got {_type_name(var)}")
        src = var.grad
        if src is None:
            return
        if self._data[0] is None:
            self._initialize_like(src)
        device = self.device
        if not device.is_array_supported(src):
            src = device.send(src)
        dst = self.grad
        self.grad = src.copy() if dst is None else dst + src

    def copydata(self, var: Variable) -> None:
        """Copy the array of ``var`` into this Variable's array, in place, across devices.

        If this Variable is uninitialized it is initialized first (and the other way round);
        if both are, nothing happens.

        Args:
            var: The source Variable.

        Example:
            >>> import numpy
            >>> from kusari.graph import Variable
            >>> a = Variable(numpy.zeros(2))
            >>> a.copydata(Variable(numpy.array([1.0, 2.0])))
            >>> a.array
            array([1., 2.])
        """
        if not isinstance(var, Variable):
            raise TypeError(f"copydata() needs a Variable, got {_type_name(var)}")
        src = var._data[0]
        dst = self._data[0]
        if src is None:
            if dst is None:
                return
            var._initialize_like(dst)
            src = var._data[0]
            assert src is not None
        elif dst is None:
            self._initialize_like(src)
            dst = self._data[0]
            assert dst is not None
        copyto(dst, src)

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
                gradients can be differentiated again.
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

    def to_device(self, device: DeviceSpec) -> None:
        """Move the array and the gradient to ``device`` (no copy if already there).

        Args:
            device: Anything :func:`kusari.devices.get_device` accepts (``'@numpy'``,
                ``'@cupy:0'``, ``-1``, ...).

        Example:
            >>> import numpy
            >>> from kusari.graph import Variable
            >>> x = Variable(numpy.zeros(2))
            >>> x.to_device("@numpy")
            >>> x.device
            <CpuDevice '@numpy'>
        """
        target = get_device(device)
        data = self._data[0]
        if data is not None and not target.is_array_supported(data):
            self._set_array(target.send(data))
        grad_var = self._grad_var
        if grad_var is not None:
            grad_var.to_device(target)
        elif self._grad is not None and not target.is_array_supported(self._grad):
            self._grad = target.send(self._grad)

    def to_cpu(self) -> None:
        """Move the array and the gradient to the CPU (NumPy)."""
        self.to_device("@numpy")

    def to_gpu(self, device: DeviceSpec | None = None) -> None:
        """Move the array and the gradient to a CUDA device (the current one by default).

        Args:
            device: The CUDA device; the current CuPy device when ``None``.
        """
        from kusari.devices import to_gpu

        data = self._data[0]
        if data is not None:
            self._set_array(to_gpu(data, device))
        grad_var = self._grad_var
        if grad_var is not None:
            grad_var.to_gpu(device)
        elif self._grad is not None:
            self._grad = to_gpu(self._grad, device)

    # -- text ------------------------------------------------------------------------------

    def summary(self) -> str:
        """Return a one-line description: ``<variable x>`` or ``<variable at 0x...>``."""
        name = self.name
        return f"<variable {name}>" if name else f"<variable at 0x{id(self):x}>"

    def debug_print(self) -> str:
        """Return a description of the location and the statistics of the data.

        Returns:
            Several lines: the summary, the device, shape, dtype, mean and standard
            deviation of the array, and of the gradient.
        """
        data = self._data[0]
        lines = [self.summary()]
        if data is None:
            lines += ["- device: None", "- backend: None", "- shape: None", "- dtype: None"]
            lines += ["- statistics: None", "- grad: None"]
            return "\n".join(lines)
        xp = get_array_module(data)
        lines += [
            f"- device: {self.device}",
            f"- backend: {type(data)}",
            f"- shape: {data.shape}",
            f"- dtype: {data.dtype}",
            f"- statistics: {_statistics(xp, data)}",
        ]
        grad = self._grad_var._data[0] if self._grad_var is not None else self._grad
        if grad is None:
            lines.append("- grad: None")
        elif bool((grad == 0).all()):
            lines.append("- grad: 0")
        else:
            lines.append(f"- grad: {_statistics(xp, grad)}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return _variable_text(self, ", ")

    def __str__(self) -> str:
        return _variable_text(self, " ")

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

    def __copy__(self) -> Variable:
        cls = type(self)
        new = cls.__new__(cls)
        for klass in cls.__mro__:
            for slot in klass.__dict__.get("__slots__", ()):
                if slot in ("__weakref__", "__dict__"):
                    continue
                try:
                    value = getattr(self, slot)
                except AttributeError:
                    continue
                object.__setattr__(new, slot, value)
        state = getattr(self, "__dict__", None)
        if state is not None:
            new.__dict__.update(state)
        # The copy shares the data list but gets its own node: it is a new graph root.
        new._name = self.name
        new._node = None
        return new

    def __reduce__(self) -> tuple[Any, ...]:
        state = getattr(self, "__dict__", None)
        args = (type(self), self._data[0], self.name, self._grad_for_pickle(), self._requires_grad)
        if state:
            return (_rebuild_variable, args, dict(state))
        return (_rebuild_variable, args)

    def _grad_for_pickle(self) -> Array | None:
        if not self._grad_valid:
            return None
        grad_var = self._grad_var
        return self._grad if grad_var is None else grad_var._data[0]

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    # -- differentiable methods (bodies installed by kusari.functions) ---------------------

    @property
    def T(self) -> Variable:
        """The transpose (all axes reversed), as a differentiable function."""
        return _ops.transpose(self, None)

    def reshape(self, *shape: int | tuple[int, ...]) -> Variable:
        """Return this Variable reshaped (differentiable; see :func:`kusari.functions.reshape`).

        Args:
            *shape: The new shape, as several ints or one tuple; one entry may be ``-1``.

        Returns:
            The reshaped Variable.

        Example:
            >>> import numpy
            >>> from kusari.graph import Variable
            >>> Variable(numpy.arange(6.0)).reshape(2, 3).shape
            (2, 3)
        """
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            target: tuple[int, ...] = tuple(shape[0])
        else:
            target = tuple(shape)  # type: ignore[arg-type]
        return _ops.reshape(self, target)

    def transpose(self, *axes: int | tuple[int, ...]) -> Variable:
        """Return this Variable with its axes permuted (see :func:`kusari.functions.transpose`).

        Args:
            *axes: The permutation, as several ints or one tuple; reversed when omitted.

        Returns:
            The transposed Variable.

        Example:
            >>> import numpy
            >>> from kusari.graph import Variable
            >>> Variable(numpy.zeros((2, 3, 4))).transpose(2, 0, 1).shape
            (4, 2, 3)
        """
        if not axes:
            return _ops.transpose(self, None)
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            return _ops.transpose(self, tuple(axes[0]))
        return _ops.transpose(self, tuple(axes))  # type: ignore[arg-type]

    def mean(
        self, axis: int | tuple[int, ...] | None = None, *, keepdims: bool = False
    ) -> Variable:
        """Return the mean of the elements (see :func:`kusari.functions.mean`).

        Args:
            axis: The axis or axes to average over; all when ``None``.
            keepdims: Keep the reduced axes with length one.

        Returns:
            The mean.

        Example:
            >>> import numpy
            >>> from kusari.graph import Variable
            >>> Variable(numpy.array([1.0, 2.0, 6.0])).mean()
            variable(3.)
        """
        return _ops.mean(self, axis, keepdims)

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


def _rebuild_variable(
    cls: type[Variable],
    data: Array | None,
    name: str | None,
    grad: Array | None,
    requires_grad: bool,
) -> Variable:
    variable = _make_variable(data, requires_grad)
    if cls is not Variable:
        new = cls.__new__(cls)
        for slot in Variable.__slots__:
            if slot != "__weakref__":
                object.__setattr__(new, slot, getattr(variable, slot))
        variable = new
    variable._name = name
    variable._grad = grad
    return variable


def _reject_kwargs(kwargs: Mapping[str, object]) -> None:
    if "volatile" in kwargs:
        raise ValueError(
            "the 'volatile' argument is not supported anymore; use "
            "kusari.graph.no_backprop_mode() (chainer.no_backprop_mode()) instead"
        )
    raise TypeError(f"Variable() got unexpected keyword arguments: {', '.join(sorted(kwargs))}")


def _comparison_message(op: str) -> str:
    return (
        f"Variables do not support comparison ({op}); compare their arrays instead "
        f"(x.array {op} y.array)"
    )


def _statistics(xp: Any, array: Array) -> str:
    if array.size == 0:
        return "mean=nan, std=nan"
    return f"mean={float(xp.mean(array)):.8f}, std={float(xp.std(array)):.8f}"


def _variable_text(variable: Variable, separator: str) -> str:
    from kusari.devices import to_cpu

    name = variable.name
    prefix = f"variable {name}" if name else "variable"
    data = variable._data[0]
    if data is None:
        body = "None"
    else:
        array = to_cpu(data)
        if array.size > 0 or array.shape == (0,):
            body = numpy.array2string(array, separator=separator, prefix=prefix + "(")
        else:
            body = f"[], shape={array.shape!r}"
    return f"{prefix}({body})"


def as_variable(obj: VariableOrArray) -> Variable:
    """Return ``obj`` if it is a Variable, else wrap the array (``requires_grad=False``).

    Args:
        obj: A Variable or an array.

    Returns:
        A Variable.

    Example:
        >>> import numpy
        >>> from kusari.graph import as_variable
        >>> v = as_variable(numpy.zeros(2))
        >>> v.requires_grad, as_variable(v) is v
        (False, True)
    """
    if isinstance(obj, Variable):
        return obj
    return Variable(obj, requires_grad=False)


def as_array(obj: VariableOrArray) -> Array:
    """Return the array of a Variable, or ``obj`` itself if it is an array.

    Args:
        obj: A Variable or an array.

    Returns:
        The array.

    Raises:
        RuntimeError: If ``obj`` is an uninitialized Variable.

    Example:
        >>> import numpy
        >>> from kusari.graph import Variable, as_array
        >>> a = numpy.zeros(2)
        >>> as_array(Variable(a)) is a, as_array(a) is a
        (True, True)
    """
    if isinstance(obj, Variable):
        return obj._require_array("array")
    return obj


class _Ops:
    """The functions behind Variable's methods; :mod:`kusari.functions` fills it in."""

    __slots__ = ("mean", "reshape", "transpose")

    def __init__(self) -> None:
        def missing(*args: object) -> Variable:
            raise RuntimeError("kusari.functions is not imported; import kusari.graph first")

        self.reshape: Callable[[Variable, tuple[int, ...]], Variable] = missing
        self.transpose: Callable[[Variable, tuple[int, ...] | None], Variable] = missing
        self.mean: Callable[[Variable, int | tuple[int, ...] | None, bool], Variable] = missing


_ops = _Ops()


def install_variable_methods(
    *,
    reshape: Callable[[Variable, tuple[int, ...]], Variable],
    transpose: Callable[[Variable, tuple[int, ...] | None], Variable],
    mean: Callable[[Variable, int | tuple[int, ...] | None, bool], Variable],
    operators: Mapping[str, Callable[..., Any]],
) -> None:
    """Install the differentiable methods and operators of :class:`Variable`.

    Called once by :mod:`kusari.functions` when it is imported.

    Args:
        reshape: The function behind :meth:`Variable.reshape`.
        transpose: The function behind :meth:`Variable.transpose` and :attr:`Variable.T`.
        mean: The function behind :meth:`Variable.mean`.
        operators: Special method names (``"__add__"``) mapped to their implementations.
    """
    _ops.reshape = reshape
    _ops.transpose = transpose
    _ops.mean = mean
    for name, function in operators.items():
        if not (name.startswith("__") and name.endswith("__")):
            raise ValueError(f"{name!r} is not a special method name")
        setattr(Variable, name, function)
