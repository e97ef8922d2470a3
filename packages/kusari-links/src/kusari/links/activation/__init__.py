"""Activation links with learnable parameters: :class:`PReLU`, :class:`Maxout`."""

from .maxout import Maxout as Maxout
from .prelu import PReLU as PReLU
from .swish import Swish as Swish

__all__ = ["Swish", "Maxout", "PReLU"]
