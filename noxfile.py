"""The one entry point for kusari's checks: ``nox -l`` lists the sessions.

Sessions:
    lint         ruff check and ruff format --check.
    types        mypy --strict over every src and tests tree, the examples and the benchmarks,
                 then a downstream check: the built wheels installed into a fresh venv and
                 mypy --strict run on the user-style code in tests-integration/typing/.
    tests        per package x Python: a fresh venv with that package and only its declared
                 dependencies (siblings installed from the checkout in one pip command), then
                 its own tests and the doctests of its modules.
    integration  every package installed, tests-integration/.
    wheels       builds every wheel and sdist, installs each wheel alone in a fresh venv and
                 checks imports, py.typed, the namespace and the versions.
    docs         Sphinx (-W) and its doctests.
    ci           exactly what .ci/run runs: all of the above, on every installed Python.
    demo         (not run by default; the README's first command) examples/demo.py: two
                 digit classifiers trained, saved, reloaded and plotted into demo-output/.
    bench        (not run by default) the benchmark suite of benchmarks/: kusari against
                 Chainer 7.8.1 (own venv) and PyTorch; ``nox -s bench -- --quick``.
"""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import sys

import nox

ROOT = pathlib.Path(__file__).parent
PYTHONS = ["3.11", "3.12", "3.13"]

# Distribution -> (its sibling dependencies in install order, the import names it ships).
PACKAGES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "kusari-devices": ((), ("kusari.devices",)),
    "kusari-graph": (
        ("kusari-devices",),
        ("kusari.graph", "kusari.functions", "kusari.distributions", "kusari.testing"),
    ),
    "kusari-links": (
        ("kusari-devices", "kusari-graph"),
        ("kusari.links", "kusari.optimizers", "kusari.initializers", "kusari.serializers"),
    ),
    "kusari-training": (
        ("kusari-devices", "kusari-graph", "kusari-links"),
        ("kusari.training", "kusari.iterators", "kusari.datasets", "kusari.reporter"),
    ),
    "kusari-distributed": (
        ("kusari-devices", "kusari-graph", "kusari-links", "kusari-training"),
        ("kusari.distributed",),
    ),
    "kusari": (
        (
            "kusari-devices",
            "kusari-graph",
            "kusari-links",
            "kusari-training",
            "kusari-distributed",
        ),
        ("kusari.compat",),
    ),
}

# Extras installed with a package wherever the sessions install it: kusari-distributed's
# tests, doctests and docs need an MPI library, and PyPI's MPICH (with its mpiexec) is one
# that pip alone can install.
INSTALL_EXTRAS: dict[str, str] = {"kusari-distributed": "[mpich]"}

# What the demo and the examples need on top of the packages: tqdm, matplotlib and
# scikit-learn (whose bundled digits they train on).
EXAMPLE_EXTRAS = "[progress,plot,datasets]"

# The optional extras of the package under test, so that its own tests of those optional
# paths run in the matrix (the integration tests check that every package also imports
# without them).
TEST_EXTRAS: dict[str, str] = {
    "kusari-links": "safetensors,hdf5,image",
    "kusari-training": "progress,plot,datasets,image",
}

# Test-only dependencies of a package: reference implementations its tests compare against
# (SciPy's special functions and distributions for kusari.functions and kusari.distributions).
TEST_REFERENCES: dict[str, list[str]] = {"kusari-graph": ["scipy>=1.11"]}

TEST_REQUIREMENTS = ["pytest>=8.3"]
# safetensors and types-tqdm: optional code (the serializer, the examples) is checked against
# the real library and its stubs.
TYPE_REQUIREMENTS = [
    "mypy>=1.13",
    "pytest>=8.3",
    "numpy>=2.0",
    "safetensors>=0.4",
    "types-tqdm",
    "h5py>=3.10",
    "scipy>=1.11",
]
# mypy and safetensors let the typing and serialization guides run their examples (both
# skip them, with a :skipif:, where the package is missing); pytest because the API
# reference documents kusari.testing.attr, whose marks are pytest marks.
DOCS_REQUIREMENTS = [
    "sphinx>=8",
    "furo",
    "myst-parser>=4",
    "mypy>=1.13",
    "safetensors>=0.4",
    "pytest>=8.3",
    # the optional paths whose examples the API reference runs: HDF5 files, images
    "h5py>=3.10",
    "Pillow>=10",
]

