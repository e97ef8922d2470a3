"""Pytest marks for kusari's test categories: :data:`gpu` and :data:`slow`.

The marks are the ones the repository's pytest configuration declares (``gpu``: needs
CuPy and a CUDA device; ``slow``: takes more than a few seconds), so
``pytest -m "not gpu and not slow"`` deselects them. This module imports pytest.

Example:
    >>> from kusari.testing import attr
    >>> @attr.slow
    ... def test_long_training() -> None:
    ...     pass
    >>> [mark.name for mark in test_long_training.pytestmark]
    ['slow']
"""

from __future__ import annotations

import pytest

__all__ = ["gpu", "slow"]

gpu: pytest.MarkDecorator = pytest.mark.gpu
"""Marks a test that needs CuPy and a CUDA device (``@attr.gpu``)."""

slow: pytest.MarkDecorator = pytest.mark.slow
"""Marks a test that takes more than a few seconds (``@attr.slow``)."""
