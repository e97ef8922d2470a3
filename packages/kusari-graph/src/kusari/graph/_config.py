"""Configuration on :mod:`contextvars`: ``config``, ``global_config`` and ``using_config``.

The design keeps every read cheap.  The current context holds one immutable *snapshot*
(the global values merged with the context's own overrides) in a single
:class:`contextvars.ContextVar`; reading ``config.train`` is one ``ContextVar.get`` and one
attribute lookup.  Changing ``global_config`` bumps a version number, and a context whose
snapshot is older rebuilds it on its next read.  ``using_config`` installs a new snapshot and
restores the previous one on exit, so settings are per thread and per asyncio task (a task
starts with a copy of its creator's context; a new thread starts from the global values).
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import sys
from typing import Any, Final, TextIO

import numpy
import numpy.typing as npt

__all__ = [
    "GlobalConfig",
    "LocalConfig",
    "config",
    "force_backprop_mode",
    "get_dtype",
    "global_config",
    "is_debug",
    "mixed16",
    "no_backprop_mode",
    "set_debug",
    "using_config",
]


class _Mixed16:
    """The ``mixed16`` dtype marker: float16 storage with float32 parameters."""

    __slots__ = ()
    dtype: Final = numpy.dtype(numpy.float16)

    def __repr__(self) -> str:
        return "dtype(mixed16)"

    def __reduce__(self) -> str:
        return "mixed16"


mixed16: Final = _Mixed16()
"""Marker for ``config.dtype`` meaning "float16 activations, float32 master parameters"."""


def _env(name: str, default: str) -> str:
    # KUSARI_* wins over CHAINER_*, so both old scripts and new ones configure kusari.
    value = os.environ.get(f"KUSARI_{name}")
    if value is None:
        value = os.environ.get(f"CHAINER_{name}", default)
    return value


def _env_flag(name: str, default: bool) -> bool:
    raw = _env(name, "1" if default else "0")
    try:
        return bool(int(raw))
    except ValueError:
        raise ValueError(
            f"environment variable KUSARI_{name} / CHAINER_{name} must be 0 or 1, got {raw!r}"
        ) from None


def _env_dtype() -> numpy.dtype[Any] | _Mixed16:
    raw = _env("DTYPE", "float32")
    if raw == "mixed16":
        return mixed16
    if raw not in ("float16", "float32", "float64"):
        raise ValueError(
            "environment variable KUSARI_DTYPE / CHAINER_DTYPE must be one of float16, "
            f"float32, float64, mixed16; got {raw!r}"
        )
    return numpy.dtype(raw)


def _defaults() -> dict[str, object]:
    return {
        "autotune": False,
        "compute_mode": None,
        "cudnn_deterministic": False,
        "cudnn_fast_batch_normalization": False,
        "debug": _env_flag("DEBUG", False),
        "dtype": _env_dtype(),
        "enable_backprop": True,
        "in_recomputing": False,
        "keep_graph_on_report": _env_flag("KEEP_GRAPH_ON_REPORT", False),
        "lazy_grad_sum": _env_flag("LAZY_GRAD_SUM", False),
        "schedule_func": None,
        "train": True,
        "type_check": _env_flag("TYPE_CHECK", True),
        "use_cudnn": _env("USE_CUDNN", "auto"),
        "use_cudnn_tensor_core": "auto",
        "use_ideep": _env("USE_IDEEP", "never"),
        "use_static_graph": True,
        "warn_nondeterministic": _env_flag("WARN_NONDETERMINISTIC", False),
    }


class _Snapshot:
    """What one context sees: the merged configuration and the global function hooks.

    Never mutated after creation.  The hot flags are real attributes (``enable_backprop``,
    ``type_check``, ``debug``, ``hooks``) so the graph code reads them without a lookup.
    """

    __slots__ = (
        "debug",
        "enable_backprop",
        "hooks",
        "overrides",
        "type_check",
        "values",
        "version",
    )

    def __init__(self, version: int, overrides: dict[str, object], hooks: dict[str, Any]) -> None:
        values = dict(_global_values)
        values.update(overrides)
        self.values: dict[str, object] = values
        self.overrides = overrides
        self.hooks = hooks
        self.version = version
        self.enable_backprop = bool(values["enable_backprop"])
        self.type_check = bool(values["type_check"])
        self.debug = bool(values["debug"])


_global_values: dict[str, object] = _defaults()
# A one-element list so that the hot path reads it without a ``global`` statement.
_global_version: list[int] = [0]
_NO_HOOKS: dict[str, Any] = {}
# The default snapshot is never mutated (every change installs a new one).
_snapshot_var: contextvars.ContextVar[_Snapshot] = contextvars.ContextVar(
    "kusari_config",
    default=_Snapshot(0, {}, _NO_HOOKS),  # noqa: B039
)


def current() -> _Snapshot:
    """Return the snapshot of the current context (the graph's hot path calls this)."""
    snapshot = _snapshot_var.get()
    if snapshot.version != _global_version[0]:
        snapshot = _Snapshot(_global_version[0], snapshot.overrides, snapshot.hooks)
        _snapshot_var.set(snapshot)
    return snapshot


def _set_override(name: str, value: object) -> None:
    snapshot = current()
    overrides = dict(snapshot.overrides)
    overrides[name] = value
    _snapshot_var.set(_Snapshot(_global_version[0], overrides, snapshot.hooks))


def _remove_override(name: str) -> None:
    snapshot = current()
    overrides = dict(snapshot.overrides)
    del overrides[name]
    _snapshot_var.set(_Snapshot(_global_version[0], overrides, snapshot.hooks))


def set_hooks(hooks: dict[str, Any]) -> None:
    """Replace the global function hooks of the current context (used by FunctionHook)."""
    snapshot = current()
    _snapshot_var.set(_Snapshot(_global_version[0], snapshot.overrides, hooks or _NO_HOOKS))


class GlobalConfig:
    """The process-wide default configuration (Chainer's ``chainer.global_config``).

    Attribute writes here change the default for every thread and task that has not set
    its own value through :data:`config` or :func:`using_config`.  New keys may be added
    (``global_config.my_flag = 1``).

    Example:
        >>> from kusari.graph import config, global_config
        >>> global_config.my_default = 3
        >>> config.my_default
        3
        >>> del global_config.my_default
    """

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        try:
            return _global_values[name]
        except KeyError:
            raise AttributeError(f"global configuration has no entry {name!r}") from None

    def __setattr__(self, name: str, value: object) -> None:
        _global_values[name] = value
        _global_version[0] += 1

    def __delattr__(self, name: str) -> None:
        if name not in _global_values:
            raise AttributeError(f"global configuration has no entry {name!r}")
        del _global_values[name]
        _global_version[0] += 1

    def show(self, file: TextIO | None = None) -> None:
        """Print every entry, sorted by name, one ``name  value`` line each.

        Args:
            file: Where to write; ``sys.stdout`` when omitted.
        """
        _show(_global_values, file)

    def __repr__(self) -> str:
        return "<kusari.graph.global_config>"


class LocalConfig:
    """The configuration of the current thread or asyncio task (Chainer's ``chainer.config``).

    Reading an entry gives this context's own value if it set one, else the global value.
    Writing ``config.name = value`` sets it for the current context only (the rest of this
    thread or task); prefer the scoped :func:`using_config`.  Custom keys work.

    Example:
        >>> from kusari.graph import config, using_config
        >>> config.train
        True
        >>> with using_config("train", False):
        ...     config.train
        False
        >>> config.my_flag = 1
        >>> config.my_flag
        1
        >>> del config.my_flag
    """

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        try:
            return current().values[name]
        except KeyError:
            raise AttributeError(f"configuration has no entry {name!r}") from None

    def __setattr__(self, name: str, value: object) -> None:
        _set_override(name, value)

    def __delattr__(self, name: str) -> None:
        if name not in current().overrides:
            raise AttributeError(f"the current context has no own configuration entry {name!r}")
        _remove_override(name)

    def show(self, file: TextIO | None = None) -> None:
        """Print every entry this context sees, sorted by name.

        Args:
            file: Where to write; ``sys.stdout`` when omitted.

        Example:
            >>> import io
            >>> from kusari.graph import config
            >>> out = io.StringIO()
            >>> config.show(out)
            >>> "enable_backprop" in out.getvalue()
            True
        """
        _show(current().values, file)

    def __repr__(self) -> str:
        return "<kusari.graph.config>"


def _show(values: dict[str, object], file: TextIO | None) -> None:
    stream = sys.stdout if file is None else file
    width = max(len(key) for key in values) if values else 0
    for key in sorted(values):
        stream.write(f"{key:<{width}}  {values[key]}\n")


global_config: Final = GlobalConfig()
"""The process-wide defaults (see :class:`GlobalConfig`)."""

config: Final = LocalConfig()
"""The configuration of the current thread or task (see :class:`LocalConfig`)."""


class _UsingConfig:
    """The context manager of :func:`using_config` (a class: cheaper than a generator)."""

    __slots__ = ("_had_value", "_name", "_old_value", "_value")

    def __init__(self, name: str, value: object) -> None:
        self._name = name
        self._value = value
        self._had_value = False
        self._old_value: object = None

    def __enter__(self) -> None:
        overrides = current().overrides
        self._had_value = self._name in overrides
        self._old_value = overrides.get(self._name)
        _set_override(self._name, self._value)

    def __exit__(self, *exc_info: object) -> None:
        # Restore this entry only, so that other entries set inside the block survive it
        # (as in Chainer).
        if self._had_value:
            _set_override(self._name, self._old_value)
        elif self._name in current().overrides:
            _remove_override(self._name)


def using_config(
    name: str, value: object, config: LocalConfig | None = None
) -> contextlib.AbstractContextManager[None]:
    """Set configuration entry ``name`` to ``value`` inside a ``with`` block.

    The previous state (the context's own value, or none) comes back on exit, also when the
    block raises.  The change is seen by this thread or task only.

    Args:
        name: The entry, such as ``"train"`` or ``"enable_backprop"``; custom names work.
        value: Its value inside the block.
        config: Only :data:`config` is accepted (Chainer's signature has this argument).

    Returns:
        A context manager.

    Example:
        >>> from kusari.graph import config, using_config
        >>> with using_config("train", False):
        ...     print(config.train)
        False
        >>> config.train
        True
    """
    if config is not None and config is not _local_config:
        raise TypeError("using_config() supports only kusari.graph.config as its config")
    return _UsingConfig(name, value)


_local_config = config


def no_backprop_mode() -> contextlib.AbstractContextManager[None]:
    """Disable graph construction inside a ``with`` block (``enable_backprop=False``).

    Functions applied inside it compute outputs but record no graph, so nothing can be
    backpropagated through them.  Outputs still report ``requires_grad`` like their inputs.

    Returns:
        A context manager.

    Example:
        >>> import numpy
        >>> from kusari.graph import Variable, no_backprop_mode
        >>> x = Variable(numpy.ones(2, numpy.float32))
        >>> with no_backprop_mode():
        ...     y = x * 2
        >>> y.creator is None
        True
    """
    return using_config("enable_backprop", False)


def force_backprop_mode() -> contextlib.AbstractContextManager[None]:
    """Enable graph construction inside a ``with`` block, even within :func:`no_backprop_mode`.

    Returns:
        A context manager.

    Example:
        >>> import numpy
        >>> from kusari.graph import Variable, force_backprop_mode, no_backprop_mode
        >>> x = Variable(numpy.ones(2, numpy.float32))
        >>> with no_backprop_mode(), force_backprop_mode():
        ...     y = x * 2
        >>> y.creator is not None
        True
    """
    return using_config("enable_backprop", True)


def is_debug() -> bool:
    """Return whether debug mode is on in the current context (``config.debug``).

    Returns:
        ``True`` in debug mode.

    Example:
        >>> from kusari.graph import is_debug, using_config
        >>> with using_config("debug", True):
        ...     is_debug()
        True
    """
    return current().debug


def set_debug(debug: bool) -> None:
    """Turn debug mode on or off for the current thread or task (``config.debug = debug``).

    In debug mode every function records the stack where it was applied, NaN in forward
    outputs and backward gradients raise, and gradient shapes and dtypes are checked.

    Args:
        debug: The new setting.

    Example:
        >>> from kusari.graph import is_debug, set_debug
        >>> set_debug(True)
        >>> is_debug()
        True
        >>> set_debug(False)
    """
    _set_override("debug", bool(debug))


def get_dtype(
    dtype: npt.DTypeLike | _Mixed16 | None = None,
    map_mixed16: npt.DTypeLike | None = None,
) -> numpy.dtype[Any]:
    """Resolve a dtype, defaulting to ``config.dtype``.

    Args:
        dtype: A dtype, ``None`` for ``config.dtype``, or :data:`mixed16`.
        map_mixed16: What :data:`mixed16` resolves to; float16 when ``None``.

    Returns:
        A :class:`numpy.dtype`.

    Example:
        >>> import numpy
        >>> from kusari.graph import get_dtype, mixed16, using_config
        >>> get_dtype()
        dtype('float32')
        >>> with using_config("dtype", mixed16):
        ...     get_dtype(), get_dtype(map_mixed16=numpy.float32)
        (dtype('float16'), dtype('float32'))
    """
    if dtype is None:
        dtype = current().values["dtype"]  # type: ignore[assignment]
    if isinstance(dtype, _Mixed16):
        return numpy.dtype(numpy.float16 if map_mixed16 is None else map_mixed16)
    return numpy.dtype(dtype)
