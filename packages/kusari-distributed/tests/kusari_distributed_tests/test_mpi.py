"""Behaviour across processes: each test runs a script under ``mpiexec`` with a timeout."""

from __future__ import annotations

import pathlib
import subprocess
import sys

import numpy
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from ._mpirun import SCRIPTS, launcher, run_ok, run_script


def test_two_processes_with_batch_b_match_one_process_with_batch_2b(
    tmp_path: pathlib.Path,
) -> None:
    launcher()
    reference = subprocess.run(
        [sys.executable, str(SCRIPTS / "train_mlp.py"), "--reference", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert reference.returncode == 0, reference.stderr
    run_ok("train_mlp.py", 2, str(tmp_path))
    expected = numpy.load(tmp_path / "reference.npz")
    rank0 = numpy.load(tmp_path / "rank0.npz")
    rank1 = numpy.load(tmp_path / "rank1.npz")
    assert sorted(expected) == ["/l1/W", "/l1/b", "/l2/W", "/l2/b"]
    initial_w = numpy.random.default_rng(100).normal(0.0, 5**-0.5, (5, 16))
    assert not numpy.allclose(expected["/l1/W"], initial_w, atol=1e-3)  # it did train
    for name in expected:
        assert_array_equal(rank0[name], rank1[name])  # every process took the same steps
        assert_allclose(rank0[name], expected[name], rtol=1e-12, atol=1e-12)


def test_an_exception_on_one_rank_ends_every_rank_with_its_message() -> None:
    result = run_script("raise_on_rank.py", 2, timeout=60)
    assert result.returncode != 0, result.describe()
    assert "ValueError: boom on rank 1" in result.stderr, result.describe()
    assert "rank 1 of 2 raised ValueError" in result.stderr
    assert "aborting all processes" in result.stderr
    assert "rank 0 passed the collective" not in result.stdout


@pytest.mark.parametrize(
    ("case", "n"),
    [
        ("objects", 3),
        ("split", 3),
        ("grad_mean", 2),
        ("layout_mismatch", 2),
        ("optimizer_lazy", 2),
        ("optimizer_double_buffering", 2),
        ("scatter", 3),
        ("evaluator", 3),
        ("batchnorm", 2),
        ("checkpoint", 3),
        ("trainer", 2),
    ],
)
def test_collective_case(case: str, n: int, tmp_path: pathlib.Path) -> None:
    result = run_ok("cases.py", n, case, str(tmp_path))
    assert f"PASSED {case}" in result.stdout, result.describe()
    assert "pending" not in result.stderr, result.describe()  # no request left at exit
