"""``Parameter``: a learnable Variable, registered to a Link and updated by an optimizer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, cast

import numpy

from kusari.devices import (
    Array,
    CudaDevice,
    Device,
    DeviceSpec,
    Scalar,
    get_array_module,
    get_device,
    get_device_from_array,
    is_array,
)
from kusari.graph import Variable
from kusari.initializers import Constant, InitializerLike, NaN, Zero, generate_array

__all__ = ["Parameter", "ParameterInitializer", "UpdateRuleLike"]

_CPU = get_device("@numpy")

ParameterInitializer = InitializerLike | Array | Scalar | None
"""What :class:`Parameter` accepts as its initializer (see there)."""


class UpdateRuleLike(Protocol):
    """What a :class:`Parameter` needs from its update rule.

    ``kusari.optimizers.UpdateRule`` satisfies it; :mod:`kusari.links` does not import the
    optimizers, so the attribute :attr:`Parameter.update_rule` is typed with this protocol.
    Code that needs more of the rule narrows it with ``isinstance``.
    """

    enabled: bool
    """Whether :meth:`update` changes the parameter (``Link.disable_update`` clears it)."""

    def update(self, param: Parameter, /) -> None:
        """Update ``param.array`` in place from ``param.grad``."""
        ...


# Variable's gradient properties: Parameter's reuse their getters, and their setters also
# reset the "uncleared" flag.
_VARIABLE_GRAD = cast(property, vars(Variable)["grad"])
_VARIABLE_GRAD_VAR = cast(property, vars(Variable)["grad_var"])


def _is_scalar(value: object) -> bool:
    return isinstance(value, (bool, int, float, complex, numpy.generic))


def _nan_grad_like(data: Array) -> Array | None:
    # Integer parameters cannot hold NaN; they start without a gradient instead.
    if data.dtype.kind not in "fc":
        return None
    return cast(Array, get_array_module(data).full_like(data, numpy.nan))


class Parameter(Variable):
    """A learnable :class:`~kusari.graph.Variable`, registered to a Link by assignment.

    Inside ``with link.init_scope():``, assigning a Parameter to an attribute of a
    :class:`~kusari.links.Link` registers it under that name.  When an optimizer is set up
    with the link, it gives every parameter an :attr:`update_rule`, and :meth:`update`
    applies it.

    The initializer fills the data array:

    * ``None``: NaN (an :class:`~kusari.initializers.NaN` initializer);
    * a scalar: a :class:`~kusari.initializers.Constant` of that value (``float32`` unless
      ``config.dtype`` says otherwise);
    * an array: with ``shape=None`` the array itself becomes the data (no copy); with a
      shape it is broadcast into a new array;
    * an :class:`~kusari.initializers.Initializer` or another callable filling an array.

    With ``shape=None`` and anything but an array, the parameter is *uninitialized*:
    :attr:`array` is ``None`` until :meth:`initialize` is called (links call it with the
    shape of their first input).  Reading :attr:`grad` of an uninitialized parameter
    raises ``RuntimeError`` until :meth:`cleargrad` is called, and a freshly initialized
    parameter has a NaN-filled gradient, so that a forgotten ``cleargrads()`` shows up in
    the results instead of silently accumulating.  The parameter also remembers (in a flag,
    without looking at the values) whether its gradient is still that NaN, or the NaN plus
    what backward added; ``GradientMethod.update()`` refuses to apply such a gradient.
    Clearing, zero-filling or assigning the gradient resets the flag.

    Args:
        initializer: The initializer of the data (see above).
        shape: The shape of the data; ``None`` to defer the initialization.
        name: The name (set to the attribute name when registered to a link).

    Attributes:
        initializer: The initializer of the data, used by :meth:`initialize`.
        update_rule: The update rule set by the optimizer, or ``None``.

    Example:
        >>> import numpy
        >>> from kusari.links import Parameter
        >>> w = Parameter(0.5, (2, 3))
        >>> w.array
        array([[0.5, 0.5, 0.5],
               [0.5, 0.5, 0.5]], dtype=float32)
        >>> bool(numpy.isnan(w.grad).all())
        True
        >>> lazy = Parameter()
        >>> lazy.array is None
        True
        >>> lazy.cleargrad()
        >>> lazy.initialize((2,))
        >>> lazy.array, lazy.grad
        (array([nan, nan], dtype=float32), None)
    """

    __slots__ = (
        "_grad_initializer",
        "_grad_uncleared",
        "_initial_device",
        "initializer",
        "update_rule",
    )

    initializer: InitializerLike | Array
    update_rule: UpdateRuleLike | None
    _grad_initializer: InitializerLike | None
    _initial_device: Device
    # True while the gradient is the NaN array the parameter started with, or that array
    # plus what backward accumulated onto it: the gradients were never cleared.  Backward
    # writes the gradient slots directly and so leaves the flag alone; every other way to
    # set the gradient (assignment, cleargrad, zerograd) resets it.
    _grad_uncleared: bool

    def __init__(
        self,
        initializer: ParameterInitializer = None,
        shape: int | tuple[int, ...] | None = None,
        name: str | None = None,
    ) -> None:
        if initializer is None:
            initializer = NaN()
        elif _is_scalar(initializer):
            initializer = Constant(cast(Scalar, initializer))
        elif not is_array(initializer) and not callable(initializer):
            raise TypeError(
                "Parameter initializer must be None, a scalar, an array, an Initializer or "
                f"a callable filling an array, got {type(initializer).__name__}"
            )
        grad_initializer: InitializerLike | None = None
        uncleared = False
        if shape is None:
            if is_array(initializer):
                data = cast(Array, initializer)
                super().__init__(data, name=name)
                device = get_device_from_array(data)
            else:
                super().__init__(None, name=name)
                self._grad_valid = False
                grad_initializer = NaN(getattr(initializer, "dtype", None))
                device = _CPU
        else:
            if is_array(initializer):
                array = cast(Array, initializer)
                xp = get_array_module(array)
                device = get_device_from_array(array)
                fill: InitializerLike = Constant(array)
            else:
                xp = numpy
                device = _CPU
                fill = cast(InitializerLike, initializer)
            data = generate_array(fill, shape, xp, device=device)
            super().__init__(data, name=name)
            grad = _nan_grad_like(data)
            self._set_grad_unchecked(grad, None)
            uncleared = grad is not None
            initializer = fill
        self._grad_uncleared = uncleared
        self.initializer = cast(InitializerLike | Array, initializer)
        self.update_rule = None
        self._grad_initializer = grad_initializer
        self._initial_device = device

    # -- initialization --------------------------------------------------------------------

    @property
    def is_initialized(self) -> bool:
        """Whether the data array exists (``False`` until :meth:`initialize`)."""
        return self._data[0] is not None

    def initialize(self, shape: int | tuple[int, ...]) -> None:
        """Create the data array with :attr:`initializer`, and the gradient.

        The arrays are created on the device the parameter was last sent to (the CPU by
        default).  The gradient is NaN-filled, or ``None`` after :meth:`cleargrad`, or
        zeros after :meth:`zerograd`.  Calling it on an initialized parameter draws new
        values (``Link.copy(mode='init')`` does that).

        Args:
            shape: The shape of the data array.

        Example:
            >>> from kusari.initializers import One
            >>> from kusari.links import Parameter
            >>> p = Parameter(One())
            >>> p.initialize((3,))
            >>> p.array
            array([1., 1., 1.], dtype=float32)
        """
        device = self._initial_device
        xp = device.xp
        initializer = self.initializer
        fill = Constant(cast(Array, initializer)) if is_array(initializer) else initializer
        data = generate_array(cast(InitializerLike, fill), shape, xp, device=device)
        grad_initializer = self._grad_initializer
        grad = None
        if grad_initializer is not None:
            grad = generate_array(grad_initializer, shape, xp, dtype=data.dtype, device=device)
        self._set_array(data)
        self._set_grad_unchecked(grad, None)
        self._grad_uncleared = grad is not None and isinstance(grad_initializer, NaN)

    def _initialize_like(self, template: Array) -> None:
        # copydata()/addgrad() on an uninitialized parameter: run the initializer.
        self.initialize(tuple(template.shape))

    @property
    def dtype(self) -> numpy.dtype[Any]:
        """The dtype of the data; for an uninitialized parameter, its initializer's dtype.

        Raises:
            RuntimeError: If the parameter is uninitialized and its initializer has no
                dtype.
        """
        data = self._data[0]
        if data is not None:
            return data.dtype
        declared = getattr(self.initializer, "dtype", None)
        if declared is not None:
            dtype: numpy.dtype[Any] = numpy.dtype(declared)
            return dtype
        name = "" if self.name is None else f" {self.name!r}"
        raise RuntimeError(
            f"the dtype of the uninitialized Parameter{name} is not determined yet: its "
            "initializer has no dtype; call initialize(shape) first"
        )

    # -- gradients ---------------------------------------------------------------------------

    def _assign_grad(self, grad: Array | None) -> None:
        _VARIABLE_GRAD.__set__(self, grad)
        self._grad_uncleared = False

    def _assign_grad_var(self, grad_var: Variable | None) -> None:
        _VARIABLE_GRAD_VAR.__set__(self, grad_var)
        self._grad_uncleared = False

    if not TYPE_CHECKING:  # typed as Variable's; the getters are Variable's own functions
        grad = property(_VARIABLE_GRAD.fget, _assign_grad, None, _VARIABLE_GRAD.__doc__)
        grad_var = property(
            _VARIABLE_GRAD_VAR.fget, _assign_grad_var, None, _VARIABLE_GRAD_VAR.__doc__
        )

    def _set_grad_unchecked(self, grad: Array | None, grad_var: Variable | None) -> None:
        super()._set_grad_unchecked(grad, grad_var)
        self._grad_uncleared = False

    @property
    def grad_uncleared(self) -> bool:
        """Whether the gradient is the NaN it started with, or that plus what backward added.

        It is ``True`` from the creation of the NaN gradient (at construction, or in
        :meth:`initialize`) until the gradient is cleared, zero-filled or assigned; the
        backward pass accumulates onto the gradient without resetting it.  Reading it costs
        one attribute read: the array is never scanned.

        Example:
            >>> import numpy
            >>> import kusari.functions as F
            >>> from kusari.links import Parameter
            >>> w = Parameter(1.0, (2,))
            >>> F.sum(w * w).backward()
            >>> w.grad_uncleared, bool(numpy.isnan(w.grad).all())
            (True, True)
            >>> w.cleargrad()
            >>> F.sum(w * w).backward()
            >>> w.grad_uncleared, w.grad.tolist()
            (False, [2.0, 2.0])
        """
        return self._grad_uncleared

    def cleargrad(self) -> None:
        """Set the gradient to ``None``; an uninitialized parameter will start without one."""
        super().cleargrad()
        self._grad_uncleared = False
        if self._data[0] is None:
            self._grad_initializer = None

    def zerograd(self) -> None:
        """Fill the gradient with zeros (deprecated: use :meth:`cleargrad`).

        An uninitialized parameter gets a zero gradient when it is initialized.

        Warns:
            DeprecationWarning: Always.
        """
        super().zerograd()
        self._grad_uncleared = False
        if self._data[0] is None:
            self._grad_initializer = Zero(getattr(self.initializer, "dtype", None))

    def addgrad(self, var: Variable) -> None:
        """Add the gradient of ``var`` to this parameter's gradient (out of place).

        As :meth:`kusari.graph.Variable.addgrad`.  The sum is still uncleared (see
        :attr:`grad_uncleared`) when either gradient was.

        Args:
            var: The Variable whose gradient to add.

        Example:
            >>> import numpy
            >>> from kusari.links import Parameter
            >>> a, b = Parameter(0.0, (2,)), Parameter(0.0, (2,))
            >>> a.grad, b.grad = numpy.ones(2, numpy.float32), numpy.ones(2, numpy.float32)
            >>> a.addgrad(b)
            >>> a.grad.tolist(), a.grad_uncleared
            ([2.0, 2.0], False)
        """
        uncleared = self._grad_uncleared or (isinstance(var, Parameter) and var._grad_uncleared)
        if self._data[0] is None and isinstance(self._grad_initializer, NaN):
            uncleared = True  # initialized below with a NaN gradient, then added to
        super().addgrad(var)
        if uncleared and self._data[0] is not None and self._grad is not None:
            self._grad_uncleared = True

    # -- update ------------------------------------------------------------------------------

    def update(self) -> None:
        """Update the data from the gradient with :attr:`update_rule` (if one is set).

        Example:
            >>> import numpy
            >>> from kusari.links import Parameter
            >>> class HalfStep:
            ...     enabled = True
            ...     def update(self, param):
            ...         param.array -= 0.5 * param.grad
            >>> p = Parameter(numpy.ones(2))
            >>> p.grad = numpy.ones(2)
            >>> p.update_rule = HalfStep()
            >>> p.update()
            >>> p.array
            array([0.5, 0.5])
        """
        rule = self.update_rule
        if rule is not None:
            rule.update(self)

    # -- devices -----------------------------------------------------------------------------

    @property
    def device(self) -> Device:
        """The device of the data; for an uninitialized parameter, where it will be made."""
        data = self._data[0]
        if data is None:
            return self._initial_device
        return get_device_from_array(data)

    def to_device(self, device: DeviceSpec) -> None:
        """Move the data and the gradient to ``device`` (no copy if already there).

        An uninitialized parameter remembers ``device`` and creates its arrays there in
        :meth:`initialize`; it stops sharing its (empty) data with copies made by
        ``Link.copy('share')``.

        Args:
            device: Anything :func:`kusari.devices.get_device` accepts.
        """
        target = get_device(device)
        if self._data[0] is None:
            self._data = [None]
        else:
            super().to_device(target)
        self._initial_device = target

    def to_gpu(self, device: DeviceSpec | None = None) -> None:
        """Move the data and the gradient to a CUDA device (the current one by default).

        Args:
            device: The CUDA device; the current CuPy device when ``None``.
        """
        if self._data[0] is None:
            from kusari.devices import cuda

            target = get_device(cuda.get_device_from_id(None) if device is None else device)
            if not isinstance(target, CudaDevice):
                raise ValueError(f"to_gpu needs a CUDA device, got {target.name!r}")
            self.to_device(target)
            return
        super().to_gpu(device)
        self._initial_device = self.device

    # -- copying and pickling ----------------------------------------------------------------

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _rebuild_parameter,
            (
                type(self),
                self._data[0],
                self.name,
                self._grad_for_pickle(),
                self._grad_valid,
                self._grad_uncleared,
                self.initializer,
                self.update_rule,
                self._grad_initializer,
                self._initial_device,
            ),
        )


def _rebuild_parameter(
    cls: type[Parameter],
    data: Array | None,
    name: str | None,
    grad: Array | None,
    grad_valid: bool,
    grad_uncleared: bool,
    initializer: InitializerLike | Array,
    update_rule: UpdateRuleLike | None,
    grad_initializer: InitializerLike | None,
    initial_device: Device,
) -> Parameter:
    param = cls.__new__(cls)
    Variable.__init__(param, data, name=name)
    param._set_grad_unchecked(grad, None)
    param._grad_valid = grad_valid
    param._grad_uncleared = grad_uncleared and grad is not None
    param.initializer = initializer
    param.update_rule = update_rule
    param._grad_initializer = grad_initializer
    param._initial_device = initial_device
    return param
