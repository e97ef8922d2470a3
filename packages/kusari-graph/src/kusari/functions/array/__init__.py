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

from .broadcast_to import broadcast_to as broadcast_to
from .cast import cast as cast
from .concat import concat as concat
from .expand_dims import expand_dims as expand_dims
from .flatten import flatten as flatten
from .get_item import get_item as get_item
from .reshape import reshape as reshape
from .select_item import select_item as select_item
from .separate import separate as separate
from .split_axis import split_axis as split_axis
from .squeeze import squeeze as squeeze
from .stack import stack as stack
from .transpose import transpose as transpose
from .where import where as where

__all__ = [
    "broadcast_to",
    "cast",
    "concat",
    "expand_dims",
    "flatten",
    "get_item",
    "reshape",
    "select_item",
    "separate",
    "split_axis",
    "squeeze",
    "stack",
    "transpose",
    "where",
]
