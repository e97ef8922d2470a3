"""Connection functions: linear maps, convolutions, embeddings and recurrent cells.

Convolutions run as one im2col copy (a strided view of the padded input) and one batched
GEMM; their gradients are GEMMs plus a col2im.  :func:`lstm` runs on the fused kernels of
:mod:`kusari.devices.kernels`.
"""

from .convolution_2d import convolution_2d as convolution_2d
from .convolution_nd import convolution_nd as convolution_nd
from .deconvolution_2d import deconvolution_2d as deconvolution_2d
from .deconvolution_nd import deconvolution_nd as deconvolution_nd
from .depthwise_convolution_2d import depthwise_convolution_2d as depthwise_convolution_2d
from .dilated_convolution_2d import dilated_convolution_2d as dilated_convolution_2d
from .embed_id import embed_id as embed_id
from .linear import linear as linear
from .lstm import lstm as lstm

__all__ = [
    "convolution_2d",
    "convolution_nd",
    "deconvolution_2d",
    "deconvolution_nd",
    "depthwise_convolution_2d",
    "dilated_convolution_2d",
    "embed_id",
    "linear",
    "lstm",
]
