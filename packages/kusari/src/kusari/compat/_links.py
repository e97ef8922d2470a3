"""Chainer names provided by the ``kusari-links`` distribution.

:func:`register` adds the links, initializers and serializers (``chainer.Link``,
``chainer.links``, ``chainer.initializers``, ``chainer.serializers``, ...), then hands the
tree to the optimizers' provider, :mod:`kusari.compat._optimizers`, when it exists.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from ._tree import ModuleTree

__all__ = ["register"]

_OPTIMIZERS_PROVIDER = "kusari.compat._optimizers"


def register(tree: ModuleTree) -> None:
    """Add the links, initializers, serializers (and optimizers) to the Chainer tree.

    The optimizers are added by :mod:`kusari.compat._optimizers`, called from here.
    """
    import kusari.links  # noqa: F401  (skips this provider when the package is absent)

    _register_links(tree)
    if importlib.util.find_spec(_OPTIMIZERS_PROVIDER) is not None:
        importlib.import_module(_OPTIMIZERS_PROVIDER).register(tree)


def _export_synthetic(tree: ModuleTree, dotted_name: str, **names: Any) -> None:
    # Never set attributes on a real kusari module that another provider aliased.
    existing = tree.modules().get(dotted_name)
    if existing is not None and not getattr(existing, "__kusari_compat__", False):
        return
    tree.export(dotted_name, **names)


_STANDARD_LINK_PACKAGES = tuple(
    f"kusari.links.{name}."
    for name in ("connection", "normalization", "rnn", "model", "activation", "loss")
)


def _standard_links(links: Any) -> dict[str, Any]:
    """The standard links of :mod:`kusari.links` (``Linear``, ``LSTM``, ...) by name."""
    found = {}
    for name in links.__all__:
        value = getattr(links, name)
        if isinstance(value, type) and value.__module__.startswith(_STANDARD_LINK_PACKAGES):
            found[name] = value
    return found


def _register_links(tree: ModuleTree) -> None:
    from kusari import initializers, links, serializers
    from kusari.links import hooks as link_hooks

    tree.export(
        "chainer",
        Parameter=links.Parameter,
        Link=links.Link,
        Chain=links.Chain,
        ChainList=links.ChainList,
        Sequential=links.Sequential,
        LinkHook=links.LinkHook,
        Initializer=initializers.Initializer,
        AbstractSerializer=serializers.AbstractSerializer,
        Serializer=serializers.Serializer,
        Deserializer=serializers.Deserializer,
    )
    _export_synthetic(tree, "chainer.variable", Parameter=links.Parameter)
    tree.export(
        "chainer.link",
        Link=links.Link,
        Chain=links.Chain,
        ChainList=links.ChainList,
    )
    tree.export("chainer.sequential", Sequential=links.Sequential)
    tree.export("chainer.link_hook", LinkHook=links.LinkHook)
    tree.alias("chainer.link_hooks", link_hooks)
    # In chainer.links, ``Parameter`` is the Link holding one parameter.
    tree.export("chainer.links", Parameter=links.ParameterLink)
    tree.export("chainer.links", **_standard_links(links))
    # chainer.links.model.vision.{vgg,resnet,googlenet}: the pretrained models and prepare().
    tree.alias("chainer.links.model.vision", links.model.vision)
    for name in ("vgg", "resnet", "googlenet"):
        tree.alias(f"chainer.links.model.vision.{name}", getattr(links.model.vision, name))
    tree.export(
        "chainer.initializer",
        Initializer=initializers.Initializer,
        get_fans=initializers.get_fans,
    )
    tree.export(
        "chainer.initializers",
        Initializer=initializers.Initializer,
        Constant=initializers.Constant,
        Zero=initializers.Zero,
        One=initializers.One,
        NaN=initializers.NaN,
        Identity=initializers.Identity,
        Normal=initializers.Normal,
        LeCunNormal=initializers.LeCunNormal,
        GlorotNormal=initializers.GlorotNormal,
        HeNormal=initializers.HeNormal,
        Uniform=initializers.Uniform,
        LeCunUniform=initializers.LeCunUniform,
        GlorotUniform=initializers.GlorotUniform,
        HeUniform=initializers.HeUniform,
        Orthogonal=initializers.Orthogonal,
        UpsamplingDeconvFilter=initializers.UpsamplingDeconvFilter,
        DownsamplingConvFilter=initializers.DownsamplingConvFilter,
        generate_array=initializers.generate_array,
        # Chainer's private name, which custom links written for Chainer call.
        _get_initializer=initializers.get_initializer,
    )
    tree.export(
        "chainer.serializer",
        AbstractSerializer=serializers.AbstractSerializer,
        Serializer=serializers.Serializer,
        Deserializer=serializers.Deserializer,
    )
    tree.export(
        "chainer.serializers",
        DictionarySerializer=serializers.DictionarySerializer,
        NpzDeserializer=serializers.NpzDeserializer,
        save_npz=serializers.save_npz,
        load_npz=serializers.load_npz,
        HDF5Serializer=serializers.HDF5Serializer,
        HDF5Deserializer=serializers.HDF5Deserializer,
        save_hdf5=serializers.save_hdf5,
        load_hdf5=serializers.load_hdf5,
    )
    # LinkTestCase, LinkInitializersTestCase, save_and_load... (chainer.testing is synthetic).
    link_testing = importlib.import_module("kusari.links.testing")
    _export_synthetic(
        tree,
        "chainer.testing",
        **{name: getattr(link_testing, name) for name in link_testing.__all__},
    )
