"""Chainer names provided by the ``kusari-graph`` distribution.

``chainer.functions`` and ``chainer.utils.type_check`` are the real kusari modules (so a
custom ``FunctionNode`` written for Chainer raises and catches the very ``InvalidType`` that
kusari uses); the other modules are synthetic and collect kusari's objects under Chainer's
names.
"""

from __future__ import annotations

import importlib
import importlib.util

from . import _chainer_legacy
from ._tree import ModuleTree

__all__ = ["register"]


def register(tree: ModuleTree) -> None:
    """Add the names of ``kusari.graph`` and ``kusari.functions`` to the Chainer module tree."""
    import kusari.functions as functions
    import kusari.graph as graph

    tree.export(
        "chainer",
        Variable=graph.Variable,
        as_variable=graph.as_variable,
        as_array=graph.as_array,
        FunctionNode=graph.FunctionNode,
        Function=graph.Function,
        FunctionAdapter=graph.FunctionAdapter,
        FunctionHook=graph.FunctionHook,
        get_function_hooks=graph.get_function_hooks,
        grad=graph.grad,
        backward=graph.backward,
        config=graph.config,
        global_config=graph.global_config,
        using_config=graph.using_config,
        no_backprop_mode=graph.no_backprop_mode,
        force_backprop_mode=graph.force_backprop_mode,
        is_debug=graph.is_debug,
        set_debug=graph.set_debug,
        get_dtype=graph.get_dtype,
        mixed16=graph.mixed16,
        DebugMode=_chainer_legacy.DebugMode,
        static_graph=_chainer_legacy.static_graph,
        static_code=_chainer_legacy.static_code,
        disable_experimental_feature_warning=False,
    )
    tree.export(
        "chainer.graph_optimizations",
        static_graph=_chainer_legacy.static_graph,
        static_code=_chainer_legacy.static_code,
    )
    tree.export(
        "chainer.utils",
        force_type=graph.force_type,
        experimental=_chainer_legacy.experimental,
    )
    tree.alias("chainer.utils.conv", importlib.import_module("kusari.functions.conv_utils"))
    tree.export(
        "chainer.variable",
        Variable=graph.Variable,
        VariableNode=graph.VariableNode,
        as_variable=graph.as_variable,
        as_array=graph.as_array,
    )
    tree.export("chainer.function_node", FunctionNode=graph.FunctionNode, grad=graph.grad)
    tree.export(
        "chainer.function",
        Function=graph.Function,
        FunctionAdapter=graph.FunctionAdapter,
        no_backprop_mode=graph.no_backprop_mode,
        force_backprop_mode=graph.force_backprop_mode,
    )
    tree.export("chainer.function_hook", FunctionHook=graph.FunctionHook)
    tree.alias("chainer.function_hooks", importlib.import_module("kusari.graph.function_hooks"))
    tree.export(
        "chainer.configuration",
        config=graph.config,
        global_config=graph.global_config,
        using_config=graph.using_config,
        GlobalConfig=graph.GlobalConfig,
        LocalConfig=graph.LocalConfig,
    )
    tree.alias("chainer.functions", functions)
    # chainer.distributions is kusari's real module; Chainer also exports the base class,
    # the KL registry and cross_entropy at the top level and in chainer.distribution.
    distributions = importlib.import_module("kusari.distributions")
    tree.alias("chainer.distributions", distributions)
    for module in ("chainer", "chainer.distribution"):
        tree.export(
            module,
            Distribution=distributions.Distribution,
            kl_divergence=distributions.kl_divergence,
            register_kl=distributions.register_kl,
            cross_entropy=distributions.cross_entropy,
        )
    tree.export("chainer.utils", force_array=graph.force_array)
    tree.export("chainer.utils", WalkerAlias=functions.WalkerAlias)
    tree.export("chainer.utils.walker_alias", WalkerAlias=functions.WalkerAlias)
    tree.export("chainer.utils", CooMatrix=functions.CooMatrix, to_coo=functions.to_coo)
    tree.export("chainer.utils.sparse", CooMatrix=functions.CooMatrix, to_coo=functions.to_coo)
    tree.alias("chainer.utils.type_check", graph.type_check)
    # Chainer 7's private name of argname, which functions copied from Chainer's own call.
    # The alias above is kusari's real module, so this sets the name there (once; kusari
    # itself never reads it).
    tree.export("chainer.utils.type_check", _argname=graph.type_check.argname)
    for chainer_name, kusari_name in (
        ("chainer.gradient_check", "kusari.graph.gradient_check"),
        ("chainer.computational_graph", "kusari.graph.computational_graph"),
    ):
        if importlib.util.find_spec(kusari_name) is not None:
            tree.alias(chainer_name, importlib.import_module(kusari_name))
    _register_testing(tree)


def _register_testing(tree: ModuleTree) -> None:
    # chainer.testing is a module of its own (not an alias of kusari.testing), because the
    # kusari-links provider adds LinkTestCase, save_and_load, ... to it, which must not
    # appear on kusari.testing.  ``attr`` imports pytest, so it is resolved on first use.
    testing = importlib.import_module("kusari.testing")
    tree.export(
        "chainer.testing",
        **{name: getattr(testing, name) for name in testing.__all__ if name != "attr"},
    )
    tree.alias("chainer.testing.condition", testing.condition)

    def __getattr__(name: str) -> object:
        if name == "attr":
            return importlib.import_module("kusari.testing.attr")
        raise AttributeError(f"module 'chainer.testing' has no attribute {name!r}")

    tree.export("chainer.testing", __getattr__=__getattr__)
