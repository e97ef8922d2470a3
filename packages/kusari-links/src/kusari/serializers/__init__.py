"""Saving and loading links, optimizers and other serializable objects.

* Protocol: :class:`Serializable`, :class:`AbstractSerializer`, :class:`Serializer`,
  :class:`Deserializer`.
* In memory: :class:`DictionarySerializer` (object -> ``dict`` of arrays),
  :class:`NpzDeserializer` (mapping of arrays -> object).
* Files: :func:`save_npz` / :func:`load_npz`, with the ``safetensors`` extra
  :func:`save_safetensors` / :func:`load_safetensors`, and with the ``hdf5`` extra
  :func:`save_hdf5` / :func:`load_hdf5` (Chainer's HDF5 layout, through
  :class:`HDF5Serializer` / :class:`HDF5Deserializer`).

Files are written atomically and loaded all or nothing; nothing is ever pickled or
unpickled.  ``None`` values are saved as a marker array (see :data:`NONE_MARKER_DTYPE`)
instead of Chainer's pickled ``numpy.asarray(None)``.

Example:
    >>> import numpy
    >>> from kusari.serializers import DictionarySerializer, NpzDeserializer
    >>> class Box:
    ...     def __init__(self, value):
    ...         self.value = value
    ...     def serialize(self, serializer):
    ...         self.value = serializer("value", self.value)
    >>> saved = DictionarySerializer()
    >>> saved.save(Box(numpy.arange(2.0)))
    >>> box = Box(numpy.zeros(2))
    >>> NpzDeserializer(saved.target).load(box)
    >>> box.value
    array([0., 1.])
"""

from ._base import AbstractSerializer as AbstractSerializer
from ._base import Deserializer as Deserializer
from ._base import Serializable as Serializable
from ._base import Serializer as Serializer
from ._dictionary import NONE_MARKER_DTYPE as NONE_MARKER_DTYPE
from ._dictionary import DictionarySerializer as DictionarySerializer
from ._hdf5 import HDF5Deserializer as HDF5Deserializer
from ._hdf5 import HDF5Serializer as HDF5Serializer
from ._hdf5 import load_hdf5 as load_hdf5
from ._hdf5 import save_hdf5 as save_hdf5
from ._npz import IgnoreNames as IgnoreNames
from ._npz import NpzDeserializer as NpzDeserializer
from ._npz import load_npz as load_npz
from ._npz import save_npz as save_npz
from ._safetensors import NONE_KEYS_METADATA as NONE_KEYS_METADATA
from ._safetensors import load_safetensors as load_safetensors
from ._safetensors import save_safetensors as save_safetensors

__all__ = [
    "__version__",
    # protocol
    "AbstractSerializer",
    "Deserializer",
    "Serializable",
    "Serializer",
    # in memory
    "DictionarySerializer",
    "IgnoreNames",
    "NONE_MARKER_DTYPE",
    "NpzDeserializer",
    # files
    "load_npz",
    "save_npz",
    "NONE_KEYS_METADATA",
    "load_safetensors",
    "save_safetensors",
    "HDF5Deserializer",
    "HDF5Serializer",
    "load_hdf5",
    "save_hdf5",
]

# Imported last: it runs kusari.links/__init__, which imports this package's names above.
from kusari.links.__about__ import __version__ as __version__
