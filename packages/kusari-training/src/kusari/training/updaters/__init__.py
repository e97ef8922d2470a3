"""Updaters: what one training iteration does.

* :class:`StandardUpdater`: one batch, one loss, one optimizer step.
* :class:`ParallelUpdater`: the batch split over several devices with model copies.

Example:
    >>> from kusari.training.updaters import ParallelUpdater, StandardUpdater
    >>> issubclass(ParallelUpdater, StandardUpdater)
    True
"""

from ._parallel import ParallelUpdater as ParallelUpdater
from ._standard import StandardUpdater as StandardUpdater

__all__ = ["ParallelUpdater", "StandardUpdater"]
