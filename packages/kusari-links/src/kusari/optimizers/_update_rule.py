"""UpdateRule: how one parameter is updated from its gradient."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any, ClassVar, Generic, TypeAlias, TypeVar, cast

import numpy

from kusari.devices import Array, CpuDevice, Device, is_array, using_device
from kusari.serializers import AbstractSerializer, Deserializer

from ._hooks_table import HookTable, Timing
from ._hyperparameter import Hyperparameter
from ._protocols import UpdatableParameter
from ._rule_utils import loss_scale_of

__all__ = ["UpdateRule", "UpdateRuleHook"]

_HP_co = TypeVar("_HP_co", bound=Hyperparameter, covariant=True)

UpdateRuleHook: TypeAlias = Callable[["UpdateRule[Hyperparameter]", UpdatableParameter], object]
"""A hook an update rule calls as ``hook(rule, param)`` before or after each update."""


class _MasterCopy:
    """The float32 copy of a float16 parameter that :meth:`UpdateRule.use_fp32_update` keeps.

    It offers what update rules and hooks read from a parameter (``array``/``data``,
    ``grad``, ``dtype``, ``shape``, ``device``, ``name``); its gradient is already
    unscaled, so its ``_loss_scale`` is ``None``.
    """

    __slots__ = ("array", "device", "grad", "name")

    _loss_scale: ClassVar[None] = None

    def __init__(self, array: Array, device: Device, name: str | None) -> None:
        self.array: Array = array
        self.grad: Array | None = None
        self.device = device
        self.name = name

    @property
    def data(self) -> Array:
        return self.array

    @property
    def dtype(self) -> numpy.dtype[Any]:
        return self.array.dtype

    @property
    def shape(self) -> tuple[int, ...]:
        return self.array.shape


def _dtype_or_none(param: UpdatableParameter) -> numpy.dtype[Any] | None:
    try:
        return param.dtype
    except RuntimeError:  # an uninitialized parameter whose initializer has no dtype
        return None


class UpdateRule(Generic[_HP_co]):
    """The rule that updates one parameter from its gradient.

    An optimizer gives each parameter of its target link its own rule
    (``param.update_rule``), and :meth:`update` applies it.  A rule keeps

    * :attr:`hyperparam`, a child of the optimizer's hyperparameters: fields not set on the
      rule read the optimizer's, so changing ``optimizer.lr`` reaches every rule while a
      value set on one rule applies to that rule only;
    * :attr:`state`, the per-parameter arrays (moments, velocities...), created by
      :meth:`init_state` on the parameter's device at the first update;
    * :attr:`t`, the number of updates made, and :attr:`enabled`;
    * hooks called as ``hook(rule, param)`` before or after each update.

    Subclasses implement :meth:`update_core_cpu` and :meth:`update_core_gpu` (or
    :meth:`update_core`) and, when they keep state, :meth:`init_state`.

    Args:
        parent_hyperparam: The hyperparameters to fall back to; the rule's own set is a
            fresh child of the same class.  Without it the rule gets an empty open
            :class:`Hyperparameter`.

    Example:
        >>> import numpy
        >>> from kusari.devices import CpuDevice
        >>> from kusari.optimizers import Hyperparameter, UpdateRule
        >>> class HalvingRule(UpdateRule[Hyperparameter]):
        ...     def update_core_cpu(self, param):
        ...         param.array[...] -= 0.5 * param.grad
        >>> class Param:
        ...     name, device = "w", CpuDevice()
        ...     array, grad = numpy.ones(2), numpy.full(2, 0.5)
        ...     dtype = array.dtype
        >>> rule = HalvingRule()
        >>> p = Param()
        >>> rule.update(p)
        >>> p.array, rule.t
        (array([0.75, 0.75]), 1)
    """

    is_elementwise: ClassVar[bool] = False
    """Whether the update of each element depends only on the same element of the grad."""

    def __init__(self, parent_hyperparam: _HP_co | None = None) -> None:
        self.enabled: bool = True
        self.t: int = 0
        self._state: dict[str, Array] | None = None
        self._hooks: HookTable[UpdateRuleHook] = HookTable("this update rule")
        self._use_fp32_update = False
        self._fp32_param: _MasterCopy | None = None
        if parent_hyperparam is None:
            # An open set: only right for rules typed over the base Hyperparameter.
            self._hyperparam = cast(_HP_co, Hyperparameter())
        else:
            self._hyperparam = type(parent_hyperparam)(parent_hyperparam)

    @property
    def hyperparam(self) -> _HP_co:
        """The rule's hyperparameters (a child of the optimizer's)."""
        return self._hyperparam

    @property
    def state(self) -> dict[str, Array] | None:
        """The state arrays by name, or ``None`` before the first update initializes them."""
        return self._state

    def add_hook(
        self, hook: UpdateRuleHook, name: str | None = None, timing: Timing = "auto"
    ) -> None:
        """Register a hook called as ``hook(rule, param)`` around each update.

        Args:
            hook: The callable.
            name: Its name; ``hook.name`` or ``hook.__name__`` when omitted.
            timing: ``'pre'`` (before the update), ``'post'`` (after), or ``'auto'``:
                ``hook.timing`` if the hook has one, else ``'pre'``.

        Raises:
            TypeError: If ``hook`` is not callable.
            ValueError: If ``timing`` is not one of the three, or no name can be found.
            KeyError: If a hook with the same name is registered already.

        Example:
            >>> from kusari.optimizers import UpdateRule
            >>> rule = UpdateRule()
            >>> rule.add_hook(lambda rule, param: None, name="noop", timing="post")
            >>> rule.add_hook(lambda rule, param: None, name="noop")
            Traceback (most recent call last):
            ...
            KeyError: "this update rule already has a hook named 'noop'"
        """
        self._hooks.add(hook, name, timing)

    def remove_hook(self, name: str) -> None:
        """Remove the hook registered as ``name``.

        Raises:
            KeyError: If there is none.
        """
        self._hooks.remove(name)

    def use_fp32_update(self, flag: bool = True) -> None:
        """Update float16 parameters through a float32 master copy.

        The rule then keeps a float32 copy of the parameter (made at the first update),
        applies the update and its state to that copy, and writes the result back into
        the float16 array in place.  Parameters of other dtypes are unaffected.

        Args:
            flag: ``False`` turns it off again.
        """
        self._use_fp32_update = flag
        if not flag:
            self._fp32_param = None

    def update(self, param: UpdatableParameter) -> None:
        """Update ``param`` in place with its gradient.

        In order: return at once if the rule is disabled; count the update in :attr:`t`;
        for an initialized parameter, create the state on first use and divide the
        gradient by the loss scale of the backward pass (in place); run the ``'pre'``
        hooks, :meth:`update_core` and the ``'post'`` hooks.  A parameter without a
        gradient is left alone by :meth:`update_core`; an uninitialized one still counts
        in :attr:`t`, as in Chainer.

        Args:
            param: The parameter to update.
        """
        if not self.enabled:
            return
        self.t += 1
        with using_device(param.device):
            self._update(param)

    def _update(self, param: UpdatableParameter) -> None:
        array = param.array
        target: UpdatableParameter = param
        master: _MasterCopy | None = None
        if self._use_fp32_update and array is not None and array.dtype == numpy.float16:
            master = self._fp32_param
            if master is None or master.array.shape != array.shape:
                master = _MasterCopy(array.astype(numpy.float32), param.device, param.name)
                self._fp32_param = master
            grad = param.grad
            master.grad = None if grad is None else grad.astype(numpy.float32)
            target = master
        if array is not None:
            self._init_states(target)
            loss_scale = loss_scale_of(param)
            grad = target.grad
            if loss_scale is not None and grad is not None:
                grad /= loss_scale
        if self._hooks:
            for hook in self._hooks.hooks("pre"):
                hook(self, target)
            self.update_core(target)
            for hook in self._hooks.hooks("post"):
                hook(self, target)
        else:
            self.update_core(target)
        if master is not None and array is not None:
            param.device.xp.copyto(array, master.array, casting="same_kind")
            master.grad = None

    def update_core(self, param: UpdatableParameter) -> None:
        """Apply the update to ``param``: dispatches to the CPU or GPU implementation.

        Args:
            param: The parameter (or its float32 master copy).
        """
        if param.device.xp is numpy:
            self.update_core_cpu(param)
        else:
            self.update_core_gpu(param)

    def update_core_cpu(self, param: UpdatableParameter) -> None:
        """Apply the update to a parameter held in NumPy arrays.

        Args:
            param: The parameter; its ``grad`` may be ``None`` (then nothing happens).

        Raises:
            NotImplementedError: Unless a subclass implements it.
        """
        raise NotImplementedError(f"{type(self).__name__} does not implement update_core_cpu")

    def update_core_gpu(self, param: UpdatableParameter) -> None:
        """Apply the update to a parameter held in CuPy arrays.

        Args:
            param: The parameter; its ``grad`` may be ``None`` (then nothing happens).

        Raises:
            NotImplementedError: Unless a subclass implements it.
        """
        raise NotImplementedError(f"{type(self).__name__} does not implement update_core_gpu")

    def init_state(self, param: UpdatableParameter) -> None:
        """Create the state arrays in :attr:`state` for ``param`` (no state by default).

        Called once, at the first update of an initialized parameter, on its device.

        Args:
            param: The parameter whose shape and dtype the state follows.
        """

    def _init_states(self, param: UpdatableParameter) -> None:
        state = self._state
        device = param.device
        if state is None:
            state = self._state = {}
            self.init_state(param)
        # State loaded from a snapshot, or kept across to_device, may live elsewhere.
        for key, value in state.items():
            if is_array(value) and not device.is_array_supported(value):
                state[key] = device.send(value)

    def serialize(self, serializer: AbstractSerializer) -> None:
        """Save or load :attr:`t` and every state array under their names.

        When loading into a rule that has no state yet, the keys to load are found by
        running :meth:`init_state` on a dummy parameter.  If the snapshot lacks them, the
        state stays uninitialized and is created at the next update; a missing key raises
        :class:`KeyError` only for an enabled rule (a disabled one tolerates it).

        Args:
            serializer: A :class:`kusari.serializers.Serializer` or ``Deserializer``.
        """
        self.t = serializer("t", self.t)
        state = self._state
        if state is not None:
            for key, value in state.items():
                state[key] = serializer(key, value)
            return
        if not isinstance(serializer, Deserializer):
            return
        keys = self._probe_state_keys()
        loaded: dict[str, Array] = {}
        for key in keys:
            try:
                found = serializer(key, None)
            except KeyError:
                if self.enabled:
                    raise
                found = None
            if found is None:
                return
            # Own the array: an in-memory source would otherwise share it with us.
            loaded[key] = found.copy()
        if loaded:
            self._state = loaded

    def _probe_state_keys(self) -> list[str]:
        probe = copy.copy(self)
        probe._state = {}
        dummy = numpy.zeros(1, dtype=numpy.float32)
        holder = _MasterCopy(dummy, CpuDevice(), None)
        holder.grad = dummy
        probe.init_state(holder)
        return list(probe._state)
