"""The packaging itself: one namespace over every distribution, versions, optional extras."""

from __future__ import annotations

import importlib
import importlib.metadata
import pathlib
import subprocess
import sys

import pytest

LEAVES = {
    "kusari-devices": ["kusari.devices"],
    "kusari-graph": ["kusari.graph", "kusari.functions", "kusari.testing"],
    "kusari-links": [
        "kusari.links",
        "kusari.optimizers",
        "kusari.initializers",
        "kusari.serializers",
    ],
    "kusari-training": [
        "kusari.training",
        "kusari.iterators",
        "kusari.datasets",
        "kusari.reporter",
    ],
    "kusari-distributed": ["kusari.distributed"],
    "kusari": ["kusari.compat"],
}
OPTIONAL = ("cupy", "cupyx", "tqdm", "matplotlib", "safetensors", "torch")


def test_kusari_is_a_namespace_spanning_every_distribution() -> None:
    import kusari

    assert getattr(kusari, "__file__", None) is None
    roots = {pathlib.Path(p).resolve() for p in kusari.__path__}
    for leaves in LEAVES.values():
        for leaf in leaves:
            module = importlib.import_module(leaf)
            assert module.__file__ is not None
            assert pathlib.Path(module.__file__).resolve().parent.parent in roots
    # Editable installs give one folder per distribution; regular installs share one
    # site-packages/kusari folder.  Anything else means a stray copy is on the path.
    assert len(roots) in (1, len(LEAVES)), sorted(map(str, roots))


@pytest.mark.parametrize(("dist", "leaves"), list(LEAVES.items()))
def test_every_leaf_reports_its_distribution_version(dist: str, leaves: list[str]) -> None:
    version = importlib.metadata.version(dist)
    for leaf in leaves:
        assert importlib.import_module(leaf).__version__ == version


@pytest.mark.parametrize("leaf", [leaf for leaves in LEAVES.values() for leaf in leaves])
def test_importing_a_package_pulls_in_no_optional_dependency(leaf: str) -> None:
    code = (
        "import sys\n"
        f"import {leaf}\n"
        f"loaded = sorted(m for m in {OPTIONAL!r} if m in sys.modules)\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


@pytest.mark.parametrize("leaf", [leaf for leaves in LEAVES.values() for leaf in leaves])
def test_a_package_imports_when_optional_dependencies_are_absent(leaf: str) -> None:
    # Setting sys.modules[name] = None makes "import name" raise ImportError, which is what a
    # machine without the extra installed looks like.
    code = (
        "import sys\n"
        f"for name in {OPTIONAL!r}:\n"
        "    sys.modules[name] = None\n"
        f"import {leaf}\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
