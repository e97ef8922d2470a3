"""Chainer names that only exist so that old code keeps running (registered by ``_graph``).

* ``chainer.DebugMode``: Chainer 2 deprecated it for ``using_config('debug', ...)``; it
  warns with Chainer's ``DeprecationWarning`` and sets the ``debug`` entry.
* ``chainer.static_graph`` and ``chainer.static_code``: Chainer's experimental static
  sub-graph optimization.  kusari's forward path is already cheap, so these decorators
  return the function unchanged.  Code using them runs as with
  ``config.use_static_graph = False`` in Chainer, which gives the same results.
* ``chainer.utils.experimental``: the ``FutureWarning`` Chainer gives for experimental APIs.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, Final

from kusari.graph import using_config

__all__ = ["DebugMode", "experimental", "static_code", "static_graph"]

_STATIC_GRAPH_OPTIONS: Final = frozenset(
    {
        "force_test_define_by_run",
        "minimize_cache_size",
        "verbosity_level",
        "enable_double_backprop",
    }
)


class DebugMode:
    """Set the ``debug`` configuration entry inside a ``with`` block (deprecated).

    Args:
        debug: The value of ``config.debug`` inside the block.

    Example:
        >>> import warnings
        >>> from kusari.graph import config
        >>> from kusari.compat._chainer_legacy import DebugMode
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore", DeprecationWarning)
        ...     with DebugMode(True):
        ...         print(config.debug)
        True
    """

    def __init__(self, debug: bool) -> None:
        warnings.warn(
            'chainer.DebugMode is deprecated. Use chainer.using_config("debug", ...) instead.',
            DeprecationWarning,
            stacklevel=2,
        )
        self._using: AbstractContextManager[object] = using_config("debug", debug)

    def __enter__(self) -> None:
        self._using.__enter__()

    def __exit__(self, *exc_info: Any) -> None:
        self._using.__exit__(*exc_info)


def _passthrough_decorator(
    name: str, args: tuple[Any, ...], kwargs: dict[str, Any], allowed: frozenset[str] | None
) -> Any:
    if len(args) == 1 and not kwargs and callable(args[0]):
        return args[0]
    if args:
        raise TypeError(
            f"{name}: use it as @{name} or @{name}(option=value, ...), got positional "
            f"arguments {args!r}"
        )
    if allowed is not None:
        unknown = sorted(set(kwargs) - allowed)
        if unknown:
            raise TypeError(
                f"{name}: unknown option(s) {', '.join(unknown)}; Chainer's are "
                f"{', '.join(sorted(allowed))}"
            )

    def identity(function: Callable[..., Any]) -> Callable[..., Any]:
        return function

    return identity


def static_graph(*args: Any, **kwargs: Any) -> Any:
    """Mark a Chain's forward as a static graph; kusari runs it define-by-run as it is.

    Used as ``@static_graph`` or ``@static_graph(verbosity_level=1, ...)`` with Chainer's
    options, which are accepted and have no effect.

    Raises:
        TypeError: For positional arguments other than the function, or unknown options.

    Example:
        >>> from kusari.compat._chainer_legacy import static_graph
        >>> @static_graph(verbosity_level=1)
        ... def forward(x):
        ...     return x + 1
        >>> forward(1)
        2
    """
    return _passthrough_decorator("static_graph", args, kwargs, _STATIC_GRAPH_OPTIONS)


def static_code(*args: Any, **kwargs: Any) -> Any:
    """Mark code for a static schedule (Chainer); in kusari it runs on every call anyway.

    Example:
        >>> from kusari.compat._chainer_legacy import static_code
        >>> @static_code
        ... def double(x):
        ...     return 2 * x
        >>> double(3)
        6
    """
    return _passthrough_decorator("static_code", args, kwargs, None)


def experimental(api_name: str) -> None:
    """Warn that ``api_name`` is experimental, unless the user turned the warning off.

    The warning is silenced by ``chainer.disable_experimental_feature_warning = True``, as
    in Chainer.

    Args:
        api_name: The name of the experimental API, as users write it.

    Example:
        >>> import warnings
        >>> from kusari.compat._chainer_legacy import experimental
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     experimental("mylib.NewLink")
        >>> str(caught[0].message)
        'mylib.NewLink is experimental. The interface can change in the future.'
    """
    chainer = sys.modules.get("chainer")
    if chainer is not None and getattr(chainer, "disable_experimental_feature_warning", False):
        return
    warnings.warn(
        f"{api_name} is experimental. The interface can change in the future.",
        FutureWarning,
        stacklevel=2,
    )
