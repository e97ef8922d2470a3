"""Compile every CUDA source with nvcc (when it exists) for two GPU generations.

CUDA 13's nvcc supports sm_75 and newer, so the two targets are sm_80 (A100, Ampere) and
sm_90 (H100, Hopper).  Warnings are errors, and every registered entry point must be in
the compiled binary under its unmangled ``extern "C"`` name.
"""

from __future__ import annotations

import importlib.resources
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from kusari.devices import kernels


def find_nvcc() -> str | None:
    found = shutil.which("nvcc")
    if found is None and os.access("/usr/local/cuda/bin/nvcc", os.X_OK):
        found = "/usr/local/cuda/bin/nvcc"
    return found


NVCC = find_nvcc()
ARCHITECTURES = ["sm_80", "sm_90"]
SOURCES = [source.filename for source in kernels.cuda_sources()]

pytestmark = pytest.mark.skipif(
    NVCC is None, reason="nvcc not found on PATH or in /usr/local/cuda"
)


@pytest.mark.parametrize("architecture", ARCHITECTURES)
@pytest.mark.parametrize("filename", SOURCES)
def test_compiles(filename: str, architecture: str, tmp_path: Path) -> None:
    assert NVCC is not None
    cuda_dir = importlib.resources.files("kusari.devices.kernels") / "cuda"
    with importlib.resources.as_file(cuda_dir) as include_dir:
        source = Path(include_dir) / filename
        output = tmp_path / f"{filename}.{architecture}.cubin"
        completed = subprocess.run(
            [
                NVCC,
                f"-arch={architecture}",
                "-std=c++17",
                "--cubin",
                "-Werror",
                "all-warnings",
                f"-I{include_dir}",
                "-o",
                str(output),
                str(source),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
    assert completed.returncode == 0, completed.stderr
    binary = output.read_bytes()
    entries = [e for k in kernels.kernels() if k.source.filename == filename for e in k.entries]
    assert entries
    for entry in entries:
        assert entry.encode() + b"\0" in binary, (
            f"{entry} missing from {filename} ({architecture})"
        )


def test_every_source_file_is_used() -> None:
    shipped = {
        item.name
        for item in (importlib.resources.files("kusari.devices.kernels") / "cuda").iterdir()
        if item.name.endswith(".cu")
    }
    assert shipped == set(SOURCES)
