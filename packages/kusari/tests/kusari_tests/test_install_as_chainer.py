from __future__ import annotations

import sys
import types
from collections.abc import Iterator

import pytest

from kusari.compat import ModuleTree, install_as_chainer, uninstall_chainer


@pytest.fixture
def chainer() -> Iterator[types.ModuleType]:
    module = install_as_chainer()
    yield module
    uninstall_chainer()


def test_import_chainer_gives_the_installed_module(chainer: types.ModuleType) -> None:
    import chainer as imported

    assert imported is chainer
    assert sys.modules["chainer"] is chainer
    assert chainer.__version__ == "7.8.1"


def test_calling_twice_is_harmless(chainer: types.ModuleType) -> None:
    assert install_as_chainer() is chainer


def test_uninstall_removes_every_registered_module(chainer: types.ModuleType) -> None:
    names = [name for name in sys.modules if name == "chainer" or name.startswith("chainer.")]
    assert names
    uninstall_chainer()
    assert not [n for n in sys.modules if n == "chainer" or n.startswith("chainer.")]
    # Installing again after an uninstall builds a fresh tree.
    again = install_as_chainer()
    assert again is not chainer
    assert sys.modules["chainer"] is again


def test_a_real_chainer_already_imported_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    real = types.ModuleType("chainer")
    real.__file__ = "/site-packages/chainer/__init__.py"
    monkeypatch.setitem(sys.modules, "chainer", real)
    with pytest.raises(
        RuntimeError,
        match=r"real 'chainer' module already imported \(from "
        r"/site-packages/chainer/__init__\.py\)",
    ):
        install_as_chainer()
    assert sys.modules["chainer"] is real


def test_print_runtime_info_names_the_versions(chainer: types.ModuleType) -> None:
    import io

    import numpy

    out = io.StringIO()
    chainer.print_runtime_info(out)
    text = out.getvalue()
    assert f"NumPy: {numpy.__version__}" in text
    assert "Chainer API: 7.8.1" in text


def test_print_runtime_info_rejects_an_object_without_write(chainer: types.ModuleType) -> None:
    with pytest.raises(TypeError, match="out must have a write\\(\\) method, got int"):
        chainer.print_runtime_info(3)


def test_module_tree_links_children_to_parents() -> None:
    tree = ModuleTree()
    tree.export("chainer.backends.cuda", available=False)
    modules = tree.modules()
    assert set(modules) == {"chainer", "chainer.backends", "chainer.backends.cuda"}
    assert modules["chainer"].backends is modules["chainer.backends"]
    assert modules["chainer.backends"].cuda.available is False


def test_module_tree_alias_refuses_a_second_definition() -> None:
    tree = ModuleTree()
    real = types.ModuleType("kusari_fake")
    tree.alias("chainer.utils.type_check", real)
    assert tree.modules()["chainer.utils"].type_check is real
    with pytest.raises(ValueError, match=r"'chainer\.utils\.type_check' is already defined"):
        tree.alias("chainer.utils.type_check", real)
