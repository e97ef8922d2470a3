"""Draw the backward graph of Variables in Graphviz DOT (``chainer.computational_graph``).

Example:
    >>> import numpy
    >>> from kusari.graph import Variable
    >>> from kusari.graph.computational_graph import build_computational_graph
    >>> x = Variable(numpy.zeros(2, numpy.float32))
    >>> build_computational_graph([x]).dump().startswith("digraph graphname{rankdir=TB;")
    True
"""

from ._computational_graph import ComputationalGraph as ComputationalGraph
from ._computational_graph import build_computational_graph as build_computational_graph

__all__ = ["ComputationalGraph", "build_computational_graph"]
