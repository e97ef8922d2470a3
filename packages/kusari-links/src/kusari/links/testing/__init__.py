"""Test helpers for code built on links (the link parts of Chainer's ``chainer.testing``).

* :class:`LinkTestCase`: a link's forward values and gradients, failing with
  :class:`LinkTestError`; :class:`LinkInitializersTestCase`: its initializer arguments,
  with :class:`InitializerArgument` for arguments that stand for another initializer.
* :func:`save_and_load`, :func:`save_and_load_npz`, :func:`save_and_load_hdf5`: round-trip
  an object through a serializer in a temporary folder.

They live in ``kusari-links`` because they need links and serializers; the rest of
``chainer.testing`` is :mod:`kusari.testing` (``kusari-graph``), whose
:func:`~kusari.testing.inject_backend_tests` runs these cases on several backends.

Example:
    >>> import kusari.links as L
    >>> from kusari.links.testing import save_and_load_npz
    >>> src, dst = L.Linear(2, 2), L.Linear(2, 2)
    >>> save_and_load_npz(src, dst)
    >>> bool((src.W.array == dst.W.array).all())
    True
"""

from ._link_test import InitializerArgument as InitializerArgument
from ._link_test import LinkInitializersTestCase as LinkInitializersTestCase
from ._link_test import LinkTestCase as LinkTestCase
from ._link_test import LinkTestError as LinkTestError
from ._serializer import save_and_load as save_and_load
from ._serializer import save_and_load_hdf5 as save_and_load_hdf5
from ._serializer import save_and_load_npz as save_and_load_npz

__all__ = [
    "InitializerArgument",
    "LinkInitializersTestCase",
    "LinkTestCase",
    "LinkTestError",
    "save_and_load",
    "save_and_load_hdf5",
    "save_and_load_npz",
]
