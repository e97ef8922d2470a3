"""Dataset iterators of kusari: serial, multithread and multiprocess.

* :class:`Iterator`: the interface (Chainer's ``chainer.dataset.Iterator``).
* :class:`SerialIterator`, :class:`MultithreadIterator`, :class:`MultiprocessIterator`:
  minibatches over a dataset, with the same order for the same sampler.
* :class:`OrderSampler`, :class:`ShuffleOrderSampler`: the order of each epoch.

Example:
    >>> import numpy
    >>> from kusari.iterators import SerialIterator, ShuffleOrderSampler
    >>> sampler = ShuffleOrderSampler(numpy.random.RandomState(0))
    >>> it = SerialIterator(list(range(6)), 4, order_sampler=sampler)
    >>> len(next(it)), it.epoch_detail
    (4, 0.6666666666666666)
"""

from kusari.datasets.__about__ import __version__ as __version__

from ._iterator import Iterator as Iterator
from ._multiprocess import MultiprocessIterator as MultiprocessIterator
from ._multithread import MultithreadIterator as MultithreadIterator
from ._order_sampler import OrderSampler as OrderSampler
from ._order_sampler import ShuffleOrderSampler as ShuffleOrderSampler
from ._serial import SerialIterator as SerialIterator

__all__ = [
    "__version__",
    "Iterator",
    "MultiprocessIterator",
    "MultithreadIterator",
    "OrderSampler",
    "SerialIterator",
    "ShuffleOrderSampler",
]
