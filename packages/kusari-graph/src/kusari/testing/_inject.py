"""``inject_backend_tests``: run test methods once per backend configuration."""

from __future__ import annotations

import inspect
import unittest
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from ._backend import BackendConfig
from ._parameterized import CaseExtension, parameterize_sets

__all__ = ["inject_backend_tests"]

_ClassT = TypeVar("_ClassT", bound=type)

# The key under which each parameter set carries its backend (never a class attribute).
_KEY = "_kusari_backend"


def inject_backend_tests(
    method_names: Sequence[str] | None, params: Sequence[Mapping[str, object]]
) -> Callable[[_ClassT], _ClassT]:
    """Return a class decorator that runs test methods once per backend configuration.

    For every mapping in ``params`` a :class:`BackendConfig` is made, and one subclass of
    the decorated class is generated (as :func:`parameterize` does, and composing with it
    in either order), in which each named method is called with that configuration as
    its ``backend_config`` argument. Methods on a CUDA configuration carry the ``gpu``
    pytest mark. A configuration that cannot run here (ChainerX, ``use_ideep='always'``,
    CUDA without CuPy or without the device) makes its methods skip with the reason (see
    :attr:`BackendConfig.unavailable_reason`). The other methods of the class run
    unchanged in every generated class.

    Args:
        method_names: The test methods that take ``backend_config``; ``None`` means every
            method whose name starts with ``test``.
        params: The backend configurations, one mapping of :class:`BackendConfig`
            parameters each (a list, or what :func:`product` returns).

    Returns:
        The class decorator.

    Raises:
        TypeError: If ``method_names`` is a string or holds a non-string, or ``params`` is
            not a list or tuple of mappings.
        ValueError: If ``params`` is empty, a named method does not exist, or a
            configuration is invalid (see :class:`BackendConfig`).

    Example:
        >>> import sys
        >>> from kusari.testing import inject_backend_tests
        >>> @inject_backend_tests(None, [{}, {"use_cuda": True}])
        ... class TestDevice:
        ...     def test_xp(self, backend_config):
        ...         assert backend_config.xp.__name__ in ("numpy", "cupy")
        >>> module = vars(sys.modules[TestDevice.__module__])
        >>> [name for name in module if name.startswith("TestDevice_")]
        ['TestDevice_param_0_backend_cpu', 'TestDevice_param_1_backend_cuda_0']
        >>> module["TestDevice_param_0_backend_cpu"]().test_xp()
    """
    if isinstance(method_names, str):
        raise TypeError(
            f"inject_backend_tests: method_names must be a list of method names or None, "
            f"got the string {method_names!r} (write [{method_names!r}])"
        )
    names: tuple[str, ...] | None = None
    if method_names is not None:
        names = tuple(method_names)
        for name in names:
            if not isinstance(name, str):
                raise TypeError(
                    f"inject_backend_tests: method names must be strings, got {name!r}"
                )
    if not isinstance(params, (list, tuple)):
        raise TypeError(
            "inject_backend_tests: params must be a list of BackendConfig parameter "
            f"mappings, got {type(params).__name__}"
        )
    if not params:
        raise ValueError("inject_backend_tests: params is empty; give at least one backend")
    configs = [BackendConfig(p) for p in params]
    inner = parameterize_sets(
        [{_KEY: _Backend(config, names)} for config in configs], "inject_backend_tests"
    )

    def decorator(cls: _ClassT) -> _ClassT:
        if names is not None:
            missing = [name for name in names if not callable(getattr(cls, name, None))]
            if missing:
                raise ValueError(
                    f"inject_backend_tests: {cls.__qualname__} has no test method(s) {missing}"
                )
        return inner(cls)

    return decorator


class _Backend(CaseExtension):
    __slots__ = ("config", "names")

    def __init__(self, config: BackendConfig, names: tuple[str, ...] | None) -> None:
        self.config = config
        self.names = names

    @property
    def label(self) -> str:
        return f"backend_{self.config.label}"

    def class_namespace(self, base: type) -> dict[str, object]:
        names = self.names
        if names is None:
            names = tuple(
                name
                for name in dir(base)
                if name.startswith("test") and callable(getattr(base, name))
            )
        return {name: _injected(getattr(base, name), self.config) for name in names}

    def __repr__(self) -> str:
        return repr(self.config)


def _injected(method: Callable[..., Any], config: BackendConfig) -> Callable[..., Any]:
    # No functools.wraps: pytest would follow __wrapped__ and ask for a backend_config
    # fixture.
    def test(self: object) -> Any:
        reason = config.unavailable_reason
        if reason is not None:
            raise unittest.SkipTest(reason)
        return method(self, config)

    test.__name__ = getattr(method, "__name__", test.__name__)
    test.__qualname__ = getattr(method, "__qualname__", test.__qualname__)
    test.__doc__ = method.__doc__
    test.__module__ = getattr(method, "__module__", test.__module__)
    test.__dict__.update(getattr(method, "__dict__", {}))
    test.__dict__.pop("__wrapped__", None)
    test.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    )
    result: Callable[..., Any] = test
    for mark in config.get_pytest_marks():
        result = mark(result)
    return result
