"""A builder for the synthetic ``chainer`` module hierarchy."""

from __future__ import annotations

import types
from typing import Any

__all__ = ["ModuleTree"]


class ModuleTree:
    """Collects the modules that :func:`install_as_chainer` puts into ``sys.modules``.

    Each provider module of :mod:`kusari.compat` (one per kusari distribution) receives the
    tree and adds its Chainer names to it.  Modules are created on first use, and every
    module is also set as an attribute of its parent, so both ``import chainer.links`` and
    ``chainer.links`` work.

    Example:
        >>> from kusari.compat import ModuleTree
        >>> tree = ModuleTree()
        >>> tree.export("chainer.backends.cuda", available=False)
        >>> tree.module("chainer").backends.cuda.available
        False
        >>> sorted(tree.modules())
        ['chainer', 'chainer.backends', 'chainer.backends.cuda']
    """

    def __init__(self) -> None:
        self._modules: dict[str, types.ModuleType] = {}

    def module(self, dotted_name: str, doc: str | None = None) -> types.ModuleType:
        """Return the module named ``dotted_name``, creating it and its parents if needed.

        Args:
            dotted_name: A name such as ``"chainer.functions"``.
            doc: The module docstring, used only when the module is created here.

        Returns:
            The module object.
        """
        existing = self._modules.get(dotted_name)
        if existing is not None:
            return existing
        module = types.ModuleType(dotted_name, doc)
        module.__dict__["__kusari_compat__"] = True
        self._attach(dotted_name, module)
        return module

    def alias(self, dotted_name: str, module: types.ModuleType) -> None:
        """Make ``dotted_name`` refer to an existing (real kusari) module.

        Args:
            dotted_name: The Chainer module name, such as ``"chainer.utils.type_check"``.
            module: The kusari module that plays its part.

        Raises:
            ValueError: If ``dotted_name`` was already created or aliased.
        """
        if dotted_name in self._modules:
            raise ValueError(f"chainer module {dotted_name!r} is already defined")
        self._attach(dotted_name, module)

    def export(self, dotted_name: str, /, **names: Any) -> None:
        """Set ``names`` as attributes of the module ``dotted_name``.

        Args:
            dotted_name: The module to add the names to (created when missing).
            **names: The attribute names and the objects they refer to.
        """
        module = self.module(dotted_name)
        for attr, value in names.items():
            setattr(module, attr, value)

    def modules(self) -> dict[str, types.ModuleType]:
        """Return a copy of the mapping from dotted names to modules."""
        return dict(self._modules)

    def _attach(self, dotted_name: str, module: types.ModuleType) -> None:
        self._modules[dotted_name] = module
        parent_name, _, child = dotted_name.rpartition(".")
        if parent_name:
            setattr(self.module(parent_name), child, module)
