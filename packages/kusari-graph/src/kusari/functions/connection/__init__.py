"""Connection functions: linear maps, convolutions, embeddings and recurrent cells.

Convolutions run as one im2col copy (a strided view of the padded input) and one batched
GEMM; their gradients are GEMMs plus a col2im.  :func:`lstm` runs on the fused kernels of
:mod:`kusari.devices.kernels`.
"""

from .bilinear import bilinear as bilinear
from .convolution_2d import convolution_2d as convolution_2d
from .convolution_nd import convolution_1d as convolution_1d
from .convolution_nd import convolution_3d as convolution_3d
from .convolution_nd import convolution_nd as convolution_nd
from .deconvolution_2d import deconvolution_2d as deconvolution_2d
from .deconvolution_nd import deconvolution_1d as deconvolution_1d
from .deconvolution_nd import deconvolution_3d as deconvolution_3d
from .deconvolution_nd import deconvolution_nd as deconvolution_nd
from .deformable_convolution_2d_sampler import (
    deformable_convolution_2d_sampler as deformable_convolution_2d_sampler,
)
from .depthwise_convolution_2d import depthwise_convolution_2d as depthwise_convolution_2d
from .dilated_convolution_2d import dilated_convolution_2d as dilated_convolution_2d
from .embed_id import embed_id as embed_id
from .linear import linear as linear
from .local_convolution_2d import local_convolution_2d as local_convolution_2d
from .lstm import lstm as lstm
from .lstm import lstm_gates as lstm_gates
from .n_step_gru import n_step_bigru as n_step_bigru
from .n_step_gru import n_step_gru as n_step_gru
from .n_step_lstm import n_step_bilstm as n_step_bilstm
from .n_step_lstm import n_step_lstm as n_step_lstm
from .n_step_rnn import n_step_birnn as n_step_birnn
from .n_step_rnn import n_step_rnn as n_step_rnn
from .shift import shift as shift
from .slstm import slstm as slstm
from .tree_lstm import tree_lstm as tree_lstm

__all__ = [
    "bilinear",
    "convolution_1d",
    "convolution_2d",
    "convolution_3d",
    "convolution_nd",
    "deconvolution_1d",
    "deconvolution_2d",
    "deconvolution_3d",
    "deconvolution_nd",
    "deformable_convolution_2d_sampler",
    "depthwise_convolution_2d",
    "dilated_convolution_2d",
    "embed_id",
    "linear",
    "local_convolution_2d",
    "lstm",
    "lstm_gates",
    "n_step_bigru",
    "n_step_bilstm",
    "n_step_birnn",
    "n_step_gru",
    "n_step_lstm",
    "n_step_rnn",
    "shift",
    "slstm",
    "tree_lstm",
]
