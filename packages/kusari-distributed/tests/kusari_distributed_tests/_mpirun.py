"""Running the scripts of ``mpi_scripts/`` under ``mpiexec``, each with a hard timeout.

Without ``mpiexec`` (or an MPI library mpi4py can load) the tests skip, saying why, unless
``KUSARI_REQUIRE_MPI`` is set (as CI sets it): then they fail.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import pathlib
import shutil
import signal
import subprocess
import sys

import pytest

SCRIPTS = pathlib.Path(__file__).parent / "mpi_scripts"


def _require_or_skip(reason: str) -> None:
    if os.environ.get("KUSARI_REQUIRE_MPI"):
        pytest.fail(f"KUSARI_REQUIRE_MPI is set but {reason}")
    pytest.skip(
        f"{reason} (pip install 'kusari-distributed[mpich]'; set KUSARI_REQUIRE_MPI=1 "
        "to fail instead)"
    )


@functools.cache
def _mpi_problem() -> str | None:
    try:
        import mpi4py.MPI  # noqa: F401
    except (ImportError, RuntimeError, OSError) as error:
        return f"mpi4py cannot load an MPI library ({str(error).splitlines()[0]})"
    return None


def require_mpi() -> None:
    """Skip (or fail under KUSARI_REQUIRE_MPI) when mpi4py cannot load MPI."""
    problem = _mpi_problem()
    if problem is not None:
        _require_or_skip(problem)


@dataclasses.dataclass(frozen=True)
class Launcher:
    command: tuple[str, ...]
    env: dict[str, str]


@functools.cache
def _launcher() -> Launcher | str:
    """The mpiexec to use (the one installed beside this Python first), or why none."""
    beside = pathlib.Path(sys.executable).parent / "mpiexec"
    found = str(beside) if beside.exists() else shutil.which("mpiexec")
    if found is None:
        return "no mpiexec beside this Python or on PATH"
    try:
        version = subprocess.run(
            [found, "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"{found} --version failed: {error}"
    env = dict(os.environ)
    command: list[str] = [found]
    text = version.stdout + version.stderr
    if "Open MPI" in text or "OpenRTE" in text or "open-mpi" in text.lower():
        # Open MPI refuses root without both variables, and more ranks than cores without
        # --oversubscribe (CI machines have 2 cores).
        env["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
        env["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
        env["OMPI_MCA_rmaps_base_oversubscribe"] = "1"  # Open MPI 4
        env["PRTE_MCA_rmaps_default_mapping_policy"] = ":oversubscribe"  # Open MPI 5
        command.append("--oversubscribe")
    return Launcher(tuple(command), env)


def launcher() -> Launcher:
    """The launcher, or skip/fail saying why there is none."""
    require_mpi()
    found = _launcher()
    if isinstance(found, str):
        _require_or_skip(found)
        raise AssertionError("unreachable")
    return found


@dataclasses.dataclass(frozen=True)
class Result:
    returncode: int
    stdout: str
    stderr: str

    def describe(self) -> str:
        return f"exit code {self.returncode}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


def run_script(script: str, n: int, *args: str, timeout: float = 120.0) -> Result:
    """Run ``mpi_scripts/<script>`` on ``n`` processes; fail the test after ``timeout`` s.

    The launcher runs in its own process group, which is killed whole on timeout, so a
    hanging job never outlives the test.
    """
    found = launcher()
    env = dict(found.env)
    env["PYTHONUNBUFFERED"] = "1"
    command = [*found.command, "-n", str(n), sys.executable, str(SCRIPTS / script), *args]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=env,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        pytest.fail(
            f"{' '.join(command)} did not finish within {timeout} s (hang?)\n"
            f"--- stdout\n{stdout}\n--- stderr\n{stderr}"
        )
    return Result(process.returncode, stdout, stderr)


def run_ok(script: str, n: int, *args: str, timeout: float = 120.0) -> Result:
    """:func:`run_script`, failing the test unless it exits 0."""
    result = run_script(script, n, *args, timeout=timeout)
    assert result.returncode == 0, result.describe()
    return result
