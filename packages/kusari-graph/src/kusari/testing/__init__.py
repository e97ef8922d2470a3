"""Test utilities for code built on kusari (the parts of ``chainer.testing`` users call).

* :func:`assert_allclose`: compare arrays or Variables with a readable failure message.
* :func:`parameterize`, :func:`product`, :func:`product_dict`: one test class per set of
  parameters, collected by pytest and unittest.
* :func:`fix_random`: run a test with the global random generators seeded.
* :class:`FunctionTestCase`: forward, backward and double-backward tests of a function,
  failing with :class:`FunctionTestError`; :class:`BackendConfig` and
  :func:`inject_backend_tests` run tests once per backend (CPU, CUDA).
* :func:`run_module`: run a test file's tests when it is executed as a script.
* :mod:`kusari.testing.condition`: ``retry``, ``repeat`` and
  ``repeat_with_success_at_least`` for flaky tests.
* :mod:`kusari.testing.attr`: the ``gpu`` and ``slow`` pytest marks (imported on first
  access, since it needs pytest).

Gradient checks live in :mod:`kusari.graph.gradient_check`. The test helpers that need
links and serializers (``LinkTestCase``, ``LinkInitializersTestCase``, ``save_and_load``...)
live in :mod:`kusari.links.testing` (distribution ``kusari-links``).

Example:
    >>> import numpy
    >>> from kusari import testing
    >>> testing.assert_allclose(numpy.float32(0.1) * 3, 0.3)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from kusari.graph.__about__ import __version__ as __version__
from kusari.graph._gradient_check_allclose import assert_allclose as assert_allclose

from . import condition as condition
from ._backend import BackendConfig as BackendConfig
from ._case_support import TestError as TestError
from ._function_test import FunctionTestCase as FunctionTestCase
from ._function_test import FunctionTestError as FunctionTestError
from ._inject import inject_backend_tests as inject_backend_tests
from ._parameterized import parameterize as parameterize
from ._parameterized import product as product
from ._parameterized import product_dict as product_dict
from ._random import fix_random as fix_random
from ._run_module import run_module as run_module

if TYPE_CHECKING:
    from . import attr as attr

__all__ = [
    "__version__",
    "assert_allclose",
    "parameterize",
    "product",
    "product_dict",
    "fix_random",
    "condition",
    "attr",
    "BackendConfig",
    "inject_backend_tests",
    "FunctionTestCase",
    "FunctionTestError",
    "TestError",
    "run_module",
]


def __getattr__(name: str) -> object:
    # ``attr`` needs pytest, which is not a runtime dependency: import it on first use.
    if name == "attr":
        return importlib.import_module(f"{__name__}.attr")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
