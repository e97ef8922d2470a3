"""Array manipulation: shapes, joins, splits, indexing and selection (``chainer.functions.array``).

Every function here is differentiable (twice), and moves the gradient back to where each
input element went: concatenation splits it, indexing scatters it, and so on.

Example:
    >>> import numpy
    >>> import kusari.functions as F
    >>> from kusari.graph import Variable
    >>> x = Variable(numpy.arange(6.0).reshape(2, 3))
    >>> a, b = F.split_axis(x, [1], axis=1)
    >>> y = F.concat((b, a * 10), axis=1)
    >>> F.sum(y).backward()
    >>> x.grad.tolist()
    [[10.0, 1.0, 1.0], [10.0, 1.0, 1.0]]
"""

from .as_strided import as_strided as as_strided
from .broadcast import broadcast as broadcast
from .broadcast_to import broadcast_to as broadcast_to
from .cast import cast as cast
from .concat import concat as concat
from .copy import copy as copy
from .depth2space import depth2space as depth2space
from .diagonal import diagonal as diagonal
from .dstack import dstack as dstack
from .expand_dims import expand_dims as expand_dims
from .flatten import flatten as flatten
from .flip import flip as flip
from .fliplr import fliplr as fliplr
from .flipud import flipud as flipud
from .get_item import get_item as get_item
from .hstack import hstack as hstack
from .im2col import im2col as im2col
from .moveaxis import moveaxis as moveaxis
from .pad import pad as pad
from .pad_sequence import pad_sequence as pad_sequence
from .permutate import permutate as permutate
from .repeat import repeat as repeat
from .reshape import reshape as reshape
from .resize_images import resize_images as resize_images
from .rollaxis import rollaxis as rollaxis
from .scatter_add import scatter_add as scatter_add
from .select_item import select_item as select_item
from .separate import separate as separate
from .space2depth import space2depth as space2depth
from .spatial_transformer_grid import spatial_transformer_grid as spatial_transformer_grid
from .spatial_transformer_sampler import (
    spatial_transformer_sampler as spatial_transformer_sampler,
)
from .split_axis import split_axis as split_axis
from .squeeze import squeeze as squeeze
from .stack import stack as stack
from .swapaxes import swapaxes as swapaxes
from .tile import tile as tile
from .transpose import transpose as transpose
from .transpose_sequence import transpose_sequence as transpose_sequence
from .vstack import vstack as vstack
from .where import where as where

__all__ = [
    "as_strided",
    "broadcast",
    "broadcast_to",
    "cast",
    "concat",
    "copy",
    "depth2space",
    "diagonal",
    "dstack",
    "expand_dims",
    "flatten",
    "flip",
    "fliplr",
    "flipud",
    "get_item",
    "hstack",
    "im2col",
    "moveaxis",
    "pad",
    "pad_sequence",
    "permutate",
    "repeat",
    "reshape",
    "resize_images",
    "rollaxis",
    "scatter_add",
    "select_item",
    "separate",
    "space2depth",
    "spatial_transformer_grid",
    "spatial_transformer_sampler",
    "split_axis",
    "squeeze",
    "stack",
    "swapaxes",
    "tile",
    "transpose",
    "transpose_sequence",
    "vstack",
    "where",
]
