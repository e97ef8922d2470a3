"""Check one installed kusari wheel: imports, py.typed, namespace and version.

Run by ``nox -s wheels`` with the interpreter of a fresh venv that holds only that wheel and
the wheels it depends on.  Takes one JSON argument: ``{"dist", "wheel", "modules", "about"}``.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import json
import pathlib
import re
import sys
import zipfile


def main() -> None:
    spec = json.loads(sys.argv[1])
    dist: str = spec["dist"]
    wheel = pathlib.Path(spec["wheel"])
    modules: list[str] = spec["modules"]
    src = pathlib.Path(spec["about"])

    names = zipfile.ZipFile(wheel).namelist()
    if "kusari/__init__.py" in names:
        raise SystemExit(f"{wheel.name}: ships kusari/__init__.py; kusari is a PEP 420 namespace")
    for module in modules:
        typed = module.replace(".", "/") + "/py.typed"
        if typed not in names:
            raise SystemExit(f"{wheel.name}: {typed} is missing")

    import kusari

    if getattr(kusari, "__file__", None) is not None:
        raise SystemExit(f"kusari resolved to a regular package at {kusari.__file__}")

    installed = importlib.metadata.version(dist)
    for module in modules:
        imported = importlib.import_module(module)
        version = getattr(imported, "__version__", None)
        if version != installed:
            raise SystemExit(f"{module}.__version__ is {version!r}, the wheel says {installed!r}")
    abouts = list(src.glob("kusari/*/__about__.py"))
    if len(abouts) != 1:
        raise SystemExit(f"{dist}: expected exactly one __about__.py, found {abouts}")
    match = re.search(r'__version__ = "([^"]+)"', abouts[0].read_text())
    if match is None or match.group(1) != installed:
        raise SystemExit(f"{abouts[0]} does not hold version {installed!r}")
    print(f"{dist} {installed}: {', '.join(modules)} import; py.typed present; namespace intact")


if __name__ == "__main__":
    main()
