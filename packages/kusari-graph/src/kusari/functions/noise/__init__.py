"""Functions that inject noise (``chainer.functions.noise``).

:func:`dropout` (and the others that depend on the mode) reads ``config.train``: outside
training mode it is the identity.  Random draws come from ``numpy.random`` (or
``cupy.random``), so seeding it reproduces Chainer's draws.

Example:
    >>> import numpy
    >>> import kusari.functions as F
    >>> from kusari.graph import using_config
    >>> with using_config("train", False):
    ...     F.dropout(numpy.ones(3, numpy.float32)).array.tolist()
    [1.0, 1.0, 1.0]
"""

from .dropout import dropout as dropout
from .gaussian import gaussian as gaussian
from .gumbel_softmax import gumbel_softmax as gumbel_softmax
from .simplified_dropconnect import simplified_dropconnect as simplified_dropconnect
from .zoneout import zoneout as zoneout

__all__ = [
    "dropout",
    "gaussian",
    "gumbel_softmax",
    "simplified_dropconnect",
    "zoneout",
]
