"""``Link``: the building block of models, owning parameters and persistent values."""

from __future__ import annotations

import contextlib
import copy
import warnings
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal, Self, cast

import numpy
import numpy.typing as npt

from kusari.devices import Array, DeviceResident, DeviceResidentsVisitor, copyto, is_array
from kusari.initializers import NaN

from ._link_hook import ForwardPostprocessArgs, ForwardPreprocessArgs, LinkHook, _global_hooks
from ._parameter import Parameter, ParameterInitializer

if TYPE_CHECKING:
    from kusari.serializers import AbstractSerializer

    from ._sequential import Sequential

__all__ = ["CopyMode", "Link"]

CopyMode = Literal["init", "copy", "share"]
"""How :meth:`Link.copy` copies the parameters (see there)."""

_COPY_MODES = ("init", "copy", "share")


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

    def add_param(
        self,
        name: str,
        shape: int | tuple[int, ...] | None = None,
        dtype: npt.DTypeLike = numpy.float32,
        initializer: ParameterInitializer = None,
    ) -> None:
        """Register a new parameter (deprecated style: assign in :meth:`init_scope`).

        Args:
            name: The attribute name of the parameter.
            shape: Its shape; ``None`` leaves it uninitialized.
            dtype: Its dtype when ``initializer`` is ``None`` (it is then NaN-filled);
                ignored otherwise.
            initializer: The initializer (see :class:`~kusari.links.Parameter`).

        Raises:
            AttributeError: If the attribute ``name`` already exists.

        Example:
            >>> from kusari.links import Link
            >>> link = Link()
            >>> link.add_param("W", (2, 2), initializer=1.0)
            >>> link.W.array
            array([[1., 1.],
                   [1., 1.]], dtype=float32)
        """
        if name in self.__dict__:
            raise AttributeError(f"cannot register a new parameter {name!r}: attribute exists")
        if initializer is None:
            initializer = NaN(dtype)
        param = Parameter(initializer, shape)
        with self.init_scope():
            setattr(self, name, param)

    def add_persistent(self, name: str, value: object) -> None:
        """Register a persistent value: saved and loaded, moved between devices, not learned.

        Args:
            name: The attribute name.
            value: An array, a scalar, or another value a serializer can store.

        Raises:
            AttributeError: If the attribute ``name`` already exists.

        Example:
            >>> import numpy
            >>> from kusari.links import Link
            >>> link = Link()
            >>> link.add_persistent("count", 0)
            >>> link.count
            0
        """
        d = self.__dict__
        if name in d:
            raise AttributeError(
                f"cannot register a new persistent value {name!r}: attribute exists"
            )
        d["_persistent"].add(name)
        d["_params"].discard(name)
        d[name] = value

    def register_persistent(self, name: str) -> None:
        """Register an existing attribute as a persistent value (no longer a parameter).

        Args:
            name: The attribute name.

        Raises:
            AttributeError: If there is no attribute ``name``.
        """
        if not hasattr(self, name):
            raise AttributeError(
                f"cannot register the non-existent attribute {name!r} as a persistent value"
            )
        d = self.__dict__
        d["_persistent"].add(name)
        d["_params"].discard(name)

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
        for name in sorted(self._params):
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
        for name in sorted(self._params):
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

    def cleargrads(self) -> None:
        """Set every parameter's gradient to ``None``; call it before each backward pass."""
        for param in self.params():
            param.cleargrad()

    def zerograds(self) -> None:
        """Fill every gradient with zeros (deprecated: use :meth:`cleargrads`).

        Warns:
            DeprecationWarning: Once per call.
        """
        warnings.warn(
            "Link.zerograds is deprecated. Use Link.cleargrads instead.",
            DeprecationWarning,
            stacklevel=2,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            for param in self.params():
                param.zerograd()

    def addgrads(self, link: Link) -> None:
        """Add the gradients of ``link``'s parameters to this link's, across devices.

        Args:
            link: A link with the same structure (the same paths of parameters).

        Raises:
            TypeError: If ``link`` is not a Link.
            ValueError: If the structures differ (nothing is changed then).
        """
        for dst, src in _paired_params(self, link, "addgrads"):
            dst.addgrad(src)

    def copyparams(self, link: Link, copy_persistent: bool = True) -> None:
        """Copy the parameter arrays (and persistent values) of ``link`` into this link.

        Arrays are copied in place, across devices; gradients are not copied.  Persistent
        arrays are copied in place too, other persistent values with ``copy.deepcopy``.

        Args:
            link: A link with the same structure.
            copy_persistent: Also copy the persistent values.

        Raises:
            TypeError: If ``link`` is not a Link.
            ValueError: If the structures or the shapes differ (nothing is changed then).
        """
        pairs = _paired_params(self, link, "copyparams")
        persistents = _paired_persistents(self, link) if copy_persistent else []
        for dst, src in pairs:
            dst.copydata(src)
        for dst_link, src_link, name in persistents:
            dst_value = dst_link.__dict__[name]
            src_value = src_link.__dict__[name]
            if is_array(dst_value) and is_array(src_value):
                copyto(dst_value, src_value)
            else:
                dst_link.__dict__[name] = copy.deepcopy(src_value)

    def enable_update(self) -> None:
        """Enable the update rules of every parameter (``update_rule.enabled = True``)."""
        for param in self.params():
            rule = param.update_rule
            if rule is not None:
                rule.enabled = True

    def disable_update(self) -> None:
        """Disable the update rules of every parameter, freezing them."""
        for param in self.params():
            rule = param.update_rule
            if rule is not None:
                rule.enabled = False

    @property
    def update_enabled(self) -> bool:
        """Whether at least one parameter has an enabled update rule."""
        for param in self.params():
            rule = param.update_rule
            if rule is not None and rule.enabled:
                return True
        return False

    def count_params(self) -> int:
        """Return the number of scalars in all initialized parameters.

        Warns:
            UserWarning: For each uninitialized parameter (it is not counted).

        Example:
            >>> from kusari.links import Link, Parameter
            >>> link = Link()
            >>> with link.init_scope():
            ...     link.W = Parameter(0.0, (3, 4))
            >>> link.count_params()
            12
        """
        size = 0
        for path, param in self.namedparams():
            data = param._data[0]
            if data is None:
                warnings.warn(
                    f"Parameter {path!r} has not been initialized, so the resulting count "
                    "does not include the number of parameters in it.",
                    stacklevel=2,
                )
                continue
            size += int(data.size)
        return size

    # -- copies ------------------------------------------------------------------------------

    def copy(self, mode: CopyMode = "share") -> Self:
        """Copy the link hierarchy rooted here.

        * ``'share'``: the links are new objects, each parameter is a new
          :class:`~kusari.links.Parameter` whose data array is *shared* with the original
          (assigning ``array`` on either side, or lazily initializing it, shows on both);
          gradients start as ``None``.
        * ``'copy'``: a deep copy; values start equal but are independent.
        * ``'init'``: a deep copy whose initialized parameters are re-initialized with their
          initializers.

        The copy's :attr:`name` is ``None``: it is not in the original's parent.

        Args:
            mode: ``'share'``, ``'copy'`` or ``'init'``.

        Returns:
            The copy.

        Raises:
            ValueError: If ``mode`` is none of these.

        Example:
            >>> from kusari.links import Link, Parameter
            >>> link = Link()
            >>> with link.init_scope():
            ...     link.W = Parameter(1.0, (2,))
            >>> shared = link.copy()
            >>> shared.W is link.W, shared.W.array is link.W.array
            (False, True)
        """
        if mode == "share":
            return self._copy_shared()
        if mode not in _COPY_MODES:
            raise ValueError(f"copy mode must be 'init', 'copy' or 'share', got {mode!r}")
        ret = copy.deepcopy(self)
        ret.__dict__["name"] = None
        if mode == "init":
            for param in ret.params(include_uninit=False):
                param.initialize(param.shape)
        return ret

    def _copy_shared(self) -> Self:
        ret = copy.copy(self)
        d = ret.__dict__
        d["_params"] = set(self._params)
        d["_persistent"] = set(self._persistent)
        local = self._local_link_hooks
        d["_local_link_hooks"] = None if local is None else dict(local)
        d["name"] = None
        for name in d["_params"]:
            param = copy.copy(d[name])
            param.cleargrad()
            d[name] = param
        return ret

    def repeat(self, n_repeat: int, mode: CopyMode = "init") -> Sequential:
        """Return a :class:`~kusari.links.Sequential` of ``n_repeat`` copies of this link.

        Args:
            n_repeat: The number of copies (``0`` or less gives an empty Sequential).
            mode: How each copy is made (see :meth:`copy`); ``'init'`` gives every copy
                fresh parameters.

        Returns:
            The Sequential.

        Raises:
            ValueError: If ``mode`` is not ``'init'``, ``'copy'`` or ``'share'``.

        Example:
            >>> from kusari.links import Link, Parameter
            >>> block = Link()
            >>> with block.init_scope():
            ...     block.W = Parameter(0.0, (2,))
            >>> net = block.repeat(3, mode="copy")
            >>> len(net), [path for path, _ in net.namedparams()]
            (3, ['/0/W', '/1/W', '/2/W'])
        """
        from ._sequential import Sequential

        ret = Sequential()
        if n_repeat <= 0:
            return ret
        if mode not in _COPY_MODES:
            raise ValueError(f"repeat mode must be 'init', 'copy' or 'share', got {mode!r}")
        for _ in range(n_repeat):
            ret.append(self.copy(mode))
        return ret

    # -- serialization and devices -----------------------------------------------------------

    def serialize(self, serializer: AbstractSerializer) -> None:
        """Save or load the parameters and persistent values through ``serializer``.

        Parameters come first (sorted by name), then persistent values, then children (in
        their subclass).  An uninitialized parameter receiving an array from a
        deserializer is initialized with its shape and filled.

        Args:
            serializer: A serializer or deserializer (see :mod:`kusari.serializers`).
        """
        d = self.__dict__
        for name in sorted(self._params):
            param: Parameter = d[name]
            current = param._data[0]
            loaded = serializer(name, current)
            if current is None and loaded is not None:
                param.initialize(tuple(loaded.shape))
                copyto(cast(Array, param.array), loaded)
        for name in sorted(self._persistent):
            d[name] = serializer(name, d[name])

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

    def add_hook(self, hook: LinkHook, name: str | None = None) -> Self:
        """Register a link hook to this link only.

        Args:
            hook: The hook.
            name: Its name here; the hook's :attr:`~LinkHook.name` by default.

        Returns:
            ``self``.

        Raises:
            TypeError: If ``hook`` is not a :class:`~kusari.links.LinkHook`.
            KeyError: If a hook of that name is already registered here.
        """
        if not isinstance(hook, LinkHook):
            raise TypeError(f"hook must be a LinkHook, got {type(hook).__name__}")
        key = hook.name if name is None else name
        hooks = self.local_link_hooks
        if key in hooks:
            raise KeyError(f"a link hook named {key!r} is already registered to this link")
        hooks[key] = hook
        hook.added(self)
        return self

    def delete_hook(self, name: str) -> None:
        """Unregister the local link hook ``name``.

        Args:
            name: The name it was registered under.

        Raises:
            KeyError: If no local hook has that name.
        """
        hooks = self.local_link_hooks
        if name not in hooks:
            raise KeyError(f"no link hook named {name!r} is registered to this link")
        hook = hooks.pop(name)
        hook.deleted(self)

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
        local_hooks = self._local_link_hooks
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


def _shape_and_dtype(name: str, value: object) -> tuple[int | tuple[int, ...], Any]:
    # Link(W=(3, 2)) or Link(W=((3, 2), numpy.float64)) or Link(b=5).
    if isinstance(value, int) and not isinstance(value, bool):
        return value, numpy.float32
    if isinstance(value, tuple):
        if len(value) == 2 and not isinstance(value[1], int):
            shape, dtype = value
            if isinstance(shape, int) or (
                isinstance(shape, tuple) and all(isinstance(n, int) for n in shape)
            ):
                return shape, dtype
        elif all(isinstance(n, int) and not isinstance(n, bool) for n in value):
            return value, numpy.float32
    raise TypeError(
        f"Link(**params): {name!r} must be a shape (an int or a tuple of ints) or a "
        f"(shape, dtype) pair, got {value!r}"
    )


def _paired_links(dst: Link, src: Link, what: str) -> list[tuple[str, Link, Link]]:
    if not isinstance(src, Link):
        raise TypeError(f"{what}() needs a Link, got {type(src).__name__}")
    sources = dict(src.namedlinks())
    triples: list[tuple[str, Link, Link]] = []
    for path, link in dst.namedlinks():
        other = sources.pop(path, None)
        if other is None:
            raise ValueError(f"{what}(): the source link has no link at {path!r}")
        triples.append((path, link, other))
    if sources:
        raise ValueError(f"{what}(): the source link has links this one lacks: {sorted(sources)}")
    return triples


def _paired_params(dst: Link, src: Link, what: str) -> list[tuple[Parameter, Parameter]]:
    _paired_links(dst, src, what)
    sources = dict(src.namedparams())
    pairs: list[tuple[Parameter, Parameter]] = []
    for path, param in dst.namedparams():
        other = sources.pop(path, None)
        if other is None:
            raise ValueError(f"{what}(): the source link has no parameter at {path!r}")
        a, b = param._data[0], other._data[0]
        if a is not None and b is not None and a.shape != b.shape:
            raise ValueError(
                f"{what}(): the parameter {path!r} has shape {a.shape} here but "
                f"{b.shape} in the source link"
            )
        pairs.append((param, other))
    if sources:
        raise ValueError(
            f"{what}(): the source link has parameters this one lacks: {sorted(sources)}"
        )
    return pairs


def _paired_persistents(dst: Link, src: Link) -> list[tuple[Link, Link, str]]:
    triples: list[tuple[Link, Link, str]] = []
    for path, link, other in _paired_links(dst, src, "copyparams"):
        for name in sorted(link._persistent):
            where = path.rstrip("/") + "/" + name
            if name not in other.__dict__:
                raise ValueError(f"copyparams(): the source link has no persistent {where!r}")
            mine, theirs = link.__dict__[name], other.__dict__[name]
            if is_array(mine) and is_array(theirs) and mine.shape != theirs.shape:
                raise ValueError(
                    f"copyparams(): the persistent {where!r} has shape {mine.shape} here but "
                    f"{theirs.shape} in the source link"
                )
            triples.append((link, other, name))
    return triples
