"""Compatibility with Chainer 7: run Chainer code on kusari with one line.

Example:
    >>> from kusari.compat import install_as_chainer, uninstall_chainer
    >>> chainer = install_as_chainer()
    >>> chainer.__version__
    '7.8.1'
    >>> uninstall_chainer()
"""

from .__about__ import __version__ as __version__
from ._install import install_as_chainer as install_as_chainer
from ._install import uninstall_chainer as uninstall_chainer
from ._tree import ModuleTree as ModuleTree

__all__ = ["ModuleTree", "__version__", "install_as_chainer", "uninstall_chainer"]
