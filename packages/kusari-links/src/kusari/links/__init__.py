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
from .activation import Maxout as Maxout
from .activation import PReLU as PReLU
from .activation import Swish as Swish
from .connection import Bias as Bias
from .connection import Bilinear as Bilinear
from .connection import Convolution1D as Convolution1D
from .connection import Convolution2D as Convolution2D
from .connection import Convolution3D as Convolution3D
from .connection import ConvolutionND as ConvolutionND
from .connection import Deconvolution1D as Deconvolution1D
from .connection import Deconvolution2D as Deconvolution2D
from .connection import Deconvolution3D as Deconvolution3D
from .connection import DeconvolutionND as DeconvolutionND
from .connection import DeformableConvolution2D as DeformableConvolution2D
from .connection import DepthwiseConvolution2D as DepthwiseConvolution2D
from .connection import DilatedConvolution2D as DilatedConvolution2D
from .connection import EmbedID as EmbedID
from .connection import Highway as Highway
from .connection import Inception as Inception
from .connection import InceptionBN as InceptionBN
from .connection import Linear as Linear
from .connection import LocalConvolution2D as LocalConvolution2D
from .connection import MLPConvolution2D as MLPConvolution2D
from .connection import Scale as Scale
from .connection import SimplifiedDropconnect as SimplifiedDropconnect
from .loss import BinaryHierarchicalSoftmax as BinaryHierarchicalSoftmax
from .loss import BlackOut as BlackOut
from .loss import CRF1d as CRF1d
from .loss import NegativeSampling as NegativeSampling
from .model import Classifier as Classifier
from .model import GoogLeNet as GoogLeNet
from .model import ResNet50Layers as ResNet50Layers
from .model import ResNet101Layers as ResNet101Layers
from .model import ResNet152Layers as ResNet152Layers
from .model import VGG16Layers as VGG16Layers
from .model import VGG19Layers as VGG19Layers
from .normalization import BatchNormalization as BatchNormalization
from .normalization import BatchRenormalization as BatchRenormalization
from .normalization import DecorrelatedBatchNormalization as DecorrelatedBatchNormalization
from .normalization import GroupNormalization as GroupNormalization
from .normalization import LayerNormalization as LayerNormalization
from .rnn import GRU as GRU
from .rnn import LSTM as LSTM
from .rnn import ChildSumTreeLSTM as ChildSumTreeLSTM
from .rnn import NaryTreeLSTM as NaryTreeLSTM
from .rnn import NStepBiGRU as NStepBiGRU
from .rnn import NStepBiLSTM as NStepBiLSTM
from .rnn import NStepBiRNNReLU as NStepBiRNNReLU
from .rnn import NStepBiRNNTanh as NStepBiRNNTanh
from .rnn import NStepGRU as NStepGRU
from .rnn import NStepLSTM as NStepLSTM
from .rnn import NStepRNNReLU as NStepRNNReLU
from .rnn import NStepRNNTanh as NStepRNNTanh
from .rnn import StatefulGRU as StatefulGRU
from .rnn import StatefulMGU as StatefulMGU
from .rnn import StatefulPeepholeLSTM as StatefulPeepholeLSTM
from .rnn import StatefulZoneoutLSTM as StatefulZoneoutLSTM
from .rnn import StatelessGRU as StatelessGRU
from .rnn import StatelessLSTM as StatelessLSTM
from .rnn import StatelessMGU as StatelessMGU

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
    "Maxout",
    "PReLU",
    "Bias",
    "Bilinear",
    "Convolution1D",
    "Convolution2D",
    "Convolution3D",
    "ConvolutionND",
    "Deconvolution1D",
    "Deconvolution2D",
    "Deconvolution3D",
    "DeconvolutionND",
    "DepthwiseConvolution2D",
    "DilatedConvolution2D",
    "EmbedID",
    "Highway",
    "Inception",
    "Linear",
    "MLPConvolution2D",
    "Scale",
    "Classifier",
    "BatchNormalization",
    "BatchRenormalization",
    "GroupNormalization",
    "LayerNormalization",
    "GRU",
    "LSTM",
    "NStepBiGRU",
    "NStepBiLSTM",
    "NStepBiRNNReLU",
    "NStepBiRNNTanh",
    "NStepGRU",
    "NStepLSTM",
    "NStepRNNReLU",
    "NStepRNNTanh",
    "StatefulGRU",
    "StatelessGRU",
    "StatelessLSTM",
    "Swish",
    "InceptionBN",
    "SimplifiedDropconnect",
    "StatefulMGU",
    "StatelessMGU",
    "StatefulPeepholeLSTM",
    "StatefulZoneoutLSTM",
    "BinaryHierarchicalSoftmax",
    "BlackOut",
    "CRF1d",
    "NegativeSampling",
    "DeformableConvolution2D",
    "LocalConvolution2D",
    "ChildSumTreeLSTM",
    "NaryTreeLSTM",
    "DecorrelatedBatchNormalization",
    "GoogLeNet",
    "ResNet50Layers",
    "ResNet101Layers",
    "ResNet152Layers",
    "VGG16Layers",
    "VGG19Layers",
]
