"""The demo and the examples run, as a user runs them, and print what they should.

Each script runs in its own interpreter with ``--smoke`` (a few batches on a small subset)
on the CPU; the whole module takes well under a minute.  All scripts start at once and
each test then checks one of them, so the suite costs about as long as its slowest script.

The scripts need the optional extras of kusari-training (tqdm, matplotlib, scikit-learn).
Without them these tests are skipped, unless ``KUSARI_REQUIRE_EXTRAS`` is set (``nox -s
integration`` sets it and installs them): then they fail.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SCRIPTS = (
    "demo.py",
    "mlp_digits.py",
    "cnn_digits.py",
    "char_lstm.py",
    "custom_function_node.py",
    "custom_link.py",
)
EXTRAS = ("tqdm", "matplotlib", "sklearn")
TIMEOUT_S = 180


@dataclasses.dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str
    out: pathlib.Path

    def check(self, script: str) -> str:
        assert self.returncode == 0, (
            f"{script} exited with {self.returncode}\n--- stdout\n{self.stdout}\n"
            f"--- stderr\n{self.stderr}"
        )
        return self.stdout


def _require_extras() -> None:
    missing = [name for name in EXTRAS if importlib.util.find_spec(name) is None]
    if not missing:
        return
    reason = (
        f"the examples need {', '.join(missing)} "
        "(pip install 'kusari-training[progress,plot,datasets]')"
    )
    if os.environ.get("KUSARI_REQUIRE_EXTRAS"):
        pytest.fail(f"KUSARI_REQUIRE_EXTRAS is set but {reason}")
    pytest.skip(reason)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["MPLBACKEND"] = "Agg"
    env.pop("PYTHONPATH", None)  # run against the installed packages only
    return env


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    _require_extras()
    base = tmp_path_factory.mktemp("examples")
    started: dict[str, tuple[subprocess.Popen[str], pathlib.Path]] = {}
    for script in SCRIPTS:
        out = base / script.removesuffix(".py")
        command = [sys.executable, str(EXAMPLES / script), "--smoke", "--device", "@numpy"]
        process = subprocess.Popen(
            [*command, "--out", str(out)],
            cwd=base,
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        started[script] = (process, out)
    results: dict[str, Run] = {}
    try:
        for script, (process, out) in started.items():
            stdout, stderr = process.communicate(timeout=TIMEOUT_S)
            results[script] = Run(process.returncode, stdout, stderr, out)
    finally:
        for process, _ in started.values():
            if process.poll() is None:
                process.kill()
                process.communicate()
    return results


def _is_png(path: pathlib.Path) -> bool:
    return path.is_file() and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_demo(runs: dict[str, Run]) -> None:
    run = runs["demo.py"]
    stdout = run.check("demo.py")
    assert "kusari demo: digits, device @numpy" in stdout
    for name in ("mlp", "cnn"):
        assert f"{name}: validation accuracy " in stdout
        assert f"{name}: reloaded from " in stdout
        assert f"{name}.npz: predicts the same on all 64 examples" in stdout
        assert (run.out / f"{name}.npz").is_file()
        assert (run.out / f"{name}-log.json").is_file()
    assert f"plot: {run.out / 'digits.png'}" in stdout
    assert _is_png(run.out / "digits.png")
    # The progress bar (on stderr, as tqdm draws it) shows the running numbers.
    assert "loss " in run.stderr
    assert "val_acc " in run.stderr
    assert "it/s" in run.stderr


def test_demo_rejects_an_unknown_device(tmp_path: pathlib.Path) -> None:
    _require_extras()
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "demo.py"), "--device", "gpu", "--smoke"],
        cwd=tmp_path,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )
    assert done.returncode == 2
    assert "'@numpy'" in done.stderr
    assert "'@cupy:N'" in done.stderr or "@cupy:<id>" in done.stderr
    assert "Traceback" not in done.stderr


def test_mlp_digits(runs: dict[str, Run]) -> None:
    run = runs["mlp_digits.py"]
    stdout = run.check("mlp_digits.py")
    assert "mlp_digits: 128 training images, device @numpy" in stdout
    assert "epoch   1  loss " in stdout
    assert "validation accuracy" in stdout
    assert f"saved {run.out / 'mlp.npz'}" in stdout
    assert (run.out / "mlp.npz").is_file()


def test_cnn_digits(runs: dict[str, Run]) -> None:
    run = runs["cnn_digits.py"]
    stdout = run.check("cnn_digits.py")
    # PrintReport's header and one row per epoch.
    assert "validation/main/accuracy" in stdout
    assert "final validation accuracy" in stdout
    for name in ("loss.png", "accuracy.png"):
        assert _is_png(run.out / name), name
    assert (run.out / "log").is_file()
    assert (run.out / "snapshot_epoch_1").is_file()
    assert (run.out / "convnet.npz").is_file()


def test_char_lstm(runs: dict[str, Run]) -> None:
    run = runs["char_lstm.py"]
    stdout = run.check("char_lstm.py")
    assert "characters of Python" in stdout
    assert "epoch 1: training perplexity " in stdout
    assert "validation perplexity " in stdout
    sample = stdout.split("sample:\n", 1)[1]
    assert sample.startswith("def ")
    assert len(sample.rstrip("\n")) >= len("def ") + 40
    assert (run.out / "char_lstm.npz").is_file()


def test_custom_function_node(runs: dict[str, Run]) -> None:
    run = runs["custom_function_node.py"]
    stdout = run.check("custom_function_node.py")
    assert "forward: matches x * sigmoid(beta * x)" in stdout
    assert "check_backward: gradients of x and beta match" in stdout
    assert "check_double_backward: second-order gradients match too" in stdout
    assert "type check: an integer input is refused" in stdout
    assert "Expect: x.dtype.kind == 'f'" in stdout
    assert (run.out / "swish_mlp.npz").is_file()


def test_custom_link(runs: dict[str, Run]) -> None:
    run = runs["custom_link.py"]
    stdout = run.check("custom_link.py")
    assert "before the first call: l1.V is None, l2.V has shape (128, 16)" in stdout
    assert "after training: l1.V has shape (64, 16), l1 was called 4 times" in stdout
    assert "/l1/V      (64, 16)" in stdout
    assert "reloaded into a fresh Net: same parameters, calls and predictions" in stdout
