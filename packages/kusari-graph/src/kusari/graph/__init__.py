"""The define-by-run autograd core of kusari: Variable, FunctionNode and the backward engine.

* Graph objects: :class:`Variable`, :class:`VariableNode`, :class:`FunctionNode`, the
  old-style :class:`Function` and its :class:`FunctionAdapter`.
* Backpropagation: :meth:`Variable.backward`, :func:`backward` (several outputs),
  :func:`grad` (gradients returned, optionally differentiable).
* Configuration on :mod:`contextvars`: :data:`config`, :data:`global_config`,
  :func:`using_config`, :func:`no_backprop_mode`, :func:`force_backprop_mode`.
* Hooks: :class:`FunctionHook` (ready-made ones in :mod:`kusari.graph.function_hooks`).
* Submodules, also attributes of this package: :mod:`kusari.graph.type_check` (input
  checks), :mod:`kusari.graph.gradient_check` (numerical gradient checks),
  :mod:`kusari.graph.computational_graph` (DOT text of a graph) and
  :mod:`kusari.graph.function_hooks`.

Importing this package also imports :mod:`kusari.functions`, which installs the Variable
operators (``+ - * / ** @``, indexing, ...).

Example:
    >>> import numpy
    >>> import kusari.functions as F
    >>> from kusari.graph import Variable
    >>> x = Variable(numpy.array([0.5, -1.0], numpy.float32))
    >>> y = F.sum(F.tanh(x) * 2)
    >>> y.backward()
    >>> x.grad
    array([1.5728954 , 0.83994865], dtype=float32)
"""

from . import computational_graph as computational_graph
from . import function_hooks as function_hooks
from . import gradient_check as gradient_check
from . import type_check as type_check
from .__about__ import __version__ as __version__
from ._backprop import backward as backward
from ._backprop import grad as grad
from ._config import GlobalConfig as GlobalConfig
from ._config import LocalConfig as LocalConfig
from ._config import config as config
from ._config import force_backprop_mode as force_backprop_mode
from ._config import get_dtype as get_dtype
from ._config import global_config as global_config
from ._config import is_debug as is_debug
from ._config import mixed16 as mixed16
from ._config import no_backprop_mode as no_backprop_mode
from ._config import set_debug as set_debug
from ._config import using_config as using_config
from ._function import Function as Function
from ._function import FunctionAdapter as FunctionAdapter
from ._function_hook import FunctionHook as FunctionHook
from ._function_hook import get_function_hooks as get_function_hooks
from ._function_node import FunctionNode as FunctionNode
from ._utils import force_array as force_array
from ._utils import force_type as force_type
from ._variable import Operand as Operand
from ._variable import Variable as Variable
from ._variable import VariableOrArray as VariableOrArray
from ._variable_convert import as_array as as_array
from ._variable_convert import as_variable as as_variable
from ._variable_node import VariableNode as VariableNode

__all__ = [
    "__version__",
    # graph
    "Variable",
    "VariableNode",
    "VariableOrArray",
    "Operand",
    "as_variable",
    "as_array",
    "FunctionNode",
    "Function",
    "FunctionAdapter",
    "force_array",
    "force_type",
    # backprop
    "backward",
    "grad",
    # configuration
    "config",
    "global_config",
    "GlobalConfig",
    "LocalConfig",
    "using_config",
    "no_backprop_mode",
    "force_backprop_mode",
    "is_debug",
    "set_debug",
    "get_dtype",
    "mixed16",
    # hooks and checks
    "FunctionHook",
    "get_function_hooks",
    # submodules
    "type_check",
    "gradient_check",
    "computational_graph",
    "function_hooks",
]

# The Variable operators are differentiable functions of kusari.functions (same
# distribution); importing it installs them.  It must come last: kusari.functions imports
# the names above.
import kusari.functions as _functions  # noqa: F401
