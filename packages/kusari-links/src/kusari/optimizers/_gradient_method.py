"""GradientMethod: an optimizer that updates each parameter through its own UpdateRule."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar, cast

from kusari.devices import using_device

from ._hyperparameter import Hyperparameter
from ._optimizer import Optimizer, OptimizerHook
from ._update_rule import UpdateRule

if TYPE_CHECKING:
    from kusari.links import Link

__all__ = ["GradientMethod"]

_HP = TypeVar("_HP", bound=Hyperparameter)


class GradientMethod(Optimizer, Generic[_HP]):
    """An optimizer that gives each parameter an :class:`UpdateRule` and applies them.

    Subclasses implement :meth:`create_update_rule`.  :attr:`hyperparam` is the parent of
    every rule's hyperparameters, so changing a field here changes it for all rules that
    did not set their own value.

    Args:
        hyperparam: The optimizer's hyperparameter set; an empty open
            :class:`Hyperparameter` when omitted (Chainer's ``GradientMethod()``).

    Example:
        >>> from kusari.optimizers import SGD
        >>> opt = SGD(lr=0.1)
        >>> rule = opt.create_update_rule()
        >>> opt.lr = 0.05
        >>> rule.hyperparam.lr
        0.05
    """

    def __init__(self, hyperparam: _HP | None = None) -> None:
        # An open set when omitted: only right for methods typed over Hyperparameter.
        self.hyperparam: _HP = cast(_HP, Hyperparameter()) if hyperparam is None else hyperparam
        self._use_fp32_update = False
        self._use_cleargrads = True

    def setup(self, link: Link) -> Self:
        """Attach to ``link`` and give each of its current parameters a new update rule.

        Parameters registered on the link later get no rule and are never updated (as in
        Chainer); uninitialized parameters get a rule that skips them until they are
        initialized and have a gradient.

        Args:
            link: The link to optimize.

        Returns:
            This optimizer.

        Raises:
            TypeError: If ``link`` is not a :class:`kusari.links.Link`.
        """
        super().setup(link)
        for param in link.params():
            rule = self.create_update_rule()
            if self._use_fp32_update:
                rule.use_fp32_update()
            param.update_rule = rule
        return self

    def create_update_rule(self) -> UpdateRule[_HP]:
        """Return a new update rule whose hyperparameters fall back to :attr:`hyperparam`.

        Raises:
            NotImplementedError: Here; every concrete optimizer implements it.
        """
        raise NotImplementedError(f"{type(self).__name__} does not implement create_update_rule")

    def use_fp32_update(self, flag: bool = True) -> None:
        """Update float16 parameters through float32 master copies (see ``UpdateRule``).

        Applies to the rules that exist now and to those :meth:`setup` creates later.

        Args:
            flag: ``False`` turns it off.
        """
        self._use_fp32_update = flag
        if self.target is not None:
            for param in self.target.params():
                rule = param.update_rule
                if isinstance(rule, UpdateRule):
                    rule.use_fp32_update(flag)

    def use_cleargrads(self, use: bool = True) -> None:
        """Choose between ``cleargrads`` (the default) and ``zerograds`` in :meth:`update`.

        Deprecated, as in Chainer: clearing is always right, and zero-filling costs time.

        Args:
            use: ``False`` makes :meth:`update` call the target's ``zerograds`` instead.

        Warns:
            DeprecationWarning: Always.
        """
        warnings.warn(
            "GradientMethod.use_cleargrads is deprecated", DeprecationWarning, stacklevel=2
        )
        self._use_cleargrads = use

    def reallocate_cleared_grads(self) -> None:
        """Give every initialized parameter whose gradient is ``None`` a zero gradient."""
        for param in self._require_target().params(include_uninit=False):
            if param.grad is None:
                device = param.device
                with using_device(device):
                    param.grad = device.xp.zeros_like(param.array)

    def _unshare_grads(self) -> None:
        # Backward may hand two parameters the very same gradient array (e.g. through
        # ``x + y``).  Hooks and rules modify gradients in place, so give each its own.
        seen: set[int] = set()
        for param in self._require_target().params(include_uninit=False):
            grad = param.grad
            if grad is None:
                continue
            if id(grad) in seen:
                param.grad = grad.copy()
            else:
                seen.add(id(grad))

    def call_hook(self, hook: OptimizerHook) -> None:
        """Run one hook, then reallocate any gradient it cleared."""
        super().call_hook(hook)
        self.reallocate_cleared_grads()

    def update(self, lossfun: Callable[..., Any] | None = None, *args: Any, **kwds: Any) -> None:
        """Update every parameter of the target once.

        With ``lossfun``, first compute ``loss = lossfun(*args, **kwds)``, clear the
        target's gradients (after the forward pass, so lazily initialized parameters are
        cleared too), run ``loss.backward(loss_scale=...)`` and drop ``loss``.  Without it,
        the gradients already stored on the parameters are used.  Then, in order:

        1. give initialized parameters without a gradient a zero one;
        2. under dynamic loss scaling, look for inf/NaN in the gradients;
        3. run the ``'pre'`` hooks and count the update in :attr:`t`;
        4. unless inf/NaN was found, call ``param.update()`` for each parameter in
           ``target.params()`` order;
        5. reallocate cleared gradients, run the ``'post'`` hooks, and adjust the dynamic
           loss scale.

        Args:
            lossfun: A callable returning the loss :class:`kusari.graph.Variable`.
            *args: Positional arguments for ``lossfun``.
            **kwds: Keyword arguments for ``lossfun``.

        Raises:
            RuntimeError: Before :meth:`setup`; or, without ``lossfun``, if a parameter to
                update still has the NaN gradient it was created with (plus what backward
                added): its gradients were never cleared.  Nothing is changed then.
            TypeError: If ``lossfun`` returns something without a ``backward`` method.

        Example:
            >>> import numpy
            >>> import kusari.functions as F
            >>> from kusari.links import Link, Parameter
            >>> from kusari.optimizers import SGD
            >>> class Model(Link):
            ...     def __init__(self):
            ...         super().__init__()
            ...         with self.init_scope():
            ...             self.w = Parameter(numpy.array([3.0]))
            >>> model = Model()
            >>> opt = SGD(lr=0.25).setup(model)
            >>> opt.update(lambda: F.sum(F.mul(model.w, model.w)))  # the gradient is 2 * w
            >>> model.w.array, opt.t
            (array([1.5]), 1)
        """
        target = self._require_target()
        if lossfun is not None:
            loss = lossfun(*args, **kwds)
            backward = getattr(loss, "backward", None)
            if backward is None:
                raise TypeError(
                    "lossfun must return a kusari.graph.Variable (something with a "
                    f"backward method), got {type(loss).__name__}"
                )
            if self._use_cleargrads:
                target.cleargrads()
            else:
                target.zerograds()
            backward(loss_scale=self._loss_scale)
            del loss, backward
        else:
            _check_grads_cleared(target)
        self.reallocate_cleared_grads()
        self._unshare_grads()
        self.check_nan_in_grads()
        self.call_hooks("pre")
        self.t += 1
        if self.is_safe_to_update():
            for param in target.params():
                param.update()
        self.reallocate_cleared_grads()
        self.call_hooks("post")
        self.update_loss_scale()


def _check_grads_cleared(target: Link) -> None:
    """Raise if a parameter to update has a gradient that was never cleared.

    A new parameter's gradient is NaN until ``cleargrads()``; backward adds onto it, so a
    forgotten ``cleargrads()`` would turn every updated weight into NaN.  Each parameter
    keeps a flag for that (``Parameter.grad_uncleared``), so no array is scanned.
    """
    for param in target.params(include_uninit=False):
        if not param.grad_uncleared:
            continue
        rule = param.update_rule
        if rule is None or not rule.enabled:
            continue  # update() leaves it alone
        path = next(path for path, p in target.namedparams(include_uninit=False) if p is param)
        raise RuntimeError(
            f"the gradient of parameter {path!r} is the NaN it starts with plus what "
            "backward() added: its gradients were never cleared. Call model.cleargrads() "
            "before loss.backward(), or let the optimizer do both: "
            "optimizer.update(lossfun, *args)."
        )
