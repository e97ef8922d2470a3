"""``run_module``: run a test file's tests when it is executed as a script."""

from __future__ import annotations

import os

__all__ = ["run_module"]


def run_module(name: str, file: str) -> None:
    """Run the tests of the file ``file`` with pytest if ``name`` is ``"__main__"``.

    Put ``run_module(__name__, __file__)`` at the end of a test file, and
    ``python test_file.py`` runs its tests (verbosely, stopping at the first failure);
    when pytest imports the file, the call does nothing. Unlike Chainer's, it then exits
    with pytest's exit status, so a failing run is a failing script.

    Args:
        name: The ``__name__`` of the calling module.
        file: The ``__file__`` of the calling module.

    Raises:
        SystemExit: When ``name`` is ``"__main__"``, after the tests ran, with pytest's
            exit status.
        ModuleNotFoundError: If pytest is not installed.
        FileNotFoundError: If ``file`` does not exist.

    Example:
        >>> from kusari.testing import run_module
        >>> run_module("my_tests", "my_tests.py")  # imported, not run as a script: no-op
    """
    if name != "__main__":
        return
    if not os.path.isfile(file):
        raise FileNotFoundError(f"run_module: the test file {file!r} does not exist")
    try:
        import pytest
    except ModuleNotFoundError as error:
        raise ModuleNotFoundError(
            "run_module needs pytest to run the tests: pip install pytest", name="pytest"
        ) from error
    raise SystemExit(int(pytest.main([file, "-vv", "-x"])))
