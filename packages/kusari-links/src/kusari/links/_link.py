"""``Link``: the building block of models, owning parameters and persistent values."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from kusari.devices import DeviceResident, DeviceResidentsVisitor, is_array

from . import _link_copy, _link_params, _link_registration
from ._link_copy import CopyMode as CopyMode
from ._link_hook import ForwardPostprocessArgs, ForwardPreprocessArgs, LinkHook, _global_hooks
from ._link_init_error import init_not_called as _init_not_called
from ._link_registration import shape_and_dtype as _shape_and_dtype
from ._parameter import Parameter

__all__ = ["CopyMode", "Link"]


class Link(DeviceResident):
    """The building block of models: owns parameters and persistent values.

    Register a :class:`~kusari.links.Parameter` by assigning it to an attribute inside
    ``with self.init_scope():``; register a persistent value (an array or a scalar that is
    saved and loaded but not learned, such as the running mean of a batch normalization)
    with :meth:`add_persistent` or :meth:`register_persistent`.  Other attributes are
    plain attributes: they are part of the model's code, not of its state.

    Calling a link runs the link hooks (global and local, see
    :class:`~kusari.links.LinkHook`) around :meth:`forward`, which subclasses implement.
    :class:`~kusari.links.Chain` and :class:`~kusari.links.ChainList` nest links.

    Iteration follows Chainer's order, which fixes the optimizer's update order and the
    keys of saved files: a link's own parameters sorted by name, then its children's.

    Args:
        **params: Deprecated (as in Chainer): parameters to add, by name, each given as a
            shape or as a ``(shape, dtype)`` pair; they start filled with NaN.

    Attributes:
        name: The name of this link in its parent (``None`` at the top).

    Example:
        >>> import numpy
        >>> from kusari.initializers import Zero
        >>> from kusari.links import Link, Parameter
        >>> class Affine(Link):
        ...     def __init__(self, n_in, n_out):
        ...         super().__init__()
        ...         with self.init_scope():
        ...             self.W = Parameter(numpy.eye(n_out, n_in, dtype=numpy.float32))
        ...             self.b = Parameter(Zero(), (n_out,))
        ...     def forward(self, x):
        ...         return x @ self.W.array.T + self.b.array
        >>> layer = Affine(3, 2)
        >>> [name for name, _ in layer.namedparams()]
        ['/W', '/b']
        >>> layer(numpy.ones((1, 3), dtype=numpy.float32))
        array([[1., 1.]], dtype=float32)
    """

    name: str | None
    _params: set[str]
    _persistent: set[str]
    _within_init_scope: bool
    _local_link_hooks: dict[str, LinkHook] | None

    def __init__(self, **params: Any) -> None:
        super().__init__()
        d = self.__dict__
        d["_params"] = set()
        d["_persistent"] = set()
        d["_within_init_scope"] = False
        d["_local_link_hooks"] = None
        d["name"] = None
        for name, value in params.items():
            shape, dtype = _shape_and_dtype(name, value)
            self.add_param(name, shape, dtype=dtype)

    # -- registration ----------------------------------------------------------------------

    @property
    def within_init_scope(self) -> bool:
        """Whether code runs inside :meth:`init_scope`, where assignments register."""
        return bool(self.__dict__.get("_within_init_scope", False))

    @contextlib.contextmanager
    def init_scope(self) -> Iterator[None]:
        """Return a context in which assigning a Parameter (or a Link, in a Chain) registers it.

        Raises:
            RuntimeError: If ``Link.__init__`` has not run yet.

        Example:
            >>> from kusari.links import Link, Parameter
            >>> link = Link()
            >>> with link.init_scope():
            ...     link.W = Parameter(0.0, (2,))
            >>> link.plain = Parameter(0.0, (2,))  # outside: not registered
            >>> [name for name, _ in link.namedparams()]
            ['/W']
        """
        d = self.__dict__
        if "_params" not in d:
            raise RuntimeError(
                f"{type(self).__name__}.init_scope() was used before Link.__init__() ran; "
                "call super().__init__() first in __init__"
            )
        old = d["_within_init_scope"]
        d["_within_init_scope"] = True
        try:
            yield
        finally:
            d["_within_init_scope"] = old

    def __setattr__(self, name: str, value: object) -> None:
        d = self.__dict__
        if d.get("_within_init_scope") and isinstance(value, Parameter):
            value.name = name
            d["_params"].add(name)
            d["_persistent"].discard(name)
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        d = self.__dict__
        d["_params"].discard(name)
        d["_persistent"].discard(name)
        object.__delattr__(self, name)

    add_param = _link_registration.add_param
    add_persistent = _link_registration.add_persistent
    register_persistent = _link_registration.register_persistent

    # -- iteration ---------------------------------------------------------------------------

    def params(self, include_uninit: bool = True) -> Iterator[Parameter]:
        """Iterate over the parameters of this link and its descendants.

        Own parameters come first, sorted by name, then those of the children (sorted by
        name in a Chain, in index order in a ChainList).

        Args:
            include_uninit: Include uninitialized parameters.

        Yields:
            The parameters.
        """
        d = self.__dict__
        try:
            names = sorted(self._params)
        except AttributeError:
            raise _init_not_called(self) from None
        for name in names:
            param: Parameter = d[name]
            if include_uninit or param._data[0] is not None:
                yield param

    def namedparams(self, include_uninit: bool = True) -> Iterator[tuple[str, Parameter]]:
        """Iterate over ``(path, parameter)`` pairs (paths like ``'/l1/W'``), as :meth:`params`.

        Args:
            include_uninit: Include uninitialized parameters.

        Yields:
            The paths (relative to this link) and the parameters.
        """
        d = self.__dict__
        try:
            names = sorted(self._params)
        except AttributeError:
            raise _init_not_called(self) from None
        for name in names:
            param: Parameter = d[name]
            if include_uninit or param._data[0] is not None:
                yield "/" + name, param

    def links(self, skipself: bool = False) -> Iterator[Link]:
        """Iterate over this link (unless ``skipself``) and all its descendants.

        Args:
            skipself: Start with the first child instead of this link.

        Yields:
            The links, depth first, parents before children.
        """
        if not skipself:
            yield self

    def namedlinks(self, skipself: bool = False) -> Iterator[tuple[str, Link]]:
        """Iterate over ``(path, link)`` pairs; this link's path is ``'/'``.

        Args:
            skipself: Leave this link out.

        Yields:
            The paths (relative to this link) and the links.
        """
        if not skipself:
            yield "/", self

    def children(self) -> Iterator[Link]:
        """Iterate over the direct children (none for a plain Link)."""
        yield from ()

    # -- gradients and updates ---------------------------------------------------------------

    cleargrads = _link_params.cleargrads
    zerograds = _link_params.zerograds
    addgrads = _link_params.addgrads
    copyparams = _link_params.copyparams
    enable_update = _link_params.enable_update
    disable_update = _link_params.disable_update
    count_params = _link_params.count_params

    @property
    def update_enabled(self) -> bool:
        """Whether at least one parameter has an enabled update rule."""
        for param in self.params():
            rule = param.update_rule
            if rule is not None and rule.enabled:
                return True
        return False

    # -- copies ------------------------------------------------------------------------------

    copy = _link_copy.copy
    _copy_shared = _link_copy.copy_shared
    repeat = _link_copy.repeat

    # -- serialization and devices -----------------------------------------------------------

    serialize = _link_copy.serialize

    def device_resident_accept(self, visitor: DeviceResidentsVisitor) -> None:
        """Describe this link to a device visitor: parameters, then persistent arrays.

        Args:
            visitor: The visitor (see :class:`kusari.devices.DeviceResidentsVisitor`).
        """
        super().device_resident_accept(visitor)
        d = self.__dict__
        for name in sorted(self._params):
            visitor.visit_variable(d[name])
        for name in sorted(self._persistent):
            value = d[name]
            if is_array(value):
                d[name] = visitor.visit_array(value)

    # -- calling -----------------------------------------------------------------------------

    @property
    def local_link_hooks(self) -> dict[str, LinkHook]:
        """The hooks registered to this link only, by name, in registration order."""
        hooks = self._local_link_hooks
        if hooks is None:
            hooks = {}
            self.__dict__["_local_link_hooks"] = hooks
        return hooks

    add_hook = _link_registration.add_hook
    delete_hook = _link_registration.delete_hook

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """Compute the output of the link; subclasses implement it.

        Raises:
            NotImplementedError: Always, in the base class.
        """
        raise NotImplementedError(f"{type(self).__name__} does not implement forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        cls = type(self)
        mixin = _MIXIN_CALL.get(cls)
        if mixin is None:
            mixin = _MIXIN_CALL[cls] = _find_mixin_call(cls)
        # A ``__call__`` of a class after Link in the MRO (a Chainer-era mixin) wins over
        # forward(), as in Chainer.
        forward = super().__call__ if mixin else self.forward  # type: ignore[misc]
        global_hooks = _global_hooks.get()
        try:
            local_hooks = self._local_link_hooks
        except AttributeError:  # the first attribute Link.__init__ sets that is read here
            raise _init_not_called(self) from None
        if not global_hooks and not local_hooks:
            return forward(*args, **kwargs)
        # Global hooks first; a local hook of the same name takes the global one's place.
        hooks = list(
            {**global_hooks, **local_hooks}.values() if local_hooks else global_hooks.values()
        )
        before = ForwardPreprocessArgs(self, "forward", args, kwargs)
        for hook in hooks:
            hook.forward_preprocess(before)
        out = forward(*args, **kwargs)
        after = ForwardPostprocessArgs(self, "forward", args, kwargs, out)
        for hook in hooks:
            hook.forward_postprocess(after)
        return out

    # -- text --------------------------------------------------------------------------------

    @property
    def printable_specs(self) -> Iterator[tuple[str, object]]:
        """The ``(name, value)`` pairs shown by ``str(link)``; subclasses yield their settings."""
        yield from ()

    def __str__(self) -> str:
        specs = ", ".join(f"{key}={value}" for key, value in self.printable_specs)
        return f"{type(self).__name__}({specs})"


_MIXIN_CALL: dict[type, bool] = {}


def _find_mixin_call(cls: type) -> bool:
    mro = cls.__mro__
    later = mro[mro.index(Link) + 1 :]
    return any("__call__" in vars(klass) for klass in later if klass is not object)