nox.options.default_venv_backend = "venv"
nox.options.reuse_venv = "no"
nox.options.error_on_missing_interpreters = False
nox.options.sessions = ["lint", "types", "tests", "integration", "wheels", "docs"]


def _package_dir(name: str) -> str:
    return str(ROOT / "packages" / name)


def _with_siblings(name: str) -> list[str]:
    siblings, _ = PACKAGES[name]
    return [_package_dir(dep) + INSTALL_EXTRAS.get(dep, "") for dep in (*siblings, name)]


def _with_example_extras(name: str) -> list[str]:
    """``_with_siblings(name)``, with kusari-training's extras that the examples need."""
    training = _package_dir("kusari-training")
    return [p + EXAMPLE_EXTRAS if p == training else p for p in _with_siblings(name)]


def _existing_modules(name: str) -> list[str]:
    """The import names of ``name`` whose source folder exists (some arrive in later work)."""
    _, modules = PACKAGES[name]
    src = ROOT / "packages" / name / "src"
    return [m for m in modules if (src / m.replace(".", "/")).is_dir()]


def _pytest(session: nox.Session, *args: str) -> None:
    session.run(
        "python",
        "-m",
        "pytest",
        "-c",
        str(ROOT / "pyproject.toml"),
        "--rootdir",
        str(ROOT),
        *args,
        *session.posargs,
    )


@nox.session(python=PYTHONS)
@nox.parametrize("package", list(PACKAGES))
def tests(session: nox.Session, package: str) -> None:
    """One package, installed with only its declared dependencies, then its tests."""
    targets = _with_siblings(package)
    if package in TEST_EXTRAS:
        targets[-1] = f"{_package_dir(package)}[{TEST_EXTRAS[package]}]"
    session.install(*targets, *TEST_REQUIREMENTS, *TEST_REFERENCES.get(package, []))
    # MPI comes with the [mpich] extra: its tests must run here, not skip.
    session.env["KUSARI_REQUIRE_MPI"] = "1"
    tests_dir = ROOT / "packages" / package / "tests"
    # Run from inside the tests folder so that the installed package, not the source tree,
    # is what gets imported.
    session.chdir(str(tests_dir))
    _pytest(session, str(tests_dir), "-p", "no:cacheprovider")
    modules = _existing_modules(package)
    # The docstring examples of the installed modules; exit code 5 means a module has no
    # examples yet, which is not a failure of the examples that do exist.
    session.run(
        "python",
        "-m",
        "pytest",
        "-c",
        str(ROOT / "pyproject.toml"),
        "--rootdir",
        str(ROOT),
        "-p",
        "no:cacheprovider",
        "--doctest-modules",
        "--pyargs",
        *modules,
        success_codes=[0, 5],
    )


@nox.session(python=PYTHONS[0])
def integration(session: nox.Session) -> None:
    """Every package together: tests-integration/ (cross-package and Chainer-style code)."""
    session.install(*_with_example_extras("kusari"), *TEST_REQUIREMENTS)
    session.env["KUSARI_REQUIRE_MPI"] = "1"
    # The examples' smoke runs (test_examples.py) fail, not skip, without their extras.
    session.env["KUSARI_REQUIRE_EXTRAS"] = "1"
    _pytest(session, str(ROOT / "tests-integration"), "-p", "no:cacheprovider")


