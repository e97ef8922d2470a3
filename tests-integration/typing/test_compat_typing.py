"""User-style code: the compat layer's public surface as mypy sees it."""

from __future__ import annotations

import types
from typing import assert_type

from kusari.compat import ModuleTree, install_as_chainer, uninstall_chainer


def test_install_as_chainer_returns_a_module() -> None:
    chainer = install_as_chainer()
    try:
        assert_type(chainer, types.ModuleType)
        tree = ModuleTree()
        assert_type(tree.module("chainer"), types.ModuleType)
        assert_type(tree.modules(), dict[str, types.ModuleType])
    finally:
        assert_type(uninstall_chainer(), None)
