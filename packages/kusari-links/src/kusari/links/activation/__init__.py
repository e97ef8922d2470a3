"""Activation links with learnable parameters: :class:`PReLU`, :class:`Maxout`."""

from .maxout import Maxout as Maxout
from .prelu import PReLU as PReLU

__all__ = ["Maxout", "PReLU"]
