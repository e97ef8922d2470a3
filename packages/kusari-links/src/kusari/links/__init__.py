"""Links of kusari: ``Parameter``, ``Link``, ``Chain``, ``ChainList``, ``Sequential``.

* :class:`Parameter`: a learnable Variable, registered by assignment in ``init_scope``.
* :class:`Link`: the building block, owning parameters and persistent values;
  :class:`Chain` (named children), :class:`ChainList` (a list of children) and
  :class:`Sequential` (layers called in order) nest links.
* :class:`ParameterLink`: Chainer's ``links.Parameter``, a link holding one parameter.
* :class:`LinkHook`: callbacks around every link call, global or per link.

Example:
    >>> import numpy
    >>> from kusari.links import Chain, Link, Parameter
    >>> class Scale(Link):
    ...     def __init__(self):
    ...         super().__init__()
    ...         with self.init_scope():
    ...             self.s = Parameter(2.0, (1,))
    ...     def forward(self, x):
    ...         return x * self.s.array
    >>> class Model(Chain):
    ...     def __init__(self):
    ...         super().__init__()
    ...         with self.init_scope():
    ...             self.first = Scale()
    ...             self.second = Scale()
    ...     def forward(self, x):
    ...         return self.second(self.first(x))
    >>> Model()(numpy.ones(1, dtype=numpy.float32))
    array([4.], dtype=float32)
"""

from .__about__ import __version__ as __version__
from ._chain import Chain as Chain
from ._chain_list import ChainList as ChainList
from ._link import CopyMode as CopyMode
from ._link import Link as Link
from ._link_hook import ForwardPostprocessArgs as ForwardPostprocessArgs
from ._link_hook import ForwardPreprocessArgs as ForwardPreprocessArgs
from ._link_hook import LinkHook as LinkHook
from ._link_hook import get_link_hooks as get_link_hooks
from ._parameter import Parameter as Parameter
from ._parameter import ParameterInitializer as ParameterInitializer
from ._parameter import UpdateRuleLike as UpdateRuleLike
from ._parameter_link import ParameterLink as ParameterLink
from ._sequential import Layer as Layer
from ._sequential import Sequential as Sequential

__all__ = [
    "__version__",
    "Parameter",
    "ParameterInitializer",
    "UpdateRuleLike",
    "Link",
    "CopyMode",
    "Chain",
    "ChainList",
    "Sequential",
    "Layer",
    "ParameterLink",
    "LinkHook",
    "ForwardPreprocessArgs",
    "ForwardPostprocessArgs",
    "get_link_hooks",
]
