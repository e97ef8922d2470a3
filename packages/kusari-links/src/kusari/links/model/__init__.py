"""Model wrappers: :class:`Classifier`."""

from .classifier import Classifier as Classifier

__all__ = ["Classifier"]
