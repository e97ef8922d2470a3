"""Optimizer: the object that owns a target link and updates its parameters."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Self, TypeAlias, cast

from kusari.serializers import AbstractSerializer

from ._hooks_table import HookTable, Timing
from ._hyperparameter import Hyperparameter
from ._protocols import UpdatableParameter
from ._update_rule import UpdateRule

if TYPE_CHECKING:
    from kusari.links import Link

__all__ = ["Optimizer", "OptimizerHook"]

OptimizerHook: TypeAlias = (
    Callable[["Optimizer"], object]
    | Callable[[UpdateRule[Hyperparameter], UpdatableParameter], object]
)
"""An optimizer hook: called as ``hook(optimizer)``, or, when it has a true
``call_for_each_param`` attribute, as ``hook(param.update_rule, param)`` for every parameter
of the target (see :mod:`kusari.optimizers.hooks`)."""

_LOSS_SCALE_MAX = 65504.0  # the largest finite float16


class Optimizer:
    """The base of all optimizers: a target link, update counters, hooks, loss scaling.

    :meth:`setup` attaches the optimizer to a link; :meth:`update` (implemented by
    :class:`GradientMethod`) updates the link's parameters.  :attr:`t` counts the
    updates and :attr:`epoch` the epochs (advanced by :meth:`new_epoch`).

    Example:
        >>> from kusari.optimizers import Optimizer
        >>> opt = Optimizer()
        >>> opt.t, opt.epoch, opt.target is None
        (0, 0, True)
    """

    target: Link | None = None
    """The link whose parameters are optimized; ``None`` before :meth:`setup`."""
    t: int = 0
    """The number of updates made since :meth:`setup`."""
    epoch: int = 0
    """The number of epochs completed, as counted by :meth:`new_epoch`."""
    use_auto_new_epoch: bool = False
    """Whether an updater calls ``new_epoch(auto=True)``; manual calls are then an error."""

    _hooks: HookTable[OptimizerHook] | None = None
    _loss_scale: float | None = None
    _loss_scale_max: float = _LOSS_SCALE_MAX
    _loss_scaling_is_dynamic: bool = False
    _loss_scaling_multiplier: float = 2.0
    _loss_scaling_isnan: bool = False
    _loss_scaling_isnan_ever: bool = False

    def setup(self, link: Link) -> Self:
        """Make ``link`` the target, reset :attr:`t`, :attr:`epoch` and the hooks.

        Args:
            link: The link to optimize.

        Returns:
            This optimizer, so that ``opt = Adam().setup(model)`` works.

        Raises:
            TypeError: If ``link`` is not a :class:`kusari.links.Link`.
        """
        from kusari.links import Link

        if not isinstance(link, Link):
            raise TypeError(
                f"an optimizer's target must be a kusari.links.Link, got {type(link).__name__}"
            )
        self.target = link
        self.t = 0
        self.epoch = 0
        self._hooks = HookTable("this optimizer", warn_on_bad_timing=True)
        return self

    def _require_target(self) -> Link:
        target = self.target
        if target is None:
            raise RuntimeError(
                f"{type(self).__name__} is not set up: call setup(link) before this method"
            )
        return target

    def _require_hooks(self) -> HookTable[OptimizerHook]:
        hooks = self._hooks
        if hooks is None:
            raise RuntimeError(
                f"{type(self).__name__} is not set up: call setup(link) before this method"
            )
        return hooks

    @property
    def loss_scale(self) -> float | None:
        """The factor the loss is multiplied by before backward, or ``None`` (no scaling)."""
        return self._loss_scale

    def update(self, lossfun: Callable[..., Any] | None = None, *args: Any, **kwds: Any) -> None:
        """Update the target's parameters; see :meth:`GradientMethod.update`.

        Raises:
            NotImplementedError: Here; subclasses implement it.
        """
        raise NotImplementedError(f"{type(self).__name__} does not implement update")

    def new_epoch(self, auto: bool = False) -> None:
        """Count the start of a new epoch.

        Args:
            auto: ``True`` when an updater calls it; that requires
                :attr:`use_auto_new_epoch`, and manual calls then raise.

        Raises:
            RuntimeError: If ``auto`` does not match :attr:`use_auto_new_epoch`.

        Example:
            >>> from kusari.optimizers import Optimizer
            >>> opt = Optimizer()
            >>> opt.new_epoch()
            >>> opt.epoch
            1
            >>> opt.new_epoch(auto=True)
            Traceback (most recent call last):
            ...
            RuntimeError: new_epoch(auto=True) requires use_auto_new_epoch = True
        """
        if auto and not self.use_auto_new_epoch:
            raise RuntimeError("new_epoch(auto=True) requires use_auto_new_epoch = True")
        if not auto and self.use_auto_new_epoch:
            raise RuntimeError(
                "new_epoch() was called while the updater counts epochs "
                "(use_auto_new_epoch is True): stop calling it outside the updater, or "
                "create the updater with auto_new_epoch=False"
            )
        self.epoch += 1

    def add_hook(
        self, hook: OptimizerHook, name: str | None = None, timing: Timing = "auto"
    ) -> None:
        """Register a hook run before (``'pre'``) or after (``'post'``) each update.

        A hook with a true ``call_for_each_param`` attribute is called as
        ``hook(param.update_rule, param)`` for every parameter of the target; any other
        hook as ``hook(optimizer)``.

        Args:
            hook: The callable.
            name: Its name; ``hook.name`` or ``hook.__name__`` when omitted.
            timing: ``'pre'``, ``'post'``, or ``'auto'`` (``hook.timing``, else ``'pre'``;
                a ``timing`` attribute that is neither warns and means ``'pre'``).

        Raises:
            RuntimeError: Before :meth:`setup`.
            TypeError: If ``hook`` is not callable.
            ValueError: If ``timing`` is invalid or no name can be found.
            KeyError: If a hook of that name exists already.
        """
        self._require_hooks().add(hook, name, timing)

    def remove_hook(self, name: str) -> None:
        """Remove the hook registered as ``name``.

        Raises:
            RuntimeError: Before :meth:`setup`.
            KeyError: If there is no such hook.
        """
        self._require_hooks().remove(name)

    def call_hooks(self, timing: str = "pre") -> None:
        """Run the hooks registered for ``timing`` in registration order.

        Args:
            timing: ``'pre'`` or ``'post'``.

        Raises:
            RuntimeError: Before :meth:`setup`.
            ValueError: If ``timing`` is neither.
        """
        for hook in self._require_hooks().hooks(timing):
            self.call_hook(hook)

    def call_hook(self, hook: OptimizerHook) -> None:
        """Run one hook: once per parameter or once for the optimizer (see :meth:`add_hook`).

        Args:
            hook: The hook.
        """
        if getattr(hook, "call_for_each_param", False):
            per_param = cast(
                Callable[[UpdateRule[Hyperparameter], UpdatableParameter], object], hook
            )
            for param in self._require_target().params():
                rule = param.update_rule
                if isinstance(rule, UpdateRule):
                    per_param(rule, param)
        else:
            cast(Callable[[Optimizer], object], hook)(self)

    def serialize(self, serializer: AbstractSerializer) -> None:
        """Save or load :attr:`t`, :attr:`epoch` and each parameter's update rule.

        Rules are stored under their parameter's path (``l1/W/t``, ``l1/W/m``, ...).

        Args:
            serializer: A :class:`kusari.serializers.Serializer` or ``Deserializer``.
        """
        self.t = serializer("t", self.t)
        self.epoch = serializer("epoch", self.epoch)
        for name, param in self._require_target().namedparams():
            rule = param.update_rule
            if isinstance(rule, UpdateRule):
                rule.serialize(serializer[name.lstrip("/")])

    def loss_scaling(self, interval: int = 1000, scale: float | None = None) -> None:
        """Turn on loss scaling, dynamic (``scale=None``) or static.

        Dynamic scaling starts at 1, doubles after every update until a gradient holds
        inf or NaN, then halves on each such update (which is skipped) and otherwise grows
        by ``2 ** (1 / interval)`` per update, clamped to ``[1, 65504]``.

        Args:
            interval: The number of overflow-free updates that double the scale (dynamic).
            scale: A fixed loss scale; ``None`` selects dynamic scaling.

        Raises:
            ValueError: If ``interval < 1`` (dynamic) or ``scale <= 0`` (static).
        """
        if scale is None:
            if interval < 1:
                raise ValueError(f"interval must be >= 1, got {interval!r}")
            self._loss_scaling_is_dynamic = True
            self._loss_scale = 1.0
            self._loss_scaling_multiplier = math.pow(2.0, 1.0 / interval)
            self._loss_scaling_isnan_ever = False
        else:
            if not scale > 0:
                raise ValueError(f"loss scale must be a positive number, got {scale!r}")
            self._loss_scale = float(scale)

    def set_loss_scale(self, loss_scale: float) -> None:
        """Use the static loss scale ``loss_scale`` (``loss_scaling(scale=loss_scale)``)."""
        self.loss_scaling(scale=loss_scale)

    def check_nan_in_grads(self) -> None:
        """Under dynamic loss scaling, look for inf/NaN in the gradients (warning for each).

        The result is what :meth:`is_safe_to_update` reports.
        """
        self._loss_scaling_isnan = False
        if not self._loss_scaling_is_dynamic:
            return
        for name, param in self._require_target().namedparams():
            grad = param.grad
            if grad is None:
                continue
            xp = param.device.xp
            if not bool(xp.isfinite(grad).all()):
                self._loss_scaling_isnan = True
                self._loss_scaling_isnan_ever = True
                warnings.warn(
                    f"non-finite number found in the gradient of {name} "
                    f"(iteration {self.t}, loss scale {self._loss_scale}); "
                    "this update is skipped",
                    UserWarning,
                    stacklevel=3,
                )

    def is_safe_to_update(self) -> bool:
        """Return ``False`` when :meth:`check_nan_in_grads` found inf or NaN."""
        return not self._loss_scaling_isnan

    def update_loss_scale(self) -> None:
        """Grow or shrink the dynamic loss scale after an update (no-op when static)."""
        if not self._loss_scaling_is_dynamic or self._loss_scale is None:
            return
        if self._loss_scaling_isnan:
            multiplier = 0.5
        elif self._loss_scaling_isnan_ever:
            multiplier = self._loss_scaling_multiplier
        else:
            multiplier = 2.0
        self._loss_scale = max(1.0, min(self._loss_scale_max, self._loss_scale * multiplier))
