"""Ready-made link hooks (Chainer's ``chainer.link_hooks``).

* :class:`TimerHook`: the wall-clock time of every link call, globally or per link.
* :class:`SpectralNormalization`: divide a link's weight by its largest singular value.
* :class:`WeightStandardization`: standardize a link's weight per output unit.

The two weight hooks act on one link each (:meth:`kusari.links.Link.add_hook`): during a
forward the link's weight attribute is the normalized Variable, outside it the
:class:`~kusari.links.Parameter`.

Example:
    >>> import numpy
    >>> from kusari.links import Linear
    >>> from kusari.links.hooks import SpectralNormalization, TimerHook
    >>> layer = Linear(4, 3).add_hook(SpectralNormalization())
    >>> with TimerHook() as timer:
    ...     y = layer(numpy.ones((2, 4), numpy.float32))
    >>> y.shape, [name for name, _ in timer.call_history]
    ((2, 3), ['Linear'])
"""

from ._spectral_normalization import SpectralNormalization as SpectralNormalization
from ._timer import LinkTime as LinkTime
from ._timer import TimerHook as TimerHook
from ._weight_hook import WeightHook as WeightHook
from ._weight_standardization import WeightStandardization as WeightStandardization

__all__ = [
    "LinkTime",
    "SpectralNormalization",
    "TimerHook",
    "WeightHook",
    "WeightStandardization",
]
