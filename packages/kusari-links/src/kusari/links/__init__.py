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

# The standard links (Chainer's chainer.links), imported after the base classes they use.
from .connection.convolution_2d import Convolution2D as Convolution2D
from .connection.convolution_2d import DilatedConvolution2D as DilatedConvolution2D
from .connection.convolution_nd import Convolution1D as Convolution1D
from .connection.convolution_nd import Convolution3D as Convolution3D
from .connection.convolution_nd import ConvolutionND as ConvolutionND
from .connection.deconvolution import Deconvolution1D as Deconvolution1D
from .connection.deconvolution import Deconvolution2D as Deconvolution2D
from .connection.deconvolution import Deconvolution3D as Deconvolution3D
from .connection.deconvolution import DeconvolutionND as DeconvolutionND
from .connection.depthwise_convolution_2d import (
    DepthwiseConvolution2D as DepthwiseConvolution2D,
)
from .connection.embed_id import EmbedID as EmbedID
from .connection.linear import Linear as Linear
from .model.classifier import Classifier as Classifier
from .normalization.batch_normalization import (
    BatchNormalization as BatchNormalization,
)
from .rnn.lstm import LSTM as LSTM
from .rnn.lstm import StatelessLSTM as StatelessLSTM

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
    # standard links
    "Linear",
    "Convolution1D",
    "Convolution2D",
    "Convolution3D",
    "ConvolutionND",
    "DilatedConvolution2D",
    "DepthwiseConvolution2D",
    "Deconvolution1D",
    "Deconvolution2D",
    "Deconvolution3D",
    "DeconvolutionND",
    "EmbedID",
    "BatchNormalization",
    "LSTM",
    "StatelessLSTM",
    "Classifier",
]
