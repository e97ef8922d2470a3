"""Updaters: what one training iteration does.

* :class:`StandardUpdater`: one batch, one loss, one optimizer step.
* :class:`ParallelUpdater`: the batch split over several devices with model copies.
* :class:`MultiprocessParallelUpdater`: Chainer's process-per-GPU updater; kusari
  raises an error that points to :class:`ParallelUpdater` and :mod:`kusari.distributed`.

Example:
    >>> from kusari.training.updaters import ParallelUpdater, StandardUpdater
    >>> issubclass(ParallelUpdater, StandardUpdater)
    True
"""

from ._multiprocess_parallel import MultiprocessParallelUpdater as MultiprocessParallelUpdater
from ._parallel import ParallelUpdater as ParallelUpdater
from ._standard import StandardUpdater as StandardUpdater

__all__ = ["MultiprocessParallelUpdater", "ParallelUpdater", "StandardUpdater"]
