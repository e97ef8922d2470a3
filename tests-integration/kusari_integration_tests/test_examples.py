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
import re
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
    "vae_digits.py",
    "word2vec_skipgram.py",
    "custom_dataset_tabular.py",
)
# Options beyond ``--smoke --device @numpy --out DIR`` that a script is run with.
EXTRA_ARGS = {"vae_digits.py": ("--plot",)}
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
        command += EXTRA_ARGS.get(script, ())
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


def test_vae_digits(runs: dict[str, Run]) -> None:
    run = runs["vae_digits.py"]
    stdout = run.check("vae_digits.py")
    assert "vae_digits: 1438 training and 359 validation images, 8 latent dimensions" in stdout
    elbos = [
        float(value)
        for value in re.findall(r"^epoch +\d+  validation ELBO +(-?\d+\.\d+)", stdout, re.M)
    ]
    assert len(elbos) == 4, stdout  # before training and after each of the 3 smoke epochs
    # The untrained decoder says p = 1/2 for every pixel (about -44 nats, -50 with the
    # noise of its random weights); three epochs reach about -29.
    assert elbos[-1] > elbos[0] + 10, elbos
    # A bound on the log-likelihood of these fractional pixels: minus their summed binary
    # entropy (13.71 nats per validation image) is the most any model can score.
    assert max(elbos) < -13.7, elbos
    found = re.search(
        r"validation reconstruction error (\d\.\d+) per pixel "
        r"\(the mean training image: (\d\.\d+)\)",
        stdout,
    )
    assert found is not None, stdout
    error, baseline = float(found[1]), float(found[2])
    assert error < 0.85 * baseline, (error, baseline)  # 0.053 against 0.074 after 3 epochs
    assert f"plot: {run.out / 'vae_digits.png'}" in stdout
    assert _is_png(run.out / "vae_digits.png")
    # The plot is renamed into place: no temporary file is left behind.
    assert sorted(path.name for path in run.out.iterdir()) == ["vae.npz", "vae_digits.png"]


def test_word2vec_skipgram(runs: dict[str, Run]) -> None:
    run = runs["word2vec_skipgram.py"]
    stdout = run.check("word2vec_skipgram.py")
    assert "word2vec_skipgram: 500 sentences, " in stdout
    losses = [float(value) for value in re.findall(r"^epoch +\d+  loss (\d+\.\d+)", stdout, re.M)]
    assert len(losses) == 5, stdout
    assert losses[-1] < losses[0] - 0.5, losses  # about 3.36 -> 2.47
    found = re.search(
        r"nearest neighbours of the same topic: (\d+) of 60 .*\(before training: (\d+) of 60\)",
        stdout,
    )
    assert found is not None, stdout
    after, before = int(found[1]), int(found[2])
    # Random vectors find a same-topic noun about 9 times in 19; trained ones always.
    assert after >= 57, stdout
    assert before <= 45, stdout
    similarity = re.search(
        r"mean cosine similarity: (-?\d\.\d+) within a topic, (-?\d\.\d+)", stdout
    )
    assert similarity is not None, stdout
    assert float(similarity[1]) > float(similarity[2]) + 0.5, stdout
    # Each noun's neighbours are listed; "cat" is an animal and finds animals.
    cat = re.search(r"^ +cat: (\w+) [\d.]+, (\w+) [\d.]+, (\w+) [\d.]+$", stdout, re.M)
    assert cat is not None, stdout
    animals = {"dog", "horse", "cow", "sheep", "goat", "pig", "duck", "hen", "fox"}
    assert set(cat.groups()) <= animals, cat.groups()
    assert (run.out / "word2vec.npz").is_file()


def test_custom_dataset_tabular(runs: dict[str, Run]) -> None:
    run = runs["custom_dataset_tabular.py"]
    stdout = run.check("custom_dataset_tabular.py")
    csv = run.out / "wine.csv"
    assert (
        f"178 rows of 14 columns (alcohol, malic_acid, ..., proline, cultivar) in {csv}" in stdout
    )
    assert csv.read_text().splitlines()[0].endswith(",proline,cultivar")
    # The values of the first line of scikit-learn's wine table.
    assert "first row: alcohol 14.23, cultivar 0" in stdout
    assert "142 training and 36 validation rows; transformed keys ('x', 't'), mode tuple" in stdout
    # The iterator reads a row per call; a fetched view reads the batch in one call.
    assert (
        "a batch of 16: 16 get_examples calls through SerialIterator, 1 through fetch(), "
        "same arrays: True" in stdout
    )
    # Only the training rows are parsed, once per epoch.
    assert "training parsed 2840 lines (20 x 142)" in stdout
    losses = [float(value) for value in re.findall(r"^epoch +\d+  loss (\d+\.\d+)", stdout, re.M)]
    assert len(losses) == 3, stdout  # epochs 1, 10 and 20
    assert losses[-1] < 0.5 * losses[0], losses
    found = re.search(r"validation accuracy (\d\.\d+)", stdout)
    assert found is not None, stdout
    # 31 of 36 after the 20 smoke epochs; the largest class alone is 17 of 36.
    assert float(found[1]) >= 0.8, stdout
