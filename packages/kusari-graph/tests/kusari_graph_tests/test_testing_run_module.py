from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kusari import testing


def _script(tmp_path: Path, body: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "test_script.py"
    path.write_text(
        textwrap.dedent(
            f"""
            from kusari import testing

            def test_sum():
                assert {body}

            testing.run_module(__name__, __file__)
            """
        )
    )
    return subprocess.run(
        [sys.executable, str(path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )


def test_a_script_runs_its_tests_and_exits_with_their_status(tmp_path: Path) -> None:
    passing = _script(tmp_path, "1 + 1 == 2")
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "test_script.py::test_sum PASSED" in passing.stdout
    failing = _script(tmp_path, "1 + 1 == 3")
    assert failing.returncode == 1
    assert "test_script.py::test_sum FAILED" in failing.stdout


def test_an_imported_module_is_not_run() -> None:
    testing.run_module("kusari_graph_tests.test_testing_run_module", __file__)


def test_a_missing_file_is_an_error() -> None:
    with pytest.raises(FileNotFoundError, match=r"test file 'no/such/file\.py' does not exist"):
        testing.run_module("__main__", "no/such/file.py")
