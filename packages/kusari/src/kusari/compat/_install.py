"""``install_as_chainer``: run unmodified Chainer 7 code on kusari."""

from __future__ import annotations

import importlib
import sys
import types

from ._tree import ModuleTree

__all__ = ["install_as_chainer", "uninstall_chainer"]

# One provider per kusari distribution, in dependency order.  A provider whose kusari
# package is not installed raises ModuleNotFoundError for a ``kusari.*`` module and is
# skipped, so the compat layer always reflects exactly the packages that exist.
_PROVIDERS = (
    "kusari.compat._core",
    "kusari.compat._devices",
    "kusari.compat._graph",
    "kusari.compat._links",
    "kusari.compat._training",
    "kusari.compat._distributed",
)

_installed: dict[str, types.ModuleType] = {}


def _is_ours(module: types.ModuleType) -> bool:
    return bool(getattr(module, "__kusari_compat__", False))


def install_as_chainer() -> types.ModuleType:
    """Register kusari under the name ``chainer`` in :data:`sys.modules`.

    After this call ``import chainer``, ``import chainer.functions as F`` and
    ``import chainer.links as L`` give kusari's objects, so code written for Chainer 7 runs
    unmodified.  Calling it again is harmless and returns the same module.

    Returns:
        The ``chainer`` module.

    Raises:
        RuntimeError: If a real ``chainer`` (not kusari's) is already imported.

    Example:
        >>> from kusari.compat import install_as_chainer, uninstall_chainer
        >>> chainer = install_as_chainer()
        >>> import chainer as imported
        >>> imported is chainer
        True
        >>> chainer.__version__.startswith("7.")
        True
        >>> uninstall_chainer()
    """
    existing = sys.modules.get("chainer")
    if existing is not None:
        if _is_ours(existing):
            return existing
        location = getattr(existing, "__file__", None) or "an unknown location"
        raise RuntimeError(
            "install_as_chainer() found a real 'chainer' module already imported "
            f"(from {location}); call install_as_chainer() before anything imports chainer, "
            "or uninstall Chainer from this environment"
        )
    tree = ModuleTree()
    for provider_name in _PROVIDERS:
        try:
            provider = importlib.import_module(provider_name)
        except ModuleNotFoundError as error:
            if error.name is not None and error.name.startswith("kusari."):
                continue
            raise
        provider.register(tree)
    modules = tree.modules()
    sys.modules.update(modules)
    _installed.update(modules)
    return modules["chainer"]


def uninstall_chainer() -> None:
    """Remove the modules that :func:`install_as_chainer` registered.

    Modules that something else has put under the same names since are left alone.
    """
    for name, module in _installed.items():
        if sys.modules.get(name) is module:
            del sys.modules[name]
    _installed.clear()