@nox.session(default=False)
def demo(session: nox.Session) -> None:
    """The README's first command: train, save, reload and plot the demo models.

    Runs examples/demo.py with the Python that runs nox, with CuPy added when
    ``nvidia-smi`` shows a CUDA driver.  Arguments after ``--`` go to the script
    (``nox -s demo -- --epochs 5``, ``-- --device @numpy``, ``-- --smoke``).
    """
    session.install(*_with_example_extras("kusari-training"))
    if shutil.which("nvidia-smi") is not None:
        # A CUDA driver is there: with CuPy the demo picks the GPU by itself.
        try:
            session.install(f"{_package_dir('kusari-devices')}[cuda12]")
        except nox.command.CommandFailed:
            session.warn("could not install CuPy; the demo runs on the CPU")
    session.run(
        "python",
        str(ROOT / "examples" / "demo.py"),
        "--out",
        str(ROOT / "demo-output"),
        *session.posargs,
    )


@nox.session(python=PYTHONS[0])
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check over the whole repository."""
    session.install("ruff>=0.8")
    session.run("ruff", "check", str(ROOT))
    session.run("ruff", "format", "--check", str(ROOT))


def _build_all(session: nox.Session, out: pathlib.Path) -> None:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for name in PACKAGES:
        session.run(
            "python",
            "-m",
            "build",
            "--installer",
            "pip",
            "--outdir",
            str(out),
            _package_dir(name),
            silent=True,
        )


def _wheel_for(out: pathlib.Path, name: str) -> pathlib.Path:
    stem = name.replace("-", "_")
    (wheel,) = out.glob(f"{stem}-*.whl")
    return wheel


@nox.session(python=PYTHONS[0])
def types(session: nox.Session) -> None:
    """mypy --strict on all src and tests, then on user code against the installed wheels."""
    session.install(*_with_example_extras("kusari"), *TYPE_REQUIREMENTS)
    session.run(
        "mypy",
        "--config-file",
        str(ROOT / "pyproject.toml"),
        *[str(p) for p in sorted((ROOT / "packages").glob("*/src"))],
        *[str(p) for p in sorted((ROOT / "packages").glob("*/tests"))],
        str(ROOT / "tests-integration"),
        str(ROOT / "examples"),
        str(ROOT / "benchmarks"),
    )

    # Downstream: what a user who pip-installs the wheels sees.
    session.install("build")
    out = pathlib.Path(session.create_tmp()).resolve() / "dist"
    _build_all(session, out)
    downstream = pathlib.Path(session.create_tmp()).resolve() / "downstream"
    if downstream.exists():
        shutil.rmtree(downstream)
    session.run("python", "-m", "venv", str(downstream), silent=True)
    py = str(downstream / "bin" / "python")
    session.run(
        py,
        "-m",
        "pip",
        "install",
        "-q",
        *(str(_wheel_for(out, n)) for n in PACKAGES),
        *TYPE_REQUIREMENTS,
        external=True,
        silent=True,
    )
    typing_dir = ROOT / "tests-integration" / "typing"
    session.chdir(str(typing_dir))
    session.run(
        py,
        "-m",
        "mypy",
        "--strict",
        "--no-incremental",
        "--python-version",
        f"{sys.version_info.major}.{sys.version_info.minor}",
        "--config-file",
        str(typing_dir / "mypy.ini"),
        ".",
        external=True,
    )


@nox.session(python=PYTHONS[0])
def wheels(session: nox.Session) -> None:
    """Build every wheel and sdist; install each wheel alone and check what it ships."""
    session.install("build")
    out = pathlib.Path(session.create_tmp()).resolve() / "dist"
    _build_all(session, out)
    sdists = sorted(p.name for p in out.glob("*.tar.gz"))
    session.log(f"sdists: {sdists}")
    if len(sdists) != len(PACKAGES):
        session.error(f"expected {len(PACKAGES)} sdists, got {sdists}")
    check = ROOT / "tests-integration" / "check_wheel.py"
    for name, (siblings, _) in PACKAGES.items():
        env = pathlib.Path(session.create_tmp()).resolve() / f"venv-{name}"
        if env.exists():
            shutil.rmtree(env)
        session.run("python", "-m", "venv", str(env), silent=True)
        py = str(env / "bin" / "python")
        wheels_needed = [str(_wheel_for(out, dep)) for dep in (*siblings, name)]
        session.run(py, "-m", "pip", "install", "-q", *wheels_needed, external=True, silent=True)
        about = json.dumps(
            {
                "dist": name,
                "wheel": str(_wheel_for(out, name)),
                "modules": _existing_modules(name),
                "about": str(ROOT / "packages" / name / "src"),
            }
        )
        session.run(py, str(check), about, external=True)


@nox.session(python=PYTHONS[0])
def docs(session: nox.Session) -> None:
    """Build the documentation with warnings as errors, then run its doctests."""
    session.install(*_with_siblings("kusari"), *DOCS_REQUIREMENTS)
    build = ROOT / "docs" / "_build"
    session.run(
        "sphinx-build", "-W", "--keep-going", "-b", "html", str(ROOT / "docs"), str(build / "html")
    )
    session.run(
        "sphinx-build",
        "-W",
        "--keep-going",
        "-b",
        "doctest",
        str(ROOT / "docs"),
        str(build / "doctest"),
    )


CHAINER_VENV = ROOT / ".nox" / "bench-chainer-7.8.1"


def _chainer_python(session: nox.Session) -> tuple[str | None, str]:
    """The Chainer 7.8.1 interpreter (built once, cached under .nox/), or None and why not.

    Chainer 7.8.1 needs Python 3.11 and numpy<2, so it cannot share the bench venv.
    """
    import subprocess

    python = CHAINER_VENV / "bin" / "python"
    stamp = CHAINER_VENV / ".complete"
    if stamp.exists() and python.exists():
        return str(python), ""
    base = shutil.which("python3.11")
    if base is None:
        return None, "no python3.11 on PATH to build the Chainer 7.8.1 venv"
    if CHAINER_VENV.exists():
        shutil.rmtree(CHAINER_VENV)
    steps = [
        [base, "-m", "venv", str(CHAINER_VENV)],
        [str(python), "-m", "pip", "install", "-q", "setuptools<70", "wheel", "numpy==1.26.4"],
        [str(python), "-m", "pip", "install", "-q", "--no-build-isolation", "chainer==7.8.1"],
        [str(python), "-c", "import chainer; print(chainer.__version__)"],
    ]
    for cmd in steps:
        session.log(" ".join(cmd))
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            tail = " | ".join((done.stderr or done.stdout).strip().splitlines()[-3:])
            return None, f"building the Chainer 7.8.1 venv failed: {tail}"
    stamp.write_text("ok\n")
    return str(python), ""


@nox.session(python=PYTHONS[0], reuse_venv=True, default=False)
def bench(session: nox.Session) -> None:
    """The benchmark suite: ``nox -s bench -- [--quick] [--impls ...] [--workloads ...]``.

    kusari (editable, so the working tree is what gets measured) and torch (CPU eager) run
    in this session's venv; Chainer 7.8.1 in its own cached venv.  See benchmarks/README.md.
    """
    session.install(*(arg for d in _with_siblings("kusari") for arg in ("-e", d)), "torch")
    if any("cuda" in arg for arg in session.posargs):
        # The GPU variant needs CuPy; without it (or a device) the driver says why and skips.
        try:
            session.install("-e", f"{_package_dir('kusari-devices')}[cuda12]")
        except nox.command.CommandFailed:
            session.warn("could not install CuPy; kusari on the GPU will be unavailable")
    python, reason = _chainer_python(session)
    if python is None:
        session.warn(f"Chainer is unavailable: {reason}")
        chainer_args = ["--chainer-unavailable", reason]
    else:
        chainer_args = ["--chainer-python", python]
    session.run("python", "-m", "benchmarks.run", *chainer_args, *session.posargs)


@nox.session(python=False)
def ci(session: nox.Session) -> None:
    """Exactly what .ci/run runs: lint, types, tests on every installed Python, the rest."""
    nox_args = ["--no-error-on-missing-interpreters", "--download-python", "never"]
    env = {"PYENV_VERSION": os.environ.get("PYENV_VERSION", "3.11.7:3.12.1:3.13.0:3.10.13")}
    for name in ("lint", "types", "tests", "integration", "wheels", "docs"):
        session.run("nox", *nox_args, "-s", name, env=env, external=True)
