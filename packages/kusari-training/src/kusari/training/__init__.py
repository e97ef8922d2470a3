"""Training loop of kusari: Trainer, updaters, triggers and extensions.

* :class:`Trainer`: the loop; :class:`Updater`, :class:`StandardUpdater`,
  :class:`ParallelUpdater`: what one iteration does.
* :mod:`kusari.training.triggers`: when things happen (:func:`get_trigger`).
* :mod:`kusari.training.extensions`: evaluation, logging, snapshots, schedules.
* :class:`Extension`, :func:`make_extension`, ``PRIORITY_*``: writing extensions.
* :func:`concat_examples`, :class:`Converter`, :func:`converter`, :func:`to_device`:
  turning minibatches into arrays.

Example:
    >>> from kusari.training import Trainer, StandardUpdater, extensions, triggers
    >>> triggers.get_trigger((1, "epoch"))
    IntervalTrigger(1, 'epoch')
"""

from kusari.datasets.__about__ import __version__ as __version__

from . import extensions as extensions
from . import triggers as triggers
from . import updaters as updaters
from ._convert import Converter as Converter
from ._convert import Padding as Padding
from ._convert import concat_examples as concat_examples
from ._convert import converter as converter
from ._convert import to_device as to_device
from ._extension import PRIORITY_EDITOR as PRIORITY_EDITOR
from ._extension import PRIORITY_READER as PRIORITY_READER
from ._extension import PRIORITY_WRITER as PRIORITY_WRITER
from ._extension import Extension as Extension
from ._extension import make_extension as make_extension
from ._trainer import ExtensionLike as ExtensionLike
from ._trainer import Trainer as Trainer
from ._updater import Updater as Updater
from .triggers import get_trigger as get_trigger
from .updaters import ParallelUpdater as ParallelUpdater
from .updaters import StandardUpdater as StandardUpdater

__all__ = [
    "__version__",
    # the loop
    "Trainer",
    "Updater",
    "StandardUpdater",
    "ParallelUpdater",
    # extensions and triggers
    "Extension",
    "ExtensionLike",
    "PRIORITY_EDITOR",
    "PRIORITY_READER",
    "PRIORITY_WRITER",
    "make_extension",
    "get_trigger",
    "extensions",
    "triggers",
    "updaters",
    # converters
    "Converter",
    "Padding",
    "concat_examples",
    "converter",
    "to_device",
]
