"""Learnable connections: fully connected, convolution, embedding and composite links."""

from .bias_scale import Bias as Bias
from .bias_scale import Scale as Scale
from .bilinear import Bilinear as Bilinear
from .convolution_2d import Convolution2D as Convolution2D
from .convolution_2d import DilatedConvolution2D as DilatedConvolution2D
from .convolution_nd import Convolution1D as Convolution1D
from .convolution_nd import Convolution3D as Convolution3D
from .convolution_nd import ConvolutionND as ConvolutionND
from .deconvolution import Deconvolution1D as Deconvolution1D
from .deconvolution import Deconvolution2D as Deconvolution2D
from .deconvolution import Deconvolution3D as Deconvolution3D
from .deconvolution import DeconvolutionND as DeconvolutionND
from .deformable_convolution_2d import DeformableConvolution2D as DeformableConvolution2D
from .deformable_convolution_2d import (
    DeformableConvolution2DSampler as DeformableConvolution2DSampler,
)
from .depthwise_convolution_2d import DepthwiseConvolution2D as DepthwiseConvolution2D
from .embed_id import EmbedID as EmbedID
from .highway import Highway as Highway
from .inception import Inception as Inception
from .inception_bn import InceptionBN as InceptionBN
from .linear import Linear as Linear
from .local_convolution_2d import LocalConvolution2D as LocalConvolution2D
from .mlp_convolution_2d import MLPConvolution2D as MLPConvolution2D
from .simplified_dropconnect import SimplifiedDropconnect as SimplifiedDropconnect

__all__ = [
    "InceptionBN",
    "SimplifiedDropconnect",
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
    "DeformableConvolution2D",
    "DeformableConvolution2DSampler",
    "LocalConvolution2D",
    "MLPConvolution2D",
    "Scale",
]
