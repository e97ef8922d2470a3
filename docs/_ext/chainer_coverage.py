"""Which Chainer 7 names ``kusari.compat.install_as_chainer()`` provides, and which not.

As a Sphinx extension it adds the ``chainer-coverage`` directive: a summary table (one row
per Chainer module) followed by the list of missing names of each module, computed at build
time from the installed kusari packages, so the migration guide stays true as kusari grows.

As a script it prints the same summary::

    python docs/_ext/chainer_coverage.py            # counts per module
    python docs/_ext/chainer_coverage.py --missing  # and the missing names
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import types
from collections.abc import Iterator
from typing import Any

from chainer7_api import CHAINER7_API


@dataclasses.dataclass(frozen=True)
class ModuleCoverage:
    """The Chainer 7 names of one module, split into provided and missing."""

    module: str
    provided: tuple[str, ...]
    missing: tuple[str, ...]
    module_exists: bool

    @property
    def total(self) -> int:
        """The number of Chainer 7 names of the module."""
        return len(self.provided) + len(self.missing)


def _provides(module: types.ModuleType, module_name: str, name: str) -> bool:
    if f"{module_name}.{name}" in sys.modules:
        return True
    try:
        getattr(module, name)
    except AttributeError:
        return False
    except Exception:
        # Defined, but unusable here (``cuda.cupy`` without CuPy): still provided.
        return True
    return True


def coverage() -> list[ModuleCoverage]:
    """Install kusari as ``chainer``, compare it with Chainer 7's names, and uninstall."""
    from kusari.compat import install_as_chainer, uninstall_chainer

    was_installed = "chainer" in sys.modules
    install_as_chainer()
    try:
        result = []
        for module_name, names in CHAINER7_API.items():
            module = sys.modules.get(module_name)
            if module is None:
                result.append(ModuleCoverage(module_name, (), names, module_exists=False))
                continue
            provided = tuple(n for n in names if _provides(module, module_name, n))
            missing = tuple(n for n in names if n not in provided)
            result.append(ModuleCoverage(module_name, provided, missing, module_exists=True))
        return result
    finally:
        if not was_installed:
            uninstall_chainer()


def _summary_lines(report: list[ModuleCoverage]) -> Iterator[str]:
    from _rst import list_table, literal

    total = sum(c.total for c in report)
    provided = sum(len(c.provided) for c in report)
    yield (
        f"kusari provides **{provided}** of the **{total}** public names of Chainer 7 "
        f"listed here ({len(report)} modules); **{total - provided}** are missing."
    )
    yield ""
    rows = []
    for c in report:
        name = literal(c.module) if c.module_exists else f"{literal(c.module)} (no module)"
        rows.append((name, str(c.total), str(len(c.provided)), str(len(c.missing))))
    rows.append(("**total**", f"**{total}**", f"**{provided}**", f"**{total - provided}**"))
    yield from list_table(("module", "Chainer 7", "provided", "missing"), rows, "52 16 16 16")


def _missing_lines(report: list[ModuleCoverage]) -> Iterator[str]:
    from _rst import literal

    for c in report:
        if not c.missing:
            continue
        yield f".. rubric:: {c.module} ({len(c.missing)} missing)"
        yield ""
        yield ", ".join(literal(name) for name in c.missing)
        yield ""


def setup(app: Any) -> dict[str, object]:
    """Register the ``chainer-coverage`` directive."""
    from _rst import GeneratedDirective, setup_generated

    class ChainerCoverageDirective(GeneratedDirective):
        """``.. chainer-coverage::``; option ``:part: summary`` or ``:part: missing``."""

        option_spec = {"part": lambda arg: arg.strip()}  # noqa: RUF012

        def lines(self) -> Iterator[str]:
            part = self.options.get("part", "summary")
            report = coverage()
            if part == "summary":
                return _summary_lines(report)
            if part == "missing":
                return _missing_lines(report)
            raise self.error(f"chainer-coverage: unknown part {part!r}; use summary or missing")

    app.add_directive("chainer-coverage", ChainerCoverageDirective)
    setup_generated(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def main() -> None:
    """Print the coverage summary (and the missing names with ``--missing``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--missing", action="store_true", help="list the missing names too")
    args = parser.parse_args()
    report = coverage()
    width = max(len(c.module) for c in report)
    for c in report:
        note = "" if c.module_exists else "  (no module)"
        counts = f"{len(c.provided):>4} / {c.total:<4} missing {len(c.missing)}"
        print(f"{c.module:<{width}}  {counts}{note}")
        if args.missing and c.missing:
            print("    " + " ".join(c.missing))
    total = sum(c.total for c in report)
    provided = sum(len(c.provided) for c in report)
    print(f"{'total':<{width}}  {provided:>4} / {total:<4} missing {total - provided}")


if __name__ == "__main__":
    main()
