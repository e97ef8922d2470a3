"""Training loop of kusari: Trainer, updaters, triggers and extensions."""

from kusari.datasets.__about__ import __version__ as __version__

from ._convert import Converter as Converter
from ._convert import Padding as Padding
from ._convert import concat_examples as concat_examples
from ._convert import converter as converter
from ._convert import to_device as to_device

__all__ = [
    "__version__",
    # converters
    "Converter",
    "Padding",
    "concat_examples",
    "converter",
    "to_device",
]
